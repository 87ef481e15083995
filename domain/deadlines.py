"""Deadlines as data: when each reminder and escalation of a stage's clocks falls due.

A stage has two clocks. The participant's runs while the stage is drafted (or being revised) and
ends at ``due_at``; the approver's runs from a submission to the decision and ends at
``decision_due_at``. Each clock has a *cycle*: the participant's starts again when changes are
requested or an extension is granted, the approver's with every submission, so an escalation is
identified by (stage instance, kind, clock, cycle, rung) and raised exactly once.

Reminders fall due at 08:00 local time N working days before the deadline; escalation rung k at
08:00 local time on the working day ``after_working_days`` after the deadline's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from domain.calendar import WorkingDayCalendar
from domain.programme import StageDefinition

NOTIFY_AT = time(8, 0)
"""Local time of day at which reminders and escalations fall due."""


class Clock(StrEnum):
    """Whose time is running on a stage."""

    PARTICIPANT = "participant"
    APPROVER = "approver"


class AlertKind(StrEnum):
    """A reminder before a deadline, or an escalation after it."""

    REMINDER = "reminder"
    ESCALATION = "escalation"


@dataclass(frozen=True, slots=True)
class PlannedAlert:
    """One reminder or escalation of a clock's cycle and when it falls due."""

    kind: AlertKind
    clock: Clock
    cycle: int
    rung: int
    notify: str
    at: datetime
    due_at: datetime


def reminder_at(calendar: WorkingDayCalendar, due_day: date, offset: int) -> datetime:
    """When the reminder ``offset`` working days before ``due_day`` falls due."""
    return datetime.combine(
        calendar.subtract_working_days(due_day, offset), NOTIFY_AT, tzinfo=calendar.tz
    )


def escalation_at(calendar: WorkingDayCalendar, due_day: date, after: int) -> datetime:
    """When the escalation ``after`` working days past ``due_day`` falls due."""
    return datetime.combine(
        calendar.add_working_days(due_day, after), NOTIFY_AT, tzinfo=calendar.tz
    )


def plan_alerts(
    stage: StageDefinition,
    calendar: WorkingDayCalendar,
    clock: Clock,
    cycle: int,
    due_at: datetime,
    started_at: datetime,
) -> list[PlannedAlert]:
    """Every reminder and escalation of one clock cycle, in the order they fall due.

    Reminders that would fall before the clock started are left out (a stage opened with less
    time than the reminder's offset gets no such reminder).
    """
    due_day = calendar.local_date(due_at)
    planned: list[PlannedAlert] = []
    if clock is Clock.PARTICIPANT:
        for offset in stage.reminder_offsets:
            at = reminder_at(calendar, due_day, offset)
            if at > started_at:
                planned.append(
                    PlannedAlert(
                        AlertKind.REMINDER, clock, cycle, offset, "participant", at, due_at
                    )
                )
        ladder = stage.escalation_ladder
    else:
        ladder = stage.approver_escalation
    for level, step in enumerate(ladder, start=1):
        at = escalation_at(calendar, due_day, step.after_working_days)
        planned.append(
            PlannedAlert(AlertKind.ESCALATION, clock, cycle, level, step.notify, at, due_at)
        )
    planned.sort(key=lambda a: a.at)
    return planned


def first_check_at(
    stage: StageDefinition,
    calendar: WorkingDayCalendar,
    clock: Clock,
    due_at: datetime,
    started_at: datetime,
) -> datetime | None:
    """The earliest alert of a clock cycle that starts at ``started_at``, without planning the
    rest: the earliest reminder still ahead (reminders fall before the deadline, escalations after
    it), else the first escalation. Equal to ``first_check(plan_alerts(...))``."""
    due_day = calendar.local_date(due_at)
    if clock is Clock.PARTICIPANT:
        for offset in sorted(stage.reminder_offsets, reverse=True):
            at = reminder_at(calendar, due_day, offset)
            if at > started_at:
                return at
        ladder = stage.escalation_ladder
    else:
        ladder = stage.approver_escalation
    if not ladder:
        return None
    return escalation_at(calendar, due_day, min(step.after_working_days for step in ladder))


def first_check(planned: list[PlannedAlert]) -> datetime | None:
    """When the sweep should first look at a clock cycle: its earliest alert."""
    return planned[0].at if planned else None


def split_due(
    planned: list[PlannedAlert], now: datetime
) -> tuple[list[PlannedAlert], datetime | None]:
    """The alerts due at ``now`` and when the next one after them falls due (None if none)."""
    due = [a for a in planned if a.at <= now]
    later = [a.at for a in planned if a.at > now]
    return due, (min(later) if later else None)


def worth_raising(due: list[PlannedAlert], now: datetime) -> list[PlannedAlert]:
    """Of the alerts due at ``now``, those still worth raising.

    Every due escalation is raised (a coordinator must hear of level 2 even if a sweep ran late);
    of the reminders only the latest, and none once the deadline has passed — a sweep that ran
    late sends no stale reminders.
    """
    escalations = [a for a in due if a.kind is AlertKind.ESCALATION]
    reminders = [a for a in due if a.kind is AlertKind.REMINDER and now <= a.due_at]
    latest = max(reminders, key=lambda a: a.at, default=None)
    return ([latest] if latest is not None else []) + escalations
