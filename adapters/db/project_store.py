"""The project store: the command path's reads and writes, plus the project's read side.

A command writes the project row (state, version, audit head and its current stage's gate and
clocks) and, when a stage opens or closes, a stage instance row; submissions and decisions are
read back from the project's audit entries (domain.records)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from adapters.db.orm import AuditRow, BlobRow, ExtensionRow, ProjectRow, StageInstanceRow
from adapters.db.rawsql import RawSql
from domain.audit import StoredEntry, stream_of_project
from domain.errors import ConflictError, NotFound
from domain.model import Artifact, ChangeProject, Gate, StageInstance
from domain.records import RECORD_ACTIONS, StageRecords, stage_records
from domain.roles import Role
from states.ports import ExtensionRecord, NewProject, ProjectView, StageClocks

_LOAD = """
SELECT p.id, p.cohort_id, c.code, c.timezone, c.programme_checksum,
       p.participant_id, p.mentor_id, p.coach_id, p.state, p.version, p.audit_head,
       p.stage_id, s.stage, s.attempt, s.opened_at, p.gate, p.due_at, p.participant_cycle,
       p.participant_clock_at, p.submitted_at, p.decided_at, p.decision_due_at, p.next_check_at,
       p.submission_number,
       EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id = p.cohort_id
               AND m.person_id = :actor AND m.role = 'coordinator'),
       EXISTS (SELECT 1 FROM cohort_members m WHERE m.cohort_id = p.cohort_id
               AND m.person_id = :actor AND m.role = 'examiner')
FROM projects p
JOIN cohorts c ON c.id = p.cohort_id
JOIN stage_instances s ON s.id = p.stage_id
WHERE p.id = :pid
"""
_ADVANCE = """
UPDATE projects SET state = :state, version = version + 1, audit_head = :head
WHERE id = :pid AND version = :version
"""
_ADVANCE_STAGE = """
UPDATE projects SET state = :state, version = version + 1, audit_head = :head,
       stage_id = :sid, gate = :gate, due_at = :due, participant_cycle = :cycle,
       participant_clock_at = :clock_at, submitted_at = :submitted, decided_at = :decided,
       decision_due_at = :decision_due, next_check_at = :next, submission_number = :number
WHERE id = :pid AND version = :version
"""
_CLOSE_STAGE = """
UPDATE stage_instances SET gate = :gate, due_at = :due, participant_cycle = :cycle,
       submitted_at = :submitted, decided_at = :decided, decision_due_at = :decision_due
WHERE id = :sid
"""
_ADD_BLOB = """
INSERT INTO blobs (sha256, size, content, media_type) VALUES (:sha256, :size, :content, :media_type)
ON CONFLICT (sha256) DO NOTHING
"""
_OPEN_STAGE = """
INSERT INTO stage_instances (project_id, stage, attempt, gate, opened_at, due_at, participant_cycle)
VALUES (:pid, :stage, :attempt, 'drafting', :opened, :due, 1) RETURNING id
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


