"""A small world for the web tests: two cohorts, their people with passwords, projects in known
states, and HTTP callers signed in as each person.

Cohort A (``UJI-A``, PIM3, WIT): coordinator ``kA``, examiner ``xA``; participants ``p1`` (mentor
``m1``, coach ``c1``), ``p2`` (mentor ``m2``, coach ``c2``), ``p3`` and ``p4`` (mentor ``m1``, coach
``c1``).
Cohort B (``UJI-B``): coordinator ``kB``, mentor ``mB``, participant ``pB``. ``s`` has no role anywhere.

States: p1's project ``T`` has its diagnosis approved (with a file) and is drafting taking
ownership; p3's project ``T2`` has submitted its diagnosis; p4's ``T3`` is drafting its diagnosis
with an extension pending; p2's and pB's are drafting their diagnosis. Cohort A has one dead
letter.

:func:`with_benchmarking` adds Benchmarking to Best Practice to cohort A (only for the tests that
ask for it; the plain world has no groups): host partners ``hA-bappeda`` and ``hA-bkpsdm``; group
``I`` (p1, p3; Bappeda); visit ``V1`` (group I, 13–15 April 2026); ``T`` carried to adoption with
three lessons, each decided, and three milestones (short, medium, long); and a design seminar
session examined by xA where p1 is scored by their whole panel (ungraded), p3 likewise, and p4 is
graded *kurang memuaskan* with a remediation open. :func:`ensure_stage` moves ``T`` between lesson
synthesis and adoption, for content that may change in only one of them.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Dialect, TextClause, insert, select, text

from adapters.bootstrap import Patok, bootstrap
from adapters.clock import SettableClock
from adapters.db.orm import Base, CredentialRow, ExtensionRow, OutboxRow, ProjectRow
from adapters.settings import Settings
from adapters.web.app import create_app
from adapters.web.auth import SESSION_COOKIE
from domain.bench_commands import (
    AddMilestone,
    CreateSeminar,
    DecideAdoption,
    FormGroup,
    GradeSeminar,
    PlanVisit,
    RecordHost,
    RecordLesson,
    ScheduleSeminar,
    ScoreSeminar,
)
from domain.benchmarking import AgendaSpec, GroupSpec, HostSpec, VisitSpec
from domain.commands import (
    ApproveStage,
    CreateCohort,
    ImportRoster,
    ReopenStage,
    RequestExtension,
    SubmitStage,
)
from domain.content import AdoptionKind, MilestoneTerm
from domain.model import ArtifactUpload, Person
from domain.nip import synthetic_nip
from domain.roster import Roster, RosterParticipant, RosterPerson
from domain.seminars import SeminarKind

PASSWORD = "sandi-uji-yang-kuat"
PDF = b"%PDF-1.4\n% laporan uji patok\n%%EOF\n"
START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # Monday 09:00 WIT
MAIL = "bpsdm.uji.go.id"
COHORT_A = "UJI-A"
COHORT_B = "UJI-B"
SESSION_TABLES = frozenset({"web_sessions", "login_failures", "idempotency_keys"})
"""Tables that signing in (or replaying a request) writes: not part of a snapshot."""


def fast_settings(database_url: str, data_dir: Path, **extra: Any) -> Settings:
    """Settings for tests: cheap argon2 (the production cost is what the benchmark measures)."""
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        secret_key="kunci-rahasia-uji",
        **extra,
    )


def _nip(n: int) -> str:
    return synthetic_nip(date(1965 + n % 15, 1 + n % 12, 1 + n % 27), 2000 + n % 20, 1 + n % 12, "male", n)


def _person(n: int, nick: str) -> RosterPerson:
    return RosterPerson(
        nip=_nip(n), name=f"{nick.upper()} Uji Patok", email=f"{nick}@{MAIL}", agency="Pemerintah Uji"
    )


def _participant(n: int, nick: str, mentor: str, coach: str | None) -> RosterParticipant:
    return RosterParticipant(
        **_person(n, nick).model_dump(),
        mentor=f"{mentor}@{MAIL}",
        coach=None if coach is None else f"{coach}@{MAIL}",
        project_title=f"Proyek perubahan {nick}",
    )


def pdf_artifacts(kinds: list[str]) -> list[dict[str, str]]:
    """API artifacts: one small PDF per kind, base64."""
    return [
        {
            "kind": k,
            "filename": f"{k}.pdf",
            "media_type": "application/pdf",
            "content_base64": base64.b64encode(PDF).decode(),
        }
        for k in kinds
    ]


class Caller:
    """An HTTP client signed in as one person (session cookie, CSRF header on writes)."""

    def __init__(self, client: TestClient, csrf: str | None, bearer: str | None = None) -> None:
        self.client = client
        self.csrf = csrf
        self.bearer = bearer

    def _headers(self, extra: dict[str, str] | None, write: bool) -> dict[str, str]:
        headers = dict(extra or {})
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        elif write and self.csrf:
            headers.setdefault("X-CSRF-Token", self.csrf)
        return headers

    def get(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        """GET ``path``."""
        return self.client.get(path, headers=self._headers(headers, False), **kw)

    def post(
        self, path: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> Any:
        """POST ``path`` (JSON unless ``data``/``files`` are given)."""
        if json is not None:
            kw["json"] = json
        return self.client.post(path, headers=self._headers(headers, True), **kw)


def send_form(caller: Caller, path: str, data: dict[str, Any], files: Any = None) -> Any:
    """Send a page form with the session's CSRF token; return the answer (a redirect, mostly)."""
    payload = {"csrf_token": caller.csrf, **data}
    return caller.client.post(path, data=payload, files=files, follow_redirects=False)


