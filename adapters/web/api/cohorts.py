"""Cohorts: list, create, name the head of the organising agency, import a roster, the board,
its progress, and the members."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from adapters.web.api.deps import Ctx, Pages, Reader, Writer
from adapters.web.api.schemas import (
    AgencyHeadIn,
    BoardOut,
    CohortCreate,
    CohortOut,
    Page,
    PersonBrief,
    ProgressPointOut,
    RosterImport,
    RosterImported,
    board_row_out,
    cohort_out,
    page,
    person_brief,
)
from adapters.web.board_filter import BoardFilter, filter_rows, status_counts
from domain.commands import CreateCohort, ImportRoster
from domain.programme import parse_programme_yaml
from domain.roster import parse_roster

router = APIRouter(tags=["cohorts"])


@router.get("/cohorts", response_model=Page[CohortOut])
def list_cohorts(ctx: Ctx, who: Reader, paging: Pages) -> Page[CohortOut]:
    """The cohorts the caller holds a role in (a token: its own cohort)."""
    with ctx.patok.engine.unit_of_work() as uow:
        mine = []
        for c in uow.cohorts.all():
            assert c.id is not None
            if who.cohort_scope is not None and c.id != who.cohort_scope:
                continue
            roles = sorted(r.value for r in uow.cohorts.roles_of(c.id, who.person_id))
            if roles:
                mine.append((c, roles))
    heads = ctx.patok.cohorts.agency_heads([c.id for c, _ in mine if c.id is not None])
    out = [cohort_out(c, roles, heads.get(c.id or 0)) for c, roles in mine]
    return Page[CohortOut](**page(out, paging.limit, paging.offset))


@router.post("/cohorts", response_model=CohortOut, status_code=201)
def create_cohort(body: CohortCreate, ctx: Ctx, who: Writer) -> CohortOut:
    """Create a cohort pinned to its programme's current definition (organisers only); the
    creator becomes its coordinator."""
    definition = (
        parse_programme_yaml(body.programme_yaml, "programme_yaml")
        if body.programme_yaml
        else None
    )
    cohort = ctx.patok.cohorts.create(
        CreateCohort(
            actor_id=who.person_id,
            code=body.code,
            name=body.name,
            programme_code=body.programme,
            programme=definition,
            organiser=body.organiser,
            timezone=body.timezone,
            start_date=body.start_date,
        ),
        agency_head=body.agency_head,
    )
    head = ctx.patok.cohorts.agency_heads([cohort.id or 0]).get(cohort.id or 0)
    return cohort_out(cohort, ["coordinator"], head)


@router.post("/cohorts/{code}/agency-head", response_model=CohortOut)
def set_agency_head(code: str, body: AgencyHeadIn, ctx: Ctx, who: Writer) -> CohortOut:
    """A coordinator names the head of the cohort's organising agency, whom the ladder's last
    rung escalates to (recorded in the cohort's audit stream with the address it replaces)."""
    ctx.scope_cohort(who, code)
    stored = ctx.patok.cohorts.set_agency_head(who.person_id, code, body.email)
    with ctx.patok.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(code)
        assert cohort.id is not None
        roles = sorted(r.value for r in uow.cohorts.roles_of(cohort.id, who.person_id))
    return cohort_out(cohort, roles, stored)


@router.post("/cohorts/{code}/roster", response_model=RosterImported)
def import_roster(code: str, body: RosterImport, ctx: Ctx, who: Writer) -> RosterImported:
    """Import a roster (CSV or YAML): every person, role and project, or nothing at all."""
    ctx.scope_cohort(who, code)
    roster = parse_roster(body.content, body.format, body.source)
    counts = ctx.patok.cohorts.import_roster(
        ImportRoster(actor_id=who.person_id, cohort_code=code, roster=roster), source=body.source
    )
    return RosterImported(**counts)


@router.get("/cohorts/{code}/board", response_model=BoardOut)
def board(
    code: str,
    ctx: Ctx,
    who: Reader,
    paging: Pages,
    mentor: Annotated[int | None, Query(description="Only this mentor's mentees (person id)")] = None,
    stage: Annotated[str | None, Query(max_length=32, description="Only projects now in this stage")] = None,
    status: Annotated[
        Literal["on_track", "at_risk", "late", "completed", "withdrawn"] | None, Query()
    ] = None,
    group: Annotated[str | None, Query(max_length=100, description="Only this benchmarking group")] = None,
) -> BoardOut:
    """The cohort board: participants × stages with gate, deadline and lateness (coordinators,
    coaches and examiners of the cohort)."""
    ctx.scope_cohort(who, code)
    found = ctx.patok.queries.board(code, who.person_id)
    rows = filter_rows(found.rows, BoardFilter(group=group, mentor=mentor, stage=stage, status=status))
    with ctx.patok.engine.unit_of_work() as uow:
        assert found.cohort.id is not None
        roles = sorted(r.value for r in uow.cohorts.roles_of(found.cohort.id, who.person_id))
    head = ctx.patok.cohorts.agency_heads([found.cohort.id]).get(found.cohort.id)
    return BoardOut(
        cohort=cohort_out(found.cohort, roles, head),
        now=found.now,
        counts=status_counts(rows),
        **page([board_row_out(r) for r in rows], paging.limit, paging.offset),
    )


@router.get("/cohorts/{code}/progress", response_model=Page[ProgressPointOut])
def progress(code: str, ctx: Ctx, who: Reader, paging: Pages) -> Page[ProgressPointOut]:
    """Day by day, oldest first: stages approved so far and stages late (what the board's chart
    shows)."""
    ctx.scope_cohort(who, code)
    _, points = ctx.patok.queries.progress(code, who.person_id)
    out = [ProgressPointOut(day=p.day, approved=p.approved, late=p.late) for p in points]
    return Page[ProgressPointOut](**page(out, paging.limit, paging.offset))


class MemberOut(PersonBrief):
    """A member of a cohort and their roles there."""

    roles: list[str]


@router.get("/cohorts/{code}/members", response_model=Page[MemberOut])
def members(code: str, ctx: Ctx, who: Reader, paging: Pages) -> Page[MemberOut]:
    """Everyone in the cohort with their roles (coordinators, coaches and examiners)."""
    ctx.scope_cohort(who, code)
    listing = ctx.patok.queries.members(code, who.person_id)
    out = [
        MemberOut(**person_brief(p).model_dump(), roles=sorted(r.value for r in roles))
        for p, roles in listing
    ]
    return Page[MemberOut](**page(out, paging.limit, paging.offset))

