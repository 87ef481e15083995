"""Reports on Benchmarking to Best Practice, as plain data for exports (CSV, XLSX, HTML, PDF):

* per cohort, the **traceability table**: host practice → lesson → adoption decision →
  milestone → status, one row per link of the chain;
* per host partner, **what it taught** (its practices, with the lessons drawn from them) and how
  many projects adopted or adapted it;
* per participant, a **benchmarking and seminar record**: group, visits, lessons, decisions,
  milestones, seminars, grades, remediation and certificate.

Cohort reports are for the cohort's staff (the policy's ``view_cohort``); a participant's record
for whoever may see the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.benchmarking import Group, GroupReport, HostPartner, Visit, VisitStatus
from domain.content import AdoptionDecision, AdoptionKind, Lesson, Milestone, MilestoneStatus
from domain.model import Artifact, ChangeProject, Cohort, Person, StageInstance, Submission
from domain.records import StageRecords
from domain.roles import Action
from states.engine import Engine
from states.resolve import CohortIndex, cohort_for
from states.seminars import SeminarRecord, Seminars


@dataclass(frozen=True, slots=True)
class TraceRow:
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
    decision: AdoptionKind | None
    rationale: str
    changes: str
    milestone_number: int | None
    milestone: str
    term: str
    target_date: date | None
    status: MilestoneStatus | None
    milestone_evidence: str


@dataclass(frozen=True, slots=True)
class TraceTable:
    """A cohort's traceability table."""

    cohort: Cohort
    rows: list[TraceRow]
    generated_at: datetime


@dataclass(frozen=True, slots=True)
class PracticeTaught:
    """A practice a host taught, and what became of the lessons drawn from it."""

    practice: str
    success_key: str
    lessons: int
    adopted: int
    adapted: int
    not_adopted: int


@dataclass(frozen=True, slots=True)
class HostRow:
    """What one host partner taught the cohort, and how many projects adopted or adapted it."""

    host: HostPartner
    groups: list[str]
    practices: list[PracticeTaught]
    projects_learned: int
    projects_adopted: int
    projects_adapted: int
    projects_not_adopted: int


@dataclass(frozen=True, slots=True)
class HostReport:
    """The host partners of a cohort and what each taught."""

    cohort: Cohort
    rows: list[HostRow]
    generated_at: datetime


@dataclass(frozen=True, slots=True)
class IndividualReport:
    """A file of the participant's own benchmarking report, as submitted in version ``number``
    of the benchmarking stage (the group's report is kept with the group)."""

    number: int
    artifact: Artifact
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class VisitLine:
    """A visit the participant was booked on, and where it stands."""

    visit: Visit
    status: VisitStatus
    hosts: list[HostPartner]


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    """A participant's printable benchmarking and seminar record."""

    cohort: Cohort
    project: ChangeProject
    participant: Person
    mentor: Person
    coach: Person | None
    group: Group | None
    group_hosts: list[HostPartner]
    group_reports: list[GroupReport]
    individual_reports: list[IndividualReport]
    """The benchmarking stage's own files in its latest submission."""
    visits: list[VisitLine]
    hosts: dict[int, HostPartner]
    lessons: list[Lesson]
    decisions: dict[int, AdoptionDecision]
    milestones: list[Milestone]
    seminars: SeminarRecord
    today: date
    generated_at: datetime
    status_of: dict[int, MilestoneStatus] = field(default_factory=dict)
    """Each milestone's effective status today (a planned one past its date has slipped)."""


