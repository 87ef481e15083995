"""The benchmarking services (planning, project content, seminars, reports) and the submit guard,
wired through the real bootstrap onto the in-memory fakes.

"Stores nothing" is checked on the fake store as a whole: the shared state's generation (how many
units of work committed) does not move.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest

from adapters.bootstrap import bootstrap
from adapters.clock import SettableClock
from adapters.programmes import builtin_programmes
from adapters.settings import Settings
from domain.bench_commands import (
    AddAgendaItem,
    AddMilestone,
    ChangeGroup,
    CreateSeminar,
    DecideAdoption,
    FormGroup,
    GradeSeminar,
    ImportPlan,
    PlanVisit,
    RecordHost,
    RecordLesson,
    RegradeRemediation,
    RemoveLesson,
    ReportMilestone,
    ScheduleSeminar,
    ScoreSeminar,
    UploadGroupReport,
)
from domain.benchmarking import AgendaSpec, GroupSpec, HostSpec, VisitSpec
from domain.commands import SubmitStage
from domain.content import AdoptionKind, MilestoneStatus, MilestoneTerm
from domain.errors import (
    AlreadyExists,
    ConflictError,
    DomainError,
    Forbidden,
    GuardFailed,
    NotFound,
    PlanError,
    ValidationFailed,
)
from domain.model import ArtifactUpload
from domain.seminars import RemediationKind, RemediationStatus, SeminarKind
from domain.visit_plan import parse_plan
from tests.bench_world import COHORT, OTHER, PDF, Bench, build
from tests.fakes import FakeUnitOfWorkFactory

MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 09:00 WIT


@pytest.fixture
def bench() -> Iterator[Bench]:
    clock = SettableClock(MONDAY)
    factory = FakeUnitOfWorkFactory()
    app = bootstrap(Settings(), clock=clock, uow_factory=factory)
    yield build(app, clock)
    app.close()


def generation(bench: Bench) -> int:
    factory = bench.app.uow_factory
    assert isinstance(factory, FakeUnitOfWorkFactory)
    return factory.state.generation


def refuses(
    bench: Bench, error: type[DomainError], action: object, *args: object, **kwargs: object
) -> DomainError:
    """Run ``action(*args, **kwargs)``, expect ``error``, and check that nothing was stored."""
    before = generation(bench)
    with pytest.raises(error) as caught:
        action(*args, **kwargs)  # type: ignore[operator]
    assert generation(bench) == before, "a refused command stored something"
    assert caught.value.message_id and caught.value.message_en
    return caught.value


def visit(code: str, start: date, end: date, **fields: object) -> VisitSpec:
    return VisitSpec(code=code, start=start, end=end, **fields)  # type: ignore[arg-type]


def plan_visit(bench: Bench, spec: VisitSpec) -> object:
    return bench.app.planning.plan_visit(
        PlanVisit(actor_id=bench.ids["k"], cohort_code=COHORT, visit=spec)
    )


# -- planning: hosts, groups, visits ---------------------------------------------------------------


def test_a_coordinator_plans_hosts_groups_and_a_visit_recorded_in_the_cohort_stream(
    bench: Bench,
) -> None:
    outcome = bench.app.planning.plan_visit(
        PlanVisit(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            visit=VisitSpec(
                code="MDN",
                groups=("I", "II"),
                companions=("m1@uji.go.id", "k@uji.go.id"),
                agenda=(
                    AgendaSpec(day=date(2026, 4, 13), host="mdn-bappeda", group="I", topic="Paparan", starts=time(9), ends=time(12)),
                    AgendaSpec(day=date(2026, 4, 15), host="mdn-bkpsdm", group="II", topic="Observasi"),
                ),
            ),
        )
    )  # fmt: skip
    assert outcome.visits == ["MDN"] and outcome.warnings_en == []
    overview = bench.app.planning.overview(COHORT, bench.ids["p1"])  # anyone in the cohort
    (v,) = overview.visits
    assert (v.host_agency, v.city, v.timezone) == (
        "Pemerintah Kota Medan",
        "Kota Medan",
        "Asia/Jakarta",
    )
    assert (v.start_date, v.end_date) == (date(2026, 4, 13), date(2026, 4, 15))
    assert set(v.participant_ids) == {bench.projects[n] for n in ("p1", "p2", "p3")}
    assert {(c.person_id, c.role) for c in v.companions} == {
        (bench.ids["m1"], "mentor"),
        (bench.ids["k"], "coordinator"),
    }
    assert [g.code for g in overview.groups] == ["I", "II"]
    with bench.app.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(COHORT)
        actions = [e.action for e in uow.audit.stream(f"cohort:{cohort.id}")]
    assert actions == [
        "cohort.created",
        "roster.imported",
        "host.recorded",
        "host.recorded",
        "group.formed",
        "group.formed",
        "visit.planned",
    ]
    assert bench.app.queries.verify_audit().fault is None


@pytest.mark.parametrize("who", ["m1", "c1", "x1", "p1", "k2"])
def test_only_the_cohorts_coordinator_may_plan_benchmarking(bench: Bench, who: str) -> None:
    host = HostSpec(code="x", agency="a", unit="u", city="c", timezone="WIB")
    refuses(
        bench,
        Forbidden,
        bench.app.planning.record_host,
        RecordHost(actor_id=bench.ids[who], cohort_code=COHORT, host=host),
    )


def test_a_host_code_the_cohort_has_is_refused(bench: Bench) -> None:
    error = refuses(
        bench,
        ValidationFailed,
        bench.app.planning.record_host,
        RecordHost(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            host=HostSpec(code="mdn-bappeda", agency="a", unit="u", city="c", timezone="WIB"),
        ),
    )
    assert "host partner 'mdn-bappeda' is already recorded in this cohort" in error.message_en


def test_a_group_with_no_members_is_refused_and_stores_nothing(bench: Bench) -> None:
    error = refuses(
        bench,
        ValidationFailed,
        bench.app.planning.form_group,
        FormGroup(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            group=GroupSpec(code="III", theme="UMKM", where={"members": ("--member", "--member")}),
        ),
    )
    assert error.message_en == (
        "Refused, nothing was stored: --member: group III has no members; name at least one "
        "participant"
    )
    assert error.message_id.startswith("Ditolak, tidak ada yang disimpan: --member: kelompok III")


def test_a_member_of_another_group_or_someone_not_a_participant_is_named(bench: Bench) -> None:
    error = refuses(
        bench,
        ValidationFailed,
        bench.app.planning.form_group,
        FormGroup(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            group=GroupSpec(
                code="III",
                theme="UMKM",
                members=("p1@uji.go.id", "m1@uji.go.id", "p4@uji.go.id", "p4@uji.go.id"),
                hosts=("mdn-dinsos",),
            ),
        ),
    )
    problems = error.details["problems"]
    assert problems == [
        "Uji P1 is already a member of group I",
        "m1@uji.go.id is not a participant of cohort BENCH-1",
        "Uji P4 is listed twice in group III",
        "unknown host partner 'mdn-dinsos'; known: mdn-bappeda, mdn-bkpsdm",
    ]


def test_changing_a_group_moves_members_and_hosts_but_never_empties_it(bench: Bench) -> None:
    planning = bench.app.planning
    changed = planning.change_group(
        ChangeGroup(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            code="II",
            theme="Tema baru",
            add_members=("p4@uji.go.id",),
            add_hosts=("mdn-bappeda",),
            remove_hosts=("mdn-bkpsdm",),
        )
    )
    assert set(changed.member_ids) == {bench.projects["p3"], bench.projects["p4"]}
    assert changed.theme == "Tema baru"
    error = refuses(
        bench,
        ValidationFailed,
        planning.change_group,
        ChangeGroup(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            code="I",
            remove_members=("p1@uji.go.id", "p2@uji.go.id"),
        ),
    )
    assert "group I may not be left with no members" in error.message_en
    refuses(
        bench,
        ValidationFailed,
        planning.change_group,
        ChangeGroup(
            actor_id=bench.ids["k"], cohort_code=COHORT, code="I", add_members=("p3@uji.go.id",)
        ),
    )
    refuses(
        bench,
        NotFound,
        planning.change_group,
        ChangeGroup(actor_id=bench.ids["k"], cohort_code=COHORT, code="IX", theme="x"),
    )


def test_a_participant_booked_on_two_overlapping_visits_is_refused(bench: Bench) -> None:
    plan_visit(bench, visit("MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",), host_agency="Pemkot Medan", city="Medan"))  # fmt: skip
    error = refuses(
        bench,
        ValidationFailed,
        plan_visit,
        bench,
        visit("BGR", date(2026, 4, 15), date(2026, 4, 16), participants=("p2@uji.go.id", "p4@uji.go.id"), host_agency="Pemerintah Kota Bogor", city="Kota Bogor"),
    )  # fmt: skip
    assert error.details["problems"] == [
        "Uji P2 is already booked on visit MDN (13-04-2026 to 15-04-2026), whose days overlap "
        "visit BGR (15-04-2026 to 16-04-2026)"
    ]
    # the next day is fine, and p4 was never booked
    plan_visit(
        bench,
        visit("BGR", date(2026, 4, 16), date(2026, 4, 17), participants=("p2@uji.go.id", "p4@uji.go.id"), host_agency="Pemerintah Kota Bogor", city="Kota Bogor"),
    )  # fmt: skip


def test_visit_days_on_a_holiday_or_weekend_at_the_host_are_warnings_not_refusals(
    bench: Bench,
) -> None:
    outcome = bench.app.planning.plan_visit(
        PlanVisit(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            visit=visit("MDN", date(2026, 3, 19), date(2026, 3, 21), groups=("II",), host_agency="Pemerintah Kota Medan", city="Kota Medan", timezone="WIB"),
        )
    )  # fmt: skip
    assert outcome.visits == ["MDN"]
    assert [w.split(": ", 1)[1][:10] for w in outcome.warnings_en] == [
        "19-03-2026",
        "20-03-2026",
        "21-03-2026",
    ]
    assert outcome.warnings_en[2] == "visit MDN: 21-03-2026 is a Saturday (weekend)"
    assert outcome.warnings("id")[2] == "kunjungan MDN: 21-03-2026 adalah hari Sabtu (akhir pekan)"


def test_companions_are_the_cohorts_staff_not_participants(bench: Bench) -> None:
    error = refuses(
        bench,
        ValidationFailed,
        plan_visit,
        bench,
        visit("MDN", date(2026, 4, 13), date(2026, 4, 14), groups=("I",), companions=("p4@uji.go.id",), host_agency="Pemkot Medan", city="Medan"),
    )  # fmt: skip
    assert (
        "p4@uji.go.id is not among the coaches, coordinators, examiners or mentors of cohort BENCH-1"
        in (error.message_en)
    )


def test_agenda_items_fall_within_the_visit_days_at_a_known_host(bench: Bench) -> None:
    plan_visit(bench, visit("MDN", date(2026, 4, 13), date(2026, 4, 14), groups=("I",), host_agency="Pemkot Medan", city="Medan"))  # fmt: skip
    add = bench.app.planning.add_agenda_item
    updated = add(
        AddAgendaItem(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            visit_code="MDN",
            item=AgendaSpec(day=date(2026, 4, 14), host="mdn-bkpsdm", topic="Wawancara", group="I"),
        )
    )
    assert [a.topic for a in updated.agenda] == ["Wawancara"]
    error = refuses(
        bench,
        ValidationFailed,
        add,
        AddAgendaItem(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            visit_code="MDN",
            item=AgendaSpec(day=date(2026, 4, 20), host="nowhere", topic="x"),
        ),
    )
    assert error.details["problems"] == [
        "unknown host partner 'nowhere'; known: mdn-bappeda, mdn-bkpsdm",
        "day 2026-04-20 is outside the visit's dates (2026-04-13 to 2026-04-14)",
    ]


def test_a_plan_file_with_problems_names_each_line_and_field_and_imports_nothing(
    bench: Bench,
) -> None:
    text = (
        "hosts:\n"  # 1
        "  - {code: mdn-dinsos, agency: Pemerintah Kota Medan, unit: Dinas Sosial, city: Kota Medan, timezone: WIB}\n"  # 2
        "  - {code: mdn-bappeda, agency: Pemkot, unit: Bappeda, city: Medan, timezone: WIB}\n"  # 3
        "groups:\n"  # 4
        "  - code: III\n"  # 5
        "    theme: UMKM\n"  # 6
        "    hosts: [mdn-dinsos]\n"  # 7
        "    members: [p4@uji.go.id, orang@lain.go.id]\n"  # 8
        "visits:\n"  # 9
        "  - code: MDN\n"  # 10
        "    groups: [III, IX]\n"  # 11
        "    agenda:\n"  # 12
        "      - {date: 2026-04-13, host: mdn-dinsos, group: III, topic: Paparan}\n"  # 13
        "      - {date: 2026-04-14, host: mdn-perindag, topic: Observasi}\n"  # 14
    )
    plan = parse_plan(text, "yaml", "rencana.yaml")
    error = refuses(
        bench,
        PlanError,
        bench.app.planning.import_plan,
        ImportPlan(actor_id=bench.ids["k"], cohort_code=COHORT, plan=plan),
    )
    assert error.details["problems"] == [
        "rencana.yaml hosts[1].code (line 3): host partner 'mdn-bappeda' is already recorded in this cohort",
        "rencana.yaml groups[0].members (line 8): orang@lain.go.id is not a participant of cohort BENCH-1",
        "rencana.yaml visits[0].agenda[1].host (line 14): unknown host partner 'mdn-perindag'; known: mdn-bappeda, mdn-bkpsdm, mdn-dinsos",
        "rencana.yaml visits[0].groups (line 11): unknown group 'IX'; known: I, II, III",
    ]  # fmt: skip
    assert error.message_en.startswith("Benchmarking plan refused, nothing was stored: ")


def test_a_csv_plans_problems_name_the_line_that_gave_each_participant_group_and_city(
    bench: Bench,
) -> None:
    """A visit spans several lines; each refusal points at the line the value came from."""
    text = (
        "visit,date,host,topic,group,participants,companions,city,timezone\n"  # 1
        "MDN,2026-04-13,mdn-bappeda,Paparan,I,p1@uji.go.id,,,\n"  # 2
        "MDN,2026-04-14,mdn-bappeda,Observasi,IX,orang@lain.go.id,m9@uji.go.id,Kota Medan,WIX\n"  # 3
    )
    plan = parse_plan(text, "csv", "rencana.csv")
    error = refuses(
        bench,
        PlanError,
        bench.app.planning.import_plan,
        ImportPlan(actor_id=bench.ids["k"], cohort_code=COHORT, plan=plan),
    )
    problems = error.details["problems"]
    assert all("line 3" in p for p in problems), problems
    assert {p.split(":")[0] for p in problems} == {
        "rencana.csv line 3, column group",
        "rencana.csv line 3, column participants",
        "rencana.csv line 3, column companions",
        "rencana.csv line 3, column timezone",
    }


def test_a_whole_plan_imports_in_one_transaction_with_one_audit_entry(bench: Bench) -> None:
    text = (
        "hosts:\n"
        "  - {code: mdn-dinsos, agency: Pemerintah Kota Medan, unit: Dinas Sosial, city: Kota Medan, timezone: WIB}\n"
        "groups:\n"
        "  - {code: III, theme: UMKM, hosts: [mdn-dinsos], members: [p4@uji.go.id]}\n"
        "visits:\n"
        "  - code: MDN\n"
        "    groups: [I, II, III]\n"
        "    agenda:\n"
        "      - {date: 2026-04-13, host: mdn-dinsos, group: III, topic: Paparan}\n"
        "      - {date: 2026-04-14, host: mdn-bappeda, group: I, topic: Observasi}\n"
    )
    before = generation(bench)
    outcome = bench.app.planning.import_plan(
        ImportPlan(
            actor_id=bench.ids["k"], cohort_code=COHORT, plan=parse_plan(text, "yaml", "r.yaml")
        )
    )
    assert generation(bench) == before + 1
    assert (outcome.hosts, outcome.groups, outcome.visits) == (["mdn-dinsos"], ["III"], ["MDN"])
    (v,) = bench.app.planning.overview(COHORT, bench.ids["k"]).visits
    assert len(v.participant_ids) == 4 and len(v.agenda) == 2


# -- group reports and the benchmarking submission -------------------------------------------------


def test_a_member_uploads_the_group_report_and_each_upload_is_a_new_version(bench: Bench) -> None:
    bench.group_report("p1")
    bench.group_report("k")  # a coordinator may too
    overview = bench.app.planning.overview(COHORT, bench.ids["k"])
    assert [(r.number, r.uploaded_by) for r in overview.reports] == [
        (1, bench.ids["p1"]),
        (2, bench.ids["k"]),
    ]


@pytest.mark.parametrize("who", ["p3", "m1", "q1"])
def test_someone_outside_the_group_may_not_upload_its_report(bench: Bench, who: str) -> None:
    refuses(bench, Forbidden, bench.group_report, who)


@pytest.mark.parametrize(
    ("filename", "media_type", "content", "why"),
    [
        ("kelompok.txt", "text/plain", b"laporan", "type text/plain is not allowed"),
        (
            "kelompok.pdf",
            "application/pdf",
            b"bukan pdf",
            "its content is not a application/pdf file",
        ),
    ],
)
def test_a_group_report_file_of_the_wrong_type_is_refused(
    bench: Bench, filename: str, media_type: str, content: bytes, why: str
) -> None:
    error = refuses(
        bench,
        GuardFailed,
        bench.app.planning.upload_group_report,
        UploadGroupReport(
            actor_id=bench.ids["p1"],
            cohort_code=COHORT,
            group_code="I",
            upload=ArtifactUpload(kind="laporan_benchmarking_kelompok", filename=filename, media_type=media_type, content=content),
        ),
    )  # fmt: skip
    assert why in error.message_en


def test_an_individual_report_is_not_a_group_report(bench: Bench) -> None:
    error = refuses(
        bench,
        GuardFailed,
        bench.app.planning.upload_group_report,
        UploadGroupReport(
            actor_id=bench.ids["p1"],
            cohort_code=COHORT,
            group_code="I",
            upload=ArtifactUpload(kind="laporan_benchmarking_individu", filename="a.pdf", media_type="application/pdf", content=PDF),
        ),
    )  # fmt: skip
    assert (
        "is not a group report; this programme's group reports: laporan_benchmarking_kelompok"
        in (error.message_en)
    )


def test_benchmarking_is_submitted_with_the_individual_report_and_the_groups_report(
    bench: Bench,
) -> None:
    bench.to_stage("p1", "benchmarking")
    error = refuses(bench, GuardFailed, bench.submit, "p1", group_report=False)
    assert error.message_en == (
        "Required artifacts are missing: laporan_benchmarking_kelompok (laporan_benchmarking_kelompok"
        " is the group's report: upload it to the group with 'patok group report', or attach it)"
    )
    refuses(
        bench,
        GuardFailed,
        bench.app.engine.submit,
        SubmitStage(actor_id=bench.ids["p1"], project_id=bench.projects["p1"]),
    )
    bench.group_report("p2")
    submitted = bench.submit("p1", group_report=False)
    assert submitted.state == "benchmarking.submitted"
    assert [a["kind"] for a in submitted.payload["artifacts"]] == ["laporan_benchmarking_individu"]
    assert [(r["kind"], r["version"]) for r in submitted.payload["group_reports"]] == [
        ("laporan_benchmarking_kelompok", 1)
    ]


def test_a_participant_without_a_group_attaches_the_group_report_themself(bench: Bench) -> None:
    bench.to_stage("p4", "benchmarking")
    refuses(bench, GuardFailed, bench.submit, "p4", group_report=False)
    assert bench.submit("p4").state == "benchmarking.submitted"


# -- lessons, decisions, milestones -------------------------------------------------------------------


def lesson_cmd(bench: Bench, nick: str = "p1", **overrides: object) -> RecordLesson:
    fields: dict[str, object] = {
        "actor_id": bench.ids[nick],
        "project_id": bench.projects[nick],
        "host": "mdn-bappeda",
        "practice": "e-Planning terintegrasi",
        "location": "Bidang Perencanaan",
        "evidence": "Dokumen RKPD",
        "success_key": "Komitmen wali kota",
        "lesson": "Perencanaan berbasis data",
    } | overrides
    return RecordLesson.model_validate(fields)


def test_lesson_synthesis_is_not_submitted_without_the_lessons_the_programme_requires(
    bench: Bench,
) -> None:
    bench.to_stage("p1", "lesson_synthesis")
    bench.app.content.record_lesson(lesson_cmd(bench))
    error = refuses(
        bench,
        GuardFailed,
        bench.app.engine.submit,
        SubmitStage(
            actor_id=bench.ids["p1"],
            project_id=bench.projects["p1"],
            artifacts=bench.uploads("lesson_synthesis"),
        ),
    )
    assert error.message_en == (
        "The stage's content is incomplete: the lesson register holds 1 lesson(s), at least 2 "
        "are needed"
    )
    assert error.message_id.startswith("Isi tahap belum lengkap: register pembelajaran berisi 1")
    bench.app.content.record_lesson(lesson_cmd(bench, practice="Musrenbang daring"))
    assert bench.submit("p1").state == "lesson_synthesis.submitted"


def test_a_lesson_without_a_host_practice_is_refused_and_stores_nothing(bench: Bench) -> None:
    bench.to_stage("p1", "benchmarking")
    error = refuses(
        bench,
        ValidationFailed,
        bench.app.content.record_lesson,
        lesson_cmd(bench, host="", practice=""),
    )
    assert error.message_en == (
        "Lesson refused, nothing was stored: host: required: the host partner where the "
        "practice was observed; practice: required: the observed best practice (what)"
    )
    error = refuses(
        bench, ValidationFailed, bench.app.content.record_lesson, lesson_cmd(bench, host="bgr-x")
    )
    assert "host partner 'bgr-x' is not known in this cohort" in error.message_en


def test_a_lesson_traces_to_a_host_the_participant_visited_with_their_group_or_a_visit(
    bench: Bench,
) -> None:
    bench.to_stage("p1", "benchmarking")
    error = refuses(
        bench,
        ValidationFailed,
        bench.app.content.record_lesson,
        lesson_cmd(bench, host="mdn-bkpsdm"),  # group II's host; p1 is in group I
    )
    assert (
        "host partner 'mdn-bkpsdm' was not visited by this participant (not a host of their "
        "group or their visits); visited: mdn-bappeda" in error.message_en
    )
    assert bench.app.content.record_lesson(lesson_cmd(bench)).number == 1  # group I's host
    plan_visit(bench, visit("MDN", date(2026, 4, 13), date(2026, 4, 14), groups=("I",), host_agency="Pemerintah Kota Medan", city="Kota Medan", timezone="WIB", agenda=(AgendaSpec(day=date(2026, 4, 14), host="mdn-bkpsdm", topic="Observasi"),)))  # fmt: skip
    assert bench.app.content.record_lesson(lesson_cmd(bench, host="mdn-bkpsdm")).number == 2
    bench.to_stage("p4", "benchmarking")  # p4: no group, no visit — patok cannot tell
    assert bench.app.content.record_lesson(lesson_cmd(bench, "p4", host="mdn-bkpsdm")).number == 1


def test_lessons_are_the_participants_own_and_only_in_their_stages(bench: Bench) -> None:
    refuses(bench, GuardFailed, bench.app.content.record_lesson, lesson_cmd(bench))  # diagnosis
    bench.to_stage("p1", "benchmarking")
    for who in ("m1", "c1", "k", "p2"):
        refuses(
            bench,
            Forbidden,
            bench.app.content.record_lesson,
            lesson_cmd(bench).model_copy(update={"actor_id": bench.ids[who]}),
        )
    recorded = bench.app.content.record_lesson(lesson_cmd(bench))
    assert (recorded.event, recorded.number) == ("lesson.recorded", 1)
    assert recorded.version == bench.version("p1")
    with bench.app.engine.unit_of_work() as uow:
        last = uow.audit.stream(f"project:{bench.projects['p1']}")[-1]
    assert last.action == "lesson.recorded"
    assert json.loads(last.payload_json)["host"] == "mdn-bappeda"


def test_a_content_write_on_a_moved_project_is_a_conflict(bench: Bench) -> None:
    bench.to_stage("p1", "benchmarking")
    stale = bench.version("p1") - 1
    refuses(
        bench,
        ConflictError,
        bench.app.content.record_lesson,
        lesson_cmd(bench).model_copy(update={"expected_version": stale}),
    )


def two_lessons_and_a_plan(bench: Bench, nick: str = "p1") -> tuple[list[int], list[int]]:
    """Drive ``nick`` to adoption with two lessons; add short, medium and long milestones."""
    bench.to_stage(nick, "lesson_synthesis")
    lessons = [
        bench.app.content.record_lesson(lesson_cmd(bench, nick, practice=f"Praktik {n}")).id
        for n in (1, 2)
    ]
    bench.submit(nick)
    bench.approve(nick)
    milestones = [
        bench.app.content.add_milestone(
            AddMilestone(
                actor_id=bench.ids[nick],
                project_id=bench.projects[nick],
                title=f"Tonggak {term.value}",
                term=term,
                target_date=date(2026, 6, 1) + timedelta(days=90 * n),
            )
        ).id
        for n, term in enumerate(MilestoneTerm)
    ]
    return lessons, milestones


def decide(
    bench: Bench, lesson: int, kind: AdoptionKind, *milestones: int, nick: str = "p1", **fields: str
) -> object:
    return bench.app.content.decide(
        DecideAdoption(
            actor_id=bench.ids[nick],
            lesson_id=lesson,
            kind=kind,
            rationale=fields.get("rationale", "Sesuai kebutuhan"),
            changes=fields.get("changes", ""),
            milestones=milestones,
        )
    )


def test_adoption_needs_a_decision_on_every_lesson_each_adopted_one_linked_to_a_milestone(
    bench: Bench,
) -> None:
    (l1, l2), _ = two_lessons_and_a_plan(bench)
    decide(bench, l1, AdoptionKind.ADOPT)
    error = refuses(
        bench,
        GuardFailed,
        bench.app.engine.submit,
        SubmitStage(actor_id=bench.ids["p1"], project_id=bench.projects["p1"], artifacts=bench.uploads("adoption")),
    )  # fmt: skip
    assert error.details["missing"] == [
        "lesson(s) #2 have no adoption decision yet (adopt/adapt/not adopt)",
        "the decision(s) on lesson(s) #1 are not linked to a milestone of the change plan",
    ]
    decide(bench, l1, AdoptionKind.ADOPT, 1, 2)
    decide(bench, l2, AdoptionKind.NOT_ADOPT, rationale="Infrastruktur belum ada")
    submitted = bench.app.engine.submit(
        SubmitStage(actor_id=bench.ids["p1"], project_id=bench.projects["p1"], artifacts=bench.uploads("adoption"))
    )  # fmt: skip
    assert submitted.state == "adoption.submitted"


def test_an_adoption_decision_on_an_unknown_lesson_or_without_a_rationale_stores_nothing(
    bench: Bench,
) -> None:
    (l1, _), _ = two_lessons_and_a_plan(bench)
    refuses(bench, NotFound, decide, bench, 9999, AdoptionKind.ADOPT)
    error = refuses(
        bench, ValidationFailed, decide, bench, l1, AdoptionKind.ADAPT, 7, rationale=" "
    )
    assert error.details["problems"] == [
        "rationale: required: why it is adapted",
        "changes: required to adapt: what changes from the host's practice",
        "milestones: milestone #7 is not in this project's change plan (#1, #2, #3)",
    ]
    refuses(bench, Forbidden, decide, bench, l1, AdoptionKind.ADOPT, nick="p2")  # not their lesson


def test_deciding_again_replaces_the_decision_and_records_what_it_replaced(bench: Bench) -> None:
    (l1, _), _ = two_lessons_and_a_plan(bench)
    decide(bench, l1, AdoptionKind.ADOPT, 1)
    again = decide(bench, l1, AdoptionKind.ADAPT, 2, 3, changes="Skala satu bidang")
    assert again.payload["replaces"] == "adopt"  # type: ignore[attr-defined]
    view = bench.app.content.of_project(bench.projects["p1"], bench.ids["m1"])
    (decision,) = view.decisions
    numbers = {m.id: m.number for m in view.milestones}
    assert decision.kind is AdoptionKind.ADAPT
    assert [numbers[m] for m in decision.milestone_ids] == [2, 3]


def test_removing_a_lesson_removes_the_decision_on_it(bench: Bench) -> None:
    bench.to_stage("p1", "lesson_synthesis")
    first = bench.app.content.record_lesson(lesson_cmd(bench))
    decide(bench, first.id, AdoptionKind.NOT_ADOPT, rationale="Tidak relevan")
    removed = bench.app.content.remove_lesson(
        RemoveLesson(actor_id=bench.ids["p1"], lesson_id=first.id)
    )
    assert removed.event == "lesson.removed"
    view = bench.app.content.of_project(bench.projects["p1"], bench.ids["p1"])
    assert view.lessons == [] and view.decisions == []


def test_a_milestone_with_a_past_target_or_no_title_is_refused(bench: Bench) -> None:
    two_lessons_and_a_plan(bench)
    error = refuses(
        bench,
        ValidationFailed,
        bench.app.content.add_milestone,
        AddMilestone(actor_id=bench.ids["p1"], project_id=bench.projects["p1"], title="", term=MilestoneTerm.SHORT, target_date=date(2026, 1, 1)),
    )  # fmt: skip
    assert error.details["problems"] == [
        "title: required: what is achieved",
        f"target_date: the target date 2026-01-01 has passed (today is {bench.clock.now().date()})",
    ]


def test_implementation_is_submitted_once_short_term_milestones_are_reported(bench: Bench) -> None:
    (l1, l2), (short, _, _) = two_lessons_and_a_plan(bench)
    decide(bench, l1, AdoptionKind.ADOPT, 1)
    decide(bench, l2, AdoptionKind.ADOPT, 2)
    bench.submit("p1")
    bench.approve("p1")
    assert bench.state("p1") == "implementation.drafting"
    error = refuses(
        bench,
        GuardFailed,
        bench.app.engine.submit,
        SubmitStage(actor_id=bench.ids["p1"], project_id=bench.projects["p1"], artifacts=bench.uploads("implementation")),
    )  # fmt: skip
    assert "milestone(s) #1 are not yet reported done or slipped" in error.message_en
    report = bench.app.content.report_milestone
    refuses(
        bench,
        ValidationFailed,
        report,
        ReportMilestone(actor_id=bench.ids["p1"], milestone_id=short, status=MilestoneStatus.DONE),
    )
    refuses(
        bench,
        ValidationFailed,
        report,
        ReportMilestone(
            actor_id=bench.ids["p1"], milestone_id=short, status=MilestoneStatus.SLIPPED
        ),
    )
    refuses(
        bench,
        Forbidden,
        report,
        ReportMilestone(
            actor_id=bench.ids["m1"], milestone_id=short, status=MilestoneStatus.DONE, evidence="x"
        ),
    )
    done = report(
        ReportMilestone(
            actor_id=bench.ids["p1"],
            milestone_id=short,
            status=MilestoneStatus.DONE,
            evidence="Berita acara",
        )
    )
    assert done.payload["done_on"] == bench.clock.now().date().isoformat()
    assert bench.app.engine.submit(
        SubmitStage(actor_id=bench.ids["p1"], project_id=bench.projects["p1"], artifacts=bench.uploads("implementation"))
    ).state == "implementation.submitted"  # fmt: skip


def test_slipped_milestones_are_seen_by_the_mentor_and_the_coordinator_only(bench: Bench) -> None:
    _, (_, medium, _) = two_lessons_and_a_plan(bench)
    bench.app.content.report_milestone(
        ReportMilestone(actor_id=bench.ids["p1"], milestone_id=medium, status=MilestoneStatus.SLIPPED, note="Anggaran belum ada")
    )  # fmt: skip
    bench.clock.set(datetime(2026, 6, 2, 0, 0, tzinfo=UTC))  # the short-term target has passed
    for who in ("m1", "k"):
        rows = bench.app.content.slipped(bench.ids[who])
        assert [(r.project_id, r.milestone.number, r.reported) for r in rows] == [
            (bench.projects["p1"], 1, False),
            (bench.projects["p1"], 2, True),
        ]
    assert bench.app.content.slipped(bench.ids["m2"]) == []  # not their mentee
    assert bench.app.content.slipped(bench.ids["p1"]) == []
    refuses(bench, Forbidden, bench.app.content.slipped, bench.ids["k2"], COHORT)
    assert bench.app.content.slipped(bench.ids["k2"], OTHER) == []
    board = {r.project_id: r for r in bench.app.queries.board(COHORT, bench.ids["k"]).rows}
    assert board[bench.projects["p1"]].slipped == 2


# -- seminars and grades -------------------------------------------------------------------------------


def session(
    bench: Bench, *examiners: str, kind: SeminarKind = SeminarKind.DESIGN, starts_at: datetime = MONDAY
) -> int:
    """A session of ``examiners``; by default it began at the bench's clock's start."""
    created = bench.app.seminars.create(
        CreateSeminar(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            kind=kind,
            starts_at=starts_at,
            place="Aula",
            examiners=tuple(f"{e}@uji.go.id" for e in examiners),
        )
    )
    return created.id


def score(bench: Bench, sid: int, who: str, value: float, nick: str = "p1") -> object:
    return bench.app.seminars.score(
        ScoreSeminar(
            actor_id=bench.ids[who], session_id=sid, participant=f"{nick}@uji.go.id", score=value
        )
    )


def grade(
    bench: Bench, sid: int, who: str = "x1", nick: str = "p1", value: str | None = None
) -> object:
    return bench.app.seminars.grade(
        GradeSeminar(
            actor_id=bench.ids[who], session_id=sid, participant=f"{nick}@uji.go.id", grade=value
        )
    )


def test_a_session_needs_examiners_of_the_cohort(bench: Bench) -> None:
    error = refuses(bench, ValidationFailed, session, bench, "m1")
    assert "m1@uji.go.id is not among the examiners of cohort BENCH-1" in error.message_en
    refuses(bench, ValidationFailed, session, bench)
    refuses(bench, Forbidden, bench.app.seminars.create, CreateSeminar(actor_id=bench.ids["x1"], cohort_code=COHORT, kind=SeminarKind.FINAL, starts_at=MONDAY, examiners=("x1@uji.go.id",)))  # fmt: skip


def test_participants_go_to_the_least_loaded_examiner_and_an_overload_is_a_warning() -> None:
    clock = SettableClock(MONDAY)
    app = bootstrap(Settings(), clock=clock, uow_factory=FakeUnitOfWorkFactory())
    pim3 = builtin_programmes()["PIM3"]
    light = pim3.model_copy(
        update={
            "version": "2015.1-uji",
            "grading": pim3.grading.model_copy(update={"examiner_load": 1}),
        }
    )
    bench = build(app, clock, programme=light)
    sid = session(bench, "x1", "x2")
    done = bench.app.seminars.schedule(
        ScheduleSeminar(actor_id=bench.ids["k"], session_id=sid, participants=("p1@uji.go.id", "p2@uji.go.id", "p3@uji.go.id"))
    )  # fmt: skip
    assert [e.examiner_id for e in done.entries] == [
        bench.ids["x1"],
        bench.ids["x2"],
        bench.ids["x1"],
    ]
    assert done.warnings_en == [
        f"session {sid}: examiner Uji X1 grades 2 participants, more than 1"
    ]
    (view,) = bench.app.seminars.sessions(COHORT, bench.ids["p4"])
    assert view.load == {bench.ids["x1"]: 2, bench.ids["x2"]: 1}
    assert view.overloaded() == {bench.ids["x1"]: 2}
    refuses(bench, ValidationFailed, bench.app.seminars.schedule, ScheduleSeminar(actor_id=bench.ids["k"], session_id=sid, participants=("p1@uji.go.id",)))  # fmt: skip
    app.close()


def scheduled(bench: Bench, nick: str = "p1", examiner: str = "x1") -> int:
    sid = session(bench, "x1", "x2")
    bench.app.seminars.schedule(
        ScheduleSeminar(actor_id=bench.ids["k"], session_id=sid, participants=(f"{nick}@uji.go.id",), examiner=f"{examiner}@uji.go.id")
    )  # fmt: skip
    return sid


def test_a_score_from_someone_not_on_the_panel_is_refused(bench: Bench) -> None:
    sid = scheduled(bench)
    error = refuses(bench, Forbidden, score, bench, sid, "x2", 80)  # an examiner, not p1's
    assert error.message_en.startswith(
        f"Uji X2 is not on this participant's panel in session {sid}"
    )
    assert "Uji X1 (examiner); Uji M1 (mentor); Uji C1 (coach)" in error.message_en
    refuses(bench, Forbidden, score, bench, sid, "m2", 80)  # another participant's mentor
    refuses(bench, Forbidden, score, bench, sid, "p1", 100)  # the participant themself
    refuses(bench, ValidationFailed, score, bench, sid, "m1", 101)
    refuses(bench, NotFound, score, bench, sid, "m2", 80, "p3")  # p3 is not in the session


def test_no_score_is_given_before_the_session_begins(bench: Bench) -> None:
    sid = session(bench, "x1", starts_at=datetime(2026, 5, 4, 0, 0, tzinfo=UTC))  # 09:00 WIT
    bench.app.seminars.schedule(ScheduleSeminar(actor_id=bench.ids["k"], session_id=sid, participants=("p1@uji.go.id",)))  # fmt: skip
    error = refuses(bench, GuardFailed, score, bench, sid, "x1", 80)
    assert error.message_en == (
        f"Session {sid} starts only at 04-05-2026 09:00 (Asia/Jayapura); scores are given from then"
    )
    bench.clock.set(datetime(2026, 5, 4, 0, 0, tzinfo=UTC))
    assert score(bench, sid, "x1", 80).payload["score"] == 80  # type: ignore[attr-defined]


def test_the_examiner_grades_once_the_whole_panel_scored_and_the_grade_follows_the_bands(
    bench: Bench,
) -> None:
    sid = scheduled(bench)
    score(bench, sid, "x1", 92)
    score(bench, sid, "m1", 70)
    error = refuses(bench, GuardFailed, grade, bench, sid)
    assert error.message_en == "Not every panel member has scored yet; waiting for: Uji C1 (coach)"
    score(bench, sid, "c1", 80)
    again = score(bench, sid, "m1", 88)  # corrected before the grade
    assert again.payload["replaces"] == 70  # type: ignore[attr-defined]
    refuses(bench, Forbidden, grade, bench, sid, "x2")  # not p1's examiner
    refuses(bench, Forbidden, grade, bench, sid, "m1")
    graded = grade(bench, sid)
    assert graded.payload["mean_score"] == 86.67  # type: ignore[attr-defined]
    assert graded.payload["grade"] == "memuaskan"  # type: ignore[attr-defined]
    assert graded.remediation_id is None  # type: ignore[attr-defined]
    refuses(bench, ConflictError, grade, bench, sid)
    refuses(bench, GuardFailed, score, bench, sid, "c1", 95)  # scores are final once graded


def test_a_grade_outside_the_scale_is_refused_and_stores_nothing(bench: Bench) -> None:
    sid = scheduled(bench)
    for who in ("x1", "m1", "c1"):
        score(bench, sid, who, 80)
    error = refuses(bench, ValidationFailed, grade, bench, sid, "x1", "p1", "istimewa")
    assert "Grade 'istimewa' is not on the programme's scale" in error.message_en


def test_kurang_memuaskan_opens_a_remediation_and_withholds_the_certificate_until_a_capped_regrade(
    bench: Bench,
) -> None:
    sid = scheduled(bench)
    for who in ("x1", "m1", "c1"):
        score(bench, sid, who, 60)
    failed = bench.app.seminars.grade(
        GradeSeminar(actor_id=bench.ids["x1"], session_id=sid, participant="p1@uji.go.id", remediation=RemediationKind.MAKE_UP)
    )  # fmt: skip
    assert failed.payload["grade"] == "kurang_memuaskan" and failed.remediation_id is not None
    record = bench.app.seminars.record(bench.projects["p1"], bench.ids["p1"])
    assert record.certificate.status == "withheld"
    assert record.remediations[0].kind is RemediationKind.MAKE_UP
    rid = failed.remediation_id
    regrade = bench.app.seminars.regrade
    error = refuses(bench, GuardFailed, regrade, RegradeRemediation(actor_id=bench.ids["x1"], remediation_id=rid, grade="memuaskan"))  # fmt: skip
    assert (
        error.message_en
        == "A re-grade after remediation is at most 'cukup_memuaskan', not 'memuaskan'"
    )
    refuses(bench, Forbidden, regrade, RegradeRemediation(actor_id=bench.ids["x2"], remediation_id=rid, score=90))  # fmt: skip
    refuses(bench, ValidationFailed, regrade, RegradeRemediation(actor_id=bench.ids["x1"], remediation_id=rid, score=90, grade="cukup_memuaskan"))  # fmt: skip
    done = regrade(RegradeRemediation(actor_id=bench.ids["x1"], remediation_id=rid, score=95, note="Revisi diterima"))  # fmt: skip
    assert (done.payload["grade"], done.payload["capped"], done.payload["status"]) == (
        "cukup_memuaskan",
        True,
        "passed",
    )
    refuses(bench, ConflictError, regrade, RegradeRemediation(actor_id=bench.ids["x1"], remediation_id=rid, score=80))  # fmt: skip
    record = bench.app.seminars.record(bench.projects["p1"], bench.ids["m1"])
    assert record.certificate.status == "pending"  # the final seminar and the project remain
    assert "the design seminar" not in " ".join(record.certificate.reasons_en)
    assert record.remediations[0].status is RemediationStatus.PASSED


def test_a_participant_graded_in_one_session_cannot_be_graded_again_in_another_of_that_kind(
    bench: Bench,
) -> None:
    """The cap on a re-grade holds: a second design seminar is not a way round the remediation."""
    sid = scheduled(bench)
    for who in ("x1", "m1", "c1"):
        score(bench, sid, who, 55)
    assert grade(bench, sid).remediation_id is not None  # type: ignore[attr-defined]
    second = session(bench, "x1", "x2")
    before = bench.app.seminars.sessions(COHORT, bench.ids["k"])
    error = refuses(bench, ValidationFailed, bench.app.seminars.schedule, ScheduleSeminar(actor_id=bench.ids["k"], session_id=second, participants=("p1@uji.go.id", "p2@uji.go.id")))  # fmt: skip
    assert (
        f"Uji P1 is already in session {sid} (design seminar); one design seminar per "
        "participant — a re-grade only through the remediation" in error.message_en
    )
    assert bench.app.seminars.sessions(COHORT, bench.ids["k"]) == before  # p2 not added either
    final = session(bench, "x1", "x2", kind=SeminarKind.FINAL)
    done = bench.app.seminars.schedule(
        ScheduleSeminar(actor_id=bench.ids["k"], session_id=final, participants=("p1@uji.go.id",))
    )
    assert [e.project_id for e in done.entries] == [bench.projects["p1"]]


def test_a_failed_regrade_fails_the_participant(bench: Bench) -> None:
    sid = scheduled(bench)
    for who in ("x1", "m1", "c1"):
        score(bench, sid, who, 50)
    rid = grade(bench, sid).remediation_id  # type: ignore[attr-defined]
    bench.app.seminars.regrade(RegradeRemediation(actor_id=bench.ids["x1"], remediation_id=rid, grade="kurang_memuaskan"))  # fmt: skip
    record = bench.app.seminars.record(bench.projects["p1"], bench.ids["k"])
    assert record.certificate.status == "failed"
    refuses(bench, Forbidden, bench.app.seminars.record, bench.projects["p1"], bench.ids["p2"])


# -- the board and the reports --------------------------------------------------------------------------


def test_the_board_shows_each_participants_group_visit_and_content(bench: Bench) -> None:
    plan_visit(bench, visit("MDN", date(2026, 3, 4), date(2026, 3, 6), groups=("I",), host_agency="Pemkot Medan", city="Medan"))  # fmt: skip
    bench.to_stage("p1", "lesson_synthesis")
    bench.app.content.record_lesson(lesson_cmd(bench))
    bench.clock.set(datetime(2026, 3, 5, 0, 0, tzinfo=UTC))
    rows = {r.project_id: r for r in bench.app.queries.board(COHORT, bench.ids["k"]).rows}
    p1, p3, p4 = (rows[bench.projects[n]] for n in ("p1", "p3", "p4"))
    assert (p1.group, p1.visit, p1.lessons, p1.decided, p1.milestones) == (
        "I",
        "under_way",
        1,
        0,
        0,
    )
    assert (p3.group, p3.visit) == ("II", "")
    assert (p4.group, p4.visit, p4.lessons) == ("", "", 0)
    bench.clock.set(datetime(2026, 3, 9, 0, 0, tzinfo=UTC))
    rows = {r.project_id: r for r in bench.app.queries.board(COHORT, bench.ids["k"]).rows}
    assert rows[bench.projects["p1"]].visit == "done"


def test_the_trace_table_links_practice_lesson_decision_milestone_and_status(bench: Bench) -> None:
    (l1, l2), _ = two_lessons_and_a_plan(bench)
    decide(bench, l1, AdoptionKind.ADOPT, 1, 2)
    decide(bench, l2, AdoptionKind.NOT_ADOPT, rationale="Belum relevan")
    table = bench.app.reports.trace(COHORT, bench.ids["k"])
    assert [
        (r.lesson_number, r.decision, r.milestone_number, r.term, r.status) for r in table.rows
    ] == [
        (1, AdoptionKind.ADOPT, 1, "short", MilestoneStatus.PLANNED),
        (1, AdoptionKind.ADOPT, 2, "medium", MilestoneStatus.PLANNED),
        (2, AdoptionKind.NOT_ADOPT, None, "", None),
    ]
    first = table.rows[0]
    assert (first.group, first.host_code, first.host, first.practice, first.success_key) == (
        "I",
        "mdn-bappeda",
        "Bappeda, Pemerintah Kota Medan",
        "Praktik 1",
        "Komitmen wali kota",
    )
    refuses(bench, Forbidden, bench.app.reports.trace, COHORT, bench.ids["p1"])


def test_the_host_report_counts_the_projects_that_adopted_or_adapted_each_host(
    bench: Bench,
) -> None:
    (l1, l2), _ = two_lessons_and_a_plan(bench, "p1")
    decide(bench, l1, AdoptionKind.ADOPT, 1)
    decide(bench, l2, AdoptionKind.ADAPT, 2, changes="Satu bidang dulu")
    (m1, _), _ = two_lessons_and_a_plan(bench, "p2")
    decide(bench, m1, AdoptionKind.ADOPT, 1, nick="p2")
    report = bench.app.reports.hosts(COHORT, bench.ids["c1"])
    bappeda, bkpsdm = report.rows
    assert (bappeda.host.code, bappeda.groups) == ("mdn-bappeda", ["I"])
    assert (bappeda.projects_learned, bappeda.projects_adopted, bappeda.projects_adapted) == (
        2,
        2,
        1,
    )
    assert [(p.practice, p.lessons, p.adopted, p.adapted) for p in bappeda.practices] == [
        ("Praktik 1", 2, 2, 0),
        ("Praktik 2", 2, 0, 1),
    ]
    assert (bkpsdm.projects_learned, bkpsdm.practices) == (0, [])


def test_a_participants_record_holds_group_visits_lessons_milestones_and_seminars(
    bench: Bench,
) -> None:
    plan_visit(bench, visit("MDN", date(2026, 3, 4), date(2026, 3, 6), groups=("I",), host_agency="Pemkot Medan", city="Medan"))  # fmt: skip
    bench.group_report("p2")
    (l1, _), _ = two_lessons_and_a_plan(bench)
    decide(bench, l1, AdoptionKind.ADOPT, 1)
    bench.clock.set(datetime(2026, 3, 9, 0, 0, tzinfo=UTC))
    record = bench.app.reports.participant(bench.projects["p1"], bench.ids["p1"])
    assert record.group is not None and record.group.code == "I"
    assert [h.code for h in record.group_hosts] == ["mdn-bappeda"]
    assert [r.number for r in record.group_reports] == [1]
    assert [(i.number, i.artifact.kind) for i in record.individual_reports] == [
        (1, "laporan_benchmarking_individu")
    ]  # the group's report, also submitted with the stage, is the group's
    assert [(v.visit.code, v.status.value) for v in record.visits] == [("MDN", "done")]
    assert len(record.lessons) == 2 and set(record.decisions) == {l1}
    assert [m.term for m in record.milestones] == list(MilestoneTerm)
    assert record.seminars.certificate.status == "pending"
    refuses(bench, Forbidden, bench.app.reports.participant, bench.projects["p1"], bench.ids["p3"])
    with (
        pytest.raises(AlreadyExists),  # the fakes mirror the SQL unique key on group members
        bench.app.engine.unit_of_work(write=True) as uow,
    ):
        uow.benchmarking.add_member(1, 1, bench.projects["p1"])
