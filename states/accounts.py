"""Accounts: passwords, browser sessions and API tokens, through the engine's units of work.

Every write is one transaction. Password hashing (slow on purpose) runs outside any transaction.
Failed logins are counted in the database before the password is checked, so several API
processes agree on how long the next attempt must wait and parallel guesses gain nothing.
A coordinator's password reset and every token issued or revoked are recorded in the cohort's
audit stream. An organiser registering a person (from the API or the command line) is checked
against the policy's organiser rule and logged with who registered whom.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import structlog

from domain import policy
from domain.accounts import (
    FAILURE_MEMORY,
    TOKEN_PREFIX,
    SessionTimes,
    check_new_password,
    login_delay,
    normalise_login,
    token_digest,
)
from domain.errors import (
    AuthenticationFailed,
    Forbidden,
    GuardFailed,
    TooManyAttempts,
    ValidationFailed,
)
from domain.model import Person
from domain.roles import Action, Role
from states.audit_trail import append_cohort_event
from states.engine import Engine
from states.ports import TokenRecord, UnitOfWork

log = structlog.get_logger("patok.accounts")

TOUCH_EVERY = timedelta(minutes=1)
"""A session's or token's last use is written at most this often (reads stay reads)."""


class PasswordHasher(Protocol):
    """Hashes and checks passwords (argon2 in production)."""

    def hash(self, password: str) -> str:
        """A salted hash of ``password``."""
        ...

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches ``password_hash``."""
        ...


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking, and through which door: a browser session or an API token."""

    person: Person
    session_id: int | None = None
    csrf_token: str | None = None
    token_id: int | None = None
    cohort_scope: int | None = None
    """A token acts only inside this cohort; None for a person acting in their own name."""
    read_only: bool = False
    must_change_password: bool = False

    @property
    def person_id(self) -> int:
        """The id of the person acting."""
        assert self.person.id is not None
        return self.person.id


def _unknown_login() -> AuthenticationFailed:
    return AuthenticationFailed(
        "NIP/e-mail atau kata sandi salah", "Wrong NIP/e-mail or password"
    )


class Accounts:
    """Passwords, sessions and API tokens."""

    def __init__(
        self,
        engine: Engine,
        hasher: PasswordHasher,
        times: SessionTimes,
        random_secret: Callable[[int], str] = secrets.token_urlsafe,
    ) -> None:
        self._engine = engine
        self._hasher = hasher
        self.times = times
        self._secret = random_secret
        self._dummy_hash: str | None = None

    # -- passwords --------------------------------------------------------------------------

    def add_person(self, person: Person, password: str | None = None) -> int:
        """Register a person (local administration), with a password if given: one transaction,
        so a refused password leaves nobody registered."""
        hashed = None
        if password is not None:
            check_new_password(password, person)
            hashed = self._hasher.hash(password)
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            person_id = uow.people.add(person)
            if hashed is not None:
                uow.accounts.set_credential(person_id, hashed, now, False)
            uow.commit()
        log.info("account.person_added", person=person_id, password=hashed is not None)
        return person_id

    def register_person(self, actor_id: int, person: Person, password: str | None = None) -> int:
        """An organiser registers a person (with a password if given) — ``POST /people`` and
        ``patok person add --as``: anyone else is refused by the policy's organiser rule, checked
        before the password is hashed and again in the transaction that adds the person; one
        transaction, so a refusal leaves nobody registered."""
        with self._engine.unit_of_work() as uow:
            _require_organiser(uow.people.get(actor_id))
        hashed = None
        if password is not None:
            check_new_password(password, person)
            hashed = self._hasher.hash(password)
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            _require_organiser(uow.people.get(actor_id))
            person_id = uow.people.add(person)
            if hashed is not None:
                uow.accounts.set_credential(person_id, hashed, now, False)
            uow.commit()
        log.info(
            "account.person_registered",
            person=person_id,
            by=actor_id,
            organiser=person.can_create_cohorts,
            password=hashed is not None,
        )
        return person_id

    def give_demo_password(self, person_ids: list[int], password: str) -> int:
        """Give everyone listed who has no password yet the same password, hashed once (so a
        demo cohort of a hundred people loads in a moment; never for real accounts: they would
        share one salt). Returns how many were given it."""
        hashed = self._hasher.hash(password)
        now = self._engine.clock.now()
        given = 0
        with self._engine.unit_of_work(write=True) as uow:
            for person_id in person_ids:
                if uow.accounts.credential(person_id) is None:
                    uow.accounts.set_credential(person_id, hashed, now, False)
                    given += 1
            uow.commit()
        return given

    def verify_password(self, person_id: int, password: str) -> bool:
        """Whether ``password`` is the person's password (no session, no counting)."""
        with self._engine.unit_of_work() as uow:
            credential = uow.accounts.credential(person_id)
        return credential is not None and self._hasher.verify(credential.password_hash, password)

    def set_password(self, person_id: int, password: str, *, must_change: bool = False) -> None:
        """Give a person a password (local administration, e.g. the first coordinator)."""
        with self._engine.unit_of_work() as uow:
            person = uow.people.get(person_id)
        check_new_password(password, person)
        hashed = self._hasher.hash(password)
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            uow.accounts.set_credential(person_id, hashed, now, must_change)
            uow.accounts.end_sessions_of(person_id, now)
            uow.commit()
        log.info("account.password_set", person=person_id)

    def change_password(self, actor_id: int, current: str, new: str) -> None:
        """A person changes their own password; their other sessions end."""
        with self._engine.unit_of_work() as uow:
            person = uow.people.get(actor_id)
            credential = uow.accounts.credential(actor_id)
        if credential is None or not self._hasher.verify(credential.password_hash, current):
            raise GuardFailed("Kata sandi saat ini salah", "The current password is wrong")
        if current == new:
            raise ValidationFailed(
                "Kata sandi baru harus berbeda dari yang lama",
                "The new password must differ from the current one",
            )
        check_new_password(new, person)
        self.set_password(actor_id, new)

    def reset_password(self, actor_id: int, member_id: int) -> str:
        """A coordinator gives a member of one of their cohorts a temporary password, which the
        member must replace at their next login; the member's sessions end. Returns it."""
        temporary = "-".join(self._secret(6) for _ in range(3))
        hashed = self._hasher.hash(temporary)
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            uow.people.get(member_id)  # NotFound for an unknown person
            cohort_id = _shared_cohort(uow, actor_id, member_id, Action.RESET_PASSWORD)
            uow.accounts.set_credential(member_id, hashed, now, True)
            ended = uow.accounts.end_sessions_of(member_id, now)
            append_cohort_event(
                uow,
                cohort_id,
                at=now,
                actor_id=actor_id,
                action="account.password_reset",
                payload={"person_id": member_id, "sessions_ended": ended},
            )
            uow.commit()
        log.info("account.password_reset", person=member_id, by=actor_id)
        return temporary

    # -- logins and sessions ----------------------------------------------------------------

    def login(self, login: str, password: str) -> tuple[str, Principal]:
        """Check a login; on success open a session and return its secret and the principal.

        The attempt is counted as a failure before the password is checked (and forgotten when it
        turns out right), so parallel guesses are slowed down as much as sequential ones."""
        key = normalise_login(login)[:254]
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            counted = uow.accounts.failures(key)
            if counted is not None and now - counted.last_failure_at > FAILURE_MEMORY:
                uow.accounts.clear_failures(key)
                counted = None
            if counted is not None:
                wait_until = counted.last_failure_at + login_delay(counted.failures)
                if wait_until > now:
                    retry = max(1, int((wait_until - now).total_seconds() + 0.999))
                    raise TooManyAttempts(retry)
            uow.accounts.add_failure(key, now)
            person = uow.people.find(login) if login.strip() else None
            credential = (
                None
                if person is None or person.id is None
                else uow.accounts.credential(person.id)
            )
            uow.commit()
        if credential is None or person is None:
            self._hasher.verify(self._dummy(), password)  # the same work as a real check
            log.info("account.login_failed", login=key, known=person is not None)
            raise _unknown_login()
        if not self._hasher.verify(credential.password_hash, password):
            log.info("account.login_failed", login=key, known=True)
            raise _unknown_login()
        secret = self._secret(32)
        csrf = self._secret(32)
        with self._engine.unit_of_work(write=True) as uow:
            uow.accounts.clear_failures(key)
            uow.accounts.purge(now - self.times.lifetime, now - FAILURE_MEMORY)
            session_id = uow.accounts.add_session(
                token_digest(secret), credential.person_id, now, csrf
            )
            uow.commit()
        log.info("account.login", person=credential.person_id, session=session_id)
        return secret, Principal(
            person,
            session_id=session_id,
            csrf_token=csrf,
            must_change_password=credential.must_change,
        )

    def session(self, secret: str) -> Principal | None:
        """The principal of a live session, or None when it is unknown, ended or expired."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work() as uow:
            found = uow.accounts.signed_in(token_digest(secret))
        if found is None or found.session.ended_at is not None:
            return None
        record = found.session
        if self.times.expires_at(record.created_at, record.last_seen_at) <= now:
            return None
        if now - record.last_seen_at >= TOUCH_EVERY:
            with self._engine.unit_of_work(write=True) as uow:
                uow.accounts.touch_session(record.id, now)
                uow.commit()
        return Principal(
            found.person,
            session_id=record.id,
            csrf_token=record.csrf_token,
            must_change_password=found.must_change,
        )

    def logout(self, session_id: int) -> None:
        """End a session."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            uow.accounts.end_session(session_id, now)
            uow.commit()
        log.info("account.logout", session=session_id)

    # -- API tokens ---------------------------------------------------------------------------

    def issue_token(
        self, actor_id: int, cohort_code: str, name: str, *, read_only: bool = False
    ) -> tuple[str, TokenRecord]:
        """A coordinator issues an API token acting for them inside one cohort; the secret is
        returned once and only its digest is stored."""
        name = name.strip()
        if not 1 <= len(name) <= 100:
            raise ValidationFailed(
                "Nama token wajib diisi (1–100 karakter)", "A token needs a name (1–100 characters)"
            )
        secret = TOKEN_PREFIX + self._secret(32)
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            cohort = uow.cohorts.by_code(cohort_code)
            assert cohort.id is not None
            _require_in_cohort(uow, cohort.id, cohort.code, actor_id, Action.MANAGE_TOKENS)
            token_id = uow.accounts.add_token(
                token_digest(secret), secret[:12], name, actor_id, cohort.id, read_only, now
            )
            append_cohort_event(
                uow,
                cohort.id,
                at=now,
                actor_id=actor_id,
                action="token.issued",
                payload={"token_id": token_id, "name": name, "read_only": read_only},
            )
            record = uow.accounts.token_by_id(token_id)
            uow.commit()
        log.info("account.token_issued", token=token_id, cohort=cohort_code)
        return secret, record

    def tokens(self, actor_id: int, cohort_code: str | None = None) -> list[TokenRecord]:
        """The tokens of the cohorts the actor manages tokens for (of one, if named)."""
        with self._engine.unit_of_work() as uow:
            if cohort_code is not None:
                cohort = uow.cohorts.by_code(cohort_code)
                assert cohort.id is not None
                _require_in_cohort(uow, cohort.id, cohort.code, actor_id, Action.MANAGE_TOKENS)
                ids = [cohort.id]
            else:
                ids = [
                    c.id
                    for c in uow.cohorts.all()
                    if c.id is not None
                    and policy.is_allowed(uow.cohorts.roles_of(c.id, actor_id), Action.MANAGE_TOKENS)
                ]
            return uow.accounts.tokens(ids) if ids else []

    def revoke_token(self, actor_id: int, token_id: int) -> TokenRecord:
        """A coordinator of the token's cohort revokes it; it stops working at once."""
        now = self._engine.clock.now()
        with self._engine.unit_of_work(write=True) as uow:
            record = uow.accounts.token_by_id(token_id)
            cohort = uow.cohorts.by_id(record.cohort_id)
            _require_in_cohort(uow, record.cohort_id, cohort.code, actor_id, Action.MANAGE_TOKENS)
            uow.accounts.revoke_token(token_id, now)
            append_cohort_event(
                uow,
                record.cohort_id,
                at=now,
                actor_id=actor_id,
                action="token.revoked",
                payload={"token_id": token_id},
            )
            revoked = uow.accounts.token_by_id(token_id)
            uow.commit()
        log.info("account.token_revoked", token=token_id)
        return revoked

    def token(self, secret: str) -> Principal | None:
        """The principal an API token acts as, or None when it is unknown or revoked.

        A token stops working as soon as its issuer no longer coordinates its cohort."""
        if not secret.startswith(TOKEN_PREFIX):
            return None
        now = self._engine.clock.now()
        digest = token_digest(secret)
        with self._engine.unit_of_work() as uow:
            record = uow.accounts.token(digest)
            if record is None or record.revoked_at is not None:
                return None
            roles = uow.cohorts.roles_of(record.cohort_id, record.person_id)
            if not policy.is_allowed(roles, Action.MANAGE_TOKENS):
                return None
            person = uow.people.get(record.person_id)
        if record.last_used_at is None or now - record.last_used_at >= TOUCH_EVERY:
            with self._engine.unit_of_work(write=True) as uow:
                uow.accounts.touch_token(record.id, now)
                uow.commit()
        return Principal(
            person, token_id=record.id, cohort_scope=record.cohort_id, read_only=record.read_only
        )

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(self._secret(16))
        return self._dummy_hash


