"""Seminar sessions, scores, grades, remediation and the certificate.

A coordinator schedules a session (design, benchmarking or final seminar) with its examiners and
puts participants in it, each assigned to an examiner (the least loaded unless one is named; a
load above the programme's ``examiner_load`` is a warning). Each participant's panel — their
examiner, mentor and coach — scores them; their examiner records the grade on the programme's
scale. A failing grade opens a remediation whose re-grade is capped by the programme, and the
certificate is withheld until it is resolved.

Scheduling is recorded in the cohort's audit stream; scores, grades and re-grades in the
participant's project stream (each bumps the project's version, so racing writers conflict).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog
from structlog.contextvars import bound_contextvars

from domain import policy
from domain.bench_commands import (
    CreateSeminar,
    GradeSeminar,
    RegradeRemediation,
    ScheduleSeminar,
    ScoreSeminar,
)
from domain.errors import ConflictError, Forbidden, GuardFailed, NotFound, ValidationFailed
from domain.model import ChangeProject, Cohort, Person
from domain.problems import Problems
from domain.programme import ProgrammeDefinition
from domain.roles import Action, Role
from domain.seminars import (
    KIND_LABELS,
    CertificateStatus,
    PanelRole,
    Remediation,
    RemediationStatus,
    Score,
    SeminarEntry,
    SeminarKind,
    SeminarSession,
    certificate_status,
    check_grade,
    check_score,
    grade_from_mean,
    regrade,
)
from states.audit_trail import append_cohort_event
from states.engine import Engine
from states.ports import ProjectView, UnitOfWork
from states.resolve import CohortIndex, cohort_for, visible_project

log = structlog.get_logger("patok.seminars")


@dataclass(frozen=True, slots=True)
class Scheduled:
    """Participants put in a session, and warnings about examiners' loads."""

    session: SeminarSession
    entries: list[SeminarEntry]
    warnings_id: list[str] = field(default_factory=list)
    warnings_en: list[str] = field(default_factory=list)

    def warnings(self, lang: str = "id") -> list[str]:
        """The warnings in the requested language."""
        return self.warnings_en if lang == "en" else self.warnings_id


@dataclass(frozen=True, slots=True)
class SeminarResult:
    """What a score, grade or re-grade stored on a participant's project."""

    project_id: int
    event: str
    version: int
    entry: SeminarEntry
    payload: dict[str, object]
    remediation_id: int | None = None


@dataclass(frozen=True, slots=True)
class SessionView:
    """A session with its entries, scores, remediations and each examiner's load."""

    session: SeminarSession
    entries: list[SeminarEntry]
    scores: list[Score]
    remediations: list[Remediation]
    load: dict[int, int]
    limit: int
    people: dict[int, Person]
    projects: dict[int, ChangeProject]

    def overloaded(self) -> dict[int, int]:
        """Examiners with more participants than the programme's load (id → participants)."""
        return {pid: n for pid, n in self.load.items() if n > self.limit}


@dataclass(frozen=True, slots=True)
class SeminarRecord:
    """One participant's seminars: entries with their sessions, scores, remediations and the
    certificate."""

    project: ChangeProject
    cohort: Cohort
    sessions: dict[int, SeminarSession]
    entries: list[SeminarEntry]
    scores: list[Score]
    remediations: list[Remediation]
    people: dict[int, Person]
    certificate: CertificateStatus
    scale: list[str]


def _load(entries: Sequence[SeminarEntry], examiners: Sequence[int]) -> dict[int, int]:
    load = dict.fromkeys(examiners, 0)
    for e in entries:
        load[e.examiner_id] = load.get(e.examiner_id, 0) + 1
    return load