class Reports:
    """Builds the benchmarking reports through the engine's units of work."""

    def __init__(self, engine: Engine, seminars: Seminars) -> None:
        self._engine = engine
        self._seminars = seminars

    def trace(self, cohort_code: str, actor_id: int) -> TraceTable:
        """The cohort's traceability table, by participant, lesson and milestone."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work() as uow:
            cohort = cohort_for(uow, cohort_code, actor_id, Action.VIEW_COHORT)
            assert cohort.id is not None
            index = CohortIndex.load(uow, cohort)
            ids = sorted(index.projects)
            hosts = {h.id: h for h in uow.benchmarking.hosts(cohort.id)}
            group_of = {
                pid: g.code for g in uow.benchmarking.groups(cohort.id) for pid in g.member_ids
            }
            lessons = uow.content.lessons(ids)
            decisions = {d.lesson_id: d for d in uow.content.decisions(ids)}
            milestones = {m.id: m for m in uow.content.milestones(ids)}
        today = self._engine.calendar(cohort.timezone).local_date(now)
        rows: list[TraceRow] = []
        order = sorted(lessons, key=lambda ls: (index.participant_name(ls.project_id), ls.number))
        for ls in order:
            person = index.people[index.projects[ls.project_id].participant_id]
            host = hosts[ls.host_id]
            decision = decisions.get(ls.id)
            linked: list[Milestone | None] = (
                [milestones[m] for m in decision.milestone_ids] if decision else []
            )
            for m in linked or [None]:
                rows.append(
                    TraceRow(
                        project_id=ls.project_id,
                        participant=person.name,
                        nip=person.nip,
                        group=group_of.get(ls.project_id, ""),
                        host_code=host.code,
                        host=host.label(),
                        practice=ls.practice,
                        location=ls.location,
                        evidence=ls.evidence,
                        success_key=ls.success_key,
                        lesson_number=ls.number,
                        lesson=ls.lesson,
                        decision=decision.kind if decision else None,
                        rationale=decision.rationale if decision else "",
                        changes=decision.changes if decision else "",
                        milestone_number=m.number if m else None,
                        milestone=m.title if m else "",
                        term=m.term.value if m else "",
                        target_date=m.target_date if m else None,
                        status=m.effective_status(today) if m else None,
                        milestone_evidence=m.evidence if m else "",
                    )
                )
        return TraceTable(cohort, rows, now)

    def hosts(self, cohort_code: str, actor_id: int) -> HostReport:
        """What each host partner taught the cohort and how many projects adopted or adapted it."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work() as uow:
            cohort = cohort_for(uow, cohort_code, actor_id, Action.VIEW_COHORT)
            assert cohort.id is not None
            ids = uow.projects.ids_of_cohort(cohort.id)
            hosts = uow.benchmarking.hosts(cohort.id)
            groups = uow.benchmarking.groups(cohort.id)
            lessons = uow.content.lessons(ids)
            decisions = {d.lesson_id: d for d in uow.content.decisions(ids)}
        rows: list[HostRow] = []
        for host in hosts:
            mine = [ls for ls in lessons if ls.host_id == host.id]
            practices: dict[str, list[Lesson]] = {}
            for ls in mine:
                practices.setdefault(ls.practice.strip(), []).append(ls)
            taught = []
            for practice, drawn in practices.items():
                kinds = [decisions[ls.id].kind for ls in drawn if ls.id in decisions]
                taught.append(
                    PracticeTaught(
                        practice,
                        drawn[0].success_key,
                        len(drawn),
                        kinds.count(AdoptionKind.ADOPT),
                        kinds.count(AdoptionKind.ADAPT),
                        kinds.count(AdoptionKind.NOT_ADOPT),
                    )
                )
            taught.sort(key=lambda t: (-t.lessons, t.practice))

            def projects(kind: AdoptionKind, lessons_: list[Lesson] = mine) -> int:
                return len(
                    {
                        ls.project_id
                        for ls in lessons_
                        if ls.id in decisions and decisions[ls.id].kind is kind
                    }
                )

            rows.append(
                HostRow(
                    host,
                    [g.code for g in groups if host.id in g.host_ids],
                    taught,
                    len({ls.project_id for ls in mine}),
                    projects(AdoptionKind.ADOPT),
                    projects(AdoptionKind.ADAPT),
                    projects(AdoptionKind.NOT_ADOPT),
                )
            )
        return HostReport(cohort, rows, now)

    def participant(self, project_id: int, actor_id: int) -> ParticipantRecord:
        """A participant's benchmarking and seminar record (whoever may see the project)."""
        seminars = self._seminars.record(project_id, actor_id)  # checks the policy
        now = self._engine.clock.now()
        project, cohort = seminars.project, seminars.cohort
        with self._engine.unit_of_work() as uow:
            hosts = {h.id: h for h in uow.benchmarking.hosts(project.cohort_id)}
            group = next(
                (
                    g
                    for g in uow.benchmarking.groups(project.cohort_id)
                    if project.id in g.member_ids
                ),
                None,
            )
            reports = uow.benchmarking.group_reports([group.id]) if group else []
            visits = [
                v
                for v in uow.benchmarking.visits(project.cohort_id)
                if project.id in v.participant_ids
            ]
            lessons = uow.content.lessons([project.id])
            decisions = {d.lesson_id: d for d in uow.content.decisions([project.id])}
            milestones = uow.content.milestones([project.id])
            individual = _individual_reports(
                uow.projects.stages(project.id),
                uow.projects.records(project.id),
                {
                    a.code
                    for a in self._engine.programme(uow, cohort.programme_checksum).group_artifacts()
                },
            )
            ids = [project.participant_id, project.mentor_id]
            if project.coach_id is not None:
                ids.append(project.coach_id)
            people = uow.people.many(ids)
        today = self._engine.calendar(cohort.timezone).local_date(now)
        lines = [
            VisitLine(v, v.status(today), _visit_hosts(v, hosts, group.id if group else None))
            for v in sorted(visits, key=lambda v: v.start_date)
        ]
        return ParticipantRecord(
            cohort=cohort,
            project=project,
            participant=people[project.participant_id],
            mentor=people[project.mentor_id],
            coach=people.get(project.coach_id) if project.coach_id is not None else None,
            group=group,
            group_hosts=[hosts[h] for h in group.host_ids] if group else [],
            group_reports=reports,
            individual_reports=individual,
            visits=lines,
            hosts=hosts,
            lessons=lessons,
            decisions=decisions,
            milestones=milestones,
            seminars=seminars,
            today=today,
            generated_at=now,
            status_of={m.id: m.effective_status(today) for m in milestones},
        )


BENCHMARKING_STAGE = "benchmarking"


def _individual_reports(
    stages: list[StageInstance], records: StageRecords, group_kinds: set[str]
) -> list[IndividualReport]:
    """The files of the latest benchmarking submission that are not the group's report."""
    stage_ids = {s.id for s in stages if s.stage == BENCHMARKING_STAGE}
    latest: Submission | None = max(
        (s for s in records.submissions if s.stage_instance_id in stage_ids),
        key=lambda s: (s.submitted_at, s.id),
        default=None,
    )
    if latest is None:
        return []
    return [
        IndividualReport(latest.number, a, latest.submitted_at)
        for a in latest.artifacts
        if a.kind not in group_kinds
    ]


def _visit_hosts(
    visit: Visit, hosts: dict[int, HostPartner], group_id: int | None
) -> list[HostPartner]:
    """The host units on a visit's agenda for a group (items for every group included), in agenda
    order, each once."""
    seen = dict.fromkeys(item.host_id for item in visit.agenda if item.group_id in (None, group_id))
    return [hosts[h] for h in seen if h in hosts]
