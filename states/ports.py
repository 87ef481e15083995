"""The ports the engine needs: a clock, stores for projects, cohorts, people and the audit log,
and a unit of work that commits them together. Adapters implement them; tests use fakes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from types import TracebackType
from typing import Protocol, Self

from domain.audit import StoredEntry
from domain.benchmarking import Contact, Group, GroupReport, HostPartner, Visit
from domain.content import (
    AdoptionDecision,
    AdoptionKind,
    ContentFacts,
    Lesson,
    Milestone,
    MilestoneStatus,
    MilestoneTerm,
)
from domain.model import (
    Artifact,
    ChangeProject,
    Cohort,
    Gate,
    Person,
    StageInstance,
)
from domain.programme import ProgrammeDefinition
from domain.records import StageRecords
from domain.roles import Role
from domain.seminars import (
    PanelRole,
    Remediation,
    RemediationKind,
    RemediationStatus,
    Score,
    SeminarEntry,
    SeminarKind,
    SeminarSession,
)


class Clock(Protocol):
    """Where the engine gets the time; injectable so tests and demos can move it."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


@dataclass(frozen=True, slots=True)
class StageClocks:
    """The current stage instance's gate and both clocks, kept on the project row while it is open
    (see domain.deadlines): what a command changes when it moves the stage."""

    stage_id: int
    gate: Gate
    due_at: datetime
    participant_cycle: int
    participant_clock_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    decision_due_at: datetime | None = None
    next_check_at: datetime | None = None
    submission_number: int = 0
    """The number of the stage instance's latest submission (0 before the first)."""


@dataclass(frozen=True, slots=True)
class ProjectView:
    """What a command needs to know about a project and its actor, read in one query."""

    project_id: int
    cohort_id: int
    cohort_code: str
    timezone: str
    programme_checksum: str
    participant_id: int
    mentor_id: int
    coach_id: int | None
    state: str
    version: int
    audit_head: str
    stage: str
    attempt: int
    opened_at: datetime
    clocks: StageClocks
    relations: frozenset[Role]

    @property
    def stage_id(self) -> int:
        """The current stage instance."""
        return self.clocks.stage_id

    @property
    def gate(self) -> Gate:
        """The current stage instance's gate."""
        return self.clocks.gate

    @property
    def due_at(self) -> datetime:
        """The participant's deadline in the current stage instance."""
        return self.clocks.due_at

    @property
    def participant_cycle(self) -> int:
        """The participant clock's cycle (a new one on each revision or extension)."""
        return self.clocks.participant_cycle

    @property
    def latest_submission_number(self) -> int:
        """The number of the current stage instance's latest submission (0 before the first)."""
        return self.clocks.submission_number


@dataclass(frozen=True, slots=True)
class DueStage:
    """A stage instance the sweep must look at, with what it needs to plan its alerts."""

    stage_id: int
    project_id: int
    cohort_id: int
    cohort_code: str
    timezone: str
    programme_checksum: str
    stage: str
    gate: Gate
    opened_at: datetime
    due_at: datetime
    participant_cycle: int
    participant_clock_at: datetime
    submitted_at: datetime | None
    decision_due_at: datetime | None
    submission_number: int
    participant_id: int
    mentor_id: int
    coach_id: int | None
    agency_head_email: str | None


