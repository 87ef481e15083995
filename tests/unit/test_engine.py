"""The engine, the cohort service and the queries, wired through the real bootstrap onto fakes.

Every test runs against ``bootstrap(Settings(), clock=SettableClock(...),
uow_factory=FakeUnitOfWorkFactory())``: the production wiring with the in-memory, transactional
fakes of ``tests/fakes.py`` in place of the database. "Nothing changes" is checked both on the
project (state, version, audit stream) and on the fake store as a whole (no unit of work
committed: the shared state's generation did not move).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.bootstrap import Patok, bootstrap
from adapters.clock import SettableClock
from adapters.demo_data import seed001_roster
from adapters.programmes import builtin_programmes
from adapters.settings import Settings
from domain.audit import GENESIS, StoredEntry
from domain.calendar import WorkingDayCalendar
from domain.commands import (
    ApproveStage,
    CreateCohort,
    ImportRoster,
    ReopenStage,
    RequestChanges,
    SubmitStage,
    WithdrawProject,
)
from domain.errors import (
    AlreadyExists,
    ConflictError,
    Forbidden,
    GuardFailed,
    IllegalTransition,
    NotFound,
    RosterError,
    UnknownProgramme,
)
from domain.model import ArtifactUpload, Cohort, Gate, Outcome, Person
from domain.nip import synthetic_nip
from domain.programme import STAGE_CODES, ProgrammeDefinition, get_programme
from domain.roles import Role
from domain.roster import Roster, RosterParticipant, RosterPerson
from states.engine import CommandResult
from states.ports import AuditAppend, NewProject, ProjectView, StageClocks
from states.queries import BoardRow
from tests.fakes import FakeUnitOfWorkFactory
from tests.stage_content import fulfil

WIT = ZoneInfo("Asia/Jayapura")
COHORT_CODE = "PIM3-UJI-2026"
START_DATE = date(2026, 3, 2)  # a Monday
BEFORE_START = datetime(2026, 2, 27, 10, 0, tzinfo=WIT)  # the Friday before: cohort set up
MONDAY_MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=WIT)
PDF = b"%PDF-1.4 laporan uji\n"


def nip(n: int) -> str:
    """A valid synthetic NIP, different for every ``n`` (1..999)."""
    return synthetic_nip(
        date(1970 + n % 30, 1 + n % 12, 1 + n % 28), 1996 + n % 30, 1 + n % 12, "male", n
    )


def roster_person(n: int, name: str, nick: str) -> RosterPerson:
    return RosterPerson(
        nip=nip(n), name=name, email=f"{nick}@bpsdm.papua.go.id", agency="Pemprov Papua"
    )


def participant(n: int, name: str, nick: str, mentor: str, coach: str | None) -> RosterParticipant:
    return RosterParticipant(
        **roster_person(n, name, nick).model_dump(),
        mentor=mentor,
        coach=coach,
        project_title=f"Proyek perubahan {name}",
    )


def small_roster() -> Roster:
    """Two participants with a mentor each, one shared coach and an examiner."""
    m1 = roster_person(2, "Maria Wonda", "m1")
    m2 = roster_person(3, "Markus Kogoya", "m2")
    c1 = roster_person(4, "Cornelia Rumbiak", "c1")
    x1 = roster_person(5, "Xaverius Mote", "x1")
    return Roster(
        mentors=[m1, m2],
        coaches=[c1],
        examiners=[x1],
        participants=[
            participant(6, "Paulus Yikwa", "p1", m1.nip, c1.nip),
            participant(7, "Petronela Tabuni", "p2", m2.email, c1.nip),
        ],
    )


def upload(
    kind: str, media_type: str = "application/pdf", filename: str = "x.pdf"
) -> ArtifactUpload:
    return ArtifactUpload(kind=kind, filename=filename, media_type=media_type, content=PDF)


@dataclass
class World:
    """A cohort with its roster imported, on fakes, and handles to everything a test needs."""

    app: Patok
    factory: FakeUnitOfWorkFactory
    clock: SettableClock
    programme: ProgrammeDefinition
    calendar: WorkingDayCalendar
    cohort: Cohort
    organiser: int
    people: dict[str, int]  # m1, m2, c1, x1, p1, p2 → person id
    projects: dict[str, int]  # p1, p2 → project id

    # -- reading the fake store directly ----------------------------------------------------

    def view(self, project: int) -> ProjectView:
        with self.factory() as uow:
            return uow.projects.load(project, self.organiser)

    def stream(self, project: int) -> list[StoredEntry]:
        with self.factory() as uow:
            return uow.audit.stream(f"project:{project}")

    def counts(self) -> tuple[int, int, int, int]:
        """(people, projects, audit entries, stage instances) in the committed state."""
        s = self.factory.state
        return len(s.people), len(s.projects), len(s.audit), len(s.stages)

    # -- commands ---------------------------------------------------------------------------

    def submit(self, project: int, *, actor: int | None = None, note: str = "") -> CommandResult:
        """Submit the project's current stage with exactly the artifacts it requires, after
        recording the content (lessons, decisions, milestones) it requires."""
        fulfil(self.app, project, self.organiser)
        view = self.view(project)
        required = self.programme.stage(view.stage).required_artifacts
        return self.app.engine.submit(
            SubmitStage(
                actor_id=view.participant_id if actor is None else actor,
                project_id=project,
                note=note,
                artifacts=tuple(upload(kind) for kind in required),
            )
        )

    def approver(self, project: int) -> int:
        """The person who holds the current stage's primary approver role for the project."""
        view = self.view(project)
        role = self.programme.stage(view.stage).approvers[0]
        person = {Role.MENTOR: view.mentor_id, Role.COACH: view.coach_id}[role]
        assert person is not None
        return person

    def approve(self, project: int, *, actor: int | None = None) -> CommandResult:
        return self.app.engine.approve(
            ApproveStage(
                actor_id=self.approver(project) if actor is None else actor,
                project_id=project,
                comment="Disetujui",
            )
        )

    def pass_stage(self, project: int) -> CommandResult:
        self.submit(project)
        return self.approve(project)


