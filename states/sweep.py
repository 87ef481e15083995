"""The sweep: finds what is due for a reminder or an escalation, records each exactly once and
queues its notifications in the same transaction.

Only stage instances whose ``next_check_at`` has come are read (an indexed range scan), so a sweep
costs what is due, not what exists. Each alert is inserted under a unique key (stage instance,
kind, clock, cycle, rung); notifications are queued only for alerts this sweep actually inserted,
so sweeps that overlap, repeat or die half-way raise nothing twice and lose nothing.

Each raised alert is queued to its people by e-mail (held for the daily digest of mentors,
coaches and coordinators who chose one), and, when configured, to the webhook (one signed JSON
POST) and to every Apprise URL (one chat message each, referred to by :func:`apprise_address`), all
in the sweep's transaction and each under its own dedupe key. A level whose recipient is missing
(no coach assigned, no head of the organising agency set for the cohort) goes to the cohort's
coordinators, and the message says so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog

from domain.calendar import WorkingDayCalendar
from domain.deadlines import (
    AlertKind,
    Clock,
    PlannedAlert,
    plan_alerts,
    split_due,
    worth_raising,
)
from domain.model import Gate, Person
from domain.roles import Role
from states.engine import Engine
from states.messages import MessageContext, render
from states.notices import apprise_address
from states.ports import DueStage, OutboxMessage, UnitOfWork

log = structlog.get_logger("patok.sweep")


@dataclass(frozen=True, slots=True)
class Raised:
    """One alert a sweep recorded."""

    alert_id: int
    cohort: str
    project_id: int
    participant: str
    stage: str
    kind: str
    clock: str
    level: int
    notify: str
    due_at: datetime
    recipients: list[str]

    def as_dict(self) -> dict[str, Any]:
        """The alert as plain data (for JSON output, artifacts and events)."""
        return {
            "alert_id": self.alert_id,
            "cohort": self.cohort,
            "project_id": self.project_id,
            "participant": self.participant,
            "stage": self.stage,
            "kind": self.kind,
            "clock": self.clock,
            "level": self.level,
            "notify": self.notify,
            "due_at": self.due_at.isoformat(),
            "recipients": list(self.recipients),
        }


@dataclass(slots=True)
class SweepReport:
    """What a sweep looked at and what it raised."""

    now: datetime
    checked: int = 0
    raised: list[Raised] = field(default_factory=list)
    queued: int = 0

    @property
    def reminders(self) -> int:
        """How many reminders were raised."""
        return sum(1 for r in self.raised if r.kind == AlertKind.REMINDER.value)

    @property
    def escalations(self) -> int:
        """How many escalations were raised."""
        return sum(1 for r in self.raised if r.kind == AlertKind.ESCALATION.value)


def _coordinators(uow: UnitOfWork, cohort_ids: set[int]) -> dict[int, list[int]]:
    """The coordinators of each cohort a batch touches: one query, not one per cohort (a batch of
    due stages may span hundreds of cohorts)."""
    return uow.cohorts.coordinators(sorted(cohort_ids))


def active_clock(
    d: DueStage, decision_days: int, calendar: WorkingDayCalendar
) -> tuple[Clock, int, datetime, datetime] | None:
    """(clock, cycle, deadline, started) of the clock running on a stage, or None if none runs."""
    if d.gate in (Gate.DRAFTING, Gate.CHANGES_REQUESTED):
        return Clock.PARTICIPANT, d.participant_cycle, d.due_at, d.participant_clock_at
    if d.gate is Gate.SUBMITTED and d.submitted_at is not None:
        deadline = d.decision_due_at or calendar.deadline(d.submitted_at, decision_days)
        return Clock.APPROVER, max(d.submission_number, 1), deadline, d.submitted_at
    return None


class Sweeper:
    """Runs sweeps through the engine's units of work."""

    def __init__(
        self,
        engine: Engine,
        *,
        public_url: str = "http://127.0.0.1:8000",
        webhook_url: str | None = None,
        apprise_urls: Sequence[str] = (),
        chat_lang: str = "id",
        batch: int = 1000,
    ) -> None:
        self._engine = engine
        self._public_url = public_url.rstrip("/")
        self._webhook_url = webhook_url
        self._apprise = sorted({apprise_address(u) for u in apprise_urls if u.strip()})
        self._chat_lang = "en" if chat_lang == "en" else "id"
        self._batch = batch

    @property
    def apprise_targets(self) -> list[str]:
        """The outbox addresses of the configured Apprise URLs (see :func:`apprise_address`)."""
        return list(self._apprise)

    def sweep(self, now: datetime | None = None) -> SweepReport:
        """Raise everything due at ``now`` (default: the engine's clock), batch by batch."""
        now = now or self._engine.clock.now()
        report = SweepReport(now)
        while True:
            with self._engine.unit_of_work(write=True) as uow:
                due = uow.alerts.due(now, self._batch)
                if not due:
                    break
                messages = self._batch_of(uow, due, now, report)
                report.queued += uow.alerts.enqueue(messages, now)
                uow.commit()
            report.checked += len(due)
            if len(due) < self._batch:
                break
        log.info(
            "sweep.done",
            checked=report.checked,
            reminders=report.reminders,
            escalations=report.escalations,
            queued=report.queued,
        )
        return report

    def _batch_of(
        self, uow: UnitOfWork, due: list[DueStage], now: datetime, report: SweepReport
    ) -> list[OutboxMessage]:
        plans: list[tuple[DueStage, list[PlannedAlert]]] = []
        for d in due:
            programme = self._engine.programme(uow, d.programme_checksum)
            stage = programme.stage(d.stage)
            calendar = self._engine.calendar(d.timezone)
            running = active_clock(d, stage.decision_working_days, calendar)
            if running is None:
                uow.alerts.set_next_check(d.stage_id, None)
                continue
            clock, cycle, deadline, started = running
            planned = plan_alerts(stage, calendar, clock, cycle, deadline, started)
            now_due, next_at = split_due(planned, now)
            uow.alerts.set_next_check(d.stage_id, next_at)
            plans.append((d, worth_raising(now_due, now)))
        ids = {p for d, _ in plans for p in (d.participant_id, d.mentor_id, d.coach_id) if p}
        coordinators = _coordinators(uow, {d.cohort_id for d, _ in plans})
        for of_cohort in coordinators.values():
            ids.update(of_cohort)
        people = uow.people.many(sorted(ids))
        messages: list[OutboxMessage] = []
        for d, alerts in plans:
            calendar = self._engine.calendar(d.timezone)
            for a in alerts:
                alert_id = uow.alerts.raise_alert(
                    d.stage_id,
                    d.project_id,
                    d.cohort_id,
                    a.kind.value,
                    a.clock.value,
                    a.cycle,
                    a.rung,
                    a.notify,
                    a.due_at,
                    now,
                )
                if alert_id is None:
                    continue  # recorded already, by an earlier or a concurrent sweep
                recipients, audience = self._recipients(a, d, people, coordinators[d.cohort_id])
                participant = people[d.participant_id]
                days = (
                    calendar.working_days_between(
                        calendar.local_date(now), calendar.local_date(a.due_at)
                    )
                    if a.kind is AlertKind.REMINDER
                    else calendar.working_days_late(a.due_at, now)
                )
                ctx = MessageContext(
                    alert=a,
                    stage=d.stage,
                    cohort_code=d.cohort_code,
                    timezone=d.timezone,
                    participant_name=participant.name,
                    participant_nip=participant.nip,
                    project_id=d.project_id,
                    submission_number=d.submission_number,
                    working_days=days,
                    link=f"{self._public_url}/projects/{d.project_id}",
                    audience=audience,
                )
                for person, address in recipients:
                    lang = person.lang if person is not None else "id"
                    subject, body = render(ctx, lang)
                    pid = None if person is None else person.id
                    messages.append(
                        OutboxMessage(
                            kind=a.kind.value,
                            alert_id=alert_id,
                            cohort_id=d.cohort_id,
                            project_id=d.project_id,
                            person_id=pid,
                            channel="email",
                            address=address,
                            lang=lang,
                            subject=subject,
                            body=body,
                            payload="{}",
                            dedupe_key=f"alert:{alert_id}:email:{address}",
                            held=person is not None and person.digest and a.notify != "participant",
                        )
                    )
                if self._webhook_url:
                    subject, body = render(ctx, "en")
                    payload = {
                        "event": f"patok.{a.kind.value}.raised",
                        "alert_id": alert_id,
                        "cohort": d.cohort_code,
                        "project_id": d.project_id,
                        "stage": d.stage,
                        "clock": a.clock.value,
                        "level": a.rung,
                        "notify": a.notify,
                        "due_at": a.due_at.isoformat(),
                        "raised_at": now.isoformat(),
                        "participant": {"name": participant.name, "nip": participant.nip},
                        "subject": subject,
                    }
                    messages.append(
                        OutboxMessage(
                            kind=a.kind.value,
                            alert_id=alert_id,
                            cohort_id=d.cohort_id,
                            project_id=d.project_id,
                            person_id=None,
                            channel="webhook",
                            address=self._webhook_url,
                            lang="en",
                            subject=subject,
                            body=body,
                            payload=json.dumps(payload, sort_keys=True),
                            dedupe_key=f"alert:{alert_id}:webhook",
                        )
                    )
                if self._apprise:
                    subject, body = render(ctx, self._chat_lang)
                    messages += [
                        OutboxMessage(
                            kind=a.kind.value,
                            alert_id=alert_id,
                            cohort_id=d.cohort_id,
                            project_id=d.project_id,
                            person_id=None,
                            channel="apprise",
                            address=target,
                            lang=self._chat_lang,
                            subject=subject,
                            body=body,
                            payload="{}",
                            dedupe_key=f"alert:{alert_id}:apprise:{target}",
                        )
                        for target in self._apprise
                    ]
                report.raised.append(
                    Raised(
                        alert_id,
                        d.cohort_code,
                        d.project_id,
                        participant.name,
                        d.stage,
                        a.kind.value,
                        a.clock.value,
                        a.rung,
                        a.notify,
                        a.due_at,
                        [addr for _, addr in recipients],
                    )
                )
        return messages

    @staticmethod
    def _recipients(
        a: PlannedAlert, d: DueStage, people: dict[int, Person], coordinators: list[int]
    ) -> tuple[list[tuple[Person | None, str]], str]:
        """Who an alert goes to — one entry per address (a person in two roles gets one) — and
        as whom (``coordinator`` when the rung's own recipient is missing)."""
        chosen: list[Person | None] = []
        extra: list[str] = []
        audience = a.notify
        if a.notify == "participant":
            chosen.append(people.get(d.participant_id))
        elif a.notify == Role.MENTOR.value:
            chosen.append(people.get(d.mentor_id))
        elif a.notify == Role.COACH.value and d.coach_id is not None:
            chosen.append(people.get(d.coach_id))
        elif a.notify == "agency_head" and d.agency_head_email:
            extra.append(d.agency_head_email)
        if a.notify == Role.COORDINATOR.value or (not chosen and not extra):
            # no coach assigned, no head of agency set: the cohort's coordinators take it
            chosen = [people.get(pid) for pid in coordinators]
            audience = Role.COORDINATOR.value
        seen: set[str] = set()
        out: list[tuple[Person | None, str]] = []
        for person in chosen:
            if person is not None and person.email not in seen:
                seen.add(person.email)
                out.append((person, person.email))
        for address in extra:
            if address not in seen:
                seen.add(address)
                out.append((None, address))
        return out, audience