def _require_organiser(actor: Person) -> None:
    """Refuse anyone but an organiser registering people (the policy's organiser rule)."""
    policy.require_organiser(
        actor.can_create_cohorts,
        actor=actor.name,
        what="mendaftarkan orang",
        what_en="register people",
    )


def _require_in_cohort(
    uow: UnitOfWork, cohort_id: int, code: str, actor_id: int, action: Action
) -> None:
    policy.require(
        uow.cohorts.roles_of(cohort_id, actor_id),
        action,
        actor=f"person {actor_id}",
        target=f"angkatan {code}",
    )


def _shared_cohort(uow: UnitOfWork, actor_id: int, member_id: int, action: Action) -> int:
    """A cohort in which the actor may do ``action`` and the member holds a role (the first)."""
    allowed = [
        c.id
        for c in uow.cohorts.all()
        if c.id is not None and policy.is_allowed(uow.cohorts.roles_of(c.id, actor_id), action)
    ]
    for cohort_id in allowed:
        if uow.cohorts.roles_of(cohort_id, member_id):
            return cohort_id
    if not allowed:
        policy.require(frozenset(), action, actor=f"person {actor_id}", target=f"orang {member_id}")
    raise Forbidden(
        f"Orang {member_id} bukan anggota angkatan yang Anda koordinasikan",
        f"Person {member_id} is not a member of a cohort you coordinate",
        action=action.value,
        relations=[Role.COORDINATOR.value],
        allowed=[Role.COORDINATOR.value],
    )

