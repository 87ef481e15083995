"""The API's request and response bodies (pydantic), and their conversion from domain objects.

Responses are declared for every operation so the OpenAPI document says exactly what comes back.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from domain.audit import StoredEntry
from domain.model import Cohort, Person
from states.engine import CommandResult
from states.ports import ExtensionRecord, RaisedAlert, TokenRecord
from states.queries import BoardRow, PendingDecision, payload_of

T = TypeVar("T")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Page(_Out, Generic[T]):
    """One page of a list: ``next_offset`` is where the next page starts (null: no more)."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None


def page(items: list[T], limit: int, offset: int) -> dict[str, Any]:
    """The fields of a :class:`Page` of ``items`` (the whole list, already filtered)."""
    chunk = items[offset : offset + limit]
    following = offset + limit
    return {
        "items": chunk,
        "total": len(items),
        "limit": limit,
        "offset": offset,
        "next_offset": following if following < len(items) else None,
    }


class PersonBrief(_Out):
    """A person as lists show them."""

    id: int
    name: str
    nip: str
    email: str
    agency: str


def person_brief(p: Person) -> PersonBrief:
    """A person's brief."""
    return PersonBrief(id=p.id or 0, name=p.name, nip=p.nip, email=p.email, agency=p.agency)


class PersonOut(PersonBrief):
    """A person in full (as they see themselves, or as an organiser registered them)."""

    unit: str
    phone: str | None
    lang: str
    digest: bool
    organiser: bool


def person_out(p: Person) -> PersonOut:
    """A person in full."""
    return PersonOut(
        id=p.id or 0,
        name=p.name,
        nip=p.nip,
        email=p.email,
        agency=p.agency,
        unit=p.unit,
        phone=p.phone,
        lang=p.lang,
        digest=p.digest,
        organiser=p.can_create_cohorts,
    )


class ProgrammeSummary(_Out):
    """A built-in programme."""

    code: str
    version: str
    name: str
    name_en: str
    project_term: str


class ProgrammeCheck(BaseModel):
    """A programme definition to validate, as YAML text."""

    yaml: str = Field(max_length=200_000)


class ProgrammeChecked(_Out):
    """A programme definition that validated."""

    code: str
    version: str
    checksum: str
    stages: int


class CohortOut(_Out):
    """A cohort, and the roles the caller holds in it."""

    id: int
    code: str
    name: str
    programme_code: str
    programme_version: str
    organiser: str
    timezone: str
    start_date: date
    version: int
    roles: list[str]
    agency_head_email: str | None = Field(
        default=None, description="The head of the organising agency: the ladder's last rung"
    )


def cohort_out(c: Cohort, roles: list[str], agency_head: str | None = None) -> CohortOut:
    """A cohort as the API shows it."""
    return CohortOut(
        id=c.id or 0,
        code=c.code,
        name=c.name,
        programme_code=c.programme_code,
        programme_version=c.programme_version,
        organiser=c.organiser,
        timezone=c.timezone,
        start_date=c.start_date,
        version=c.version,
        roles=roles,
        agency_head_email=agency_head,
    )


class CohortCreate(BaseModel):
    """A cohort to create: a built-in programme by code, or a definition of one's own (YAML)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
    name: str = Field(min_length=3, max_length=300)
    programme: str = Field(default="", max_length=32, description="PKA, PKP, PKN2, PIM3, PIM4")
    programme_yaml: str | None = Field(default=None, max_length=200_000)
    organiser: str = Field(min_length=2, max_length=200)
    timezone: str = Field(description="Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)")
    start_date: date = Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))
    agency_head: str | None = Field(
        default=None,
        max_length=254,
        description="E-mail of the head of the organising agency (the escalation ladder's "
        "last rung); may be named later",
    )


class AgencyHeadIn(BaseModel):
    """The head of a cohort's organising agency, by e-mail."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)


