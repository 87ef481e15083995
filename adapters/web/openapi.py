"""The OpenAPI document as clients need it: FastAPI's, completed where FastAPI cannot know.

* Problem answers are declared as ``application/problem+json`` with the ``Problem`` schema (the
  media type they are sent with), not as ``application/json``;
* every POST declares the optional ``Idempotency-Key`` header;
* the two ways to authenticate are security schemes: a bearer API token, or the session cookie
  with its CSRF token in ``X-CSRF-Token`` on writes.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from adapters.web.auth import SESSION_COOKIE
from adapters.web.problems import PROBLEM_MEDIA_TYPE

PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Send the same key again with the same request and it is answered once: the stored "
        "answer is replayed (`Idempotent-Replayed: true`); another request under the key is 422, "
        "one still running 409, and an answer that showed a secret once (a token, a temporary "
        "password) is not kept: its replay is 409. Kept per credential for 24 hours, honoured "
        "only while the credential holds."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
}
SECURITY_SCHEMES = {
    "apiToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (`patok_…`) a coordinator issued for one cohort",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "A browser session, from the login page",
    },
    "csrf": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRF-Token",
        "description": "The session's CSRF token; with a session, required on every write",
    },
}


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with problem media types, the idempotency header and security schemes."""
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for answer in operation.get("responses", {}).values():
                content = answer.get("content", {})
                if PROBLEM_MEDIA_TYPE in content:
                    content[PROBLEM_MEDIA_TYPE] = {"schema": PROBLEM_SCHEMA}
                    content.pop("application/json", None)
            if method == "post":
                operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
    document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    document["security"] = [{"apiToken": []}, {"session": [], "csrf": []}]
    return document


def install(app: FastAPI) -> None:
    """Serve FastAPI's own document, completed once, on first request."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
