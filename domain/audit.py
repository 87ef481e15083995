"""The audit log's hash chain: how an entry's hash is computed and how a stream is verified."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
"""The previous-hash of the first entry of every stream."""


def stream_of_project(project_id: int) -> str:
    """The audit stream name of a project."""
    return f"project:{project_id}"


def stream_of_cohort(cohort_id: int) -> str:
    """The audit stream name of a cohort."""
    return f"cohort:{cohort_id}"


_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
)


def canonical_payload(payload: Mapping[str, Any]) -> str:
    """The payload as canonical JSON (sorted keys, no spaces): what is stored and hashed."""
    return _CANONICAL.encode(payload)


def utc_naive(at: datetime) -> datetime:
    """An instant as naive UTC, the form stored in the database and hashed."""
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo is not None else at


def entry_hash(
    prev_hash: str,
    stream: str,
    stream_seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    payload_json: str,
) -> str:
    """SHA-256 over the previous hash and every field of the entry."""
    material = "\x1f".join(
        (
            prev_hash,
            stream,
            str(stream_seq),
            utc_naive(at).isoformat(timespec="microseconds"),
            "" if actor_id is None else str(actor_id),
            action,
            payload_json,
        )
    )
    return hashlib.sha256(material.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An audit row as read back for verification."""

    seq: int
    stream: str
    stream_seq: int
    at: datetime
    actor_id: int | None
    action: str
    payload_json: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainFault:
    """The first entry of a stream that does not verify, and why."""

    stream: str
    seq: int | None
    stream_seq: int
    why: str


def verify_stream(
    stream: str, entries: Iterable[StoredEntry], head_hash: str, head_seq: int
) -> ChainFault | None:
    """Check one stream's chain (entries ordered by stream_seq) against its recorded head.

    Detects an edited entry (its hash no longer matches), a deleted or reordered entry (a gap in
    stream_seq or a broken link) and a deleted tail (the last entry is not the recorded head).
    """
    prev = GENESIS
    expected_seq = 1
    for entry in entries:
        if entry.stream_seq != expected_seq:
            return ChainFault(
                stream,
                entry.seq,
                expected_seq,
                f"entry {expected_seq} is missing (found {entry.stream_seq})",
            )
        if entry.prev_hash != prev:
            return ChainFault(
                stream, entry.seq, entry.stream_seq, "link to the previous entry is broken"
            )
        computed = entry_hash(
            entry.prev_hash,
            entry.stream,
            entry.stream_seq,
            entry.at,
            entry.actor_id,
            entry.action,
            entry.payload_json,
        )
        if computed != entry.hash:
            return ChainFault(
                stream, entry.seq, entry.stream_seq, "content does not match its hash (edited)"
            )
        prev = entry.hash
        expected_seq += 1
    if expected_seq - 1 != head_seq or prev != head_hash:
        return ChainFault(
            stream,
            None,
            expected_seq,
            f"stream ends at entry {expected_seq - 1} but its head is entry {head_seq} (deleted tail)",
        )
    return None
