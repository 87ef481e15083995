"""The request and response bodies of the benchmarking, project-content, seminar and report
operations (pydantic), their path parameters, and their conversion from domain objects.

Like :mod:`adapters.web.api.schemas`, every response is declared, so the OpenAPI document says
exactly what comes back. Inputs are bounded (lengths, list sizes, dates within 2000–2099); what
only the cohort can tell (unknown hosts, people or groups, overlapping visits, a score outside the
programme's range, a grade off its scale) is left to the services, whose refusals name the field.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from adapters.web.api.schemas import Page, PersonBrief, file_url, person_brief
from domain.benchmarking import GroupReport, HostPartner, Visit
from domain.content import AdoptionDecision, Lesson, Milestone
from domain.model import Person
from domain.seminars import Remediation, Score, SeminarEntry, SeminarSession
from states.benchmarking import Overview, PlanOutcome, VisitOutcome
from states.content import ContentResult, ContentView, SlippedMilestone
from states.reports import HostRow, ParticipantRecord, TraceRow
from states.seminars import Scheduled, SeminarRecord, SeminarResult, SessionView

CohortCode = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$", max_length=64, description="Cohort code")
]
"""A cohort's code in a path."""
PlanCode = Annotated[
    str,
    Path(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$",
        max_length=40,
        description="Code of a group, visit or host partner",
    ),
]
"""A group's or a visit's code in a path (letters, digits, '.', '_' or '-', up to 40)."""
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
"""A numeric id in a path."""

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
FIRST_INSTANT = datetime(2000, 1, 1, tzinfo=UTC)
LAST_INSTANT = datetime(2099, 12, 31, tzinfo=UTC)
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
Ref = Annotated[str, Field(min_length=1, max_length=254, description="NIP or e-mail")]
CodeRef = Annotated[str, Field(min_length=1, max_length=64, description="A code")]
Text = Annotated[str, Field(max_length=4000)]
Short = Annotated[str, Field(max_length=300)]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- host partners, groups, visits ---------------------------------------------------------------


class ContactIn(_In):
    """The host's contact person."""

    name: str = Field(max_length=200)
    role: str = Field(default="", max_length=200)
    phone: str | None = Field(default=None, max_length=24)
    email: str | None = Field(default=None, max_length=254)


class ContactOut(_Out):
    """The host's contact person."""

    name: str
    role: str
    phone: str | None
    email: str | None


class HostIn(_In):
    """A host partner (one unit of a host agency) to record; ``timezone`` is WIB, WITA or WIT
    (or its IANA name); ``reasons`` say why it was chosen (awards, innovations)."""

    code: str = Field(max_length=64, description="Letters, digits, '.', '_' or '-', up to 40")
    agency: Short = ""
    unit: Short = ""
    city: Short = ""
    timezone: str = Field(default="WIB", max_length=64)
    province: Short = ""
    focus: Text = ""
    reasons: list[Text] = Field(default_factory=list, max_length=20)
    contact: ContactIn | None = None


class HostOut(_Out):
    """A host partner of a cohort."""

    id: int
    code: str
    agency: str
    unit: str
    city: str
    province: str
    timezone: str
    focus: str
    reasons: list[str]
    contact: ContactOut | None


def host_out(h: HostPartner) -> HostOut:
    """A host partner as the API shows it."""
    contact = h.contact
    return HostOut(
        id=h.id,
        code=h.code,
        agency=h.agency,
        unit=h.unit,
        city=h.city,
        province=h.province,
        timezone=h.timezone,
        focus=h.focus,
        reasons=list(h.reasons),
        contact=None
        if contact is None
        else ContactOut(name=contact.name, role=contact.role, phone=contact.phone, email=contact.email),
    )


class HostChangeIn(_In):
    """A correction of a host partner: each field given replaces the recorded one (its code
    stays; ``reasons`` replaces every reason); the contact's fields merge with the recorded
    contact, and ``clear_contact`` removes it. At least one field must be given."""

    agency: str | None = Field(default=None, max_length=200)
    unit: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=120)
    timezone: str | None = Field(default=None, max_length=32, description="WIB, WITA or WIT")
    province: str | None = Field(default=None, max_length=120)
    focus: Text | None = None
    reasons: list[Text] | None = Field(default=None, max_length=20)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_role: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=24)
    contact_email: str | None = Field(default=None, max_length=254)
    clear_contact: bool = False