@dataclass(frozen=True, slots=True)
class RaisedAlert:
    """An alert as stored."""

    id: int
    stage_instance_id: int
    project_id: int
    cohort_id: int
    kind: str
    clock: str
    cycle: int
    rung: int
    notify: str
    due_at: datetime
    raised_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A rendered notification to queue."""

    kind: str
    alert_id: int | None
    cohort_id: int | None
    project_id: int | None
    person_id: int | None
    channel: str
    address: str
    lang: str
    subject: str
    body: str
    payload: str
    dedupe_key: str
    held: bool = False


@dataclass(frozen=True, slots=True)
class ExtensionRecord:
    """An extension request and, once decided, its decision."""

    id: int
    stage_instance_id: int
    project_id: int
    requested_by: int
    requested_at: datetime
    reason: str
    new_due_date: date
    status: str
    decided_by: int | None
    decided_at: datetime | None
    note: str


@dataclass(frozen=True, slots=True)
class AuditAppend:
    """One audit entry to append (hash already computed by the engine)."""

    stream: str
    stream_seq: int
    at: datetime
    actor_id: int | None
    action: str
    payload_json: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class NewProject:
    """A project to create when a roster is imported."""

    cohort_id: int
    participant_id: int
    mentor_id: int
    coach_id: int | None
    title: str
    state: str


class ProjectStore(Protocol):
    """Reads and writes of change projects and their stage instances; submissions and decisions
    are read back from the project's audit entries (domain.records)."""

    def load(self, project_id: int, actor_id: int) -> ProjectView:
        """The project as a command sees it; raises NotFound."""
        ...

    def advance(
        self,
        project_id: int,
        expected_version: int,
        state: str,
        audit_head: str,
        clocks: StageClocks | None = None,
    ) -> None:
        """Set state and audit head (and, when given, the current stage instance with its gate
        and clocks) and bump the version, only if the version is still expected.

        Raises ConflictError when someone else changed the project first."""
        ...

    def store_blobs(self, artifacts: Sequence[tuple[Artifact, bytes]]) -> None:
        """Keep the content of submitted files, once per checksum."""
        ...

    def open_stage(
        self, project_id: int, stage: str, attempt: int, opened_at: datetime, due_at: datetime
    ) -> int:
        """Record a stage instance opening with its deadline; raises ConflictError if that
        instance (project, stage, attempt) exists already."""
        ...

    def close_stage(self, clocks: StageClocks) -> None:
        """Record how a stage instance ended: its final gate, deadline and clock times."""
        ...

    def add_extension(
        self,
        stage_id: int,
        project_id: int,
        actor_id: int,
        at: datetime,
        reason: str,
        new_due: date,
    ) -> int:
        """Record a pending extension request; one pending request per stage instance."""
        ...

    def extension(self, extension_id: int) -> ExtensionRecord:
        """An extension request; raises NotFound."""
        ...

    def extensions(
        self, project_ids: Sequence[int] | None, status: str | None
    ) -> list[ExtensionRecord]:
        """Extension requests of these projects (all when None), by status (all when None)."""
        ...

    def decide_extension(
        self, extension_id: int, status: str, actor_id: int, at: datetime, note: str
    ) -> None:
        """Record the decision on a pending request; raises ConflictError if it was decided."""
        ...

    def next_attempt(self, project_id: int, stage: str) -> int:
        """1 + the number of times this stage was opened for the project."""
        ...

    def create(self, project: NewProject) -> int:
        """Insert a new project (version 0, empty audit head)."""
        ...

    def ids_of_cohort(self, cohort_id: int) -> list[int]:
        """The ids of a cohort's projects."""
        ...

    def of_participant(self, person_id: int) -> list[int]:
        """The ids of the projects whose participant is this person."""
        ...

    def related_to(self, person_id: int) -> list[int]:
        """The ids of the projects this person is the participant, mentor or coach of."""
        ...

    def get(self, project_id: int) -> ChangeProject:
        """The project; raises NotFound."""
        ...

    def of_cohort(self, cohort_id: int) -> list[ChangeProject]:
        """Every project of a cohort."""
        ...

    def stages_of_cohort(self, cohort_id: int) -> list[StageInstance]:
        """Every stage instance of a cohort's projects, oldest first."""
        ...

    def stages(self, project_id: int) -> list[StageInstance]:
        """All stage instances of a project, oldest first."""
        ...

    def records(self, project_id: int) -> StageRecords:
        """The project's submissions (with their files) and decisions, oldest first."""
        ...

    def artifact_content(self, sha256: str) -> bytes | None:
        """The stored bytes of an artifact, by checksum."""
        ...


