"""Authorization over HTTP: every role × every action × own project, someone else's project and
another cohort. Each denial is a 403 problem and leaves every table as it was; each allowed
actor is let through.

Actors are named by their relation to the target (see ``tests/web/world.py``): the target
project ``T`` belongs to p1 (mentor m1, coach c1) in cohort A, whose coordinator is kA and
examiner xA; p2, m2 and c2 hold the same roles in cohort A towards another project; kB, mB and
pB hold roles only in cohort B; s holds no role at all. The decisions are tried on ``T2``, p3's
submitted diagnosis (mentor m1, coach c1), whose only approver is the mentor; the extension to
decide is p4's (mentor m1, coach c1).

The benchmarking, content and seminar actions (``BENCH_CASES``) run on a world with cohort A's
benchmarking (:func:`tests.web.world.with_benchmarking`), one per module and database, for the
denials and the allowed actors alike: each allowed write is built to succeed whatever ran before
it (codes of its own, an entry or milestone of its own, ``T`` brought to the stage it needs first,
a visit to cancel or a host partner to remove made first when it is not there), so no write needs
a fresh world. p1's lessons and milestones are on ``T``; p1 is scored on the
design seminar by their panel (xA, m1, c1), p3 (same panel) waits for the grade, and p4's failing
grade has a remediation open. Their list reads (host partners, groups, visits, seminar sessions,
a project's lessons, decisions, milestones and seminars, the host-partner report) are refused
outright to whoever may not see the cohort or the project.

Accounts and operations (``ACCOUNT_CASES``): organisers create cohorts, register people, run the
sweep, the dispatcher and the digests and verify the audit chain; only a cohort's coordinator
lists or revokes its API tokens. The list reads that filter rather than refuse
(``/projects``, ``/extensions``, ``/inbox``, ``/tokens``) show each caller exactly what they may
see — nothing of another cohort, nothing of another participant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from domain.bench_commands import PlanVisit, RecordHost
from domain.benchmarking import HostSpec, VisitSpec
from domain.commands import RequestExtension, SubmitStage
from domain.model import ArtifactUpload
from domain.nip import synthetic_nip
from tests.web.conftest import module_database
from tests.web.world import (
    COHORT_A,
    COHORT_B,
    MAIL,
    PDF,
    World,
    build_world,
    ensure_stage,
    pdf_artifacts,
    with_benchmarking,
)

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
COHORT_A_MEMBERS = COHORT_STAFF | {"p1", "p2", "m1", "m2"}
"""Everyone holding a role in cohort A (what its benchmarking plan and sessions are shown to)."""


@dataclass(frozen=True)
class Case:
    """One action: how to ask for it, and who may."""

    allowed: frozenset[str]
    request: Callable[[World, str], Any]
    stage: str | None = None
    """The stage ``T`` must be drafting for the allowed write to succeed (content actions)."""
    prepare: Callable[[World], Any] | None = None
    """What must exist before the request is tried (made before the snapshot is taken)."""
    must_change: bool = True
    """Whether an allowed write always changes something (a sweep may find nothing due)."""


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
    "name the head of the organising agency": Case(
        frozenset({"kA"}),
        _post(
            lambda w: f"/api/v1/cohorts/{COHORT_A}/agency-head",
            lambda w: {"email": "kepala.bpsdm@uji.go.id"},
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


PANEL = {"xA", "m1", "c1"}
"""The panel of p1 (and of p3 and p4) in the design seminar: examiner, mentor, coach."""


def _last_lesson(w: World) -> int:
    """T's lesson with the highest number (a removal takes it; lesson 1 stays for decisions)."""
    with w.app.engine.unit_of_work() as uow:
        return max(uow.content.lessons([w.projects["T"]]), key=lambda ls: ls.number).id


