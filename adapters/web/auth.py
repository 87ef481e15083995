"""Who is asking: a signed session cookie (browser) or a bearer API token (integrations).

Sessions live in the database (``web_sessions``): the cookie carries a random secret signed with
the installation's key, the row only the secret's digest — so logout and expiry are real and
every API process agrees. Unsafe requests made with a session cookie must carry the session's
CSRF token (the ``csrf_token`` form field or the ``X-CSRF-Token`` header); the login form, made
before any session exists, carries a signed one-time token that must match its cookie.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from fastapi import Request
from itsdangerous import (
    BadSignature,
    SignatureExpired,
    Signer,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from adapters.bootstrap import Patok
from adapters.settings import Settings
from adapters.web.idempotency import key_space
from adapters.web.problems import HttpProblem
from domain.errors import AuthenticationFailed, DomainError
from states.accounts import Principal

SESSION_COOKIE = "patok_session"
LOGIN_COOKIE = "patok_login"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
LOGIN_FORM_MAX_AGE_S = 2 * 3600
_UNRESOLVED = object()
PASSWORD_PATHS = frozenset({"/api/v1/me", "/api/v1/me/password", "/account/password", "/logout"})
"""What a person who must change their password may still reach."""


def load_secret_key(settings: Settings) -> str:
    """``PATOK_SECRET_KEY``, else a random key kept in the data directory.

    The file is created atomically (written aside, then hard-linked into place), so processes
    starting together all end up with the one key."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            Path(aside).unlink(missing_ok=True)
    return path.read_text().strip()


class WebAuth:
    """Signs and reads cookies, resolves principals and checks CSRF tokens."""

    def __init__(self, patok: Patok, secret_key: str, *, secure_cookies: bool = False) -> None:
        self.patok = patok
        self.secure_cookies = secure_cookies
        self._sessions = Signer(secret_key, salt="patok.session")
        self._login = TimestampSigner(secret_key, salt="patok.login-form")
        self._flash = URLSafeTimedSerializer(secret_key, salt="patok.flash")

    # -- cookies ----------------------------------------------------------------------------

    def session_cookie(self, secret: str) -> str:
        """The cookie value carrying a session secret."""
        return self._sessions.sign(secret).decode()

    def _session_secret(self, value: str) -> str | None:
        try:
            return self._sessions.unsign(value).decode()
        except BadSignature:
            return None

    def login_form_token(self) -> str:
        """A signed one-time token for the login form (set as cookie and as hidden field)."""
        return self._login.sign(secrets.token_urlsafe(16)).decode()

    def check_login_form(self, request: Request, submitted: str) -> None:
        """Refuse a login form whose token is missing, forged, stale or not the cookie's."""
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        try:
            self._login.unsign(submitted, max_age=LOGIN_FORM_MAX_AGE_S)
        except (BadSignature, SignatureExpired):
            raise csrf_failed() from None
        if not cookie or not hmac.compare_digest(cookie, submitted):
            raise csrf_failed()

    def flash_cookie(self, kind: str, message: str) -> str:
        """A signed one-shot message for the next page (``ok`` or ``error``)."""
        return str(self._flash.dumps([kind, message[:1500]]))

    def read_flash(self, value: str | None) -> tuple[str, str] | None:
        """The message a flash cookie carries, if it is genuine and fresh."""
        if not value:
            return None
        try:
            kind, message = self._flash.loads(value, max_age=300)
        except (BadSignature, ValueError, TypeError):
            return None
        return str(kind), str(message)

    # -- principals ---------------------------------------------------------------------------

    def resolve(self, request: Request) -> Principal | None:
        """The principal of a request (bearer token first, then the session cookie), or None."""
        known = getattr(request.state, "principal", _UNRESOLVED)
        if known is None or isinstance(known, Principal):
            return known
        principal: Principal | None = None
        header = request.headers.get("authorization", "")
        scheme, _, credential = header.partition(" ")
        if scheme.lower() == "bearer" and credential.strip():
            principal = self.patok.accounts.token(credential.strip())
            if principal is None:
                raise AuthenticationFailed(
                    "Token API tidak dikenal atau sudah dicabut",
                    "Unknown or revoked API token",
                )
        else:
            cookie = request.cookies.get(SESSION_COOKIE)
            secret = self._session_secret(cookie) if cookie else None
            principal = self.patok.accounts.session(secret) if secret else None
        request.state.principal = principal
        return principal

    def require(self, request: Request) -> Principal:
        """The principal, or 401."""
        principal = self.resolve(request)
        if principal is None:
            raise AuthenticationFailed(
                "Silakan masuk dulu (sesi berakhir atau belum masuk)",
                "Please sign in (your session has ended or you are not signed in)",
            )
        if principal.must_change_password and request.url.path not in PASSWORD_PATHS:
            raise HttpProblem(
                403,
                "password_change_required",
                "Kata sandi Anda sementara; ganti dulu di /account/password",
                "Your password is temporary; change it first at /account/password",
            )
        return principal

    def check_write(self, request: Request, principal: Principal, csrf: str | None) -> None:
        """Refuse an unsafe request from a read-only token or without the session's CSRF token."""
        if principal.read_only:
            raise HttpProblem(
                403,
                "read_only_token",
                "Token ini hanya-baca; tidak dapat mengubah apa pun",
                "This token is read-only; it cannot change anything",
            )
        if principal.session_id is None:
            return  # bearer tokens are not sent by browsers on their own: no CSRF to fear
        given = csrf or request.headers.get(CSRF_HEADER, "")
        expected = principal.csrf_token or ""
        if not given or not hmac.compare_digest(given, expected):
            raise csrf_failed()

    async def write_key_space(self, scope: Scope) -> str | None:
        """The idempotency key space of a write request (:func:`key_space`) when it would pass
        :meth:`require` and :meth:`check_write` now (CSRF from the ``X-CSRF-Token`` header, as
        the API takes it), else None. The principal resolved here stays on the request's state,
        so the app acts for exactly the credential the key belongs to."""
        request = Request(scope)
        try:
            principal = await run_in_threadpool(self.require, request)
            self.check_write(request, principal, None)
        except (HttpProblem, DomainError):
            return None
        return key_space(principal)


def csrf_failed() -> HttpProblem:
    """The refusal of a form or request without a valid CSRF token."""
    return HttpProblem(
        403,
        "csrf_failed",
        "Token formulir tidak sah atau kedaluwarsa; muat ulang halaman lalu coba lagi",
        "The form token is missing, invalid or expired; reload the page and try again",
    )