@pytest.fixture
def world() -> Iterator[World]:
    clock = SettableClock(BEFORE_START)
    factory = FakeUnitOfWorkFactory()
    app = bootstrap(Settings(), clock=clock, uow_factory=factory)
    with factory(write=True) as uow:
        organiser = uow.people.add(
            Person(
                nip=nip(1),
                name="Orpa Penyelenggara",
                email="orpa@bpsdm.papua.go.id",
                agency="BPSDM Provinsi Papua",
                can_create_cohorts=True,
            )
        )
        uow.commit()
    cohort = app.cohorts.create(
        CreateCohort(
            actor_id=organiser,
            code=COHORT_CODE,
            name="Diklat PIM III Angkatan Uji Tahun 2026",
            programme_code="PIM3",
            organiser="BPSDM Provinsi Papua",
            timezone="Asia/Jayapura",
            start_date=START_DATE,
        )
    )
    roster = small_roster()
    counts = app.cohorts.import_roster(
        ImportRoster(actor_id=organiser, cohort_code=COHORT_CODE, roster=roster)
    )
    assert counts["projects"] == 2
    nicks = {p.email.split("@")[0]: p.nip for _, p in roster.people()}
    with factory() as uow:
        people = {nick: _id(uow.people.find(n)) for nick, n in nicks.items()}
        projects = {n: uow.projects.of_participant(people[n])[0] for n in ("p1", "p2")}
    clock.set(MONDAY_MORNING)
    yield World(
        app,
        factory,
        clock,
        get_programme("PIM3", builtin_programmes()),
        WorkingDayCalendar("Asia/Jayapura"),
        cohort,
        organiser,
        people,
        projects,
    )
    app.close()


def _id(person: Person | None) -> int:
    assert person is not None and person.id is not None
    return person.id


def end_of_local_day(d: date) -> datetime:
    """23:59:59 WIT on ``d``, in UTC (computed here, not by the code under test)."""
    return datetime.combine(d, time(23, 59, 59), tzinfo=WIT).astimezone(UTC)


# ------------------------------------------------------------------------------------------
# The whole lifecycle
# ------------------------------------------------------------------------------------------


CONTENT_ACTIONS = frozenset(
    {"lesson.recorded", "milestone.added", "adoption.decided", "milestone.reported"}
)


def test_a_project_goes_through_all_six_stages_and_ends_completed_with_a_verified_audit_chain(
    world: World,
) -> None:
    pid = world.projects["p1"]
    assert world.view(pid).state == "diagnosis.drafting"
    assert world.view(pid).version == 1

    result: CommandResult | None = None
    for code in STAGE_CODES:
        stage = world.programme.stage(code)
        submitted = world.submit(pid, note=f"laporan {code}")
        assert (submitted.event, submitted.state) == ("stage.submitted", f"{code}.submitted")
        assert [a["kind"] for a in submitted.payload["artifacts"]] == stage.required_artifacts
        result = world.approve(pid)
        assert result.event == "stage.approved"
        world.clock.advance(timedelta(days=1))

    history = world.app.queries.history(pid, world.people["p1"])
    lifecycle = [e.action for e in history if e.action not in CONTENT_ACTIONS]
    content = [e.action for e in history if e.action in CONTENT_ACTIONS]
    # PIM III asks for 2 lessons, then 3 milestones (short, medium, long) and a decision on each
    # lesson, then the short-term milestone reported
    assert content == ["lesson.recorded"] * 2 + ["milestone.added"] * 3 + [
        "adoption.decided"
    ] * 2 + ["milestone.reported"]
    assert result is not None
    assert (result.state, result.version) == ("completed", 13 + len(content))
    details = world.app.queries.project(pid, world.people["p1"])
    assert (details.project.state, details.project.version) == ("completed", 13 + len(content))
    assert [s.stage for s in details.stages] == list(STAGE_CODES)
    assert {s.gate for s in details.stages} == {Gate.APPROVED}
    assert all(s.attempt == 1 for s in details.stages)
    assert len(details.submissions) == len(details.decisions) == 6
    assert {d.outcome for d in details.decisions} == {Outcome.APPROVED}
    # benchmarking and lesson_synthesis name the coach first; the rest the mentor
    deciders = {d.submission_id: d.decided_by for d in details.decisions}
    by_stage = {st.stage: st.id for st in details.stages}
    decided_by = {
        code: deciders[next(s.id for s in details.submissions if s.stage_instance_id == sid)]
        for code, sid in by_stage.items()
    }
    assert decided_by["benchmarking"] == decided_by["lesson_synthesis"] == world.people["c1"]
    assert decided_by["diagnosis"] == decided_by["implementation"] == world.people["m1"]

    assert len(history) == 13 + len(content)
    assert [e.stream_seq for e in history] == list(range(1, len(history) + 1))
    assert (
        lifecycle
        == ["project.created"]
        + [
            "stage.submitted",
            "stage.approved",
        ]
        * 6
    )
    assert history[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(history))
    assert history[-1].hash == details.project.audit_head

    report = world.app.queries.verify_audit()
    assert report.fault is None and report.faults == []
    assert report.streams == 3  # two projects and the cohort
    # p1's stream, p2's creation, cohort created + roster + the host partner the lessons trace to
    assert report.entries == len(history) + 1 + 3


def test_import_opens_diagnosis_at_the_cohort_start_date_even_when_imported_before_it(
    world: World,
) -> None:
    details = world.app.queries.project(world.projects["p1"], world.organiser)
    (diagnosis,) = details.stages
    opened = datetime.combine(START_DATE, time.min, tzinfo=WIT)
    days = world.programme.stage("diagnosis").duration_working_days
    assert diagnosis.opened_at == opened.astimezone(UTC)
    assert diagnosis.due_at == end_of_local_day(world.calendar.add_working_days(START_DATE, days))
    assert diagnosis.due_at == datetime(2026, 3, 10, 14, 59, 59, tzinfo=UTC)  # 6 days: Tue 10 March
    assert world.stream(world.projects["p1"])[0].action == "project.created"


