"""Signing in and out, the language switch, and the home page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from adapters.web.auth import LOGIN_COOKIE, SESSION_COOKIE
from adapters.web.context import WebContext
from adapters.web.lang import LANG_COOKIE, lang_of
from adapters.web.pages.common import (
    check_form,
    context_of,
    redirect,
    render,
    safe_next,
    signed_in,
)
from adapters.web.pages.content import pick
from adapters.web.problems import HttpProblem
from adapters.web.texts import text
from domain.content import STATUS_LABELS, TERM_LABELS
from domain.errors import AuthenticationFailed, TooManyAttempts
from domain.roles import Action, Role
from states.accounts import Principal

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]


def _login_page(request: Request, back: str, status: int = 200, error: str | None = None) -> Response:
    ctx = context_of(request)
    token = ctx.auth.login_form_token()
    response = render(request, "login.html", status, form_token=token, back=back, error=error)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=7200,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
        path="/login",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    """The login form."""
    return _login_page(request, safe_next(next))


@router.post("/login")
def login(
    request: Request,
    login: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    form_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the login; on success open a session and go where the person was heading."""
    ctx = context_of(request)
    lang = lang_of(request)
    back = safe_next(next)
    try:
        ctx.auth.check_login_form(request, form_token)
    except HttpProblem as err:
        return _login_page(request, back, 403, err.message_en if lang == "en" else err.message_id)
    try:
        secret, principal = ctx.patok.accounts.login(login, password)
    except TooManyAttempts as err:
        response = _login_page(request, back, 429, err.text(lang))
        response.headers["Retry-After"] = str(err.retry_after)
        return response
    except AuthenticationFailed as err:
        return _login_page(request, back, 401, err.text(lang))
    target = "/account/password" if principal.must_change_password else back
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        ctx.auth.session_cookie(secret),
        max_age=int(ctx.patok.accounts.times.lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request, who: SignedIn, csrf_token: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    """End the session (server-side: the cookie is worthless afterwards)."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    if who.session_id is not None:
        ctx.patok.accounts.logout(who.session_id)
    response = redirect(request, "/login", "ok", text("logout.done", lang_of(request)))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str | None = None) -> Response:
    """Switch the pages' language (a cookie) and go back."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in ("id", "en"):
        response.set_cookie(
            LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/", httponly=True
        )
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: SignedIn) -> Response:
    """Where each person starts: the cohorts they run, what waits for their decision, their
    own project and their mentees', and the slipped milestones they watch (a mentor their
    mentees', a coordinator their cohorts')."""
    ctx = context_of(request)
    queries = ctx.patok.queries
    staff = queries.cohorts_for(who.person_id, Action.VIEW_COHORT)
    pending = queries.inbox(who.person_id)
    visible = queries.visible_projects(who.person_id)
    own = [row for row in visible if row[0].participant_id == who.person_id]
    mentees = [
        row
        for row in visible
        if who.person_id in (row[0].mentor_id, row[0].coach_id) and row not in own
    ]
    if not staff and not pending and len(own) == 1 and not mentees:
        return RedirectResponse(f"/projects/{own[0][0].id}", status_code=303)
    slipped = ctx.patok.content.slipped(who.person_id)
    lang = lang_of(request)
    roles = {
        code: sorted(
            r.value for r in _roles(ctx, cid, who.person_id) if r is not Role.PARTICIPANT
        )
        for cid, code in staff.items()
    }
    return render(
        request,
        "home.html",
        staff=staff,
        roles=roles,
        pending=pending,
        own=own,
        mentees=mentees,
        slipped=slipped,
        term=lambda v: pick(TERM_LABELS.get(v), lang, v),
        mstatus=lambda v: pick(STATUS_LABELS.get(v), lang, v),
    )


def _roles(ctx: WebContext, cohort_id: int, person_id: int) -> frozenset[Role]:
    with ctx.patok.engine.unit_of_work() as uow:
        return uow.cohorts.roles_of(cohort_id, person_id)
