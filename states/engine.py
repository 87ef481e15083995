"""The workflow engine: applies commands to change projects, one transaction each.

For every project command the engine loads the project through a unit of work, checks the actor
may see it, fires the lifecycle trigger (whose guards apply the policy and the stage's rules),
then persists the result with an optimistic version check, appends a hash-chained audit entry and
commits. A refused command raises a :class:`~domain.errors.DomainError` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import structlog
from structlog.contextvars import bind_contextvars, reset_contextvars

from domain import policy
from domain.artifacts import check_uploads
from domain.audit import canonical_payload, entry_hash, stream_of_project
from domain.benchmarking import GroupReport
from domain.calendar import WorkingDayCalendar
from domain.commands import (
    ApproveStage,
    ProjectCommand,
    ReopenStage,
    RequestChanges,
    SubmitStage,
    WithdrawProject,
)
from domain.content import ContentFacts, ContentRequirements
from domain.deadlines import Clock, first_check_at
from domain.errors import ConflictError, NotFound
from domain.model import Artifact, Gate, Outcome, Person
from domain.programme import ProgrammeDefinition, StageDefinition
from domain.records import artifact_payload
from domain.roles import Action
from states.lifecycle import COMPLETED, Attempt, Trigger, fire
from states.notices import Notices, Notifier
from states.ports import (
    AuditAppend,
    ProjectView,
    StageClocks,
    UnitOfWork,
    UnitOfWorkFactory,
)
from states.ports import Clock as TimeSource

log = structlog.get_logger("patok.engine")


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What a successful command did: the event recorded and where the project stands now."""

    project_id: int
    cohort_id: int
    event: str
    state: str
    version: int
    payload: dict[str, Any] = field(default_factory=dict)