def test_approving_opens_the_next_stage_due_at_the_end_of_the_working_day_n_working_days_later(
    world: World,
) -> None:
    pid = world.projects["p1"]
    world.submit(pid)
    approved_at = datetime(2026, 3, 17, 16, 30, tzinfo=WIT)  # Tuesday before Nyepi and Lebaran
    world.clock.set(approved_at)

    result = world.approve(pid)

    days = world.programme.stage("taking_ownership").duration_working_days
    due_day = WorkingDayCalendar("Asia/Jayapura").add_working_days(approved_at.date(), days)
    expected = end_of_local_day(due_day)
    assert due_day == date(2026, 4, 6)  # 8 working days skip 18–24 March and Good Friday
    assert expected.timetz() == time(14, 59, 59, tzinfo=UTC)  # 23:59:59 WIT
    assert result.state == "taking_ownership.drafting"
    assert result.payload["next_stage"] == "taking_ownership"
    assert result.payload["next_due_at"] == expected.isoformat()
    stages = world.app.queries.project(pid, world.organiser).stages
    opened = stages[-1]
    assert (opened.stage, opened.attempt, opened.gate) == ("taking_ownership", 1, Gate.DRAFTING)
    assert opened.opened_at == approved_at.astimezone(UTC)
    assert opened.due_at == expected
    assert stages[0].decided_at == approved_at.astimezone(UTC)


# ------------------------------------------------------------------------------------------
# Requests for changes, artifacts
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_request_changes_without_a_comment_is_refused_and_changes_nothing(
    world: World, comment: str
) -> None:
    pid = world.projects["p1"]
    world.submit(pid)
    before, entries, generation = (
        world.view(pid),
        len(world.stream(pid)),
        world.factory.state.generation,
    )

    with pytest.raises(GuardFailed, match="needs a comment"):
        world.app.engine.request_changes(
            RequestChanges(actor_id=world.people["m1"], project_id=pid, comment=comment)
        )

    after = world.view(pid)
    assert (after.state, after.version, after.gate) == (
        "diagnosis.submitted",
        before.version,
        Gate.SUBMITTED,
    )
    assert len(world.stream(pid)) == entries
    assert world.factory.state.generation == generation
    with world.factory() as uow:
        assert uow.projects.records(pid).decisions == []


def test_request_changes_with_a_comment_then_resubmitting_creates_submission_number_2(
    world: World,
) -> None:
    pid = world.projects["p1"]
    first = world.submit(pid)
    assert first.payload["submission"] == 1

    sent_back = world.app.engine.request_changes(
        RequestChanges(actor_id=world.people["m1"], project_id=pid, comment="Lengkapi data SKPD")
    )
    assert (sent_back.event, sent_back.state) == (
        "stage.changes_requested",
        "diagnosis.changes_requested",
    )
    assert "next_stage" not in sent_back.payload

    again = world.submit(pid, note="sudah dilengkapi")

    assert (again.state, again.payload["submission"]) == ("diagnosis.submitted", 2)
    details = world.app.queries.project(pid, world.organiser)
    assert [s.number for s in details.submissions] == [1, 2]
    (decision,) = details.decisions
    assert (decision.outcome, decision.comment) == (Outcome.CHANGES_REQUESTED, "Lengkapi data SKPD")
    assert decision.submission_id == details.submissions[0].id
    (stage,) = details.stages
    assert stage.gate is Gate.SUBMITTED
    assert world.view(pid).latest_submission_number == 2
    # and the second submission can be approved (one decision per submission)
    assert world.approve(pid).state == "taking_ownership.drafting"


def test_submit_without_the_required_artifact_is_refused_naming_it(world: World) -> None:
    pid = world.projects["p1"]
    generation = world.factory.state.generation

    with pytest.raises(GuardFailed) as refused:
        world.app.engine.submit(
            SubmitStage(
                actor_id=world.people["p1"],
                project_id=pid,
                artifacts=(upload("rancangan_proyek_perubahan"),),  # known, but not this one
            )
        )

    assert "laporan_diagnosis" in refused.value.message_en
    assert "laporan_diagnosis" in refused.value.message_id
    assert refused.value.details["missing"] == ["laporan_diagnosis"]
    assert world.view(pid).state == "diagnosis.drafting"
    assert world.factory.state.generation == generation


def test_submit_naming_every_missing_artifact_of_benchmarking(world: World) -> None:
    pid = world.projects["p1"]
    world.pass_stage(pid)
    world.pass_stage(pid)

    with pytest.raises(GuardFailed) as refused:
        world.app.engine.submit(
            SubmitStage(
                actor_id=world.people["p1"],
                project_id=pid,
                artifacts=(upload("laporan_benchmarking_individu"),),
            )
        )

    assert refused.value.details["missing"] == ["laporan_benchmarking_kelompok"]


@pytest.mark.parametrize(
    ("artifact", "expected"),
    [
        (upload("foto_kegiatan"), "unknown artifact kind 'foto_kegiatan'"),
        (
            upload("laporan_diagnosis", "image/png", "scan.png"),
            "scan.png: type image/png is not allowed for laporan_diagnosis",
        ),
    ],
    ids=["unknown-kind", "wrong-media-type"],
)
def test_submit_with_an_unknown_artifact_kind_or_a_wrong_media_type_is_refused(
    world: World, artifact: ArtifactUpload, expected: str
) -> None:
    pid = world.projects["p1"]
    generation = world.factory.state.generation

    with pytest.raises(GuardFailed, match="Artifacts refused") as refused:
        world.app.engine.submit(
            SubmitStage(
                actor_id=world.people["p1"],
                project_id=pid,
                artifacts=(upload("laporan_diagnosis"), artifact),
            )
        )

    assert expected in refused.value.message_en
    assert world.view(pid).state == "diagnosis.drafting"
    assert world.factory.state.generation == generation
    assert world.factory.state.blobs == {}


