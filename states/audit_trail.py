"""Appending to a hash-chained audit stream inside a unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.audit import canonical_payload, entry_hash, stream_of_cohort
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


def append_cohort_event(
    uow: UnitOfWork,
    cohort_id: int,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    payload: dict[str, Any],
) -> str:
    """Append one entry to a cohort's stream and advance the cohort under its version check
    (so two writers of the same cohort cannot both commit); return the new head."""
    version, head = uow.cohorts.audit_head(cohort_id)
    digest = append_event(
        uow,
        stream=stream_of_cohort(cohort_id),
        prev_hash=head,
        seq=version + 1,
        at=at,
        actor_id=actor_id,
        action=action,
        payload=payload,
    )
    uow.cohorts.bump(cohort_id, version, digest)
    return digest
