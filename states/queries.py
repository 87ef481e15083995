"""The read side: project details and history, the cohort board, and audit verification.

Reads go through the same units of work and the same policy as commands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from domain import policy
from domain.audit import ChainFault, StoredEntry, verify_stream
from domain.benchmarking import VisitStatus
from domain.content import (
    AdoptionDecision,
    AdoptionKind,
    ContentFacts,
    Lesson,
    Milestone,
    MilestoneStatus,
    missing_content,
)
from domain.errors import NotFound
from domain.model import (
    Artifact,
    ChangeProject,
    Cohort,
    Decision,
    Gate,
    Person,
    StageInstance,
    Submission,
)
from domain.problems import Problems
from domain.programme import STAGE_CODES, ProgrammeDefinition
from domain.roles import Action, Role
from states.engine import Engine
from states.lifecycle import ACTION_OF, Trigger, legal_triggers, reopen_targets, split_state
from states.ports import ExtensionRecord, ProjectView, RaisedAlert
from states.resolve import visible_project


@dataclass(frozen=True, slots=True)
class ProjectDetails:
    """Everything about one project: its people, stages, submissions and decisions."""

    project: ChangeProject
    cohort: Cohort
    people: dict[int, Person]
    stages: list[StageInstance]
    submissions: list[Submission]
    decisions: list[Decision]
    now: datetime


@dataclass(frozen=True, slots=True)
class BoardCell:
    """One participant × stage cell: the latest attempt's gate and deadline."""

    stage: str
    gate: Gate | None
    due_at: datetime | None
    days_late: int
    current: bool


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One participant's line on the cohort board."""

    project_id: int
    participant: Person
    mentor: Person
    state: str
    cells: list[BoardCell]
    status: str  # on_track, at_risk, late, completed, withdrawn
    escalations: int = 0
    """Open escalations of the project (both clocks)."""
    escalation_level: int = 0
    """The highest open escalation level."""
    group: str = ""
    """The participant's benchmarking group (its code), if any."""
    visit: str = ""
    """Their visit's status: planned, under_way or done ("" when booked on none)."""
    lessons: int = 0
    """Lessons in their register."""
    decided: int = 0
    """Lessons with an adoption decision."""
    adopted: int = 0
    """Lessons adopted or adapted."""
    milestones: int = 0
    """Milestones of their change plan."""
    slipped: int = 0
    """Milestones that slipped (reported, or planned and past their target date)."""
    missing_id: tuple[str, ...] = ()
    """What the current stage's content still lacks before it can be submitted (the programme's
    ``requires``), in Bahasa Indonesia; empty when complete or nothing is required."""
    missing_en: tuple[str, ...] = ()
    """The same in English."""


@dataclass(frozen=True, slots=True)
class Board:
    """The cohort board: participants × stages."""

    cohort: Cohort
    rows: list[BoardRow]
    now: datetime


@dataclass(frozen=True, slots=True)
class ProjectOverview:
    """What a project page shows an actor: the details, the audit timeline, the actor's relations
    to the project and what they may do now."""

    details: ProjectDetails
    history: list[StoredEntry]
    relations: frozenset[Role]
    programme: ProgrammeDefinition
    extensions: list[ExtensionRecord]
    open_alerts: list[RaisedAlert]
    allowed: list[str]
    """Actions this actor may take now: lifecycle triggers and extension steps."""
    reopen_targets: list[str]
    actors: dict[int, Person] = field(default_factory=dict)
    """Everyone who appears in the timeline."""


