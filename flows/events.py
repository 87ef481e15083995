"""Publishing the audit log to Prefect as events: ``patok.<action>`` per audit entry.

Each entry of ``audit_log`` becomes one Prefect event named after its action
(``patok.stage.submitted``, ``patok.stage.approved``, ``patok.cohort.created``, …) about the
project (``patok.project.<id>``, named after the participant) or the cohort
(``patok.cohort.<code>``) whose stream it belongs to, with the cohort as a related resource
(role ``cohort``) and the acting person as another (``patok.person.<id>``, role ``actor``). Cohorts
are identified by their code everywhere, also in the sweep's alert events, so one automation can
match a cohort whatever the event; the numeric id is the ``patok.cohort.id`` label. ``occurred`` is
the entry's own time, the payload its position (``seq``, ``stream``, ``stream_seq``), actor and
recorded data (``data``; left out when the event would exceed Prefect's size limit).

**At least once.** The consumer ``prefect-events`` keeps its position in ``event_cursors``. One
transaction locks that row (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite),
reads the next entries, emits them, waits until Prefect's events worker has handed every one of
them to its client, and only then advances the cursor and commits. If anything fails before the
commit the cursor stays and the same entries are emitted again by the next run; they carry the
same event ids (derived from the database and ``seq``), and the Prefect server stores an id once,
so a repeat collapses there. What is not covered: Prefect's client writes events to a websocket
without acknowledgement, so an event the server drops after it was handed over is not retried.

Each run of the flow is tagged ``cohort:<code>`` for every cohort whose entries it published.

The lock serialises publishers, so two never emit the same batch. On SQLite it is the database's
write lock: writers wait (they do not fail) while a batch is emitted, which ``batch`` and
:data:`FLUSH_TIMEOUT` bound.

**Sequence gaps.** On PostgreSQL ``seq`` comes from a sequence: a transaction may commit entry 11
before another commits entry 10, and a rolled-back one leaves 10 unused for ever. Entries are
therefore published only up to the first gap, unless the entry after the gap is older than
``settle`` (two minutes), by which time the transaction that drew the missing number has committed
or never will. SQLite writers are serialised and leave no gaps.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

import structlog
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from prefect.events.worker import EventsWorker
from prefect.exceptions import EventTooLarge
from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.bootstrap import bootstrap
from adapters.db.database import WRITE
from adapters.db.orm import AuditRow, CohortRow, EventCursorRow, PersonRow, ProjectRow
from adapters.settings import Settings
from flows.tags import cohort_tags, tag_this_run

__all__ = [
    "CONSUMER",
    "Published",
    "cohort_resource",
    "event_id",
    "events_flow",
    "flush_events",
    "publish_batch",
    "publish_domain_events",
]

log = structlog.get_logger("patok.flows.events")

CONSUMER = "prefect-events"
FLUSH_TIMEOUT = 10.0
"""Seconds to wait for Prefect's events worker to hand the emitted events over."""
SETTLE = timedelta(minutes=2)

AUDIT = cast(Table, AuditRow.__table__)
CURSORS = cast(Table, EventCursorRow.__table__)
PROJECTS = cast(Table, ProjectRow.__table__)
COHORTS = cast(Table, CohortRow.__table__)
PEOPLE = cast(Table, PersonRow.__table__)


def event_id(database: Engine, name: str) -> UUID:
    """A stable event id for ``name`` (e.g. ``audit:17``) in this database.

    The same entry published twice gets the same id, which the Prefect server stores once. The
    database URL (password hidden) keeps the ids of two patok databases on one server apart.
    """
    store = database.url.render_as_string(hide_password=True)
    return uuid5(NAMESPACE_URL, f"patok:{store}#{name}")


def flush_events(timeout: float = FLUSH_TIMEOUT) -> None:
    """Wait until Prefect's events worker has handed every queued event to its client.

    ``emit_event`` only queues; this is what makes "emitted" mean "sent" before a cursor moves.
    Raises ``TimeoutError`` when the worker does not get through its queue in ``timeout`` seconds.
    """
    worker = EventsWorker.instance()
    done = threading.Event()

    def wait() -> None:
        worker.wait_until_empty()
        done.set()

    threading.Thread(target=wait, name="patok-events-flush", daemon=True).start()
    if not done.wait(timeout):
        raise TimeoutError(f"Prefect's events worker did not flush within {timeout:g} s")


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _naive_utc(at: datetime) -> datetime:
    return at if at.tzinfo is None else at.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class _Entry:
    seq: int
    stream: str
    stream_seq: int
    at: datetime
    actor_id: int | None
    action: str
    payload: str


