"""Extensions: a participant asks for a later deadline; the mentor or a coordinator decides.

A granted extension moves the stage's deadline to the end of the new working day, starts a new
cycle of the participant's clock (so pending reminders and escalations follow the new date) and
resolves the escalations the old date had raised. Request and decision are each one transaction
with an audit entry on the project's chain.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from structlog.contextvars import bound_contextvars

from domain import policy
from domain.commands import DecideExtension, RequestExtension
from domain.deadlines import Clock
from domain.errors import ConflictError, GuardFailed, ValidationFailed
from domain.model import Gate
from domain.roles import Action
from states.engine import CommandResult, Engine
from states.lifecycle import split_state
from states.ports import ProjectView, StageClocks

log = structlog.get_logger("patok.extensions")
_RUNNING = (Gate.DRAFTING, Gate.CHANGES_REQUESTED)


class Extensions:
    """Extension requests and decisions through the engine's units of work."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def request(self, cmd: RequestExtension) -> CommandResult:
        """The participant asks for a new deadline on the current stage."""
        engine = self._engine
        now = engine.clock.now()
        with engine.unit_of_work(write=True) as uow:
            view = uow.projects.load(cmd.project_id, cmd.actor_id)
            with bound_contextvars(
                cohort=view.cohort_code, project=view.project_id, actor=cmd.actor_id
            ):
                _require(view, cmd.actor_id, Action.REQUEST_EXTENSION)
                if cmd.expected_version is not None and cmd.expected_version != view.version:
                    raise ConflictError(
                        f"Proyek {view.project_id} sudah berubah (versi {view.version})",
                        f"Project {view.project_id} has changed (version {view.version})",
                    )
                _participant_clock_running(view)
                if not cmd.reason.strip():
                    raise GuardFailed("Alasan perpanjangan wajib diisi", "A reason is required")
                _check_new_date(engine, view, cmd.new_due_date, now)
                ext_id = uow.projects.add_extension(
                    view.stage_id, view.project_id, cmd.actor_id, now, cmd.reason, cmd.new_due_date
                )
                payload: dict[str, Any] = {
                    "stage": view.stage,
                    "extension": ext_id,
                    "reason": cmd.reason,
                    "new_due_date": cmd.new_due_date.isoformat(),
                    "due_at": view.due_at.isoformat(),
                }
                engine.record(
                    uow, view, cmd.actor_id, now, view.state, "extension.requested", payload
                )
                uow.commit()
                log.info("command.applied", action="extension.requested", extension=ext_id)
        return CommandResult(
            view.project_id,
            view.cohort_id,
            "extension.requested",
            view.state,
            view.version + 1,
            payload,
        )

    def decide(self, cmd: DecideExtension) -> CommandResult:
        """The mentor or a coordinator grants or refuses a pending request."""
        engine = self._engine
        now = engine.clock.now()
        with engine.unit_of_work(write=True) as uow:
            ext = uow.projects.extension(cmd.extension_id)
            view = uow.projects.load(ext.project_id, cmd.actor_id)
            with bound_contextvars(
                cohort=view.cohort_code, project=view.project_id, actor=cmd.actor_id
            ):
                _require(view, cmd.actor_id, Action.DECIDE_EXTENSION)
                if ext.status != "pending":
                    raise ConflictError(
                        f"Permohonan {ext.id} sudah diputuskan ({ext.status})",
                        f"Request {ext.id} was already decided ({ext.status})",
                    )
                if not cmd.grant and not cmd.note.strip():
                    raise GuardFailed("Penolakan wajib disertai alasan", "A refusal needs a reason")
                if cmd.grant:  # a refusal is always possible; a grant only while it still applies
                    if ext.stage_instance_id != view.stage_id:
                        raise GuardFailed(
                            f"Permohonan {ext.id} untuk tahap yang sudah lewat; hanya dapat ditolak",
                            f"Request {ext.id} is for a stage the project has left; it can only "
                            "be refused",
                        )
                    _participant_clock_running(view)
                    _check_new_date(engine, view, ext.new_due_date, now)
                payload: dict[str, Any] = {
                    "stage": view.stage,
                    "extension": ext.id,
                    "note": cmd.note,
                }
                clocks: StageClocks | None = None
                if cmd.grant:
                    calendar = engine.calendar(view.timezone)
                    due = calendar.end_of_day(ext.new_due_date)
                    cycle = view.participant_cycle + 1
                    stage = engine.programme(uow, view.programme_checksum).stage(view.stage)
                    check = engine.first_check(
                        stage, view.timezone, Clock.PARTICIPANT, cycle, due, now
                    )
                    clocks = replace(
                        view.clocks,
                        due_at=due,
                        participant_cycle=cycle,
                        participant_clock_at=now,
                        next_check_at=check,
                    )
                    payload |= {"from_due_at": view.due_at.isoformat(), "due_at": due.isoformat()}
                status = "granted" if cmd.grant else "refused"
                event = f"extension.{status}"
                engine.record(uow, view, cmd.actor_id, now, view.state, event, payload, clocks)
                uow.projects.decide_extension(ext.id, status, cmd.actor_id, now, cmd.note)
                if clocks is not None:  # after the project row: the writers' lock order
                    uow.alerts.resolve(view.stage_id, Clock.PARTICIPANT.value, now)
                uow.commit()
                log.info("command.applied", action=event, extension=ext.id)
        return CommandResult(
            view.project_id, view.cohort_id, event, view.state, view.version + 1, payload
        )


def _require(view: ProjectView, actor_id: int, action: Action) -> None:
    target = f"proyek {view.project_id}"
    policy.require(view.relations, Action.VIEW_PROJECT, actor=f"person {actor_id}", target=target)
    policy.require(view.relations, action, actor=f"person {actor_id}", target=target)


def _participant_clock_running(view: ProjectView) -> None:
    _, gate = split_state(view.state)
    if gate not in _RUNNING:
        raise GuardFailed(
            f"Perpanjangan hanya untuk tahap yang sedang disusun atau diperbaiki; status: {view.state}",
            f"An extension applies only while a stage is drafted or revised; state: {view.state}",
        )


MAX_EXTENSION = timedelta(days=366)
"""A new deadline is at most this long after the current one (or today, if later)."""


def _check_new_date(engine: Engine, view: ProjectView, new_day: date, now: datetime) -> None:
    """A new deadline must be a working day after both the current deadline and today, and at
    most a year after the later of them."""
    calendar = engine.calendar(view.timezone)
    current = calendar.local_date(view.due_at)
    floor = max(current, calendar.local_date(now))
    if new_day > floor + MAX_EXTENSION:
        latest = floor + MAX_EXTENSION
        raise ValidationFailed(
            f"Tanggal baru paling lambat {latest} (satu tahun setelah {floor})",
            f"The new date can be at most {latest} (a year after {floor})",
            latest=latest.isoformat(),
        )
    if new_day <= floor or not calendar.is_working_day(new_day):
        earliest = calendar.add_working_days(floor, 1)
        raise ValidationFailed(
            f"Tanggal baru harus hari kerja setelah tenggat sekarang ({current}) dan hari ini; "
            f"paling cepat {earliest}",
            f"The new date must be a working day after the current deadline ({current}) and "
            f"today; the earliest is {earliest}",
            earliest=earliest.isoformat(),
        )