def _maybe(value: object) -> datetime | None:
    """A nullable timestamp read through the driver cursor."""
    return None if value is None else _stamp(value)


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
        if row[24]:
            relations.add(Role.COORDINATOR)
        if row[25]:
            relations.add(Role.EXAMINER)
        opened = _stamp(row[14])
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
            stage=row[12],
            attempt=row[13],
            opened_at=opened,
            clocks=StageClocks(
                stage_id=row[11],
                gate=Gate(row[15]),
                due_at=_stamp(row[16]),
                participant_cycle=row[17],
                participant_clock_at=_maybe(row[18]) or opened,
                submitted_at=_maybe(row[19]),
                decided_at=_maybe(row[20]),
                decision_due_at=_maybe(row[21]),
                next_check_at=_maybe(row[22]),
                submission_number=row[23],
            ),
            relations=frozenset(relations),
        )

    def advance(
        self,
        project_id: int,
        expected_version: int,
        state: str,
        audit_head: str,
        clocks: StageClocks | None = None,
    ) -> None:
        """Move the project (and its current stage's gate and clocks) under its version check."""
        params: dict[str, object] = {
            "pid": project_id,
            "version": expected_version,
            "state": state,
            "head": audit_head,
        }
        sql = _ADVANCE
        if clocks is not None:
            sql = _ADVANCE_STAGE
            ts = self._raw.ts_or_none
            params |= {
                "sid": clocks.stage_id,
                "gate": clocks.gate.value,
                "due": ts(clocks.due_at),
                "cycle": clocks.participant_cycle,
                "clock_at": ts(clocks.participant_clock_at),
                "submitted": ts(clocks.submitted_at),
                "decided": ts(clocks.decided_at),
                "decision_due": ts(clocks.decision_due_at),
                "next": ts(clocks.next_check_at),
                "number": clocks.submission_number,
            }
        if self._raw.execute(sql, params) != 1:
            raise ConflictError(
                f"Proyek {project_id} baru saja diubah orang lain; tidak ada yang disimpan. "
                "Muat ulang lalu coba lagi.",
                f"Project {project_id} was just changed by someone else; nothing was stored. "
                "Reload and try again.",
                project=project_id,
            )

    def store_blobs(self, artifacts: Sequence[tuple[Artifact, bytes]]) -> None:
        """Keep the content of submitted files, once per checksum."""
        if not artifacts:
            return
        self._raw.many(
            _ADD_BLOB,
            [
                {"sha256": a.sha256, "size": a.size, "content": content, "media_type": a.media_type}
                for a, content in artifacts
            ],
        )

    def open_stage(
        self, project_id: int, stage: str, attempt: int, opened_at: datetime, due_at: datetime
    ) -> int:
        """Record a stage instance opening in drafting with its deadline."""
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
                    },
                )
            )
        except self._raw.IntegrityError:  # someone moved the project on first (a decision race)
            raise ConflictError(
                f"Proyek {project_id} baru saja diubah orang lain; tidak ada yang disimpan. "
                "Muat ulang lalu coba lagi.",
                f"Project {project_id} was just changed by someone else; nothing was stored. "
                "Reload and try again.",
                project=project_id,
            ) from None

    def close_stage(self, clocks: StageClocks) -> None:
        """Record how a stage instance ended: its final gate, deadline and clock times."""
        ts = self._raw.ts_or_none
        self._raw.execute(
            _CLOSE_STAGE,
            {
                "sid": clocks.stage_id,
                "gate": clocks.gate.value,
                "due": ts(clocks.due_at),
                "cycle": clocks.participant_cycle,
                "submitted": ts(clocks.submitted_at),
                "decided": ts(clocks.decided_at),
                "decision_due": ts(clocks.decision_due_at),
            },
        )

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
        """All stage instances of a project, oldest first (the current one with its gate and
        clocks from the project row)."""
        return self._stages(StageInstanceRow.project_id == project_id)

    def stages_of_cohort(self, cohort_id: int) -> list[StageInstance]:
        """Every stage instance of every project of a cohort, oldest first."""
        return self._stages(ProjectRow.cohort_id == cohort_id)

    def _stages(self, where: ColumnElement[bool]) -> list[StageInstance]:
        rows = self._session_of().execute(
            select(StageInstanceRow, ProjectRow)
            .join(ProjectRow, ProjectRow.id == StageInstanceRow.project_id)
            .where(where)
            .order_by(StageInstanceRow.id)
        )
        return [_stage(s, p if p.stage_id == s.id else None) for s, p in rows.tuples()]

    def records(self, project_id: int) -> StageRecords:
        """The project's submissions and decisions, read from its audit entries."""
        session = self._session_of()
        stage_ids = list(
            session.scalars(
                select(StageInstanceRow.id)
                .where(StageInstanceRow.project_id == project_id)
                .order_by(StageInstanceRow.id)
            )
        )
        entries = [
            StoredEntry(
                r.seq,
                r.stream,
                r.stream_seq,
                r.at.replace(tzinfo=UTC),
                r.actor_id,
                r.action,
                r.payload,
                r.prev_hash,
                r.hash,
            )
            for r in session.scalars(
                select(AuditRow)
                .where(
                    AuditRow.stream == stream_of_project(project_id),
                    AuditRow.action.in_(RECORD_ACTIONS),
                )
                .order_by(AuditRow.stream_seq)
            )
        ]
        media_types: dict[str, str] = {}

        def media_type_of(sha256: str) -> str:
            if sha256 not in media_types:
                found = session.scalar(select(BlobRow.media_type).where(BlobRow.sha256 == sha256))
                media_types[sha256] = found or "application/octet-stream"
            return media_types[sha256]

        return stage_records(entries, stage_ids, media_type_of)

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


def _stage(r: StageInstanceRow, current: ProjectRow | None) -> StageInstance:
    """A stage instance; the project's current one takes its gate and clocks from the project."""
    if current is None or current.gate is None or current.due_at is None:
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
        )
    return StageInstance(
        id=r.id,
        project_id=r.project_id,
        stage=r.stage,
        attempt=r.attempt,
        gate=Gate(current.gate),
        opened_at=r.opened_at.replace(tzinfo=UTC),
        due_at=current.due_at.replace(tzinfo=UTC),
        submitted_at=_aware(current.submitted_at),
        decided_at=_aware(current.decided_at),
        participant_cycle=current.participant_cycle,
        decision_due_at=_aware(current.decision_due_at),
        next_check_at=_aware(current.next_check_at),
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