def test_artifact_content_is_stored_once_by_checksum(world: World) -> None:
    world.submit(world.projects["p1"])
    world.submit(world.projects["p2"])
    details = world.app.queries.project(world.projects["p1"], world.organiser)
    (artifact,) = details.submissions[0].artifacts
    assert (artifact.kind, artifact.size) == ("laporan_diagnosis", len(PDF))
    with world.factory() as uow:
        assert uow.projects.artifact_content(artifact.sha256) == PDF
    assert len(world.factory.state.blobs) == 1


# ------------------------------------------------------------------------------------------
# Who may do what
# ------------------------------------------------------------------------------------------


def test_a_stranger_mentor_of_another_participant_is_forbidden_and_nothing_changes(
    world: World,
) -> None:
    pid, stranger = world.projects["p1"], world.people["m2"]
    world.submit(pid)
    before, generation = world.view(pid), world.factory.state.generation

    with pytest.raises(Forbidden, match="may not see this project"):
        world.app.engine.approve(ApproveStage(actor_id=stranger, project_id=pid))
    with pytest.raises(Forbidden):
        world.app.engine.request_changes(
            RequestChanges(actor_id=stranger, project_id=pid, comment="revisi")
        )
    with pytest.raises(Forbidden):
        world.app.queries.project(pid, stranger)
    with pytest.raises(Forbidden):
        world.app.queries.history(pid, stranger)

    after = world.view(pid)
    assert (after.state, after.version) == (before.state, before.version)
    assert world.factory.state.generation == generation


def test_the_participant_cannot_approve_their_own_stage(world: World) -> None:
    pid = world.projects["p1"]
    world.submit(pid)
    generation = world.factory.state.generation

    with pytest.raises(Forbidden, match="allowed: mentor") as refused:
        world.app.engine.approve(ApproveStage(actor_id=world.people["p1"], project_id=pid))

    assert refused.value.details["relations"] == ["participant"]
    assert world.view(pid).state == "diagnosis.submitted"
    assert world.factory.state.generation == generation


def test_only_the_participant_may_submit(world: World) -> None:
    with pytest.raises(Forbidden, match="allowed: participant"):
        world.submit(world.projects["p1"], actor=world.people["m1"])


def test_a_coach_may_approve_benchmarking_but_not_diagnosis(world: World) -> None:
    pid, coach = world.projects["p1"], world.people["c1"]
    assert world.programme.stage("benchmarking").approvers == [Role.COACH, Role.MENTOR]
    world.submit(pid)

    with pytest.raises(Forbidden, match="allowed: mentor"):
        world.app.engine.approve(ApproveStage(actor_id=coach, project_id=pid))

    world.approve(pid, actor=world.people["m1"])  # diagnosis
    world.pass_stage(pid)  # taking_ownership
    world.submit(pid)  # benchmarking
    result = world.approve(pid, actor=coach)

    assert result.state == "lesson_synthesis.drafting"
    decisions = world.app.queries.project(pid, coach).decisions
    assert decisions[-1].decided_by == coach


def test_an_examiner_of_the_cohort_may_view_any_project_but_not_approve_diagnosis(
    world: World,
) -> None:
    examiner = world.people["x1"]
    for nick in ("p1", "p2"):
        assert (
            world.app.queries.project(world.projects[nick], examiner).project.id
            == (world.projects[nick])
        )
    world.submit(world.projects["p2"])
    with pytest.raises(Forbidden):
        world.approve(world.projects["p2"], actor=examiner)


# ------------------------------------------------------------------------------------------
# Illegal transitions, withdraw, reopen
# ------------------------------------------------------------------------------------------


def test_approve_in_drafting_is_an_illegal_transition_naming_the_legal_triggers(
    world: World,
) -> None:
    pid = world.projects["p1"]
    generation = world.factory.state.generation

    with pytest.raises(IllegalTransition) as refused:
        world.app.engine.approve(ApproveStage(actor_id=world.people["m1"], project_id=pid))

    assert "allowed now: submit, withdraw" in refused.value.message_en
    assert refused.value.details["legal"] == ["submit", "withdraw"]
    assert refused.value.details["state"] == "diagnosis.drafting"
    assert world.factory.state.generation == generation

    world.pass_stage(pid)
    with pytest.raises(IllegalTransition, match="allowed now: submit, withdraw, reopen"):
        world.approve(pid, actor=world.people["m1"])


def test_withdraw_needs_a_reason_and_a_coordinator(world: World) -> None:
    pid = world.projects["p1"]
    generation = world.factory.state.generation

    with pytest.raises(GuardFailed, match="A reason is required"):
        world.app.engine.withdraw(
            WithdrawProject(actor_id=world.organiser, project_id=pid, reason=" ")
        )
    with pytest.raises(Forbidden, match="allowed: coordinator"):
        world.app.engine.withdraw(
            WithdrawProject(actor_id=world.people["m1"], project_id=pid, reason="sakit")
        )
    with pytest.raises(Forbidden, match="allowed: coordinator"):
        world.app.engine.withdraw(
            WithdrawProject(actor_id=world.people["p1"], project_id=pid, reason="mundur")
        )
    assert world.factory.state.generation == generation

    result = world.app.engine.withdraw(
        WithdrawProject(actor_id=world.organiser, project_id=pid, reason="Mutasi jabatan")
    )

    assert (result.event, result.state, result.version) == ("project.withdrawn", "withdrawn", 2)
    assert result.payload["reason"] == "Mutasi jabatan"
    assert world.view(pid).gate is Gate.WITHDRAWN
    with pytest.raises(IllegalTransition, match="allowed now: nothing"):
        world.submit(pid)
    rows = {r.project_id: r for r in world.app.queries.board(COHORT_CODE, world.organiser).rows}
    assert rows[pid].status == "withdrawn"


