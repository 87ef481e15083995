"""The project store: the command path's reads and writes, plus the project's read side."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from adapters.db.orm import (
    ArtifactRow,
    BlobRow,
    DecisionRow,
    ExtensionRow,
    ProjectRow,
    StageInstanceRow,
    SubmissionRow,
)
from adapters.db.rawsql import RawSql
from domain.errors import ConflictError, NotFound
from domain.model import Artifact, ChangeProject, Decision, Gate, Outcome, StageInstance, Submission
from domain.roles import Role
from states.ports import ClockUpdate, ExtensionRecord, NewProject, ProjectView

_LOAD = """
SELECT p.id, p.cohort_id, c.code, c.timezone, c.programme_checksum,
       p.participant_id, p.mentor_id, p.coach_id, p.state, p.version, p.audit_head,
       s.id, s.stage, s.attempt, s.gate, sub.id, sub.number,
       EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id = p.cohort_id
               AND m.person_id = :actor AND m.role = 'coordinator'),
       EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id = p.cohort_id
               AND m.person_id = :actor AND m.role = 'examiner'),
       (SELECT count(*) FROM stage_instances WHERE project_id = p.id),
       s.participant_cycle, s.due_at
FROM projects p
JOIN cohorts c ON c.id = p.cohort_id
JOIN stage_instances s ON s.id = (SELECT max(id) FROM stage_instances WHERE project_id = p.id)
LEFT JOIN submissions sub ON sub.id = (SELECT max(id) FROM submissions
                                       WHERE stage_instance_id = s.id)
WHERE p.id = :pid
"""
_ADVANCE = """
UPDATE projects SET state = :state, version = version + 1, audit_head = :head
WHERE id = :pid AND version = :version
"""
_GATE_SUBMITTED = """
UPDATE stage_instances SET gate = :gate, submitted_at = :at, decision_due_at = :decision_due,
       next_check_at = :next WHERE id = :sid
"""
_GATE_REVISE = """
UPDATE stage_instances SET gate = :gate, decided_at = :at, decision_due_at = NULL, due_at = :due,
       participant_cycle = :cycle, participant_clock_at = :at, next_check_at = :next WHERE id = :sid
"""
_GATE_APPROVED = """
UPDATE stage_instances SET gate = :gate, decided_at = :at, decision_due_at = NULL,
       next_check_at = NULL WHERE id = :sid
"""
_GATE_CLOSED = """
UPDATE stage_instances SET gate = :gate, decision_due_at = NULL, next_check_at = NULL
WHERE id = :sid
"""
_EXTEND = """
UPDATE stage_instances SET due_at = :due, participant_cycle = :cycle, next_check_at = :next,
       participant_clock_at = :at
WHERE id = :sid
"""
_ADD_SUBMISSION = """
INSERT INTO submissions (stage_instance_id, number, submitted_by, submitted_at, note)
VALUES (:sid, :number, :actor, :at, :note) RETURNING id
"""
_ADD_BLOB = """
INSERT INTO blobs (sha256, size, content) VALUES (:sha256, :size, :content)
ON CONFLICT (sha256) DO NOTHING
"""
_ADD_ARTIFACT = """
INSERT INTO artifacts (submission_id, kind, filename, media_type, size, sha256)
VALUES (:sub, :kind, :filename, :media_type, :size, :sha256)
"""
_ADD_DECISION = """
INSERT INTO decisions (submission_id, decided_by, outcome, comment, decided_at)
VALUES (:sub, :actor, :outcome, :comment, :at) RETURNING id
"""
_OPEN_STAGE = """
INSERT INTO stage_instances (project_id, stage, attempt, gate, opened_at, due_at,
                             participant_cycle, participant_clock_at, next_check_at)
VALUES (:pid, :stage, :attempt, 'drafting', :opened, :due, 1, :opened, :next) RETURNING id
"""
_COUNT_ATTEMPTS = "SELECT count(*) FROM stage_instances WHERE project_id = :pid AND stage = :stage"
_CREATE = """
INSERT INTO projects (cohort_id, participant_id, mentor_id, coach_id, title, state, version, audit_head)
VALUES (:cohort, :participant, :mentor, :coach, :title, :state, 0, :head) RETURNING id
"""


def _stamp(value: object) -> datetime:
    """A timestamp read through the driver cursor (text on SQLite) as an aware UTC datetime."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)


