"""Extension requests: list them, grant or refuse them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from adapters.web.api.deps import Ctx, Pages, Reader, Writer
from adapters.web.api.schemas import (
    CommandOut,
    ExtensionDecisionIn,
    ExtensionOut,
    Page,
    command_out,
    extension_out,
    page,
)
from adapters.web.context import WebContext
from domain.commands import DecideExtension
from states.accounts import Principal

router = APIRouter(tags=["extensions"])
ExtensionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/extensions", response_model=Page[ExtensionOut])
def list_extensions(
    ctx: Ctx,
    who: Reader,
    paging: Pages,
    cohort: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[Literal["pending", "granted", "refused"] | None, Query()] = None,
) -> Page[ExtensionOut]:
    """Extension requests the caller may see (their own, their mentees', their cohorts'),
    newest first."""
    scoped = ctx.scope_code(who)
    if scoped is not None:
        ctx.scope_cohort(who, cohort or scoped)
        cohort = scoped
    rows = ctx.patok.queries.extensions(who.person_id, cohort, status)
    return Page[ExtensionOut](**page([extension_out(e) for e in rows], paging.limit, paging.offset))


def _decide(ctx: WebContext, who: Principal, extension_id: int, grant: bool, note: str) -> CommandOut:
    if who.cohort_scope is not None:
        with ctx.patok.engine.unit_of_work() as uow:
            project_id = uow.projects.extension(extension_id).project_id
        ctx.scope_project(who, project_id)
    return command_out(
        ctx.patok.extensions.decide(
            DecideExtension(
                actor_id=who.person_id, extension_id=extension_id, grant=grant, note=note
            )
        )
    )


@router.post("/extensions/{extension_id}/grant", response_model=CommandOut)
def grant(
    extension_id: ExtensionId, body: ExtensionDecisionIn, ctx: Ctx, who: Writer
) -> CommandOut:
    """The mentor or a coordinator grants a pending request: the deadline moves, and pending
    reminders and escalations follow it."""
    return _decide(ctx, who, extension_id, True, body.note)


@router.post("/extensions/{extension_id}/refuse", response_model=CommandOut)
def refuse(
    extension_id: ExtensionId, body: ExtensionDecisionIn, ctx: Ctx, who: Writer
) -> CommandOut:
    """The mentor or a coordinator refuses a pending request (a note saying why is required)."""
    return _decide(ctx, who, extension_id, False, body.note)