class Engine:
    """Applies commands through units of work; every door (CLI, API, flows) uses one of these."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: TimeSource, notices: Notifier | None = None
    ) -> None:
        self._uow = uow_factory
        self.clock = clock
        self._notices: Notifier = notices or Notices()
        self._programmes: dict[str, ProgrammeDefinition] = {}
        self._calendars: dict[str, WorkingDayCalendar] = {}

    def unit_of_work(self, *, write: bool = False, consistent: bool = False) -> UnitOfWork:
        """A new unit of work from the engine's factory (``consistent``: one snapshot)."""
        return self._uow(write=write, consistent=consistent)

    def calendar(self, timezone: str) -> WorkingDayCalendar:
        """The working-day calendar of a time zone (built once; calendars are immutable)."""
        cal = self._calendars.get(timezone)
        if cal is None:
            cal = self._calendars[timezone] = WorkingDayCalendar(timezone)
        return cal

    def programme(self, uow: UnitOfWork, checksum: str) -> ProgrammeDefinition:
        """A pinned programme snapshot; cached by checksum, which names immutable content."""
        found = self._programmes.get(checksum)
        if found is None:
            found = self._programmes[checksum] = uow.cohorts.programme(checksum)
        return found

    def resolve_actor(self, ref: str) -> Person:
        """The person an ``--as`` reference (NIP or e-mail) names; raises NotFound."""
        with self.unit_of_work() as uow:
            person = uow.people.find(ref)
        if person is None:
            raise NotFound(
                f"Tidak ada orang dengan NIP atau e-mail '{ref}'",
                f"No person with NIP or e-mail '{ref}'",
                ref=ref,
            )
        return person

    # -- project commands -------------------------------------------------------------------

    def submit(self, cmd: SubmitStage) -> CommandResult:
        """The participant submits the current stage with its artifacts."""
        return self._apply(cmd, Trigger.SUBMIT, text=cmd.note)

    def approve(self, cmd: ApproveStage) -> CommandResult:
        """An approver approves the pending submission; the next stage opens."""
        return self._apply(cmd, Trigger.APPROVE, text=cmd.comment)

    def request_changes(self, cmd: RequestChanges) -> CommandResult:
        """An approver sends the pending submission back with a comment."""
        return self._apply(cmd, Trigger.REQUEST_CHANGES, text=cmd.comment)

    def withdraw(self, cmd: WithdrawProject) -> CommandResult:
        """A coordinator withdraws the project, with a reason."""
        return self._apply(cmd, Trigger.WITHDRAW, text=cmd.reason)

    def reopen(self, cmd: ReopenStage) -> CommandResult:
        """A coordinator reopens an earlier stage, with a reason."""
        return self._apply(cmd, Trigger.REOPEN, text=cmd.reason, target=cmd.stage)

    def _apply(
        self, cmd: ProjectCommand, trigger: Trigger, *, text: str, target: str | None = None
    ) -> CommandResult:
        now = self.clock.now()
        with self.unit_of_work(write=True) as uow:
            view = uow.projects.load(cmd.project_id, cmd.actor_id)
            bound = bind_contextvars(
                cohort=view.cohort_code, project=view.project_id, actor=cmd.actor_id
            )
            try:
                result = self._decide(uow, view, cmd, trigger, now, text, target)
                log.info("command.applied", action=result.event, state=result.state)
            finally:
                reset_contextvars(**bound)
        return result

    def _decide(
        self,
        uow: UnitOfWork,
        view: ProjectView,
        cmd: ProjectCommand,
        trigger: Trigger,
        now: datetime,
        text: str,
        target: str | None,
    ) -> CommandResult:
        """Check, fire, persist and commit one command on a loaded project."""
        label = f"proyek {view.project_id}"
        policy.require(
            view.relations, Action.VIEW_PROJECT, actor=f"person {cmd.actor_id}", target=label
        )
        if cmd.expected_version is not None and cmd.expected_version != view.version:
            raise _moved(view, cmd.expected_version)
        programme = self.programme(uow, view.programme_checksum)
        stage_def = programme.stage(view.stage)
        uploads: list[tuple[Artifact, bytes]] = []
        present: set[str] = set()
        on_file: list[GroupReport] = []
        requirements: ContentRequirements | None = None
        facts: ContentFacts | None = None
        if isinstance(cmd, SubmitStage):
            uploads = check_uploads(programme, cmd.artifacts)
            present = {a.kind for a, _ in uploads}
            on_file = _group_reports(uow, view, programme, stage_def, present)
            present |= {r.kind for r in on_file}
            if not stage_def.requires.is_empty():
                requirements = stage_def.requires
                facts = uow.content.facts(view.project_id)
        attempt = Attempt(
            state=view.state,
            relations=view.relations,
            approvers=frozenset(stage_def.approvers),
            present_artifacts=frozenset(present),
            required_artifacts=tuple(stage_def.required_artifacts),
            text=text,
            target_stage=target,
            requirements=requirements,
            content=facts,
            actor_label=f"person {cmd.actor_id}",
            project_label=label,
            extra={"group_artifacts": {a.code for a in programme.group_artifacts()}}
            if isinstance(cmd, SubmitStage)
            else {},
        )
        new_state = fire(attempt, trigger)
        event, payload, writes = _EFFECTS[trigger](
            self, view, programme, now, text, target, uploads
        )
        if on_file:
            payload["group_reports"] = [
                {"kind": r.kind, "version": r.number, "sha256": r.sha256} for r in on_file
            ]
        payload["from"] = view.state
        payload["to"] = new_state
        writes(
            uow,
            lambda clocks: self.record(
                uow, view, cmd.actor_id, now, new_state, event, payload, clocks
            ),
        )
        uow.commit()
        return CommandResult(
            view.project_id, view.cohort_id, event, new_state, view.version + 1, payload
        )

    def record(
        self,
        uow: UnitOfWork,
        view: ProjectView,
        actor_id: int,
        now: datetime,
        new_state: str,
        event: str,
        payload: dict[str, Any],
        clocks: StageClocks | None = None,
    ) -> None:
        """Advance the project under its version check (with its current stage's new gate and
        clocks, when given), chain the audit entry to it and queue the notices the event calls
        for (states.notices), all in the caller's unit of work."""
        body = canonical_payload(payload)
        stream = stream_of_project(view.project_id)
        digest = entry_hash(view.audit_head, stream, view.version + 1, now, actor_id, event, body)
        uow.projects.advance(view.project_id, view.version, new_state, digest, clocks)
        uow.audit.append(
            AuditAppend(
                stream, view.version + 1, now, actor_id, event, body, view.audit_head, digest
            )
        )
        self._notices(uow, view, event, payload, now)

    def due_at(self, timezone: str, opened_at: datetime, working_days: int) -> datetime:
        """The end of the local working day ``working_days`` after ``opened_at``."""
        return self.calendar(timezone).deadline(opened_at, working_days)

    def first_check(
        self,
        stage: StageDefinition,
        timezone: str,
        clock: Clock,
        cycle: int,
        due_at: datetime,
        started_at: datetime,
    ) -> datetime | None:
        """When the sweep should first look at a clock cycle that starts now."""
        return first_check_at(stage, self.calendar(timezone), clock, due_at, started_at)


