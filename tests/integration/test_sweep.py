"""The sweep on real databases: reminders and escalation ladders fall due on the right working
day in the cohort's zone, each is raised once, the approver's time is not the participant's, and
alerts resolve themselves when the late submission or decision arrives."""

from __future__ import annotations

import multiprocessing
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from adapters.bootstrap import Patok
from adapters.clock import SettableClock
from adapters.db.orm import AlertRow, OutboxRow
from adapters.demo_data import seed001_roster
from domain.commands import RequestChanges, SubmitStage
from tests.integration.helpers import (
    add_organiser,
    make_cohort,
    programme_of,
    small_roster,
    uploads_for,
)
from tests.integration.sweep_worker import sweep_at

WIT = ZoneInfo("Asia/Jayapura")


def wit(day: int, hour: int = 8, minute: int = 0, month: int = 3) -> datetime:
    """An instant in March 2026, Jayapura time."""
    return datetime(2026, month, day, hour, minute, tzinfo=WIT)


def outbox(app: Patok) -> list[OutboxRow]:
    assert app.database is not None
    with app.database.connect() as conn:
        return list(conn.execute(select(OutboxRow).order_by(OutboxRow.id)).all())  # type: ignore[arg-type]


def count(app: Patok, table: type[AlertRow] | type[OutboxRow]) -> int:
    assert app.database is not None
    with app.database.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def cohort(app: Patok) -> tuple[int, int]:
    """A PIM III cohort on WIT from Monday 2 March 2026; (organiser, first project)."""
    organiser = add_organiser(app)
    first, *_ = make_cohort(app, organiser, "SW-1", small_roster())
    return organiser, first


# Diagnosis in PIM III: 6 working days from Monday 2 March 09:00 WIT -> due Tuesday 10 March
# 23:59:59 WIT. Reminders 3 and 1 working days before at 08:00 (Thu 5, Mon 9 March); escalations
# +1 coach (Wed 11), +3 coordinator (Fri 13), +5 head of agency (Tue 17: Nyepi, Idul Fitri and
# their cuti bersama only start on the 18th).
LADDER = [
    (wit(5), "reminder", 3, "participant"),
    (wit(9), "reminder", 1, "participant"),
    (wit(11), "escalation", 1, "coach"),
    (wit(13), "escalation", 2, "coordinator"),
    (wit(17), "escalation", 3, "agency_head"),
]


def test_reminders_and_the_escalation_ladder_fall_due_at_8_in_the_cohorts_zone_on_working_days(
    app: Patok, cohort: tuple[int, int]
) -> None:
    _, project = cohort
    for at, kind, rung, notify in LADDER:
        early = app.sweeper.sweep(at.replace(hour=7, minute=59))
        assert [r for r in early.raised if r.project_id == project] == []
        report = app.sweeper.sweep(at)
        mine = [r for r in report.raised if r.project_id == project]
        assert [(r.kind, r.level, r.notify) for r in mine] == [(kind, rung, notify)], at
    rows = [r for r in outbox(app) if r.project_id == project]
    reminders = [r for r in rows if r.kind == "reminder"]
    assert {r.address for r in reminders} == {"ismail.tuakia@sbbkab.go.id"}
    assert "10-03-2026 23:59 WIT" in reminders[0].subject
    coach_mail = next(r for r in rows if r.kind == "escalation")
    assert coach_mail.address == "abraham.latupeirissa@bpsdm.malukuprov.go.id"
    assert "Ismail Tuakia" in coach_mail.body and "terlambat 1 hari kerja" in coach_mail.body
    assert coach_mail.body.rstrip().endswith(f"/projects/{project}")
    # level 2 goes to every coordinator of the cohort; no head of agency is set, so level 3 too
    coordinators = {r.address for r in rows if r.kind == "escalation"} - {coach_mail.address}
    assert "koordinator@bpsdm.example.go.id" in coordinators


