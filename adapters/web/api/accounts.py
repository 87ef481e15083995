"""Accounts: who am I, preferences and password, people, password resets and API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from adapters.web.api.deps import Ctx, Pages, Reader, Writer
from adapters.web.api.schemas import (
    MembershipOut,
    MeOut,
    Page,
    PasswordChangeIn,
    PasswordResetOut,
    PersonIn,
    PersonOut,
    PreferencesIn,
    TokenIn,
    TokenIssued,
    TokenOut,
    page,
    person_out,
    token_out,
)
from adapters.web.context import WebContext
from adapters.web.idempotency import NO_STORE
from adapters.web.problems import HttpProblem
from domain.model import Person
from states.accounts import Principal

router = APIRouter(tags=["accounts"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def people_only(who: Principal) -> None:
    """Refuse an API token where a signed-in person must act themselves (passwords, tokens)."""
    if who.token_id is not None:
        raise HttpProblem(
            403,
            "token_not_allowed",
            "Token API tidak dapat mengelola akun atau token; masuk sebagai orangnya",
            "An API token cannot manage accounts or tokens; sign in as the person",
        )


def me_out(ctx: WebContext, who: Principal) -> MeOut:
    """The caller as ``GET /me`` shows them."""
    with ctx.patok.engine.unit_of_work() as uow:
        person = uow.people.get(who.person_id)
        roles = [
            MembershipOut(cohort=c.code, role=r.value)
            for c in uow.cohorts.all()
            if c.id is not None and (who.cohort_scope is None or c.id == who.cohort_scope)
            for r in sorted(uow.cohorts.roles_of(c.id, who.person_id))
        ]
    return MeOut(
        person=person_out(person),
        via="token" if who.token_id is not None else "session",
        cohort_scope=ctx.scope_code(who),
        read_only=who.read_only,
        must_change_password=who.must_change_password,
        roles=roles,
    )


@router.get("/me", response_model=MeOut)
def me(ctx: Ctx, who: Reader) -> MeOut:
    """Who the caller is, through which door, and their roles in each cohort."""
    return me_out(ctx, who)


@router.post("/me/preferences", response_model=MeOut)
def preferences(body: PreferencesIn, ctx: Ctx, who: Writer) -> MeOut:
    """Choose a daily digest or single messages, and the language of messages."""
    people_only(who)
    with ctx.patok.engine.unit_of_work(write=True) as uow:
        uow.people.set_preferences(who.person_id, digest=body.digest, lang=body.lang)
        uow.commit()
    return me_out(ctx, who)


@router.post(
    "/me/password", status_code=204, response_class=Response, responses={204: {"description": "Changed"}}
)
def change_password(body: PasswordChangeIn, ctx: Ctx, who: Writer) -> Response:
    """Change one's own password; every session of the caller ends (sign in again)."""
    people_only(who)
    ctx.patok.accounts.change_password(who.person_id, body.current_password, body.new_password)
    return Response(status_code=204)


@router.post("/people", response_model=PersonOut, status_code=201)
def add_person(body: PersonIn, ctx: Ctx, who: Writer) -> PersonOut:
    """Register a person (organisers only; people usually arrive with a roster) — the same
    service and policy as ``patok person add --as``."""
    people_only(who)
    person = Person(
        nip=body.nip,
        name=body.name,
        email=body.email,
        agency=body.agency,
        unit=body.unit,
        phone=body.phone,
        can_create_cohorts=body.organiser,
    )
    pid = ctx.patok.accounts.register_person(who.person_id, person)
    with ctx.patok.engine.unit_of_work() as uow:
        stored = uow.people.get(pid)
    return person_out(stored)


@router.post("/people/{person_id}/password-reset", response_model=PasswordResetOut)
def reset_password(
    person_id: Id, ctx: Ctx, who: Writer, response: Response
) -> PasswordResetOut:
    """A coordinator gives a member of one of their cohorts a temporary password (shown once,
    never replayed for an ``Idempotency-Key``); the member's sessions end and they must choose a
    new password at their next login."""
    people_only(who)
    response.headers["Cache-Control"] = NO_STORE
    temporary = ctx.patok.accounts.reset_password(who.person_id, person_id)
    return PasswordResetOut(person_id=person_id, temporary_password=temporary)


@router.get("/tokens", response_model=Page[TokenOut])
def list_tokens(
    ctx: Ctx,
    who: Reader,
    paging: Pages,
    cohort: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[TokenOut]:
    """The API tokens of the cohorts the caller coordinates (never their secrets)."""
    people_only(who)
    rows = ctx.patok.accounts.tokens(who.person_id, cohort)
    return Page[TokenOut](**page([token_out(t) for t in rows], paging.limit, paging.offset))


@router.post("/tokens", response_model=TokenIssued, status_code=201)
def issue_token(body: TokenIn, ctx: Ctx, who: Writer, response: Response) -> TokenIssued:
    """Issue a token acting for the caller inside one cohort they coordinate; its secret is in
    this response only (it is stored hashed, and the answer is never replayed for an
    ``Idempotency-Key``)."""
    people_only(who)
    response.headers["Cache-Control"] = NO_STORE
    secret, record = ctx.patok.accounts.issue_token(
        who.person_id, body.cohort, body.name, read_only=body.read_only
    )
    return TokenIssued(token=secret, record=token_out(record))


@router.post("/tokens/{token_id}/revoke", response_model=TokenOut)
def revoke_token(token_id: Id, ctx: Ctx, who: Writer) -> TokenOut:
    """Revoke a token of a cohort the caller coordinates; it stops working at once."""
    people_only(who)
    return token_out(ctx.patok.accounts.revoke_token(who.person_id, token_id))