class CohortStore(Protocol):
    """Cohorts, their memberships and pinned programme snapshots."""

    def add(self, cohort: Cohort) -> int:
        """Insert a cohort; raises AlreadyExists for a taken code."""
        ...

    def by_code(self, code: str) -> Cohort:
        """The cohort with this code; raises NotFound."""
        ...

    def by_id(self, cohort_id: int) -> Cohort:
        """The cohort with this id; raises NotFound."""
        ...

    def all(self) -> list[Cohort]:
        """Every cohort."""
        ...

    def bump(self, cohort_id: int, expected_version: int, audit_head: str) -> None:
        """Advance a cohort's version and audit head; raises ConflictError if it moved."""
        ...

    def audit_head(self, cohort_id: int) -> tuple[int, str]:
        """The cohort's (version, audit head)."""
        ...

    def add_member(self, cohort_id: int, person_id: int, role: Role) -> None:
        """Give a person a role in the cohort (idempotent)."""
        ...

    def members(self, cohort_id: int) -> list[tuple[int, Role]]:
        """(person id, role) of everyone in the cohort."""
        ...

    def roles_of(self, cohort_id: int, person_id: int) -> frozenset[Role]:
        """The roles a person holds in a cohort."""
        ...

    def save_programme(self, checksum: str, definition: ProgrammeDefinition) -> None:
        """Store a programme snapshot by checksum (idempotent)."""
        ...

    def programme(self, checksum: str) -> ProgrammeDefinition:
        """A stored programme snapshot; immutable, so callers may cache it."""
        ...

    def coordinators(self, cohort_ids: Sequence[int]) -> dict[int, list[int]]:
        """The coordinators (person ids, ascending) of each of these cohorts, in one read."""
        ...

    def agency_heads(self, cohort_ids: Sequence[int]) -> dict[int, str | None]:
        """Each cohort's head of the organising agency (e-mail), None where none is set."""
        ...

    def set_agency_head(self, cohort_id: int, email: str | None) -> None:
        """Set (or clear, with None) a cohort's head of the organising agency."""
        ...


class PersonStore(Protocol):
    """People, found by id, NIP or e-mail."""

    def add(self, person: Person) -> int:
        """Insert a person; raises AlreadyExists on a taken NIP or e-mail."""
        ...

    def get(self, person_id: int) -> Person:
        """The person with this id; raises NotFound."""
        ...

    def find(self, ref: str) -> Person | None:
        """The person whose NIP or e-mail is ``ref``."""
        ...

    def many(self, ids: Sequence[int]) -> dict[int, Person]:
        """People by id."""
        ...

    def set_preferences(self, person_id: int, *, digest: bool | None, lang: str | None) -> None:
        """Change how a person is notified (daily digest or single messages) and in what language."""
        ...


class AuditStore(Protocol):
    """The append-only, hash-chained audit log."""

    def append(self, entry: AuditAppend) -> None:
        """Append one entry; a duplicate (stream, stream_seq) raises ConflictError."""
        ...

    def stream(self, stream: str) -> list[StoredEntry]:
        """One stream's entries in order."""
        ...

    def entries(self) -> Iterator[StoredEntry]:
        """Every entry, grouped by stream, in stream order."""
        ...

    def heads(self) -> Iterator[tuple[str, int, str]]:
        """Every stream with its recorded head: (stream, head seq, head hash)."""
        ...

    def streams_present(self) -> set[str]:
        """Every stream that has entries."""
        ...


class AlertStore(Protocol):
    """Reminders and escalations, the sweep's view of due stages, and the outbox."""

    def due(self, now: datetime, limit: int) -> list[DueStage]:
        """Open stage instances whose next check is at or before ``now``, oldest check first."""
        ...

    def raise_alert(
        self,
        stage_id: int,
        project_id: int,
        cohort_id: int,
        kind: str,
        clock: str,
        cycle: int,
        rung: int,
        notify: str,
        due_at: datetime,
        at: datetime,
    ) -> int | None:
        """Record an alert once; None when it was already recorded (by this or another sweep)."""
        ...

    def set_next_check(self, stage_id: int, at: datetime | None) -> None:
        """When the sweep should look at a stage instance next (None: nothing left to plan)."""
        ...

    def resolve(self, stage_id: int, clock: str | None, at: datetime) -> int:
        """Resolve the open alerts of a stage instance (of one clock, or all); return how many."""
        ...

    def enqueue(self, messages: Sequence[OutboxMessage], at: datetime) -> int:
        """Queue notifications; a message whose dedupe key is queued already is skipped."""
        ...

    def listing(
        self, cohort_id: int | None, kind: str | None, level: int | None, open_only: bool | None
    ) -> list[RaisedAlert]:
        """Alerts by filter, newest first."""
        ...


@dataclass(frozen=True, slots=True)
class NewHost:
    """A host partner to insert (already checked)."""

    cohort_id: int
    code: str
    agency: str
    unit: str
    city: str
    province: str
    timezone: str
    focus: str
    reasons: tuple[str, ...]
    contact: Contact | None


@dataclass(frozen=True, slots=True)
class NewAgendaItem:
    """An agenda item to insert (host and group resolved to ids)."""

    day: date
    starts: time | None
    ends: time | None
    host_id: int
    group_id: int | None
    topic: str