def _conflict(what_id: str, what_en: str) -> ConflictError:
    return ConflictError(
        f"{what_id} sudah dicatat oleh orang lain lebih dulu; tidak ada yang disimpan",
        f"{what_en} was recorded by someone else first; nothing was stored",
    )


class SqlProjectStore:
    """Projects, stage instances, submissions and decisions in SQL."""

    def __init__(self, raw: RawSql, session: Callable[[], Session]) -> None:
        self._raw = raw
        self._session_of = session

    def load(self, project_id: int, actor_id: int) -> ProjectView:
        """The project as a command sees it, with the actor's relations to it, in one query."""
        row = self._raw.one(_LOAD, {"pid": project_id, "actor": actor_id})
        if row is None:
            raise NotFound(
                f"Proyek {project_id} tidak ditemukan",
                f"Project {project_id} not found",
                project=project_id,
            )
        relations: set[Role] = set()
        if row[5] == actor_id:
            relations.add(Role.PARTICIPANT)
        if row[6] == actor_id:
            relations.add(Role.MENTOR)
        if row[7] == actor_id:
            relations.add(Role.COACH)
        if row[17]:
            relations.add(Role.COORDINATOR)
        if row[18]:
            relations.add(Role.EXAMINER)
        return ProjectView(
            project_id=row[0],
            cohort_id=row[1],
            cohort_code=row[2],
            timezone=row[3],
            programme_checksum=row[4],
            participant_id=row[5],
            mentor_id=row[6],
            coach_id=row[7],
            state=row[8],
            version=row[9],
            audit_head=row[10],
            stage_id=row[11],
            stage=row[12],
            attempt=row[13],
            gate=Gate(row[14]),
            latest_submission_id=row[15],
            latest_submission_number=row[16] or 0,
            relations=frozenset(relations),
            stage_instances=row[19],
            participant_cycle=row[20],
            due_at=_stamp(row[21]),
        )

    def advance(self, project_id: int, expected_version: int, state: str, audit_head: str) -> None:
        """Move the project under its optimistic version check."""
        params = {
            "pid": project_id,
            "version": expected_version,
            "state": state,
            "head": audit_head,
        }
        if self._raw.execute(_ADVANCE, params) != 1:
            raise ConflictError(
                f"Proyek {project_id} baru saja diubah orang lain; tidak ada yang disimpan. "
                "Muat ulang lalu coba lagi.",
                f"Project {project_id} was just changed by someone else; nothing was stored. "
                "Reload and try again.",
                project=project_id,
            )

    def set_gate(self, stage_id: int, gate: Gate, at: datetime, clocks: ClockUpdate) -> None:
        """Move a stage instance's gate with its clocks, stamping when it was submitted or decided."""
        ts = self._raw.ts
        params: dict[str, object] = {"gate": gate.value, "at": ts(at), "sid": stage_id}
        nxt = None if clocks.next_check_at is None else ts(clocks.next_check_at)
        if gate is Gate.SUBMITTED:
            assert clocks.decision_due_at is not None
            params |= {"decision_due": ts(clocks.decision_due_at), "next": nxt}
            self._raw.execute(_GATE_SUBMITTED, params)
        elif gate is Gate.CHANGES_REQUESTED:
            assert clocks.due_at is not None and clocks.participant_cycle is not None
            params |= {"due": ts(clocks.due_at), "cycle": clocks.participant_cycle, "next": nxt}
            self._raw.execute(_GATE_REVISE, params)
        elif gate is Gate.APPROVED:
            self._raw.execute(_GATE_APPROVED, params)
        else:
            self._raw.execute(_GATE_CLOSED, {"gate": gate.value, "sid": stage_id})

    def extend(
        self,
        stage_id: int,
        due_at: datetime,
        participant_cycle: int,
        next_check_at: datetime | None,
        at: datetime,
    ) -> None:
        """Give the participant's clock a new deadline and a new cycle starting ``at``."""
        nxt = None if next_check_at is None else self._raw.ts(next_check_at)
        self._raw.execute(
            _EXTEND,
            {
                "due": self._raw.ts(due_at),
                "cycle": participant_cycle,
                "next": nxt,
                "sid": stage_id,
                "at": self._raw.ts(at),
            },
        )

    def add_submission(
        self,
        stage_id: int,
        number: int,
        actor_id: int,
        at: datetime,
        note: str,
        artifacts: Sequence[tuple[Artifact, bytes]],
    ) -> int:
        """Store a submission and its artifacts; blobs are stored once per checksum."""
        try:
            sub_id = int(
                self._raw.scalar(
                    _ADD_SUBMISSION,
                    {
                        "sid": stage_id,
                        "number": number,
                        "actor": actor_id,
                        "at": self._raw.ts(at),
                        "note": note,
                    },
                )
            )
        except self._raw.IntegrityError:
            raise _conflict("Pengajuan ini", "This submission") from None
        if artifacts:
            self._raw.many(
                _ADD_BLOB,
                [
                    {"sha256": a.sha256, "size": a.size, "content": content}
                    for a, content in artifacts
                ],
            )
            self._raw.many(
                _ADD_ARTIFACT,
                [
                    {
                        "sub": sub_id,
                        "kind": a.kind,
                        "filename": a.filename,
                        "media_type": a.media_type,
                        "size": a.size,
                        "sha256": a.sha256,
                    }
                    for a, _ in artifacts
                ],
            )
        return sub_id

    def add_decision(
        self, submission_id: int, actor_id: int, outcome: Outcome, comment: str, at: datetime
    ) -> int:
        """Store the one decision a submission may have."""
        try:
            return int(
                self._raw.scalar(
                    _ADD_DECISION,
                    {
                        "sub": submission_id,
                        "actor": actor_id,
                        "outcome": outcome.value,
                        "comment": comment,
                        "at": self._raw.ts(at),
                    },
                )
            )
        except self._raw.IntegrityError:
            raise _conflict(
                "Keputusan atas pengajuan ini", "A decision on this submission"
            ) from None

    def open_stage(
        self,
        project_id: int,
        stage: str,
        attempt: int,
        opened_at: datetime,
        due_at: datetime,
        next_check_at: datetime | None,
    ) -> int:
        """Open a stage instance in drafting with its deadline."""
        try:
            return int(
                self._raw.scalar(
                    _OPEN_STAGE,
                    {
                        "pid": project_id,
                        "stage": stage,
                        "attempt": attempt,
                        "opened": self._raw.ts(opened_at),
                        "due": self._raw.ts(due_at),
                        "next": None if next_check_at is None else self._raw.ts(next_check_at),
                    },
                )
            )
        except self._raw.IntegrityError:
            raise _conflict("Pembukaan tahap ini", "Opening this stage") from None

    def add_extension(
        self,
        stage_id: int,
        project_id: int,
        actor_id: int,
        at: datetime,
        reason: str,
        new_due: date,
    ) -> int:
        """Record a pending extension request (one pending per stage instance)."""
        session = self._session_of()
        pending = session.scalar(
            select(ExtensionRow.id).where(
                ExtensionRow.stage_instance_id == stage_id, ExtensionRow.status == "pending"
            )
        )
        if pending is not None:
            raise ConflictError(
                f"Sudah ada permohonan perpanjangan #{pending} yang menunggu keputusan",
                f"Extension request #{pending} is already waiting for a decision",
            )
        row = ExtensionRow(
            stage_instance_id=stage_id,
            project_id=project_id,
            requested_by=actor_id,
            requested_at=at.astimezone(UTC).replace(tzinfo=None),
            reason=reason,
            new_due_date=new_due,
            status="pending",
            note="",
        )
        session.add(row)
        session.flush()
        return row.id

    def extension(self, extension_id: int) -> ExtensionRecord:
        """An extension request."""
        row = self._session_of().get(ExtensionRow, extension_id)
        if row is None:
            raise NotFound(
                f"Permohonan perpanjangan {extension_id} tidak ditemukan",
                f"Extension request {extension_id} not found",
            )
        return _extension(row)

    def extensions(
        self, project_ids: Sequence[int] | None, status: str | None
    ) -> list[ExtensionRecord]:
        """Extension requests by project and status, newest first."""
        q = select(ExtensionRow)
        if project_ids is not None:
            q = q.where(ExtensionRow.project_id.in_(project_ids))
        if status is not None:
            q = q.where(ExtensionRow.status == status)
        return [
            _extension(r) for r in self._session_of().scalars(q.order_by(ExtensionRow.id.desc()))
        ]

    def decide_extension(
        self, extension_id: int, status: str, actor_id: int, at: datetime, note: str
    ) -> None:
        """Decide a pending request, once."""
        done = self._raw.execute(
            "UPDATE extensions SET status = :status, decided_by = :actor, decided_at = :at, "
            "note = :note WHERE id = :id AND status = 'pending'",
            {
                "status": status,
                "actor": actor_id,
                "at": self._raw.ts(at),
                "note": note,
                "id": extension_id,
            },
        )
        if done != 1:
            raise ConflictError(
                f"Permohonan perpanjangan {extension_id} sudah diputuskan",
                f"Extension request {extension_id} was already decided",
            )

    def next_attempt(self, project_id: int, stage: str) -> int:
        """1 + how many times the stage was opened for the project."""
        return int(self._raw.scalar(_COUNT_ATTEMPTS, {"pid": project_id, "stage": stage})) + 1

    def create(self, project: NewProject) -> int:
        """Insert a new project with version 0 and an empty audit head."""
        from domain.audit import GENESIS

        return int(
            self._raw.scalar(
                _CREATE,
                {
                    "cohort": project.cohort_id,
                    "participant": project.participant_id,
                    "mentor": project.mentor_id,
                    "coach": project.coach_id,
                    "title": project.title,
                    "state": project.state,
                    "head": GENESIS,
                },
            )
        )

    # -- read side ------------------------------------------------------------------------

    def get(self, project_id: int) -> ChangeProject:
        """The project row as a domain object; raises NotFound."""
        row = self._session_of().get(ProjectRow, project_id)
        if row is None:
            raise NotFound(
                f"Proyek {project_id} tidak ditemukan",
                f"Project {project_id} not found",
                project=project_id,
            )
        return _project(row)

    def of_cohort(self, cohort_id: int) -> list[ChangeProject]:
        """Every project of a cohort, by id."""
        rows = self._session_of().scalars(
            select(ProjectRow).where(ProjectRow.cohort_id == cohort_id).order_by(ProjectRow.id)
        )
        return [_project(r) for r in rows]

    def of_participant(self, person_id: int) -> list[int]:
        """The ids of the projects whose participant is this person."""
        return list(
            self._session_of().scalars(
                select(ProjectRow.id)
                .where(ProjectRow.participant_id == person_id)
                .order_by(ProjectRow.id)
            )
        )

    def related_to(self, person_id: int) -> list[int]:
        """The ids of the projects this person is the participant, mentor or coach of."""
        return list(
            self._session_of().scalars(
                select(ProjectRow.id).where(
                    or_(
                        ProjectRow.participant_id == person_id,
                        ProjectRow.mentor_id == person_id,
                        ProjectRow.coach_id == person_id,
                    )
                )
            )
        )

    def ids_of_cohort(self, cohort_id: int) -> list[int]:
        """The ids of a cohort's projects."""
        return list(
            self._session_of().scalars(
                select(ProjectRow.id).where(ProjectRow.cohort_id == cohort_id)
            )
        )

    def stages(self, project_id: int) -> list[StageInstance]:
        """All stage instances of a project, oldest first."""
        rows = self._session_of().scalars(
            select(StageInstanceRow)
            .where(StageInstanceRow.project_id == project_id)
            .order_by(StageInstanceRow.id)
        )
        return [_stage(r) for r in rows]

    def stages_of_cohort(self, cohort_id: int) -> list[StageInstance]:
        """Every stage instance of every project of a cohort, oldest first."""
        rows = self._session_of().scalars(
            select(StageInstanceRow)
            .join(ProjectRow, ProjectRow.id == StageInstanceRow.project_id)
            .where(ProjectRow.cohort_id == cohort_id)
            .order_by(StageInstanceRow.id)
        )
        return [_stage(r) for r in rows]

    def submissions(self, stage_ids: Sequence[int]) -> list[Submission]:
        """Submissions of these stage instances with their artifacts, in order."""
        if not stage_ids:
            return []
        subs = list(
            self._session_of().scalars(
                select(SubmissionRow)
                .where(SubmissionRow.stage_instance_id.in_(stage_ids))
                .order_by(SubmissionRow.id)
            )
        )
        arts: dict[int, list[Artifact]] = {}
        if subs:
            for a in self._session_of().scalars(
                select(ArtifactRow)
                .where(ArtifactRow.submission_id.in_([s.id for s in subs]))
                .order_by(ArtifactRow.id)
            ):
                arts.setdefault(a.submission_id, []).append(
                    Artifact(
                        kind=a.kind,
                        filename=a.filename,
                        media_type=a.media_type,
                        size=a.size,
                        sha256=a.sha256,
                    )
                )
        return [
            Submission(
                id=s.id,
                stage_instance_id=s.stage_instance_id,
                number=s.number,
                submitted_by=s.submitted_by,
                submitted_at=s.submitted_at.replace(tzinfo=UTC),
                note=s.note,
                artifacts=tuple(arts.get(s.id, ())),
            )
            for s in subs
        ]

    def decisions(self, submission_ids: Sequence[int]) -> list[Decision]:
        """Decisions on these submissions."""
        if not submission_ids:
            return []
        rows = self._session_of().scalars(
            select(DecisionRow).where(DecisionRow.submission_id.in_(submission_ids))
        )
        return [
            Decision(
                id=d.id,
                submission_id=d.submission_id,
                decided_by=d.decided_by,
                outcome=Outcome(d.outcome),
                comment=d.comment,
                decided_at=d.decided_at.replace(tzinfo=UTC),
            )
            for d in rows
        ]

    def artifact_content(self, sha256: str) -> bytes | None:
        """The stored bytes of an artifact."""
        blob = self._session_of().get(BlobRow, sha256)
        return None if blob is None else blob.content


