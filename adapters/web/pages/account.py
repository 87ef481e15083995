"""The person's own account: notification preferences, password, and (coordinators) API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from adapters.web.auth import SESSION_COOKIE
from adapters.web.lang import lang_of
from adapters.web.pages.common import (
    Id,
    act,
    check_form,
    context_of,
    redirect,
    render,
    render_secret,
    signed_in,
)
from adapters.web.texts import text
from domain.errors import DomainError, ValidationFailed
from domain.roles import Action
from states.accounts import Principal

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]
Csrf = Annotated[str, Form(max_length=200)]


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, who: SignedIn) -> Response:
    """Preferences, password change and — for coordinators — the cohorts' API tokens."""
    ctx = context_of(request)
    with ctx.patok.engine.unit_of_work() as uow:
        person = uow.people.get(who.person_id)
    managed = ctx.patok.queries.cohorts_for(who.person_id, Action.MANAGE_TOKENS)
    tokens = ctx.patok.accounts.tokens(who.person_id) if managed else []
    return render(
        request, "account.html", person=person, managed=managed, tokens=tokens, codes=managed
    )


@router.post("/account/preferences")
def save_preferences(
    request: Request,
    who: SignedIn,
    csrf_token: Csrf = "",
    digest: Annotated[bool, Form()] = False,
    message_lang: Annotated[str, Form(max_length=2)] = "id",
) -> Response:
    """Save notification preferences."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)

    def run() -> str:
        if message_lang not in ("id", "en"):
            raise ValidationFailed("Bahasa: id atau en", "Language: id or en")
        with ctx.patok.engine.unit_of_work(write=True) as uow:
            uow.people.set_preferences(who.person_id, digest=digest, lang=message_lang)
            uow.commit()
        return text("account.saved", lang_of(request))

    return act(request, "/account", run)


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, who: SignedIn) -> Response:
    """The password form (the only page open while a temporary password is in use)."""
    return render(request, "password.html")


@router.post("/account/password")
def change_password(
    request: Request,
    who: SignedIn,
    csrf_token: Csrf = "",
    current_password: Annotated[str, Form(max_length=200)] = "",
    new_password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Change one's password; every session ends, so sign in again."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    try:
        ctx.patok.accounts.change_password(who.person_id, current_password, new_password)
    except DomainError as err:
        return redirect(request, "/account/password", "error", err.text(lang))
    response = redirect(request, "/login", "ok", text("account.changed", lang))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/tokens", response_class=HTMLResponse)
def issue_token(
    request: Request,
    who: SignedIn,
    csrf_token: Csrf = "",
    cohort: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    read_only: Annotated[bool, Form()] = False,
) -> Response:
    """Issue an API token for one cohort and show its secret once."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    try:
        secret, _ = ctx.patok.accounts.issue_token(
            who.person_id, cohort, name, read_only=read_only
        )
    except DomainError as err:
        return redirect(request, "/account", "error", err.text(lang))
    return render_secret(
        request, text("tokens.title", lang), text("tokens.issued", lang), secret, "/account"
    )


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: Id, who: SignedIn, csrf_token: Csrf = "") -> Response:
    """Revoke a token."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)

    def run() -> str:
        ctx.patok.accounts.revoke_token(who.person_id, token_id)
        return text("done.token.revoked", lang_of(request))

    return act(request, "/account", run)
