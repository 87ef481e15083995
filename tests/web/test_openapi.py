"""Schemathesis over the OpenAPI document: generated requests to every operation never get a 5xx,
and every answer — status, media type and body — is one the document declares.

The caller is a coordinator's browser session (so writes go through, CSRF header included) on a
world of its own, on SQLite and on PostgreSQL; examples per operation are kept modest
(``PATOK_SCHEMATHESIS_EXAMPLES``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.bootstrap import bootstrap
from adapters.settings import Settings
from adapters.web.app import create_app
from adapters.web.auth import SESSION_COOKIE
from tests.fakes import FakeUnitOfWorkFactory
from tests.web.conftest import module_database
from tests.web.world import World, build_world

EXAMPLES = int(os.environ.get("PATOK_SCHEMATHESIS_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """A world only these generated requests use, on SQLite and on PostgreSQL."""
    with module_database(request.param, tmp_path_factory) as url:
        world = build_world(url, tmp_path_factory.mktemp("schemathesis"))
        TARGET.target = world.web
        try:
            yield world
        finally:
            TARGET.target = None
            world.app.close()


class LateApp:
    """The ASGI app the generated requests go to, bound by the fixture when the test runs (the
    schema is loaded at import, when no database exists yet)."""

    target: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request to the bound app."""
        assert self.target is not None, "the api_world fixture binds the app"
        await self.target(scope, receive, send)


def _document() -> dict[str, Any]:
    """The OpenAPI document, from the app wired on fakes (routes alone decide it)."""
    app = bootstrap(Settings(secret_key="schema-only"), uow_factory=FakeUnitOfWorkFactory())
    return create_app(app).openapi()


TARGET = LateApp()
schema = schemathesis.openapi.from_dict(_document())
schema.app = TARGET


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_generated_requests_get_no_server_error_and_only_documented_answers(
    case: schemathesis.Case[Any], api_world: World
) -> None:
    kA = api_world.caller("kA")
    cookie = kA.client.cookies[SESSION_COOKIE]
    case.call_and_validate(
        headers={"Cookie": f"{SESSION_COOKIE}={cookie}", "X-CSRF-Token": kA.csrf or ""},
        checks=CHECKS,
    )


def test_the_document_declares_problems_as_problem_json_the_idempotency_key_and_how_to_sign_in() -> None:
    document = _document()
    operations = [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict)
    ]
    posts = [(path, op) for path, method, op in operations if method == "post"]
    assert len(posts) > 40
    for path, op in posts:
        names = [p["name"] for p in op.get("parameters", [])]
        assert names.count("Idempotency-Key") == 1, path
    problems = 0
    for path, _, op in operations:
        for status, answer in op["responses"].items():
            if int(status) >= 400:
                assert set(answer["content"]) == {"application/problem+json"}, (path, status)
                schema = answer["content"]["application/problem+json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}
                problems += 1
    assert problems > 100
    assert set(document["components"]["securitySchemes"]) == {"apiToken", "session", "csrf"}
    assert document["security"] == [{"apiToken": []}, {"session": [], "csrf": []}]