class GroupIn(_In):
    """A group to form: its code (I, II, …), focus theme, members (participants by NIP or
    e-mail; at least one) and host units (host partner codes)."""

    code: str = Field(max_length=64)
    theme: Short = ""
    members: list[Ref] = Field(default_factory=list, max_length=200)
    hosts: list[CodeRef] = Field(default_factory=list, max_length=50)


class GroupChangeIn(_In):
    """A change to a group: a new theme (left out: kept), members and host units to add or
    remove. A group is never left without members."""

    theme: Short | None = None
    add_members: list[Ref] = Field(default_factory=list, max_length=200)
    remove_members: list[Ref] = Field(default_factory=list, max_length=200)
    add_hosts: list[CodeRef] = Field(default_factory=list, max_length=50)
    remove_hosts: list[CodeRef] = Field(default_factory=list, max_length=50)


class GroupReportIn(_In):
    """A version of the group's report, its content in base64. ``kind`` may be left out when
    the programme has one kind of group report."""

    kind: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    filename: str = Field(min_length=1, max_length=255)
    media_type: str = Field(default="application/octet-stream", max_length=128)
    content_base64: str = Field(max_length=70_000_000)


class GroupReportOut(_Out):
    """A stored version of a group's report."""

    id: int
    number: int
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: int
    uploaded_at: datetime


def group_report_out(r: GroupReport) -> GroupReportOut:
    """A group report version as the API shows it."""
    return GroupReportOut(
        id=r.id,
        number=r.number,
        kind=r.kind,
        filename=r.filename,
        media_type=r.media_type,
        size=r.size,
        sha256=r.sha256,
        uploaded_by=r.uploaded_by,
        uploaded_at=r.uploaded_at,
    )


class GroupMemberOut(_Out):
    """A member of a group: the participant and their project."""

    project_id: int
    participant: PersonBrief


class GroupOut(_Out):
    """A benchmarking group with its host units (codes), members and report versions."""

    id: int
    code: str
    theme: str
    hosts: list[str]
    members: list[GroupMemberOut]
    reports: list[GroupReportOut]


def groups_out(o: Overview) -> list[GroupOut]:
    """A cohort's groups as the API shows them."""
    hosts = {h.id: h.code for h in o.hosts}
    return [
        GroupOut(
            id=g.id,
            code=g.code,
            theme=g.theme,
            hosts=[hosts[h] for h in g.host_ids if h in hosts],
            members=[
                GroupMemberOut(
                    project_id=p,
                    participant=person_brief(o.index.people[o.index.projects[p].participant_id]),
                )
                for p in g.member_ids
                if p in o.index.projects
            ],
            reports=[group_report_out(r) for r in o.reports if r.group_id == g.id],
        )
        for g in o.groups
    ]


class AgendaIn(_In):
    """An agenda item: a day of the visit (and hours) at a host unit, for a group or for all."""

    date: Day
    host: str = Field(default="", max_length=64, description="Host partner code")
    topic: Text = ""
    start: time | None = None
    end: time | None = None
    group: str | None = Field(default=None, max_length=64, description="Group code")


class VisitIn(_In):
    """A visit to plan. The dates default to the agenda's first and last days; the host agency,
    city and time zone to those of the agenda's host units. Participants are the members of
    ``groups`` plus ``participants``; companions are the cohort's mentors, coaches, examiners or
    coordinators (NIP or e-mail)."""

    code: str = Field(max_length=64)
    start_date: Day | None = None
    end_date: Day | None = None
    host_agency: Short = ""
    city: Short = ""
    timezone: str = Field(default="", max_length=64)
    groups: list[CodeRef] = Field(default_factory=list, max_length=50)
    participants: list[Ref] = Field(default_factory=list, max_length=200)
    companions: list[Ref] = Field(default_factory=list, max_length=200)
    agenda: list[AgendaIn] = Field(default_factory=list, max_length=200)
    note: Text = ""


