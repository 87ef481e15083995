"""Authorization over HTTP: every role × every action × own project, someone else's project and
another cohort. Each denial is a 403 problem and leaves every table as it was; each allowed
actor is let through.

Actors are named by their relation to the target (see ``tests/web/world.py``): the target
project ``T`` belongs to p1 (mentor m1, coach c1) in cohort A, whose coordinator is kA and
examiner xA; p2, m2 and c2 hold the same roles in cohort A towards another project; kB, mB and
pB hold roles only in cohort B; s holds no role at all. The decisions are tried on ``T2``, p3's
submitted diagnosis (mentor m1, coach c1), whose only approver is the mentor; the extension to
decide is p4's (mentor m1, coach c1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.web.world import COHORT_A, World, pdf_artifacts

ACTORS = {
    "participant (own)": "p1",
    "participant (other project)": "p2",
    "mentor (own)": "m1",
    "mentor (other project)": "m2",
    "coach (own)": "c1",
    "coach (other project)": "c2",
    "examiner (own cohort)": "xA",
    "coordinator (own cohort)": "kA",
    "coordinator (other cohort)": "kB",
    "mentor (other cohort)": "mB",
    "participant (other cohort)": "pB",
    "stranger": "s",
}
OWN_PROJECT = {"p1", "m1", "c1", "xA", "kA"}
"""Who relates to p1's project T (and, the same way, to p3's T2)."""
COHORT_STAFF = {"kA", "xA", "c1", "c2"}
"""Who may watch cohort A: its coordinator, examiner and coaches."""


@dataclass(frozen=True)
class Case:
    """One action: how to ask for it, and who may."""

    allowed: frozenset[str]
    request: Callable[[World, str], Any]


def _get(path: Callable[[World], str]) -> Callable[[World, str], Any]:
    def get(w: World, nick: str) -> Any:
        return w.caller(nick).get(path(w))

    return get


def _post(path: Callable[[World], str], body: Callable[[World], Any]) -> Callable[[World, str], Any]:
    def post(w: World, nick: str) -> Any:
        return w.caller(nick).post(path(w), body(w))

    return post


def _t(w: World) -> int:
    return w.projects["T"]


def _t2(w: World) -> int:
    return w.projects["T2"]


CASES: dict[str, Case] = {
    "view project": Case(frozenset(OWN_PROJECT), _get(lambda w: f"/api/v1/projects/{_t(w)}")),
    "project history": Case(
        frozenset(OWN_PROJECT), _get(lambda w: f"/api/v1/projects/{_t(w)}/history")
    ),
    "download a file": Case(
        frozenset(OWN_PROJECT),
        _get(lambda w: f"/api/v1/projects/{_t(w)}/files/{w.file_sha}"),
    ),
    "submit": Case(
        frozenset({"p1"}),
        _post(
            lambda w: f"/api/v1/projects/{_t(w)}/submit",
            lambda w: {"artifacts": pdf_artifacts(["kesepakatan_area_perubahan"])},
        ),
    ),
    "approve": Case(
        frozenset({"m1"}),
        _post(lambda w: f"/api/v1/projects/{_t2(w)}/approve", lambda w: {"comment": "ok"}),
    ),
    "request changes": Case(
        frozenset({"m1"}),
        _post(
            lambda w: f"/api/v1/projects/{_t2(w)}/request-changes",
            lambda w: {"comment": "Lengkapi"},
        ),
    ),
    "withdraw": Case(
        frozenset({"kA"}),
        _post(lambda w: f"/api/v1/projects/{_t(w)}/withdraw", lambda w: {"reason": "Mutasi"}),
    ),
    "reopen": Case(
        frozenset({"kA"}),
        _post(
            lambda w: f"/api/v1/projects/{_t(w)}/reopen",
            lambda w: {"stage": "diagnosis", "reason": "Data salah"},
        ),
    ),
    "request an extension": Case(
        frozenset({"p1"}),
        _post(
            lambda w: f"/api/v1/projects/{_t(w)}/extensions",
            lambda w: {"new_due_date": "2026-03-31", "reason": "Data belum ada"},
        ),
    ),
    "grant an extension": Case(
        frozenset({"m1", "kA"}),
        _post(lambda w: f"/api/v1/extensions/{w.extension}/grant", lambda w: {"note": "ok"}),
    ),
    "refuse an extension": Case(
        frozenset({"m1", "kA"}),
        _post(lambda w: f"/api/v1/extensions/{w.extension}/refuse", lambda w: {"note": "tidak"}),
    ),
    "view the board": Case(frozenset(COHORT_STAFF), _get(lambda w: f"/api/v1/cohorts/{COHORT_A}/board")),
    "view the progress": Case(
        frozenset(COHORT_STAFF), _get(lambda w: f"/api/v1/cohorts/{COHORT_A}/progress")
    ),
    "view the members": Case(
        frozenset(COHORT_STAFF), _get(lambda w: f"/api/v1/cohorts/{COHORT_A}/members")
    ),
    "view escalations": Case(
        frozenset(COHORT_STAFF), _get(lambda w: f"/api/v1/escalations?cohort={COHORT_A}")
    ),
    "import a roster": Case(
        frozenset({"kA"}),
        _post(
            lambda w: f"/api/v1/cohorts/{COHORT_A}/roster",
            lambda w: {
                "format": "csv",
                "content": "role,nip,name,email,agency,unit,phone,mentor,coach,project_title\n"
                "examiner,197502022003122004,Penguji Baru,penguji.baru@bpsdm.uji.go.id,BPSDM,,,,,\n",
            },
        ),
    ),
    "list dead letters": Case(
        frozenset({"kA"}), _get(lambda w: f"/api/v1/outbox/dead?cohort={COHORT_A}")
    ),
    "retry dead letters": Case(
        frozenset({"kA"}),
        _post(lambda w: "/api/v1/outbox/retry", lambda w: {"ids": [w.dead_letter]}),
    ),
    "reset a member's password": Case(
        frozenset({"kA"}),
        _post(lambda w: f"/api/v1/people/{w.ids['p1']}/password-reset", lambda w: None),
    ),
    "issue an API token": Case(
        frozenset({"kA"}),
        _post(lambda w: "/api/v1/tokens", lambda w: {"cohort": COHORT_A, "name": "LMS"}),
    ),
}
"""Every action a role decides on, as an HTTP request, and the actors allowed it."""

DENIALS = [
    (action, actor)
    for action, case in CASES.items()
    for actor, nick in ACTORS.items()
    if nick not in case.allowed
]
ALLOWED_READS = [
    (action, nick)
    for action, case in CASES.items()
    if case.request.__name__ == "get"
    for nick in sorted(case.allowed)
]
ALLOWED_WRITES = [
    (action, nick)
    for action, case in CASES.items()
    if case.request.__name__ == "post"
    for nick in sorted(case.allowed)
]


def test_the_matrix_covers_every_actor_and_denies_most_of_them() -> None:
    assert len(CASES) * len(ACTORS) == len(DENIALS) + len(ALLOWED_READS) + len(ALLOWED_WRITES)
    assert len(DENIALS) > 150


@pytest.mark.parametrize(("action", "actor"), DENIALS, ids=[f"{a}-{r}" for a, r in DENIALS])
def test_a_denied_action_is_a_403_problem_and_changes_nothing(
    shared_world: World, action: str, actor: str
) -> None:
    before = shared_world.snapshot()
    response = CASES[action].request(shared_world, ACTORS[actor])
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "forbidden" and body["status"] == 403
    assert body["messages"]["en"] and body["messages"]["id"]
    assert shared_world.snapshot() == before


@pytest.mark.parametrize(
    ("action", "nick"), ALLOWED_READS, ids=[f"{a}-{n}" for a, n in ALLOWED_READS]
)
def test_an_allowed_reader_is_let_through(shared_world: World, action: str, nick: str) -> None:
    response = CASES[action].request(shared_world, nick)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("action", "nick"), ALLOWED_WRITES, ids=[f"{a}-{n}" for a, n in ALLOWED_WRITES]
)
def test_an_allowed_writer_is_let_through_and_the_change_is_recorded(
    world: World, action: str, nick: str
) -> None:
    before = world.snapshot()
    response = CASES[action].request(world, nick)
    assert response.status_code in (200, 201), response.text
    assert world.snapshot() != before
