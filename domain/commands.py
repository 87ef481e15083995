"""Commands: what an actor asks the engine to do (imperative names, validated on construction)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from domain.model import ArtifactUpload, TimeZoneName
from domain.programme import ProgrammeDefinition
from domain.roster import Roster

EARLIEST_START = date(2000, 1, 1)
LATEST_START = date(2099, 12, 31)
"""Cohorts start in this range: the holiday calendar, and every deadline counted from the start
date, stay within it."""


class Command(BaseModel):
    """Base of every command: who is acting."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor_id: int


class ProjectCommand(Command):
    """A command on one project; ``expected_version`` makes it fail if the project moved since."""

    project_id: int
    expected_version: int | None = None


class SubmitStage(ProjectCommand):
    """The participant submits the current stage's report with its artifacts."""

    note: str = Field(default="", max_length=4000)
    artifacts: tuple[ArtifactUpload, ...] = ()


class ApproveStage(ProjectCommand):
    """An approver approves the pending submission; the project moves to the next stage."""

    comment: str = Field(default="", max_length=4000)


class RequestChanges(ProjectCommand):
    """An approver sends the pending submission back, saying what to change."""

    comment: str = Field(default="", max_length=4000)


class WithdrawProject(ProjectCommand):
    """A coordinator withdraws a project, with a reason."""

    reason: str = Field(default="", max_length=4000)


class ReopenStage(ProjectCommand):
    """A coordinator reopens an earlier stage, with a reason."""

    stage: str
    reason: str = Field(default="", max_length=4000)


class CreateCohort(Command):
    """A coordinator creates a cohort pinned to the current version of a programme, or to a
    programme definition of their own (``programme``), which is then stored with the cohort."""

    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
    name: str = Field(min_length=3, max_length=300)
    programme_code: str = ""
    programme: ProgrammeDefinition | None = None
    organiser: str = Field(min_length=2, max_length=200)
    timezone: TimeZoneName
    start_date: date = Field(
        ge=EARLIEST_START,
        le=LATEST_START,
        description="between 2000-01-01 and 2099-12-31 (working-day calendars exist for these)",
    )


class ImportRoster(Command):
    """A coordinator imports a roster into a cohort: all of it, or nothing."""

    cohort_code: str
    roster: Roster


class RequestExtension(ProjectCommand):
    """The participant asks for a later deadline on the current stage, saying why."""

    reason: str = Field(default="", max_length=4000)
    new_due_date: date


class DecideExtension(Command):
    """The mentor or a coordinator grants or refuses a pending extension request."""

    extension_id: int
    grant: bool
    note: str = Field(default="", max_length=4000)