class VisitChangeIn(_In):
    """A change of a planned visit: ``start`` and ``end`` (its new first and last days; the
    agenda must stay within them), ``host_agency``, ``city``, ``timezone`` and ``note`` replace
    the recorded ones when given; groups to book or release (their members join or leave with
    them), single participants and companions (NIP or e-mail) to add or remove. A visit keeps at
    least one participant, and nobody may end up on two visits whose days overlap."""

    start: Day | None = None
    end: Day | None = None
    host_agency: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=120)
    timezone: str | None = Field(default=None, max_length=32, description="WIB, WITA or WIT")
    note: Text | None = None
    add_groups: list[CodeRef] = Field(default_factory=list, max_length=50)
    remove_groups: list[CodeRef] = Field(default_factory=list, max_length=50)
    add_participants: list[Ref] = Field(default_factory=list, max_length=200)
    remove_participants: list[Ref] = Field(default_factory=list, max_length=200)
    add_companions: list[Ref] = Field(default_factory=list, max_length=200)
    remove_companions: list[Ref] = Field(default_factory=list, max_length=200)


class VisitCancelIn(_In):
    """Why a visit that has not ended is cancelled (required; kept in the audit log)."""

    reason: str = Field(default="", max_length=2000)


class PlanImportIn(_In):
    """A benchmarking plan as text: YAML (``hosts``, ``groups``, ``visits``) or CSV (one row per
    agenda item). ``source`` names it in the problems (``plan.yaml visits[0].agenda[2].host
    (line 17)``); by default ``plan.yaml`` or ``plan.csv``."""

    format: Literal["yaml", "csv"]
    content: str = Field(min_length=1, max_length=2_000_000)
    source: str | None = Field(default=None, max_length=200)


class PlanOut(_Out):
    """What a planning command stored (codes of new host partners, groups and visits) and its
    warnings (visit days that are weekends or holidays at the host), in the request's language
    and in both."""

    event: str
    cohort: str
    hosts: list[str]
    groups: list[str]
    visits: list[str]
    warnings: list[str]
    warnings_id: list[str]
    warnings_en: list[str]


def plan_out(r: PlanOutcome, lang: str) -> PlanOut:
    """A planning outcome as the API shows it."""
    return PlanOut(
        event=r.event,
        cohort=r.cohort,
        hosts=list(r.hosts),
        groups=list(r.groups),
        visits=list(r.visits),
        warnings=r.warnings(lang),
        warnings_id=list(r.warnings_id),
        warnings_en=list(r.warnings_en),
    )


class AgendaOut(_Out):
    """An item of a visit's agenda."""

    id: int
    date: date
    start: time | None
    end: time | None
    host: str | None
    group: str | None
    topic: str


class CompanionOut(_Out):
    """Someone travelling with the participants, and as what."""

    person: PersonBrief
    role: str


class VisitParticipantOut(_Out):
    """A participant booked on a visit."""

    project_id: int
    participant: PersonBrief


class VisitOut(_Out):
    """A benchmarking visit: where, when, where it stands today, its agenda and its people."""

    id: int
    code: str
    host_agency: str
    city: str
    timezone: str
    start_date: date
    end_date: date
    status: str
    note: str
    groups: list[str] = Field(
        description="The groups (codes) the visit booked: their members join or leave with them"
    )
    agenda: list[AgendaOut]
    participants: list[VisitParticipantOut]
    companions: list[CompanionOut]


def visit_out(v: Visit, o: Overview) -> VisitOut:
    """A visit as the API shows it."""
    hosts = {h.id: h.code for h in o.hosts}
    groups = {g.id: g.code for g in o.groups}
    people, projects = o.index.people, o.index.projects
    return VisitOut(
        id=v.id,
        code=v.code,
        host_agency=v.host_agency,
        city=v.city,
        timezone=v.timezone,
        start_date=v.start_date,
        end_date=v.end_date,
        status=v.status(o.today).value,
        note=v.note,
        groups=[groups[g] for g in v.group_ids if g in groups],
        agenda=[
            AgendaOut(
                id=a.id,
                date=a.day,
                start=a.starts,
                end=a.ends,
                host=hosts.get(a.host_id),
                group=groups.get(a.group_id) if a.group_id is not None else None,
                topic=a.topic,
            )
            for a in v.agenda
        ],
        participants=[
            VisitParticipantOut(
                project_id=p, participant=person_brief(people[projects[p].participant_id])
            )
            for p in v.participant_ids
            if p in projects
        ],
        companions=[
            CompanionOut(person=person_brief(people[c.person_id]), role=c.role)
            for c in v.companions
            if c.person_id in people
        ],
    )


