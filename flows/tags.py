"""Tagging a flow run with the cohorts it touched (``cohort:<code>``), so a coordinator finds the
runs of their cohort in the Prefect UI (``/runs?tags=cohort:<code>``, linked from the board).

The cohorts are known only once a run has done its work, so the tags are added to the run in
progress rather than given when it starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext
from sqlalchemy import Engine, Table, select

from adapters.db.orm import CohortRow

__all__ = ["cohort_codes", "cohort_tags", "tag_this_run"]

COHORTS = cast(Table, CohortRow.__table__)


def cohort_codes(database: Engine, cohort_ids: Iterable[int]) -> list[str]:
    """The codes of these cohorts, sorted (ids no cohort has are left out)."""
    wanted = sorted(set(cohort_ids))
    if not wanted:
        return []
    with database.connect() as conn:
        codes = conn.execute(select(COHORTS.c.code).where(COHORTS.c.id.in_(wanted))).scalars()
        return sorted(str(code) for code in codes)


def cohort_tags(codes: Iterable[str]) -> set[str]:
    """The run tags of these cohort codes."""
    return {f"cohort:{code}" for code in codes}


def tag_this_run(new: set[str]) -> None:
    """Add ``new`` to the tags of the flow run in progress (nothing outside a flow run)."""
    context = FlowRunContext.get()
    if not new or context is None or context.flow_run is None:
        return
    run = context.flow_run
    with get_client(sync_client=True) as client:
        client.update_flow_run(run.id, tags=sorted(set(run.tags) | new))