Move = Callable[[StageClocks], None]
"""Moves the project row (state, version, current stage with its gate and clocks) and appends
its audit entry."""
Writes = Callable[[UnitOfWork, Move], None]
"""A command's writes. Each moves the project row before it touches the stage's alerts: every
writer (commands and the sweep, which locks the project rows it reads) takes the project's row
first, so two of them never wait on each other in opposite orders."""
Effect = Callable[
    [
        Engine,
        ProjectView,
        ProgrammeDefinition,
        datetime,
        str,
        str | None,
        list[tuple[Artifact, bytes]],
    ],
    tuple[str, dict[str, Any], Writes],
]


def _group_reports(
    uow: UnitOfWork,
    view: ProjectView,
    programme: ProgrammeDefinition,
    stage: StageDefinition,
    attached: set[str],
) -> list[GroupReport]:
    """The group's reports that stand in for required group artifacts not attached."""
    wanted = {
        kind
        for kind in stage.required_artifacts
        if kind not in attached and programme.artifact(kind).scope == "group"
    }
    if not wanted:
        return []
    return [r for r in uow.benchmarking.reports_for(view.project_id) if r.kind in wanted]


def _moved(view: ProjectView, expected: int) -> ConflictError:
    return ConflictError(
        f"Proyek {view.project_id} sudah diubah orang lain (versi {view.version}, bukan {expected}); "
        f"status sekarang {view.state}. Muat ulang lalu coba lagi.",
        f"Project {view.project_id} was changed by someone else (version {view.version}, not "
        f"{expected}); it is now {view.state}. Reload and try again.",
        project=view.project_id,
        version=view.version,
        state=view.state,
    )


def _submit_effect(
    engine: Engine,
    view: ProjectView,
    programme: ProgrammeDefinition,
    now: datetime,
    text: str,
    target: str | None,
    uploads: list[tuple[Artifact, bytes]],
) -> tuple[str, dict[str, Any], Writes]:
    number = view.latest_submission_number + 1
    stage = programme.stage(view.stage)
    decision_due = engine.due_at(view.timezone, now, stage.decision_working_days)
    next_check = engine.first_check(stage, view.timezone, Clock.APPROVER, number, decision_due, now)
    payload: dict[str, Any] = {
        "stage": view.stage,
        "submission": number,
        "note": text,
        "artifacts": [artifact_payload(a) for a, _ in uploads],
        "decision_due_at": decision_due.isoformat(),
    }

    def writes(uow: UnitOfWork, move: Move) -> None:
        move(
            replace(
                view.clocks,
                gate=Gate.SUBMITTED,
                submitted_at=now,
                decision_due_at=decision_due,
                next_check_at=next_check,
                submission_number=number,
            )
        )
        uow.alerts.resolve(view.stage_id, Clock.PARTICIPANT.value, now)
        uow.projects.store_blobs(uploads)

    return "stage.submitted", payload, writes


