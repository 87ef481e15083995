"""Seminars: sessions with their examiners, participants, panel scores, grades, re-grades after
remediation, and a participant's seminar record with the certificate's status — what
``patok seminar`` does.

A coordinator schedules sessions and puts participants in them; a participant's panel (their
examiner, mentor and coach) scores them; their examiner grades them on the programme's scale and
re-grades after a remediation (capped). Scores, grades and re-grades bump the project's version.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from adapters.web.api.bench_schemas import (
    CohortCode,
    GradeIn,
    RegradeIn,
    RowId,
    ScheduledOut,
    ScheduleIn,
    ScoreIn,
    SeminarIn,
    SeminarRecordOut,
    SeminarResultOut,
    SessionBrief,
    SessionOut,
    scheduled_out,
    seminar_record_out,
    seminar_result_out,
    session_brief,
    session_out,
)
from adapters.web.api.deps import Ctx, Pages, Reader, Writer
from adapters.web.api.schemas import Page, page
from adapters.web.context import WebContext
from adapters.web.lang import lang_of
from domain import policy
from domain.bench_commands import (
    CreateSeminar,
    GradeSeminar,
    RegradeRemediation,
    ScheduleSeminar,
    ScoreSeminar,
)
from domain.seminars import RemediationKind, SeminarKind
from states.accounts import Principal

router = APIRouter(tags=["seminars"])


def _scope_session(ctx: WebContext, who: Principal, session_id: int) -> None:
    """Refuse a cohort-scoped token reaching for a session of another cohort."""
    if who.cohort_scope is None:
        return
    with ctx.patok.engine.unit_of_work() as uow:
        cohort_id = uow.seminars.session(session_id).cohort_id
    policy.require_in_scope(who.cohort_scope, cohort_id, target=f"sesi {session_id}")


def _scope_remediation(ctx: WebContext, who: Principal, remediation_id: int) -> None:
    """Refuse a cohort-scoped token reaching for a remediation of another cohort's project."""
    if who.cohort_scope is None:
        return
    with ctx.patok.engine.unit_of_work() as uow:
        project_id = uow.seminars.remediation(remediation_id).project_id
    ctx.scope_project(who, project_id)


@router.get("/cohorts/{code}/seminars", response_model=Page[SessionOut])
def list_sessions(code: CohortCode, ctx: Ctx, who: Reader, paging: Pages) -> Page[SessionOut]:
    """The cohort's seminar sessions with their participants, scores, grades and remediations,
    and each examiner's load against the programme's limit (anyone in the cohort)."""
    ctx.scope_cohort(who, code)
    views = ctx.patok.seminars.sessions(code, who.person_id)
    return Page[SessionOut](**page([session_out(v) for v in views], paging.limit, paging.offset))


@router.post("/cohorts/{code}/seminars", response_model=SessionBrief, status_code=201)
def create_session(code: CohortCode, body: SeminarIn, ctx: Ctx, who: Writer) -> SessionBrief:
    """A coordinator schedules a session of one of the programme's seminars with its examiners
    (examiners of the cohort, at least one); ``starts_at`` needs its zone offset."""
    ctx.scope_cohort(who, code)
    session = ctx.patok.seminars.create(
        CreateSeminar(
            actor_id=who.person_id,
            cohort_code=code,
            kind=SeminarKind(body.kind),
            title=body.title,
            starts_at=body.starts_at,
            place=body.place,
            examiners=tuple(body.examiners),
        )
    )
    return session_brief(session)


@router.post("/seminars/{session_id}/participants", response_model=ScheduledOut, status_code=201)
def schedule(
    session_id: RowId, body: ScheduleIn, request: Request, ctx: Ctx, who: Writer
) -> ScheduledOut:
    """A coordinator puts participants in a session, each assigned to ``examiner`` or else the
    least loaded examiner; an examiner over the programme's load comes back as a warning."""
    _scope_session(ctx, who, session_id)
    done = ctx.patok.seminars.schedule(
        ScheduleSeminar(
            actor_id=who.person_id,
            session_id=session_id,
            participants=tuple(body.participants),
            examiner=body.examiner,
        )
    )
    return scheduled_out(done, lang_of(request))


@router.post("/seminars/{session_id}/scores", response_model=SeminarResultOut)
def score(session_id: RowId, body: ScoreIn, ctx: Ctx, who: Writer) -> SeminarResultOut:
    """A member of the participant's panel (their examiner, mentor or coach) scores them within
    the programme's range; scoring again corrects it until the grade is recorded. Anyone else
    gets 403, naming the panel."""
    _scope_session(ctx, who, session_id)
    return seminar_result_out(
        ctx.patok.seminars.score(
            ScoreSeminar(
                actor_id=who.person_id,
                session_id=session_id,
                participant=body.participant,
                score=body.score,
            )
        )
    )


@router.post("/seminars/{session_id}/grades", response_model=SeminarResultOut)
def grade(session_id: RowId, body: GradeIn, ctx: Ctx, who: Writer) -> SeminarResultOut:
    """The participant's examiner records the grade once the whole panel has scored: one of the
    programme's scale, or the one the mean score earns. A failing grade opens a remediation
    (``remediation_id``)."""
    _scope_session(ctx, who, session_id)
    return seminar_result_out(
        ctx.patok.seminars.grade(
            GradeSeminar(
                actor_id=who.person_id,
                session_id=session_id,
                participant=body.participant,
                grade=body.grade,
                remediation=RemediationKind(body.remediation),
            )
        )
    )


@router.post("/remediations/{remediation_id}/regrade", response_model=SeminarResultOut)
def regrade(
    remediation_id: RowId, body: RegradeIn, ctx: Ctx, who: Writer
) -> SeminarResultOut:
    """The examiner re-grades after a revision or make-up, with a grade or a score (not both);
    a grade above the programme's cap is refused, one from a score is capped."""
    _scope_remediation(ctx, who, remediation_id)
    return seminar_result_out(
        ctx.patok.seminars.regrade(
            RegradeRemediation(
                actor_id=who.person_id,
                remediation_id=remediation_id,
                grade=body.grade,
                score=body.score,
                note=body.note,
            )
        )
    )


@router.get("/projects/{project_id}/seminars", response_model=SeminarRecordOut)
def seminar_record(
    project_id: RowId, request: Request, ctx: Ctx, who: Reader
) -> SeminarRecordOut:
    """A participant's seminars, scores, grades and remediations, and whether the certificate
    may be issued (and why not) — anyone who may see the project."""
    ctx.scope_project(who, project_id)
    return seminar_record_out(
        ctx.patok.seminars.record(project_id, who.person_id), lang_of(request)
    )
