"""The web app: ``create_app(patok)`` builds the JSON API (``/api/v1``, OpenAPI at
``/api/v1/openapi.json``) and the pages on one FastAPI application.

Refusals become problem documents (API) or an error page (pages); anything unexpected is logged
and answered with a 500 that gives nothing away. Every response carries security headers; request
bodies above ``PATOK_MAX_REQUEST_MB`` are refused; the API's POSTs honour ``Idempotency-Key``.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.bootstrap import Patok
from adapters.web import openapi
from adapters.web.api import (
    accounts,
    benchmarking,
    cohorts,
    content,
    extensions,
    notifications,
    ops,
    programmes,
    projects,
    reports,
    seminars,
)
from adapters.web.auth import WebAuth, load_secret_key
from adapters.web.context import WebContext
from adapters.web.idempotency import IdempotencyMiddleware, IdempotencyStore
from adapters.web.lang import lang_of
from adapters.web.pages import account, cohort, project, session
from adapters.web.pages import content as content_pages
from adapters.web.pages import planning as planning_pages
from adapters.web.pages import seminars as seminar_pages
from adapters.web.pages.common import LoginRequired, PasswordChangeRequired, render
from adapters.web.problems import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_RESPONSES,
    TITLES,
    HttpProblem,
    domain_problem,
    http_error_messages,
    http_problem,
    internal_problem,
    invalid_fields,
    invalid_listing,
    problem,
    status_of,
    validation_problem,
)
from adapters.web.texts import text
from domain.errors import DomainError

log = structlog.get_logger("patok.web")
HERE = Path(__file__).parent
API_PREFIX = "/api/v1"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
]


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


class SecurityHeaders:
    """Adds the security headers to every response (the API docs page keeps its own CSP)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] == f"{API_PREFIX}/docs"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    (n, v)
                    for n, v in SECURITY_HEADERS
                    if n not in present and not (docs and n == b"content-security-policy")
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses request bodies above a limit with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count what arrives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge()
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting, tracking)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        response = problem(
            Request(scope),
            413,
            "payload_too_large",
            f"Permintaan melebihi {self.max_bytes // (1024 * 1024)} MB",
            f"The request is larger than {self.max_bytes // (1024 * 1024)} MB",
        )
        await response(scope, _no_receive, send)


class _TooLarge(Exception):
    """The request body grew past the limit."""


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _page_error(request: Request, status: int, message: str) -> HTMLResponse:
    lang = lang_of(request)
    return render(
        request, "error.html", status, message=message, title=text("error.title", lang)
    )


def freeze_startup_heap() -> None:
    """Once per process: collect, then move every object alive now (the imported modules of
    FastAPI, Prefect, SQLAlchemy, pydantic …) out of the collector's sight. A full collection
    otherwise walks them all, and stalled every request in flight for 135-145 ms
    (docs/performance.md)."""
    if gc.get_freeze_count():
        return
    gc.collect()
    gc.freeze()