class VisitChangedOut(_Out):
    """What a change or a cancellation did to a visit: the event, the visit as it is now (as it
    was, when cancelled) and the warnings (new visit days that are weekends or holidays at the
    host), in the request's language and in both."""

    event: str
    cohort: str
    visit: VisitOut
    warnings: list[str]
    warnings_id: list[str]
    warnings_en: list[str]


def visit_changed_out(r: VisitOutcome, o: Overview, lang: str) -> VisitChangedOut:
    """A visit's change or cancellation as the API shows it (``o`` read after it)."""
    return VisitChangedOut(
        event=r.event,
        cohort=r.cohort,
        visit=visit_out(r.visit, o),
        warnings=r.warnings(lang),
        warnings_id=list(r.warnings_id),
        warnings_en=list(r.warnings_en),
    )


# --- a project's content --------------------------------------------------------------------------


class _ProjectWrite(_In):
    expected_version: int | None = Field(
        default=None,
        ge=0,
        le=2**31,
        description="Refuse (409) if the project moved since this version",
    )


class LessonIn(_ProjectWrite):
    """A lesson traced to a best practice observed at a host partner: every field but
    ``location`` is required (the refusal names each one missing)."""

    host: str = Field(default="", max_length=64, description="Host partner code")
    practice: Text = ""
    location: str = Field(default="", max_length=500)
    evidence: Text = ""
    success_key: Text = ""
    lesson: Text = ""


class AdoptionIn(_In):
    """The decision on a lesson: ``rationale`` always; ``changes`` when adapting; the change-plan
    milestones (numbers) that carry it out, none when not adopting. Deciding again replaces it."""

    decision: Literal["adopt", "adapt", "not_adopt"]
    rationale: Text = ""
    changes: Text = ""
    milestones: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=list, max_length=50
    )


class MilestoneIn(_ProjectWrite):
    """A milestone of the change plan: what is achieved, its term and its target date."""

    title: str = Field(default="", max_length=500)
    term: Literal["short", "medium", "long"] = "short"
    target_date: Day | None = None


class MilestoneDoneIn(_In):
    """A milestone reported done, with its evidence (``done_on``: today when left out)."""

    evidence: Text = ""
    done_on: Day | None = None


class MilestoneSlipIn(_In):
    """A milestone reported slipped, with the reason (and, optionally, a new target date)."""

    reason: Text = ""
    new_target: Day | None = None


class MilestoneReplanIn(_In):
    """A milestone planned again with a new target date."""

    new_target: Day
    note: Text = ""


class ContentOut(_Out):
    """What a content command stored: the event, the row's id and number, the project's new
    version."""

    project_id: int
    event: str
    id: int
    number: int
    version: int
    payload: dict[str, Any]


def content_out(r: ContentResult) -> ContentOut:
    """A content command's result as the API shows it."""
    return ContentOut(
        project_id=r.project_id,
        event=r.event,
        id=r.id,
        number=r.number,
        version=r.version,
        payload=dict(r.payload),
    )


class DecisionOut(_Out):
    """The adoption decision on a lesson and the milestones (numbers) that carry it out."""

    id: int
    decision: str
    rationale: str
    changes: str
    milestones: list[int]
    decided_by: int
    decided_at: datetime


def decision_out(d: AdoptionDecision, number_of: dict[int, int]) -> DecisionOut:
    """A decision as the API shows it."""
    return DecisionOut(
        id=d.id,
        decision=d.kind.value,
        rationale=d.rationale,
        changes=d.changes,
        milestones=[number_of[m] for m in d.milestone_ids if m in number_of],
        decided_by=d.decided_by,
        decided_at=d.decided_at,
    )


class LessonOut(_Out):
    """A lesson of the register, traced to its host's practice, with its decision (if any)."""

    id: int
    number: int
    host: str
    host_unit: str
    practice: str
    location: str
    evidence: str
    success_key: str
    lesson: str
    recorded_at: datetime
    decision: DecisionOut | None


