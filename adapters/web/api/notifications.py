"""Escalations and reminders, the inbox of pending decisions, and dead letters."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from adapters.notify.admin import managed_dead_letters, retry_managed
from adapters.web.api.deps import Ctx, Pages, Reader, Writer
from adapters.web.api.schemas import (
    AlertOut,
    Count,
    DeadLetterOut,
    InboxItemOut,
    Page,
    RetryIn,
    alert_out,
    inbox_out,
    page,
)

router = APIRouter(tags=["notifications"])


@router.get("/escalations", response_model=Page[AlertOut])
def escalations(
    ctx: Ctx,
    who: Reader,
    paging: Pages,
    cohort: Annotated[str | None, Query(max_length=64)] = None,
    level: Annotated[int | None, Query(ge=0, le=100)] = None,
    status: Annotated[Literal["open", "resolved", "all"], Query()] = "open",
    kind: Annotated[Literal["escalation", "reminder", "all"], Query()] = "escalation",
) -> Page[AlertOut]:
    """Escalations (and reminders) of the cohorts the caller helps run, newest first."""
    scoped = ctx.scope_code(who)
    if scoped is not None:
        ctx.scope_cohort(who, cohort or scoped)
        cohort = scoped
    rows = ctx.patok.queries.alerts(
        who.person_id,
        cohort,
        None if kind == "all" else kind,
        level,
        {"open": True, "resolved": False, "all": None}[status],
    )
    return Page[AlertOut](**page([alert_out(c, r) for c, r in rows], paging.limit, paging.offset))


@router.get("/inbox", response_model=Page[InboxItemOut])
def inbox(ctx: Ctx, who: Reader, paging: Pages) -> Page[InboxItemOut]:
    """Submissions waiting for the caller's decision, the most overdue first."""
    items = [
        inbox_out(p)
        for p in ctx.patok.queries.inbox(who.person_id)
        if who.cohort_scope is None or ctx.cohort_id_of_project(p.project_id) == who.cohort_scope
    ]
    return Page[InboxItemOut](**page(items, paging.limit, paging.offset))


@router.get("/outbox/dead", response_model=Page[DeadLetterOut])
def dead(
    ctx: Ctx,
    who: Reader,
    paging: Pages,
    cohort: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[DeadLetterOut]:
    """Notifications that failed after their retries, in the cohorts the caller coordinates."""
    rows = managed_dead_letters(ctx.patok, who.person_id, cohort, who.cohort_scope)
    items = [
        DeadLetterOut(
            id=r.id,
            cohort_id=r.cohort_id,
            project_id=r.project_id,
            channel=r.channel,
            address=r.address,
            subject=r.subject,
            attempts=r.attempts,
            last_error=r.last_error,
        )
        for r in rows
    ]
    return Page[DeadLetterOut](**page(items, paging.limit, paging.offset))


@router.post("/outbox/retry", response_model=Count)
def retry(body: RetryIn, ctx: Ctx, who: Writer) -> Count:
    """Send dead letters of the caller's cohorts again (``ids``, or ``all``)."""
    revived = retry_managed(
        ctx.patok,
        who.person_id,
        body.ids,
        all_dead=body.all,
        now=ctx.patok.engine.clock.now(),
        scope_cohort_id=who.cohort_scope,
    )
    return Count(count=revived)