def test_reopen_goes_back_to_an_earlier_stage_with_a_new_attempt_and_a_reason(
    world: World,
) -> None:
    pid = world.projects["p1"]
    world.pass_stage(pid)  # now taking_ownership.drafting
    world.clock.set(datetime(2026, 3, 5, 11, 0, tzinfo=WIT))

    with pytest.raises(GuardFailed, match="A reason is required"):
        world.app.engine.reopen(
            ReopenStage(actor_id=world.organiser, project_id=pid, stage="diagnosis")
        )
    with pytest.raises(Forbidden, match="allowed: coordinator"):
        world.app.engine.reopen(
            ReopenStage(actor_id=world.people["m1"], project_id=pid, stage="diagnosis", reason="x")
        )

    result = world.app.engine.reopen(
        ReopenStage(
            actor_id=world.organiser,
            project_id=pid,
            stage="diagnosis",
            reason="Data diagnosa ternyata keliru",
        )
    )

    assert (result.event, result.state) == ("stage.reopened", "diagnosis.drafting")
    assert result.payload["reason"] == "Data diagnosa ternyata keliru"
    assert result.payload["from_stage"] == "taking_ownership"
    stages = world.app.queries.project(pid, world.organiser).stages
    assert [(s.stage, s.attempt, s.gate) for s in stages] == [
        ("diagnosis", 1, Gate.APPROVED),
        ("taking_ownership", 1, Gate.REOPENED),
        ("diagnosis", 2, Gate.DRAFTING),
    ]
    days = world.programme.stage("diagnosis").duration_working_days
    assert stages[-1].due_at == end_of_local_day(
        world.calendar.add_working_days(date(2026, 3, 5), days)
    )
    last = world.stream(pid)[-1]
    assert last.action == "stage.reopened"
    assert json.loads(last.payload_json)["reason"] == "Data diagnosa ternyata keliru"
    # the new attempt starts its own submission numbering
    assert world.submit(pid).payload["submission"] == 1
    assert world.view(pid).attempt == 2


def test_reopen_to_a_later_stage_is_refused_naming_the_allowed_targets(world: World) -> None:
    pid = world.projects["p1"]
    world.pass_stage(pid)
    world.pass_stage(pid)  # now benchmarking.drafting
    generation = world.factory.state.generation

    with pytest.raises(GuardFailed) as refused:
        world.app.engine.reopen(
            ReopenStage(actor_id=world.organiser, project_id=pid, stage="adoption", reason="x")
        )

    assert "choose one of: diagnosis, taking_ownership" in refused.value.message_en
    assert refused.value.details["targets"] == ["diagnosis", "taking_ownership"]
    assert world.factory.state.generation == generation
    with pytest.raises(GuardFailed, match="choose one of: diagnosis, taking_ownership"):
        world.app.engine.reopen(
            ReopenStage(actor_id=world.organiser, project_id=pid, stage="benchmarking", reason="x")
        )


def test_reopen_from_the_first_stage_is_an_illegal_transition(world: World) -> None:
    with pytest.raises(IllegalTransition, match="'reopen' is not allowed in state diagnosis"):
        world.app.engine.reopen(
            ReopenStage(
                actor_id=world.organiser,
                project_id=world.projects["p1"],
                stage="diagnosis",
                reason="x",
            )
        )


def test_a_completed_project_may_be_reopened_to_any_stage(world: World) -> None:
    pid = world.projects["p1"]
    for _ in STAGE_CODES:
        world.pass_stage(pid)
    assert world.view(pid).state == "completed"

    result = world.app.engine.reopen(
        ReopenStage(
            actor_id=world.organiser, project_id=pid, stage="adoption", reason="Seminar ulang"
        )
    )

    content = sum(1 for e in world.stream(pid) if e.action in CONTENT_ACTIONS)
    assert (result.state, result.version) == ("adoption.drafting", 14 + content)
    stages = world.app.queries.project(pid, world.organiser).stages
    assert stages[-2].gate is Gate.APPROVED  # implementation stays approved
    assert (stages[-1].stage, stages[-1].attempt) == ("adoption", 2)
    assert world.app.queries.verify_audit().fault is None


# ------------------------------------------------------------------------------------------
# Concurrency
# ------------------------------------------------------------------------------------------


def test_an_expected_version_mismatch_is_a_conflict_and_changes_nothing(world: World) -> None:
    pid = world.projects["p1"]
    world.submit(pid)
    before, generation = world.view(pid), world.factory.state.generation
    assert before.version == 2

    with pytest.raises(ConflictError, match="version 2, not 1") as refused:
        world.app.engine.approve(
            ApproveStage(actor_id=world.people["m1"], project_id=pid, expected_version=1)
        )

    assert refused.value.details == {"project": pid, "version": 2, "state": "diagnosis.submitted"}
    after = world.view(pid)
    assert (after.state, after.version) == (before.state, before.version)
    assert len(world.stream(pid)) == 2
    assert world.factory.state.generation == generation

    ok = world.app.engine.approve(
        ApproveStage(actor_id=world.people["m1"], project_id=pid, expected_version=2)
    )
    assert ok.version == 3


def test_a_unit_of_work_that_lost_a_race_commits_nothing(world: World) -> None:
    """Two approvers load the same submitted project; the slower one's commit is refused."""
    pid = world.projects["p1"]
    world.submit(pid)
    generation = world.factory.state.generation

    with world.factory(write=True) as slow:
        view = slow.projects.load(pid, world.people["m1"])
        world.approve(pid)  # meanwhile the engine approves and commits
        slow.projects.close_stage(view.clocks)
        slow.projects.advance(pid, view.version, "taking_ownership.drafting", "f" * 64)
        with pytest.raises(ConflictError, match="another transaction"):
            slow.commit()

    assert world.factory.state.generation == generation + 1  # only the engine's approval
    with world.factory() as uow:
        assert len(uow.projects.records(pid).decisions) == 1
    assert world.app.queries.verify_audit().fault is None


# ------------------------------------------------------------------------------------------
# Roster import and cohort creation
# ------------------------------------------------------------------------------------------


