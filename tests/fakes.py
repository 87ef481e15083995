"""In-memory fakes of the engine's ports (``states.ports``) for fast unit tests.

They mirror the SQL adapters (``adapters/db/project_store.py``, ``adapters/db/stores.py`` and
``adapters/db/bench_store.py``):
the same unique keys (one decision per submission, one audit entry per (stream, stream_seq), one
stage instance per (project, stage, attempt), one submission number per stage instance), the same
optimistic version checks and the same NotFound / AlreadyExists / ConflictError messages. Instants
are kept as aware UTC datetimes, as the SQL stores read them back.

Transactions: a :class:`FakeUnitOfWork` works on a deep copy of the shared :class:`FakeState`
taken at ``__enter__``. ``commit()`` swaps that copy in as the shared state, but only if no other
unit of work committed in between (the shared state's ``generation`` did not move); otherwise it
raises ConflictError, like a serialisation failure. Leaving without ``commit()`` discards every
write. Rows are immutable values (frozen pydantic models and dataclasses), so tests can read the
shared state directly through ``FakeUnitOfWorkFactory.state`` and may replace rows in it to
simulate tampering with the database.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

from domain.audit import GENESIS, StoredEntry, stream_of_project
from domain.benchmarking import (
    AgendaItem,
    Companion,
    Group,
    GroupReport,
    HostPartner,
    Visit,
)
from domain.content import (
    AdoptionDecision,
    AdoptionKind,
    ContentFacts,
    Lesson,
    Milestone,
    MilestoneStatus,
    MilestoneTerm,
)
from domain.errors import AlreadyExists, ConflictError, NotFound
from domain.model import (
    Artifact,
    ChangeProject,
    Cohort,
    Gate,
    Person,
    StageInstance,
)
from domain.programme import ProgrammeDefinition, definition_from_json, definition_to_json
from domain.records import StageRecords, stage_records
from domain.roles import Role
from domain.seminars import (
    PanelRole,
    Remediation,
    RemediationKind,
    RemediationStatus,
    Score,
    SeminarEntry,
    SeminarKind,
    SeminarSession,
)
from states.ports import (
    AuditAppend,
    Booking,
    Credential,
    DueStage,
    ExtensionRecord,
    LoginFailures,
    NewAgendaItem,
    NewHost,
    NewProject,
    NewVisit,
    OutboxMessage,
    ProjectView,
    RaisedAlert,
    SessionRecord,
    SignedIn,
    StageClocks,
    TokenRecord,
)

__all__ = [
    "FakeAccountStore",
    "FakeAuditStore",
    "FakeBenchmarkStore",
    "FakeCohortStore",
    "FakeContentStore",
    "FakePersonStore",
    "FakeProjectStore",
    "FakeSeminarStore",
    "FakeState",
    "FakeUnitOfWork",
    "FakeUnitOfWorkFactory",
]


_T = TypeVar("_T")


def _utc(at: datetime) -> datetime:
    """An instant as the SQL stores read it back: aware UTC (naive input is taken as UTC)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _stored_clocks(c: StageClocks) -> StageClocks:
    """Clocks as the SQL store reads them back: every instant aware UTC."""

    def utc(at: datetime | None) -> datetime | None:
        return None if at is None else _utc(at)

    return dataclasses.replace(
        c,
        due_at=_utc(c.due_at),
        participant_clock_at=_utc(c.participant_clock_at),
        submitted_at=utc(c.submitted_at),
        decided_at=utc(c.decided_at),
        decision_due_at=utc(c.decision_due_at),
        next_check_at=utc(c.next_check_at),
    )


def _conflict(what_id: str, what_en: str) -> ConflictError:
    return ConflictError(
        f"{what_id} sudah dicatat oleh orang lain lebih dulu; tidak ada yang disimpan",
        f"{what_en} was recorded by someone else first; nothing was stored",
    )


@dataclass
class FakeState:
    """The whole in-memory database: one dict per table, keyed by primary key."""

    generation: int = 0
    next_ids: dict[str, int] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)
    cohorts: dict[int, Cohort] = field(default_factory=dict)
    cohort_heads: dict[int, str] = field(default_factory=dict)
    agency_heads: dict[int, str | None] = field(default_factory=dict)
    members: dict[tuple[int, int, Role], None] = field(default_factory=dict)
    programmes: dict[str, str] = field(default_factory=dict)
    projects: dict[int, ChangeProject] = field(default_factory=dict)
    stages: dict[int, StageInstance] = field(default_factory=dict)
    current: dict[int, StageClocks] = field(default_factory=dict)
    """Each project's current stage instance with its gate and clocks (the project row's)."""
    blobs: dict[str, bytes] = field(default_factory=dict)
    media_types: dict[str, str] = field(default_factory=dict)
    audit: dict[int, StoredEntry] = field(default_factory=dict)
    alerts: dict[int, RaisedAlert] = field(default_factory=dict)
    extensions: dict[int, ExtensionRecord] = field(default_factory=dict)
    outbox: dict[str, OutboxMessage] = field(default_factory=dict)
    hosts: dict[int, HostPartner] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    group_reports: dict[int, GroupReport] = field(default_factory=dict)
    visits: dict[int, Visit] = field(default_factory=dict)
    lessons: dict[int, Lesson] = field(default_factory=dict)
    adoptions: dict[int, AdoptionDecision] = field(default_factory=dict)
    milestones: dict[int, Milestone] = field(default_factory=dict)
    sessions: dict[int, SeminarSession] = field(default_factory=dict)
    entries: dict[int, SeminarEntry] = field(default_factory=dict)
    scores: dict[tuple[int, int], Score] = field(default_factory=dict)
    remediations: dict[int, Remediation] = field(default_factory=dict)
    credentials: dict[int, Credential] = field(default_factory=dict)
    web_sessions: dict[int, tuple[str, SessionRecord]] = field(default_factory=dict)
    tokens: dict[int, tuple[str, TokenRecord]] = field(default_factory=dict)
    login_failures: dict[str, LoginFailures] = field(default_factory=dict)

    def new_id(self, table: str) -> int:
        """The next id of ``table`` (autoincrement, starting at 1)."""
        value = self.next_ids.get(table, 0) + 1
        self.next_ids[table] = value
        return value


class _Txn:
    """What a unit of work's stores share: the state copy they read and write."""

    def __init__(self, state: FakeState) -> None:
        self.state = state


