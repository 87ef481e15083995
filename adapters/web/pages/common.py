"""What every page shares: the signed-in person, rendering, CSRF on forms, flash messages.

Pages redirect to the login page when nobody is signed in, and to the password page while a
temporary password is in use. A form's action that the engine refuses comes back to the page it
was sent from with the refusal's message (in the page's language) — never a stack trace.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from adapters.cli.render import local
from adapters.i18n import Lang, label, state_label
from adapters.web.auth import PASSWORD_PATHS
from adapters.web.context import WebContext, web
from adapters.web.idempotency import NO_STORE
from adapters.web.lang import lang_of
from adapters.web.problems import HttpProblem
from adapters.web.texts import event_label, text
from domain.errors import AuthenticationFailed, DomainError
from states.accounts import Principal
from states.messages import recipient_label

FLASH_COOKIE = "patok_flash"
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
"""A row id in a page's address (larger numbers are refused before any query)."""


class LoginRequired(Exception):
    """Nobody is signed in: the page sends them to log in and come back."""

    def __init__(self, back: str) -> None:
        super().__init__(back)
        self.back = back


class PasswordChangeRequired(Exception):
    """A temporary password is in use: the page sends them to choose a new one."""


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to (anything else — another host, a scheme — becomes ``default``)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(c in value for c in "\r\n\t"):
        return default
    return value


def signed_in(request: Request) -> Principal:
    """The signed-in person of a page (dependency)."""
    try:
        principal = web(request).auth.resolve(request)
    except AuthenticationFailed:
        principal = None
    if principal is None or principal.token_id is not None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    if principal.must_change_password and request.url.path not in PASSWORD_PATHS:
        raise PasswordChangeRequired()
    return principal


def check_form(request: Request, principal: Principal, csrf_token: str) -> None:
    """Refuse a form without the session's CSRF token."""
    web(request).auth.check_write(request, principal, csrf_token)


def render_secret(request: Request, heading: str, intro: str, secret: str, back: str) -> HTMLResponse:
    """The page that shows a secret once (a token, a temporary password): never cached, and
    never kept for an ``Idempotency-Key`` replay."""
    page = render(request, "secret.html", heading=heading, intro=intro, secret=secret, back=back)
    page.headers["Cache-Control"] = NO_STORE
    return page


def render(
    request: Request, template: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page with what every template needs, and consume the flash message."""
    ctx = web(request)
    lang = lang_of(request)
    principal = getattr(request.state, "principal", None)
    flash = ctx.auth.read_flash(request.cookies.get(FLASH_COOKIE))
    values: dict[str, Any] = {
        "lang": lang,
        "t": lambda key, **kw: text(key, lang, **kw),
        "label": lambda key: label(key, lang),
        "state_label": lambda state: state_label(state, lang),
        "recipient": lambda code: recipient_label(code, lang),
        "event": lambda action: event_label(action, lang),
        "local": local,
        "principal": principal if isinstance(principal, Principal) else None,
        "csrf": principal.csrf_token if isinstance(principal, Principal) else "",
        "flash": flash,
        "path": request.url.path,
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "prefect_ui": ctx.prefect_ui_url,
        "now": ctx.patok.engine.clock.now(),
        "quote": quote,
        "size": human_size,
        "when": iso_local,
    }
    values.update(context)
    response = ctx.templates.TemplateResponse(request, template, values, status_code=status)
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(
    request: Request, to: str, kind: str | None = None, message: str | None = None
) -> RedirectResponse:
    """A 303 to ``to``, carrying a flash message if given."""
    response = RedirectResponse(to, status_code=303)
    if kind is not None and message is not None:
        set_flash(request, response, kind, message)
    return response


def set_flash(request: Request, response: Response, kind: str, message: str) -> None:
    """Attach a flash message to a response."""
    ctx = web(request)
    response.set_cookie(
        FLASH_COOKIE,
        ctx.auth.flash_cookie(kind, message),
        max_age=300,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
        path="/",
    )


def act(
    request: Request,
    back: str,
    run: Callable[[], str],
    *,
    after: str | None = None,
) -> RedirectResponse:
    """Run a form's action; come back to ``back`` (or go to ``after``) with its message.

    ``run`` returns the success message; a refusal is shown as the error on ``back``."""
    lang: Lang = lang_of(request)
    try:
        message = run()
    except DomainError as err:
        return redirect(request, back, "error", err.text(lang))
    except HttpProblem as err:
        return redirect(request, back, "error", err.message_en if lang == "en" else err.message_id)
    return redirect(request, after or back, "ok", message)


def context_of(request: Request) -> WebContext:
    """The web context (for page handlers)."""
    return web(request)


def human_size(size: int) -> str:
    """A byte count for people: ``812 B``, ``12.3 KB``, ``4.0 MB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def iso_local(value: object, tz: str) -> str:
    """An ISO instant from an audit payload in a zone (other values as they are)."""
    try:
        instant = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return local(instant, tz, True) if instant.tzinfo is not None else str(value)
