"""Errors as RFC 9457 problem details: what was wrong and what is allowed now, never a trace.

Every :class:`~domain.errors.DomainError` maps to one status; its code names the problem type
(``/problems/<code>``, described at that address), its message in the request's language is the
``detail``, and both languages and the error's own details (the legal triggers, the roles that
may act, the earliest allowed date …) travel as extension members.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from adapters.web.lang import lang_of
from domain.errors import (
    AlreadyExists,
    AuditChainBroken,
    AuthenticationFailed,
    ConflictError,
    DomainError,
    Forbidden,
    GuardFailed,
    IllegalTransition,
    NotFound,
    ProgrammeError,
    TooManyAttempts,
    ValidationFailed,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"

STATUS: list[tuple[type[DomainError], int]] = [
    (AuthenticationFailed, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (AlreadyExists, 409),
    (ConflictError, 409),
    (IllegalTransition, 409),
    (AuditChainBroken, 409),
    (TooManyAttempts, 429),
    (GuardFailed, 422),
    (ValidationFailed, 422),
    (ProgrammeError, 422),
]
"""Domain error → HTTP status (the first matching class wins)."""

TITLES: dict[str, tuple[str, str]] = {
    "unauthenticated": ("Belum masuk", "Not signed in"),
    "forbidden": ("Tidak berwenang", "Not allowed"),
    "not_found": ("Tidak ditemukan", "Not found"),
    "already_exists": ("Sudah ada", "Already exists"),
    "conflict": ("Bentrok dengan perubahan lain", "Conflicts with another change"),
    "illegal_transition": ("Tidak dapat dilakukan pada status ini", "Not allowed in this state"),
    "audit_chain_broken": ("Jejak audit rusak", "Audit chain broken"),
    "too_many_attempts": ("Terlalu banyak percobaan", "Too many attempts"),
    "precondition_failed": ("Syarat belum terpenuhi", "Precondition not met"),
    "invalid_input": ("Masukan tidak sah", "Invalid input"),
    "invalid_nip": ("NIP tidak sah", "Invalid NIP"),
    "invalid_roster": ("Roster ditolak", "Roster refused"),
    "invalid_plan": ("Rencana benchmarking ditolak", "Benchmarking plan refused"),
    "invalid_programme": ("Program tidak dapat dipakai", "Unusable programme"),
    "invalid_programme_file": ("Berkas program tidak sah", "Invalid programme file"),
    "unknown_programme": ("Program tidak dikenal", "Unknown programme"),
    "domain_error": ("Permintaan ditolak", "Request refused"),
    "csrf_failed": ("Token formulir tidak sah", "Invalid form token"),
    "idempotency_mismatch": (
        "Idempotency-Key sudah dipakai untuk permintaan lain",
        "Idempotency-Key already used for another request",
    ),
    "idempotency_in_progress": (
        "Permintaan dengan Idempotency-Key ini sedang diproses",
        "A request with this Idempotency-Key is still being processed",
    ),
    "password_change_required": ("Ganti kata sandi dulu", "Change your password first"),
    "read_only_token": ("Token hanya-baca", "Read-only token"),
    "token_not_allowed": ("Tidak untuk token API", "Not for API tokens"),
    "payload_too_large": ("Permintaan terlalu besar", "Request too large"),
    "http_error": ("Permintaan tidak dapat dilayani", "Request cannot be served"),
    "internal_error": ("Kesalahan internal", "Internal error"),
}
"""Every problem type patok answers with, titled in both languages."""


class Problem(BaseModel):
    """An RFC 9457 problem document, with patok's extension members."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI reference naming the problem type: /problems/<code>")
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str = Field(description="Machine-readable problem code")
    messages: dict[str, str] = Field(description="The detail in Bahasa Indonesia and English")
    details: dict[str, Any] = Field(default_factory=dict)
    allowed_now: list[str] | None = Field(
        default=None, description="What may be done now, where the refusal depends on the state"
    )


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}}
    for status in (400, 401, 403, 404, 409, 413, 422, 429)
}
"""The problem responses every API operation may give, for the OpenAPI document."""


class HttpProblem(Exception):
    """A refusal raised by the web layer itself (CSRF, idempotency, a read-only token …)."""

    def __init__(
        self,
        status: int,
        code: str,
        message_id: str,
        message_en: str,
        headers: dict[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_id = message_id
        self.message_en = message_en
        self.headers = headers or {}
        self.details = details


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error."""
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 422


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def problem(
    request: Request,
    status: int,
    code: str,
    message_id: str,
    message_en: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem response in the request's language."""
    lang = lang_of(request)
    title = TITLES.get(code, TITLES["domain_error"])
    body = Problem(
        type=f"/problems/{code}",
        title=title[1] if lang == "en" else title[0],
        status=status,
        detail=message_en if lang == "en" else message_id,
        instance=request.url.path,
        code=code,
        messages={"id": message_id, "en": message_en},
        details=_json_safe(details or {}),
        allowed_now=_allowed_now(details or {}),
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _allowed_now(details: dict[str, Any]) -> list[str] | None:
    for key in ("legal", "targets", "allowed"):
        value = details.get(key)
        if isinstance(value, list):
            return [str(v) for v in value]
    return None


def domain_problem(request: Request, error: DomainError) -> JSONResponse:
    """The problem response for a domain error."""
    headers = None
    if isinstance(error, TooManyAttempts):
        headers = {"Retry-After": str(error.retry_after)}
    if isinstance(error, AuthenticationFailed):
        headers = {"WWW-Authenticate": 'Bearer realm="patok"'}
    return problem(
        request,
        status_of(error),
        error.code,
        error.message_id,
        error.message_en,
        error.details,
        headers,
    )


def http_problem(request: Request, error: HttpProblem) -> JSONResponse:
    """The problem response for a refusal of the web layer."""
    return problem(
        request,
        error.status,
        error.code,
        error.message_id,
        error.message_en,
        error.details,
        error.headers,
    )


def invalid_fields(error: RequestValidationError | ValidationError) -> list[dict[str, str]]:
    """Each invalid field of a request (its dotted location) and why."""
    return [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
            "message": str(e.get("msg", "")),
        }
        for e in error.errors()
    ]


def invalid_listing(fields: list[dict[str, str]]) -> str:
    """The invalid fields in one line (the first ten)."""
    return "; ".join(f"{f['field'] or '-'}: {f['message']}" for f in fields[:10])


def validation_problem(
    request: Request, error: RequestValidationError | ValidationError
) -> JSONResponse:
    """A 422 naming every invalid field of the request."""
    fields = invalid_fields(error)
    listing = invalid_listing(fields)
    return problem(
        request,
        422,
        "invalid_input",
        f"Masukan tidak sah — {listing}",
        f"Invalid input — {listing}",
        {"fields": fields},
    )


def internal_problem(request: Request) -> JSONResponse:
    """A 500 that gives nothing away (the error is logged, never sent)."""
    return problem(
        request,
        500,
        "internal_error",
        "Terjadi kesalahan internal; sudah dicatat. Coba lagi nanti.",
        "An internal error occurred; it has been logged. Try again later.",
    )