def test_a_second_sweep_raises_nothing_and_a_late_sweep_sends_no_stale_reminders(
    app: Patok, cohort: tuple[int, int]
) -> None:
    _, project = cohort
    late = app.sweeper.sweep(wit(30))
    kinds = sorted((r.kind, r.level) for r in late.raised if r.project_id == project)
    assert kinds == [("escalation", 1), ("escalation", 2), ("escalation", 3)]
    alerts, queued = count(app, AlertRow), count(app, OutboxRow)
    again = app.sweeper.sweep(wit(30))
    assert again.raised == [] and again.checked == 0
    assert (count(app, AlertRow), count(app, OutboxRow)) == (alerts, queued)


def test_the_approvers_time_is_not_counted_against_the_participant(
    app: Patok, cohort: tuple[int, int], clock: SettableClock
) -> None:
    _, project = cohort
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project, 0)
    clock.set(wit(9, 10))  # submitted the day before the deadline
    app.engine.submit(
        SubmitStage(
            actor_id=view.participant_id,
            project_id=project,
            artifacts=uploads_for(programme_of(app, project), "diagnosis"),
        )
    )
    # decision due 2 working days later (Wed 11 March 23:59 WIT); the mentor sits on it
    report = app.sweeper.sweep(wit(12))
    mine = [(r.clock, r.level, r.notify) for r in report.raised if r.project_id == project]
    assert mine == [("approver", 1, "coach")]
    second = [r for r in app.sweeper.sweep(wit(13)).raised if r.project_id == project]
    assert [(r.clock, r.level, r.notify) for r in second] == [("approver", 2, "coordinator")]
    # changes requested on Monday 16 March: the participant gets 3 working days from then,
    # which skip 18-24 March (Nyepi, Idul Fitri, cuti bersama): due Thursday 26 March
    clock.set(wit(16, 10))
    result = app.engine.request_changes(
        RequestChanges(actor_id=view.mentor_id, project_id=project, comment="Lengkapi data")
    )
    assert result.payload["due_at"].startswith("2026-03-26T14:59:59")
    with app.engine.unit_of_work() as uow:
        open_approver = uow.alerts.listing(None, "escalation", None, True)
    assert [a for a in open_approver if a.project_id == project] == []
    quiet = app.sweeper.sweep(wit(26, 23)).raised
    assert [r for r in quiet if r.project_id == project and r.kind == "escalation"] == []
    escalated = app.sweeper.sweep(wit(27))
    assert [(r.clock, r.level) for r in escalated.raised if r.project_id == project] == [
        ("participant", 1)
    ]


def test_an_escalation_resolves_itself_when_the_late_report_arrives(
    app: Patok, cohort: tuple[int, int], clock: SettableClock
) -> None:
    _, project = cohort
    app.sweeper.sweep(wit(11))
    with app.engine.unit_of_work() as uow:
        opened = [
            a for a in uow.alerts.listing(None, "escalation", None, True) if a.project_id == project
        ]
        view = uow.projects.load(project, 0)
    assert len(opened) == 1
    clock.set(wit(12, 9))
    app.engine.submit(
        SubmitStage(
            actor_id=view.participant_id,
            project_id=project,
            artifacts=uploads_for(programme_of(app, project), "diagnosis"),
        )
    )
    with app.engine.unit_of_work() as uow:
        still = [
            a for a in uow.alerts.listing(None, "escalation", None, True) if a.project_id == project
        ]
        done = [
            a
            for a in uow.alerts.listing(None, "escalation", None, False)
            if a.project_id == project
        ]
    assert still == [] and len(done) == 1 and done[0].resolved_at == wit(12, 9)
    later = app.sweeper.sweep(wit(13))
    assert [r for r in later.raised if r.project_id == project and r.clock == "participant"] == []