def lessons_out(
    lessons: list[Lesson],
    decisions: list[AdoptionDecision],
    milestones: list[Milestone],
    hosts: dict[int, HostPartner],
) -> list[LessonOut]:
    """Lessons with their decisions as the API shows them."""
    by_lesson = {d.lesson_id: d for d in decisions}
    number_of = {m.id: m.number for m in milestones}
    out = []
    for ls in lessons:
        host = hosts.get(ls.host_id)
        decision = by_lesson.get(ls.id)
        out.append(
            LessonOut(
                id=ls.id,
                number=ls.number,
                host=host.code if host else "",
                host_unit=host.label() if host else "",
                practice=ls.practice,
                location=ls.location,
                evidence=ls.evidence,
                success_key=ls.success_key,
                lesson=ls.lesson,
                recorded_at=ls.recorded_at,
                decision=decision_out(decision, number_of) if decision else None,
            )
        )
    return out


def view_lessons(view: ContentView) -> list[LessonOut]:
    """A project's lessons with their decisions."""
    return lessons_out(view.lessons, view.decisions, view.milestones, view.hosts)


class AdoptionOut(_Out):
    """A lesson and the decision on it (null: not decided yet)."""

    lesson_id: int
    lesson: int
    practice: str
    decision: DecisionOut | None


class MilestoneOut(_Out):
    """A milestone; ``status`` is where it stands today (a planned one past its target date has
    slipped), ``reported_status`` what was last reported."""

    id: int
    number: int
    title: str
    term: str
    target_date: date
    status: str
    reported_status: str
    evidence: str
    note: str
    done_on: date | None


def milestone_out(m: Milestone, today: date) -> MilestoneOut:
    """A milestone as the API shows it on ``today``."""
    return MilestoneOut(
        id=m.id,
        number=m.number,
        title=m.title,
        term=m.term.value,
        target_date=m.target_date,
        status=m.effective_status(today).value,
        reported_status=m.status.value,
        evidence=m.evidence,
        note=m.note,
        done_on=m.done_on,
    )


class SlippedOut(_Out):
    """A slipped milestone (``reported``: the participant said so; else its date just passed)."""

    cohort: str
    project_id: int
    participant: PersonBrief
    mentor: PersonBrief
    milestone: MilestoneOut
    reported: bool


def slipped_out(s: SlippedMilestone) -> SlippedOut:
    """A slipped milestone as the API shows it (its status is ``slipped`` whatever the day: a
    planned one is listed only once its target date has passed)."""
    return SlippedOut(
        cohort=s.cohort,
        project_id=s.project_id,
        participant=person_brief(s.participant),
        mentor=person_brief(s.mentor),
        milestone=milestone_out(s.milestone, date.max),
        reported=s.reported,
    )


# --- seminars ------------------------------------------------------------------------------------


class SeminarIn(_In):
    """A seminar session to schedule, with its examiners (NIP or e-mail; at least one).
    ``starts_at`` is ISO 8601 with its zone offset."""

    kind: Literal["design", "benchmarking", "final"]
    starts_at: AwareDatetime = Field(ge=FIRST_INSTANT, le=LAST_INSTANT)
    examiners: list[Ref] = Field(default_factory=list, max_length=50)
    title: Short = ""
    place: Short = ""


class ScheduleIn(_In):
    """Participants (NIP or e-mail) to put in a session, each with ``examiner`` or else the
    least loaded examiner of the session."""

    participants: list[Ref] = Field(default_factory=list, max_length=200)
    examiner: Ref | None = None


class ScoreIn(_In):
    """A panel member's score of a participant (within the programme's range)."""

    participant: Ref
    score: float = Field(ge=-1e9, le=1e9, allow_inf_nan=False)


class GradeIn(_In):
    """The examiner's grade of a participant: a grade of the programme's scale, or (left out)
    the one the mean score earns; a failing grade opens a remediation of ``remediation`` kind."""

    participant: Ref
    grade: str | None = Field(default=None, max_length=64)
    remediation: Literal["revision", "make_up"] = "revision"


class RegradeIn(_In):
    """The re-grade after a remediation: a grade or a score (not both), capped by the
    programme."""

    grade: str | None = Field(default=None, max_length=64)
    score: float | None = Field(default=None, ge=-1e9, le=1e9, allow_inf_nan=False)
    note: Text = ""


class SessionBrief(_Out):
    """A seminar session."""

    id: int
    kind: str
    title: str
    starts_at: datetime
    place: str
    examiners: list[int]