def flash_of(caller: Caller, answer: Any) -> str:
    """The flash message of the page a form's redirect leads to."""
    assert answer.status_code == 303, answer.text
    page = caller.client.get(answer.headers["location"])
    found = re.search(r'class="flash flash-(?:ok|error)"[^>]*>([^<]+)<', page.text)
    assert found is not None, page.text[:2000]
    return found.group(1)


@dataclass
class World:
    """Everything a web test needs."""

    app: Patok
    web: FastAPI
    clock: SettableClock
    ids: dict[str, int]
    projects: dict[str, int]
    extension: int
    dead_letter: int
    file_sha: str
    callers: dict[str, Caller] = field(default_factory=dict)
    bench: dict[str, int] = field(default_factory=dict)
    """Ids of what :func:`with_benchmarking` made (empty until then)."""

    def caller(self, nick: str) -> Caller:
        """A client signed in as ``nick`` (made once)."""
        if nick not in self.callers:
            secret, principal = self.app.accounts.login(f"{nick}@{MAIL}", PASSWORD)
            client = TestClient(self.web, base_url="http://testserver")
            client.cookies.set(SESSION_COOKIE, self.web.state.web.auth.session_cookie(secret))
            self.callers[nick] = Caller(client, principal.csrf_token)
        return self.callers[nick]

    def anonymous(self) -> TestClient:
        """A client with no credentials."""
        return TestClient(self.web, base_url="http://testserver")

    def snapshot(self) -> tuple[Any, ...]:
        """What a refused request must leave as it was: every domain and account table (the
        rows of each; projects, extensions, credentials and the outbox in detail)."""
        assert self.app.database is not None
        with self.app.database.connect() as conn:
            names, every_count = _every_count(conn.dialect)
            counts = tuple(zip(names, conn.execute(every_count).one(), strict=True))
            projects = conn.execute(
                select(ProjectRow.id, ProjectRow.state, ProjectRow.version, ProjectRow.audit_head)
                .order_by(ProjectRow.id)
            ).all()
            extensions = conn.execute(
                select(ExtensionRow.id, ExtensionRow.status).order_by(ExtensionRow.id)
            ).all()
            credentials = conn.execute(
                select(CredentialRow.person_id, CredentialRow.password_hash).order_by(
                    CredentialRow.person_id
                )
            ).all()
            outbox = conn.execute(select(OutboxRow.id, OutboxRow.status).order_by(OutboxRow.id)).all()
        return counts, tuple(projects), tuple(extensions), tuple(credentials), tuple(outbox)


@functools.cache
def _every_count(dialect: Dialect) -> tuple[tuple[str, ...], TextClause]:
    """One query counting the rows of every table a snapshot covers, compiled once per dialect."""
    counted = [t for t in Base.metadata.sorted_tables if t.name not in SESSION_TABLES]
    query = select(*(select(text("count(*)")).select_from(t).scalar_subquery() for t in counted))
    return tuple(t.name for t in counted), text(str(query.compile(dialect=dialect)))


