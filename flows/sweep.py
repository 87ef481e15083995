"""The ``patok-sweep`` flow: raise what is due, show it as a table artifact, emit it as events.

The sweep itself (:class:`states.sweep.Sweeper`) records each alert exactly once and queues its
notifications in the same transaction; this flow adds what Prefect users see:

* a table artifact ``patok-sweep`` per run, one row per raised alert (an empty table with a note
  when nothing was due);
* one event ``patok.reminder.raised`` / ``patok.escalation.raised`` per alert, about the project
  (``patok.project.<id>``, named after the participant), with the cohort (``patok.cohort.<code>``,
  role ``cohort``) related, for automations to react to;
* the run tagged ``cohort:<code>`` for every cohort something was raised in (the event and artifact
  tasks too, and through the run's tags the events carry them as related resources).

The alert events are at most once: they are emitted after the sweep committed, so if the process
dies in between they are lost (the alerts and their notifications are not; those are the durable
path). The event id derives from the alert, so an alert is never stored twice by Prefect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, tags, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from sqlalchemy import Engine

from adapters.bootstrap import bootstrap
from adapters.settings import Settings
from flows.events import cohort_resource, event_id
from flows.tags import cohort_tags, tag_this_run
from states.sweep import Raised, Sweeper, SweepReport

__all__ = ["ARTIFACT_KEY", "alert_rows", "emit_alert_events", "run_sweep", "sweep_flow"]

ARTIFACT_KEY = "patok-sweep"
COLUMNS = (
    "cohort",
    "project_id",
    "participant",
    "stage",
    "kind",
    "clock",
    "level",
    "notify",
    "due_at",
    "recipients",
)


# No retries, on purpose: the sweep is idempotent (each alert is inserted under a unique key and
# only newly inserted alerts queue notifications), so a retry would be safe, but the schedule runs
# the sweep again five minutes later anyway, and a failure that outlives one attempt (a database
# that is down) is better shown as a failed run than hidden behind retries.
@task(name="sweep", cache_policy=NO_CACHE)
def run_sweep(sweeper: Sweeper, now: datetime | None) -> SweepReport:
    """Raise everything due at ``now`` (default: the system clock)."""
    return sweeper.sweep(now)


def alert_rows(raised: list[Raised]) -> list[dict[str, Any]]:
    """The artifact's rows: one per raised alert (recipients counted, not listed)."""
    return [{**r.as_dict(), "recipients": len(r.recipients)} for r in raised]


@task(name="emit-alert-events", cache_policy=NO_CACHE)
def emit_alert_events(database: Engine, raised: list[Raised], now: datetime) -> int:
    """Emit ``patok.<kind>.raised`` for each alert; return how many Prefect accepted."""
    emitted = 0
    for r in raised:
        event = emit_event(
            event=f"patok.{r.kind}.raised",
            resource={
                "prefect.resource.id": f"patok.project.{r.project_id}",
                "prefect.resource.name": r.participant,
            },
            related=[cohort_resource(r.cohort, "cohort")],
            payload={
                "alert_id": r.alert_id,
                "cohort": r.cohort,
                "project_id": r.project_id,
                "stage": r.stage,
                "kind": r.kind,
                "clock": r.clock,
                "level": r.level,
                "notify": r.notify,
                "due_at": r.due_at.isoformat(),
                "raised_at": now.isoformat(),
                "recipients": len(r.recipients),
            },
            occurred=now,
            id=event_id(database, f"alert:{r.alert_id}"),
        )
        emitted += event is not None
    return emitted


@flow(name="patok-sweep")
def sweep_flow(now: str | None = None) -> dict[str, Any]:
    """Sweep once at ``now`` (ISO 8601 with an offset; default: the system clock).

    Returns a summary: the instant, how many stage instances were checked, how many reminders and
    escalations were raised, how many notifications were queued, the cohorts involved and how many
    events were emitted.
    """
    at = datetime.fromisoformat(now) if now else None
    if at is not None and at.tzinfo is None:
        raise ValueError(f"now must carry a UTC offset: {now!r}")
    patok = bootstrap(Settings())
    try:
        if patok.database is None:  # pragma: no cover - bootstrap without a factory has one
            raise RuntimeError("patok has no database")
        report = run_sweep(patok.sweeper, at)
        cohorts = sorted({r.cohort for r in report.raised})
        tags_of_run = cohort_tags(cohorts)
        tag_this_run(tags_of_run)
        summary = (
            f"Sweep at {report.now.isoformat()}: {report.checked} stage(s) checked, "
            f"{report.escalations} escalation(s) and {report.reminders} reminder(s) raised, "
            f"{report.queued} notification(s) queued."
        )
        with tags(*sorted(tags_of_run)):
            if report.raised:
                create_table_artifact(
                    key=ARTIFACT_KEY, table=alert_rows(report.raised), description=summary
                )
            else:
                create_table_artifact(
                    key=ARTIFACT_KEY,
                    table={column: [] for column in COLUMNS},
                    description=summary + "\n\nNothing was due: no alert was raised.",
                )
            events = emit_alert_events(patok.database, report.raised, report.now)
        return {
            "now": report.now.isoformat(),
            "checked": report.checked,
            "raised": len(report.raised),
            "reminders": report.reminders,
            "escalations": report.escalations,
            "queued": report.queued,
            "cohorts": cohorts,
            "events": events,
        }
    finally:
        patok.close()