def session_brief(s: SeminarSession) -> SessionBrief:
    """A session as the API shows it."""
    return SessionBrief(
        id=s.id,
        kind=s.kind.value,
        title=s.title,
        starts_at=s.starts_at,
        place=s.place,
        examiners=list(s.examiner_ids),
    )


class EntryOut(_Out):
    """A participant's place in a session: their examiner, grade and mean score."""

    id: int
    session_id: int
    project_id: int
    examiner_id: int
    grade: str | None
    mean_score: float | None
    graded_at: datetime | None


def entry_out(e: SeminarEntry) -> EntryOut:
    """An entry as the API shows it."""
    return EntryOut(
        id=e.id,
        session_id=e.session_id,
        project_id=e.project_id,
        examiner_id=e.examiner_id,
        grade=e.grade,
        mean_score=e.mean_score,
        graded_at=e.graded_at,
    )


class ScheduledOut(_Out):
    """Participants put in a session, and warnings about examiners' loads."""

    session: SessionBrief
    entries: list[EntryOut]
    warnings: list[str]
    warnings_id: list[str]
    warnings_en: list[str]


def scheduled_out(s: Scheduled, lang: str) -> ScheduledOut:
    """A scheduling as the API shows it."""
    return ScheduledOut(
        session=session_brief(s.session),
        entries=[entry_out(e) for e in s.entries],
        warnings=s.warnings(lang),
        warnings_id=list(s.warnings_id),
        warnings_en=list(s.warnings_en),
    )


class SeminarResultOut(_Out):
    """What a score, grade or re-grade stored on the participant's project."""

    project_id: int
    event: str
    version: int
    entry: EntryOut
    remediation_id: int | None
    payload: dict[str, Any]


def seminar_result_out(r: SeminarResult) -> SeminarResultOut:
    """A seminar command's result as the API shows it."""
    return SeminarResultOut(
        project_id=r.project_id,
        event=r.event,
        version=r.version,
        entry=entry_out(r.entry),
        remediation_id=r.remediation_id,
        payload=dict(r.payload),
    )


class ScoreOut(_Out):
    """One panel member's score."""

    scorer: PersonBrief
    role: str
    score: float
    scored_at: datetime


class RemediationOut(_Out):
    """A remediation after a failing grade, and its re-grade."""

    id: int
    kind: str
    status: str
    regrade: str | None
    capped: bool
    note: str
    opened_at: datetime
    resolved_at: datetime | None


def remediation_out(r: Remediation) -> RemediationOut:
    """A remediation as the API shows it."""
    return RemediationOut(
        id=r.id,
        kind=r.kind.value,
        status=r.status.value,
        regrade=r.regrade,
        capped=r.capped,
        note=r.note,
        opened_at=r.opened_at,
        resolved_at=r.resolved_at,
    )


def _scores(entry_id: int, scores: list[Score], people: dict[int, Person]) -> list[ScoreOut]:
    return [
        ScoreOut(
            scorer=person_brief(people[s.scorer_id]),
            role=s.role.value,
            score=s.score,
            scored_at=s.scored_at,
        )
        for s in scores
        if s.entry_id == entry_id and s.scorer_id in people
    ]


class SessionEntryOut(_Out):
    """A participant in a session, with their examiner, panel scores, grade and remediation."""

    id: int
    project_id: int
    participant: PersonBrief
    examiner: PersonBrief
    scores: list[ScoreOut]
    mean_score: float | None
    grade: str | None
    remediation: RemediationOut | None


class ExaminerLoadOut(_Out):
    """An examiner of a session and how many participants they grade there."""

    examiner: PersonBrief
    participants: int
    over_load: bool


class SessionOut(SessionBrief):
    """A session with its participants, scores and grades, and each examiner's load against the
    programme's ``examiner_load_limit``."""

    examiner_load: list[ExaminerLoadOut]
    examiner_load_limit: int
    entries: list[SessionEntryOut]


