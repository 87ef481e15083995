"""A change project's content: the lesson register, adoption decisions and change-plan milestones.

Each write is one transaction on the project: the participant (the policy's ``record_content``)
changes their own project's content while the stage it belongs to is drafted or revised
(:func:`domain.content.require_editable`); the change is recorded in the project's audit stream
and bumps the project's version, so racing writers are settled by the version check. Refused
input names every problem and stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import structlog
from structlog.contextvars import bound_contextvars

from domain import policy
from domain.bench_commands import (
    AddMilestone,
    DecideAdoption,
    RecordLesson,
    RemoveLesson,
    ReportMilestone,
)
from domain.benchmarking import HostPartner, observed_hosts
from domain.content import (
    AdoptionDecision,
    ContentKind,
    Lesson,
    Milestone,
    MilestoneStatus,
    check_decision,
    check_lesson,
    check_milestone,
    check_milestone_report,
    require_editable,
)
from domain.errors import ConflictError
from domain.model import ChangeProject, Cohort, Person
from domain.problems import Problems
from domain.roles import Action
from states.engine import Engine
from states.ports import ProjectView, UnitOfWork
from states.resolve import relations_of, visible_project

log = structlog.get_logger("patok.content")


@dataclass(frozen=True, slots=True)
class ContentResult:
    """What a content command stored: the event, the row's id and number, the project's version."""

    project_id: int
    event: str
    id: int
    number: int
    version: int
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ContentView:
    """A project's lessons (with their hosts), decisions and milestones."""

    project: ChangeProject
    state: str
    hosts: dict[int, HostPartner]
    lessons: list[Lesson]
    decisions: list[AdoptionDecision]
    milestones: list[Milestone]
    today: date


@dataclass(frozen=True, slots=True)
class SlippedMilestone:
    """A milestone that slipped (reported, or planned and past its target date)."""

    cohort: str
    project_id: int
    participant: Person
    mentor: Person
    milestone: Milestone
    reported: bool
    """True when the participant reported it slipped; False when its target date just passed."""


Effect = Callable[[UnitOfWork, ProjectView], tuple[str, int, int, dict[str, Any]]]


def _refuse(problems: Problems, what_id: str, what_en: str) -> None:
    problems.raise_if_any(
        f"{what_id} ditolak, tidak ada yang disimpan", f"{what_en} refused, nothing was stored"
    )


