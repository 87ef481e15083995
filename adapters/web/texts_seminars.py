"""The seminars pages' words in Bahasa Indonesia (default) and English; merged into
:mod:`adapters.web.texts`."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {}