def session_out(v: SessionView) -> SessionOut:
    """A session view as the API shows it."""
    people = v.people
    fixes = {r.entry_id: r for r in v.remediations}
    return SessionOut(
        **session_brief(v.session).model_dump(),
        examiner_load=[
            ExaminerLoadOut(
                examiner=person_brief(people[e]),
                participants=v.load.get(e, 0),
                over_load=v.load.get(e, 0) > v.limit,
            )
            for e in v.session.examiner_ids
            if e in people
        ],
        examiner_load_limit=v.limit,
        entries=[
            SessionEntryOut(
                id=e.id,
                project_id=e.project_id,
                participant=person_brief(people[v.projects[e.project_id].participant_id]),
                examiner=person_brief(people[e.examiner_id]),
                scores=_scores(e.id, v.scores, people),
                mean_score=e.mean_score,
                grade=e.grade,
                remediation=remediation_out(fixes[e.id]) if e.id in fixes else None,
            )
            for e in v.entries
        ],
    )


class RecordSeminarOut(_Out):
    """One of a participant's seminars: the session, their examiner, the panel's scores, the
    grade and any remediation."""

    session: SessionBrief
    examiner: PersonBrief
    scores: list[ScoreOut]
    mean_score: float | None
    grade: str | None
    remediation: RemediationOut | None


class CertificateOut(_Out):
    """Whether the certificate may be issued (``eligible``, ``pending``, ``withheld``,
    ``failed``) and why not, in the request's language and in both."""

    status: str
    reasons: list[str]
    reasons_id: list[str]
    reasons_en: list[str]


class SeminarRecordOut(_Out):
    """A participant's seminars, grades, remediations and the certificate's status."""

    project_id: int
    participant: PersonBrief
    scale: list[str]
    seminars: list[RecordSeminarOut]
    certificate: CertificateOut


def seminar_record_out(r: SeminarRecord, lang: str) -> SeminarRecordOut:
    """A seminar record as the API shows it."""
    people = r.people
    fixes = {x.entry_id: x for x in r.remediations}
    return SeminarRecordOut(
        project_id=r.project.id,
        participant=person_brief(people[r.project.participant_id]),
        scale=list(r.scale),
        seminars=[
            RecordSeminarOut(
                session=session_brief(r.sessions[e.session_id]),
                examiner=person_brief(people[e.examiner_id]),
                scores=_scores(e.id, r.scores, people),
                mean_score=e.mean_score,
                grade=e.grade,
                remediation=remediation_out(fixes[e.id]) if e.id in fixes else None,
            )
            for e in r.entries
            if e.session_id in r.sessions
        ],
        certificate=CertificateOut(
            status=r.certificate.status,
            reasons=r.certificate.reasons(lang),
            reasons_id=list(r.certificate.reasons_id),
            reasons_en=list(r.certificate.reasons_en),
        ),
    )


# --- reports -------------------------------------------------------------------------------------


ExportFormat = Literal["json", "csv", "xlsx", "html"]
"""How a cohort report is answered: JSON (paged), or a whole-table file download."""
RecordFormat = Literal["json", "html", "pdf", "csv", "xlsx"]
"""How a participant's record is answered: JSON, a printable file (HTML, PDF) or a table (CSV,
XLSX, one row per entry) to download."""


class TraceRowOut(_Out):
    """One link of the chain host practice → lesson → decision → milestone → status."""

    project_id: int
    participant: str
    nip: str
    group: str
    host_code: str
    host: str
    practice: str
    location: str
    evidence: str
    success_key: str
    lesson_number: int
    lesson: str
    decision: str | None
    rationale: str
    changes: str
    milestone_number: int | None
    milestone: str
    term: str
    target_date: date | None
    status: str | None
    milestone_evidence: str


class PracticeOut(_Out):
    """A practice a host taught, and what became of the lessons drawn from it."""

    practice: str
    success_key: str
    lessons: int
    adopted: int
    adapted: int
    not_adopted: int


class HostRowOut(_Out):
    """What one host partner taught the cohort, and how many projects learned from it, adopted
    or adapted it."""

    host: HostOut
    groups: list[str]
    practices: list[PracticeOut]
    projects_learned: int
    projects_adopted: int
    projects_adapted: int
    projects_not_adopted: int


class TraceOut(Page[TraceRowOut]):
    """A page of a cohort's traceability table."""

    cohort: str
    generated_at: datetime


