"""The coordinator's pages: the cohort board with its chart, escalations and dead letters,
extensions to decide, and the members (with password resets)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from adapters.notify.admin import managed_dead_letters, retry_managed
from adapters.web.board_filter import BoardFilter, facet_options, filter_rows, status_counts
from adapters.web.chart import progress_svg
from adapters.web.lang import lang_of
from adapters.web.pages.common import (
    Id,
    act,
    check_form,
    context_of,
    redirect,
    render,
    render_secret,
    safe_next,
    signed_in,
)
from adapters.web.texts import text
from domain import policy
from domain.commands import DecideExtension
from domain.errors import DomainError
from domain.programme import STAGE_CODES
from domain.roles import Action, Role
from states.accounts import Principal

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]
Csrf = Annotated[str, Form(max_length=200)]


def _cohort_roles(request: Request, code: str, who: Principal) -> tuple[int, frozenset[str]]:
    ctx = context_of(request)
    with ctx.patok.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(code)
        assert cohort.id is not None
        roles = uow.cohorts.roles_of(cohort.id, who.person_id)
    return cohort.id, frozenset(r.value for r in roles)


def prefect_runs_url(base: str | None, code: str) -> str | None:
    """The Prefect UI's flow runs tagged with the cohort (sweep runs carry ``cohort:<code>``)."""
    if not base:
        return None
    return f"{base.rstrip('/')}/runs?tags={quote('cohort:' + code)}"


@router.get("/cohorts/{code}", response_class=HTMLResponse)
def board_page(
    request: Request,
    code: str,
    who: SignedIn,
    group: Annotated[str | None, Query(max_length=100)] = None,
    mentor: Annotated[str | None, Query(max_length=12)] = None,
    stage: Annotated[str | None, Query(max_length=32)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The cohort board: participants × stages, on track / at risk / late, filterable."""
    ctx = context_of(request)
    board = ctx.patok.queries.board(code, who.person_id)
    wanted = BoardFilter(
        group=group or None,
        mentor=int(mentor) if mentor and mentor.isdigit() else None,
        stage=stage or None,
        status=status or None,
    )
    rows = filter_rows(board.rows, wanted)
    _, roles = _cohort_roles(request, code, who)
    return render(
        request,
        "board.html",
        board=board,
        rows=rows,
        counts=status_counts(rows),
        total_counts=status_counts(board.rows),
        options=facet_options(board.rows),
        wanted=wanted.wanted(),
        stages=STAGE_CODES,
        coordinator="coordinator" in roles,
        runs_url=prefect_runs_url(ctx.prefect_ui_url, code),
    )


@router.get("/cohorts/{code}/chart.svg")
def chart(request: Request, code: str, who: SignedIn) -> Response:
    """The progress chart (SVG, drawn on the server)."""
    ctx = context_of(request)
    cohort, points = ctx.patok.queries.progress(code, who.person_id)
    lang = lang_of(request)
    svg = progress_svg(points, lang, f"{cohort.code} — {text('board.chart', lang)}")
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=60"}
    )


@router.get("/cohorts/{code}/escalations", response_class=HTMLResponse)
def escalations_page(request: Request, code: str, who: SignedIn) -> Response:
    """Open escalations of the cohort, and its dead letters (coordinators can send them again)."""
    ctx = context_of(request)
    alerts = [a for _, a in ctx.patok.queries.alerts(who.person_id, code, "escalation", None, True)]
    _, roles = _cohort_roles(request, code, who)
    coordinator = "coordinator" in roles
    dead = managed_dead_letters(ctx.patok, who.person_id, code) if coordinator else []
    board = ctx.patok.queries.board(code, who.person_id)
    names = {r.project_id: r.participant.name for r in board.rows}
    return render(
        request,
        "escalations.html",
        cohort=board.cohort,
        alerts=alerts,
        dead=dead,
        names=names,
        coordinator=coordinator,
    )


@router.post("/cohorts/{code}/outbox/retry")
def retry_dead_letters(
    request: Request,
    code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    ids: Annotated[list[int] | None, Form()] = None,
    all_dead: Annotated[bool, Form()] = False,
) -> Response:
    """Send dead letters of the cohort again."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)

    def run() -> str:
        if all_dead:
            chosen = [r.id for r in managed_dead_letters(ctx.patok, who.person_id, code)]
        else:
            chosen = list(ids or [])
        n = retry_managed(
            ctx.patok, who.person_id, chosen, all_dead=False, now=ctx.patok.engine.clock.now()
        )
        return text("done.retried", lang, n=n)

    return act(request, f"/cohorts/{code}/escalations", run)


@router.get("/cohorts/{code}/extensions", response_class=HTMLResponse)
def extensions_page(request: Request, code: str, who: SignedIn) -> Response:
    """Extension requests of the cohort: pending ones to decide, decided ones for the record."""
    ctx = context_of(request)
    requests = ctx.patok.queries.extensions(who.person_id, code, None)
    board = ctx.patok.queries.board(code, who.person_id)
    names = {r.project_id: r.participant.name for r in board.rows}
    mentors = {r.project_id: r.mentor.id for r in board.rows}
    _, roles = _cohort_roles(request, code, who)
    return render(
        request,
        "extensions.html",
        cohort=board.cohort,
        pending=[e for e in requests if e.status == "pending"],
        decided=[e for e in requests if e.status != "pending"],
        names=names,
        may_decide=lambda e: "coordinator" in roles or mentors.get(e.project_id) == who.person_id,
    )


@router.post("/extensions/{extension_id}/decide")
def decide_extension(
    request: Request,
    extension_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    decision: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
    back: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Grant or refuse an extension (from the cohort's page or the project's)."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)

    def run() -> str:
        result = ctx.patok.extensions.decide(
            DecideExtension(
                actor_id=who.person_id,
                extension_id=extension_id,
                grant=decision == "grant",
                note=note,
            )
        )
        return text("done." + result.event, lang)

    return act(request, safe_next(back), run)


@router.get("/cohorts/{code}/members", response_class=HTMLResponse)
def members_page(request: Request, code: str, who: SignedIn) -> Response:
    """The cohort's members and their roles; coordinators may reset a member's password."""
    ctx = context_of(request)
    members = ctx.patok.queries.members(code, who.person_id)
    cohort_id, roles = _cohort_roles(request, code, who)
    with ctx.patok.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_id(cohort_id)
    return render(
        request,
        "members.html",
        cohort=cohort,
        members=members,
        may_reset=policy.is_allowed({Role(r) for r in roles}, Action.RESET_PASSWORD),
    )


@router.post("/cohorts/{code}/members/{person_id}/reset", response_class=HTMLResponse)
def reset_member_password(
    request: Request, code: str, person_id: Id, who: SignedIn, csrf_token: Csrf = ""
) -> Response:
    """Give a member a temporary password and show it once."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    try:
        temporary = ctx.patok.accounts.reset_password(who.person_id, person_id)
    except DomainError as err:
        return redirect(request, f"/cohorts/{code}/members", "error", err.text(lang))
    with ctx.patok.engine.unit_of_work() as uow:
        person = uow.people.get(person_id)
    return render_secret(
        request,
        text("members.reset", lang),
        text("members.reset_done", lang, name=person.name),
        temporary,
        f"/cohorts/{code}/members",
    )
