"""CSRF on every form: each POST route of the pages, found by walking the app's routes (so a new
form is covered the day it is added), refuses a request without the session's CSRF token with a
403 error page and stores nothing — sent by a person who could otherwise use the form."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.db.orm import WebSessionRow
from tests.web.conftest import module_database
from tests.web.world import COHORT_A, MAIL, PASSWORD, World, build_world, with_benchmarking

CSRF_REFUSAL = "Token formulir tidak sah atau kedaluwarsa"
PARAMETER = re.compile(r"\{(\w+)\}")

SENDER = {
    "/projects/{project_id}/submit": "p1",
    "/projects/{project_id}/extension": "p1",
    "/projects/{project_id}/decide": "m1",
    "/seminars/{session_id}/score": "xA",
    "/seminars/{session_id}/grade": "xA",
    "/seminars/{session_id}/regrade": "xA",
}
"""Who sends each form (by default the cohort's coordinator, kA; a project's content forms p1)."""


def _routes(routes: Iterable[Any]) -> Iterator[tuple[str, frozenset[str]]]:
    """Every route's path and methods, looking inside included routers."""
    for route in routes:
        nested = getattr(route, "effective_candidates", None)
        if nested is not None:
            yield from _routes(nested())
            continue
        original = getattr(route, "original_route", route)
        path = getattr(route, "path", None) or getattr(original, "path", None)
        methods = getattr(original, "methods", None) or getattr(route, "methods", None)
        if path and methods:
            yield path, frozenset(methods)


def _form_paths(w: World) -> list[str]:
    """The POST routes of the pages (everything outside ``/api/``)."""
    return sorted(
        {
            path
            for path, methods in _routes(w.web.routes)
            if "POST" in methods and not path.startswith("/api/")
        }
    )


def _values(w: World) -> dict[str, str]:
    """A real value for each path parameter the pages use."""
    _, token = w.app.accounts.issue_token(w.ids["kA"], COHORT_A, "LMS uji CSRF")
    return {
        "code": COHORT_A,
        "project_id": str(w.projects["T"]),
        "extension_id": str(w.extension),
        "person_id": str(w.ids["p1"]),
        "token_id": str(token.id),
        "group_code": "I",
        "host_code": "hA-bkpsdm",
        "visit_code": "V1",
        "lesson_id": str(w.bench["lesson1"]),
        "milestone_id": str(w.bench["milestone1"]),
        "session_id": str(w.bench["session"]),
    }


def _sender(path: str) -> str:
    if path in SENDER:
        return SENDER[path]
    return "p1" if path.startswith("/projects/{project_id}/content") else "kA"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def form_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """A world with cohort A's benchmarking, so every form has something real to act on."""
    with module_database(request.param, tmp_path_factory) as url:
        built = with_benchmarking(build_world(url, tmp_path_factory.mktemp("data")))
        try:
            yield built
        finally:
            built.app.close()


def _sessions(w: World) -> int:
    assert w.app.database is not None
    with w.app.database.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(WebSessionRow)).scalar_one())


def test_every_form_of_the_pages_refuses_a_request_without_its_csrf_token(form_world: World) -> None:
    w = form_world
    values = _values(w)
    paths = _form_paths(w)
    assert len(paths) >= 30 and "/projects/{project_id}/decide" in paths
    refused = []
    for template in paths:
        if template == "/login":
            continue
        unknown = set(PARAMETER.findall(template)) - set(values)
        assert not unknown, f"{template}: give the test a real value for {unknown}"
        path = PARAMETER.sub(lambda m: values[m.group(1)], template)
        caller = w.caller(_sender(template))
        before = w.snapshot()
        answer = caller.client.post(  # the raw client: no X-CSRF-Token header
            path, data={"back": path, "decision": "approve"}, follow_redirects=False
        )
        assert answer.status_code == 403, f"{template}: {answer.status_code} {answer.text[:300]}"
        assert CSRF_REFUSAL in answer.text, f"{template}: {answer.text[:300]}"
        assert w.snapshot() == before, f"{template} stored something"
        refused.append(template)
    assert "/logout" in refused and w.caller("kA").get("/account").status_code == 200


def test_the_login_form_refuses_a_request_without_its_form_token(form_world: World) -> None:
    client = form_world.anonymous()
    sessions = _sessions(form_world)
    answer = client.post(
        "/login", data={"login": f"kA@{MAIL}", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403 and "patok_session" not in answer.headers.get("set-cookie", "")
    assert _sessions(form_world) == sessions
