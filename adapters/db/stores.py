"""SQL stores for cohorts, people and the audit log (the ORM side of the unit of work)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.db.orm import (
    AuditRow,
    CohortRow,
    MembershipRow,
    PersonRow,
    ProgrammeSnapshot,
    ProjectRow,
)
from adapters.db.rawsql import RawSql
from domain.audit import GENESIS, StoredEntry
from domain.errors import AlreadyExists, ConflictError, NotFound
from domain.model import Cohort, Person
from domain.programme import ProgrammeDefinition, definition_from_json, definition_to_json
from domain.roles import Role
from states.ports import AuditAppend

_APPEND = """
INSERT INTO audit_log (stream, stream_seq, at, actor_id, action, payload, prev_hash, hash)
VALUES (:stream, :seq, :at, :actor, :action, :payload, :prev, :hash)
"""


def _cohort(r: CohortRow) -> Cohort:
    return Cohort(
        id=r.id,
        code=r.code,
        name=r.name,
        programme_code=r.programme_code,
        programme_version=r.programme_version,
        programme_checksum=r.programme_checksum,
        organiser=r.organiser,
        timezone=r.timezone,
        start_date=r.start_date,
        version=r.version,
    )


_PERSON_COLUMNS = "id, nip, name, email, agency, unit, phone, lang, can_create_cohorts, digest"


def _person_of(r: tuple[Any, ...]) -> Person:
    """A person from a row of :data:`_PERSON_COLUMNS` read through the driver's cursor."""
    return Person.model_construct(
        id=int(r[0]),
        nip=r[1],
        name=r[2],
        email=r[3],
        agency=r[4],
        unit=r[5],
        phone=r[6],
        lang="en" if r[7] == "en" else "id",
        can_create_cohorts=bool(r[8]),
        digest=bool(r[9]),
    )


def _person(r: PersonRow) -> Person:
    return Person.model_construct(
        id=r.id,
        nip=r.nip,
        name=r.name,
        email=r.email,
        agency=r.agency,
        unit=r.unit,
        phone=r.phone,
        lang="en" if r.lang == "en" else "id",
        can_create_cohorts=r.can_create_cohorts,
        digest=bool(r.digest),
    )