@dataclass(frozen=True, slots=True)
class PendingDecision:
    """A submission waiting for a decision the actor may take."""

    project_id: int
    cohort_code: str
    timezone: str
    participant: Person
    title: str
    stage: str
    submission_number: int
    submitted_at: datetime | None
    decision_due_at: datetime | None
    days_late: int
    """Working days past the approver's deadline (0 while on time)."""
    version: int


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    """One day of a cohort's progress: stages approved so far and stages late that day."""

    day: date
    approved: int
    late: int


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The result of verifying every audit stream."""

    streams: int
    entries: int
    fault: ChainFault | None
    faults: list[ChainFault] = field(default_factory=list)


class Queries:
    """Read operations, authorized by the domain policy."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def project(self, project_id: int, actor_id: int) -> ProjectDetails:
        """A project with its stages, submissions and decisions."""
        with self._engine.unit_of_work() as uow:
            visible_project(uow, project_id, actor_id)
            project = uow.projects.get(project_id)
            cohort = uow.cohorts.by_id(project.cohort_id)
            stages = uow.projects.stages(project_id)
            records = uow.projects.records(project_id)
            subs, decisions = records.submissions, records.decisions
            ids = {
                project.participant_id,
                project.mentor_id,
                *(s.submitted_by for s in subs),
                *(d.decided_by for d in decisions),
            }
            if project.coach_id is not None:
                ids.add(project.coach_id)
            people = uow.people.many(sorted(ids))
        return ProjectDetails(
            project, cohort, people, stages, subs, decisions, self._engine.clock.now()
        )

    def cohorts_for(self, actor_id: int, action: Action) -> dict[int, str]:
        """The cohorts (id → code) in which the actor's roles allow ``action``."""
        with self._engine.unit_of_work() as uow:
            return {
                c.id: c.code
                for c in uow.cohorts.all()
                if c.id is not None
                and policy.is_allowed(uow.cohorts.roles_of(c.id, actor_id), action)
            }

    def alerts(
        self,
        actor_id: int,
        cohort_code: str | None,
        kind: str | None,
        level: int | None,
        open_only: bool | None,
    ) -> list[tuple[str, RaisedAlert]]:
        """Escalations/reminders of the cohorts the actor may watch, with each one's cohort code."""
        visible = self._visible_cohorts(actor_id, cohort_code)
        with self._engine.unit_of_work() as uow:
            rows = uow.alerts.listing(
                next(iter(visible)) if cohort_code else None, kind, level, open_only
            )
        return [(visible[r.cohort_id], r) for r in rows if r.cohort_id in visible]

    def extensions(
        self, actor_id: int, cohort_code: str | None, status: str | None
    ) -> list[ExtensionRecord]:
        """Extension requests of the projects the actor may see (their own, their mentees',
        their coachees', or every project of a cohort they help run)."""
        with self._engine.unit_of_work() as uow:
            staff = [
                c
                for c in uow.cohorts.all()
                if c.id is not None
                and policy.is_allowed(uow.cohorts.roles_of(c.id, actor_id), Action.VIEW_COHORT)
            ]
            ids = set(uow.projects.related_to(actor_id))
            for c in staff:
                ids.update(uow.projects.ids_of_cohort(c.id or 0))
            if cohort_code:
                ids &= set(uow.projects.ids_of_cohort(uow.cohorts.by_code(cohort_code).id or 0))
            return uow.projects.extensions(sorted(ids), status) if ids else []

    def _visible_cohorts(self, actor_id: int, cohort_code: str | None) -> dict[int, str]:
        if cohort_code is None:
            return self.cohorts_for(actor_id, Action.VIEW_COHORT)
        with self._engine.unit_of_work() as uow:
            cohort = uow.cohorts.by_code(cohort_code)
            assert cohort.id is not None
            policy.require(
                uow.cohorts.roles_of(cohort.id, actor_id),
                Action.VIEW_COHORT,
                actor=f"person {actor_id}",
                target=f"angkatan {cohort.code}",
            )
        return {cohort.id: cohort.code}

    def history(self, project_id: int, actor_id: int) -> list[StoredEntry]:
        """A project's audit stream, oldest first."""
        with self._engine.unit_of_work() as uow:
            visible_project(uow, project_id, actor_id)
            return uow.audit.stream(f"project:{project_id}")

    def board(self, cohort_code: str, actor_id: int) -> Board:
        """The cohort board: every participant × stage with gate, deadline and lateness."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work() as uow:
            cohort = uow.cohorts.by_code(cohort_code)
            assert cohort.id is not None
            policy.require(
                uow.cohorts.roles_of(cohort.id, actor_id),
                Action.VIEW_COHORT,
                actor=f"person {actor_id}",
                target=f"angkatan {cohort.code}",
            )
            projects = uow.projects.of_cohort(cohort.id)
            stages = uow.projects.stages_of_cohort(cohort.id)
            open_escalations = uow.alerts.listing(cohort.id, "escalation", None, True)
            people = uow.people.many(
                sorted({p.participant_id for p in projects} | {p.mentor_id for p in projects})
            )
            ids = [p.id for p in projects]
            groups = uow.benchmarking.groups(cohort.id)
            visits = uow.benchmarking.visits(cohort.id)
            lessons = uow.content.lessons(ids)
            decisions = uow.content.decisions(ids)
            milestones = uow.content.milestones(ids)
            programme = self._engine.programme(uow, cohort.programme_checksum)
        calendar = self._engine.calendar(cohort.timezone)
        today = calendar.local_date(now)
        group_of = {pid: g.code for g in groups for pid in g.member_ids}
        visit_of: dict[int, str] = {}
        rank = {VisitStatus.UNDER_WAY: 3, VisitStatus.PLANNED: 2, VisitStatus.DONE: 1}
        for v in visits:
            now_status = v.status(today)
            for pid in v.participant_ids:
                known = visit_of.get(pid)
                if known is None or rank[VisitStatus(known)] < rank[now_status]:
                    visit_of[pid] = now_status.value
        count: dict[str, dict[int, int]] = {
            "lessons": {},
            "decided": {},
            "adopted": {},
            "milestones": {},
            "slipped": {},
        }

        def bump(kind: str, pid: int) -> None:
            count[kind][pid] = count[kind].get(pid, 0) + 1

        for ls in lessons:
            bump("lessons", ls.project_id)
        for d in decisions:
            bump("decided", d.project_id)
            if d.kind is not AdoptionKind.NOT_ADOPT:
                bump("adopted", d.project_id)
        for m in milestones:
            bump("milestones", m.project_id)
            if m.effective_status(today) is MilestoneStatus.SLIPPED:
                bump("slipped", m.project_id)
        latest: dict[tuple[int, str], StageInstance] = {}
        current: dict[int, StageInstance] = {}
        for s in stages:  # oldest first: later attempts replace earlier ones
            latest[(s.project_id, s.stage)] = s
            current[s.project_id] = s
        rows: list[BoardRow] = []
        for p in projects:
            cells: list[BoardCell] = []
            worst = 0
            at_risk = False
            for code in STAGE_CODES:
                inst = latest.get((p.id, code))
                if inst is None:
                    cells.append(BoardCell(code, None, None, 0, False))
                    continue
                is_current = current.get(p.id) is inst and p.state not in ("completed", "withdrawn")
                waiting_on_participant = inst.gate in (Gate.DRAFTING, Gate.CHANGES_REQUESTED)
                late = (
                    calendar.working_days_late(inst.due_at, now)
                    if is_current and waiting_on_participant
                    else 0
                )
                if is_current and waiting_on_participant and not late:
                    left = calendar.working_days_between(
                        calendar.local_date(now), calendar.local_date(inst.due_at)
                    )
                    at_risk = at_risk or left <= 1
                worst = max(worst, late)
                cells.append(BoardCell(code, inst.gate, inst.due_at, late, is_current))
            if p.state in ("completed", "withdrawn"):
                status = p.state
            elif worst:
                status = "late"
            else:
                status = "at_risk" if at_risk else "on_track"
            mine = [e.rung for e in open_escalations if e.project_id == p.id]
            missing = _missing_content(
                programme, current.get(p.id), p.state, lessons, decisions, milestones
            )
            rows.append(
                BoardRow(
                    p.id,
                    people[p.participant_id],
                    people[p.mentor_id],
                    p.state,
                    cells,
                    status,
                    len(mine),
                    max(mine, default=0),
                    group_of.get(p.id, ""),
                    visit_of.get(p.id, ""),
                    **{k: count[k].get(p.id, 0) for k in count},
                    missing_id=tuple(missing.id),
                    missing_en=tuple(missing.en),
                )
            )
        rows.sort(key=lambda r: r.participant.name)
        return Board(cohort, rows, now)

    def artifact(self, project_id: int, actor_id: int, sha256: str) -> tuple[Artifact, bytes]:
        """A file submitted to this project, for someone who may see the project."""
        details = self.project(project_id, actor_id)
        found = next(
            (a for s in details.submissions for a in s.artifacts if a.sha256 == sha256), None
        )
        content = None
        if found is not None:
            with self._engine.unit_of_work() as uow:
                content = uow.projects.artifact_content(sha256)
        if found is None or content is None:
            raise NotFound(
                f"Berkas {sha256[:12]} tidak ada di proyek {project_id}",
                f"File {sha256[:12]} is not part of project {project_id}",
            )
        return found, content

    def members(self, cohort_code: str, actor_id: int) -> list[tuple[Person, frozenset[Role]]]:
        """Everyone in a cohort with their roles there, by name (for those who may watch it)."""
        with self._engine.unit_of_work() as uow:
            cohort = uow.cohorts.by_code(cohort_code)
            assert cohort.id is not None
            policy.require(
                uow.cohorts.roles_of(cohort.id, actor_id),
                Action.VIEW_COHORT,
                actor=f"person {actor_id}",
                target=f"angkatan {cohort.code}",
            )
            roles: dict[int, set[Role]] = {}
            for pid, role in uow.cohorts.members(cohort.id):
                roles.setdefault(pid, set()).add(role)
            people = uow.people.many(sorted(roles))
        return sorted(
            ((people[pid], frozenset(r)) for pid, r in roles.items()), key=lambda x: x[0].name
        )

    def visible_projects(
        self,
        actor_id: int,
        *,
        cohort_code: str | None = None,
        participant_ref: str | None = None,
        scope: int | None = None,
    ) -> list[tuple[ChangeProject, str, Person]]:
        """The projects an actor may see — their own, their mentees' and coachees', every project
        of a cohort they help run — with each one's cohort code and participant, by id.
        ``scope`` keeps only one cohort's (a cohort-scoped token)."""
        with self._engine.unit_of_work() as uow:
            cohorts = {c.id: c for c in uow.cohorts.all() if c.id is not None}
            ids = set(uow.projects.related_to(actor_id))
            for cid in cohorts:
                if policy.is_allowed(uow.cohorts.roles_of(cid, actor_id), Action.VIEW_COHORT):
                    ids.update(uow.projects.ids_of_cohort(cid))
            projects = [uow.projects.get(pid) for pid in sorted(ids)]
            wanted: int | None = None
            if participant_ref is not None:
                person = uow.people.find(participant_ref)
                wanted = -1 if person is None or person.id is None else person.id
            people = uow.people.many(sorted({p.participant_id for p in projects}))
        return [
            (p, cohorts[p.cohort_id].code, people[p.participant_id])
            for p in projects
            if (cohort_code is None or cohorts[p.cohort_id].code == cohort_code)
            and (scope is None or p.cohort_id == scope)
            and (wanted is None or p.participant_id == wanted)
        ]

    def programme_of(self, cohort: Cohort) -> ProgrammeDefinition:
        """The programme definition a cohort pinned."""
        with self._engine.unit_of_work() as uow:
            return self._engine.programme(uow, cohort.programme_checksum)

    def overview(self, project_id: int, actor_id: int) -> ProjectOverview:
        """A project with its audit timeline and what this actor may do to it now."""
        details = self.project(project_id, actor_id)
        with self._engine.unit_of_work() as uow:
            view = uow.projects.load(project_id, actor_id)
            history = uow.audit.stream(f"project:{project_id}")
            programme = self._engine.programme(uow, view.programme_checksum)
            extensions = uow.projects.extensions([project_id], None)
            alerts = [
                a
                for a in uow.alerts.listing(view.cohort_id, None, None, True)
                if a.project_id == project_id
            ]
            actors = uow.people.many(sorted({e.actor_id for e in history if e.actor_id}))
        stage = programme.stage(view.stage)
        allowed = [
            t
            for t in legal_triggers(view.state)
            if policy.is_allowed(view.relations, ACTION_OF[Trigger(t)], stage.approvers)
        ]
        _, gate = split_state(view.state)
        pending = [e for e in extensions if e.status == "pending"]
        if (
            gate in (Gate.DRAFTING, Gate.CHANGES_REQUESTED)
            and not pending
            and policy.is_allowed(view.relations, Action.REQUEST_EXTENSION)
        ):
            allowed.append("request_extension")
        if pending and policy.is_allowed(view.relations, Action.DECIDE_EXTENSION):
            allowed.append("decide_extension")
        targets = reopen_targets(view.state) if "reopen" in allowed else []
        return ProjectOverview(
            details,
            history,
            view.relations,
            programme,
            extensions,
            alerts,
            allowed,
            targets,
            actors | details.people,
        )

    def inbox(self, actor_id: int) -> list[PendingDecision]:
        """Submissions waiting for a decision this actor may take, most urgent first."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work() as uow:
            candidates = set(uow.projects.related_to(actor_id))
            for c in uow.cohorts.all():
                assert c.id is not None
                roles = uow.cohorts.roles_of(c.id, actor_id)
                if roles & {Role.COORDINATOR, Role.EXAMINER}:
                    candidates.update(uow.projects.ids_of_cohort(c.id))
            found: list[tuple[ProjectView, StageInstance]] = []
            for pid in sorted(candidates):
                view = uow.projects.load(pid, actor_id)
                if view.gate is not Gate.SUBMITTED:
                    continue
                stage = self._engine.programme(uow, view.programme_checksum).stage(view.stage)
                if not policy.is_allowed(view.relations, Action.APPROVE, stage.approvers):
                    continue
                current = uow.projects.stages(pid)[-1]
                found.append((view, current))
            people = uow.people.many(sorted({v.participant_id for v, _ in found}))
            titles = {pid: uow.projects.get(pid).title for pid in {v.project_id for v, _ in found}}
        out = []
        for view, inst in found:
            calendar = self._engine.calendar(view.timezone)
            due = inst.decision_due_at
            late = calendar.working_days_late(due, now) if due is not None else 0
            out.append(
                PendingDecision(
                    view.project_id,
                    view.cohort_code,
                    view.timezone,
                    people[view.participant_id],
                    titles[view.project_id],
                    view.stage,
                    view.latest_submission_number,
                    inst.submitted_at,
                    due,
                    late,
                    view.version,
                )
            )
        far = datetime.max.replace(tzinfo=now.tzinfo)
        out.sort(key=lambda p: (-p.days_late, p.decision_due_at or far, p.project_id))
        return out

    def extensions_to_decide(self, actor_id: int) -> list[tuple[ExtensionRecord, Person, str]]:
        """Pending extension requests this actor may grant or refuse (as the participant's mentor
        or a coordinator of the cohort), with each one's participant and cohort code."""
        pending = self.extensions(actor_id, None, "pending")
        out: list[tuple[ExtensionRecord, Person, str]] = []
        with self._engine.unit_of_work() as uow:
            for e in pending:
                view = uow.projects.load(e.project_id, actor_id)
                if policy.is_allowed(view.relations, Action.DECIDE_EXTENSION):
                    out.append((e, uow.people.get(view.participant_id), view.cohort_code))
        return out

    def progress(self, cohort_code: str, actor_id: int) -> tuple[Cohort, list[ProgressPoint]]:
        """Day by day since the cohort started: stages approved so far and stages late.

        A stage counts as late on a day when its (current) participant deadline had passed by
        the end of that day and it was not yet submitted."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work() as uow:
            cohort = uow.cohorts.by_code(cohort_code)
            assert cohort.id is not None
            policy.require(
                uow.cohorts.roles_of(cohort.id, actor_id),
                Action.VIEW_COHORT,
                actor=f"person {actor_id}",
                target=f"angkatan {cohort.code}",
            )
            stages = uow.projects.stages_of_cohort(cohort.id)
        calendar = self._engine.calendar(cohort.timezone)
        today = calendar.local_date(now)
        first = min([cohort.start_date, *(calendar.local_date(s.opened_at) for s in stages)])
        approvals: dict[date, int] = {}
        for s in stages:
            if s.gate is Gate.APPROVED and s.decided_at is not None:
                day = calendar.local_date(s.decided_at)
                approvals[day] = approvals.get(day, 0) + 1
        points: list[ProgressPoint] = []
        total = 0
        day = first
        while day <= today:
            total += approvals.get(day, 0)
            end = calendar.end_of_day(day)
            late = sum(
                1
                for s in stages
                if s.opened_at <= end
                and s.due_at < end
                and s.gate not in (Gate.WITHDRAWN, Gate.REOPENED)
                and (s.submitted_at is None or s.submitted_at > end)
                and (s.decided_at is None or s.decided_at > end or s.gate is not Gate.APPROVED)
            )
            points.append(ProgressPoint(day, total, late))
            day += timedelta(days=1)
        return cohort, points

    def verify_audit(self) -> AuditReport:
        """Verify every audit stream against its recorded head; report the first bad entry."""
        faults: list[ChainFault] = []
        entries = 0
        with self._engine.unit_of_work(consistent=True) as uow:  # heads and entries, one snapshot
            heads = {stream: (seq, digest) for stream, seq, digest in uow.audit.heads()}
            seen: set[str] = set()
            batch: list[StoredEntry] = []
            current: str | None = None
            for entry in uow.audit.entries():
                entries += 1
                if entry.stream != current:
                    if current is not None:
                        faults += _check(current, batch, heads)
                    current, batch = entry.stream, []
                    seen.add(entry.stream)
                batch.append(entry)
            if current is not None:
                faults += _check(current, batch, heads)
            for stream, (seq, digest) in heads.items():
                if stream not in seen and seq > 0:
                    faults.append(ChainFault(stream, None, 1, f"all {seq} entries are missing"))
                elif stream not in seen and digest != "0" * 64:
                    faults.append(ChainFault(stream, None, 1, "head recorded but stream empty"))
        faults.sort(key=lambda f: (f.seq is None, f.seq or 0))
        return AuditReport(len(heads), entries, faults[0] if faults else None, faults)


def _check(
    stream: str, batch: list[StoredEntry], heads: dict[str, tuple[int, str]]
) -> list[ChainFault]:
    seq, digest = heads.get(stream, (0, ""))
    if stream not in heads:
        return [ChainFault(stream, batch[0].seq, 1, "stream belongs to no project or cohort")]
    fault = verify_stream(stream, batch, digest, seq)
    return [] if fault is None else [fault]


def payload_of(entry: StoredEntry) -> dict[str, Any]:
    """An audit entry's payload as a dict."""
    data: dict[str, Any] = json.loads(entry.payload_json)
    return data


def _missing_content(
    programme: ProgrammeDefinition,
    current: StageInstance | None,
    state: str,
    lessons: list[Lesson],
    decisions: list[AdoptionDecision],
    milestones: list[Milestone],
) -> Problems:
    """What the project's current stage still lacks to be submitted, while the participant works
    on it (the same check as the submit guard)."""
    if current is None or state in ("completed", "withdrawn"):
        return Problems()
    if current.gate not in (Gate.DRAFTING, Gate.CHANGES_REQUESTED):
        return Problems()
    requires = programme.stage(current.stage).requires
    if requires.is_empty():
        return Problems()
    pid = current.project_id
    facts = ContentFacts.of(
        (ls for ls in lessons if ls.project_id == pid),
        (d for d in decisions if d.project_id == pid),
        (m for m in milestones if m.project_id == pid),
    )
    return missing_content(requires, facts)
