"""Commands of Benchmarking to Best Practice: planning (hosts, groups, visits), a project's content
(lessons, adoption decisions, milestones) and seminars (sessions, scores, grades, re-grades).

Like :mod:`domain.commands`, each names who is acting; people, hosts and groups are named by NIP or
e-mail and by code, and resolved against the cohort by the services in ``states/``.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from domain.benchmarking import AgendaSpec, BenchmarkPlan, GroupSpec, HostSpec, VisitSpec
from domain.commands import Command, ProjectCommand
from domain.content import AdoptionKind, MilestoneStatus, MilestoneTerm
from domain.model import ArtifactUpload
from domain.seminars import RemediationKind, SeminarKind


class RecordHost(Command):
    """A coordinator records a host partner (a host unit) of the cohort."""

    cohort_code: str
    host: HostSpec


class FormGroup(Command):
    """A coordinator forms a benchmarking group with its theme, members and host units."""

    cohort_code: str
    group: GroupSpec


class ChangeGroup(Command):
    """A coordinator adds or removes a group's members and host units, or changes its theme."""

    cohort_code: str
    code: str
    theme: str | None = None
    add_members: tuple[str, ...] = ()
    remove_members: tuple[str, ...] = ()
    add_hosts: tuple[str, ...] = ()
    remove_hosts: tuple[str, ...] = ()


class ChangeHost(Command):
    """A coordinator corrects a host partner: any field given replaces the recorded one (its code
    stays); the contact's fields merge with the recorded contact (``clear_contact`` drops it)."""

    cohort_code: str
    code: str
    agency: str | None = Field(default=None, max_length=200)
    unit: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=120)
    timezone: str | None = Field(default=None, max_length=32)
    province: str | None = Field(default=None, max_length=120)
    focus: str | None = Field(default=None, max_length=4000)
    reasons: tuple[str, ...] | None = None
    contact_name: str | None = Field(default=None, max_length=200)
    contact_role: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=24)
    contact_email: str | None = Field(default=None, max_length=254)
    clear_contact: bool = False


class RemoveHost(Command):
    """A coordinator removes a host partner no lesson and no agenda item refers to (it is taken
    out of the groups that studied it)."""

    cohort_code: str
    code: str


class UploadGroupReport(Command):
    """A member (or a coordinator) uploads the group's report; a new upload is a new version."""

    cohort_code: str
    group_code: str
    upload: ArtifactUpload


class PlanVisit(Command):
    """A coordinator plans a visit: host, city, days, agenda, participants and companions."""

    cohort_code: str
    visit: VisitSpec


class ChangeVisit(Command):
    """A coordinator changes a planned visit: its days, host agency, city, zone or note (a field
    given replaces the recorded one), the groups it books (their members join or leave with
    them), single participants and companions (NIP or e-mail)."""

    cohort_code: str
    code: str
    start: date | None = None
    end: date | None = None
    host_agency: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=120)
    timezone: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=4000)
    add_groups: tuple[str, ...] = ()
    remove_groups: tuple[str, ...] = ()
    add_participants: tuple[str, ...] = ()
    remove_participants: tuple[str, ...] = ()
    add_companions: tuple[str, ...] = ()
    remove_companions: tuple[str, ...] = ()


class CancelVisit(Command):
    """A coordinator cancels a visit that has not ended yet, with a reason (kept in the audit)."""

    cohort_code: str
    code: str
    reason: str = Field(default="", max_length=2000)


class AddAgendaItem(Command):
    """A coordinator adds an item to a visit's agenda."""

    cohort_code: str
    visit_code: str
    item: AgendaSpec


class ImportPlan(Command):
    """A coordinator imports a benchmarking plan (hosts, groups, visits): all of it, or nothing."""

    cohort_code: str
    plan: BenchmarkPlan


class RecordLesson(ProjectCommand):
    """The participant records a lesson traced to a best practice observed at a host."""

    host: str = ""
    practice: str = Field(default="", max_length=4000)
    location: str = Field(default="", max_length=500)
    evidence: str = Field(default="", max_length=4000)
    success_key: str = Field(default="", max_length=4000)
    lesson: str = Field(default="", max_length=4000)


class RemoveLesson(Command):
    """The participant removes a lesson (and the decision on it) from the register."""

    lesson_id: int


class DecideAdoption(Command):
    """The participant decides what to do with a lesson; deciding again replaces the decision.

    ``milestones`` are milestone numbers of the same project's change plan."""

    lesson_id: int
    kind: AdoptionKind
    rationale: str = Field(default="", max_length=4000)
    changes: str = Field(default="", max_length=4000)
    milestones: tuple[int, ...] = ()


class AddMilestone(ProjectCommand):
    """The participant adds a milestone to the change plan."""

    title: str = Field(default="", max_length=500)
    term: MilestoneTerm
    target_date: date | None = None


class ReportMilestone(Command):
    """The participant reports a milestone done (with evidence) or slipped (with a reason and,
    optionally, a new target date), or back to planned."""

    milestone_id: int
    status: MilestoneStatus
    evidence: str = Field(default="", max_length=4000)
    note: str = Field(default="", max_length=4000)
    done_on: date | None = None
    new_target: date | None = None


class CreateSeminar(Command):
    """A coordinator schedules a seminar session with its examiners."""

    cohort_code: str
    kind: SeminarKind
    title: str = Field(default="", max_length=300)
    starts_at: datetime
    place: str = Field(default="", max_length=300)
    examiners: tuple[str, ...] = ()


class ScheduleSeminar(Command):
    """A coordinator puts participants in a session, each assigned to an examiner (the one given,
    else the least loaded)."""

    session_id: int
    participants: tuple[str, ...]
    examiner: str | None = None


class ScoreSeminar(Command):
    """A member of a participant's panel (examiner, mentor or coach) scores them."""

    session_id: int
    participant: str
    score: float


class GradeSeminar(Command):
    """The participant's examiner records the grade (given, or from the mean score); a failing
    grade opens a remediation of the given kind."""

    session_id: int
    participant: str
    grade: str | None = None
    remediation: RemediationKind = RemediationKind.REVISION


class RegradeRemediation(Command):
    """The examiner re-grades after a remediation (capped by the programme)."""

    remediation_id: int
    grade: str | None = None
    score: float | None = None
    note: str = Field(default="", max_length=4000)