def _second_cohort(world: World, code: str = "PIM3-UJI-2026-B") -> Cohort:
    return world.app.cohorts.create(
        CreateCohort(
            actor_id=world.organiser,
            code=code,
            name="Diklat PIM III Angkatan Uji B",
            programme_code="PIM3",
            organiser="BPSDM Provinsi Papua",
            timezone="WIT",
            start_date=date(2026, 4, 6),
        )
    )


def test_import_roster_is_all_or_nothing_when_a_mentor_is_unknown(world: World) -> None:
    cohort = _second_cohort(world)
    m9 = roster_person(20, "Mikael Itlay", "m9")
    bad = Roster(
        mentors=[m9],
        participants=[
            participant(21, "Pilemon Gobai", "p21", m9.nip, None),
            participant(22, "Priska Douw", "p22", "nobody@bpsdm.papua.go.id", None),
        ],
    )
    before, generation = world.counts(), world.factory.state.generation

    with pytest.raises(RosterError, match=re.escape("nobody@bpsdm.papua.go.id")) as refused:
        world.app.cohorts.import_roster(
            ImportRoster(actor_id=world.organiser, cohort_code=cohort.code, roster=bad)
        )

    assert len(refused.value.problems_en) == 1
    assert refused.value.problems_en[0].startswith("participants[1]")
    assert world.counts() == before  # no person, no project, no audit entry, no stage
    assert world.factory.state.generation == generation
    with world.factory() as uow:
        assert uow.people.find(m9.nip) is None
        assert uow.cohorts.members(_cid(cohort)) == [(world.organiser, Role.COORDINATOR)]
        assert uow.cohorts.audit_head(_cid(cohort))[0] == 1


def test_import_roster_rolls_back_people_added_before_a_later_clash(world: World) -> None:
    """The failure comes after the first people were written: the whole import is undone."""
    cohort = _second_cohort(world)
    m9 = roster_person(20, "Mikael Itlay", "m9")
    clash = RosterParticipant(  # a first-cohort mentor's e-mail under another NIP
        **roster_person(22, "Priska Douw", "m1").model_dump(),
        mentor=m9.nip,
    )
    roster = Roster(
        mentors=[m9], participants=[participant(21, "Pilemon Gobai", "p21", m9.nip, None), clash]
    )
    before, generation = world.counts(), world.factory.state.generation

    with pytest.raises(RosterError, match="already used by NIP"):
        world.app.cohorts.import_roster(
            ImportRoster(actor_id=world.organiser, cohort_code=cohort.code, roster=roster)
        )

    assert world.counts() == before
    assert world.factory.state.generation == generation
    with world.factory() as uow:
        assert uow.people.find(m9.email) is None


def test_importing_the_same_participants_twice_is_refused(world: World) -> None:
    before, generation = world.counts(), world.factory.state.generation

    with pytest.raises(RosterError, match="already in this cohort") as refused:
        world.app.cohorts.import_roster(
            ImportRoster(actor_id=world.organiser, cohort_code=COHORT_CODE, roster=small_roster())
        )

    assert len([p for p in refused.value.problems_en if "already in this cohort" in p]) == 2
    assert world.counts() == before
    assert world.factory.state.generation == generation


def test_only_a_coordinator_of_the_cohort_may_import_a_roster(world: World) -> None:
    roster = Roster(mentors=[roster_person(30, "Mesak Pigai", "m30")])
    with pytest.raises(Forbidden, match="may not manage this cohort"):
        world.app.cohorts.import_roster(
            ImportRoster(actor_id=world.people["m1"], cohort_code=COHORT_CODE, roster=roster)
        )
    with pytest.raises(NotFound, match=f"known: {COHORT_CODE}"):
        world.app.cohorts.import_roster(
            ImportRoster(actor_id=world.organiser, cohort_code="NOPE-1", roster=roster)
        )


def test_a_later_roster_may_refer_to_the_cohorts_existing_mentors(world: World) -> None:
    m1 = world.people["m1"]
    with world.factory() as uow:
        m1_nip = uow.people.get(m1).nip
    late = Roster(participants=[participant(31, "Yohana Wenda", "p31", m1_nip, None)])

    counts = world.app.cohorts.import_roster(
        ImportRoster(actor_id=world.organiser, cohort_code=COHORT_CODE, roster=late)
    )

    assert counts["projects"] == 1
    with world.factory() as uow:
        (pid,) = uow.projects.of_participant(_id(uow.people.find("p31@bpsdm.papua.go.id")))
        assert uow.projects.get(pid).mentor_id == m1
        assert uow.cohorts.audit_head(_cid(world.cohort))[0] == 3
    assert world.app.queries.verify_audit().fault is None


def test_the_cohorts_coordinator_cannot_be_imported_as_a_participant(world: World) -> None:
    with world.factory() as uow:
        me = uow.people.get(world.organiser)
        m1_nip = uow.people.get(world.people["m1"]).nip
    roster = Roster(
        participants=[
            RosterParticipant(
                nip=me.nip, name=me.name, email=me.email, agency=me.agency, mentor=m1_nip
            )
        ]
    )

    with pytest.raises(RosterError, match="already a coordinator or examiner"):
        world.app.cohorts.import_roster(
            ImportRoster(actor_id=world.organiser, cohort_code=COHORT_CODE, roster=roster)
        )


def test_seed001_roster_imports_forty_projects_all_on_track(world: World) -> None:
    cohort = _second_cohort(world, "PIM3-XIII-2018")
    world.clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=WIT))

    counts = world.app.cohorts.import_roster(
        ImportRoster(actor_id=world.organiser, cohort_code=cohort.code, roster=seed001_roster())
    )

    assert counts == {
        "participants": 40,
        "mentors": 21,
        "coaches": 4,
        "examiners": 2,
        "coordinators": 2,
        "projects": 40,
    }
    board = world.app.queries.board(cohort.code, world.organiser)
    assert len(board.rows) == 40
    assert {r.status for r in board.rows} == {"on_track"}
    assert {r.state for r in board.rows} == {"diagnosis.drafting"}
    names = [r.participant.name for r in board.rows]
    assert names == sorted(names)
    report = world.app.queries.verify_audit()
    assert report.fault is None
    assert report.streams == 2 + 42  # both cohorts, 2 + 40 projects