class RosterImport(BaseModel):
    """A roster as text: CSV with a header, or YAML."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["csv", "yaml"]
    content: str = Field(min_length=1, max_length=2_000_000)
    source: str = Field(default="api", max_length=200)


class RosterImported(_Out):
    """What a roster import created."""

    participants: int
    mentors: int
    coaches: int
    examiners: int
    coordinators: int
    projects: int


class BoardCellOut(_Out):
    """One participant × stage cell."""

    stage: str
    gate: str | None
    due_at: datetime | None
    days_late: int
    current: bool


class BoardRowOut(_Out):
    """One participant's line on the board."""

    project_id: int
    participant: PersonBrief
    mentor: PersonBrief
    group: str | None
    state: str
    status: str
    open_escalations: int
    escalation_level: int
    stages: list[BoardCellOut]
    visit: str | None = Field(description="Their benchmarking visit: planned, under_way or done")
    lessons: int = Field(description="Lessons in their register")
    decided: int = Field(description="Lessons with an adoption decision")
    adopted: int = Field(description="Lessons adopted or adapted")
    milestones: int = Field(description="Milestones of their change plan")
    slipped: int = Field(description="Milestones that slipped")
    missing_content: list[str] = Field(
        description="What the current stage's content still lacks before it can be submitted "
        "(English; empty when complete)"
    )
    missing_content_id: list[str] = Field(description="The same in Bahasa Indonesia")


def board_row_out(r: BoardRow) -> BoardRowOut:
    """A board row as the API shows it."""
    return BoardRowOut(
        project_id=r.project_id,
        participant=person_brief(r.participant),
        mentor=person_brief(r.mentor),
        group=r.group or None,
        state=r.state,
        status=r.status,
        open_escalations=r.escalations,
        escalation_level=r.escalation_level,
        stages=[
            BoardCellOut(
                stage=c.stage,
                gate=c.gate.value if c.gate else None,
                due_at=c.due_at,
                days_late=c.days_late,
                current=c.current,
            )
            for c in r.cells
        ],
        visit=r.visit or None,
        lessons=r.lessons,
        decided=r.decided,
        adopted=r.adopted,
        milestones=r.milestones,
        slipped=r.slipped,
        missing_content=list(r.missing_en),
        missing_content_id=list(r.missing_id),
    )


class BoardOut(Page[BoardRowOut]):
    """The cohort board (filtered), one page of its rows, and the count of each status."""

    cohort: CohortOut
    now: datetime
    counts: dict[str, int]


def file_url(project_id: int, sha256: str) -> str:
    """Where a project's file is downloaded."""
    return f"/api/v1/projects/{project_id}/files/{sha256}"


class ArtifactOut(_Out):
    """A file of a submission; ``url`` downloads it (for those who may see the project)."""

    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str
    url: str


class SubmissionOut(_Out):
    """A numbered version of a stage's report."""

    id: int
    stage_instance_id: int
    number: int
    submitted_by: int
    submitted_at: datetime
    note: str
    artifacts: list[ArtifactOut]


class DecisionOut(_Out):
    """An approver's decision on a submission."""

    id: int
    submission_id: int
    decided_by: int
    outcome: str
    comment: str
    decided_at: datetime


class StageOut(_Out):
    """One opening of a stage, with both clocks."""

    id: int
    stage: str
    attempt: int
    gate: str
    opened_at: datetime
    due_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_due_at: datetime | None
    participant_cycle: int


class ExtensionOut(_Out):
    """An extension request and its decision."""

    id: int
    project_id: int
    stage_instance_id: int
    requested_by: int
    requested_at: datetime
    reason: str
    new_due_date: date
    status: str
    decided_by: int | None
    decided_at: datetime | None
    note: str


def extension_out(e: ExtensionRecord) -> ExtensionOut:
    """An extension as the API shows it."""
    return ExtensionOut(
        id=e.id,
        project_id=e.project_id,
        stage_instance_id=e.stage_instance_id,
        requested_by=e.requested_by,
        requested_at=e.requested_at,
        reason=e.reason,
        new_due_date=e.new_due_date,
        status=e.status,
        decided_by=e.decided_by,
        decided_at=e.decided_at,
        note=e.note,
    )


