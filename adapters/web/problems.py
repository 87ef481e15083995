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
from pydantic_core import ErrorDetails

from adapters.i18n import Lang
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
    "idempotency_not_replayable": (
        "Jawaban dengan rahasia tidak diulang",
        "An answer holding a secret is not replayed",
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


VALIDATION_ID: dict[str, str] = {
    "missing": "wajib diisi",
    "string_type": "harus berupa teks",
    "string_too_short": "minimal {min_length} karakter",
    "string_too_long": "maksimal {max_length} karakter",
    "string_pattern_mismatch": "tidak sesuai pola {pattern}",
    "int_type": "harus berupa bilangan bulat",
    "int_parsing": "harus berupa bilangan bulat",
    "int_from_float": "harus berupa bilangan bulat",
    "float_type": "harus berupa angka",
    "float_parsing": "harus berupa angka",
    "bool_type": "harus berupa true atau false",
    "bool_parsing": "harus berupa true atau false",
    "greater_than": "harus lebih besar dari {gt}",
    "greater_than_equal": "paling kecil {ge}",
    "less_than": "harus lebih kecil dari {lt}",
    "less_than_equal": "paling besar {le}",
    "multiple_of": "harus kelipatan {multiple_of}",
    "finite_number": "harus berupa angka terhingga",
    "literal_error": "harus salah satu dari {expected}",
    "enum": "harus salah satu dari {expected}",
    "date_type": "harus berupa tanggal (YYYY-MM-DD)",
    "date_parsing": "harus berupa tanggal (YYYY-MM-DD)",
    "date_from_datetime_parsing": "harus berupa tanggal (YYYY-MM-DD)",
    "date_from_datetime_inexact": "harus berupa tanggal tanpa jam",
    "datetime_type": "harus berupa waktu ISO 8601 (mis. 2026-05-04T09:00:00+09:00)",
    "datetime_parsing": "harus berupa waktu ISO 8601 (mis. 2026-05-04T09:00:00+09:00)",
    "datetime_from_date_parsing": "harus berupa waktu ISO 8601 (mis. 2026-05-04T09:00:00+09:00)",
    "timezone_aware": "harus menyertakan zona waktu (mis. +09:00)",
    "time_type": "harus berupa jam (HH:MM)",
    "time_parsing": "harus berupa jam (HH:MM)",
    "list_type": "harus berupa daftar",
    "tuple_type": "harus berupa daftar",
    "set_type": "harus berupa daftar tanpa duplikat",
    "dict_type": "harus berupa objek",
    "model_type": "harus berupa objek",
    "model_attributes_type": "harus berupa objek",
    "too_short": "minimal {min_length} butir",
    "too_long": "maksimal {max_length} butir",
    "extra_forbidden": "tidak dikenal; hapus bidang ini",
    "json_invalid": "JSON tidak sah ({error})",
    "json_type": "harus berupa JSON",
    "bytes_type": "harus berupa data biner",
    "url_parsing": "harus berupa URL",
    "url_type": "harus berupa URL",
    "uuid_parsing": "harus berupa UUID",
    "value_error": "nilai tidak sah ({error})",
    "assertion_error": "nilai tidak sah ({error})",
}
"""Pydantic's error types in Bahasa Indonesia (the error's context fills the braces); a type not
here keeps pydantic's English message, and an error that carries its own ``message_id`` (patok's
NIP and roster checks) says that."""


def _shown(key: str, value: Any) -> str:
    """A value of an error's context as the Indonesian sentence shows it."""
    text = str(value)
    if key == "expected":
        text = text.replace(" or ", " atau ")
    if key == "error":
        text = text.removeprefix("Value error, ")
    return text


def _message_id(error: ErrorDetails) -> str:
    """One validation error in Bahasa Indonesia."""
    context: dict[str, Any] = dict(error.get("ctx") or {})
    given = context.get("message_id")
    if given:
        return str(given)
    template = VALIDATION_ID.get(error["type"])
    if template is None:
        return error["msg"]
    try:
        return template.format(**{k: _shown(k, v) for k, v in context.items()})
    except (KeyError, IndexError, ValueError):
        return error["msg"]


def invalid_fields(error: RequestValidationError | ValidationError) -> list[dict[str, str]]:
    """Each invalid field of a request (its dotted location) and why, in English (``message``)
    and in Bahasa Indonesia (``message_id``)."""
    return [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
            "message": str(e.get("msg", "")),
            "message_id": _message_id(e),
        }
        for e in error.errors()
    ]


def invalid_listing(fields: list[dict[str, str]], lang: Lang = "en") -> str:
    """The invalid fields in one line (the first ten), in ``lang``."""
    key = "message_id" if lang == "id" else "message"
    return "; ".join(f"{f['field'] or '-'}: {f.get(key) or f['message']}" for f in fields[:10])


def validation_problem(
    request: Request, error: RequestValidationError | ValidationError
) -> JSONResponse:
    """A 422 naming every invalid field of the request, in both languages."""
    fields = invalid_fields(error)
    return problem(
        request,
        422,
        "invalid_input",
        f"Masukan tidak sah — {invalid_listing(fields, 'id')}",
        f"Invalid input — {invalid_listing(fields, 'en')}",
        {"fields": fields},
    )


HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    404: ("Alamat {path} tidak ditemukan", "Nothing is found at {path}"),
    405: ("Metode {method} tidak diizinkan untuk {path}", "Method {method} is not allowed on {path}"),
}
"""The web server's own refusals (an unknown address, a wrong method), in both languages."""


def http_error_messages(status: int, detail: str, method: str, path: str) -> tuple[str, str]:
    """What to say, in Bahasa Indonesia and English, when the server itself refuses a request
    (no route matches it, or not with this method)."""
    pair = HTTP_MESSAGES.get(status)
    if pair is None:
        return f"Permintaan tidak dapat dilayani (HTTP {status}): {detail}", detail
    return pair[0].format(method=method, path=path), pair[1].format(method=method, path=path)


def internal_problem(request: Request) -> JSONResponse:
    """A 500 that gives nothing away (the error is logged, never sent)."""
    return problem(
        request,
        500,
        "internal_error",
        "Terjadi kesalahan internal; sudah dicatat. Coba lagi nanti.",
        "An internal error occurred; it has been logged. Try again later.",
    )
