"""Every bad input of Benchmarking to Best Practice, refused on SQLite and on PostgreSQL through
the real services, changes no table: the rows of every table of the schema (the ORM's
``Base.metadata``) are the same before and after each refusal.

One cohort is set up per database and every bad input is tried on it in turn, so the cases also
prove that a refusal leaves the database usable for the next command.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from adapters.bootstrap import Patok
from adapters.clock import SettableClock
from adapters.db.orm import Base
from domain.bench_commands import (
    CancelVisit,
    ChangeGroup,
    ChangeHost,
    ChangeVisit,
    CreateSeminar,
    DecideAdoption,
    FormGroup,
    GradeSeminar,
    PlanVisit,
    RecordLesson,
    RemoveHost,
    ScheduleSeminar,
    ScoreSeminar,
    UploadGroupReport,
)
from domain.benchmarking import AgendaSpec, GroupSpec, VisitSpec
from domain.commands import SubmitStage
from domain.content import AdoptionKind
from domain.errors import DomainError, Forbidden, GuardFailed, NotFound, ValidationFailed
from domain.model import ArtifactUpload
from domain.seminars import SeminarKind
from tests.bench_world import COHORT, Bench, build

Snapshot = dict[str, list[tuple[str, ...]]]


def snapshot(app: Patok) -> Snapshot:
    """Every row of every table of the schema, as sorted text."""
    assert app.database is not None
    out: Snapshot = {}
    with app.database.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted(tuple(repr(v) for v in row) for row in rows)
    return out


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    """The tables whose rows differ, with how many rows each had before and after."""
    return [
        f"{name}: {len(before[name])} -> {len(after[name])} rows"
        for name in before
        if before[name] != after[name]
    ]


def setting(app: Patok, clock: SettableClock) -> tuple[Bench, int, int]:
    """BENCH-1 with p1 drafting lesson synthesis and one lesson recorded, visit MDN (13-15 April
    2026) booking group I with agenda items at mdn-bappeda, visit MDN3 (14 April) booking p4
    alone, and a design seminar where p1 is
    scheduled with examiner x1 and scored by their panel. Returns the bench, the lesson's id and
    the session's id."""
    bench = build(app, clock)
    k = bench.ids["k"]
    bench.to_stage("p1", "lesson_synthesis")
    lesson = app.content.record_lesson(
        RecordLesson(actor_id=bench.ids["p1"], project_id=bench.projects["p1"], host="mdn-bappeda", practice="e-Kinerja", evidence="Aplikasi", success_key="Atasan memverifikasi", lesson="Kinerja harian")
    )  # fmt: skip
    app.planning.plan_visit(
        PlanVisit(
            actor_id=k,
            cohort_code=COHORT,
            visit=VisitSpec(
                code="MDN",
                groups=("I",),
                host_agency="Pemerintah Kota Medan",
                city="Kota Medan",
                agenda=(AgendaSpec(day=date(2026, 4, 13), host="mdn-bappeda", topic="Paparan"), AgendaSpec(day=date(2026, 4, 15), host="mdn-bappeda", topic="Observasi")),
            ),
        )
    )  # fmt: skip
    app.planning.plan_visit(
        PlanVisit(actor_id=k, cohort_code=COHORT, visit=VisitSpec(code="MDN3", start=date(2026, 4, 14), end=date(2026, 4, 14), participants=("p4@uji.go.id",), host_agency="Pemkot Medan", city="Medan"))
    )  # fmt: skip
    session = app.seminars.create(
        CreateSeminar(actor_id=k, cohort_code=COHORT, kind=SeminarKind.DESIGN, starts_at=app.engine.clock.now(), examiners=("x1@uji.go.id",))
    )  # fmt: skip
    app.seminars.schedule(
        ScheduleSeminar(actor_id=k, session_id=session.id, participants=("p1@uji.go.id",))
    )
    for who, score in (("x1", 85), ("m1", 80), ("c1", 90)):
        app.seminars.score(ScoreSeminar(actor_id=bench.ids[who], session_id=session.id, participant="p1@uji.go.id", score=score))  # fmt: skip
    return bench, lesson.id, session.id