def _project(r: ProjectRow) -> ChangeProject:
    return ChangeProject(
        id=r.id,
        cohort_id=r.cohort_id,
        participant_id=r.participant_id,
        mentor_id=r.mentor_id,
        coach_id=r.coach_id,
        title=r.title,
        state=r.state,
        version=r.version,
        audit_head=r.audit_head,
    )


def _stage(r: StageInstanceRow) -> StageInstance:
    return StageInstance(
        id=r.id,
        project_id=r.project_id,
        stage=r.stage,
        attempt=r.attempt,
        gate=Gate(r.gate),
        opened_at=r.opened_at.replace(tzinfo=UTC),
        due_at=r.due_at.replace(tzinfo=UTC),
        submitted_at=_aware(r.submitted_at),
        decided_at=_aware(r.decided_at),
        participant_cycle=r.participant_cycle,
        decision_due_at=_aware(r.decision_due_at),
        next_check_at=_aware(r.next_check_at),
    )


def _extension(r: ExtensionRow) -> ExtensionRecord:
    return ExtensionRecord(
        id=r.id,
        stage_instance_id=r.stage_instance_id,
        project_id=r.project_id,
        requested_by=r.requested_by,
        requested_at=r.requested_at.replace(tzinfo=UTC),
        reason=r.reason,
        new_due_date=r.new_due_date,
        status=r.status,
        decided_by=r.decided_by,
        decided_at=_aware(r.decided_at),
        note=r.note,
    )