def test_two_sweeps_running_at_once_in_separate_processes_raise_each_alert_once(
    app: Patok, database_url: str
) -> None:
    organiser = add_organiser(app)
    roster = seed001_roster()
    for n in range(3):
        make_cohort(app, organiser, f"SWC-{n}", roster)
    assert app.database is not None
    app.database.dispose()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    now = wit(17).isoformat()
    workers = [
        ctx.Process(target=sweep_at, args=(database_url, now, barrier, results)) for _ in range(2)
    ]
    for w in workers:
        w.start()
    got = [results.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    # 120 projects, each past its diagnosis deadline by 5 working days: escalation levels 1-3
    assert sum(raised for raised, _ in got) == 120 * 3
    assert count(app, AlertRow) == 120 * 3
    with app.database.connect() as conn:
        dupes = conn.execute(
            select(OutboxRow.dedupe_key).group_by(OutboxRow.dedupe_key).having(func.count() > 1)
        ).all()
    assert dupes == []
    assert count(app, OutboxRow) == sum(queued for _, queued in got)


def test_a_submission_racing_a_sweep_leaves_no_open_escalation_and_the_decision_clock_running(
    app: Patok, cohort: tuple[int, int], clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from states.sweep import Sweeper

    _, project = cohort
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project, 0)
    files = uploads_for(programme_of(app, project), "diagnosis")
    app.sweeper.sweep(wit(11, 9))
    app.sweeper.sweep(wit(13, 9))  # escalations 1 and 2 raised: the participant is late
    original = Sweeper._batch_of
    racer: list[threading.Thread] = []

    def batch_with_a_racing_submission(self: Sweeper, uow: object, *args: object) -> object:
        clock.set(wit(17, 7))
        thread = threading.Thread(
            target=app.engine.submit,
            args=(SubmitStage(actor_id=view.participant_id, project_id=project, artifacts=files),),
        )
        thread.start()  # it commits while this sweep is between its read and its writes
        racer.append(thread)
        time.sleep(0.5)
        return original(self, uow, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Sweeper, "_batch_of", batch_with_a_racing_submission)
    app.sweeper.sweep(wit(17, 9))
    monkeypatch.undo()
    racer[0].join(timeout=60)
    with app.engine.unit_of_work() as uow:
        stage = uow.projects.stages(project)[-1]
        still_open = [
            a
            for a in uow.alerts.listing(None, "escalation", None, True)
            if a.project_id == project and a.clock == "participant"
        ]
    assert stage.gate.value == "submitted"
    assert still_open == []  # whatever the sweep raised, the submission resolved it
    assert stage.next_check_at is not None  # the approver's clock runs
    late_decision = app.sweeper.sweep(wit(31, 9)).raised
    assert [(r.clock, r.level) for r in late_decision if r.project_id == project] == [
        ("approver", 1),
        ("approver", 2),
    ]


# --- the head of the organising agency, and recipients named in words ----------------------------

AGENCY_HEAD = "Kepala.Badan@BPSDM.malukuprov.go.id"
INTERNAL_CODES = ("agency_head", "kepada coach)", "kepada coordinator", "to the coordinator")


def test_level_3_reaches_the_head_of_the_organising_agency_once_a_coordinator_sets_one(
    app: Patok, cohort: tuple[int, int]
) -> None:
    organiser, project = cohort
    stored = app.cohorts.set_agency_head(organiser, "SW-1", AGENCY_HEAD)
    assert stored == "kepala.badan@bpsdm.malukuprov.go.id"  # normalised
    report = app.sweeper.sweep(wit(17))
    level3 = [r for r in report.raised if r.level == 3]
    assert {r.project_id for r in level3} >= {project}
    assert all(r.recipients == [stored] for r in level3)
    rows = [r for r in outbox(app) if r.project_id == project and r.kind == "escalation"]
    (to_head,) = [r for r in rows if r.address == stored]
    assert to_head.person_id is None and to_head.status == "pending"
    assert "kepada kepala instansi penyelenggara)" in to_head.body
    assert "Eskalasi tingkat 3" in to_head.subject
    for row in rows:
        assert not any(code in row.body or code in row.subject for code in INTERNAL_CODES)


def test_without_a_head_of_agency_level_3_goes_to_the_coordinators_and_says_why(
    app: Patok, cohort: tuple[int, int]
) -> None:
    _, project = cohort
    report = app.sweeper.sweep(wit(17))
    (level3,) = [r for r in report.raised if r.project_id == project and r.level == 3]
    assert level3.notify == "agency_head"
    assert "koordinator@bpsdm.example.go.id" in level3.recipients
    rows = [r for r in outbox(app) if r.project_id == project and r.kind == "escalation"]
    fallback = [r for r in rows if "tingkat 3" in r.subject]
    assert {r.address for r in fallback} == set(level3.recipients)
    assert all(
        "kepada koordinator angkatan, karena kepala instansi penyelenggara belum ditetapkan"
        in r.body
        for r in fallback
    )
    coach = next(r for r in rows if "tingkat 1" in r.subject)
    assert "kepada coach (widyaiswara))" in coach.body
    for row in rows:
        assert not any(code in row.body or code in row.subject for code in INTERNAL_CODES)


def test_only_a_coordinator_sets_the_head_of_agency_to_a_valid_address_and_it_is_audited(
    app: Patok, cohort: tuple[int, int]
) -> None:
    from domain.errors import Forbidden, ValidationFailed

    organiser, project = cohort
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project, 0)
        cohort_id = view.cohort_id
    before = app.queries.verify_audit().entries
    with pytest.raises(Forbidden):
        app.cohorts.set_agency_head(view.mentor_id, "SW-1", AGENCY_HEAD)
    for bad in ("kepala badan", "kepala@", "x" * 250 + "@a.go.id"):
        with pytest.raises(ValidationFailed, match="e-mail"):
            app.cohorts.set_agency_head(organiser, "SW-1", bad)
    assert app.cohorts.agency_heads([cohort_id]) == {cohort_id: None}
    assert app.queries.verify_audit().entries == before  # nothing stored
    app.cohorts.set_agency_head(organiser, "SW-1", "kepala.lama@malukuprov.go.id")
    app.cohorts.set_agency_head(organiser, "SW-1", AGENCY_HEAD)
    assert app.cohorts.agency_heads([cohort_id]) == {cohort_id: AGENCY_HEAD.lower()}
    audit = app.queries.verify_audit()
    assert audit.fault is None and audit.entries == before + 2
    with app.engine.unit_of_work() as uow:
        entries = uow.audit.stream(f"cohort:{cohort_id}")
    assert [e.action for e in entries[-2:]] == ["cohort.agency_head_set"] * 2
    assert '"previous":"kepala.lama@malukuprov.go.id"' in entries[-1].payload_json