def cases(
    bench: Bench, lesson_id: int, session_id: int
) -> list[tuple[str, Callable[[], Any], type[DomainError], str]]:
    """(what, the command, the refusal expected, a part of its English message)."""
    app, ids, k = bench.app, bench.ids, bench.ids["k"]
    p1 = ids["p1"]

    def lesson(**fields: str) -> Callable[[], Any]:
        values = {"host": "mdn-bappeda", "practice": "e-Planning", "evidence": "RKPD", "success_key": "Komitmen", "lesson": "Data dulu"} | fields  # fmt: skip
        return lambda: app.content.record_lesson(
            RecordLesson(actor_id=p1, project_id=bench.projects["p1"], **values)
        )

    wrong_type = ArtifactUpload(
        kind="laporan_benchmarking_kelompok",
        filename="laporan.txt",
        media_type="text/plain",
        content=b"bukan pdf",
    )
    diagnosis = tuple(
        u.model_copy(update={"filename": "laporan.txt", "media_type": "text/plain"})
        for u in bench.uploads("diagnosis")
    )
    return [
        ("a lesson without a host practice", lesson(practice=""), ValidationFailed, "required: the observed best practice"),
        ("a lesson without a host", lesson(host=""), ValidationFailed, "required: the host partner"),
        ("a lesson at an unknown host", lesson(host="mdn-nowhere"), ValidationFailed, "mdn-nowhere"),
        ("a lesson at a host the participant did not visit", lesson(host="mdn-bkpsdm"), ValidationFailed, "'mdn-bkpsdm' was not visited by this participant"),
        ("an adoption decision on an unknown lesson", lambda: app.content.decide(DecideAdoption(actor_id=p1, lesson_id=lesson_id + 1000, kind=AdoptionKind.ADOPT, rationale="Cocok")), NotFound, f"Lesson {lesson_id + 1000} not found"),
        ("an adoption decision with no rationale", lambda: app.content.decide(DecideAdoption(actor_id=p1, lesson_id=lesson_id, kind=AdoptionKind.NOT_ADOPT)), ValidationFailed, "Adoption decision refused"),
        ("overlapping visits", lambda: app.planning.plan_visit(PlanVisit(actor_id=k, cohort_code=COHORT, visit=VisitSpec(code="MDN2", start=date(2026, 4, 15), end=date(2026, 4, 16), participants=("p2@uji.go.id",), host_agency="Pemkot Medan", city="Medan"))), ValidationFailed, "Uji P2 is already booked on visit MDN"),
        ("a grade outside the scale", lambda: app.seminars.grade(GradeSeminar(actor_id=ids["x1"], session_id=session_id, participant="p1@uji.go.id", grade="luar biasa")), ValidationFailed, "'luar biasa' is not on the programme's scale"),
        ("a score outside the range", lambda: app.seminars.score(ScoreSeminar(actor_id=ids["x1"], session_id=session_id, participant="p1@uji.go.id", score=101)), ValidationFailed, "101"),
        ("a score from an examiner not on the panel", lambda: app.seminars.score(ScoreSeminar(actor_id=ids["x2"], session_id=session_id, participant="p1@uji.go.id", score=70)), Forbidden, "is not on this participant's panel"),
        ("a score from another participant's mentor", lambda: app.seminars.score(ScoreSeminar(actor_id=ids["m2"], session_id=session_id, participant="p1@uji.go.id", score=70)), Forbidden, "may not score this seminar"),
        ("a group with no members", lambda: app.planning.form_group(FormGroup(actor_id=k, cohort_code=COHORT, group=GroupSpec(code="III", theme="UMKM"))), ValidationFailed, "group III has no members"),
        ("a group report of the wrong type", lambda: app.planning.upload_group_report(UploadGroupReport(actor_id=ids["p2"], cohort_code=COHORT, group_code="I", upload=wrong_type)), GuardFailed, "text/plain is not allowed"),
        ("a stage report of the wrong type", lambda: app.engine.submit(SubmitStage(actor_id=ids["p2"], project_id=bench.projects["p2"], artifacts=diagnosis)), GuardFailed, "text/plain is not allowed"),
        ("a group change double-booking a new member", lambda: app.planning.change_group(ChangeGroup(actor_id=k, cohort_code=COHORT, code="I", add_members=("p4@uji.go.id",))), ValidationFailed, "Uji P4 is already booked on visit MDN3"),
        ("a visit moved so that its agenda falls outside its days", lambda: app.planning.change_visit(ChangeVisit(actor_id=k, cohort_code=COHORT, code="MDN", start=date(2026, 4, 14))), ValidationFailed, "falls outside the new dates"),
        ("a visit moved onto another visit of its participants", lambda: app.planning.change_visit(ChangeVisit(actor_id=k, cohort_code=COHORT, code="MDN3", add_groups=("II",), add_participants=("p1@uji.go.id",))), ValidationFailed, "Uji P1 is already booked on visit MDN"),
        ("a visit cancelled without a reason", lambda: app.planning.cancel_visit(CancelVisit(actor_id=k, cohort_code=COHORT, code="MDN")), ValidationFailed, "why the visit is cancelled"),
        ("a host partner with a lesson and agenda items removed", lambda: app.planning.remove_host(RemoveHost(actor_id=k, cohort_code=COHORT, code="mdn-bappeda")), GuardFailed, "cannot be removed"),
        ("a host partner a lesson refers to removed", lambda: app.planning.remove_host(RemoveHost(actor_id=k, cohort_code=COHORT, code="mdn-bappeda")), GuardFailed, "lesson #1 of Uji P1"),
        ("a host partner given an unknown time zone", lambda: app.planning.change_host(ChangeHost(actor_id=k, cohort_code=COHORT, code="mdn-bkpsdm", timezone="GMT")), ValidationFailed, "unknown time zone 'GMT'"),
        ("a visit cancelled by a mentor", lambda: app.planning.cancel_visit(CancelVisit(actor_id=ids["m1"], cohort_code=COHORT, code="MDN", reason="x")), Forbidden, "may not plan this cohort's benchmarking"),
    ]  # fmt: skip


