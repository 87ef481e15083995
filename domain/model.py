"""Entities and value objects of a cohort and its change projects (pydantic v2, no I/O)."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.nip import NipStr
from domain.roles import Role

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TIMEZONES: dict[str, str] = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def _check_email(value: str) -> str:
    """Lower-case and check the shape of an e-mail address."""
    value = value.strip().lower()
    if not _EMAIL.match(value):
        raise ValueError(f"not an e-mail address: {value!r}")
    return value


def _check_timezone(value: str) -> str:
    """Accept only the three Indonesian time zones (by IANA name or WIB/WITA/WIT)."""
    by_label = {label: name for name, label in TIMEZONES.items()}
    value = by_label.get(value.upper(), value)
    if value not in TIMEZONES:
        raise ValueError(
            f"unknown time zone {value!r}; allowed: "
            + ", ".join(f"{n} ({lbl})" for n, lbl in TIMEZONES.items())
        )
    return value


Email = Annotated[str, AfterValidator(_check_email)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]


class Gate(StrEnum):
    """The gate every stage runs: drafting → submitted → (changes_requested → submitted)* → approved."""

    DRAFTING = "drafting"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REOPENED = "reopened"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    """What an approver decided on a submission."""

    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class _Entity(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Person(_Entity):
    """A civil servant known to patok: participant, mentor, coach, examiner or coordinator."""

    id: int | None = None
    nip: NipStr
    name: str = Field(min_length=2, max_length=200)
    email: Email
    agency: str = Field(min_length=2, max_length=200)
    unit: str = Field(default="", max_length=200)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 \-]{6,19}$")
    lang: Literal["id", "en"] = "id"
    can_create_cohorts: bool = False
    digest: bool = False
    """Mentors and coordinators may take a daily digest instead of single messages."""


class Cohort(_Entity):
    """An *angkatan*: one run of a programme, pinned to the programme version it was created with."""

    id: int | None = None
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
    name: str = Field(min_length=3, max_length=300)
    programme_code: str
    programme_version: str
    programme_checksum: str
    organiser: str = Field(min_length=2, max_length=200)
    timezone: TimeZoneName
    start_date: date
    version: int = 0


class Membership(_Entity):
    """A role a person holds in one cohort."""

    cohort_id: int
    person_id: int
    role: Role


class ChangeProject(_Entity):
    """A participant's change project and where it stands in the lifecycle."""

    id: int
    cohort_id: int
    participant_id: int
    mentor_id: int
    coach_id: int | None
    title: str
    state: str
    version: int
    audit_head: str


class StageInstance(_Entity):
    """One opening of a stage for a project (a reopened stage gets a new attempt)."""

    id: int
    project_id: int
    stage: str
    attempt: int
    gate: Gate
    opened_at: datetime
    due_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    participant_cycle: int = 1
    decision_due_at: datetime | None = None
    next_check_at: datetime | None = None


class Artifact(_Entity):
    """A file attached to a submission, identified by its checksum."""

    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    filename: str = Field(min_length=1, max_length=255)
    media_type: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ArtifactUpload(_Entity):
    """An artifact as submitted: its metadata and its bytes."""

    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    filename: str = Field(min_length=1, max_length=255)
    media_type: str
    content: bytes


class Submission(_Entity):
    """A numbered version of a stage's report submitted by the participant."""

    id: int
    stage_instance_id: int
    number: int
    submitted_by: int
    submitted_at: datetime
    note: str
    artifacts: tuple[Artifact, ...] = ()


class Decision(_Entity):
    """An approver's decision on one submission (at most one per submission)."""

    id: int
    submission_id: int
    decided_by: int
    outcome: Outcome
    comment: str
    decided_at: datetime


class AuditEvent(_Entity):
    """One entry of a hash-chained audit stream (a project's or a cohort's)."""

    seq: int
    stream: str
    stream_seq: int
    at: datetime
    actor_id: int | None
    action: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str
