"""Checks on uploaded artifacts against the programme: known kind, allowed type, size limit."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from domain.errors import GuardFailed
from domain.model import Artifact, ArtifactUpload
from domain.programme import ProgrammeDefinition


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
