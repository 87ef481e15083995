"""A change project's content: the lesson register, adoption decisions and change-plan
milestones — what ``patok lesson|adoption|milestone`` do.

The participant records their own project's content while the stage it belongs to is drafted or
revised (lessons in benchmarking and lesson synthesis, decisions in lesson synthesis and adoption,
milestones in adoption and implementation); anyone who may see the project reads it; mentors and
coordinators watch slipped milestones. Each write bumps the project's version.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from adapters.web.api.bench_schemas import (
    AdoptionIn,
    AdoptionOut,
    ContentOut,
    LessonIn,
    LessonOut,
    MilestoneDoneIn,
    MilestoneIn,
    MilestoneOut,
    MilestoneReplanIn,
    MilestoneSlipIn,
    RowId,
    SlippedOut,
    content_out,
    milestone_out,
    slipped_out,
    view_lessons,
)
from adapters.web.api.deps import Ctx, Pages, Reader, Writer
from adapters.web.api.schemas import Page, page
from adapters.web.context import WebContext
from domain.bench_commands import (
    AddMilestone,
    DecideAdoption,
    RecordLesson,
    RemoveLesson,
    ReportMilestone,
)
from domain.content import AdoptionKind, MilestoneStatus, MilestoneTerm
from states.accounts import Principal

router = APIRouter(tags=["content"])


def _scope_lesson(ctx: WebContext, who: Principal, lesson_id: int) -> None:
    """Refuse a cohort-scoped token reaching for a lesson of another cohort's project."""
    if who.cohort_scope is None:
        return
    with ctx.patok.engine.unit_of_work() as uow:
        project_id = uow.content.lesson(lesson_id).project_id
    ctx.scope_project(who, project_id)


def _scope_milestone(ctx: WebContext, who: Principal, milestone_id: int) -> None:
    """Refuse a cohort-scoped token reaching for a milestone of another cohort's project."""
    if who.cohort_scope is None:
        return
    with ctx.patok.engine.unit_of_work() as uow:
        project_id = uow.content.milestone(milestone_id).project_id
    ctx.scope_project(who, project_id)


# -- lessons --------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/lessons", response_model=Page[LessonOut])
def list_lessons(project_id: RowId, ctx: Ctx, who: Reader, paging: Pages) -> Page[LessonOut]:
    """The project's lesson register, each lesson with its adoption decision (anyone who may
    see the project)."""
    ctx.scope_project(who, project_id)
    view = ctx.patok.content.of_project(project_id, who.person_id)
    return Page[LessonOut](**page(view_lessons(view), paging.limit, paging.offset))


@router.post("/projects/{project_id}/lessons", response_model=ContentOut, status_code=201)
def record_lesson(project_id: RowId, body: LessonIn, ctx: Ctx, who: Writer) -> ContentOut:
    """The participant records a lesson traced to a best practice observed at one of the
    cohort's host partners: the host, the practice, the evidence seen, the key to the host's
    success and the lesson are all required."""
    ctx.scope_project(who, project_id)
    return content_out(
        ctx.patok.content.record_lesson(
            RecordLesson(
                actor_id=who.person_id,
                project_id=project_id,
                host=body.host,
                practice=body.practice,
                location=body.location,
                evidence=body.evidence,
                success_key=body.success_key,
                lesson=body.lesson,
                expected_version=body.expected_version,
            )
        )
    )


@router.post("/lessons/{lesson_id}/remove", response_model=ContentOut)
def remove_lesson(lesson_id: RowId, ctx: Ctx, who: Writer) -> ContentOut:
    """The participant removes a lesson, and the decision on it, from the register."""
    _scope_lesson(ctx, who, lesson_id)
    return content_out(
        ctx.patok.content.remove_lesson(RemoveLesson(actor_id=who.person_id, lesson_id=lesson_id))
    )


# -- adoption decisions ---------------------------------------------------------------------------


@router.post("/lessons/{lesson_id}/adoption", response_model=ContentOut)
def decide_adoption(lesson_id: RowId, body: AdoptionIn, ctx: Ctx, who: Writer) -> ContentOut:
    """The participant decides to adopt, adapt or not adopt a lesson, saying why (and what
    changes, to adapt), linked to milestones of the change plan by number; deciding again
    replaces the decision. An unknown lesson is a 404."""
    _scope_lesson(ctx, who, lesson_id)
    return content_out(
        ctx.patok.content.decide(
            DecideAdoption(
                actor_id=who.person_id,
                lesson_id=lesson_id,
                kind=AdoptionKind(body.decision),
                rationale=body.rationale,
                changes=body.changes,
                milestones=tuple(body.milestones),
            )
        )
    )