def test_every_bad_benchmarking_input_is_refused_on_sql_and_changes_no_table(
    app: Patok, clock: SettableClock
) -> None:
    bench, lesson_id, session_id = setting(app, clock)
    for what, command, error, fragment in cases(bench, lesson_id, session_id):
        before = snapshot(app)
        with pytest.raises(error) as refused:
            command()
        assert fragment in refused.value.message_en, (what, refused.value.message_en)
        assert refused.value.message_id and refused.value.message_id != refused.value.message_en
        assert changed_tables(before, snapshot(app)) == [], what
    assert app.queries.verify_audit().fault is None


def test_the_snapshot_sees_a_stored_change(app: Patok, clock: SettableClock) -> None:
    """The check above would catch a write: a successful change of a visit changes its tables."""
    bench = build(app, clock)
    app.planning.plan_visit(
        PlanVisit(actor_id=bench.ids["k"], cohort_code=COHORT, visit=VisitSpec(code="MDN", start=date(2026, 4, 13), end=date(2026, 4, 15), groups=("I",), host_agency="Pemerintah Kota Medan", city="Kota Medan"))
    )  # fmt: skip
    before = snapshot(app)
    app.planning.change_visit(
        ChangeVisit(actor_id=bench.ids["k"], cohort_code=COHORT, code="MDN", note="Bawa seragam")
    )
    changed = changed_tables(before, snapshot(app))
    assert sorted(c.split(":")[0] for c in changed) == ["audit_log", "cohorts", "visits"]
