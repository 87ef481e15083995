"""Notices: what a command tells people, queued in the outbox in the command's own transaction.

* ``stage.submitted`` → each approver of the stage (the mentor, or whoever the programme names:
  the coach, the cohort's examiners or its coordinators): a submission waits for their decision,
  since when, the decision deadline and the link to act (outbox kind ``decision_waiting``);
* ``extension.requested`` → the participant's mentor, who may grant or refuse it
  (``extension_requested``);
* ``extension.granted`` / ``extension.refused`` → the participant (``extension_granted`` /
  ``extension_refused``), with the new deadline when granted.

:meth:`Notices.after` takes the command's unit of work, the project as the command loaded it, the
event the command records and its payload. It renders each message in the recipient's language
and queues it through ``uow.alerts.enqueue``; it commits nothing, so a notice is stored exactly
when the command commits. Approvers who chose the daily digest have theirs held for it; the
participant's are sent singly. Every notice has a dedupe key per recipient, so it is queued once.
Other events queue nothing. The signature is the :data:`Notifier` port: the engine calls it from
``Engine.record``, which every project command (extensions included) goes through.

A notice can go stale before it is sent: the decision was made, the request decided. Its payload
carries what the dispatcher checks to cancel it then (``stage_id`` and ``submission`` of a
``decision_waiting``; ``extension`` of an ``extension_requested``).

Apprise targets configured by the operator are referred to in the outbox by
:func:`apprise_address`, never by their URL (which usually embeds a bot token).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import structlog

from domain.model import Person
from domain.programme import ProgrammeDefinition
from domain.roles import Role
from states.messages import (
    NoticeContext,
    render_decision_waiting,
    render_extension_decided,
    render_extension_requested,
)
from states.ports import OutboxMessage, ProjectView, UnitOfWork

__all__ = [
    "APPRISE_PREFIX",
    "DECISION_WAITING",
    "EXTENSION_GRANTED",
    "EXTENSION_REFUSED",
    "EXTENSION_REQUESTED",
    "Notices",
    "Notifier",
    "apprise_address",
]

log = structlog.get_logger("patok.notices")

DECISION_WAITING = "decision_waiting"
EXTENSION_REQUESTED = "extension_requested"
EXTENSION_GRANTED = "extension_granted"
EXTENSION_REFUSED = "extension_refused"
APPRISE_PREFIX = "configured:"

Notifier = Callable[[UnitOfWork, ProjectView, str, Mapping[str, Any], datetime], int]
"""The port the engine calls after recording a project event inside its unit of work:
(unit of work, project as loaded, event, payload, now) → notifications queued."""


def apprise_address(url: str) -> str:
    """The outbox address of an operator-configured Apprise URL: ``configured:<fingerprint>``.

    The dispatcher's Apprise channel resolves it against ``PATOK_APPRISE_URLS``; the URL (and the
    token it carries) is never written to the database, nor shown with dead letters.
    """
    return APPRISE_PREFIX + hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:16]


class Notices:
    """Renders and queues the notices of commands; links point under ``public_url``."""

    def __init__(self, public_url: str = "http://127.0.0.1:8000") -> None:
        self._public_url = public_url.rstrip("/")
        self._programmes: dict[str, ProgrammeDefinition] = {}

    def after(
        self,
        uow: UnitOfWork,
        view: ProjectView,
        event: str,
        payload: Mapping[str, Any],
        now: datetime,
    ) -> int:
        """Queue the notices ``event`` calls for, in ``uow``; return how many were queued."""
        if event == "stage.submitted":
            messages = self._decision_waiting(uow, view, payload, now)
        elif event == "extension.requested":
            messages = self._extension_requested(uow, view, payload, now)
        elif event in ("extension.granted", "extension.refused"):
            messages = self._extension_decided(uow, view, event, payload, now)
        else:
            return 0
        if not messages:
            return 0
        queued = uow.alerts.enqueue(messages, now)
        log.info("notices.queued", notice=messages[0].kind, queued=queued)
        return queued

    __call__ = after

    # -- what each event tells whom ---------------------------------------------------------

    def _decision_waiting(
        self, uow: UnitOfWork, view: ProjectView, payload: Mapping[str, Any], now: datetime
    ) -> list[OutboxMessage]:
        stage_code = str(payload.get("stage", view.stage))
        submission = int(payload["submission"])
        decision_due = datetime.fromisoformat(str(payload["decision_due_at"]))
        programme = self._programme(uow, view.programme_checksum)
        approvers = _approvers(uow, view, programme.stage(stage_code).approvers)
        if not approvers:
            log.warning("notices.no_approver", project=view.project_id, stage=stage_code)
            return []
        people = uow.people.many(sorted({view.participant_id, *approvers}))
        ctx = self._context(view, people[view.participant_id], stage_code)
        stale_check = json.dumps(
            {"project_id": view.project_id, "stage_id": view.stage_id, "submission": submission},
            sort_keys=True,
        )
        out: list[OutboxMessage] = []
        for person_id, role in approvers.items():
            person = people.get(person_id)
            if person is None:
                continue
            subject, body = render_decision_waiting(
                ctx,
                person.lang,
                submission=submission,
                submitted_at=now,
                decision_due_at=decision_due,
                as_role=role.value,
            )
            out.append(
                _email(
                    DECISION_WAITING,
                    view,
                    person,
                    subject,
                    body,
                    stale_check,
                    f"notice:{DECISION_WAITING}:{view.stage_id}:{submission}:{person_id}",
                    held=person.digest,
                )
            )
        return out

    def _extension_requested(
        self, uow: UnitOfWork, view: ProjectView, payload: Mapping[str, Any], now: datetime
    ) -> list[OutboxMessage]:
        extension = int(payload["extension"])
        people = uow.people.many(sorted({view.participant_id, view.mentor_id}))
        mentor = people.get(view.mentor_id)
        if mentor is None:
            return []
        stage_code = str(payload.get("stage", view.stage))
        ctx = self._context(view, people[view.participant_id], stage_code)
        subject, body = render_extension_requested(
            ctx,
            mentor.lang,
            extension_id=extension,
            requested_at=now,
            reason=str(payload.get("reason", "")),
            current_due_at=datetime.fromisoformat(str(payload.get("due_at") or view.due_at)),
            new_due_date=date.fromisoformat(str(payload["new_due_date"])),
        )
        return [
            _email(
                EXTENSION_REQUESTED,
                view,
                mentor,
                subject,
                body,
                json.dumps({"extension": extension, "project_id": view.project_id}),
                f"notice:{EXTENSION_REQUESTED}:{extension}:{view.mentor_id}",
                held=mentor.digest,
            )
        ]

    def _extension_decided(
        self,
        uow: UnitOfWork,
        view: ProjectView,
        event: str,
        payload: Mapping[str, Any],
        now: datetime,
    ) -> list[OutboxMessage]:
        extension = int(payload["extension"])
        granted = event == "extension.granted"
        participant = uow.people.many([view.participant_id]).get(view.participant_id)
        if participant is None:
            return []
        stage_code = str(payload.get("stage", view.stage))
        due = payload.get("due_at") if granted else None
        subject, body = render_extension_decided(
            self._context(view, participant, stage_code),
            participant.lang,
            extension_id=extension,
            granted=granted,
            decided_at=now,
            note=str(payload.get("note", "")),
            due_at=datetime.fromisoformat(str(due)) if due else None,
        )
        kind = EXTENSION_GRANTED if granted else EXTENSION_REFUSED
        return [
            _email(
                kind,
                view,
                participant,
                subject,
                body,
                json.dumps({"extension": extension, "project_id": view.project_id}),
                f"notice:{kind}:{extension}:{view.participant_id}",
                held=False,  # the participant's own deadline: always at once
            )
        ]

    # -- helpers ----------------------------------------------------------------------------

    def _programme(self, uow: UnitOfWork, checksum: str) -> ProgrammeDefinition:
        """A pinned programme; cached by checksum, which names immutable content."""
        found = self._programmes.get(checksum)
        if found is None:
            found = self._programmes[checksum] = uow.cohorts.programme(checksum)
        return found

    def _context(self, view: ProjectView, participant: Person, stage: str) -> NoticeContext:
        return NoticeContext(
            cohort_code=view.cohort_code,
            timezone=view.timezone,
            participant_name=participant.name,
            participant_nip=participant.nip,
            stage=stage,
            link=f"{self._public_url}/projects/{view.project_id}",
        )


def _approvers(uow: UnitOfWork, view: ProjectView, roles: list[Role]) -> dict[int, Role]:
    """The people who may decide on the project's submission, each with the role they decide as
    (the first of the programme's approver roles they hold)."""
    out: dict[int, Role] = {}
    members: list[tuple[int, Role]] | None = None
    for role in roles:
        if role is Role.MENTOR:
            out.setdefault(view.mentor_id, role)
        elif role is Role.COACH:
            if view.coach_id is not None:
                out.setdefault(view.coach_id, role)
        elif role in (Role.COORDINATOR, Role.EXAMINER):
            if members is None:
                members = uow.cohorts.members(view.cohort_id)
            for person_id, held in members:
                if held is role:
                    out.setdefault(person_id, role)
    return out


def _email(
    kind: str,
    view: ProjectView,
    person: Person,
    subject: str,
    body: str,
    payload: str,
    dedupe_key: str,
    *,
    held: bool,
) -> OutboxMessage:
    assert person.id is not None
    return OutboxMessage(
        kind=kind,
        alert_id=None,
        cohort_id=view.cohort_id,
        project_id=view.project_id,
        person_id=person.id,
        channel="email",
        address=person.email,
        lang=person.lang,
        subject=subject,
        body=body,
        payload=payload,
        dedupe_key=dedupe_key,
        held=held,
    )