class AlertOut(_Out):
    """A reminder or an escalation."""

    id: int
    cohort: str
    project_id: int
    stage_instance_id: int
    kind: str
    clock: str
    cycle: int
    level: int
    notify: str
    due_at: datetime
    raised_at: datetime
    resolved_at: datetime | None


def alert_out(code: str, r: RaisedAlert) -> AlertOut:
    """An alert as the API shows it."""
    return AlertOut(
        id=r.id,
        cohort=code,
        project_id=r.project_id,
        stage_instance_id=r.stage_instance_id,
        kind=r.kind,
        clock=r.clock,
        cycle=r.cycle,
        level=r.rung,
        notify=r.notify,
        due_at=r.due_at,
        raised_at=r.raised_at,
        resolved_at=r.resolved_at,
    )


class ProjectOut(_Out):
    """A project: its people, stages, submissions, decisions, extensions and open alerts, and
    what the caller may do now (``allowed_now``; ``reopen_targets`` for a reopen)."""

    id: int
    cohort: str
    title: str
    state: str
    version: int
    participant: PersonBrief
    mentor: PersonBrief
    coach: PersonBrief | None
    stages: list[StageOut]
    submissions: list[SubmissionOut]
    decisions: list[DecisionOut]
    extensions: list[ExtensionOut]
    open_alerts: list[AlertOut]
    your_roles: list[str]
    allowed_now: list[str]
    reopen_targets: list[str]


class ProjectSummary(_Out):
    """A project in a list."""

    id: int
    cohort: str
    title: str
    state: str
    version: int
    participant: PersonBrief


class HistoryEntryOut(_Out):
    """One entry of a project's hash-chained audit stream."""

    seq: int
    stream_seq: int
    at: datetime
    actor_id: int | None
    action: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


def history_out(e: StoredEntry) -> HistoryEntryOut:
    """An audit entry as the API shows it."""
    return HistoryEntryOut(
        seq=e.seq,
        stream_seq=e.stream_seq,
        at=e.at,
        actor_id=e.actor_id,
        action=e.action,
        payload=payload_of(e),
        prev_hash=e.prev_hash,
        hash=e.hash,
    )


class CommandOut(_Out):
    """What a command did: the event recorded and where the project stands now."""

    project_id: int
    cohort_id: int
    event: str
    state: str
    version: int
    payload: dict[str, Any]


def command_out(r: CommandResult) -> CommandOut:
    """A command's result as the API shows it."""
    return CommandOut(
        project_id=r.project_id,
        cohort_id=r.cohort_id,
        event=r.event,
        state=r.state,
        version=r.version,
        payload=dict(r.payload),
    )


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(
        default=None,
        ge=0,
        le=2**31,
        description="Refuse (409) if the project moved since this version",
    )


class ArtifactIn(BaseModel):
    """A file to submit, its content in base64."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    filename: str = Field(min_length=1, max_length=255)
    media_type: str = Field(default="application/octet-stream", max_length=128)
    content_base64: str = Field(max_length=70_000_000)


class SubmitIn(_Command):
    """Submit the current stage with its artifacts."""

    note: str = Field(default="", max_length=4000)
    artifacts: list[ArtifactIn] = Field(default_factory=list, max_length=20)


class DecideIn(_Command):
    """Approve, or request changes (a comment is required for that)."""

    comment: str = Field(default="", max_length=4000)


class ReasonIn(_Command):
    """Withdraw a project, with a reason."""

    reason: str = Field(default="", max_length=4000)


class ReopenIn(ReasonIn):
    """Reopen an earlier stage, with a reason."""

    stage: str = Field(max_length=32)


class ExtensionIn(_Command):
    """Ask for a later deadline on the current stage."""

    new_due_date: date
    reason: str = Field(default="", max_length=4000)


class ExtensionDecisionIn(BaseModel):
    """Grant or refuse an extension (a refusal needs a note)."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=4000)


class InboxItemOut(_Out):
    """A submission waiting for the caller's decision."""

    project_id: int
    cohort: str
    participant: PersonBrief
    title: str
    stage: str
    submission: int
    submitted_at: datetime | None
    decision_due_at: datetime | None
    days_late: int
    version: int


