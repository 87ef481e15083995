"""The deadline planner (pure): when reminders and escalations fall due, in which zone, on which
working day, and which of them are still worth raising."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from adapters.programmes import builtin_programmes
from domain.calendar import WorkingDayCalendar
from domain.deadlines import (
    AlertKind,
    Clock,
    first_check,
    first_check_at,
    plan_alerts,
    split_due,
    worth_raising,
)
from domain.programme import get_programme

STAGE = get_programme("PIM3", builtin_programmes()).stage(
    "diagnosis"
)  # reminders [3, 1]; +1 coach, +3, +5


@pytest.mark.parametrize(
    ("zone", "utc_hour"), [("Asia/Jakarta", 1), ("Asia/Makassar", 0), ("Asia/Jayapura", 23)]
)
def test_alerts_fall_due_at_8_local_time_in_each_of_the_three_zones(
    zone: str, utc_hour: int
) -> None:
    calendar = WorkingDayCalendar(zone)
    due = calendar.end_of_day(datetime(2026, 6, 10).date())  # Wednesday
    opened = datetime(2026, 6, 1, tzinfo=UTC)
    planned = plan_alerts(STAGE, calendar, Clock.PARTICIPANT, 1, due, opened)
    assert [(a.kind, a.rung, a.notify) for a in planned] == [
        (AlertKind.REMINDER, 3, "participant"),
        (AlertKind.REMINDER, 1, "participant"),
        (AlertKind.ESCALATION, 1, "coach"),
        (AlertKind.ESCALATION, 2, "coordinator"),
        (AlertKind.ESCALATION, 3, "agency_head"),
    ]
    assert all(a.at.astimezone(ZoneInfo(zone)).hour == 8 for a in planned)
    assert planned[2].at.astimezone(UTC).hour == utc_hour


def test_reminders_and_ladder_skip_nyepi_idul_fitri_and_cuti_bersama() -> None:
    calendar = WorkingDayCalendar("Asia/Jakarta")
    due = calendar.end_of_day(datetime(2026, 3, 17).date())  # Tuesday before the holidays
    planned = plan_alerts(
        STAGE, calendar, Clock.PARTICIPANT, 1, due, datetime(2026, 3, 2, tzinfo=UTC)
    )
    days = {
        (a.kind.value, a.rung): a.at.astimezone(calendar.tz).date().isoformat() for a in planned
    }
    assert days == {
        ("reminder", 3): "2026-03-12",
        ("reminder", 1): "2026-03-16",
        ("escalation", 1): "2026-03-25",  # 18-24 March: cuti bersama, Nyepi, Idul Fitri
        ("escalation", 2): "2026-03-27",
        ("escalation", 3): "2026-03-31",
    }


def test_reminders_before_the_clock_started_are_left_out() -> None:
    calendar = WorkingDayCalendar("Asia/Jayapura")
    due = calendar.end_of_day(datetime(2026, 6, 10).date())
    started = datetime(2026, 6, 8, 3, 0, tzinfo=UTC)  # Monday 12:00 WIT: 2 working days left
    planned = plan_alerts(STAGE, calendar, Clock.PARTICIPANT, 2, due, started)
    assert [(a.kind, a.rung) for a in planned if a.kind is AlertKind.REMINDER] == [
        (AlertKind.REMINDER, 1)
    ]
    assert all(a.cycle == 2 for a in planned)
    assert first_check(planned) == planned[0].at


def test_the_approver_clock_has_its_own_ladder_and_no_reminders() -> None:
    calendar = WorkingDayCalendar("Asia/Jayapura")
    decision_due = calendar.end_of_day(datetime(2026, 6, 10).date())
    planned = plan_alerts(
        STAGE, calendar, Clock.APPROVER, 1, decision_due, datetime(2026, 6, 8, tzinfo=UTC)
    )
    assert [(a.kind, a.rung, a.notify) for a in planned] == [
        (AlertKind.ESCALATION, 1, "coach"),
        (AlertKind.ESCALATION, 2, "coordinator"),
    ]


def test_a_late_sweep_raises_every_due_escalation_but_only_the_latest_reminder_before_the_deadline() -> (
    None
):
    calendar = WorkingDayCalendar("Asia/Jayapura")
    due = calendar.end_of_day(datetime(2026, 6, 10).date())
    planned = plan_alerts(
        STAGE, calendar, Clock.PARTICIPANT, 1, due, datetime(2026, 6, 1, tzinfo=UTC)
    )
    before_deadline = datetime(2026, 6, 10, 0, 0, tzinfo=UTC)  # both reminders due
    now_due, next_at = split_due(planned, before_deadline)
    assert [a.rung for a in worth_raising(now_due, before_deadline)] == [1]
    assert next_at == planned[2].at
    much_later = datetime(2026, 7, 1, tzinfo=UTC)
    now_due, next_at = split_due(planned, much_later)
    assert [(a.kind, a.rung) for a in worth_raising(now_due, much_later)] == [
        (AlertKind.ESCALATION, 1),
        (AlertKind.ESCALATION, 2),
        (AlertKind.ESCALATION, 3),
    ]
    assert next_at is None


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"])
@pytest.mark.parametrize("clock", list(Clock))
def test_the_direct_first_check_equals_the_earliest_planned_alert(zone: str, clock: Clock) -> None:
    calendar = WorkingDayCalendar(zone)
    for programme in ("PKA", "PKP", "PKN2", "PIM3", "PIM4"):
        for stage in get_programme(programme, builtin_programmes()).stages:
            for day in range(1, 28, 3):
                due = calendar.end_of_day(datetime(2026, 3, day).date())
                for started_day in (1, day):
                    started = datetime(2026, 3, started_day, 2, tzinfo=UTC)
                    planned = plan_alerts(stage, calendar, clock, 1, due, started)
                    assert first_check_at(stage, calendar, clock, due, started) == first_check(
                        planned
                    )