@dataclass(frozen=True, slots=True)
class NewVisit:
    """A visit to insert with its agenda, participants (project ids) and companions."""

    cohort_id: int
    code: str
    host_agency: str
    city: str
    timezone: str
    start_date: date
    end_date: date
    note: str
    agenda: tuple[NewAgendaItem, ...]
    participant_ids: tuple[int, ...]
    companions: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class Booking:
    """A person booked on a visit as a participant (for the overlap rule)."""

    person_id: int
    project_id: int
    visit_id: int
    cohort_id: int
    code: str
    start_date: date
    end_date: date


class BenchmarkStore(Protocol):
    """Host partners, groups (members, host units, reports) and visits of cohorts."""

    def add_host(self, host: NewHost) -> int:
        """Insert a host partner; AlreadyExists for a code the cohort has already."""
        ...

    def hosts(self, cohort_id: int) -> list[HostPartner]:
        """A cohort's host partners, by code."""
        ...

    def add_group(self, cohort_id: int, code: str, theme: str) -> int:
        """Insert a group; AlreadyExists for a code the cohort has already."""
        ...

    def set_theme(self, group_id: int, theme: str) -> None:
        """Change a group's focus theme."""
        ...

    def add_member(self, group_id: int, cohort_id: int, project_id: int) -> None:
        """Put a project in a group; AlreadyExists if it is in a group of the cohort already."""
        ...

    def remove_member(self, group_id: int, project_id: int) -> None:
        """Take a project out of a group."""
        ...

    def add_group_host(self, group_id: int, host_id: int) -> None:
        """Give a group a host unit (idempotent)."""
        ...

    def remove_group_host(self, group_id: int, host_id: int) -> None:
        """Take a host unit from a group."""
        ...

    def groups(self, cohort_id: int) -> list[Group]:
        """A cohort's groups with their members and host units, by code."""
        ...

    def add_group_report(
        self,
        group_id: int,
        number: int,
        artifact: Artifact,
        content: bytes,
        actor_id: int,
        at: datetime,
    ) -> int:
        """Store a numbered version of a group's report (content stored once per checksum)."""
        ...

    def group_reports(self, group_ids: Sequence[int]) -> list[GroupReport]:
        """The report versions of these groups, oldest first."""
        ...

    def reports_for(self, project_id: int) -> list[GroupReport]:
        """The latest version of each report of the project's group (none without a group)."""
        ...

    def add_visit(self, visit: NewVisit) -> int:
        """Insert a visit with its agenda, participants and companions; AlreadyExists for a code
        the cohort has already."""
        ...

    def add_agenda_item(self, visit_id: int, item: NewAgendaItem) -> int:
        """Add an agenda item to a visit."""
        ...

    def visits(self, cohort_id: int) -> list[Visit]:
        """A cohort's visits with agenda, participants and companions, by first day."""
        ...

    def bookings(self, person_ids: Sequence[int]) -> list[Booking]:
        """The visits (of any cohort) these people are booked on as participants."""
        ...

    def set_visit_groups(self, visit_id: int, group_ids: Sequence[int]) -> None:
        """Record exactly these groups as booked by the visit."""
        ...

    def set_visit_participants(self, visit_id: int, project_ids: Sequence[int]) -> None:
        """Make exactly these projects the visit's participants."""
        ...

    def set_visit_companions(self, visit_id: int, companions: Sequence[tuple[int, str]]) -> None:
        """Make exactly these (person, role) the visit's companions."""
        ...

    def update_visit(
        self,
        visit_id: int,
        *,
        host_agency: str,
        city: str,
        timezone: str,
        start_date: date,
        end_date: date,
        note: str,
    ) -> None:
        """Change a visit's host agency, city, zone, days and note."""
        ...

    def remove_visit(self, visit_id: int) -> None:
        """Delete a visit with its agenda, participants, companions and booked groups."""
        ...

    def update_host(self, host_id: int, host: NewHost) -> None:
        """Replace a host partner's fields (its cohort and code stay)."""
        ...

    def remove_host(self, host_id: int) -> None:
        """Delete a host partner and its place among groups' host units."""
        ...