def inbox_out(p: PendingDecision) -> InboxItemOut:
    """An inbox item as the API shows it."""
    return InboxItemOut(
        project_id=p.project_id,
        cohort=p.cohort_code,
        participant=person_brief(p.participant),
        title=p.title,
        stage=p.stage,
        submission=p.submission_number,
        submitted_at=p.submitted_at,
        decision_due_at=p.decision_due_at,
        days_late=p.days_late,
        version=p.version,
    )


class ProgressPointOut(_Out):
    """One day of the cohort's progress."""

    day: date
    approved: int
    late: int


class DeadLetterOut(_Out):
    """A notification that could not be delivered after its retries."""

    id: int
    cohort_id: int | None
    project_id: int | None
    channel: str
    address: str
    subject: str
    attempts: int
    last_error: str | None


class RetryIn(BaseModel):
    """Which dead letters to send again: ``ids``, or ``all`` of your cohorts'."""

    model_config = ConfigDict(extra="forbid")

    ids: list[int] = Field(default_factory=list, max_length=1000)
    all: bool = False


class Count(_Out):
    """How many things an operation affected."""

    count: int


class MembershipOut(_Out):
    """A role the caller holds in a cohort."""

    cohort: str
    role: str


class MeOut(_Out):
    """Who the caller is, through which door, and their roles."""

    person: PersonOut
    via: Literal["session", "token"]
    cohort_scope: str | None
    read_only: bool
    must_change_password: bool
    roles: list[MembershipOut]


class PreferencesIn(BaseModel):
    """Notification preferences to change (leave a field out to keep it)."""

    model_config = ConfigDict(extra="forbid")

    digest: bool | None = None
    lang: Literal["id", "en"] | None = None


class PasswordChangeIn(BaseModel):
    """Change one's own password."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200)


class PasswordResetOut(_Out):
    """A temporary password, shown once; the member must replace it at their next login."""

    person_id: int
    temporary_password: str


class PersonIn(BaseModel):
    """A person to register (organisers only)."""

    model_config = ConfigDict(extra="forbid")

    nip: str = Field(max_length=40)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    agency: str = Field(max_length=200)
    unit: str = Field(default="", max_length=200)
    phone: str | None = Field(default=None, max_length=24)
    organiser: bool = False


class TokenIn(BaseModel):
    """An API token to issue for one cohort."""

    model_config = ConfigDict(extra="forbid")

    cohort: str = Field(max_length=64)
    name: str = Field(max_length=100)
    read_only: bool = False


class TokenOut(_Out):
    """An API token (never its secret)."""

    id: int
    prefix: str
    name: str
    person_id: int
    cohort_id: int
    read_only: bool
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def token_out(t: TokenRecord) -> TokenOut:
    """A token as the API shows it."""
    return TokenOut(
        id=t.id,
        prefix=t.prefix,
        name=t.name,
        person_id=t.person_id,
        cohort_id=t.cohort_id,
        read_only=t.read_only,
        created_at=t.created_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
    )


class TokenIssued(_Out):
    """A new token: ``token`` is its secret, shown this once."""

    token: str
    record: TokenOut


class SweepOut(_Out):
    """What one sweep raised."""

    now: datetime
    checked: int
    reminders: int
    escalations: int
    queued: int
    raised: list[dict[str, Any]]


class DispatchOut(_Out):
    """What one dispatch did: rows claimed, and of those sent, scheduled for a retry, dead, or
    cancelled as no longer worth sending (their alert resolved, their request decided)."""

    sent: int
    retried: int
    dead: int
    claimed: int
    cancelled: int


class DigestIn(BaseModel):
    """Build the daily digests (of one zone's cohorts, if named)."""

    model_config = ConfigDict(extra="forbid")

    zone: Literal["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"] | None = None


class AuditOut(_Out):
    """The audit log's verification."""

    streams: int
    entries: int
    intact: bool
    first_bad: dict[str, Any] | None
