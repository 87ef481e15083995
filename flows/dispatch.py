"""The ``patok-dispatch`` and ``patok-digest`` flows: send the outbox, fold held notifications.

``patok-dispatch`` runs :meth:`adapters.notify.dispatcher.Dispatcher.run_once` batch by batch,
with the channels configured by :class:`adapters.notify.settings.NotifySettings` (``PATOK_SMTP_*``,
``PATOK_WEBHOOK_SECRET``, ``PATOK_APPRISE_URLS``). ``patok-digest`` turns each person's held
notifications into one pending digest e-mail (in their language), which the next dispatch sends.
Both leave stale notices out (cancelled, see :mod:`adapters.notify.dispatcher`) and tag their run
``cohort:<code>`` for every cohort whose notifications they handled.

Each notification ``patok-dispatch`` gives up on (a dead letter) is also emitted as the event
``patok.notification.dead`` about ``patok.outbox.<id>``, with its cohort (role ``cohort``) and
project (role ``project``) related, so a coordinator can hang a Prefect automation on it. Like
the sweep's alert events these are at most once (emitted after the outcome is committed); the
dead letter itself stays in the outbox, listed by ``patok outbox list``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from sqlalchemy import Engine, Table, select

from adapters.bootstrap import bootstrap
from adapters.db.orm import CohortRow, OutboxRow
from adapters.notify.digest_text import render_digest
from adapters.notify.dispatcher import DigestReport, Dispatcher, DispatchReport, digest_run
from adapters.notify.settings import NotifySettings
from adapters.settings import Settings
from flows.events import cohort_resource
from flows.tags import cohort_codes, cohort_tags, tag_this_run

__all__ = [
    "digest_flow",
    "digest_task",
    "dispatch_batch",
    "dispatch_flow",
    "emit_dead_letter_events",
]

OUTBOX = cast(Table, OutboxRow.__table__)
COHORTS = cast(Table, CohortRow.__table__)


# Retrying is safe: a run claims its rows under a lease and records each row's outcome right after
# sending it, so a retry (or a concurrent run) claims only rows still pending and unleased. Rows a
# failed attempt had claimed but not sent keep their lease until it expires and are sent later; a
# webhook row sent but not recorded (a crash between the two) is the dispatcher's documented
# at-least-once window, which a retry does not widen (e-mail is recorded before the server accepts it).
@task(name="dispatch-batch", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def dispatch_batch(dispatcher: Dispatcher) -> DispatchReport:
    """Claim, send and record one batch of due outbox rows."""
    return dispatcher.run_once()


@task(name="emit-dead-letter-events", cache_policy=NO_CACHE)
def emit_dead_letter_events(database: Engine, outbox_ids: tuple[int, ...]) -> int:
    """Emit ``patok.notification.dead`` for each of these dead letters; return how many were
    queued for Prefect's events worker (at most once: nothing waits for the server).

    The recipient is named by person id only: neither the address nor the channel's error (an
    SMTP refusal quotes the address, a webhook error its URL) leaves patok this way; both stay in
    the outbox, listed by ``patok outbox list``. Each event gets a fresh id, so a message revived
    and given up on again is announced again."""
    if not outbox_ids:
        return 0
    query = (
        select(
            OUTBOX.c.id,
            OUTBOX.c.kind,
            OUTBOX.c.channel,
            OUTBOX.c.project_id,
            OUTBOX.c.person_id,
            OUTBOX.c.attempts,
            COHORTS.c.code,
        )
        .select_from(OUTBOX.outerjoin(COHORTS, COHORTS.c.id == OUTBOX.c.cohort_id))
        .where(OUTBOX.c.id.in_(outbox_ids), OUTBOX.c.status == "dead")
        .order_by(OUTBOX.c.id)
    )
    with database.connect() as conn:
        rows = conn.execute(query).mappings().all()
    emitted = 0
    for row in rows:
        related = [cohort_resource(row["code"], "cohort")] if row["code"] else []
        if row["project_id"] is not None:
            related.append(
                {
                    "prefect.resource.id": f"patok.project.{row['project_id']}",
                    "prefect.resource.role": "project",
                }
            )
        event = emit_event(
            event="patok.notification.dead",
            resource={
                "prefect.resource.id": f"patok.outbox.{row['id']}",
                "prefect.resource.name": row["kind"],
            },
            related=related,
            payload={
                "outbox_id": row["id"],
                "kind": row["kind"],
                "channel": row["channel"],
                "cohort": row["code"],
                "project_id": row["project_id"],
                "person_id": row["person_id"],
                "attempts": row["attempts"],
            },
            occurred=datetime.now(UTC),
        )
        emitted += event is not None
    return emitted


@flow(name="patok-dispatch")
def dispatch_flow(max_batches: int = 20) -> dict[str, int]:
    """Send due outbox rows, up to ``max_batches`` batches (stops at the first partial batch).

    Returns the totals of the batches: ``sent``, ``retried``, ``dead``, ``claimed``, ``stale``,
    ``released`` and ``cancelled`` (see :class:`adapters.notify.dispatcher.DispatchReport`); each
    new dead letter is emitted as ``patok.notification.dead``.
    """
    patok = bootstrap(Settings())
    try:
        if patok.database is None:  # pragma: no cover - bootstrap without a factory has one
            raise RuntimeError("patok has no database")
        dispatcher = Dispatcher.from_settings(patok.database, NotifySettings())
        total = DispatchReport()
        for _ in range(max_batches):
            report = dispatch_batch(dispatcher)
            total += report
            if report.claimed + report.cancelled < dispatcher.batch:
                break
        tag_this_run(cohort_tags(cohort_codes(patok.database, total.cohorts)))
        emit_dead_letter_events(patok.database, total.dead_ids)
        return total.counts()
    finally:
        patok.close()


@task(name="digest", cache_policy=NO_CACHE)
def digest_task(database: Engine, now: datetime, timezone: str | None = None) -> DigestReport:
    """Fold held rows created up to ``now`` into one pending digest per person."""
    return digest_run(database, now, render_digest, timezone=timezone)


@flow(name="patok-digest")
def digest_flow(now: str | None = None, timezone: str | None = None) -> int:
    """Write today's digests (held notifications up to ``now``, ISO 8601; default: the system
    clock) for people of cohorts in ``timezone`` (all when None); return how many. Running it
    twice writes nothing the second time."""
    at = datetime.fromisoformat(now) if now else datetime.now(UTC)
    if at.tzinfo is None:
        raise ValueError(f"now must carry a UTC offset: {now!r}")
    patok = bootstrap(Settings())
    try:
        if patok.database is None:  # pragma: no cover - bootstrap without a factory has one
            raise RuntimeError("patok has no database")
        report = digest_task(patok.database, at, timezone)
        tag_this_run(cohort_tags(cohort_codes(patok.database, report.cohorts)))
        return report.written
    finally:
        patok.close()