@dataclass(frozen=True, slots=True)
class _Cohort:
    id: int
    code: str
    name: str


def _lock_cursor(conn: Connection) -> int:
    """The consumer's position, its row created if missing and locked until the commit."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(
            postgresql.insert(CURSORS)
            .values(consumer=CONSUMER, last_seq=0)
            .on_conflict_do_nothing(index_elements=["consumer"])
        )
    elif dialect == "sqlite":
        conn.execute(
            sqlite.insert(CURSORS)
            .values(consumer=CONSUMER, last_seq=0)
            .on_conflict_do_nothing(index_elements=["consumer"])
        )
    else:  # pragma: no cover - patok runs on SQLite and PostgreSQL only
        raise RuntimeError(f"unsupported database {dialect!r}")
    query = select(CURSORS.c.last_seq).where(CURSORS.c.consumer == CONSUMER)
    if dialect == "postgresql":
        query = query.with_for_update()
    return int(conn.execute(query).scalar_one())


def _settled(rows: Sequence[_Entry], last_seq: int, horizon: datetime) -> list[_Entry]:
    """The entries up to the first gap a transaction still in flight may fill."""
    out: list[_Entry] = []
    expected = last_seq + 1
    for entry in rows:
        if entry.seq != expected and _naive_utc(entry.at) > horizon:
            break
        out.append(entry)
        expected = entry.seq + 1
    return out


def _stream_id(stream: str, kind: str) -> int | None:
    prefix, _, rest = stream.partition(":")
    return int(rest) if prefix == kind and rest.isdigit() else None


def _context(
    conn: Connection, entries: Sequence[_Entry]
) -> tuple[dict[int, tuple[str, int]], dict[int, _Cohort]]:
    """(project id → (participant name, cohort id), cohort id → cohort) for these entries."""
    project_ids = {p for e in entries if (p := _stream_id(e.stream, "project")) is not None}
    cohort_ids = {c for e in entries if (c := _stream_id(e.stream, "cohort")) is not None}
    projects: dict[int, tuple[str, int]] = {}
    if project_ids:
        rows = conn.execute(
            select(PROJECTS.c.id, PEOPLE.c.name, PROJECTS.c.cohort_id)
            .join(PEOPLE, PEOPLE.c.id == PROJECTS.c.participant_id)
            .where(PROJECTS.c.id.in_(sorted(project_ids)))
        ).all()
        projects = {int(r.id): (str(r.name), int(r.cohort_id)) for r in rows}
        cohort_ids.update(cohort for _, cohort in projects.values())
    cohorts: dict[int, _Cohort] = {}
    if cohort_ids:
        rows = conn.execute(
            select(COHORTS.c.id, COHORTS.c.code, COHORTS.c.name).where(
                COHORTS.c.id.in_(sorted(cohort_ids))
            )
        ).all()
        cohorts = {int(r.id): _Cohort(int(r.id), str(r.code), str(r.name)) for r in rows}
    return projects, cohorts


def cohort_resource(code: str, role: str | None = None) -> dict[str, str]:
    """The Prefect resource of a cohort (``patok.cohort.<code>``), with a role if related."""
    resource = {"prefect.resource.id": f"patok.cohort.{code}"}
    if role is not None:
        resource["prefect.resource.role"] = role
    return resource


def _emit(
    database: Engine,
    entry: _Entry,
    projects: dict[int, tuple[str, int]],
    cohorts: dict[int, _Cohort],
) -> None:
    related: list[dict[str, str]] = []
    project_id = _stream_id(entry.stream, "project")
    cohort_id = _stream_id(entry.stream, "cohort")
    if project_id is not None:
        resource = {"prefect.resource.id": f"patok.project.{project_id}"}
        if project_id in projects:
            participant, cohort_id = projects[project_id]
            resource["prefect.resource.name"] = participant
            if cohort_id in cohorts:
                related.append(cohort_resource(cohorts[cohort_id].code, "cohort"))
    elif cohort_id is not None and cohort_id in cohorts:
        cohort = cohorts[cohort_id]
        resource = cohort_resource(cohort.code)
        resource["prefect.resource.name"] = cohort.name
        resource["patok.cohort.id"] = str(cohort.id)
    else:  # a stream patok does not know (yet): named after the stream itself
        resource = {"prefect.resource.id": "patok." + entry.stream.replace(":", ".")}
    if entry.actor_id is not None:
        related.append(
            {
                "prefect.resource.id": f"patok.person.{entry.actor_id}",
                "prefect.resource.role": "actor",
            }
        )
    payload: dict[str, Any] = {
        "seq": entry.seq,
        "stream": entry.stream,
        "stream_seq": entry.stream_seq,
        "actor_id": entry.actor_id,
    }
    try:
        data: Any = json.loads(entry.payload)
    except ValueError:
        data = entry.payload
    kwargs: dict[str, Any] = {
        "event": f"patok.{entry.action}",
        "resource": resource,
        "related": related,
        "occurred": _aware(entry.at),
        "id": event_id(database, f"audit:{entry.seq}"),
    }
    try:
        sent = emit_event(payload={**payload, "data": data}, **kwargs)
    except EventTooLarge:
        sent = emit_event(payload={**payload, "data_omitted": True}, **kwargs)
    if sent is None:  # emit_event logs and swallows its errors, or Prefect events are off
        raise RuntimeError(f"Prefect did not accept the event of audit entry {entry.seq}")


@dataclass(frozen=True, slots=True)
class Published:
    """What one batch published: how many entries, and the codes of their cohorts."""

    count: int = 0
    cohorts: frozenset[str] = frozenset()


def _cohorts_of(
    entries: Sequence[_Entry], projects: dict[int, tuple[str, int]], cohorts: dict[int, _Cohort]
) -> frozenset[str]:
    codes: set[str] = set()
    for entry in entries:
        cohort_id = _stream_id(entry.stream, "cohort")
        project_id = _stream_id(entry.stream, "project")
        if project_id is not None and project_id in projects:
            cohort_id = projects[project_id][1]
        if cohort_id is not None and cohort_id in cohorts:
            codes.add(cohorts[cohort_id].code)
    return frozenset(codes)


def publish_domain_events(
    database: Engine,
    batch: int = 500,
    *,
    settle: timedelta = SETTLE,
    now: datetime | None = None,
) -> int:
    """Emit the next audit entries (up to ``batch``) as Prefect events; return how many.

    At least once: the cursor advances in the same transaction, after the events were emitted and
    flushed (see the module documentation). ``now`` (default: the system clock) only decides
    which sequence gaps are old enough to skip.
    """
    return publish_batch(database, batch, settle=settle, now=now).count


def publish_batch(
    database: Engine,
    batch: int = 500,
    *,
    settle: timedelta = SETTLE,
    now: datetime | None = None,
) -> Published:
    """:func:`publish_domain_events`, also saying which cohorts the published entries are of."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    horizon = _naive_utc(now or datetime.now(UTC)) - settle
    with database.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            last_seq = _lock_cursor(conn)
            rows = conn.execute(
                select(
                    AUDIT.c.seq,
                    AUDIT.c.stream,
                    AUDIT.c.stream_seq,
                    AUDIT.c.at,
                    AUDIT.c.actor_id,
                    AUDIT.c.action,
                    AUDIT.c.payload,
                )
                .where(AUDIT.c.seq > last_seq)
                .order_by(AUDIT.c.seq)
                .limit(batch)
            ).all()
            entries = _settled([_Entry(*row) for row in rows], last_seq, horizon)
            if not entries:
                if rows:
                    log.info("events.waiting_for_gap", after=last_seq, next=rows[0].seq)
                return Published()
            projects, cohorts = _context(conn, entries)
            for entry in entries:
                _emit(database, entry, projects, cohorts)
            flush_events()
            conn.execute(
                update(CURSORS)
                .where(CURSORS.c.consumer == CONSUMER)
                .values(last_seq=entries[-1].seq)
            )
    log.info("events.published", count=len(entries), last_seq=entries[-1].seq)
    return Published(len(entries), _cohorts_of(entries, projects, cohorts))


@task(name="publish-domain-events", cache_policy=NO_CACHE)
def publish_task(database: Engine, batch: int) -> Published:
    """One batch of :func:`publish_batch`.

    No retries: a failed batch leaves the cursor where it was, and the next scheduled run (a
    minute later) publishes it again.
    """
    return publish_batch(database, batch)


@flow(name="patok-events")
def events_flow(batch: int = 500, max_batches: int = 10) -> int:
    """Publish new audit entries as Prefect events, batch by batch; return how many."""
    patok = bootstrap(Settings())
    try:
        if patok.database is None:  # pragma: no cover - bootstrap without a factory has one
            raise RuntimeError("patok has no database")
        total = 0
        codes: set[str] = set()
        for _ in range(max_batches):
            published = publish_task(patok.database, batch)
            total += published.count
            codes |= published.cohorts
            if published.count < batch:
                break
        tag_this_run(cohort_tags(codes))
        return total
    finally:
        patok.close()