# --- Apprise ------------------------------------------------------------------------------------


def test_with_apprise_urls_set_each_alert_is_queued_once_per_url_and_no_url_is_stored(
    app: Patok, cohort: tuple[int, int]
) -> None:
    from adapters.notify.sweeping import build_sweeper
    from adapters.settings import Settings

    urls = ["tgram://123456:rahasia-bot/-100200300", "json://127.0.0.1:9/patok"]
    sweeper = build_sweeper(app.engine, Settings(apprise_urls=urls, lang="en"))
    report = sweeper.sweep(wit(11))
    assert report.raised
    again = sweeper.sweep(wit(11))
    assert again.raised == []
    rows = [r for r in outbox(app) if r.channel == "apprise"]
    assert len(rows) == len(report.raised) * len(urls)
    by_alert: dict[int | None, set[str]] = {}
    for r in rows:
        by_alert.setdefault(r.alert_id, set()).add(r.address)
    assert set(by_alert) == {r.alert_id for r in report.raised}
    assert all(addresses == set(sweeper.apprise_targets) for addresses in by_alert.values())
    assert all(r.address.startswith("configured:") and r.status == "pending" for r in rows)
    assert not any("rahasia" in (r.address + r.dedupe_key + r.payload) for r in rows)
    assert all(r.lang == "en" and r.subject.startswith("[patok] Escalation level 1") for r in rows)
    assert report.queued == count(app, OutboxRow)
