"""Benchmarking on SQLite and PostgreSQL: the seed plans imported from the example files, the whole
chain from a host's practice to a graded seminar, and the unique keys that settle races."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.bootstrap import Patok
from adapters.clock import SettableClock
from domain.bench_commands import (
    CreateSeminar,
    DecideAdoption,
    GradeSeminar,
    ImportPlan,
    RecordLesson,
    RegradeRemediation,
    RemoveLesson,
    ScheduleSeminar,
    ScoreSeminar,
)
from domain.content import AdoptionKind, MilestoneStatus
from domain.errors import AlreadyExists, ConflictError, GuardFailed, PlanError
from domain.programme import STAGE_CODES
from domain.roster import parse_roster
from domain.seminars import RemediationKind, RemediationStatus, SeminarKind
from domain.visit_plan import parse_plan
from tests.bench_world import COHORT, build
from tests.integration.helpers import EXAMPLES, add_organiser, make_cohort
from tests.stage_content import fulfil


def plan(name: str, fmt: str = "yaml") -> ImportPlan:
    return ImportPlan(
        actor_id=0,
        cohort_code="",
        plan=parse_plan((EXAMPLES / name).read_text(encoding="utf-8"), fmt, name),  # type: ignore[arg-type]
    )


def test_seed_001_plan_and_its_follow_up_visit_import_into_the_seed_001_cohort(app: Patok) -> None:
    organiser = add_organiser(app)
    roster = parse_roster((EXAMPLES / "roster-seed001.yaml").read_text(encoding="utf-8"), "yaml")
    make_cohort(app, organiser, "PIM3-XIII-2018", roster)
    yaml_plan = plan("plan-seed001.yaml").model_copy(
        update={"actor_id": organiser, "cohort_code": "PIM3-XIII-2018"}
    )
    outcome = app.planning.import_plan(yaml_plan)
    assert (len(outcome.hosts), outcome.groups, outcome.visits) == (
        6,
        ["I", "II", "III", "IV"],
        ["TNG"],
    )
    assert outcome.warnings_en == []  # 9-11 April 2018 are working days in WIB
    csv_plan = plan("visit-plan-seed001.csv", "csv").model_copy(
        update={"actor_id": organiser, "cohort_code": "PIM3-XIII-2018"}
    )
    assert app.planning.import_plan(csv_plan).visits == ["TNG-2"]
    overview = app.planning.overview("PIM3-XIII-2018", organiser)
    hosts = {h.id: h for h in overview.hosts}
    assert {g.code: sorted(hosts[h].unit for h in g.host_ids) for g in overview.groups} == {
        "I": ["Bappeda", "DPKD"],
        "II": ["Kantor Kecamatan Karawaci"],
        "III": ["Dinas Perindag dan Koperasi", "Dinas Sosial"],
        "IV": ["Badan Kepegawaian dan Pengembangan SDM"],
    }
    assert all(len(g.member_ids) == 10 for g in overview.groups)
    tng, follow_up = overview.visits
    assert (tng.start_date, tng.end_date, len(tng.participant_ids), len(tng.agenda)) == (
        date(2018, 4, 9),
        date(2018, 4, 11),
        40,
        12,
    )
    assert {c.role for c in tng.companions} == {"coach", "coordinator"}
    assert (follow_up.start_date, follow_up.end_date, len(follow_up.participant_ids)) == (
        date(2018, 4, 12),
        date(2018, 4, 12),
        20,
    )
    # importing the same plan again refuses every clash and stores nothing
    with pytest.raises(PlanError) as refused:
        app.planning.import_plan(yaml_plan)
    assert len(refused.value.problems_en) == 6 + 4 + 1
    assert len(app.planning.overview("PIM3-XIII-2018", organiser).visits) == 2


def test_seed_003_host_units_import_as_the_article_names_them(
    app: Patok, clock: SettableClock
) -> None:
    bench = build(app, clock)
    outcome = app.planning.import_plan(
        plan("plan-seed003.yaml").model_copy(
            update={"actor_id": bench.ids["k"], "cohort_code": COHORT}
        )
    )
    assert outcome.hosts == ["bgr-bapenda", "bgr-bappeda", "bgr-diskominfostandi"]
    units = {h.code: (h.unit, h.city) for h in app.planning.overview(COHORT, bench.ids["k"]).hosts}
    assert units["bgr-bapenda"] == ("Badan Pendapatan Daerah (Bapenda)", "Kota Bogor")


def test_the_chain_from_a_hosts_practice_to_a_graded_final_seminar_is_stored_and_audited(
    app: Patok, clock: SettableClock
) -> None:
    bench = build(app, clock)
    bench.group_report("p2")
    for stage in STAGE_CODES:
        bench.submit("p1", group_report=stage != "benchmarking")
        bench.approve("p1")
    assert bench.state("p1") == "completed"
    table = app.reports.trace(COHORT, bench.ids["k"])
    assert [(r.lesson_number, r.decision, r.milestone_number, r.status) for r in table.rows] == [
        (1, AdoptionKind.ADOPT, 1, MilestoneStatus.DONE),
        (2, AdoptionKind.ADOPT, 1, MilestoneStatus.DONE),
    ]
    for kind in (SeminarKind.DESIGN, SeminarKind.FINAL):
        session = app.seminars.create(
            CreateSeminar(
                actor_id=bench.ids["k"],
                cohort_code=COHORT,
                kind=kind,
                starts_at=app.engine.clock.now(),
                examiners=("x1@uji.go.id",),
            )
        )
        app.seminars.schedule(
            ScheduleSeminar(
                actor_id=bench.ids["k"], session_id=session.id, participants=("p1@uji.go.id",)
            )
        )
        low = kind is SeminarKind.FINAL
        for who in ("x1", "m1", "c1"):
            app.seminars.score(
                ScoreSeminar(actor_id=bench.ids[who], session_id=session.id, participant="p1@uji.go.id", score=60 if low else 91)
            )  # fmt: skip
        graded = app.seminars.grade(
            GradeSeminar(
                actor_id=bench.ids["x1"], session_id=session.id, participant="p1@uji.go.id"
            )
        )
    assert graded.remediation_id is not None
    record = app.seminars.record(bench.projects["p1"], bench.ids["p1"])
    assert [e.grade for e in record.entries] == ["sangat_memuaskan", "kurang_memuaskan"]
    assert record.certificate.status == "withheld"
    app.seminars.regrade(
        RegradeRemediation(actor_id=bench.ids["x1"], remediation_id=graded.remediation_id, score=85)
    )
    record = app.seminars.record(bench.projects["p1"], bench.ids["p1"])
    assert record.certificate.status == "eligible"
    assert record.remediations[0].regrade == "cukup_memuaskan" and record.remediations[0].capped
    history = [e.action for e in app.queries.history(bench.projects["p1"], bench.ids["k"])]
    assert history.count("seminar.scored") == 6 and history[-1] == "remediation.resolved"
    assert app.queries.verify_audit().fault is None


def test_the_database_refuses_a_second_group_a_second_grade_and_a_second_regrade(
    app: Patok, clock: SettableClock
) -> None:
    bench = build(app, clock)
    with app.engine.unit_of_work() as uow:
        cohort_id = uow.cohorts.by_code(COHORT).id
        group_two = uow.benchmarking.groups(cohort_id or 0)[1].id
    with pytest.raises(AlreadyExists), app.engine.unit_of_work(write=True) as uow:
        uow.benchmarking.add_member(group_two, cohort_id or 0, bench.projects["p1"])  # p1 is in I
    session = app.seminars.create(
        CreateSeminar(actor_id=bench.ids["k"], cohort_code=COHORT, kind=SeminarKind.DESIGN, starts_at=app.engine.clock.now(), examiners=("x1@uji.go.id",))
    )  # fmt: skip
    app.seminars.schedule(ScheduleSeminar(actor_id=bench.ids["k"], session_id=session.id, participants=("p1@uji.go.id",)))  # fmt: skip
    now = clock.now()
    with app.engine.unit_of_work(write=True) as uow:
        (entry,) = uow.seminars.entries([session.id])
        uow.seminars.set_grade(entry.id, "kurang_memuaskan", 50.0, bench.ids["x1"], now)
        rid = uow.seminars.open_remediation(
            entry.id, bench.projects["p1"], RemediationKind.REVISION, now
        )
        uow.commit()
    with pytest.raises(ConflictError), app.engine.unit_of_work(write=True) as uow:
        uow.seminars.set_grade(entry.id, "memuaskan", 85.0, bench.ids["x1"], now)
    with pytest.raises(ConflictError), app.engine.unit_of_work(write=True) as uow:
        uow.seminars.open_remediation(entry.id, bench.projects["p1"], RemediationKind.REVISION, now)
    with app.engine.unit_of_work(write=True) as uow:
        uow.seminars.resolve_remediation(
            rid, RemediationStatus.PASSED, "cukup_memuaskan", False, "", bench.ids["x1"], now
        )
        uow.commit()
    with pytest.raises(ConflictError), app.engine.unit_of_work(write=True) as uow:
        uow.seminars.resolve_remediation(
            rid, RemediationStatus.FAILED, "kurang_memuaskan", False, "", bench.ids["x1"], now
        )
    with pytest.raises(AlreadyExists), app.engine.unit_of_work(write=True) as uow:
        uow.seminars.add_entry(session.id, bench.projects["p1"], bench.ids["x1"])


def test_a_replaced_decision_keeps_only_its_new_milestones_and_a_removed_lesson_takes_its_decision(
    app: Patok, clock: SettableClock
) -> None:
    bench = build(app, clock)
    bench.to_stage("p1", "adoption")
    fulfil(app, bench.projects["p1"], bench.ids["k"])  # three milestones, each lesson adopted
    first = app.content.of_project(bench.projects["p1"], bench.ids["p1"]).lessons[0]
    app.content.decide(
        DecideAdoption(actor_id=bench.ids["p1"], lesson_id=first.id, kind=AdoptionKind.ADAPT, rationale="Skala", changes="Satu bidang", milestones=(2, 3))
    )  # fmt: skip
    view = app.content.of_project(bench.projects["p1"], bench.ids["p1"])
    numbers = {m.id: m.number for m in view.milestones}
    decision = next(d for d in view.decisions if d.lesson_id == first.id)
    assert (decision.kind, sorted(numbers[m] for m in decision.milestone_ids)) == (
        AdoptionKind.ADAPT,
        [2, 3],
    )
    with pytest.raises(GuardFailed, match="Lessons can be changed only"):
        app.content.remove_lesson(RemoveLesson(actor_id=bench.ids["p1"], lesson_id=first.id))

    bench.to_stage("p2", "lesson_synthesis")
    lesson = app.content.record_lesson(
        RecordLesson(actor_id=bench.ids["p2"], project_id=bench.projects["p2"], host="mdn-bappeda", practice="e-Kinerja", evidence="Aplikasi", success_key="Atasan memverifikasi", lesson="Kinerja harian")
    )  # fmt: skip
    app.content.decide(
        DecideAdoption(actor_id=bench.ids["p2"], lesson_id=lesson.id, kind=AdoptionKind.NOT_ADOPT, rationale="Belum ada jaringan")
    )  # fmt: skip
    app.content.remove_lesson(RemoveLesson(actor_id=bench.ids["p2"], lesson_id=lesson.id))
    view = app.content.of_project(bench.projects["p2"], bench.ids["p2"])
    assert (view.lessons, view.decisions) == ([], [])
    assert app.queries.verify_audit().fault is None
