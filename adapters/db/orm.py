"""The relational schema as SQLAlchemy 2 typed ORM classes (migrations are derived from these).

Instants are stored as naive UTC ``DateTime`` columns on both SQLite and PostgreSQL; the stores
convert at the boundary. Unique keys and version columns settle races: one audit entry per
(stream, stream_seq), one stage instance per (project, stage, attempt), and a project moves only
from the version its command read.

Submissions and decisions have no tables of their own: the audit entries ``stage.submitted``,
``stage.approved`` and ``stage.changes_requested`` record them (see ``domain/records.py``), so a
command writes the project row and its audit entry (and a stage instance when one opens or closes).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING)


class ProgrammeSnapshot(Base):
    """A programme definition exactly as a cohort pinned it, addressed by its checksum."""

    __tablename__ = "programme_snapshots"
    checksum: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)


class PersonRow(Base):
    """A person (civil servant) known to patok."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    agency: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(24))
    lang: Mapped[str] = mapped_column(String(2), default="id")
    can_create_cohorts: Mapped[bool] = mapped_column(Boolean, default=False)
    digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class CohortRow(Base):
    """A cohort (*angkatan*) pinned to one programme snapshot."""

    __tablename__ = "cohorts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    programme_code: Mapped[str] = mapped_column(String(32))
    programme_version: Mapped[str] = mapped_column(String(32))
    programme_checksum: Mapped[str] = mapped_column(ForeignKey("programme_snapshots.checksum"))
    organiser: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(32))
    start_date: Mapped[date] = mapped_column(Date)
    agency_head_email: Mapped[str | None] = mapped_column(String(254))
    version: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64))


class MembershipRow(Base):
    """A role a person holds in a cohort."""

    __tablename__ = "cohort_members"
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    __table_args__ = (Index("ix_cohort_members_person", "person_id", "cohort_id"),)


class ProjectRow(Base):
    """A participant's change project; ``version`` is the optimistic-concurrency counter and
    equals the number of entries in the project's audit stream, whose last hash is ``audit_head``.

    The project row also carries its current stage instance (``stage_id``) with that instance's
    gate and both clocks, which only the current instance has: while a stage is open these columns,
    not the stage instance row, are the truth; when it closes they are copied to its row."""

    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    title: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64))
    stage_id: Mapped[int | None] = mapped_column(Integer)
    gate: Mapped[str | None] = mapped_column(String(20))
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    participant_cycle: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    participant_clock_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_check_at: Mapped[datetime | None] = mapped_column(DateTime)
    submission_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    __table_args__ = (
        UniqueConstraint("cohort_id", "participant_id"),
        Index("ix_projects_mentor", "mentor_id"),
        Index("ix_projects_next_check_at", "next_check_at"),
    )


class StageInstanceRow(Base):
    """One opening of a stage for a project. Written when it opens (deadline as opened) and when
    it closes (its final gate, deadline and clock times); while it is the project's current
    stage, the project row holds its gate and clocks."""

    __tablename__ = "stage_instances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    stage: Mapped[str] = mapped_column(String(32))
    attempt: Mapped[int] = mapped_column(Integer)
    gate: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    participant_cycle: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    decision_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("project_id", "stage", "attempt"),)


class BlobRow(Base):
    """Artifact content, stored once per checksum, with the media type it was accepted as."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    media_type: Mapped[str | None] = mapped_column(String(128))


class AuditRow(Base):
    """An append-only, hash-chained audit entry."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    stream: Mapped[str] = mapped_column(String(40))
    stream_seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("stream", "stream_seq"),)