@router.get("/projects/{project_id}/adoption", response_model=Page[AdoptionOut])
def list_adoption(
    project_id: RowId, ctx: Ctx, who: Reader, paging: Pages
) -> Page[AdoptionOut]:
    """The project's decisions, lesson by lesson (``decision`` null: not decided yet)."""
    ctx.scope_project(who, project_id)
    view = ctx.patok.content.of_project(project_id, who.person_id)
    out = [
        AdoptionOut(lesson_id=ls.id, lesson=ls.number, practice=ls.practice, decision=ls.decision)
        for ls in view_lessons(view)
    ]
    return Page[AdoptionOut](**page(out, paging.limit, paging.offset))


# -- milestones -----------------------------------------------------------------------------------


@router.get("/projects/{project_id}/milestones", response_model=Page[MilestoneOut])
def list_milestones(
    project_id: RowId, ctx: Ctx, who: Reader, paging: Pages
) -> Page[MilestoneOut]:
    """The project's change-plan milestones and where each stands today (a planned milestone
    past its target date has slipped)."""
    ctx.scope_project(who, project_id)
    view = ctx.patok.content.of_project(project_id, who.person_id)
    out = [milestone_out(m, view.today) for m in view.milestones]
    return Page[MilestoneOut](**page(out, paging.limit, paging.offset))


@router.post("/projects/{project_id}/milestones", response_model=ContentOut, status_code=201)
def add_milestone(project_id: RowId, body: MilestoneIn, ctx: Ctx, who: Writer) -> ContentOut:
    """The participant adds a short-, medium- or long-term milestone with a target date that has
    not passed."""
    ctx.scope_project(who, project_id)
    return content_out(
        ctx.patok.content.add_milestone(
            AddMilestone(
                actor_id=who.person_id,
                project_id=project_id,
                title=body.title,
                term=MilestoneTerm(body.term),
                target_date=body.target_date,
                expected_version=body.expected_version,
            )
        )
    )


@router.post("/milestones/{milestone_id}/done", response_model=ContentOut)
def milestone_done(
    milestone_id: RowId, body: MilestoneDoneIn, ctx: Ctx, who: Writer
) -> ContentOut:
    """The participant reports a milestone done, with its evidence (``done_on`` not in the
    future; today when left out)."""
    _scope_milestone(ctx, who, milestone_id)
    return content_out(
        ctx.patok.content.report_milestone(
            ReportMilestone(
                actor_id=who.person_id,
                milestone_id=milestone_id,
                status=MilestoneStatus.DONE,
                evidence=body.evidence,
                done_on=body.done_on,
            )
        )
    )


@router.post("/milestones/{milestone_id}/slip", response_model=ContentOut)
def milestone_slip(
    milestone_id: RowId, body: MilestoneSlipIn, ctx: Ctx, who: Writer
) -> ContentOut:
    """The participant reports a milestone slipped, with the reason (and a new target date after
    today, if there is one)."""
    _scope_milestone(ctx, who, milestone_id)
    return content_out(
        ctx.patok.content.report_milestone(
            ReportMilestone(
                actor_id=who.person_id,
                milestone_id=milestone_id,
                status=MilestoneStatus.SLIPPED,
                note=body.reason,
                new_target=body.new_target,
            )
        )
    )


@router.post("/milestones/{milestone_id}/replan", response_model=ContentOut)
def milestone_replan(
    milestone_id: RowId, body: MilestoneReplanIn, ctx: Ctx, who: Writer
) -> ContentOut:
    """The participant plans a milestone again with a new target date after today."""
    _scope_milestone(ctx, who, milestone_id)
    return content_out(
        ctx.patok.content.report_milestone(
            ReportMilestone(
                actor_id=who.person_id,
                milestone_id=milestone_id,
                status=MilestoneStatus.PLANNED,
                note=body.note,
                new_target=body.new_target,
            )
        )
    )


@router.get("/milestones/slipped", response_model=Page[SlippedOut])
def slipped_milestones(
    ctx: Ctx,
    who: Reader,
    paging: Pages,
    cohort: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$",
            max_length=64,
            description="Only this cohort (a token: its own cohort)",
        ),
    ] = None,
) -> Page[SlippedOut]:
    """Slipped milestones the caller watches — a mentor their mentees', a coordinator their
    cohorts' — oldest target first; a planned milestone past its target date counts."""
    if cohort is not None:
        ctx.scope_cohort(who, cohort)
    else:
        cohort = ctx.scope_code(who)
    rows = ctx.patok.content.slipped(who.person_id, cohort)
    return Page[SlippedOut](**page([slipped_out(r) for r in rows], paging.limit, paging.offset))