def _cohort(path: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/cohorts/{COHORT_A}{path}"


def _visit_to_cancel(w: World) -> None:
    """Visit ``V-batal`` (p2, in May), planned when it is not there."""
    if any(v.code == "V-batal" for v in w.app.planning.overview(COHORT_A, w.ids["kA"]).visits):
        return
    w.app.planning.plan_visit(
        PlanVisit(
            actor_id=w.ids["kA"],
            cohort_code=COHORT_A,
            visit=VisitSpec(
                code="V-batal",
                start=date(2026, 5, 18),
                end=date(2026, 5, 19),
                host_agency="Pemerintah Kota Lain",
                city="Kota Lain",
                participants=(f"p2@{MAIL}",),
            ),
        )
    )


def _host_to_remove(w: World) -> None:
    """Host partner ``hA-hapus``, which nothing refers to, recorded when it is not there."""
    if any(h.code == "hA-hapus" for h in w.app.planning.overview(COHORT_A, w.ids["kA"]).hosts):
        return
    w.app.planning.record_host(
        RecordHost(
            actor_id=w.ids["kA"],
            cohort_code=COHORT_A,
            host=HostSpec(
                code="hA-hapus",
                agency="Pemkot Uji",
                unit="Satpol PP",
                city="Kota Uji",
                timezone="WIB",
            ),
        )
    )


PLAN_YAML = (
    "hosts:\n"
    "- {code: hA-matriks, agency: Pemerintah Kota Uji, unit: Inspektorat, city: Kota Uji, timezone: WIB}\n"
)

BENCH_CASES: dict[str, Case] = {
    "record a host partner": Case(
        frozenset({"kA"}),
        _post(
            _cohort("/hosts"),
            lambda w: {
                "code": "hA-baru",
                "agency": "Pemkot Uji",
                "unit": "Dinkes",
                "city": "Kota Uji",
            },
        ),
    ),
    "form a group": Case(
        frozenset({"kA"}),
        _post(
            _cohort("/groups"),
            lambda w: {
                "code": "III",
                "theme": "Kesehatan",
                "members": [f"p4@{MAIL}"],
                "hosts": ["hA-bkpsdm"],
            },
        ),
    ),
    "change a group": Case(
        frozenset({"kA"}), _post(_cohort("/groups/I"), lambda w: {"theme": "Tema yang diubah"})
    ),
    "upload a group report": Case(
        frozenset({"p1", "kA"}),
        _post(
            _cohort("/groups/I/report"),
            lambda w: {k: v for k, v in pdf_artifacts(["x"])[0].items() if k != "kind"},
        ),
    ),
    "plan a visit": Case(
        frozenset({"kA"}),
        _post(
            _cohort("/visits"),
            lambda w: {
                "code": "V2",
                "start_date": "2026-05-11",
                "end_date": "2026-05-12",
                "host_agency": "Pemerintah Kota Lain",
                "city": "Kota Lain",
                "participants": [f"p2@{MAIL}"],
            },
        ),
    ),
    "add to a visit's agenda": Case(
        frozenset({"kA"}),
        _post(
            _cohort("/visits/V1/agenda"),
            lambda w: {"date": "2026-04-14", "host": "hA-bappeda", "topic": "Diskusi lanjutan"},
        ),
    ),
    "change a visit": Case(
        frozenset({"kA"}),
        _post(_cohort("/visits/V1"), lambda w: {"note": "Bawa surat tugas"}),
    ),
    "cancel a visit": Case(
        frozenset({"kA"}),
        _post(_cohort("/visits/V-batal/cancel"), lambda w: {"reason": "Anggaran dialihkan"}),
        prepare=_visit_to_cancel,
    ),
    "change a host partner": Case(
        frozenset({"kA"}),
        _post(_cohort("/hosts/hA-bkpsdm"), lambda w: {"focus": "Manajemen talenta"}),
    ),
    "remove a host partner": Case(
        frozenset({"kA"}),
        _post(_cohort("/hosts/hA-hapus/remove"), lambda w: None),
        prepare=_host_to_remove,
    ),
    "import a benchmarking plan": Case(
        frozenset({"kA"}),
        _post(_cohort("/plan"), lambda w: {"format": "yaml", "content": PLAN_YAML}),
    ),
    "record a lesson": Case(
        frozenset({"p1"}),
        _post(
            lambda w: f"/api/v1/projects/{_t(w)}/lessons",
            lambda w: {
                "host": "hA-bappeda",
                "practice": "Layanan satu pintu",
                "evidence": "Kunjungan lapangan",
                "success_key": "Komitmen pimpinan",
                "lesson": "Pangkas alur layanan",
            },
        ),
        stage="lesson_synthesis",
    ),
    "remove a lesson": Case(
        frozenset({"p1"}),
        _post(lambda w: f"/api/v1/lessons/{_last_lesson(w)}/remove", lambda w: None),
        stage="lesson_synthesis",
    ),
    "decide on a lesson": Case(
        frozenset({"p1"}),
        _post(
            lambda w: f"/api/v1/lessons/{w.bench['lesson1']}/adoption",
            lambda w: {"decision": "adopt", "rationale": "Sesuai kebutuhan", "milestones": [1]},
        ),
    ),
    "add a milestone": Case(
        frozenset({"p1"}),
        _post(
            lambda w: f"/api/v1/projects/{_t(w)}/milestones",
            lambda w: {"title": "Peluncuran", "term": "medium", "target_date": "2026-09-01"},
        ),
        stage="adoption",
    ),
    "report a milestone done": Case(
        frozenset({"p1"}),
        _post(
            lambda w: f"/api/v1/milestones/{w.bench['milestone1']}/done",
            lambda w: {"evidence": "Berita acara"},
        ),
        stage="adoption",
    ),
    "report a milestone slipped": Case(
        frozenset({"p1"}),
        _post(
            lambda w: f"/api/v1/milestones/{w.bench['milestone2']}/slip",
            lambda w: {"reason": "Anggaran tertunda"},
        ),
        stage="adoption",
    ),
    "replan a milestone": Case(
        frozenset({"p1"}),
        _post(
            lambda w: f"/api/v1/milestones/{w.bench['milestone3']}/replan",
            lambda w: {"new_target": "2026-12-01"},
        ),
        stage="adoption",
    ),
    "schedule a seminar session": Case(
        frozenset({"kA"}),
        _post(
            _cohort("/seminars"),
            lambda w: {
                "kind": "final",
                "starts_at": "2026-08-03T09:00:00+09:00",
                "examiners": [f"xA@{MAIL}"],
            },
        ),
    ),
    "put participants in a session": Case(
        frozenset({"kA"}),
        _post(
            lambda w: f"/api/v1/seminars/{w.bench['session']}/participants",
            lambda w: {"participants": [f"p2@{MAIL}"]},
        ),
    ),
    "score a participant": Case(
        frozenset(PANEL),
        _post(
            lambda w: f"/api/v1/seminars/{w.bench['session']}/scores",
            lambda w: {"participant": f"p1@{MAIL}", "score": 80},
        ),
    ),
    "grade a participant": Case(
        frozenset({"xA"}),
        _post(
            lambda w: f"/api/v1/seminars/{w.bench['session']}/grades",
            lambda w: {"participant": f"p3@{MAIL}"},
        ),
    ),
    "re-grade after remediation": Case(
        frozenset({"xA"}),
        _post(
            lambda w: f"/api/v1/remediations/{w.bench['remediation']}/regrade",
            lambda w: {"score": 75},
        ),
    ),
    "view a participant's record": Case(
        frozenset(OWN_PROJECT), _get(lambda w: f"/api/v1/projects/{_t(w)}/record")
    ),
    "list the host partners": Case(frozenset(COHORT_A_MEMBERS), _get(_cohort("/hosts"))),
    "list the groups": Case(frozenset(COHORT_A_MEMBERS), _get(_cohort("/groups"))),
    "list the visits": Case(frozenset(COHORT_A_MEMBERS), _get(_cohort("/visits"))),
    "list the seminar sessions": Case(frozenset(COHORT_A_MEMBERS), _get(_cohort("/seminars"))),
    "list a project's lessons": Case(
        frozenset(OWN_PROJECT), _get(lambda w: f"/api/v1/projects/{_t(w)}/lessons")
    ),
    "list a project's adoption decisions": Case(
        frozenset(OWN_PROJECT), _get(lambda w: f"/api/v1/projects/{_t(w)}/adoption")
    ),
    "list a project's milestones": Case(
        frozenset(OWN_PROJECT), _get(lambda w: f"/api/v1/projects/{_t(w)}/milestones")
    ),
    "view a participant's seminars": Case(
        frozenset(OWN_PROJECT), _get(lambda w: f"/api/v1/projects/{_t(w)}/seminars")
    ),
    "view the host-partner report": Case(frozenset(COHORT_STAFF), _get(_cohort("/reports/hosts"))),
    "view the traceability table": Case(frozenset(COHORT_STAFF), _get(_cohort("/reports/trace"))),
    "watch a cohort's slipped milestones": Case(
        frozenset({"kA", "m1", "m2"}),
        _get(lambda w: f"/api/v1/milestones/slipped?cohort={COHORT_A}"),
    ),
}
"""The benchmarking, content and seminar actions, tried on the world of ``bench_world``."""

BENCH_DENIALS = [
    (action, actor)
    for action, case in BENCH_CASES.items()
    for actor, nick in ACTORS.items()
    if nick not in case.allowed
]
BENCH_ALLOWED = [
    (action, nick) for action, case in BENCH_CASES.items() for nick in sorted(case.allowed)
]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def bench_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One world with cohort A's benchmarking per module and database."""
    with module_database(request.param, tmp_path_factory) as url:
        built = with_benchmarking(build_world(url, tmp_path_factory.mktemp("data")))
        try:
            yield built
        finally:
            built.app.close()


def test_the_benchmarking_matrix_covers_every_actor_and_denies_most_of_them() -> None:
    assert len(BENCH_CASES) * len(ACTORS) == len(BENCH_DENIALS) + len(BENCH_ALLOWED)
    writes = [a for a, c in BENCH_CASES.items() if c.request.__name__ == "post"]
    assert len(writes) == 23 and len(BENCH_DENIALS) > 200


@pytest.mark.parametrize(
    ("action", "actor"), BENCH_DENIALS, ids=[f"{a}-{r}" for a, r in BENCH_DENIALS]
)
def test_a_denied_benchmarking_action_is_a_403_problem_and_changes_nothing(
    bench_world: World, action: str, actor: str
) -> None:
    case = BENCH_CASES[action]
    if case.prepare is not None:
        case.prepare(bench_world)
    before = bench_world.snapshot()
    response = case.request(bench_world, ACTORS[actor])
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "forbidden" and body["status"] == 403
    assert body["messages"]["en"] and body["messages"]["id"]
    assert bench_world.snapshot() == before


@pytest.mark.parametrize(
    ("action", "nick"), BENCH_ALLOWED, ids=[f"{a}-{n}" for a, n in BENCH_ALLOWED]
)
def test_an_allowed_benchmarking_actor_is_let_through_and_any_write_is_recorded(
    bench_world: World, action: str, nick: str
) -> None:
    case = BENCH_CASES[action]
    if case.stage is not None:
        ensure_stage(bench_world, case.stage)
    if case.prepare is not None:
        case.prepare(bench_world)
    before = bench_world.snapshot()
    response = case.request(bench_world, nick)
    assert response.status_code in (200, 201), response.text
    if case.request.__name__ == "post":
        assert bench_world.snapshot() != before


def _open_token(w: World) -> int:
    """The newest unrevoked API token of cohort A (kA issues one when there is none)."""
    open_ = [t for t in w.app.accounts.tokens(w.ids["kA"], COHORT_A) if t.revoked_at is None]
    if open_:
        return max(t.id for t in open_)
    _, record = w.app.accounts.issue_token(w.ids["kA"], COHORT_A, "LMS uji")
    return record.id


def _post_as(
    path: Callable[[World], str], body: Callable[[World, str], Any]
) -> Callable[[World, str], Any]:
    """A POST whose body depends on who sends it (codes and NIPs of the sender's own)."""

    def post(w: World, nick: str) -> Any:
        return w.caller(nick).post(path(w), body(w, nick))

    return post


def _new_cohort(w: World, nick: str) -> dict[str, str]:
    return {
        "code": f"UJI-BARU-{nick.upper()}",
        "name": f"Angkatan baru {nick}",
        "programme": "PIM3",
        "organiser": "BPSDM Uji",
        "timezone": "Asia/Jayapura",
        "start_date": "2026-06-01",
    }


def _new_person(w: World, nick: str) -> dict[str, str]:
    serial = 900 + sorted(ACTORS.values()).index(nick)
    return {
        "nip": synthetic_nip(date(1980, 5, 17), 2006, 3, "female", serial),
        "name": f"Orang Baru {nick}",
        "email": f"baru.{nick.lower()}@{MAIL}",
        "agency": "Pemerintah Uji",
    }


ACCOUNT_CASES: dict[str, Case] = {
    "list a cohort's API tokens": Case(
        frozenset({"kA"}), _get(lambda w: f"/api/v1/tokens?cohort={COHORT_A}"), prepare=_open_token
    ),
    "revoke an API token": Case(
        frozenset({"kA"}),
        _post(lambda w: f"/api/v1/tokens/{_open_token(w)}/revoke", lambda w: None),
        prepare=_open_token,
    ),
    "create a cohort": Case(frozenset({"kA", "kB"}), _post_as(lambda w: "/api/v1/cohorts", _new_cohort)),
    "register a person": Case(
        frozenset({"kA", "kB"}), _post_as(lambda w: "/api/v1/people", _new_person)
    ),
    "run the sweep": Case(
        frozenset({"kA", "kB"}), _post(lambda w: "/api/v1/sweep", lambda w: None), must_change=False
    ),
    "send the outbox": Case(
        frozenset({"kA", "kB"}),
        _post(lambda w: "/api/v1/dispatch", lambda w: None),
        must_change=False,
    ),
    "build the daily digests": Case(
        frozenset({"kA", "kB"}), _post(lambda w: "/api/v1/digest", lambda w: {}), must_change=False
    ),
    "verify the audit chain": Case(frozenset({"kA", "kB"}), _get(lambda w: "/api/v1/audit/verify")),
}
"""Accounts, tokens and cohorts: organisers create cohorts and register people; a cohort's
coordinator lists and revokes its tokens. Each allowed write makes something of its own (a code,
a NIP, a fresh token), so they all run on the module's shared world."""

ACCOUNT_DENIALS = [
    (action, actor)
    for action, case in ACCOUNT_CASES.items()
    for actor, nick in ACTORS.items()
    if nick not in case.allowed
]
ACCOUNT_ALLOWED = [
    (action, nick) for action, case in ACCOUNT_CASES.items() for nick in sorted(case.allowed)
]


@pytest.mark.parametrize(
    ("action", "actor"), ACCOUNT_DENIALS, ids=[f"{a}-{r}" for a, r in ACCOUNT_DENIALS]
)
def test_a_denied_account_action_is_a_403_problem_and_changes_nothing(
    shared_world: World, action: str, actor: str
) -> None:
    case = ACCOUNT_CASES[action]
    if case.prepare is not None:
        case.prepare(shared_world)
    before = shared_world.snapshot()
    response = case.request(shared_world, ACTORS[actor])
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "forbidden" and body["status"] == 403
    assert body["messages"]["en"] and body["messages"]["id"]
    assert shared_world.snapshot() == before


@pytest.mark.parametrize(
    ("action", "nick"), ACCOUNT_ALLOWED, ids=[f"{a}-{n}" for a, n in ACCOUNT_ALLOWED]
)
def test_an_allowed_account_actor_is_let_through_and_any_write_is_recorded(
    shared_world: World, action: str, nick: str
) -> None:
    case = ACCOUNT_CASES[action]
    if case.prepare is not None:
        case.prepare(shared_world)
    before = shared_world.snapshot()
    response = case.request(shared_world, nick)
    assert response.status_code in (200, 201), response.text
    if case.request.__name__ == "post" and case.must_change:
        assert shared_world.snapshot() != before


COHORT_A_PROJECTS = {"T", "T2", "T3", "p2"}
VISIBLE_PROJECTS: dict[str, set[str]] = {
    "p1": {"T"},
    "p2": {"p2"},
    "m1": {"T", "T2", "T3"},
    "m2": {"p2"},
    "c1": COHORT_A_PROJECTS,
    "c2": COHORT_A_PROJECTS,
    "xA": COHORT_A_PROJECTS,
    "kA": COHORT_A_PROJECTS,
    "kB": {"pB"},
    "mB": {"pB"},
    "pB": {"pB"},
    "s": set(),
}
"""The projects each actor may see: a participant their own, a mentor their mentees', cohort staff
(coordinator, coaches, examiner) every project of their cohort — and nothing else."""
VISIBLE_EXTENSIONS: dict[str, set[str]] = {
    nick: ({"T3"} if nick in COHORT_STAFF | {"m1"} else set())
    | ({"pB"} if nick in {"kB", "mB", "pB"} else set())
    for nick in ACTORS.values()
}
"""Whose extension requests each actor sees: p4's (on T3) its mentor and cohort A's staff; pB's
its requester, mentor and coordinator."""
INBOX: dict[str, set[str]] = {
    nick: {"T2"} if nick == "m1" else {"pB"} if nick == "mB" else set() for nick in ACTORS.values()
}
"""Whose submission waits in each actor's inbox: p3's (T2) for its mentor, pB's for theirs."""


def _listed(w: World, nick: str, path: str, key: str = "id") -> set[str]:
    """Which of the world's projects the items of a list read name (by ``key``)."""
    answer = w.caller(nick).get(path)
    assert answer.status_code == 200, answer.text
    names = {pid: name for name, pid in w.projects.items()}
    body = answer.json()
    assert body["total"] == len(body["items"])
    return {names.get(item[key], f"other project {item[key]}") for item in body["items"]}


@pytest.fixture(scope="module")
def listing_world(shared_world: World) -> World:
    """The shared world with something of cohort B in every list: pB's extension request and
    submitted diagnosis, and an API token of each cohort."""
    w, ids, pb = shared_world, shared_world.ids, shared_world.projects["pB"]
    w.app.extensions.request(
        RequestExtension(
            actor_id=ids["pB"], project_id=pb, reason="Menunggu data dinas", new_due_date=date(2026, 3, 31)
        )
    )
    report = ArtifactUpload(
        kind="laporan_diagnosis", filename="diagnosis.pdf", media_type="application/pdf", content=PDF
    )
    w.app.engine.submit(SubmitStage(actor_id=ids["pB"], project_id=pb, artifacts=(report,)))
    w.app.accounts.issue_token(ids["kB"], COHORT_B, "LMS B")
    _open_token(w)
    return w


@pytest.mark.parametrize("nick", sorted(ACTORS.values()))
def test_a_list_read_shows_each_caller_exactly_what_they_may_see(
    listing_world: World, nick: str
) -> None:
    w = listing_world
    assert _listed(w, nick, "/api/v1/projects") == VISIBLE_PROJECTS[nick]
    in_a = VISIBLE_PROJECTS[nick] & COHORT_A_PROJECTS
    assert _listed(w, nick, f"/api/v1/projects?cohort={COHORT_A}") == in_a
    of_p1 = _listed(w, nick, f"/api/v1/projects?participant=p1@{MAIL}")
    assert of_p1 == VISIBLE_PROJECTS[nick] & {"T"}
    assert _listed(w, nick, "/api/v1/extensions", "project_id") == VISIBLE_EXTENSIONS[nick]
    assert _listed(w, nick, f"/api/v1/extensions?cohort={COHORT_A}", "project_id") == (
        VISIBLE_EXTENSIONS[nick] & COHORT_A_PROJECTS
    )
    assert _listed(w, nick, "/api/v1/inbox", "project_id") == INBOX[nick]
    tokens = w.caller(nick).get("/api/v1/tokens")
    assert tokens.status_code == 200
    with w.app.engine.unit_of_work() as uow:
        cohorts = {c.id: c.code for c in uow.cohorts.all()}
    seen = {cohorts[t["cohort_id"]] for t in tokens.json()["items"]}
    assert seen == {"kA": {COHORT_A}, "kB": {COHORT_B}}.get(nick, set())