class AlertRow(Base):
    """A reminder or an escalation raised for one clock of a stage instance, exactly once."""

    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_instance_id: Mapped[int] = mapped_column(ForeignKey("stage_instances.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    kind: Mapped[str] = mapped_column(String(12))
    clock: Mapped[str] = mapped_column(String(12))
    cycle: Mapped[int] = mapped_column(Integer)
    rung: Mapped[int] = mapped_column(Integer)
    notify: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(DateTime)
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        UniqueConstraint("stage_instance_id", "kind", "clock", "cycle", "rung"),
        Index("ix_alerts_cohort_kind_open", "cohort_id", "kind", "resolved_at"),
    )


class OutboxRow(Base):
    """A notification to send, written in the same transaction as what caused it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(32))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    cohort_id: Mapped[int | None] = mapped_column(Integer)
    project_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(500))
    lang: Mapped[str] = mapped_column(String(2), default="id")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)


class ExtensionRow(Base):
    """A participant's request for more time on a stage, and its decision."""

    __tablename__ = "extensions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_instance_id: Mapped[int] = mapped_column(ForeignKey("stage_instances.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    requested_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)
    new_due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class EventCursorRow(Base):
    """How far a consumer of the audit log (e.g. the Prefect event emitter) has read."""

    __tablename__ = "event_cursors"
    consumer: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


# --- Benchmarking to Best Practice ---------------------------------------------------------------


class HostPartnerRow(Base):
    """A host unit of a host agency (*mitra benchmarking*, *lokus*) recorded by a cohort."""

    __tablename__ = "host_partners"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    code: Mapped[str] = mapped_column(String(40))
    agency: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(120))
    province: Mapped[str] = mapped_column(String(120), default="")
    timezone: Mapped[str] = mapped_column(String(32))
    focus: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[str] = mapped_column(Text, default="[]")
    """Why the host was chosen (awards, innovations), as a JSON list of texts."""
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_role: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(24))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    __table_args__ = (UniqueConstraint("cohort_id", "code"),)


class GroupRow(Base):
    """A benchmarking group (*kelompok*) of a cohort."""

    __tablename__ = "bench_groups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    code: Mapped[str] = mapped_column(String(40))
    theme: Mapped[str] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("cohort_id", "code"),)


class GroupMemberRow(Base):
    """A project in a group; one group per project in a cohort (the unique key settles races)."""

    __tablename__ = "group_members"
    group_id: Mapped[int] = mapped_column(ForeignKey("bench_groups.id"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    __table_args__ = (UniqueConstraint("cohort_id", "project_id"),)


class GroupHostRow(Base):
    """A host unit a group studies."""

    __tablename__ = "group_hosts"
    group_id: Mapped[int] = mapped_column(ForeignKey("bench_groups.id"), primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("host_partners.id"), primary_key=True)


class GroupReportRow(Base):
    """A numbered version of a group's report; content in ``blobs`` by checksum."""

    __tablename__ = "group_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("bench_groups.id"))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("group_id", "kind", "number"),)


class VisitRow(Base):
    """A benchmarking visit of a cohort to a host agency."""

    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    code: Mapped[str] = mapped_column(String(40))
    host_agency: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(32))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("cohort_id", "code"),)


class AgendaItemRow(Base):
    """An agenda item of a visit: a day (and hours) at a host unit, for one group or all."""

    __tablename__ = "visit_agenda"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    starts: Mapped[str | None] = mapped_column(String(5))
    ends: Mapped[str | None] = mapped_column(String(5))
    host_id: Mapped[int] = mapped_column(ForeignKey("host_partners.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("bench_groups.id"))
    topic: Mapped[str] = mapped_column(Text)


class VisitParticipantRow(Base):
    """A participant's project booked on a visit."""

    __tablename__ = "visit_participants"
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    __table_args__ = (Index("ix_visit_participants_project", "project_id"),)


class CompanionRow(Base):
    """A mentor, coach, examiner or committee member accompanying a visit."""

    __tablename__ = "visit_companions"
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))


class VisitGroupRow(Base):
    """A group a visit booked: its members are the visit's participants while the visit has not
    ended (migration 0006)."""

    __tablename__ = "visit_groups"
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("bench_groups.id"), primary_key=True)
    __table_args__ = (Index("ix_visit_groups_group", "group_id"),)