class SqlCohortStore:
    """Cohorts, memberships and programme snapshots."""

    def __init__(self, session: Callable[[], Session]) -> None:
        self._session_of = session

    def add(self, cohort: Cohort) -> int:
        """Insert a cohort; a taken code is refused."""
        if (
            self._session_of().scalar(select(CohortRow.id).where(CohortRow.code == cohort.code))
            is not None
        ):
            raise AlreadyExists(
                f"Angkatan dengan kode '{cohort.code}' sudah ada",
                f"A cohort with code '{cohort.code}' already exists",
                code=cohort.code,
            )
        row = CohortRow(
            code=cohort.code,
            name=cohort.name,
            programme_code=cohort.programme_code,
            programme_version=cohort.programme_version,
            programme_checksum=cohort.programme_checksum,
            organiser=cohort.organiser,
            timezone=cohort.timezone,
            start_date=cohort.start_date,
            version=0,
            audit_head=GENESIS,
        )
        self._session_of().add(row)
        try:
            self._session_of().flush()
        except IntegrityError:
            raise ConflictError(
                f"Angkatan '{cohort.code}' baru saja dibuat orang lain",
                f"Cohort '{cohort.code}' was just created by someone else",
            ) from None
        return row.id

    def by_code(self, code: str) -> Cohort:
        """The cohort with this code."""
        row = self._session_of().scalar(select(CohortRow).where(CohortRow.code == code))
        if row is None:
            known = list(
                self._session_of().scalars(
                    select(CohortRow.code).order_by(CohortRow.code).limit(20)
                )
            )
            raise NotFound(
                f"Angkatan '{code}' tidak ditemukan (yang ada: {', '.join(known) or '-'})",
                f"Cohort '{code}' not found (known: {', '.join(known) or 'none'})",
                code=code,
            )
        return _cohort(row)

    def by_id(self, cohort_id: int) -> Cohort:
        """The cohort with this id."""
        row = self._session_of().get(CohortRow, cohort_id)
        if row is None:
            raise NotFound(f"Angkatan {cohort_id} tidak ditemukan", f"Cohort {cohort_id} not found")
        return _cohort(row)

    def all(self) -> list[Cohort]:
        """Every cohort, by code."""
        return [
            _cohort(r)
            for r in self._session_of().scalars(select(CohortRow).order_by(CohortRow.code))
        ]

    def bump(self, cohort_id: int, expected_version: int, audit_head: str) -> None:
        """Advance version and audit head under an optimistic check."""
        result = self._session_of().execute(
            update(CohortRow)
            .where(CohortRow.id == cohort_id, CohortRow.version == expected_version)
            .values(version=CohortRow.version + 1, audit_head=audit_head)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise ConflictError(
                f"Angkatan {cohort_id} baru saja diubah orang lain; tidak ada yang disimpan",
                f"Cohort {cohort_id} was just changed by someone else; nothing was stored",
            )

    def audit_head(self, cohort_id: int) -> tuple[int, str]:
        """The cohort's (version, audit head)."""
        row = (
            self._session_of()
            .execute(
                select(CohortRow.version, CohortRow.audit_head).where(CohortRow.id == cohort_id)
            )
            .one()
        )
        return int(row[0]), str(row[1])

    def add_member(self, cohort_id: int, person_id: int, role: Role) -> None:
        """Give a person a role in a cohort, once."""
        if self._session_of().get(MembershipRow, (cohort_id, person_id, role.value)) is None:
            self._session_of().add(
                MembershipRow(cohort_id=cohort_id, person_id=person_id, role=role.value)
            )
            self._session_of().flush()

    def members(self, cohort_id: int) -> list[tuple[int, Role]]:
        """(person id, role) of everyone in the cohort."""
        rows = self._session_of().execute(
            select(MembershipRow.person_id, MembershipRow.role).where(
                MembershipRow.cohort_id == cohort_id
            )
        )
        return [(int(p), Role(r)) for p, r in rows]

    def roles_of(self, cohort_id: int, person_id: int) -> frozenset[Role]:
        """The roles a person holds in a cohort."""
        rows = self._session_of().scalars(
            select(MembershipRow.role).where(
                MembershipRow.cohort_id == cohort_id, MembershipRow.person_id == person_id
            )
        )
        return frozenset(Role(r) for r in rows)

    def save_programme(self, checksum: str, definition: ProgrammeDefinition) -> None:
        """Store a programme snapshot once per checksum."""
        if self._session_of().get(ProgrammeSnapshot, checksum) is None:
            self._session_of().add(
                ProgrammeSnapshot(
                    checksum=checksum,
                    code=definition.code,
                    version=definition.version,
                    body=definition_to_json(definition),
                )
            )
            self._session_of().flush()

    def programme(self, checksum: str) -> ProgrammeDefinition:
        """The pinned programme snapshot with this checksum."""
        row = self._session_of().get(ProgrammeSnapshot, checksum)
        if row is None:
            raise NotFound(
                f"Cuplikan program {checksum[:12]} tidak ada",
                f"Programme snapshot {checksum[:12]} is missing",
            )
        return definition_from_json(row.body)

    def project_count(self, cohort_id: int) -> int:
        """How many projects the cohort has."""
        return int(
            self._session_of().scalar(select(func.count()).where(ProjectRow.cohort_id == cohort_id))
            or 0
        )

    def coordinators(self, cohort_ids: Sequence[int]) -> dict[int, list[int]]:
        """The coordinators (person ids, ascending) of each of these cohorts, in one query."""
        found: dict[int, list[int]] = {cid: [] for cid in sorted(set(cohort_ids))}
        if not found:
            return found
        rows = self._session_of().execute(
            select(MembershipRow.cohort_id, MembershipRow.person_id)
            .where(MembershipRow.role == Role.COORDINATOR.value)
            .where(MembershipRow.cohort_id.in_(list(found)))
            .order_by(MembershipRow.cohort_id, MembershipRow.person_id)
        )
        for cid, pid in rows:
            found[int(cid)].append(int(pid))
        return found

    def agency_heads(self, cohort_ids: Sequence[int]) -> dict[int, str | None]:
        """The e-mail of each cohort's head of the organising agency (None where none is set)."""
        found: dict[int, str | None] = dict.fromkeys(sorted(set(cohort_ids)))
        if not found:
            return found
        rows = self._session_of().execute(
            select(CohortRow.id, CohortRow.agency_head_email).where(CohortRow.id.in_(list(found)))
        )
        for cid, email in rows:
            found[int(cid)] = None if email is None else str(email)
        return found

    def set_agency_head(self, cohort_id: int, email: str | None) -> None:
        """Set (or, with None, clear) a cohort's head of the organising agency."""
        row = self._session_of().get(CohortRow, cohort_id)
        if row is not None:
            row.agency_head_email = email


class SqlPersonStore:
    """People by id, NIP or e-mail."""

    def __init__(
        self,
        session: Callable[[], Session],
        raw: RawSql | None = None,
        session_made: Callable[[], bool] = lambda: True,
    ) -> None:
        self._session_of = session
        self._raw = raw
        self._session_made = session_made

    def add(self, person: Person) -> int:
        """Insert a person; a taken NIP or e-mail is refused."""
        clash = self._session_of().scalar(
            select(PersonRow).where(
                or_(PersonRow.nip == person.nip, PersonRow.email == person.email)
            )
        )
        if clash is not None:
            raise AlreadyExists(
                f"NIP {person.nip} atau e-mail {person.email} sudah terdaftar (atas nama {clash.name})",
                f"NIP {person.nip} or e-mail {person.email} is already registered (to {clash.name})",
            )
        row = PersonRow(
            nip=person.nip,
            name=person.name,
            email=person.email,
            agency=person.agency,
            unit=person.unit,
            phone=person.phone,
            lang=person.lang,
            can_create_cohorts=person.can_create_cohorts,
            digest=person.digest,
        )
        self._session_of().add(row)
        self._session_of().flush()
        return row.id

    def get(self, person_id: int) -> Person:
        """The person with this id."""
        row = self._session_of().get(PersonRow, person_id)
        if row is None:
            raise NotFound(f"Orang {person_id} tidak ditemukan", f"Person {person_id} not found")
        return _person(row)

    def find(self, ref: str) -> Person | None:
        """The person whose NIP (spaces ignored) or e-mail (any case) is ``ref``."""
        ref = ref.strip()
        nip = ref.replace(" ", "").replace(".", "")
        row = self._session_of().scalar(
            select(PersonRow).where(or_(PersonRow.nip == nip, PersonRow.email == ref.lower()))
        )
        return None if row is None else _person(row)

    def many(self, ids: Sequence[int]) -> dict[int, Person]:
        """People by id. On a command's path (no ORM session made in this unit of work, so
        nothing pending) they are read straight from the driver's cursor."""
        if not ids:
            return {}
        if self._raw is not None and not self._session_made():
            marks = ", ".join(f":p{n}" for n in range(len(ids)))
            rows = self._raw.all(
                f"SELECT {_PERSON_COLUMNS} FROM people WHERE id IN ({marks})",
                {f"p{n}": pid for n, pid in enumerate(ids)},
            )
            return {int(r[0]): _person_of(r) for r in rows}
        return {
            r.id: _person(r)
            for r in self._session_of().scalars(select(PersonRow).where(PersonRow.id.in_(ids)))
        }

    def set_preferences(self, person_id: int, *, digest: bool | None, lang: str | None) -> None:
        """Change a person's notification preferences."""
        row = self._session_of().get(PersonRow, person_id)
        if row is None:
            raise NotFound(f"Orang {person_id} tidak ditemukan", f"Person {person_id} not found")
        if digest is not None:
            row.digest = digest
        if lang is not None:
            row.lang = lang
        self._session_of().flush()


class SqlAuditStore:
    """The append-only audit log."""

    def __init__(self, raw: RawSql, session: Callable[[], Session]) -> None:
        self._raw = raw
        self._session_of = session

    def append(self, entry: AuditAppend) -> None:
        """Append one entry; a duplicate position in its stream is a conflict."""
        try:
            self._raw.execute(
                _APPEND,
                {
                    "stream": entry.stream,
                    "seq": entry.stream_seq,
                    "at": self._raw.ts(entry.at),
                    "actor": entry.actor_id,
                    "action": entry.action,
                    "payload": entry.payload_json,
                    "prev": entry.prev_hash,
                    "hash": entry.hash,
                },
            )
        except self._raw.IntegrityError:
            raise ConflictError(
                f"Jejak audit {entry.stream} sudah berlanjut; tidak ada yang disimpan",
                f"Audit stream {entry.stream} moved on; nothing was stored",
            ) from None

    def stream(self, stream: str) -> list[StoredEntry]:
        """One stream's entries in order."""
        rows = self._session_of().scalars(
            select(AuditRow).where(AuditRow.stream == stream).order_by(AuditRow.stream_seq)
        )
        return [_entry(r) for r in rows]

    def entries(self) -> Iterator[StoredEntry]:
        """Every entry, grouped by stream and in stream order (streamed, not loaded at once)."""
        columns = (
            AuditRow.seq,
            AuditRow.stream,
            AuditRow.stream_seq,
            AuditRow.at,
            AuditRow.actor_id,
            AuditRow.action,
            AuditRow.payload,
            AuditRow.prev_hash,
            AuditRow.hash,
        )
        rows = self._session_of().execute(  # plain rows: no ORM identity map to fill
            select(*columns)
            .order_by(AuditRow.stream, AuditRow.stream_seq)
            .execution_options(yield_per=2000)
        )
        for seq, stream, stream_seq, at, actor_id, action, payload, prev_hash, digest in rows:
            yield StoredEntry(
                seq=seq,
                stream=stream,
                stream_seq=stream_seq,
                at=at.replace(tzinfo=UTC),
                actor_id=actor_id,
                action=action,
                payload_json=payload,
                prev_hash=prev_hash,
                hash=digest,
            )

    def heads(self) -> Iterator[tuple[str, int, str]]:
        """Every project and cohort with its recorded head (seq = version, head hash)."""
        for pid, version, head in self._session_of().execute(
            select(ProjectRow.id, ProjectRow.version, ProjectRow.audit_head)
        ):
            yield f"project:{pid}", int(version), str(head)
        for cid, version, head in self._session_of().execute(
            select(CohortRow.id, CohortRow.version, CohortRow.audit_head)
        ):
            yield f"cohort:{cid}", int(version), str(head)

    def streams_present(self) -> set[str]:
        """Every stream that has entries."""
        return set(self._session_of().scalars(select(AuditRow.stream).distinct()))


def _entry(r: AuditRow) -> StoredEntry:
    return StoredEntry(
        seq=r.seq,
        stream=r.stream,
        stream_seq=r.stream_seq,
        at=r.at.replace(tzinfo=UTC),
        actor_id=r.actor_id,
        action=r.action,
        payload_json=r.payload,
        prev_hash=r.prev_hash,
        hash=r.hash,
    )