def build_world(database_url: str, data_dir: Path, **settings: Any) -> World:
    """Create the world described in the module's docstring on an empty database."""
    clock = SettableClock(START)
    app = bootstrap(fast_settings(database_url, data_dir, **settings), clock=clock)
    ids: dict[str, int] = {}
    for n, nick, is_organiser in ((1, "kA", True), (2, "kB", True), (3, "s", False)):
        ids[nick] = app.accounts.add_person(
            Person(
                nip=_nip(n),
                name=f"{nick.upper()} Uji Patok",
                email=f"{nick.lower()}@{MAIL}",
                agency="BPSDM Uji",
                can_create_cohorts=is_organiser,
            ),
            PASSWORD,
        )
    rosters = {
        COHORT_A: (
            ids["kA"],
            Roster(
                mentors=[_person(10, "m1"), _person(11, "m2")],
                coaches=[_person(12, "c1"), _person(13, "c2")],
                examiners=[_person(14, "xA")],
                participants=[
                    _participant(15, "p1", "m1", "c1"),
                    _participant(16, "p2", "m2", "c2"),
                    _participant(17, "p3", "m1", "c1"),
                    _participant(18, "p4", "m1", "c1"),
                ],
            ),
        ),
        COHORT_B: (
            ids["kB"],
            Roster(mentors=[_person(20, "mB")], participants=[_participant(21, "pB", "mB", None)]),
        ),
    }
    for code, (organiser, roster) in rosters.items():
        app.cohorts.create(
            CreateCohort(
                actor_id=organiser,
                code=code,
                name=f"Angkatan uji {code}",
                programme_code="PIM3",
                organiser="BPSDM Uji",
                timezone="Asia/Jayapura",
                start_date=date(2026, 3, 2),
            )
        )
        app.cohorts.import_roster(ImportRoster(actor_id=organiser, cohort_code=code, roster=roster))
    everyone = ["m1", "m2", "c1", "c2", "xA", "p1", "p2", "p3", "p4", "mB", "pB"]
    for nick in everyone:
        found = app.engine.resolve_actor(f"{nick}@{MAIL}")
        assert found.id is not None
        ids[nick] = found.id
    app.accounts.give_demo_password([ids[n] for n in everyone], PASSWORD)
    projects: dict[str, int] = {}
    with app.engine.unit_of_work() as uow:
        for nick in ("p1", "p2", "p3", "p4", "pB"):
            (projects[nick],) = uow.projects.of_participant(ids[nick])
    report = ArtifactUpload(
        kind="laporan_diagnosis", filename="diagnosis p1.pdf", media_type="application/pdf", content=PDF
    )
    app.engine.submit(SubmitStage(actor_id=ids["p1"], project_id=projects["p1"], artifacts=(report,)))
    app.engine.approve(ApproveStage(actor_id=ids["m1"], project_id=projects["p1"], comment="Bagus"))
    app.engine.submit(SubmitStage(actor_id=ids["p3"], project_id=projects["p3"], artifacts=(report,)))
    asked = app.extensions.request(
        RequestExtension(
            actor_id=ids["p4"],
            project_id=projects["p4"],
            reason="Data BPS belum terbit",
            new_due_date=date(2026, 3, 31),
        )
    )
    assert app.database is not None
    with app.database.begin() as conn:
        cohort_a = conn.execute(text(f"SELECT id FROM cohorts WHERE code = '{COHORT_A}'")).scalar_one()
        dead = conn.execute(
            insert(OutboxRow)
            .values(
                created_at=START.replace(tzinfo=None),
                kind="escalation",
                cohort_id=cohort_a,
                project_id=projects["p1"],
                person_id=ids["m1"],
                channel="email",
                address=f"m1@{MAIL}",
                lang="id",
                subject="Eskalasi uji",
                body="Isi uji",
                payload="{}",
                dedupe_key="uji-dead-1",
                status="dead",
                attempts=5,
                next_attempt_at=START.replace(tzinfo=None),
                last_error="connection refused",
            )
            .returning(OutboxRow.id)
        ).scalar_one()
    web = create_app(app, prefect_ui_url="http://127.0.0.1:4200")
    return World(
        app,
        web,
        clock,
        ids,
        {
            "T": projects["p1"],
            "T2": projects["p3"],
            "T3": projects["p4"],
            "p2": projects["p2"],
            "pB": projects["pB"],
        },
        int(asked.payload["extension"]),
        int(dead),
        hashlib.sha256(PDF).hexdigest(),
    )


def _pdfs(w: World, stage: str) -> tuple[ArtifactUpload, ...]:
    """Small PDFs of every artifact ``stage`` requires in cohort A's programme."""
    with w.app.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(COHORT_A)
        programme = w.app.engine.programme(uow, cohort.programme_checksum)
    return tuple(
        ArtifactUpload(kind=k, filename=f"{k}.pdf", media_type="application/pdf", content=PDF)
        for k in programme.stage(stage).required_artifacts
    )


def stage_of_t(w: World) -> str:
    """The state of p1's project ``T``."""
    with w.app.engine.unit_of_work() as uow:
        return uow.projects.load(w.projects["T"], 0).state


def _advance_t(w: World) -> None:
    """p1 submits T's current stage with its artifacts and an approver of it approves."""
    stage = stage_of_t(w).split(".")[0]
    t = w.projects["T"]
    w.app.engine.submit(SubmitStage(actor_id=w.ids["p1"], project_id=t, artifacts=_pdfs(w, stage)))
    w.app.engine.approve(ApproveStage(actor_id=w.ids["m1"], project_id=t, comment="Lanjut"))


