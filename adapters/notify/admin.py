"""Dead letters as a coordinator sees them: only those of the cohorts they coordinate.

The CLI and the API both go through these two functions, so the same person sees and may retry
the same messages from either door.
"""

from __future__ import annotations

from datetime import datetime

from adapters.bootstrap import Patok
from adapters.notify.dispatcher import DeadLetter, dead_letters, retry_dead
from domain.errors import Forbidden, ValidationFailed
from domain.roles import Action


def managed_dead_letters(
    app: Patok, actor_id: int, cohort: str | None, scope_cohort_id: int | None = None
) -> list[DeadLetter]:
    """Dead letters of the cohorts the actor coordinates (of one, if named; of the token's
    cohort only, when acting through a cohort-scoped token)."""
    engine = app.database
    if engine is None:
        raise ValidationFailed("Tidak ada basis data SQL", "No SQL database is configured")
    managed = app.queries.cohorts_for(actor_id, Action.MANAGE_COHORT)
    if scope_cohort_id is not None:
        managed = {cid: code for cid, code in managed.items() if cid == scope_cohort_id}
    if cohort is not None:
        wanted = {cid for cid, code in managed.items() if code == cohort}
        if not wanted:
            raise Forbidden(
                f"Anda bukan koordinator angkatan {cohort}",
                f"You do not coordinate cohort {cohort}",
            )
        managed = {cid: managed[cid] for cid in wanted}
    return [letter for cid in sorted(managed) for letter in dead_letters(engine, cid)]


def retry_managed(
    app: Patok,
    actor_id: int,
    ids: list[int],
    *,
    all_dead: bool,
    now: datetime,
    scope_cohort_id: int | None = None,
) -> int:
    """Put dead letters of the actor's cohorts back in the queue; refuse anyone else's."""
    if not ids and not all_dead:
        raise ValidationFailed("Sebutkan nomor pesan atau --all", "Give outbox ids or --all")
    mine = {r.id for r in managed_dead_letters(app, actor_id, None, scope_cohort_id)}
    chosen = sorted(mine) if all_dead else sorted(set(ids))
    foreign = sorted(set(chosen) - mine)
    if foreign:
        raise Forbidden(
            f"Pesan {', '.join(map(str, foreign))} bukan pesan gagal di angkatan Anda",
            f"Messages {', '.join(map(str, foreign))} are not dead letters of your cohorts",
        )
    engine = app.database
    assert engine is not None
    return retry_dead(engine, chosen, now=now) if chosen else 0
