"""Uploaded files: what type they really are, judged by their first bytes, not by their name.

The programme says which media types each artifact accepts and how large it may be (the engine
checks both). A browser's or a client's declared type is only a claim: a file whose content does
not match the type it claims is refused here, and a file sent as ``application/octet-stream`` gets
the type its content shows.
"""

from __future__ import annotations

import mimetypes

from domain.errors import ValidationFailed
from domain.model import ArtifactUpload

_OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_SIGNATURES: list[tuple[bytes, set[str]]] = [
    (b"%PDF-", {"application/pdf"}),
    (b"\x89PNG\r\n\x1a\n", {"image/png"}),
    (b"\xff\xd8\xff", {"image/jpeg"}),
    (b"PK\x03\x04", _OOXML | {"application/zip"}),
]
_GENERIC = {"", "application/octet-stream", "binary/octet-stream"}


def sniff(content: bytes) -> set[str]:
    """The media types the content's signature allows (empty: not a type patok recognises)."""
    for magic, types in _SIGNATURES:
        if content.startswith(magic):
            return types
    return set()


def upload(kind: str, filename: str, declared: str, content: bytes) -> ArtifactUpload:
    """An artifact upload whose media type agrees with its content; refuses one that lies."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or f"{kind}.bin"
    declared = declared.split(";", 1)[0].strip().lower()
    seen = sniff(content)
    if declared in _GENERIC:
        guessed = (mimetypes.guess_type(name)[0] or "").lower()
        declared = guessed if guessed in seen else (next(iter(sorted(seen))) if seen else declared)
    if declared in {t for _, types in _SIGNATURES for t in types} and declared not in seen:
        raise ValidationFailed(
            f"{name}: isi berkas bukan {declared} seperti yang dinyatakan",
            f"{name}: the file's content is not {declared} as declared",
            filename=name,
            declared=declared,
        )
    return ArtifactUpload(
        kind=kind, filename=name[:255], media_type=declared or "application/octet-stream",
        content=content,
    )