class ContentStore(Protocol):
    """Lessons, adoption decisions and milestones of change projects."""

    def facts(self, project_id: int) -> ContentFacts:
        """What the project's content holds, for the submit guard (read lean: the command path)."""
        ...

    def add_lesson(
        self,
        project_id: int,
        number: int,
        host_id: int,
        practice: str,
        location: str,
        evidence: str,
        success_key: str,
        lesson: str,
        actor_id: int,
        at: datetime,
    ) -> int:
        """Insert a lesson; a taken (project, number) is a conflict."""
        ...

    def lesson(self, lesson_id: int) -> Lesson:
        """A lesson; raises NotFound."""
        ...

    def lessons(self, project_ids: Sequence[int]) -> list[Lesson]:
        """The lessons of these projects, by project and number."""
        ...

    def remove_lesson(self, lesson_id: int) -> None:
        """Delete a lesson with the decision on it."""
        ...

    def set_decision(
        self,
        lesson_id: int,
        project_id: int,
        kind: AdoptionKind,
        rationale: str,
        changes: str,
        milestone_ids: Sequence[int],
        actor_id: int,
        at: datetime,
    ) -> int:
        """Record the decision on a lesson, replacing an earlier one; return its id."""
        ...

    def decisions(self, project_ids: Sequence[int]) -> list[AdoptionDecision]:
        """The adoption decisions of these projects."""
        ...

    def add_milestone(
        self,
        project_id: int,
        number: int,
        title: str,
        term: MilestoneTerm,
        target_date: date,
        at: datetime,
    ) -> int:
        """Insert a planned milestone; a taken (project, number) is a conflict."""
        ...

    def milestone(self, milestone_id: int) -> Milestone:
        """A milestone; raises NotFound."""
        ...

    def milestones(self, project_ids: Sequence[int]) -> list[Milestone]:
        """The milestones of these projects, by project and number."""
        ...

    def update_milestone(
        self,
        milestone_id: int,
        status: MilestoneStatus,
        evidence: str,
        note: str,
        done_on: date | None,
        target_date: date,
        at: datetime,
    ) -> None:
        """Record a milestone's status (and its target date)."""
        ...


class SeminarStore(Protocol):
    """Seminar sessions, their entries, scores, grades and remediations."""

    def add_session(
        self,
        cohort_id: int,
        kind: SeminarKind,
        title: str,
        starts_at: datetime,
        place: str,
        examiner_ids: Sequence[int],
    ) -> int:
        """Insert a session with its examiners."""
        ...

    def session(self, session_id: int) -> SeminarSession:
        """A session; raises NotFound."""
        ...

    def sessions(self, cohort_id: int) -> list[SeminarSession]:
        """A cohort's sessions, by start."""
        ...

    def add_entry(self, session_id: int, project_id: int, examiner_id: int) -> int:
        """Put a participant in a session; AlreadyExists if they are in it already."""
        ...

    def entries(self, session_ids: Sequence[int]) -> list[SeminarEntry]:
        """The entries of these sessions."""
        ...

    def entries_of(self, project_ids: Sequence[int]) -> list[SeminarEntry]:
        """The entries of these projects, in every session."""
        ...

    def set_score(
        self, entry_id: int, scorer_id: int, role: PanelRole, score: float, at: datetime
    ) -> float | None:
        """Record a panel member's score, replacing theirs; return the one replaced, if any."""
        ...

    def scores(self, entry_ids: Sequence[int]) -> list[Score]:
        """The scores of these entries."""
        ...

    def set_grade(
        self, entry_id: int, grade: str, mean: float | None, actor_id: int, at: datetime
    ) -> None:
        """Record an entry's grade, once; ConflictError if it is graded already."""
        ...

    def open_remediation(
        self, entry_id: int, project_id: int, kind: RemediationKind, at: datetime
    ) -> int:
        """Open the remediation of a failing entry (one per entry)."""
        ...

    def remediation(self, remediation_id: int) -> Remediation:
        """A remediation; raises NotFound."""
        ...

    def remediations(self, project_ids: Sequence[int]) -> list[Remediation]:
        """The remediations of these projects."""
        ...

    def resolve_remediation(
        self,
        remediation_id: int,
        status: RemediationStatus,
        regrade: str,
        capped: bool,
        note: str,
        actor_id: int,
        at: datetime,
    ) -> None:
        """Record the re-grade of an open remediation, once; ConflictError if it is resolved."""
        ...


