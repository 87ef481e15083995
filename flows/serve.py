"""The deployments of patok's flows and their schedules; ``serve_all()`` runs them.

==================== ======================= ===========================================
deployment           schedule                why
==================== ======================= ===========================================
patok-sweep          every 5 minutes         reminders and escalations fall due at 08:00
patok-dispatch       every minute            notifications leave within a minute or so
patok-events         every minute            audit entries reach Prefect automations fast
patok-digest-wib     07:00 Asia/Jakarta      held notifications of WIB cohorts' people
patok-digest-wita    07:00 Asia/Makassar     ... of WITA cohorts' people
patok-digest-wit     07:00 Asia/Jayapura     ... of WIT cohorts' people
==================== ======================= ===========================================

Each digest runs at its zone's own morning for the people who hold a role in a cohort there; a
person in cohorts of two zones gets theirs at the earlier morning.

Serving needs a Prefect API that runs schedules — ``prefect server start`` (or Prefect Cloud) with
``PREFECT_API_URL`` pointing at it; an ephemeral API never starts scheduled runs. Then::

    python -m flows.serve

The deployments name their flows by module path (``flows.sweep.sweep_flow``), so the runner finds
them wherever patok is installed. Every flow tolerates overlapping runs of itself, so no
concurrency limit is set.
"""

from __future__ import annotations

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from flows.dispatch import digest_flow, dispatch_flow
from flows.events import events_flow
from flows.sweep import sweep_flow

__all__ = ["DIGEST_CRON", "DIGEST_ZONES", "deployments", "serve_all"]

SWEEP_EVERY = 300
DISPATCH_EVERY = 60
EVENTS_EVERY = 60
DIGEST_CRON = "0 7 * * *"
DIGEST_ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
"""One digest deployment per zone, each at 07:00 local time, for the people of that zone's cohorts."""
TAGS = ["patok"]


def _built(deployment: object) -> RunnerDeployment:
    """``to_deployment`` is sync or async by caller; called from sync code it is built already."""
    if not isinstance(deployment, RunnerDeployment):
        raise TypeError("deployments() must be called outside an event loop")
    return deployment


def deployments() -> list[RunnerDeployment]:
    """The deployments, scheduled (nothing is registered or started here)."""
    module = EntrypointType.MODULE_PATH
    built = [
        sweep_flow.to_deployment(
            name="patok-sweep", interval=SWEEP_EVERY, tags=TAGS, entrypoint_type=module
        ),
        dispatch_flow.to_deployment(
            name="patok-dispatch", interval=DISPATCH_EVERY, tags=TAGS, entrypoint_type=module
        ),
        events_flow.to_deployment(
            name="patok-events", interval=EVENTS_EVERY, tags=TAGS, entrypoint_type=module
        ),
    ]
    built += [
        digest_flow.to_deployment(
            name=f"patok-digest-{label.lower()}",
            schedule=Cron(DIGEST_CRON, timezone=zone),
            parameters={"timezone": zone},
            tags=TAGS,
            entrypoint_type=module,
        )
        for zone, label in DIGEST_ZONES.items()
    ]
    return [_built(deployment) for deployment in built]


def serve_all() -> None:
    """Register the deployments and run their scheduled flows in this process until stopped."""
    serve(*deployments())


if __name__ == "__main__":
    serve_all()