class FakeProjectStore:
    """Projects, stage instances, submissions and decisions in memory."""

    def __init__(self, txn: _Txn) -> None:
        self._txn = txn

    @property
    def _s(self) -> FakeState:
        return self._txn.state

    def _not_found(self, project_id: int) -> NotFound:
        return NotFound(
            f"Proyek {project_id} tidak ditemukan",
            f"Project {project_id} not found",
            project=project_id,
        )

    def load(self, project_id: int, actor_id: int) -> ProjectView:
        """The project with its current stage instance and that instance's gate and clocks."""
        s = self._s
        p = s.projects.get(project_id)
        if p is None:
            raise self._not_found(project_id)
        cohort = s.cohorts.get(p.cohort_id)
        clocks = s.current.get(project_id)
        if cohort is None or clocks is None:  # the SQL inner joins find no row
            raise self._not_found(project_id)
        stage = s.stages[clocks.stage_id]
        relations: set[Role] = set()
        if p.participant_id == actor_id:
            relations.add(Role.PARTICIPANT)
        if p.mentor_id == actor_id:
            relations.add(Role.MENTOR)
        if p.coach_id == actor_id:
            relations.add(Role.COACH)
        if (p.cohort_id, actor_id, Role.COORDINATOR) in s.members:
            relations.add(Role.COORDINATOR)
        if (p.cohort_id, actor_id, Role.EXAMINER) in s.members:
            relations.add(Role.EXAMINER)
        return ProjectView(
            project_id=p.id,
            cohort_id=p.cohort_id,
            cohort_code=cohort.code,
            timezone=cohort.timezone,
            programme_checksum=cohort.programme_checksum,
            participant_id=p.participant_id,
            mentor_id=p.mentor_id,
            coach_id=p.coach_id,
            state=p.state,
            version=p.version,
            audit_head=p.audit_head,
            stage=stage.stage,
            attempt=stage.attempt,
            opened_at=stage.opened_at,
            clocks=clocks,
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
        """Move the project (and its current stage's clocks) under its version check."""
        p = self._s.projects.get(project_id)
        if p is None or p.version != expected_version:
            raise ConflictError(
                f"Proyek {project_id} baru saja diubah orang lain; tidak ada yang disimpan. "
                "Muat ulang lalu coba lagi.",
                f"Project {project_id} was just changed by someone else; nothing was stored. "
                "Reload and try again.",
                project=project_id,
            )
        self._s.projects[project_id] = p.model_copy(
            update={"state": state, "version": p.version + 1, "audit_head": audit_head}
        )
        if clocks is not None:
            self._s.current[project_id] = _stored_clocks(clocks)

    def store_blobs(self, artifacts: Sequence[tuple[Artifact, bytes]]) -> None:
        """Keep file content once per checksum, with its media type."""
        for artifact, content in artifacts:
            self._s.blobs.setdefault(artifact.sha256, content)
            self._s.media_types.setdefault(artifact.sha256, artifact.media_type)

    def open_stage(
        self, project_id: int, stage: str, attempt: int, opened_at: datetime, due_at: datetime
    ) -> int:
        """Record a stage instance opening in drafting; one per (project, stage, attempt)."""
        s = self._s
        if any(
            (st.project_id, st.stage, st.attempt) == (project_id, stage, attempt)
            for st in s.stages.values()
        ):
            raise ConflictError(  # someone moved the project on first, as the SQL store says
                f"Proyek {project_id} baru saja diubah orang lain; tidak ada yang disimpan.",
                f"Project {project_id} was just changed by someone else; nothing was stored.",
                project=project_id,
            )
        stage_id = s.new_id("stage_instances")
        s.stages[stage_id] = StageInstance(
            id=stage_id,
            project_id=project_id,
            stage=stage,
            attempt=attempt,
            gate=Gate.DRAFTING,
            opened_at=_utc(opened_at),
            due_at=_utc(due_at),
        )
        return stage_id

    def close_stage(self, clocks: StageClocks) -> None:
        """Record how a stage instance ended, as the SQL store's UPDATE does."""
        st = self._s.stages.get(clocks.stage_id)
        if st is None:  # an UPDATE that matches no row
            return
        c = _stored_clocks(clocks)
        self._s.stages[clocks.stage_id] = st.model_copy(
            update={
                "gate": c.gate,
                "due_at": c.due_at,
                "participant_cycle": c.participant_cycle,
                "submitted_at": c.submitted_at,
                "decided_at": c.decided_at,
                "decision_due_at": c.decision_due_at,
            }
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
        """Record a pending request; one pending per stage instance."""
        if any(
            e.stage_instance_id == stage_id and e.status == "pending"
            for e in self._s.extensions.values()
        ):
            raise ConflictError(
                "Sudah ada permohonan yang menunggu", "A request is already waiting"
            )
        ext_id = self._s.new_id("extensions")
        self._s.extensions[ext_id] = ExtensionRecord(
            ext_id,
            stage_id,
            project_id,
            actor_id,
            _utc(at),
            reason,
            new_due,
            "pending",
            None,
            None,
            "",
        )
        return ext_id

    def extension(self, extension_id: int) -> ExtensionRecord:
        """A request; raises NotFound."""
        found = self._s.extensions.get(extension_id)
        if found is None:
            raise NotFound(
                f"Permohonan {extension_id} tidak ditemukan", f"Extension {extension_id} not found"
            )
        return found

    def extensions(
        self, project_ids: Sequence[int] | None, status: str | None
    ) -> list[ExtensionRecord]:
        """Requests by project and status, newest first."""
        return [
            e
            for e in sorted(self._s.extensions.values(), key=lambda e: -e.id)
            if (project_ids is None or e.project_id in project_ids) and status in (None, e.status)
        ]

    def decide_extension(
        self, extension_id: int, status: str, actor_id: int, at: datetime, note: str
    ) -> None:
        """Decide a pending request once."""
        ext = self.extension(extension_id)
        if ext.status != "pending":
            raise ConflictError("Sudah diputuskan", "Already decided")
        self._s.extensions[extension_id] = dataclasses.replace(
            ext, status=status, decided_by=actor_id, decided_at=_utc(at), note=note
        )

    def next_attempt(self, project_id: int, stage: str) -> int:
        """1 + how many times the stage was opened for the project."""
        return 1 + sum(
            1 for st in self._s.stages.values() if st.project_id == project_id and st.stage == stage
        )

    def create(self, project: NewProject) -> int:
        """Insert a new project with version 0 and the genesis audit head."""
        s = self._s
        if any(
            (p.cohort_id, p.participant_id) == (project.cohort_id, project.participant_id)
            for p in s.projects.values()
        ):  # UNIQUE (cohort_id, participant_id)
            raise _conflict("Proyek peserta ini", "This participant's project")
        project_id = s.new_id("projects")
        s.projects[project_id] = ChangeProject(
            id=project_id,
            cohort_id=project.cohort_id,
            participant_id=project.participant_id,
            mentor_id=project.mentor_id,
            coach_id=project.coach_id,
            title=project.title,
            state=project.state,
            version=0,
            audit_head=GENESIS,
        )
        return project_id

    def related_to(self, person_id: int) -> list[int]:
        """Projects the person is participant, mentor or coach of."""
        return sorted(
            p.id
            for p in self._s.projects.values()
            if person_id in (p.participant_id, p.mentor_id, p.coach_id)
        )

    def ids_of_cohort(self, cohort_id: int) -> list[int]:
        """The ids of a cohort's projects."""
        return sorted(p.id for p in self._s.projects.values() if p.cohort_id == cohort_id)

    def of_participant(self, person_id: int) -> list[int]:
        """The ids of the projects whose participant is this person."""
        return sorted(p.id for p in self._s.projects.values() if p.participant_id == person_id)

    def get(self, project_id: int) -> ChangeProject:
        """The project; raises NotFound."""
        p = self._s.projects.get(project_id)
        if p is None:
            raise self._not_found(project_id)
        return p

    def of_cohort(self, cohort_id: int) -> list[ChangeProject]:
        """Every project of a cohort, by id."""
        return sorted(
            (p for p in self._s.projects.values() if p.cohort_id == cohort_id), key=lambda p: p.id
        )

    def stages_of_cohort(self, cohort_id: int) -> list[StageInstance]:
        """Every stage instance of every project of a cohort, oldest first."""
        ids = {p.id for p in self._s.projects.values() if p.cohort_id == cohort_id}
        return [
            self._overlaid(st)
            for st in sorted(self._s.stages.values(), key=lambda st: st.id)
            if st.project_id in ids
        ]

    def stages(self, project_id: int) -> list[StageInstance]:
        """All stage instances of a project, oldest first."""
        return [
            self._overlaid(st)
            for st in sorted(self._s.stages.values(), key=lambda st: st.id)
            if st.project_id == project_id
        ]

    def _overlaid(self, st: StageInstance) -> StageInstance:
        """A stage instance; the current one with the project's gate and clocks."""
        c = self._s.current.get(st.project_id)
        if c is None or c.stage_id != st.id:
            return st
        return st.model_copy(
            update={
                "gate": c.gate,
                "due_at": c.due_at,
                "submitted_at": c.submitted_at,
                "decided_at": c.decided_at,
                "participant_cycle": c.participant_cycle,
                "decision_due_at": c.decision_due_at,
                "next_check_at": c.next_check_at,
            }
        )

    def records(self, project_id: int) -> StageRecords:
        """Submissions and decisions, read from the project's audit entries."""
        entries = sorted(
            (e for e in self._s.audit.values() if e.stream == stream_of_project(project_id)),
            key=lambda e: e.stream_seq,
        )
        stage_ids = sorted(st.id for st in self._s.stages.values() if st.project_id == project_id)
        return stage_records(entries, stage_ids, lambda sha: self._s.media_types[sha])

    def artifact_content(self, sha256: str) -> bytes | None:
        """The stored bytes of an artifact."""
        return self._s.blobs.get(sha256)


class FakeCohortStore:
    """Cohorts, memberships and programme snapshots in memory."""

    def __init__(self, txn: _Txn) -> None:
        self._txn = txn

    @property
    def _s(self) -> FakeState:
        return self._txn.state

    def add(self, cohort: Cohort) -> int:
        """Insert a cohort (version 0, genesis head); a taken code is refused."""
        s = self._s
        if any(c.code == cohort.code for c in s.cohorts.values()):
            raise AlreadyExists(
                f"Angkatan dengan kode '{cohort.code}' sudah ada",
                f"A cohort with code '{cohort.code}' already exists",
                code=cohort.code,
            )
        cohort_id = s.new_id("cohorts")
        s.cohorts[cohort_id] = cohort.model_copy(update={"id": cohort_id, "version": 0})
        s.cohort_heads[cohort_id] = GENESIS
        return cohort_id

    def by_code(self, code: str) -> Cohort:
        """The cohort with this code."""
        for c in self._s.cohorts.values():
            if c.code == code:
                return c
        known = sorted(c.code for c in self._s.cohorts.values())[:20]
        raise NotFound(
            f"Angkatan '{code}' tidak ditemukan (yang ada: {', '.join(known) or '-'})",
            f"Cohort '{code}' not found (known: {', '.join(known) or 'none'})",
            code=code,
        )

    def by_id(self, cohort_id: int) -> Cohort:
        """The cohort with this id."""
        c = self._s.cohorts.get(cohort_id)
        if c is None:
            raise NotFound(f"Angkatan {cohort_id} tidak ditemukan", f"Cohort {cohort_id} not found")
        return c

    def all(self) -> list[Cohort]:
        """Every cohort, by code."""
        return sorted(self._s.cohorts.values(), key=lambda c: c.code)

    def bump(self, cohort_id: int, expected_version: int, audit_head: str) -> None:
        """Advance version and audit head under an optimistic check."""
        c = self._s.cohorts.get(cohort_id)
        if c is None or c.version != expected_version:
            raise ConflictError(
                f"Angkatan {cohort_id} baru saja diubah orang lain; tidak ada yang disimpan",
                f"Cohort {cohort_id} was just changed by someone else; nothing was stored",
            )
        self._s.cohorts[cohort_id] = c.model_copy(update={"version": c.version + 1})
        self._s.cohort_heads[cohort_id] = audit_head

    def audit_head(self, cohort_id: int) -> tuple[int, str]:
        """The cohort's (version, audit head)."""
        c = self.by_id(cohort_id)
        return c.version, self._s.cohort_heads[cohort_id]

    def add_member(self, cohort_id: int, person_id: int, role: Role) -> None:
        """Give a person a role in a cohort, once."""
        self._s.members.setdefault((cohort_id, person_id, role), None)

    def members(self, cohort_id: int) -> list[tuple[int, Role]]:
        """(person id, role) of everyone in the cohort."""
        return [(p, r) for c, p, r in self._s.members if c == cohort_id]

    def roles_of(self, cohort_id: int, person_id: int) -> frozenset[Role]:
        """The roles a person holds in a cohort."""
        return frozenset(r for c, p, r in self._s.members if c == cohort_id and p == person_id)

    def save_programme(self, checksum: str, definition: ProgrammeDefinition) -> None:
        """Store a programme snapshot once per checksum."""
        self._s.programmes.setdefault(checksum, definition_to_json(definition))

    def programme(self, checksum: str) -> ProgrammeDefinition:
        """The pinned programme snapshot with this checksum."""
        body = self._s.programmes.get(checksum)
        if body is None:
            raise NotFound(
                f"Cuplikan program {checksum[:12]} tidak ada",
                f"Programme snapshot {checksum[:12]} is missing",
            )
        return definition_from_json(body)

    def project_count(self, cohort_id: int) -> int:
        """How many projects the cohort has (as SqlCohortStore offers)."""
        return sum(1 for p in self._s.projects.values() if p.cohort_id == cohort_id)

    def coordinators(self, cohort_ids: Sequence[int]) -> dict[int, list[int]]:
        """The coordinators of each of these cohorts, ascending."""
        return {
            cid: sorted(
                pid for (c, pid, role) in self._s.members if c == cid and role is Role.COORDINATOR
            )
            for cid in sorted(set(cohort_ids))
        }

    def agency_heads(self, cohort_ids: Sequence[int]) -> dict[int, str | None]:
        """Each cohort's head of the organising agency, None where none is set."""
        return {cid: self._s.agency_heads.get(cid) for cid in sorted(set(cohort_ids))}

    def set_agency_head(self, cohort_id: int, email: str | None) -> None:
        """Set (or clear) a cohort's head of the organising agency."""
        self._s.agency_heads[cohort_id] = email


class FakePersonStore:
    """People by id, NIP or e-mail, in memory."""

    def __init__(self, txn: _Txn) -> None:
        self._txn = txn

    @property
    def _s(self) -> FakeState:
        return self._txn.state

    def add(self, person: Person) -> int:
        """Insert a person; a taken NIP or e-mail is refused."""
        s = self._s
        clash = next(
            (
                p
                for _, p in sorted(s.people.items())
                if p.nip == person.nip or p.email == person.email
            ),
            None,
        )
        if clash is not None:
            raise AlreadyExists(
                f"NIP {person.nip} atau e-mail {person.email} sudah terdaftar (atas nama {clash.name})",
                f"NIP {person.nip} or e-mail {person.email} is already registered (to {clash.name})",
            )
        person_id = s.new_id("people")
        s.people[person_id] = person.model_copy(update={"id": person_id})
        return person_id

    def get(self, person_id: int) -> Person:
        """The person with this id."""
        p = self._s.people.get(person_id)
        if p is None:
            raise NotFound(f"Orang {person_id} tidak ditemukan", f"Person {person_id} not found")
        return p

    def find(self, ref: str) -> Person | None:
        """The person whose NIP (spaces and dots ignored) or e-mail (any case) is ``ref``."""
        ref = ref.strip()
        nip = ref.replace(" ", "").replace(".", "")
        email = ref.lower()
        for _, p in sorted(self._s.people.items()):
            if p.nip == nip or p.email == email:
                return p
        return None

    def many(self, ids: Sequence[int]) -> dict[int, Person]:
        """People by id (unknown ids are left out)."""
        return {i: self._s.people[i] for i in ids if i in self._s.people}

    def set_preferences(self, person_id: int, *, digest: bool | None, lang: str | None) -> None:
        """Change a person's notification preferences."""
        person = self.get(person_id)
        update: dict[str, object] = {}
        if digest is not None:
            update["digest"] = digest
        if lang is not None:
            update["lang"] = lang
        self._s.people[person_id] = person.model_copy(update=update)


class FakeAuditStore:
    """The append-only audit log in memory."""

    def __init__(self, txn: _Txn) -> None:
        self._txn = txn

    @property
    def _s(self) -> FakeState:
        return self._txn.state

    def append(self, entry: AuditAppend) -> None:
        """Append one entry; a duplicate position in its stream is a conflict."""
        s = self._s
        if any(
            e.stream == entry.stream and e.stream_seq == entry.stream_seq for e in s.audit.values()
        ):
            raise ConflictError(
                f"Jejak audit {entry.stream} sudah berlanjut; tidak ada yang disimpan",
                f"Audit stream {entry.stream} moved on; nothing was stored",
            )
        seq = s.new_id("audit_log")
        s.audit[seq] = StoredEntry(
            seq=seq,
            stream=entry.stream,
            stream_seq=entry.stream_seq,
            at=_utc(entry.at),
            actor_id=entry.actor_id,
            action=entry.action,
            payload_json=entry.payload_json,
            prev_hash=entry.prev_hash,
            hash=entry.hash,
        )

    def stream(self, stream: str) -> list[StoredEntry]:
        """One stream's entries in order."""
        return sorted(
            (e for e in self._s.audit.values() if e.stream == stream), key=lambda e: e.stream_seq
        )

    def entries(self) -> Iterator[StoredEntry]:
        """Every entry, grouped by stream and in stream order."""
        yield from sorted(self._s.audit.values(), key=lambda e: (e.stream, e.stream_seq))

    def heads(self) -> Iterator[tuple[str, int, str]]:
        """Every project and cohort with its recorded head (seq = version, head hash)."""
        for p in sorted(self._s.projects.values(), key=lambda p: p.id):
            yield f"project:{p.id}", p.version, p.audit_head
        for cohort_id, c in sorted(self._s.cohorts.items()):
            yield f"cohort:{cohort_id}", c.version, self._s.cohort_heads[cohort_id]

    def streams_present(self) -> set[str]:
        """Every stream that has entries."""
        return {e.stream for e in self._s.audit.values()}


class FakeAlertStore:
    """Alerts and the outbox in memory (the sweep itself is tested on SQL)."""

    def __init__(self, txn: _Txn) -> None:
        self._txn = txn

    @property
    def _s(self) -> FakeState:
        return self._txn.state

    def due(self, now: datetime, limit: int) -> list[DueStage]:
        """Current stage instances whose next check has come."""
        out: list[DueStage] = []
        for c in sorted(
            self._s.current.values(), key=lambda x: (x.next_check_at or now, x.stage_id)
        ):
            if c.next_check_at is None or c.next_check_at > now or len(out) >= limit:
                continue
            st = self._s.stages[c.stage_id]
            p = self._s.projects[st.project_id]
            cohort = self._s.cohorts[p.cohort_id]
            out.append(
                DueStage(
                    stage_id=st.id,
                    project_id=p.id,
                    cohort_id=p.cohort_id,
                    cohort_code=cohort.code,
                    timezone=cohort.timezone,
                    programme_checksum=cohort.programme_checksum,
                    stage=st.stage,
                    gate=c.gate,
                    opened_at=st.opened_at,
                    due_at=c.due_at,
                    participant_cycle=c.participant_cycle,
                    participant_clock_at=c.participant_clock_at,
                    submitted_at=c.submitted_at,
                    decision_due_at=c.decision_due_at,
                    submission_number=c.submission_number,
                    participant_id=p.participant_id,
                    mentor_id=p.mentor_id,
                    coach_id=p.coach_id,
                    agency_head_email=self._s.agency_heads.get(p.cohort_id),
                )
            )
        return out

    def raise_alert(
        self,
        stage_id: int,
        project_id: int,
        cohort_id: int,
        kind: str,
        clock: str,
        cycle: int,
        rung: int,
        notify: str,
        due_at: datetime,
        at: datetime,
    ) -> int | None:
        """Record an alert once per (stage, kind, clock, cycle, rung)."""
        key = (stage_id, kind, clock, cycle, rung)
        if any(
            (a.stage_instance_id, a.kind, a.clock, a.cycle, a.rung) == key
            for a in self._s.alerts.values()
        ):
            return None
        aid = self._s.new_id("alerts")
        self._s.alerts[aid] = RaisedAlert(
            aid,
            stage_id,
            project_id,
            cohort_id,
            kind,
            clock,
            cycle,
            rung,
            notify,
            _utc(due_at),
            _utc(at),
            None,
        )
        return aid

    def set_next_check(self, stage_id: int, at: datetime | None) -> None:
        """Set when to look at the stage next, while it is its project's current one."""
        for project_id, c in self._s.current.items():
            if c.stage_id == stage_id:
                self._s.current[project_id] = dataclasses.replace(c, next_check_at=at)

    def resolve(self, stage_id: int, clock: str | None, at: datetime) -> int:
        """Resolve the stage's open alerts (one clock's, or all)."""
        count = 0
        for aid, a in list(self._s.alerts.items()):
            if (
                a.stage_instance_id == stage_id
                and a.resolved_at is None
                and clock in (None, a.clock)
            ):
                self._s.alerts[aid] = dataclasses.replace(a, resolved_at=_utc(at))
                count += 1
        return count

    def enqueue(self, messages: Sequence[OutboxMessage], at: datetime) -> int:
        """Queue messages, skipping known dedupe keys."""
        for m in messages:
            self._s.outbox.setdefault(m.dedupe_key, m)
        return len(messages)

    def listing(
        self, cohort_id: int | None, kind: str | None, level: int | None, open_only: bool | None
    ) -> list[RaisedAlert]:
        """Alerts by filter, newest first."""
        return [
            a
            for a in sorted(self._s.alerts.values(), key=lambda a: -a.id)
            if cohort_id in (None, a.cohort_id)
            and kind in (None, a.kind)
            and level in (None, a.rung)
            and (open_only is None or (a.resolved_at is None) == open_only)
        ]


class FakeBenchmarkStore:
    """Host partners, groups and visits in memory, with the SQL store's unique keys: one host,
    group or visit code per cohort, one group per project in a cohort."""

    def __init__(self, txn: _Txn) -> None:
        self._txn = txn

    @property
    def _s(self) -> FakeState:
        return self._txn.state

    def add_host(self, host: NewHost) -> int:
        """Insert a host partner; a code the cohort has already is refused."""
        if any(
            h.cohort_id == host.cohort_id and h.code == host.code for h in self._s.hosts.values()
        ):
            raise AlreadyExists(
                f"Mitra benchmarking '{host.code}' sudah tercatat di angkatan ini",
                f"Host partner '{host.code}' is already recorded in this cohort",
            )
        hid = self._s.new_id("host_partners")
        self._s.hosts[hid] = HostPartner(
            id=hid,
            cohort_id=host.cohort_id,
            code=host.code,
            agency=host.agency,
            unit=host.unit,
            city=host.city,
            province=host.province,
            timezone=host.timezone,
            focus=host.focus,
            reasons=host.reasons,
            contact=host.contact,
        )
        return hid

    def hosts(self, cohort_id: int) -> list[HostPartner]:
        """A cohort's host partners, by code."""
        return sorted(
            (h for h in self._s.hosts.values() if h.cohort_id == cohort_id), key=lambda h: h.code
        )

    def add_group(self, cohort_id: int, code: str, theme: str) -> int:
        """Insert a group; a code the cohort has already is refused."""
        if any(g.cohort_id == cohort_id and g.code == code for g in self._s.groups.values()):
            raise AlreadyExists(
                f"Kelompok '{code}' sudah ada di angkatan ini",
                f"Group '{code}' already exists in this cohort",
            )
        gid = self._s.new_id("bench_groups")
        self._s.groups[gid] = Group(id=gid, cohort_id=cohort_id, code=code, theme=theme)
        return gid

    def set_theme(self, group_id: int, theme: str) -> None:
        """Change a group's theme."""
        g = self._s.groups[group_id]
        self._s.groups[group_id] = g.model_copy(update={"theme": theme})

    def add_member(self, group_id: int, cohort_id: int, project_id: int) -> None:
        """Put a project in a group; one group per project in a cohort."""
        if any(
            g.cohort_id == cohort_id and project_id in g.member_ids for g in self._s.groups.values()
        ):
            raise AlreadyExists(
                f"Proyek {project_id} sudah menjadi anggota kelompok lain",
                f"Project {project_id} is already a member of a group",
            )
        g = self._s.groups[group_id]
        members = tuple(sorted((*g.member_ids, project_id)))
        self._s.groups[group_id] = g.model_copy(update={"member_ids": members})

    def remove_member(self, group_id: int, project_id: int) -> None:
        """Take a project out of a group."""
        g = self._s.groups[group_id]
        members = tuple(p for p in g.member_ids if p != project_id)
        self._s.groups[group_id] = g.model_copy(update={"member_ids": members})

    def add_group_host(self, group_id: int, host_id: int) -> None:
        """Give a group a host unit, once."""
        g = self._s.groups[group_id]
        if host_id not in g.host_ids:
            hosts = tuple(sorted((*g.host_ids, host_id)))
            self._s.groups[group_id] = g.model_copy(update={"host_ids": hosts})

    def remove_group_host(self, group_id: int, host_id: int) -> None:
        """Take a host unit from a group."""
        g = self._s.groups[group_id]
        hosts = tuple(h for h in g.host_ids if h != host_id)
        self._s.groups[group_id] = g.model_copy(update={"host_ids": hosts})

    def groups(self, cohort_id: int) -> list[Group]:
        """A cohort's groups, in the order they were formed."""
        return sorted(
            (g for g in self._s.groups.values() if g.cohort_id == cohort_id), key=lambda g: g.id
        )

    def add_group_report(
        self,
        group_id: int,
        number: int,
        artifact: Artifact,
        content: bytes,
        actor_id: int,
        at: datetime,
    ) -> int:
        """Store a version of a group's report; one (group, kind, number)."""
        if any(
            (r.group_id, r.kind, r.number) == (group_id, artifact.kind, number)
            for r in self._s.group_reports.values()
        ):
            raise _conflict("Laporan kelompok ini", "This group report")
        self._s.blobs.setdefault(artifact.sha256, content)
        rid = self._s.new_id("group_reports")
        self._s.group_reports[rid] = GroupReport(
            id=rid,
            group_id=group_id,
            number=number,
            kind=artifact.kind,
            filename=artifact.filename,
            media_type=artifact.media_type,
            size=artifact.size,
            sha256=artifact.sha256,
            uploaded_by=actor_id,
            uploaded_at=_utc(at),
        )
        return rid

    def group_reports(self, group_ids: Sequence[int]) -> list[GroupReport]:
        """The report versions of these groups, oldest first."""
        wanted = set(group_ids)
        return sorted(
            (r for r in self._s.group_reports.values() if r.group_id in wanted), key=lambda r: r.id
        )

    def reports_for(self, project_id: int) -> list[GroupReport]:
        """The latest version of each report of the project's group."""
        group = next((g for g in self._s.groups.values() if project_id in g.member_ids), None)
        if group is None:
            return []
        latest: dict[str, GroupReport] = {}
        for r in self.group_reports([group.id]):
            latest[r.kind] = r
        return list(latest.values())

    def add_visit(self, visit: NewVisit) -> int:
        """Insert a visit; a code the cohort has already is refused."""
        if any(
            v.cohort_id == visit.cohort_id and v.code == visit.code for v in self._s.visits.values()
        ):
            raise AlreadyExists(
                f"Kunjungan '{visit.code}' sudah ada di angkatan ini",
                f"Visit '{visit.code}' already exists in this cohort",
            )
        vid = self._s.new_id("visits")
        self._s.visits[vid] = Visit(
            id=vid,
            cohort_id=visit.cohort_id,
            code=visit.code,
            host_agency=visit.host_agency,
            city=visit.city,
            timezone=visit.timezone,
            start_date=visit.start_date,
            end_date=visit.end_date,
            note=visit.note,
            participant_ids=tuple(sorted(visit.participant_ids)),
            companions=tuple(Companion(person_id=p, role=r) for p, r in sorted(visit.companions)),
        )
        for item in visit.agenda:
            self.add_agenda_item(vid, item)
        return vid

    def add_agenda_item(self, visit_id: int, item: NewAgendaItem) -> int:
        """Add an agenda item to a visit (kept in day and hour order, as the SQL store reads)."""
        v = self._s.visits[visit_id]
        aid = self._s.new_id("visit_agenda")
        added = AgendaItem(
            id=aid,
            visit_id=visit_id,
            day=item.day,
            starts=item.starts,
            ends=item.ends,
            host_id=item.host_id,
            group_id=item.group_id,
            topic=item.topic,
        )
        agenda = sorted(
            (*v.agenda, added),
            key=lambda a: (a.day, "" if a.starts is None else a.starts.isoformat(), a.id),
        )
        self._s.visits[visit_id] = v.model_copy(update={"agenda": tuple(agenda)})
        return aid

    def visits(self, cohort_id: int) -> list[Visit]:
        """A cohort's visits, by first day."""
        return sorted(
            (v for v in self._s.visits.values() if v.cohort_id == cohort_id),
            key=lambda v: (v.start_date, v.id),
        )

    def bookings(self, person_ids: Sequence[int]) -> list[Booking]:
        """The visits these people are booked on as participants."""
        wanted = set(person_ids)
        out = []
        for v in sorted(self._s.visits.values(), key=lambda v: (v.start_date, v.id)):
            for pid in v.participant_ids:
                person = self._s.projects[pid].participant_id
                if person in wanted:
                    out.append(
                        Booking(person, pid, v.id, v.cohort_id, v.code, v.start_date, v.end_date)
                    )
        return out

    def set_visit_groups(self, visit_id: int, group_ids: Sequence[int]) -> None:
        """Record exactly these groups as booked by the visit."""
        v = self._s.visits[visit_id]
        booked = tuple(sorted(dict.fromkeys(group_ids)))
        self._s.visits[visit_id] = v.model_copy(update={"group_ids": booked})

    def set_visit_participants(self, visit_id: int, project_ids: Sequence[int]) -> None:
        """Make exactly these projects the visit's participants."""
        v = self._s.visits[visit_id]
        wanted = tuple(sorted(set(project_ids)))
        self._s.visits[visit_id] = v.model_copy(update={"participant_ids": wanted})

    def set_visit_companions(self, visit_id: int, companions: Sequence[tuple[int, str]]) -> None:
        """Make exactly these (person, role) the visit's companions."""
        v = self._s.visits[visit_id]
        kept = tuple(Companion(person_id=p, role=r) for p, r in sorted(dict(companions).items()))
        self._s.visits[visit_id] = v.model_copy(update={"companions": kept})

    def update_visit(
        self,
        visit_id: int,
        *,
        host_agency: str,
        city: str,
        timezone: str,
        start_date: date,
        end_date: date,
        note: str,
    ) -> None:
        """Change a visit's host agency, city, zone, days and note."""
        v = self._s.visits[visit_id]
        self._s.visits[visit_id] = v.model_copy(
            update={
                "host_agency": host_agency,
                "city": city,
                "timezone": timezone,
                "start_date": start_date,
                "end_date": end_date,
                "note": note,
            }
        )

    def remove_visit(self, visit_id: int) -> None:
        """Delete a visit with its agenda, participants, companions and booked groups."""
        del self._s.visits[visit_id]

    def update_host(self, host_id: int, host: NewHost) -> None:
        """Replace a host partner's fields (its cohort and code stay)."""
        h = self._s.hosts[host_id]
        self._s.hosts[host_id] = h.model_copy(
            update={
                "agency": host.agency,
                "unit": host.unit,
                "city": host.city,
                "province": host.province,
                "timezone": host.timezone,
                "focus": host.focus,
                "reasons": host.reasons,
                "contact": host.contact,
            }
        )

    def remove_host(self, host_id: int) -> None:
        """Delete a host partner and its place among groups' host units."""
        del self._s.hosts[host_id]
        for gid, g in list(self._s.groups.items()):
            if host_id in g.host_ids:
                hosts = tuple(x for x in g.host_ids if x != host_id)
                self._s.groups[gid] = g.model_copy(update={"host_ids": hosts})


class FakeContentStore:
    """Lessons, adoption decisions and milestones in memory, with the SQL store's unique keys."""

    def __init__(self, txn: _Txn) -> None:
        self._txn = txn

    @property
    def _s(self) -> FakeState:
        return self._txn.state

    def facts(self, project_id: int) -> ContentFacts:
        """What the project's content holds, for the submit guard."""
        return ContentFacts.of(
            self.lessons([project_id]),
            self.decisions([project_id]),
            self.milestones([project_id]),
        )

    def add_lesson(
        self,
        project_id: int,
        number: int,
        host_id: int,
        practice: str,
        location: str,
        evidence: str,
        success_key: str,
        lesson: str,
        actor_id: int,
        at: datetime,
    ) -> int:
        """Insert a lesson; one per (project, number)."""
        if any((x.project_id, x.number) == (project_id, number) for x in self._s.lessons.values()):
            raise _conflict("Pelajaran ini", "This lesson")
        lid = self._s.new_id("lessons")
        self._s.lessons[lid] = Lesson(
            id=lid,
            project_id=project_id,
            number=number,
            host_id=host_id,
            practice=practice,
            location=location,
            evidence=evidence,
            success_key=success_key,
            lesson=lesson,
            recorded_by=actor_id,
            recorded_at=_utc(at),
        )
        return lid

    def lesson(self, lesson_id: int) -> Lesson:
        """A lesson; raises NotFound."""
        found = self._s.lessons.get(lesson_id)
        if found is None:
            raise NotFound(
                f"Pelajaran {lesson_id} tidak ditemukan", f"Lesson {lesson_id} not found"
            )
        return found

    def lessons(self, project_ids: Sequence[int]) -> list[Lesson]:
        """The lessons of these projects, by project and number."""
        wanted = set(project_ids)
        return sorted(
            (x for x in self._s.lessons.values() if x.project_id in wanted),
            key=lambda x: (x.project_id, x.number),
        )

    def remove_lesson(self, lesson_id: int) -> None:
        """Delete a lesson and the decision on it."""
        for did, d in list(self._s.adoptions.items()):
            if d.lesson_id == lesson_id:
                del self._s.adoptions[did]
        self._s.lessons.pop(lesson_id, None)

    def set_decision(
        self,
        lesson_id: int,
        project_id: int,
        kind: AdoptionKind,
        rationale: str,
        changes: str,
        milestone_ids: Sequence[int],
        actor_id: int,
        at: datetime,
    ) -> int:
        """Record the decision on a lesson, replacing an earlier one (same id)."""
        known = next((d for d in self._s.adoptions.values() if d.lesson_id == lesson_id), None)
        did = known.id if known is not None else self._s.new_id("adoption_decisions")
        self._s.adoptions[did] = AdoptionDecision(
            id=did,
            lesson_id=lesson_id,
            project_id=project_id,
            kind=kind,
            rationale=rationale,
            changes=changes,
            milestone_ids=tuple(sorted(milestone_ids)),
            decided_by=actor_id,
            decided_at=_utc(at),
        )
        return did

    def decisions(self, project_ids: Sequence[int]) -> list[AdoptionDecision]:
        """The adoption decisions of these projects."""
        wanted = set(project_ids)
        return sorted(
            (d for d in self._s.adoptions.values() if d.project_id in wanted), key=lambda d: d.id
        )

    def add_milestone(
        self,
        project_id: int,
        number: int,
        title: str,
        term: MilestoneTerm,
        target_date: date,
        at: datetime,
    ) -> int:
        """Insert a planned milestone; one per (project, number)."""
        if any(
            (m.project_id, m.number) == (project_id, number) for m in self._s.milestones.values()
        ):
            raise _conflict("Tonggak ini", "This milestone")
        mid = self._s.new_id("milestones")
        self._s.milestones[mid] = Milestone(
            id=mid,
            project_id=project_id,
            number=number,
            title=title,
            term=term,
            target_date=target_date,
            updated_at=_utc(at),
        )
        return mid

    def milestone(self, milestone_id: int) -> Milestone:
        """A milestone; raises NotFound."""
        found = self._s.milestones.get(milestone_id)
        if found is None:
            raise NotFound(
                f"Tonggak {milestone_id} tidak ditemukan", f"Milestone {milestone_id} not found"
            )
        return found

    def milestones(self, project_ids: Sequence[int]) -> list[Milestone]:
        """The milestones of these projects, by project and number."""
        wanted = set(project_ids)
        return sorted(
            (m for m in self._s.milestones.values() if m.project_id in wanted),
            key=lambda m: (m.project_id, m.number),
        )

    def update_milestone(
        self,
        milestone_id: int,
        status: MilestoneStatus,
        evidence: str,
        note: str,
        done_on: date | None,
        target_date: date,
        at: datetime,
    ) -> None:
        """Record a milestone's status and target date."""
        m = self._s.milestones[milestone_id]
        self._s.milestones[milestone_id] = m.model_copy(
            update={
                "status": status,
                "evidence": evidence,
                "note": note,
                "done_on": done_on,
                "target_date": target_date,
                "updated_at": _utc(at),
            }
        )


class FakeSeminarStore:
    """Seminar sessions, entries, scores, grades and remediations in memory, with the SQL
    store's unique keys and once-only grade and re-grade."""

    def __init__(self, txn: _Txn) -> None:
        self._txn = txn

    @property
    def _s(self) -> FakeState:
        return self._txn.state

    def add_session(
        self,
        cohort_id: int,
        kind: SeminarKind,
        title: str,
        starts_at: datetime,
        place: str,
        examiner_ids: Sequence[int],
    ) -> int:
        """Insert a session with its examiners."""
        sid = self._s.new_id("seminar_sessions")
        self._s.sessions[sid] = SeminarSession(
            id=sid,
            cohort_id=cohort_id,
            kind=kind,
            title=title,
            starts_at=_utc(starts_at),
            place=place,
            examiner_ids=tuple(sorted(examiner_ids)),
        )
        return sid

    def session(self, session_id: int) -> SeminarSession:
        """A session; raises NotFound."""
        found = self._s.sessions.get(session_id)
        if found is None:
            raise NotFound(
                f"Sesi seminar {session_id} tidak ditemukan",
                f"Seminar session {session_id} not found",
            )
        return found

    def sessions(self, cohort_id: int) -> list[SeminarSession]:
        """A cohort's sessions, by start."""
        return sorted(
            (x for x in self._s.sessions.values() if x.cohort_id == cohort_id),
            key=lambda x: (x.starts_at, x.id),
        )

    def add_entry(self, session_id: int, project_id: int, examiner_id: int) -> int:
        """Put a participant in a session, once."""
        kind = self._s.sessions[session_id].kind
        if any(
            e.project_id == project_id
            and (e.session_id == session_id or self._s.sessions[e.session_id].kind is kind)
            for e in self._s.entries.values()
        ):  # the SQL unique keys (session, project) and (project, kind)
            raise AlreadyExists(
                f"Proyek {project_id} sudah terjadwal di sesi {session_id} atau di sesi lain "
                "yang sejenis",
                f"Project {project_id} is already in session {session_id} or in another session "
                "of its kind",
            )
        eid = self._s.new_id("seminar_entries")
        self._s.entries[eid] = SeminarEntry(
            id=eid, session_id=session_id, project_id=project_id, examiner_id=examiner_id
        )
        return eid

    def entries(self, session_ids: Sequence[int]) -> list[SeminarEntry]:
        """The entries of these sessions."""
        wanted = set(session_ids)
        return sorted(
            (e for e in self._s.entries.values() if e.session_id in wanted), key=lambda e: e.id
        )

    def entries_of(self, project_ids: Sequence[int]) -> list[SeminarEntry]:
        """The entries of these projects."""
        wanted = set(project_ids)
        return sorted(
            (e for e in self._s.entries.values() if e.project_id in wanted), key=lambda e: e.id
        )

    def set_score(
        self, entry_id: int, scorer_id: int, role: PanelRole, score: float, at: datetime
    ) -> float | None:
        """Record a panel member's score, replacing theirs."""
        before = self._s.scores.get((entry_id, scorer_id))
        self._s.scores[(entry_id, scorer_id)] = Score(
            entry_id=entry_id, scorer_id=scorer_id, role=role, score=score, scored_at=_utc(at)
        )
        return None if before is None else before.score

    def scores(self, entry_ids: Sequence[int]) -> list[Score]:
        """The scores of these entries."""
        wanted = set(entry_ids)
        return [v for k, v in sorted(self._s.scores.items()) if k[0] in wanted]

    def set_grade(
        self, entry_id: int, grade: str, mean: float | None, actor_id: int, at: datetime
    ) -> None:
        """Record an entry's grade, only while it has none."""
        e = self._s.entries.get(entry_id)
        if e is None or e.grade is not None:
            raise _conflict("Predikat peserta ini", "This participant's grade")
        self._s.entries[entry_id] = e.model_copy(
            update={
                "grade": grade,
                "mean_score": mean,
                "graded_by": actor_id,
                "graded_at": _utc(at),
            }
        )

    def open_remediation(
        self, entry_id: int, project_id: int, kind: RemediationKind, at: datetime
    ) -> int:
        """Open the remediation of a failing entry; one per entry."""
        if any(r.entry_id == entry_id for r in self._s.remediations.values()):
            raise _conflict("Remediasi ini", "This remediation")
        rid = self._s.new_id("remediations")
        self._s.remediations[rid] = Remediation(
            id=rid, entry_id=entry_id, project_id=project_id, kind=kind, opened_at=_utc(at)
        )
        return rid

    def remediation(self, remediation_id: int) -> Remediation:
        """A remediation; raises NotFound."""
        found = self._s.remediations.get(remediation_id)
        if found is None:
            raise NotFound(
                f"Remediasi {remediation_id} tidak ditemukan",
                f"Remediation {remediation_id} not found",
            )
        return found

    def remediations(self, project_ids: Sequence[int]) -> list[Remediation]:
        """The remediations of these projects."""
        wanted = set(project_ids)
        return sorted(
            (r for r in self._s.remediations.values() if r.project_id in wanted),
            key=lambda r: r.id,
        )

    def resolve_remediation(
        self,
        remediation_id: int,
        status: RemediationStatus,
        regrade: str,
        capped: bool,
        note: str,
        actor_id: int,
        at: datetime,
    ) -> None:
        """Record the re-grade of an open remediation, once."""
        r = self._s.remediations.get(remediation_id)
        if r is None or r.status is not RemediationStatus.OPEN:
            raise _conflict("Nilai ulang remediasi ini", "The re-grade of this remediation")
        self._s.remediations[remediation_id] = r.model_copy(
            update={
                "status": status,
                "regrade": regrade,
                "capped": capped,
                "note": note,
                "resolved_by": actor_id,
                "resolved_at": _utc(at),
            }
        )


class FakeAccountStore:
    """Passwords, sessions, API tokens and failed-login counters in memory."""

    def __init__(self, txn: _Txn) -> None:
        self._txn = txn

    @property
    def _s(self) -> FakeState:
        return self._txn.state

    def credential(self, person_id: int) -> Credential | None:
        """The person's password hash, if any."""
        return self._s.credentials.get(person_id)

    def set_credential(
        self, person_id: int, password_hash: str, at: datetime, must_change: bool
    ) -> None:
        """Store or replace a password hash."""
        self._s.credentials[person_id] = Credential(person_id, password_hash, _utc(at), must_change)

    def add_session(self, digest: str, person_id: int, at: datetime, csrf_token: str) -> int:
        """Record a new session; digests are unique."""
        if any(d == digest for d, _ in self._s.web_sessions.values()):
            raise _conflict("Sesi ini", "This session")
        session_id = self._s.new_id("web_sessions")
        self._s.web_sessions[session_id] = (
            digest,
            SessionRecord(session_id, person_id, _utc(at), _utc(at), csrf_token, None),
        )
        return session_id

    def session(self, digest: str) -> SessionRecord | None:
        """The session with this digest."""
        return next((r for d, r in self._s.web_sessions.values() if d == digest), None)

    def signed_in(self, digest: str) -> SignedIn | None:
        """The session with its person and whether they must change their password."""
        record = self.session(digest)
        if record is None:
            return None
        credential = self._s.credentials.get(record.person_id)
        return SignedIn(
            record,
            self._s.people[record.person_id],
            credential is not None and credential.must_change,
        )

    def _end(self, session_id: int, at: datetime) -> None:
        digest, record = self._s.web_sessions[session_id]
        self._s.web_sessions[session_id] = (digest, dataclasses.replace(record, ended_at=_utc(at)))

    def touch_session(self, session_id: int, at: datetime) -> None:
        """Record the session's last use (never moving it backwards)."""
        if session_id in self._s.web_sessions:
            digest, record = self._s.web_sessions[session_id]
            if record.last_seen_at < at:
                self._s.web_sessions[session_id] = (
                    digest,
                    dataclasses.replace(record, last_seen_at=_utc(at)),
                )

    def end_session(self, session_id: int, at: datetime) -> None:
        """End a session."""
        if (
            session_id in self._s.web_sessions
            and self._s.web_sessions[session_id][1].ended_at is None
        ):
            self._end(session_id, at)

    def end_sessions_of(self, person_id: int, at: datetime) -> int:
        """End every open session of a person."""
        open_ids = [
            i
            for i, (_, r) in self._s.web_sessions.items()
            if r.person_id == person_id and r.ended_at is None
        ]
        for session_id in open_ids:
            self._end(session_id, at)
        return len(open_ids)

    def add_token(
        self,
        digest: str,
        prefix: str,
        name: str,
        person_id: int,
        cohort_id: int,
        read_only: bool,
        at: datetime,
    ) -> int:
        """Record a new API token; digests are unique."""
        if any(d == digest for d, _ in self._s.tokens.values()):
            raise _conflict("Token ini", "This token")
        token_id = self._s.new_id("api_tokens")
        self._s.tokens[token_id] = (
            digest,
            TokenRecord(
                token_id, prefix, name, person_id, cohort_id, read_only, _utc(at), None, None
            ),
        )
        return token_id

    def token(self, digest: str) -> TokenRecord | None:
        """The token with this digest."""
        return next((r for d, r in self._s.tokens.values() if d == digest), None)

    def token_by_id(self, token_id: int) -> TokenRecord:
        """A token by id."""
        if token_id not in self._s.tokens:
            raise NotFound(f"Token {token_id} tidak ditemukan", f"Token {token_id} not found")
        return self._s.tokens[token_id][1]

    def tokens(self, cohort_ids: Sequence[int]) -> list[TokenRecord]:
        """The tokens of these cohorts, newest first."""
        wanted = set(cohort_ids)
        return [
            r for _, (_, r) in sorted(self._s.tokens.items(), reverse=True) if r.cohort_id in wanted
        ]

    def touch_token(self, token_id: int, at: datetime) -> None:
        """Record the token's last use."""
        digest, record = self._s.tokens[token_id]
        self._s.tokens[token_id] = (digest, dataclasses.replace(record, last_used_at=_utc(at)))

    def revoke_token(self, token_id: int, at: datetime) -> None:
        """Revoke a token, once."""
        record = self.token_by_id(token_id)
        if record.revoked_at is not None:
            raise ConflictError(
                f"Token {token_id} sudah dicabut", f"Token {token_id} was revoked already"
            )
        digest = self._s.tokens[token_id][0]
        self._s.tokens[token_id] = (digest, dataclasses.replace(record, revoked_at=_utc(at)))

    def failures(self, login: str) -> LoginFailures | None:
        """The failed-login counter of a login name."""
        return self._s.login_failures.get(login)

    def add_failure(self, login: str, at: datetime) -> int:
        """One more failed login; return the new count."""
        before = self._s.login_failures.get(login)
        count = 1 if before is None else before.failures + 1
        self._s.login_failures[login] = LoginFailures(login, count, _utc(at))
        return count

    def clear_failures(self, login: str) -> None:
        """Forget the failed logins of a login name."""
        self._s.login_failures.pop(login, None)

    def purge(self, sessions_created_before: datetime, failures_before: datetime) -> None:
        """Delete sessions past their lifetime and failed-login counters gone stale."""
        for session_id, (_, record) in list(self._s.web_sessions.items()):
            if record.created_at < sessions_created_before:
                del self._s.web_sessions[session_id]
        for login, counted in list(self._s.login_failures.items()):
            if counted.last_failure_at < failures_before:
                del self._s.login_failures[login]


class FakeUnitOfWork:
    """One optimistic in-memory transaction over a :class:`FakeUnitOfWorkFactory`'s state."""

    def __init__(self, factory: FakeUnitOfWorkFactory, *, write: bool = False) -> None:
        self._factory = factory
        self.write = write
        self.committed = False
        self._txn: _Txn | None = None
        self._base_generation = -1
        self._projects: FakeProjectStore | None = None
        self._cohorts: FakeCohortStore | None = None
        self._people: FakePersonStore | None = None
        self._audit: FakeAuditStore | None = None
        self._alerts: FakeAlertStore | None = None
        self._benchmarking: FakeBenchmarkStore | None = None
        self._content: FakeContentStore | None = None
        self._seminars: FakeSeminarStore | None = None
        self._accounts: FakeAccountStore | None = None

    def _open(self) -> None:
        """Take a private snapshot of the shared state to work on."""
        shared = self._factory.state
        self._base_generation = shared.generation
        if self._txn is None:
            self._txn = _Txn(copy.deepcopy(shared))
        else:
            self._txn.state = copy.deepcopy(shared)

    @staticmethod
    def _need(store: _T | None) -> _T:
        if store is None:
            raise RuntimeError("FakeUnitOfWork used outside its 'with' block")
        return store

    @property
    def projects(self) -> FakeProjectStore:
        """Projects and their stages."""
        return self._need(self._projects)

    @property
    def cohorts(self) -> FakeCohortStore:
        """Cohorts, memberships and programme snapshots."""
        return self._need(self._cohorts)

    @property
    def people(self) -> FakePersonStore:
        """People."""
        return self._need(self._people)

    @property
    def audit(self) -> FakeAuditStore:
        """The audit log."""
        return self._need(self._audit)

    @property
    def alerts(self) -> FakeAlertStore:
        """Alerts and the outbox."""
        return self._need(self._alerts)

    @property
    def benchmarking(self) -> FakeBenchmarkStore:
        """Host partners, groups and visits."""
        return self._need(self._benchmarking)

    @property
    def content(self) -> FakeContentStore:
        """Lessons, adoption decisions and milestones."""
        return self._need(self._content)

    @property
    def seminars(self) -> FakeSeminarStore:
        """Seminar sessions, scores, grades and remediations."""
        return self._need(self._seminars)

    @property
    def accounts(self) -> FakeAccountStore:
        """Passwords, sessions, API tokens and failed-login counters."""
        return self._need(self._accounts)

    def __enter__(self) -> Self:
        """Begin the transaction on a snapshot of the shared state."""
        if self._txn is not None:
            raise RuntimeError("FakeUnitOfWork is not re-entrant")
        self._open()
        assert self._txn is not None
        self._projects = FakeProjectStore(self._txn)
        self._cohorts = FakeCohortStore(self._txn)
        self._people = FakePersonStore(self._txn)
        self._audit = FakeAuditStore(self._txn)
        self._alerts = FakeAlertStore(self._txn)
        self._benchmarking = FakeBenchmarkStore(self._txn)
        self._content = FakeContentStore(self._txn)
        self._seminars = FakeSeminarStore(self._txn)
        self._accounts = FakeAccountStore(self._txn)
        self._factory.opened.append(self)
        return self

    def commit(self) -> None:
        """Publish this unit of work's writes, unless someone else committed since it began."""
        if self._txn is None:
            raise RuntimeError("FakeUnitOfWork.commit() outside its 'with' block")
        if self._factory.state.generation != self._base_generation:
            raise ConflictError(
                "Data baru saja diubah oleh transaksi lain; tidak ada yang disimpan",
                "The data was just changed by another transaction; nothing was stored",
            )
        work = self._txn.state
        work.generation = self._base_generation + 1
        self._factory.state = work
        self._factory.commits += 1
        self.committed = True
        self._open()  # like a SQL session after commit: carry on in a fresh transaction

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Discard whatever was not committed and close the stores."""
        self._txn = None
        self._projects = self._cohorts = None
        self._people = self._audit = None
        self._alerts = None
        self._benchmarking = self._content = None
        self._seminars = None
        self._accounts = None


class FakeUnitOfWorkFactory:
    """Makes :class:`FakeUnitOfWork` s over one shared in-memory :class:`FakeState`."""

    def __init__(self, state: FakeState | None = None) -> None:
        self.state = state if state is not None else FakeState()
        self.commits = 0
        self.opened: list[FakeUnitOfWork] = []

    def __call__(self, *, write: bool = False, consistent: bool = False) -> FakeUnitOfWork:
        """A new unit of work."""
        return FakeUnitOfWork(self, write=write)


if TYPE_CHECKING:  # mypy proves the fakes implement the ports
    from states.ports import (
        AccountStore,
        AlertStore,
        AuditStore,
        BenchmarkStore,
        CohortStore,
        ContentStore,
        PersonStore,
        ProjectStore,
        SeminarStore,
        UnitOfWork,
        UnitOfWorkFactory,
    )

    def _conforms(factory: FakeUnitOfWorkFactory, txn: _Txn) -> None:
        _factory: UnitOfWorkFactory = factory
        _uow: UnitOfWork = factory()
        _projects: ProjectStore = FakeProjectStore(txn)
        _cohorts: CohortStore = FakeCohortStore(txn)
        _people: PersonStore = FakePersonStore(txn)
        _audit: AuditStore = FakeAuditStore(txn)
        _alerts: AlertStore = FakeAlertStore(txn)
        _benchmarking: BenchmarkStore = FakeBenchmarkStore(txn)
        _content: ContentStore = FakeContentStore(txn)
        _seminars: SeminarStore = FakeSeminarStore(txn)
        _accounts: AccountStore = FakeAccountStore(txn)