def panel_of(entry: SeminarEntry, project: ChangeProject | ProjectView) -> dict[int, PanelRole]:
    """A participant's panel in a session: their examiner, mentor and coach (one role each)."""
    panel: dict[int, PanelRole] = {}
    coach = project.coach_id
    for person, role in (
        (entry.examiner_id, PanelRole.EXAMINER),
        (project.mentor_id, PanelRole.MENTOR),
        (coach, PanelRole.COACH),
    ):
        if person is not None:
            panel.setdefault(person, role)
    return panel


class Seminars:
    """Seminar sessions, scores, grades and remediation through the engine's units of work."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _programme(self, uow: UnitOfWork, cohort: Cohort) -> ProgrammeDefinition:
        return self._engine.programme(uow, cohort.programme_checksum)

    # -- sessions (cohort) --------------------------------------------------------------------

    def create(self, cmd: CreateSeminar) -> SeminarSession:
        """Schedule a session with its examiners (examiners of the cohort)."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = cohort_for(uow, cmd.cohort_code, cmd.actor_id, Action.PLAN_SEMINAR)
            assert cohort.id is not None
            programme = self._programme(uow, cohort)
            index = CohortIndex.load(uow, cohort)
            problems = Problems()
            if cmd.kind not in programme.seminars:
                problems.add(
                    ("kind", "kind"),
                    f"program {programme.code} tidak menyelenggarakan seminar {cmd.kind.value} "
                    f"({', '.join(programme.seminars)})",
                    f"programme {programme.code} holds no {cmd.kind.value} seminar "
                    f"({', '.join(programme.seminars)})",
                )
            if cmd.starts_at.tzinfo is None:
                problems.add(
                    ("starts_at", "starts_at"), "waktu harus dengan zona", "the time needs a zone"
                )
            examiners: list[int] = []
            for ref in dict.fromkeys(cmd.examiners):
                found = index.staff(
                    ref, ("examiners", "examiners"), problems, frozenset({Role.EXAMINER})
                )
                if found is not None:
                    examiners.append(found[0])
            if not cmd.examiners:
                problems.add(
                    ("examiners", "examiners"),
                    "sesi seminar perlu minimal satu penguji",
                    "a seminar session needs at least one examiner",
                )
            problems.raise_if_any("Sesi seminar ditolak", "Seminar session refused")
            title = cmd.title.strip() or KIND_LABELS[cmd.kind.value][0]
            session_id = uow.seminars.add_session(
                cohort.id, cmd.kind, title, cmd.starts_at, cmd.place.strip(), examiners
            )
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=cmd.actor_id,
                action="seminar.scheduled",
                payload={
                    "session": session_id,
                    "kind": cmd.kind.value,
                    "title": title,
                    "starts_at": cmd.starts_at.isoformat(),
                    "place": cmd.place.strip(),
                    "examiners": [index.people[e].nip for e in examiners],
                },
            )
            session = uow.seminars.session(session_id)
            uow.commit()
        log.info(
            "command.applied", action="seminar.scheduled", cohort=cohort.code, session=session_id
        )
        return session

    def schedule(self, cmd: ScheduleSeminar) -> Scheduled:
        """Put participants in a session, each assigned to an examiner of the session."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            session = uow.seminars.session(cmd.session_id)
            cohort = uow.cohorts.by_id(session.cohort_id)
            cohort_for(uow, cohort.code, cmd.actor_id, Action.PLAN_SEMINAR)
            assert cohort.id is not None
            programme = self._programme(uow, cohort)
            index = CohortIndex.load(uow, cohort)
            existing = uow.seminars.entries([session.id])
            scheduled = {e.project_id for e in existing}
            problems = Problems()
            chosen: int | None = None
            if cmd.examiner is not None:
                found = index.staff(
                    cmd.examiner, ("examiner", "examiner"), problems, frozenset({Role.EXAMINER})
                )
                if found is not None and found[0] not in session.examiner_ids:
                    names = ", ".join(index.people[e].name for e in session.examiner_ids)
                    problems.add(
                        ("examiner", "examiner"),
                        f"{cmd.examiner} bukan penguji sesi {session.id} ({names})",
                        f"{cmd.examiner} is not an examiner of session {session.id} ({names})",
                    )
                elif found is not None:
                    chosen = found[0]
            same_kind = {
                s.id for s in uow.seminars.sessions(cohort.id) if s.kind is session.kind
            } - {session.id}
            projects: list[int] = []
            for ref in cmd.participants:
                pid = index.project(ref, ("participants", "participants"), problems)
                if pid is None:
                    continue
                if pid in scheduled or pid in projects:
                    problems.add(
                        (ref, ref),
                        f"{index.participant_name(pid)} sudah terjadwal di sesi {session.id}",
                        f"{index.participant_name(pid)} is already in session {session.id}",
                    )
                    continue
                elsewhere = [e for e in uow.seminars.entries_of([pid]) if e.session_id in same_kind]
                if elsewhere:
                    kind_id, kind_en = (k.lower() for k in KIND_LABELS[session.kind.value])
                    problems.add(
                        (ref, ref),
                        f"{index.participant_name(pid)} sudah terjadwal di sesi "
                        f"{elsewhere[0].session_id} ({kind_id}); satu peserta satu {kind_id} — "
                        "nilai ulang hanya melalui remediasi",
                        f"{index.participant_name(pid)} is already in session "
                        f"{elsewhere[0].session_id} ({kind_en}); one {kind_en} per participant — "
                        "a re-grade only through the remediation",
                    )
                    continue
                projects.append(pid)
            if not cmd.participants:
                problems.add(
                    ("participants", "participants"), "sebutkan peserta", "name the participants"
                )
            problems.raise_if_any("Penjadwalan ditolak", "Scheduling refused")
            load = _load(existing, session.examiner_ids)
            added: list[tuple[int, int]] = []
            for pid in projects:
                examiner = chosen if chosen is not None else min(load, key=lambda e: (load[e], e))
                load[examiner] += 1
                added.append((pid, examiner))
            for pid, examiner in added:
                uow.seminars.add_entry(session.id, pid, examiner)
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=cmd.actor_id,
                action="seminar.participants_added",
                payload={
                    "session": session.id,
                    "participants": {
                        index.people[index.projects[pid].participant_id].nip: index.people[e].nip
                        for pid, e in added
                    },
                },
            )
            entries = [e for e in uow.seminars.entries([session.id]) if e.project_id in projects]
            uow.commit()
        warnings = Problems()
        limit = programme.grading.examiner_load
        for examiner, count in load.items():
            if count > limit:
                name = index.people[examiner].name
                warnings.add(
                    (f"sesi {session.id}", f"session {session.id}"),
                    f"penguji {name} menilai {count} peserta, lebih dari {limit}",
                    f"examiner {name} grades {count} participants, more than {limit}",
                )
        return Scheduled(session, entries, warnings.id, warnings.en)

    # -- scores and grades (project) ----------------------------------------------------------

    def _entry(
        self, uow: UnitOfWork, session_id: int, participant: str
    ) -> tuple[SeminarSession, Cohort, SeminarEntry]:
        session = uow.seminars.session(session_id)
        cohort = uow.cohorts.by_id(session.cohort_id)
        index = CohortIndex.load(uow, cohort)
        pid = index.require_project(participant)
        entry = next((e for e in uow.seminars.entries([session.id]) if e.project_id == pid), None)
        if entry is None:
            raise NotFound(
                f"{index.participant_name(pid)} tidak terjadwal di sesi {session.id}",
                f"{index.participant_name(pid)} is not scheduled in session {session.id}",
            )
        return session, cohort, entry

    def _record(
        self,
        uow: UnitOfWork,
        view: ProjectView,
        actor_id: int,
        now: datetime,
        event: str,
        payload: dict[str, object],
    ) -> None:
        self._engine.record(uow, view, actor_id, now, view.state, event, dict(payload))

    def score(self, cmd: ScoreSeminar) -> SeminarResult:
        """A panel member scores a participant once the session has begun (again, to correct it,
        until the grade is set)."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            session, cohort, entry = self._entry(uow, cmd.session_id, cmd.participant)
            view = uow.projects.load(entry.project_id, cmd.actor_id)
            with bound_contextvars(cohort=cohort.code, project=view.project_id, actor=cmd.actor_id):
                target = f"proyek {view.project_id}"
                policy.require(
                    view.relations,
                    Action.SCORE_SEMINAR,
                    actor=f"person {cmd.actor_id}",
                    target=target,
                )
                panel = panel_of(entry, view)
                if cmd.actor_id not in panel:
                    people = uow.people.many(sorted({*panel, cmd.actor_id}))
                    names = "; ".join(f"{people[p].name} ({r.value})" for p, r in panel.items())
                    who = people[cmd.actor_id].name
                    raise Forbidden(
                        f"{who} bukan anggota panel peserta ini di sesi {session.id}; panel: {names}",
                        f"{who} is not on this participant's panel in session {session.id}; "
                        f"the panel: {names}",
                        panel=sorted(panel),
                    )
                if entry.grade is not None:
                    raise GuardFailed(
                        f"Peserta ini sudah diberi predikat ({entry.grade}) di sesi {session.id}; nilai tidak dapat diubah",
                        f"This participant is graded already ({entry.grade}) in session {session.id}; "
                        "scores can no longer change",
                    )
                if now < session.starts_at:
                    starts = session.starts_at.astimezone(ZoneInfo(cohort.timezone))
                    at = f"{starts:%d-%m-%Y %H:%M} ({cohort.timezone})"
                    raise GuardFailed(
                        f"Sesi {session.id} baru dimulai {at}; nilai diberikan sejak itu",
                        f"Session {session.id} starts only at {at}; scores are given from then",
                        starts_at=session.starts_at.isoformat(),
                    )
                rules = self._programme(uow, cohort).grading
                check_score(cmd.score, rules)
                role = panel[cmd.actor_id]
                replaced = uow.seminars.set_score(entry.id, cmd.actor_id, role, cmd.score, now)
                payload: dict[str, object] = {
                    "session": session.id,
                    "kind": session.kind.value,
                    "role": role.value,
                    "score": cmd.score,
                    "replaces": replaced,
                }
                self._record(uow, view, cmd.actor_id, now, "seminar.scored", payload)
                uow.commit()
                log.info("command.applied", action="seminar.scored", session=session.id)
        return SeminarResult(view.project_id, "seminar.scored", view.version + 1, entry, payload)

    def grade(self, cmd: GradeSeminar) -> SeminarResult:
        """The participant's examiner records the grade once the whole panel has scored; a failing
        grade opens a remediation."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            session, cohort, entry = self._entry(uow, cmd.session_id, cmd.participant)
            view = uow.projects.load(entry.project_id, cmd.actor_id)
            with bound_contextvars(cohort=cohort.code, project=view.project_id, actor=cmd.actor_id):
                self._require_examiner(uow, view, entry, cmd.actor_id, session)
                if entry.grade is not None:
                    raise ConflictError(
                        f"Peserta ini sudah diberi predikat ({entry.grade}) di sesi {session.id}",
                        f"This participant is graded already ({entry.grade}) in session {session.id}",
                    )
                programme = self._programme(uow, cohort)
                scale = programme.grades
                panel = panel_of(entry, view)
                scores = {s.scorer_id: s.score for s in uow.seminars.scores([entry.id])}
                waiting = [p for p in panel if p not in scores]
                if waiting:
                    people = uow.people.many(waiting)
                    names = "; ".join(f"{people[p].name} ({panel[p].value})" for p in waiting)
                    raise GuardFailed(
                        f"Belum semua panel memberi nilai; menunggu: {names}",
                        f"Not every panel member has scored yet; waiting for: {names}",
                        waiting=waiting,
                    )
                mean = round(sum(scores[p] for p in panel) / len(panel), 2)
                grade = (
                    check_grade(cmd.grade, scale)
                    if cmd.grade is not None
                    else grade_from_mean(mean, scale, programme.grading)
                )
                uow.seminars.set_grade(entry.id, grade, mean, cmd.actor_id, now)
                remediation_id: int | None = None
                if grade in programme.grading.failing_grades(scale):
                    remediation_id = uow.seminars.open_remediation(
                        entry.id, view.project_id, cmd.remediation, now
                    )
                payload: dict[str, object] = {
                    "session": session.id,
                    "kind": session.kind.value,
                    "grade": grade,
                    "mean_score": mean,
                    "remediation": remediation_id,
                    "remediation_kind": cmd.remediation.value if remediation_id else None,
                }
                self._record(uow, view, cmd.actor_id, now, "seminar.graded", payload)
                graded = next(e for e in uow.seminars.entries([session.id]) if e.id == entry.id)
                uow.commit()
                log.info(
                    "command.applied", action="seminar.graded", session=session.id, grade=grade
                )
        return SeminarResult(
            view.project_id, "seminar.graded", view.version + 1, graded, payload, remediation_id
        )

    def regrade(self, cmd: RegradeRemediation) -> SeminarResult:
        """The examiner re-grades after a revision or make-up; the grade is capped."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            remediation = uow.seminars.remediation(cmd.remediation_id)
            entry = next(
                e
                for e in uow.seminars.entries_of([remediation.project_id])
                if e.id == remediation.entry_id
            )
            session = uow.seminars.session(entry.session_id)
            cohort = uow.cohorts.by_id(session.cohort_id)
            view = uow.projects.load(entry.project_id, cmd.actor_id)
            with bound_contextvars(cohort=cohort.code, project=view.project_id, actor=cmd.actor_id):
                self._require_examiner(uow, view, entry, cmd.actor_id, session)
                if remediation.status is not RemediationStatus.OPEN:
                    raise ConflictError(
                        f"Remediasi #{remediation.id} sudah selesai ({remediation.status.value})",
                        f"Remediation #{remediation.id} is resolved already ({remediation.status.value})",
                    )
                programme = self._programme(uow, cohort)
                if cmd.grade is not None and cmd.score is not None:
                    raise ValidationFailed(
                        "Sebutkan predikat (--grade) atau nilai (--score), bukan keduanya",
                        "Give the grade (--grade) or the score (--score), not both",
                    )
                if cmd.score is not None:
                    check_score(cmd.score, programme.grading)
                outcome = regrade(
                    programme.grades, programme.grading, grade=cmd.grade, mean=cmd.score
                )
                uow.seminars.resolve_remediation(
                    remediation.id,
                    outcome.status,
                    outcome.grade,
                    outcome.capped,
                    cmd.note.strip(),
                    cmd.actor_id,
                    now,
                )
                payload: dict[str, object] = {
                    "session": session.id,
                    "kind": session.kind.value,
                    "remediation": remediation.id,
                    "remediation_kind": remediation.kind.value,
                    "grade": outcome.grade,
                    "score": cmd.score,
                    "capped": outcome.capped,
                    "status": outcome.status.value,
                    "note": cmd.note.strip(),
                }
                self._record(uow, view, cmd.actor_id, now, "remediation.resolved", payload)
                uow.commit()
                log.info(
                    "command.applied", action="remediation.resolved", status=outcome.status.value
                )
        return SeminarResult(
            view.project_id,
            "remediation.resolved",
            view.version + 1,
            entry,
            payload,
            remediation.id,
        )

    def _require_examiner(
        self,
        uow: UnitOfWork,
        view: ProjectView,
        entry: SeminarEntry,
        actor_id: int,
        session: SeminarSession,
    ) -> None:
        target = f"proyek {view.project_id}"
        policy.require(
            view.relations, Action.GRADE_SEMINAR, actor=f"person {actor_id}", target=target
        )
        if actor_id != entry.examiner_id:
            examiner = uow.people.get(entry.examiner_id)
            raise Forbidden(
                f"Hanya penguji peserta ini di sesi {session.id} ({examiner.name}) yang memberi predikat",
                f"Only this participant's examiner in session {session.id} ({examiner.name}) grades them",
                examiner=entry.examiner_id,
            )

    # -- reads --------------------------------------------------------------------------------

    def sessions(self, cohort_code: str, actor_id: int) -> list[SessionView]:
        """A cohort's sessions with entries, scores and each examiner's load."""
        with self._engine.unit_of_work() as uow:
            cohort = cohort_for(uow, cohort_code, actor_id, Action.VIEW_BENCHMARKING)
            assert cohort.id is not None
            limit = self._programme(uow, cohort).grading.examiner_load
            sessions = uow.seminars.sessions(cohort.id)
            entries = uow.seminars.entries([s.id for s in sessions])
            scores = uow.seminars.scores([e.id for e in entries])
            remediations = uow.seminars.remediations(sorted({e.project_id for e in entries}))
            projects = {p.id: p for p in uow.projects.of_cohort(cohort.id)}
            ids = {e.examiner_id for e in entries} | {x for s in sessions for x in s.examiner_ids}
            ids |= {projects[e.project_id].participant_id for e in entries}
            ids |= {s.scorer_id for s in scores}
            people = uow.people.many(sorted(ids))
        out: list[SessionView] = []
        entry_ids = {s.id: {e.id for e in entries if e.session_id == s.id} for s in sessions}
        for s in sessions:
            mine = [e for e in entries if e.session_id == s.id]
            out.append(
                SessionView(
                    s,
                    mine,
                    [x for x in scores if x.entry_id in entry_ids[s.id]],
                    [r for r in remediations if r.entry_id in entry_ids[s.id]],
                    _load(mine, s.examiner_ids),
                    limit,
                    people,
                    projects,
                )
            )
        return out

    def record(self, project_id: int, actor_id: int) -> SeminarRecord:
        """A participant's seminars, scores, remediations and certificate status."""
        with self._engine.unit_of_work() as uow:
            visible_project(uow, project_id, actor_id)
            project = uow.projects.get(project_id)
            cohort = uow.cohorts.by_id(project.cohort_id)
            programme = self._programme(uow, cohort)
            entries = uow.seminars.entries_of([project_id])
            sessions = {s.id: s for s in uow.seminars.sessions(project.cohort_id)}
            scores = uow.seminars.scores([e.id for e in entries])
            remediations = uow.seminars.remediations([project_id])
            ids = {project.participant_id, project.mentor_id} | {e.examiner_id for e in entries}
            ids |= {s.scorer_id for s in scores}
            if project.coach_id is not None:
                ids.add(project.coach_id)
            people = uow.people.many(sorted(ids))
        by_entry = {r.entry_id: r for r in remediations}
        final: dict[SeminarKind, str | None] = {}
        for e in sorted(entries, key=lambda e: (sessions[e.session_id].starts_at, e.id)):
            if e.grade is None:
                continue
            fix = by_entry.get(e.id)
            counted = (
                fix.regrade
                if fix is not None and fix.status is RemediationStatus.PASSED
                else e.grade
            )
            final[sessions[e.session_id].kind] = counted
        kind_of = {
            r.id: sessions[next(e for e in entries if e.id == r.entry_id).session_id].kind
            for r in remediations
        }
        certificate = certificate_status(
            programme.grading,
            programme.grades,
            project_state=project.state,
            final_grades=final,
            remediations=remediations,
            remediation_kinds=kind_of,
        )
        return SeminarRecord(
            project,
            cohort,
            sessions,
            entries,
            scores,
            remediations,
            people,
            certificate,
            list(programme.grades),
        )