def test_creating_a_cohort_needs_can_create_cohorts(world: World) -> None:
    before, generation = world.counts(), world.factory.state.generation
    with pytest.raises(Forbidden, match="may not create cohorts"):
        world.app.cohorts.create(
            CreateCohort(
                actor_id=world.people["m1"],
                code="PIM3-LAIN",
                name="Angkatan lain",
                programme_code="PIM3",
                organiser="BPSDM",
                timezone="Asia/Jayapura",
                start_date=START_DATE,
            )
        )
    assert world.counts() == before
    assert world.factory.state.generation == generation
    assert len(world.factory.state.cohorts) == 1


def test_creating_a_cohort_of_an_unknown_programme_is_refused(world: World) -> None:
    with pytest.raises(UnknownProgramme, match="PIM3") as refused:
        world.app.cohorts.create(
            CreateCohort(
                actor_id=world.organiser,
                code="XYZ-1",
                name="Angkatan XYZ",
                programme_code="XYZ",
                organiser="BPSDM",
                timezone="WIT",
                start_date=START_DATE,
            )
        )
    assert "PKA" in refused.value.details["known"]
    assert len(world.factory.state.cohorts) == 1


def test_a_duplicate_cohort_code_already_exists(world: World) -> None:
    generation, entries = world.factory.state.generation, len(world.factory.state.audit)
    with pytest.raises(AlreadyExists, match=f"code '{COHORT_CODE}' already exists"):
        _second_cohort(world, COHORT_CODE)
    assert world.factory.state.generation == generation
    assert len(world.factory.state.audit) == entries
    assert len(world.factory.state.cohorts) == 1


def test_a_new_cohort_is_pinned_to_its_programme_and_audited(world: World) -> None:
    cohort = world.cohort
    assert (cohort.version, cohort.programme_code, cohort.timezone) == (1, "PIM3", "Asia/Jayapura")
    with world.factory() as uow:
        assert uow.cohorts.programme(cohort.programme_checksum) == world.programme
        assert uow.cohorts.roles_of(_cid(cohort), world.organiser) == {Role.COORDINATOR}
        entries = uow.audit.stream(f"cohort:{_cid(cohort)}")
        assert uow.cohorts.audit_head(_cid(cohort)) == (2, entries[-1].hash)
    assert [e.action for e in entries] == ["cohort.created", "roster.imported"]


def _cid(cohort: Cohort) -> int:
    assert cohort.id is not None
    return cohort.id


# ------------------------------------------------------------------------------------------
# The board
# ------------------------------------------------------------------------------------------


def test_the_board_shows_on_track_at_risk_and_late_computed_with_the_clock(world: World) -> None:
    p1, p2 = world.projects["p1"], world.projects["p2"]
    assert world.view(p1).stage == "diagnosis"
    due_at = world.app.queries.project(p1, world.organiser).stages[0].due_at
    due_day = world.calendar.local_date(due_at)
    assert due_day == date(2026, 3, 10)

    def statuses() -> dict[int, tuple[str, int]]:
        board = world.app.queries.board(COHORT_CODE, world.organiser)
        assert [r.participant.name for r in board.rows] == ["Paulus Yikwa", "Petronela Tabuni"]
        return {r.project_id: (r.status, r.cells[0].days_late) for r in board.rows}

    assert statuses() == {p1: ("on_track", 0), p2: ("on_track", 0)}

    world.clock.set(datetime.combine(due_day, time(8, 0), tzinfo=WIT))  # due today
    assert statuses() == {p1: ("at_risk", 0), p2: ("at_risk", 0)}

    world.submit(p2)  # p2 now waits on its mentor, not on the participant
    late_day = date(2026, 3, 16)  # Monday: 6 calendar days, 4 working days after the due date
    world.clock.set(datetime.combine(late_day, time(10, 0), tzinfo=WIT))
    expected_late = world.calendar.working_days_between(due_day, late_day)
    assert expected_late == 4

    board = world.app.queries.board(COHORT_CODE, world.organiser)
    rows = {r.project_id: r for r in board.rows}
    assert (rows[p1].status, rows[p2].status) == ("late", "on_track")
    cell = rows[p1].cells[0]
    assert (cell.stage, cell.gate, cell.current, cell.days_late) == (
        "diagnosis",
        Gate.DRAFTING,
        True,
        expected_late,
    )
    assert cell.due_at == due_at
    assert [c.gate for c in rows[p1].cells[1:]] == [None] * 5
    assert rows[p2].cells[0].gate is Gate.SUBMITTED
    assert board.now == world.clock.now()


def test_the_board_is_for_cohort_staff_only(world: World) -> None:
    for nick in ("p1", "m1"):
        with pytest.raises(Forbidden, match="may not see this cohort's board and reports"):
            world.app.queries.board(COHORT_CODE, world.people[nick])
    for nick in ("c1", "x1"):
        assert len(world.app.queries.board(COHORT_CODE, world.people[nick]).rows) == 2


# ------------------------------------------------------------------------------------------
# The audit trail
# ------------------------------------------------------------------------------------------


def test_tampering_with_an_audit_payload_is_detected_naming_the_stream_and_seq(
    world: World,
) -> None:
    pid = world.projects["p1"]
    world.submit(pid, note="asli")
    world.approve(pid)
    assert world.app.queries.verify_audit().fault is None
    state = world.factory.state
    target = next(
        e for e in state.audit.values() if e.stream == f"project:{pid}" and e.stream_seq == 2
    )
    forged = json.loads(target.payload_json)
    forged["note"] = "dipalsukan"
    state.audit[target.seq] = dataclasses.replace(
        target, payload_json=json.dumps(forged, sort_keys=True, separators=(",", ":"))
    )

    report = world.app.queries.verify_audit()

    assert report.fault is not None
    assert (report.fault.stream, report.fault.stream_seq, report.fault.seq) == (
        f"project:{pid}",
        2,
        target.seq,
    )
    assert "edited" in report.fault.why
    assert len(report.faults) == 1


