"""Checks on uploaded artifacts against the programme: known kind, allowed type, size limit, and
content that is what its type says (a PDF that starts like a PDF, an Office file that is a zip
package, a PNG or JPEG with its signature)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from domain.errors import GuardFailed
from domain.model import Artifact, ArtifactUpload
from domain.programme import ProgrammeDefinition

_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/zip": (b"PK\x03\x04",),
}
_OOXML = "application/vnd.openxmlformats-officedocument."


def content_matches(media_type: str, content: bytes) -> bool:
    """Whether the bytes begin as files of ``media_type`` do (types without a known signature
    always match): a text file renamed ``laporan.pdf`` does not."""
    key = "application/zip" if media_type.startswith(_OOXML) else media_type
    signatures = _SIGNATURES.get(key)
    return signatures is None or content.startswith(signatures)


def check_uploads(
    programme: ProgrammeDefinition, uploads: Sequence[ArtifactUpload]
) -> list[tuple[Artifact, bytes]]:
    """Validate uploads and compute their checksums; raise GuardFailed naming every problem."""
    known = {spec.code: spec for spec in programme.artifacts}
    problems_id: list[str] = []
    problems_en: list[str] = []
    checked: list[tuple[Artifact, bytes]] = []
    for upload in uploads:
        spec = known.get(upload.kind)
        if spec is None:
            problems_id.append(f"jenis berkas '{upload.kind}' tidak dikenal ({', '.join(known)})")
            problems_en.append(f"unknown artifact kind '{upload.kind}' (known: {', '.join(known)})")
            continue
        if upload.media_type not in spec.media_types:
            problems_id.append(
                f"{upload.filename}: tipe {upload.media_type} tidak diizinkan untuk {spec.code} "
                f"({', '.join(spec.media_types)})"
            )
            problems_en.append(
                f"{upload.filename}: type {upload.media_type} is not allowed for {spec.code} "
                f"(allowed: {', '.join(spec.media_types)})"
            )
            continue
        if not content_matches(upload.media_type, upload.content):
            problems_id.append(
                f"{upload.filename}: isinya bukan berkas {upload.media_type} (jenis berkas salah)"
            )
            problems_en.append(
                f"{upload.filename}: its content is not a {upload.media_type} file "
                "(wrong file type)"
            )
            continue
        limit = spec.max_size_mb * 1024 * 1024
        if len(upload.content) > limit:
            problems_id.append(f"{upload.filename}: melebihi {spec.max_size_mb} MB")
            problems_en.append(f"{upload.filename}: larger than {spec.max_size_mb} MB")
            continue
        artifact = Artifact(
            kind=upload.kind,
            filename=upload.filename,
            media_type=upload.media_type,
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
        )
        checked.append((artifact, upload.content))
    if problems_en:
        raise GuardFailed(
            "Berkas ditolak: " + "; ".join(problems_id),
            "Artifacts refused: " + "; ".join(problems_en),
            problems=problems_en,
        )
    return checked