class ProjectContent:
    """Lessons, adoption decisions and milestones through the engine's units of work."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _write(
        self,
        project_id: int,
        actor_id: int,
        kind: ContentKind,
        effect: Effect,
        expected_version: int | None = None,
    ) -> ContentResult:
        engine = self._engine
        now = engine.clock.now()
        with engine.unit_of_work(write=True) as uow:
            view = uow.projects.load(project_id, actor_id)
            with bound_contextvars(
                cohort=view.cohort_code, project=view.project_id, actor=actor_id
            ):
                target = f"proyek {view.project_id}"
                policy.require(
                    view.relations, Action.VIEW_PROJECT, actor=f"person {actor_id}", target=target
                )
                policy.require(
                    view.relations, Action.RECORD_CONTENT, actor=f"person {actor_id}", target=target
                )
                if expected_version is not None and expected_version != view.version:
                    raise ConflictError(
                        f"Proyek {view.project_id} sudah berubah (versi {view.version})",
                        f"Project {view.project_id} has changed (version {view.version})",
                    )
                require_editable(kind, view.state)
                event, row_id, number, payload = effect(uow, view)
                engine.record(uow, view, actor_id, now, view.state, event, payload)
                uow.commit()
                log.info("command.applied", action=event, id=row_id)
        return ContentResult(view.project_id, event, row_id, number, view.version + 1, payload)

    def _today(self, timezone: str) -> date:
        return self._engine.calendar(timezone).local_date(self._engine.clock.now())

    # -- lessons ------------------------------------------------------------------------------

    def record_lesson(self, cmd: RecordLesson) -> ContentResult:
        """Record a lesson traced to a best practice observed at one of the cohort's hosts."""
        now = self._engine.clock.now()

        def effect(uow: UnitOfWork, view: ProjectView) -> tuple[str, int, int, dict[str, Any]]:
            problems = check_lesson(
                host=cmd.host,
                practice=cmd.practice,
                evidence=cmd.evidence,
                success_key=cmd.success_key,
                lesson=cmd.lesson,
            )
            hosts = {h.code: h for h in uow.benchmarking.hosts(view.cohort_id)}
            host = hosts.get(cmd.host.strip())
            if cmd.host.strip() and host is None:
                known = ", ".join(sorted(hosts)) or "-"
                problems.add(
                    ("host", "host"),
                    f"mitra benchmarking '{cmd.host}' tidak dikenal di angkatan ini; yang ada: {known}",
                    f"host partner '{cmd.host}' is not known in this cohort; known: {known}",
                )
            if host is not None:
                seen = observed_hosts(
                    view.project_id,
                    uow.benchmarking.groups(view.cohort_id),
                    uow.benchmarking.visits(view.cohort_id),
                )
                # a participant the plan books nowhere yet (no group, no visit) may cite any
                # host of the cohort: patok cannot tell where they went
                if seen and host.id not in seen:
                    mine = ", ".join(sorted(h.code for h in hosts.values() if h.id in seen))
                    problems.add(
                        ("host", "host"),
                        f"mitra benchmarking '{host.code}' tidak dikunjungi peserta ini "
                        f"(bukan mitra kelompoknya atau kunjungannya); yang dikunjungi: {mine}",
                        f"host partner '{host.code}' was not visited by this participant (not a "
                        f"host of their group or their visits); visited: {mine}",
                    )
            _refuse(problems, "Pelajaran", "Lesson")
            assert host is not None
            number = 1 + max(
                (ls.number for ls in uow.content.lessons([view.project_id])), default=0
            )
            lesson_id = uow.content.add_lesson(
                view.project_id,
                number,
                host.id,
                cmd.practice.strip(),
                cmd.location.strip(),
                cmd.evidence.strip(),
                cmd.success_key.strip(),
                cmd.lesson.strip(),
                cmd.actor_id,
                now,
            )
            payload = {
                "lesson": number,
                "host": host.code,
                "practice": cmd.practice.strip(),
                "location": cmd.location.strip(),
                "evidence": cmd.evidence.strip(),
                "success_key": cmd.success_key.strip(),
                "text": cmd.lesson.strip(),
            }
            return "lesson.recorded", lesson_id, number, payload

        return self._write(
            cmd.project_id, cmd.actor_id, ContentKind.LESSON, effect, cmd.expected_version
        )

    def remove_lesson(self, cmd: RemoveLesson) -> ContentResult:
        """Remove a lesson, and the decision on it, from the register."""
        with self._engine.unit_of_work() as uow:
            lesson = uow.content.lesson(cmd.lesson_id)

        def effect(uow: UnitOfWork, view: ProjectView) -> tuple[str, int, int, dict[str, Any]]:
            current = uow.content.lesson(cmd.lesson_id)  # still there, in this transaction
            uow.content.remove_lesson(current.id)
            return (
                "lesson.removed",
                current.id,
                current.number,
                {"lesson": current.number, "practice": current.practice},
            )

        return self._write(lesson.project_id, cmd.actor_id, ContentKind.LESSON, effect)

    # -- adoption decisions -------------------------------------------------------------------

    def decide(self, cmd: DecideAdoption) -> ContentResult:
        """Decide to adopt, adapt or not adopt a lesson, linked to change-plan milestones."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work() as uow:
            lesson = uow.content.lesson(cmd.lesson_id)

        def effect(uow: UnitOfWork, view: ProjectView) -> tuple[str, int, int, dict[str, Any]]:
            current = uow.content.lesson(cmd.lesson_id)  # still there, in this transaction
            problems = check_decision(
                kind=cmd.kind,
                rationale=cmd.rationale,
                changes=cmd.changes,
                milestones=cmd.milestones,
            )
            plan = {m.number: m for m in uow.content.milestones([view.project_id])}
            for number in dict.fromkeys(cmd.milestones):
                if number not in plan:
                    listed = ", ".join(f"#{n}" for n in sorted(plan)) or "-"
                    problems.add(
                        ("milestones", "milestones"),
                        f"tonggak #{number} tidak ada di rencana perubahan proyek ini ({listed})",
                        f"milestone #{number} is not in this project's change plan ({listed})",
                    )
            _refuse(problems, "Keputusan adopsi", "Adoption decision")
            previous = next(
                (d for d in uow.content.decisions([view.project_id]) if d.lesson_id == current.id),
                None,
            )
            numbers = list(dict.fromkeys(cmd.milestones))
            decision_id = uow.content.set_decision(
                current.id,
                view.project_id,
                cmd.kind,
                cmd.rationale.strip(),
                cmd.changes.strip(),
                [plan[n].id for n in numbers],
                cmd.actor_id,
                now,
            )
            payload = {
                "lesson": current.number,
                "decision": cmd.kind.value,
                "rationale": cmd.rationale.strip(),
                "changes": cmd.changes.strip(),
                "milestones": numbers,
                "replaces": previous.kind.value if previous is not None else None,
            }
            return "adoption.decided", decision_id, current.number, payload

        return self._write(lesson.project_id, cmd.actor_id, ContentKind.DECISION, effect)

    # -- milestones ---------------------------------------------------------------------------

    def add_milestone(self, cmd: AddMilestone) -> ContentResult:
        """Add a short-, medium- or long-term milestone to the change plan."""
        now = self._engine.clock.now()

        def effect(uow: UnitOfWork, view: ProjectView) -> tuple[str, int, int, dict[str, Any]]:
            problems = check_milestone(title=cmd.title, target_date=cmd.target_date)
            today = self._today(view.timezone)
            if cmd.target_date is not None and cmd.target_date < today:
                problems.add(
                    ("target_date", "target_date"),
                    f"tanggal target {cmd.target_date} sudah lewat (hari ini {today})",
                    f"the target date {cmd.target_date} has passed (today is {today})",
                )
            _refuse(problems, "Tonggak", "Milestone")
            assert cmd.target_date is not None
            number = 1 + max(
                (m.number for m in uow.content.milestones([view.project_id])), default=0
            )
            mid = uow.content.add_milestone(
                view.project_id, number, cmd.title.strip(), cmd.term, cmd.target_date, now
            )
            payload = {
                "milestone": number,
                "title": cmd.title.strip(),
                "term": cmd.term.value,
                "target_date": cmd.target_date.isoformat(),
            }
            return "milestone.added", mid, number, payload

        return self._write(
            cmd.project_id, cmd.actor_id, ContentKind.MILESTONE, effect, cmd.expected_version
        )

    def report_milestone(self, cmd: ReportMilestone) -> ContentResult:
        """Report a milestone done (with evidence) or slipped (with a reason), or planned again."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work() as uow:
            milestone = uow.content.milestone(cmd.milestone_id)

        def effect(uow: UnitOfWork, view: ProjectView) -> tuple[str, int, int, dict[str, Any]]:
            current = uow.content.milestone(cmd.milestone_id)
            today = self._today(view.timezone)
            done_on = cmd.done_on or (today if cmd.status is MilestoneStatus.DONE else None)
            problems = check_milestone_report(
                status=cmd.status,
                evidence=cmd.evidence,
                note=cmd.note,
                done_on=done_on,
                today=today,
            )
            if cmd.new_target is not None and cmd.new_target <= today:
                problems.add(
                    ("new_target", "new_target"),
                    f"tanggal target baru {cmd.new_target} harus setelah hari ini ({today})",
                    f"the new target date {cmd.new_target} must be after today ({today})",
                )
            if (
                cmd.status is MilestoneStatus.PLANNED
                and cmd.new_target is None
                and current.target_date < today
            ):
                problems.add(
                    ("new_target", "new_target"),
                    "tonggak yang direncanakan ulang perlu tanggal target baru",
                    "a milestone planned again needs a new target date",
                )
            _refuse(problems, "Laporan tonggak", "Milestone report")
            target = cmd.new_target or current.target_date
            evidence = cmd.evidence.strip() if cmd.status is MilestoneStatus.DONE else ""
            uow.content.update_milestone(
                current.id,
                cmd.status,
                evidence,
                cmd.note.strip(),
                done_on if cmd.status is MilestoneStatus.DONE else None,
                target,
                now,
            )
            payload = {
                "milestone": current.number,
                "status": cmd.status.value,
                "from": current.status.value,
                "evidence": evidence,
                "note": cmd.note.strip(),
                "done_on": done_on.isoformat()
                if done_on and cmd.status is MilestoneStatus.DONE
                else None,
                "target_date": target.isoformat(),
            }
            return "milestone.reported", current.id, current.number, payload

        return self._write(milestone.project_id, cmd.actor_id, ContentKind.MILESTONE_REPORT, effect)

    # -- reads --------------------------------------------------------------------------------

    def of_project(self, project_id: int, actor_id: int) -> ContentView:
        """A project's lessons, decisions and milestones (anyone who may see the project)."""
        with self._engine.unit_of_work() as uow:
            view = visible_project(uow, project_id, actor_id)
            content = ContentView(
                uow.projects.get(project_id),
                view.state,
                {h.id: h for h in uow.benchmarking.hosts(view.cohort_id)},
                uow.content.lessons([project_id]),
                uow.content.decisions([project_id]),
                uow.content.milestones([project_id]),
                self._today(view.timezone),
            )
        return content

    def slipped(self, actor_id: int, cohort_code: str | None = None) -> list[SlippedMilestone]:
        """Slipped milestones the actor watches: their mentees' (a mentor), their cohorts' (a
        coordinator); a planned milestone past its target date counts as slipped."""
        now = self._engine.clock.now()
        out: list[SlippedMilestone] = []
        with self._engine.unit_of_work() as uow:
            cohorts: list[Cohort] = (
                [uow.cohorts.by_code(cohort_code)] if cohort_code else uow.cohorts.all()
            )
            for cohort in cohorts:
                assert cohort.id is not None
                roles = uow.cohorts.roles_of(cohort.id, actor_id)
                watched = [
                    p
                    for p in uow.projects.of_cohort(cohort.id)
                    if policy.is_allowed(relations_of(p, actor_id, roles), Action.WATCH_MILESTONES)
                ]
                if (
                    cohort_code
                    and not watched
                    and not policy.is_allowed(roles, Action.WATCH_MILESTONES)
                ):
                    policy.require(
                        roles,
                        Action.WATCH_MILESTONES,
                        actor=f"person {actor_id}",
                        target=f"angkatan {cohort.code}",
                    )
                if not watched:
                    continue
                today = self._engine.calendar(cohort.timezone).local_date(now)
                by_id = {p.id: p for p in watched}
                people = uow.people.many(
                    sorted({p.participant_id for p in watched} | {p.mentor_id for p in watched})
                )
                for m in uow.content.milestones(sorted(by_id)):
                    if m.effective_status(today) is MilestoneStatus.SLIPPED:
                        p = by_id[m.project_id]
                        out.append(
                            SlippedMilestone(
                                cohort.code,
                                p.id,
                                people[p.participant_id],
                                people[p.mentor_id],
                                m,
                                m.status is MilestoneStatus.SLIPPED,
                            )
                        )
        out.sort(
            key=lambda s: (s.cohort, s.milestone.target_date, s.project_id, s.milestone.number)
        )
        return out