def test_deleting_the_last_audit_entry_is_detected_as_a_deleted_tail(world: World) -> None:
    pid = world.projects["p1"]
    world.submit(pid)
    state = world.factory.state
    last = max(e.seq for e in state.audit.values() if e.stream == f"project:{pid}")
    del state.audit[last]

    fault = world.app.queries.verify_audit().fault

    assert fault is not None
    assert (fault.stream, fault.seq) == (f"project:{pid}", None)
    assert "deleted tail" in fault.why


def test_unknown_project_is_not_found_and_actors_resolve_by_nip_or_email(world: World) -> None:
    with pytest.raises(NotFound, match="Project 999 not found"):
        world.app.engine.approve(ApproveStage(actor_id=world.organiser, project_id=999))
    with world.factory() as uow:
        p1 = uow.people.get(world.people["p1"])
    spaced = f"{p1.nip[:8]} {p1.nip[8:14]} {p1.nip[14]} {p1.nip[15:]}"
    assert world.app.engine.resolve_actor(spaced).id == p1.id
    assert world.app.engine.resolve_actor(p1.email.upper()).id == p1.id
    with pytest.raises(NotFound, match="No person"):
        world.app.engine.resolve_actor("nobody@example.org")


# ------------------------------------------------------------------------------------------
# The fakes themselves
# ------------------------------------------------------------------------------------------


def _person(n: int, nick: str) -> Person:
    return Person(nip=nip(n), name=f"Orang {nick}", email=f"{nick}@x.go.id", agency="Instansi")


def test_fake_unit_of_work_publishes_writes_only_on_commit() -> None:
    factory = FakeUnitOfWorkFactory()
    with factory(write=True) as writer, factory() as reader:
        pid = writer.people.add(_person(40, "a"))
        assert writer.people.get(pid).nip == nip(40)
        assert reader.people.many([pid]) == {}
        writer.commit()
        assert reader.people.many([pid]) == {}  # the reader keeps its snapshot
    with factory() as later:
        assert later.people.get(pid).email == "a@x.go.id"

    with factory(write=True) as abandoned:
        abandoned.people.add(_person(41, "b"))
    with factory() as later:
        assert later.people.find("b@x.go.id") is None
    assert factory.commits == 1


def test_fake_unit_of_work_refuses_a_commit_after_someone_else_committed() -> None:
    factory = FakeUnitOfWorkFactory()
    with factory(write=True) as first, factory(write=True) as second:
        first.people.add(_person(42, "c"))
        second.people.add(_person(43, "d"))
        first.commit()
        with pytest.raises(ConflictError):
            second.commit()
    with factory() as uow:
        assert uow.people.find("c@x.go.id") is not None
        assert uow.people.find("d@x.go.id") is None
    with pytest.raises(RuntimeError, match="outside"):
        _ = factory().people


def test_fake_stores_enforce_the_sql_unique_keys_and_version_checks() -> None:
    factory = FakeUnitOfWorkFactory()
    at = datetime(2026, 3, 2, 9, 0, tzinfo=WIT)
    with factory(write=True) as uow:
        a = uow.people.add(_person(44, "e"))
        with pytest.raises(AlreadyExists, match="already registered"):
            uow.people.add(_person(44, "f"))
        pid = uow.projects.create(NewProject(1, a, a, None, "judul", "diagnosis.drafting"))
        sid = uow.projects.open_stage(pid, "diagnosis", 1, at, at)
        with pytest.raises(ConflictError, match="was just changed by someone else"):
            uow.projects.open_stage(pid, "diagnosis", 1, at, at)
        assert uow.projects.next_attempt(pid, "diagnosis") == 2
        clocks = StageClocks(sid, Gate.DRAFTING, at, 1, at, next_check_at=at)
        uow.projects.advance(pid, 0, "diagnosis.drafting", "a" * 64, clocks)
        assert uow.projects.stages(pid)[0].next_check_at == at
        with pytest.raises(ConflictError, match="was just changed by someone else"):
            uow.projects.advance(pid, 0, "diagnosis.drafting", "b" * 64)
        entry = AuditAppend("project:1", 1, at, a, "x", "{}", GENESIS, "a" * 64)
        uow.audit.append(entry)
        with pytest.raises(ConflictError, match="moved on"):
            uow.audit.append(entry)
        assert uow.audit.stream("project:1")[0].at == at.astimezone(UTC)
        assert uow.projects.stages(pid)[0].opened_at.tzinfo is UTC
        with pytest.raises(NotFound, match="Project 99 not found"):
            uow.projects.load(99, a)


def test_the_board_names_what_the_current_stage_still_lacks_until_its_content_is_recorded(
    world: World,
) -> None:
    pid = world.projects["p1"]
    for _ in range(3):  # diagnosis, taking ownership, benchmarking
        world.pass_stage(pid)
    assert world.view(pid).stage == "lesson_synthesis"

    def row() -> BoardRow:
        board = world.app.queries.board(COHORT_CODE, world.organiser)
        return next(r for r in board.rows if r.project_id == pid)

    lacking = row()
    assert lacking.missing_en and "lesson register" in lacking.missing_en[0]
    assert len(lacking.missing_id) == len(lacking.missing_en)
    other = next(
        r
        for r in world.app.queries.board(COHORT_CODE, world.organiser).rows
        if r.project_id == world.projects["p2"]
    )
    assert other.missing_en == ()  # diagnosis requires no content

    fulfil(world.app, pid, world.organiser)
    assert row().missing_en == ()
    world.submit(pid)
    assert row().missing_en == ()  # submitted: waiting on the approver, not the participant