def ensure_stage(w: World, stage: str) -> None:
    """Bring T (built by :func:`with_benchmarking`) to ``stage``'s drafting: from adoption back to
    lesson synthesis by a coordinator's reopening, from lesson synthesis on by submitting and
    approving."""
    if stage_of_t(w) == f"{stage}.drafting":
        return
    if stage == "lesson_synthesis":
        w.app.engine.reopen(
            ReopenStage(
                actor_id=w.ids["kA"],
                project_id=w.projects["T"],
                stage=stage,
                reason="Tambah pelajaran",
            )
        )
    else:
        _advance_t(w)
    assert stage_of_t(w) == f"{stage}.drafting", stage_of_t(w)


def with_benchmarking(w: World) -> World:
    """Add the benchmarking of cohort A described in the module's docstring (once)."""
    if w.bench:
        return w
    app, ids, kA = w.app, w.ids, w.ids["kA"]
    for code, unit in (("hA-bappeda", "Bappeda"), ("hA-bkpsdm", "BKPSDM")):
        app.planning.record_host(
            RecordHost(
                actor_id=kA,
                cohort_code=COHORT_A,
                host=HostSpec(
                    code=code,
                    agency="Pemerintah Kota Uji",
                    unit=unit,
                    city="Kota Uji",
                    timezone="WIB",
                    focus=f"Inovasi {unit}",
                    reasons=("Penghargaan inovasi daerah",),
                ),
            )
        )
    app.planning.form_group(
        FormGroup(
            actor_id=kA,
            cohort_code=COHORT_A,
            group=GroupSpec(
                code="I",
                theme="Perencanaan berbasis data",
                members=(f"p1@{MAIL}", f"p3@{MAIL}"),
                hosts=("hA-bappeda",),
            ),
        )
    )
    app.planning.plan_visit(
        PlanVisit(
            actor_id=kA,
            cohort_code=COHORT_A,
            visit=VisitSpec(
                code="V1",
                start=date(2026, 4, 13),
                end=date(2026, 4, 15),
                groups=("I",),
                companions=(f"m1@{MAIL}",),
                agenda=(
                    AgendaSpec(
                        day=date(2026, 4, 13), host="hA-bappeda", topic="Paparan e-Planning"
                    ),
                ),
            ),
        )
    )
    t, p1 = w.projects["T"], ids["p1"]
    _advance_t(w)  # taking ownership → benchmarking
    lessons = [
        app.content.record_lesson(
            RecordLesson(
                actor_id=p1,
                project_id=t,
                host="hA-bappeda",
                practice=f"Praktik {n}: e-planning terintegrasi",
                evidence="Aplikasi yang diperagakan",
                success_key="Komitmen pimpinan",
                lesson=f"Pelajaran {n}",
            )
        ).id
        for n in (1, 2, 3)
    ]
    _advance_t(w)  # → lesson synthesis
    _advance_t(w)  # → adoption
    milestones = [
        app.content.add_milestone(
            AddMilestone(
                actor_id=p1,
                project_id=t,
                title=f"Tonggak {term.value}",
                term=term,
                target_date=date(2026, 4 + n, 1),
            )
        ).id
        for n, term in enumerate(MilestoneTerm)
    ]
    for lesson in lessons:
        app.content.decide(
            DecideAdoption(
                actor_id=p1,
                lesson_id=lesson,
                kind=AdoptionKind.ADOPT,
                rationale="Sesuai kebutuhan unit kerja",
                milestones=(1,),
            )
        )
    session = app.seminars.create(
        CreateSeminar(
            actor_id=kA,
            cohort_code=COHORT_A,
            kind=SeminarKind.DESIGN,
            starts_at=app.engine.clock.now(),  # begun: its panel may score
            examiners=(f"xA@{MAIL}",),
        )
    )
    app.seminars.schedule(
        ScheduleSeminar(
            actor_id=kA,
            session_id=session.id,
            participants=tuple(f"{n}@{MAIL}" for n in ("p1", "p3", "p4")),
        )
    )
    for nick, score in (("p1", 85.0), ("p3", 88.0), ("p4", 60.0)):
        for scorer in ("xA", "m1", "c1"):
            app.seminars.score(
                ScoreSeminar(
                    actor_id=ids[scorer],
                    session_id=session.id,
                    participant=f"{nick}@{MAIL}",
                    score=score,
                )
            )
    graded = app.seminars.grade(
        GradeSeminar(actor_id=ids["xA"], session_id=session.id, participant=f"p4@{MAIL}")
    )
    assert graded.remediation_id is not None
    w.bench.update(
        session=session.id,
        remediation=graded.remediation_id,
        **{f"lesson{n}": lesson for n, lesson in enumerate(lessons, start=1)},
        **{f"milestone{n}": m for n, m in enumerate(milestones, start=1)},
    )
    return w
