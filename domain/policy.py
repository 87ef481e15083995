"""The authorization policy: a pure function of who the actor is to a project and what they want.

The actor's *relations* to a project are the roles they hold towards it: ``participant`` if it is
their own project, ``mentor``/``coach`` if they are that participant's mentor/coach, ``coordinator``
or ``examiner`` if they hold that role in the project's cohort. A mentor of someone else, or a
coordinator of another cohort, has no relation and is refused. Towards a benchmarking group, a
member is its ``participant`` and the cohort's coordinators its ``coordinator``.
"""

from __future__ import annotations

from collections.abc import Collection

from domain.errors import Forbidden
from domain.roles import ACTION_WORDS, ROLE_WORDS, Action, Role

_STAFF = frozenset({Role.COORDINATOR, Role.COACH, Role.EXAMINER})
_ANYONE_RELATED = frozenset(Role)


def allowed_roles(action: Action, approvers: Collection[Role] = ()) -> frozenset[Role]:
    """The relations that permit ``action``; for decisions, the stage's approver roles."""
    if action in (Action.APPROVE, Action.REQUEST_CHANGES):
        return frozenset(approvers)
    if action in (Action.SUBMIT, Action.REQUEST_EXTENSION):
        return frozenset({Role.PARTICIPANT})
    if action is Action.DECIDE_EXTENSION:
        return frozenset({Role.MENTOR, Role.COORDINATOR})
    if action in (
        Action.WITHDRAW,
        Action.REOPEN,
        Action.MANAGE_COHORT,
        Action.PLAN_BENCHMARKING,
        Action.PLAN_SEMINAR,
        Action.RESET_PASSWORD,
        Action.MANAGE_TOKENS,
    ):
        return frozenset({Role.COORDINATOR})
    if action is Action.RECORD_CONTENT:
        return frozenset({Role.PARTICIPANT})
    if action is Action.UPLOAD_GROUP_REPORT:
        return frozenset({Role.PARTICIPANT, Role.COORDINATOR})
    if action is Action.WATCH_MILESTONES:
        return frozenset({Role.MENTOR, Role.COORDINATOR})
    if action is Action.SCORE_SEMINAR:
        return frozenset({Role.EXAMINER, Role.MENTOR, Role.COACH})
    if action is Action.GRADE_SEMINAR:
        return frozenset({Role.EXAMINER})
    if action is Action.VIEW_COHORT:
        return _STAFF
    return _ANYONE_RELATED


def is_allowed(
    relations: Collection[Role], action: Action, approvers: Collection[Role] = ()
) -> bool:
    """Whether an actor with these relations to the project may perform ``action``."""
    return not allowed_roles(action, approvers).isdisjoint(relations)


def require(
    relations: Collection[Role],
    action: Action,
    approvers: Collection[Role] = (),
    *,
    actor: str = "",
    target: str = "",
) -> None:
    """Raise :class:`Forbidden` unless the actor may perform ``action``: the refusal says in words
    what was refused (e.g. "may not score this seminar"), on what, the actor's roles there and
    who may. The action's code stays in the details (``action``) for programs."""
    if is_allowed(relations, action, approvers):
        return
    allowed = allowed_roles(action, approvers)
    what_id, what_en = ACTION_WORDS[action]
    on = f" — {target}" if target else ""
    raise Forbidden(
        f"{actor} tidak berwenang {what_id}{on} (peran Anda: {_roles(relations, 0)}; "
        f"yang berwenang: {_roles(allowed, 0)})",
        f"{actor} may not {what_en}{on} (your roles there: {_roles(relations, 1)}; "
        f"allowed: {_roles(allowed, 1)})",
        action=action.value,
        relations=sorted(r.value for r in relations),
        allowed=sorted(r.value for r in allowed),
    )


def _roles(roles: Collection[Role], side: int) -> str:
    """Roles in words, in the order of their codes; "none" (in the language) when there are none."""
    if not roles:
        return ("tidak ada", "none")[side]
    return ", ".join(ROLE_WORDS[r][side] for r in sorted(roles, key=lambda r: r.value))


def require_in_scope(scope_cohort_id: int | None, cohort_id: int, *, target: str = "") -> None:
    """Raise :class:`Forbidden` when an API token scoped to one cohort reaches for another.

    ``scope_cohort_id`` is None for a person acting in their own name (a browser session, the
    CLI): their roles alone decide. A token acts for the person who issued it, and only inside
    the cohort it was issued for."""
    if scope_cohort_id is None or scope_cohort_id == cohort_id:
        return
    raise Forbidden(
        f"Token API ini hanya berlaku untuk angkatan {scope_cohort_id}, bukan {target or cohort_id}",
        f"This API token is valid only for cohort {scope_cohort_id}, not {target or cohort_id}",
        action="token_scope",
        relations=[],
        allowed=[],
    )


def require_organiser(
    is_organiser: bool, *, actor: str = "", what: str = "", what_en: str | None = None
) -> None:
    """Raise :class:`Forbidden` unless the actor is an organiser (may create cohorts).

    Organisers run the installation-wide operations — a sweep, a dispatch, the digests, the audit
    verification — and register people, as they do from the CLI. ``what`` says in words what was
    refused (in Bahasa Indonesia; ``what_en`` in English, else ``what`` in both)."""
    if is_organiser:
        return
    english = what if what_en is None else what_en
    raise Forbidden(
        f"{actor} bukan penyelenggara; hanya penyelenggara yang boleh {what}".strip(),
        f"{actor} is not an organiser; only organisers may {english}".strip(),
        action=what,
        relations=[],
        allowed=["organiser"],
    )