class LessonRow(Base):
    """A lesson of a project's register, traced to a practice observed at a host."""

    __tablename__ = "lessons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    number: Mapped[int] = mapped_column(Integer)
    host_id: Mapped[int] = mapped_column(ForeignKey("host_partners.id"))
    practice: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(500), default="")
    evidence: Mapped[str] = mapped_column(Text)
    success_key: Mapped[str] = mapped_column(Text)
    lesson: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("project_id", "number"),)


class AdoptionRow(Base):
    """The adoption decision on one lesson (one per lesson)."""

    __tablename__ = "adoption_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    rationale: Mapped[str] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime)


class MilestoneRow(Base):
    """A milestone of a project's change plan."""

    __tablename__ = "milestones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    term: Mapped[str] = mapped_column(String(8))
    target_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    evidence: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("project_id", "number"),)


class AdoptionMilestoneRow(Base):
    """A milestone that carries out an adoption decision."""

    __tablename__ = "adoption_milestones"
    decision_id: Mapped[int] = mapped_column(ForeignKey("adoption_decisions.id"), primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"), primary_key=True)


class SeminarSessionRow(Base):
    """A seminar session (design, benchmarking or final) of a cohort."""

    __tablename__ = "seminar_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(300), default="")


class SeminarExaminerRow(Base):
    """An examiner of a session."""

    __tablename__ = "seminar_examiners"
    session_id: Mapped[int] = mapped_column(ForeignKey("seminar_sessions.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)


class SeminarEntryRow(Base):
    """A participant in a session, their examiner and their grade (recorded once)."""

    __tablename__ = "seminar_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("seminar_sessions.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    grade: Mapped[str | None] = mapped_column(String(32))
    mean_score: Mapped[float | None] = mapped_column(Float)
    graded_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    graded_at: Mapped[datetime | None] = mapped_column(DateTime)
    kind: Mapped[str | None] = mapped_column(String(16))
    """The session's kind, unique with the project: one session of each kind per participant
    (empty only on a second entry made before migration 0007)."""
    __table_args__ = (
        UniqueConstraint("session_id", "project_id"),
        Index("uq_seminar_entries_project_id_kind", "project_id", "kind", unique=True),
    )


class SeminarScoreRow(Base):
    """One panel member's score of one participant in one session."""

    __tablename__ = "seminar_scores"
    entry_id: Mapped[int] = mapped_column(ForeignKey("seminar_entries.id"), primary_key=True)
    scorer_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(12))
    score: Mapped[float] = mapped_column(Float)
    scored_at: Mapped[datetime] = mapped_column(DateTime)


class RemediationRow(Base):
    """The remediation (revision or make-up) a failing grade opens, and its re-grade."""

    __tablename__ = "remediations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("seminar_entries.id"), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    regrade: Mapped[str | None] = mapped_column(String(32))
    capped: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)


# --- Accounts ------------------------------------------------------------------------------------


class CredentialRow(Base):
    """A person's password: an argon2 hash, never the password itself."""

    __tablename__ = "credentials"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    set_at: Mapped[datetime] = mapped_column(DateTime)
    must_change: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSessionRow(Base):
    """A browser session; the cookie holds its secret, the row only the secret's SHA-256."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    csrf_token: Mapped[str] = mapped_column(String(64))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class ApiTokenRow(Base):
    """An API token for an integration, scoped to one cohort; stored as the secret's SHA-256."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    read_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class LoginFailureRow(Base):
    """Consecutive failed logins under one login name (what slows the next attempt down)."""

    __tablename__ = "login_failures"
    login: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime)


class IdempotencyKeyRow(Base):
    """A POST made with an ``Idempotency-Key``: who sent it, a digest of the request, and once
    it is done, the response to give back when the same request comes again."""

    __tablename__ = "idempotency_keys"
    principal: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    media_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
