"""Appending to a hash-chained audit stream inside a unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.audit import canonical_payload, entry_hash
from states.ports import AuditAppend, UnitOfWork


def append_event(
    uow: UnitOfWork,
    *,
    stream: str,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    payload: dict[str, Any],
) -> str:
    """Append one entry chained to ``prev_hash`` at position ``seq``; return its hash."""
    body = canonical_payload(payload)
    digest = entry_hash(prev_hash, stream, seq, at, actor_id, action, body)
    uow.audit.append(AuditAppend(stream, seq, at, actor_id, action, body, prev_hash, digest))
    return digest
