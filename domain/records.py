"""Submissions and decisions as recorded in a project's audit stream.

A submission or a decision has no record of its own: the audit entry that made it
(``stage.submitted``, ``stage.approved``, ``stage.changes_requested``) holds every field of it,
and that entry's sequence number is its id. This module reads them back from a project's entries.

Stage instances open in a fixed pattern — the first with the project, a new one on each approval
that leads to another stage and on each reopening — so walking the stream in order tells which
instance every entry belongs to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.audit import StoredEntry
from domain.model import Artifact, Decision, Outcome, Submission

SUBMITTED = "stage.submitted"
APPROVED = "stage.approved"
CHANGES_REQUESTED = "stage.changes_requested"
REOPENED = "stage.reopened"
OUTCOMES: Mapping[str, Outcome] = {
    APPROVED: Outcome.APPROVED,
    CHANGES_REQUESTED: Outcome.CHANGES_REQUESTED,
}
RECORD_ACTIONS: frozenset[str] = frozenset({SUBMITTED, APPROVED, CHANGES_REQUESTED, REOPENED})
"""The actions that make or place a submission or a decision."""


@dataclass(frozen=True, slots=True)
class StageRecords:
    """A project's submissions and decisions, oldest first."""

    submissions: list[Submission] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


def artifact_payload(artifact: Artifact) -> dict[str, Any]:
    """How a submission's audit entry records one of its files."""
    return {
        "kind": artifact.kind,
        "filename": artifact.filename,
        "media_type": artifact.media_type,
        "sha256": artifact.sha256,
        "size": artifact.size,
    }


def stage_records(
    entries: Iterable[StoredEntry],
    stage_ids: Sequence[int],
    media_type_of: Callable[[str], str] | None = None,
) -> StageRecords:
    """The submissions and decisions recorded in one project's entries (in stream order).

    ``stage_ids`` are the project's stage instances in the order they opened; ``media_type_of``
    names the media type of a file recorded before entries carried it (by its checksum).
    """
    out = StageRecords()
    position = 0
    pending: int | None = None
    for entry in entries:
        if entry.action not in RECORD_ACTIONS:
            continue
        payload = json.loads(entry.payload_json)
        if entry.action == REOPENED:
            position += 1
            pending = None
            continue
        if position >= len(stage_ids) or entry.actor_id is None:
            continue
        if entry.action == SUBMITTED:
            out.submissions.append(
                Submission(
                    id=entry.seq,
                    stage_instance_id=stage_ids[position],
                    number=int(payload.get("submission", len(out.submissions) + 1)),
                    submitted_by=entry.actor_id,
                    submitted_at=entry.at,
                    note=str(payload.get("note", "")),
                    artifacts=tuple(_artifact(a, media_type_of) for a in payload["artifacts"]),
                )
            )
            pending = entry.seq
            continue
        if pending is not None:
            out.decisions.append(
                Decision(
                    id=entry.seq,
                    submission_id=pending,
                    decided_by=entry.actor_id,
                    outcome=OUTCOMES[entry.action],
                    comment=str(payload.get("comment", "")),
                    decided_at=entry.at,
                )
            )
            pending = None
        if entry.action == APPROVED and payload.get("next_stage"):
            position += 1
    return out


def _artifact(raw: Mapping[str, Any], media_type_of: Callable[[str], str] | None) -> Artifact:
    media_type = raw.get("media_type")
    if media_type is None:
        media_type = media_type_of(raw["sha256"]) if media_type_of else "application/octet-stream"
    return Artifact(
        kind=raw["kind"],
        filename=raw["filename"],
        media_type=media_type,
        size=raw["size"],
        sha256=raw["sha256"],
    )