def _decision_effect(outcome: Outcome) -> Effect:
    def effect(
        engine: Engine,
        view: ProjectView,
        programme: ProgrammeDefinition,
        now: datetime,
        text: str,
        target: str | None,
        uploads: list[tuple[Artifact, bytes]],
    ) -> tuple[str, dict[str, Any], Writes]:
        approved = outcome is Outcome.APPROVED
        stage = programme.stage(view.stage)
        following = programme.next_stage(view.stage) if approved else None
        payload: dict[str, Any] = {
            "stage": view.stage,
            "submission": view.latest_submission_number,
            "comment": text,
        }
        if approved:
            after = replace(
                view.clocks,
                gate=Gate.APPROVED,
                decided_at=now,
                decision_due_at=None,
                next_check_at=None,
            )
        else:  # the participant's clock restarts with the revision time
            cycle = view.participant_cycle + 1
            due = engine.due_at(view.timezone, now, stage.revision_working_days)
            check = engine.first_check(stage, view.timezone, Clock.PARTICIPANT, cycle, due, now)
            after = replace(
                view.clocks,
                gate=Gate.CHANGES_REQUESTED,
                decided_at=now,
                decision_due_at=None,
                due_at=due,
                participant_cycle=cycle,
                participant_clock_at=now,
                next_check_at=check,
            )
            payload["due_at"] = due.isoformat()
        opening: tuple[datetime, datetime | None] | None = None
        if following is not None:
            nxt = programme.stage(following)
            due_next = engine.due_at(view.timezone, now, nxt.duration_working_days)
            check_next = engine.first_check(nxt, view.timezone, Clock.PARTICIPANT, 1, due_next, now)
            opening = (due_next, check_next)
            payload["next_stage"] = following
            payload["next_due_at"] = due_next.isoformat()

        def writes(uow: UnitOfWork, move: Move) -> None:
            if following is None or opening is None:
                move(after)
            else:
                attempt = uow.projects.next_attempt(view.project_id, following)
                due_next, check_next = opening
                opened = uow.projects.open_stage(view.project_id, following, attempt, now, due_next)
                move(StageClocks(opened, Gate.DRAFTING, due_next, 1, now, next_check_at=check_next))
            if approved:
                uow.projects.close_stage(after)
            uow.alerts.resolve(view.stage_id, None if approved else Clock.APPROVER.value, now)

        event = "stage.approved" if approved else "stage.changes_requested"
        return event, payload, writes

    return effect


def _closed(view: ProjectView, gate: Gate) -> StageClocks:
    """The current stage instance ended at ``gate``: its clocks stop."""
    return replace(view.clocks, gate=gate, decision_due_at=None, next_check_at=None)


def _withdraw_effect(
    engine: Engine,
    view: ProjectView,
    programme: ProgrammeDefinition,
    now: datetime,
    text: str,
    target: str | None,
    uploads: list[tuple[Artifact, bytes]],
) -> tuple[str, dict[str, Any], Writes]:
    def writes(uow: UnitOfWork, move: Move) -> None:
        closed = _closed(view, Gate.WITHDRAWN)
        move(closed)
        uow.projects.close_stage(closed)
        uow.alerts.resolve(view.stage_id, None, now)

    return "project.withdrawn", {"stage": view.stage, "reason": text}, writes


def _reopen_effect(
    engine: Engine,
    view: ProjectView,
    programme: ProgrammeDefinition,
    now: datetime,
    text: str,
    target: str | None,
    uploads: list[tuple[Artifact, bytes]],
) -> tuple[str, dict[str, Any], Writes]:
    stage_code = target or ""
    stage = programme.stage(stage_code)
    due_at = engine.due_at(view.timezone, now, stage.duration_working_days)
    check = engine.first_check(stage, view.timezone, Clock.PARTICIPANT, 1, due_at, now)
    payload: dict[str, Any] = {
        "stage": stage_code,
        "from_stage": view.stage,
        "reason": text,
        "due_at": due_at.isoformat(),
    }
    was_completed = view.state == COMPLETED

    def writes(uow: UnitOfWork, move: Move) -> None:
        attempt = uow.projects.next_attempt(view.project_id, stage_code)
        opened = uow.projects.open_stage(view.project_id, stage_code, attempt, now, due_at)
        move(StageClocks(opened, Gate.DRAFTING, due_at, 1, now, next_check_at=check))
        if not was_completed:
            uow.projects.close_stage(_closed(view, Gate.REOPENED))
            uow.alerts.resolve(view.stage_id, None, now)

    return "stage.reopened", payload, writes


_EFFECTS: dict[Trigger, Effect] = {
    Trigger.SUBMIT: _submit_effect,
    Trigger.APPROVE: _decision_effect(Outcome.APPROVED),
    Trigger.REQUEST_CHANGES: _decision_effect(Outcome.CHANGES_REQUESTED),
    Trigger.WITHDRAW: _withdraw_effect,
    Trigger.REOPEN: _reopen_effect,
}
