"""Which language a request is answered in: Bahasa Indonesia unless English is asked for.

Pages: the language switch's cookie, else the signed-in person's own setting, else Bahasa
Indonesia (a browser's ``Accept-Language`` does not change the default). The API: the request's
``Accept-Language`` (``en`` or ``id`` first), else the caller's own setting, else Bahasa Indonesia.
"""

from __future__ import annotations

from fastapi import Request

from adapters.i18n import Lang

LANG_COOKIE = "patok_lang"


def _person_lang(request: Request) -> Lang | None:
    principal = getattr(request.state, "principal", None)
    person = getattr(principal, "person", None)
    if person is None:
        return None
    return "en" if person.lang == "en" else "id"


def lang_of(request: Request) -> Lang:
    """The language to answer ``request`` in."""
    if request.url.path.startswith("/api/"):
        header = request.headers.get("accept-language", "")
        first = header.split(",", 1)[0].split(";", 1)[0].strip().lower()
        if first.startswith("en"):
            return "en"
        if first.startswith("id"):
            return "id"
        return _person_lang(request) or "id"
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in ("id", "en"):
        return "en" if chosen == "en" else "id"
    return _person_lang(request) or "id"