def trace_row_out(r: TraceRow) -> TraceRowOut:
    """A traceability row as the API shows it."""
    return TraceRowOut(
        project_id=r.project_id,
        participant=r.participant,
        nip=r.nip,
        group=r.group,
        host_code=r.host_code,
        host=r.host,
        practice=r.practice,
        location=r.location,
        evidence=r.evidence,
        success_key=r.success_key,
        lesson_number=r.lesson_number,
        lesson=r.lesson,
        decision=r.decision.value if r.decision else None,
        rationale=r.rationale,
        changes=r.changes,
        milestone_number=r.milestone_number,
        milestone=r.milestone,
        term=r.term,
        target_date=r.target_date,
        status=r.status.value if r.status else None,
        milestone_evidence=r.milestone_evidence,
    )


class HostReportOut(Page[HostRowOut]):
    """A page of a cohort's host-partner report."""

    cohort: str
    generated_at: datetime


def host_row_out(r: HostRow) -> HostRowOut:
    """A host-partner report row as the API shows it."""
    return HostRowOut(
        host=host_out(r.host),
        groups=list(r.groups),
        practices=[
            PracticeOut(
                practice=p.practice,
                success_key=p.success_key,
                lessons=p.lessons,
                adopted=p.adopted,
                adapted=p.adapted,
                not_adopted=p.not_adopted,
            )
            for p in r.practices
        ],
        projects_learned=r.projects_learned,
        projects_adopted=r.projects_adopted,
        projects_adapted=r.projects_adapted,
        projects_not_adopted=r.projects_not_adopted,
    )


class RecordProjectOut(_Out):
    """The project a record is about."""

    id: int
    title: str
    state: str


class RecordGroupOut(_Out):
    """The participant's group: its theme, host units and report versions."""

    code: str
    theme: str
    hosts: list[HostOut]
    reports: list[GroupReportOut]


class RecordVisitOut(_Out):
    """A visit the participant was booked on, where it stands, and the host units (codes) on
    its agenda for their group."""

    code: str
    host_agency: str
    city: str
    start_date: date
    end_date: date
    status: str
    hosts: list[str]


class IndividualReportOut(_Out):
    """A file of the participant's own benchmarking report, from version ``number`` of the
    stage's submission; ``url`` downloads it."""

    number: int
    kind: str
    filename: str
    sha256: str
    submitted_at: datetime
    url: str


class RecordOut(_Out):
    """A participant's benchmarking and seminar record: group, their own benchmarking report,
    visits, lessons with decisions, milestones, seminars and the certificate."""

    cohort: str
    project: RecordProjectOut
    participant: PersonBrief
    mentor: PersonBrief
    coach: PersonBrief | None
    group: RecordGroupOut | None
    individual_reports: list[IndividualReportOut]
    visits: list[RecordVisitOut]
    lessons: list[LessonOut]
    milestones: list[MilestoneOut]
    seminars: SeminarRecordOut
    today: date
    generated_at: datetime


def record_out(r: ParticipantRecord, lang: str) -> RecordOut:
    """A participant's record as the API shows it."""
    return RecordOut(
        cohort=r.cohort.code,
        project=RecordProjectOut(id=r.project.id, title=r.project.title, state=r.project.state),
        participant=person_brief(r.participant),
        mentor=person_brief(r.mentor),
        coach=person_brief(r.coach) if r.coach is not None else None,
        group=None
        if r.group is None
        else RecordGroupOut(
            code=r.group.code,
            theme=r.group.theme,
            hosts=[host_out(h) for h in r.group_hosts],
            reports=[group_report_out(x) for x in r.group_reports],
        ),
        individual_reports=[
            IndividualReportOut(
                number=i.number,
                kind=i.artifact.kind,
                filename=i.artifact.filename,
                sha256=i.artifact.sha256,
                submitted_at=i.submitted_at,
                url=file_url(r.project.id, i.artifact.sha256),
            )
            for i in r.individual_reports
        ],
        visits=[
            RecordVisitOut(
                code=line.visit.code,
                host_agency=line.visit.host_agency,
                city=line.visit.city,
                start_date=line.visit.start_date,
                end_date=line.visit.end_date,
                status=line.status.value,
                hosts=[h.code for h in line.hosts],
            )
            for line in r.visits
        ],
        lessons=lessons_out(r.lessons, list(r.decisions.values()), r.milestones, r.hosts),
        milestones=[milestone_out(m, r.today) for m in r.milestones],
        seminars=seminar_record_out(r.seminars, lang),
        today=r.today,
        generated_at=r.generated_at,
    )
