"""The ``patok-dispatch`` and ``patok-digest`` flows: send the outbox, fold held notifications.

``patok-dispatch`` runs :meth:`adapters.notify.dispatcher.Dispatcher.run_once` batch by batch,
with the channels configured by :class:`adapters.notify.settings.NotifySettings` (``PATOK_SMTP_*``,
``PATOK_WEBHOOK_SECRET``, ``PATOK_APPRISE_URLS``). ``patok-digest`` turns each person's held
notifications into one pending digest e-mail (in their language), which the next dispatch sends.
Both leave stale notices out (cancelled, see :mod:`adapters.notify.dispatcher`) and tag their run
``cohort:<code>`` for every cohort whose notifications they handled.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine

from adapters.bootstrap import bootstrap
from adapters.notify.digest_text import render_digest
from adapters.notify.dispatcher import DigestReport, Dispatcher, DispatchReport, digest_run
from adapters.notify.settings import NotifySettings
from adapters.settings import Settings
from flows.tags import cohort_codes, cohort_tags, tag_this_run

__all__ = ["digest_flow", "digest_task", "dispatch_batch", "dispatch_flow"]


# Retrying is safe: a run claims its rows under a lease and records each row's outcome right after
# sending it, so a retry (or a concurrent run) claims only rows still pending and unleased. Rows a
# failed attempt had claimed but not sent keep their lease until it expires and are sent later; a
# webhook row sent but not recorded (a crash between the two) is the dispatcher's documented
# at-least-once window, which a retry does not widen (e-mail is recorded before the server accepts it).
@task(name="dispatch-batch", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def dispatch_batch(dispatcher: Dispatcher) -> DispatchReport:
    """Claim, send and record one batch of due outbox rows."""
    return dispatcher.run_once()


@flow(name="patok-dispatch")
def dispatch_flow(max_batches: int = 20) -> dict[str, int]:
    """Send due outbox rows, up to ``max_batches`` batches (stops at the first partial batch).

    Returns the totals of the batches: ``sent``, ``retried``, ``dead``, ``claimed``, ``stale``,
    ``released`` and ``cancelled`` (see :class:`adapters.notify.dispatcher.DispatchReport`).
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