def create_app(
    patok: Patok, *, prefect_ui_url: str | None = None, close_on_shutdown: bool = False
) -> FastAPI:
    """The web app on a wired patok (``close_on_shutdown``: release its database when the app
    stops, for a process that built patok just for the app)."""
    settings = patok.settings

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        """Size the thread pool and freeze the start-up heap on start; release the database on
        stop, if asked to."""
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        freeze_startup_heap()
        try:
            yield
        finally:
            if close_on_shutdown:
                patok.close()

    app = FastAPI(
        lifespan=lifespan,
        title="patok API",
        version="1",
        description=(
            "The JSON API of patok, the change-project workflow engine. Authenticate with a "
            "bearer API token (`Authorization: Bearer patok_…`, issued by a coordinator for one "
            "cohort) or a browser session (then send `X-CSRF-Token` on writes). Every write "
            "POST honours `Idempotency-Key`. Errors are RFC 9457 problem documents."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    auth = WebAuth(patok, load_secret_key(settings), secure_cookies=settings.secure_cookies)
    app.state.web = WebContext(
        patok, auth, settings, templates, prefect_ui_url or settings.prefect_ui_url
    )
    store = (
        IdempotencyStore(patok.database, patok.engine.clock.now)
        if patok.database is not None
        else None
    )
    for module in (
        programmes,
        cohorts,
        projects,
        extensions,
        notifications,
        accounts,
        ops,
        benchmarking,
        content,
        seminars,
        reports,
    ):
        app.include_router(module.router, prefix=API_PREFIX, responses=PROBLEM_RESPONSES)
    for page in (
        session,
        cohort,
        project,
        account,
        planning_pages,
        content_pages,
        seminar_pages,
    ):
        app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _handlers(app)
    _plain_routes(app)
    openapi.install(app)
    app.add_middleware(
        IdempotencyMiddleware,
        store=lambda: store,
        verify=auth.write_key_space,
        prefix=f"{API_PREFIX}/",
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_mb * 1024 * 1024)
    app.add_middleware(SecurityHeaders)
    return app


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def on_domain_error(request: Request, error: DomainError) -> Response:
        """A refusal of the engine or the policy: a problem (API) or the error page."""
        if _is_api(request):
            return domain_problem(request, error)
        return _page_error(request, status_of(error), error.text(lang_of(request)))

    @app.exception_handler(HttpProblem)
    async def on_http_problem(request: Request, error: HttpProblem) -> Response:
        """A refusal of the web layer (CSRF, tokens, idempotency)."""
        if _is_api(request):
            return http_problem(request, error)
        lang = lang_of(request)
        return _page_error(
            request, error.status, error.message_en if lang == "en" else error.message_id
        )

    @app.exception_handler(RequestValidationError)
    async def on_request_invalid(request: Request, error: RequestValidationError) -> Response:
        """A request FastAPI could not validate: 422 naming every field."""
        if _is_api(request):
            return validation_problem(request, error)
        return _page_error(request, 422, invalid_listing(invalid_fields(error), lang_of(request)))

    @app.exception_handler(ValidationError)
    async def on_model_invalid(request: Request, error: ValidationError) -> Response:
        """A domain model refusing its input: 422 naming the field."""
        if _is_api(request):
            return validation_problem(request, error)
        return _page_error(request, 422, invalid_listing(invalid_fields(error), lang_of(request)))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException) -> Response:
        """An unknown path or method, as a problem or the error page, in the request's language."""
        code = "not_found" if error.status_code == 404 else "http_error"
        message_id, message_en = http_error_messages(
            error.status_code, str(error.detail), request.method, request.url.path
        )
        if _is_api(request) or error.status_code == 405:
            return problem(request, error.status_code, code, message_id, message_en)
        lang = lang_of(request)
        return _page_error(request, error.status_code, message_en if lang == "en" else message_id)

    @app.exception_handler(LoginRequired)
    async def on_login_required(request: Request, error: LoginRequired) -> Response:
        """A page needing a signed-in person: to the login page and back."""
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(error.back, safe='/')}", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def on_password_change(request: Request, error: PasswordChangeRequired) -> Response:
        """A temporary password in use: to the password page."""
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> Response:
        """Anything else: logged with its trace, answered with a 500 that says nothing more."""
        log.error("web.unexpected", path=request.url.path, error=repr(error), exc_info=error)
        if _is_api(request):
            return internal_problem(request)
        return _page_error(request, 500, text("error.title", lang_of(request)))


def _plain_routes(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    def healthz(request: Request) -> JSONResponse:
        """Whether the process answers and reaches its database."""
        patok: Patok = request.app.state.web.patok
        with patok.engine.unit_of_work() as uow:
            uow.cohorts.all()
        return JSONResponse({"status": "ok"})

    @app.get("/problems", include_in_schema=False, response_class=HTMLResponse)
    def problems_index(request: Request) -> Response:
        """Every problem type, described."""
        return render(request, "problems.html", titles=TITLES, media_type=PROBLEM_MEDIA_TYPE)

    @app.get("/problems/{code}", include_in_schema=False, response_class=HTMLResponse)
    def problem_type(request: Request, code: str) -> Response:
        """One problem type, described (what a problem's ``type`` points to)."""
        chosen: dict[str, Any] = {code: TITLES[code]} if code in TITLES else {}
        if not chosen:
            return _page_error(request, 404, code)
        return render(request, "problems.html", titles=chosen, media_type=PROBLEM_MEDIA_TYPE)