@dataclass(frozen=True, slots=True)
class Credential:
    """A person's password hash and whether they must choose a new password at their next login."""

    person_id: int
    password_hash: str
    set_at: datetime
    must_change: bool


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A browser session as stored: only the digest of its secret is kept."""

    id: int
    person_id: int
    created_at: datetime
    last_seen_at: datetime
    csrf_token: str
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An API token for an integration: it acts for ``person_id`` inside ``cohort_id`` only."""

    id: int
    prefix: str
    name: str
    person_id: int
    cohort_id: int
    read_only: bool
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A session with its person and whether their password must be changed, read together."""

    session: SessionRecord
    person: Person
    must_change: bool


@dataclass(frozen=True, slots=True)
class LoginFailures:
    """Consecutive failed logins under one login name, and when the last one happened."""

    login: str
    failures: int
    last_failure_at: datetime


class AccountStore(Protocol):
    """Passwords, browser sessions, API tokens and failed-login counters."""

    def credential(self, person_id: int) -> Credential | None:
        """The person's password hash, if they have one."""
        ...

    def set_credential(
        self, person_id: int, password_hash: str, at: datetime, must_change: bool
    ) -> None:
        """Store (or replace) a person's password hash."""
        ...

    def add_session(self, digest: str, person_id: int, at: datetime, csrf_token: str) -> int:
        """Record a new session under the digest of its secret."""
        ...

    def session(self, digest: str) -> SessionRecord | None:
        """The session whose secret has this digest."""
        ...

    def signed_in(self, digest: str) -> SignedIn | None:
        """The session whose secret has this digest, with its person, in one read."""
        ...

    def touch_session(self, session_id: int, at: datetime) -> None:
        """Record that the session was used at ``at``."""
        ...

    def end_session(self, session_id: int, at: datetime) -> None:
        """End one session (logout)."""
        ...

    def end_sessions_of(self, person_id: int, at: datetime) -> int:
        """End every open session of a person (a password change or reset); return how many."""
        ...

    def add_token(
        self,
        digest: str,
        prefix: str,
        name: str,
        person_id: int,
        cohort_id: int,
        read_only: bool,
        at: datetime,
    ) -> int:
        """Record a new API token under the digest of its secret."""
        ...

    def token(self, digest: str) -> TokenRecord | None:
        """The token whose secret has this digest."""
        ...

    def token_by_id(self, token_id: int) -> TokenRecord:
        """A token by id; raises NotFound."""
        ...

    def tokens(self, cohort_ids: Sequence[int]) -> list[TokenRecord]:
        """The tokens of these cohorts, newest first."""
        ...

    def touch_token(self, token_id: int, at: datetime) -> None:
        """Record that the token was used at ``at``."""
        ...

    def revoke_token(self, token_id: int, at: datetime) -> None:
        """Revoke a token; raises ConflictError when it was revoked already."""
        ...

    def failures(self, login: str) -> LoginFailures | None:
        """The failed-login counter of a login name (locked for this transaction where the
        database can)."""
        ...

    def add_failure(self, login: str, at: datetime) -> int:
        """Count one more failed login (atomically); return the new count."""
        ...

    def clear_failures(self, login: str) -> None:
        """Forget the failed logins of a login name (after a successful one)."""
        ...

    def purge(self, sessions_created_before: datetime, failures_before: datetime) -> None:
        """Delete sessions that have outlived their lifetime and stale failed-login counters."""
        ...


class UnitOfWork(Protocol):
    """One transaction: everything done through it is committed together or not at all."""

    @property
    def projects(self) -> ProjectStore:
        """Projects and their stages."""
        ...

    @property
    def cohorts(self) -> CohortStore:
        """Cohorts, memberships and programme snapshots."""
        ...

    @property
    def people(self) -> PersonStore:
        """People."""
        ...

    @property
    def audit(self) -> AuditStore:
        """The audit log."""
        ...

    @property
    def alerts(self) -> AlertStore:
        """Reminders, escalations and the outbox."""
        ...

    @property
    def benchmarking(self) -> BenchmarkStore:
        """Host partners, groups and visits."""
        ...

    @property
    def content(self) -> ContentStore:
        """Lessons, adoption decisions and milestones."""
        ...

    @property
    def seminars(self) -> SeminarStore:
        """Seminar sessions, scores, grades and remediations."""
        ...

    @property
    def accounts(self) -> AccountStore:
        """Passwords, sessions, API tokens and failed-login counters."""
        ...

    def __enter__(self) -> Self:
        """Begin the transaction."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back unless committed; release the connection."""
        ...

    def commit(self) -> None:
        """Commit everything done in this unit of work."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes units of work; ``write=True`` takes the database's write lock up front where needed."""

    def __call__(self, *, write: bool = False, consistent: bool = False) -> UnitOfWork:
        """A new unit of work; ``consistent`` makes every read in it see one snapshot."""
        ...
