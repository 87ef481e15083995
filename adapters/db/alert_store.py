"""The alert store: what the sweep finds due, alerts raised exactly once, the outbox, and the head
of each cohort's organising agency (whom the last rung of a participant's ladder reaches)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.db.orm import AlertRow
from adapters.db.rawsql import RawSql
from domain.model import Gate
from states.ports import DueStage, OutboxMessage, RaisedAlert

_DUE = """
SELECT p.stage_id, p.id, c.id, c.code, c.timezone, c.programme_checksum, s.stage, p.gate,
       s.opened_at, p.due_at, p.participant_cycle, p.submitted_at, p.decision_due_at,
       p.submission_number, p.participant_id, p.mentor_id, p.coach_id, c.agency_head_email,
       coalesce(p.participant_clock_at, s.opened_at)
FROM projects p
JOIN stage_instances s ON s.id = p.stage_id
JOIN cohorts c ON c.id = p.cohort_id
WHERE p.next_check_at <= :now
ORDER BY p.next_check_at
LIMIT :limit
"""
_RAISE = """
INSERT INTO alerts (stage_instance_id, project_id, cohort_id, kind, clock, cycle, rung, notify,
                    due_at, raised_at)
VALUES (:sid, :pid, :cid, :kind, :clock, :cycle, :rung, :notify, :due, :at)
ON CONFLICT (stage_instance_id, kind, clock, cycle, rung) DO NOTHING
RETURNING id
"""
_NEXT = """
UPDATE projects SET next_check_at = :next
WHERE id = (SELECT project_id FROM stage_instances WHERE id = :sid) AND stage_id = :sid
"""
_RESOLVE_CLOCK = """
UPDATE alerts SET resolved_at = :at
WHERE stage_instance_id = :sid AND clock = :clock AND resolved_at IS NULL
"""
_RESOLVE_ALL = """
UPDATE alerts SET resolved_at = :at WHERE stage_instance_id = :sid AND resolved_at IS NULL
"""
_ENQUEUE = """
INSERT INTO outbox (created_at, kind, alert_id, cohort_id, project_id, person_id, channel, address,
                    lang, subject, body, payload, dedupe_key, status, attempts, next_attempt_at)
VALUES (:at, :kind, :alert, :cohort, :project, :person, :channel, :address, :lang, :subject,
        :body, :payload, :dedupe, :status, 0, :at)
ON CONFLICT (dedupe_key) DO NOTHING
"""




def _parse(raw: RawSql, value: object) -> datetime | None:
    """A timestamp read through the driver cursor, as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


class SqlAlertStore:
    """Alerts and the outbox in SQL."""

    def __init__(self, raw: RawSql, session: Callable[[], Session]) -> None:
        self._raw = raw
        self._session_of = session

    def due(self, now: datetime, limit: int) -> list[DueStage]:
        """Current stage instances whose next check has come (an indexed range scan on the
        projects' ``next_check_at``).

        On PostgreSQL the rows are locked until the sweep commits (``FOR UPDATE … SKIP LOCKED``):
        a command on the same stage then waits for the sweep and writes after it, and a stage a
        command is changing right now is left to the next sweep — so a sweep never writes from a
        stale read. SQLite writers are serialised by ``BEGIN IMMEDIATE`` already.
        """
        sql = _DUE if self._raw.dialect == "sqlite" else _DUE + "FOR UPDATE OF p SKIP LOCKED\n"
        cur_rows = self._raw.all(sql, {"now": self._raw.ts(now), "limit": limit})
        out: list[DueStage] = []
        for r in cur_rows:
            opened = _parse(self._raw, r[8])
            due = _parse(self._raw, r[9])
            assert opened is not None and due is not None
            out.append(
                DueStage(
                    stage_id=r[0],
                    project_id=r[1],
                    cohort_id=r[2],
                    cohort_code=r[3],
                    timezone=r[4],
                    programme_checksum=r[5],
                    stage=r[6],
                    gate=Gate(r[7]),
                    opened_at=opened,
                    due_at=due,
                    participant_cycle=r[10],
                    participant_clock_at=_parse(self._raw, r[18]) or opened,
                    submitted_at=_parse(self._raw, r[11]),
                    decision_due_at=_parse(self._raw, r[12]),
                    submission_number=r[13] or 0,
                    participant_id=r[14],
                    mentor_id=r[15],
                    coach_id=r[16],
                    agency_head_email=r[17],
                )
            )
        return out

    def raise_alert(
        self,
        stage_id: int,
        project_id: int,
        cohort_id: int,
        kind: str,
        clock: str,
        cycle: int,
        rung: int,
        notify: str,
        due_at: datetime,
        at: datetime,
    ) -> int | None:
        """Insert the alert unless its key exists; the id when this call recorded it."""
        found = self._raw.scalar(
            _RAISE,
            {
                "sid": stage_id,
                "pid": project_id,
                "cid": cohort_id,
                "kind": kind,
                "clock": clock,
                "cycle": cycle,
                "rung": rung,
                "notify": notify,
                "due": self._raw.ts(due_at),
                "at": self._raw.ts(at),
            },
        )
        return None if found is None else int(found)

    def set_next_check(self, stage_id: int, at: datetime | None) -> None:
        """Set when the sweep looks at the stage instance next (while it is the current one)."""
        self._raw.execute(
            _NEXT, {"sid": stage_id, "next": None if at is None else self._raw.ts(at)}
        )

    def resolve(self, stage_id: int, clock: str | None, at: datetime) -> int:
        """Resolve a stage instance's open alerts (one clock's, or all)."""
        if clock is None:
            return self._raw.execute(_RESOLVE_ALL, {"sid": stage_id, "at": self._raw.ts(at)})
        return self._raw.execute(
            _RESOLVE_CLOCK, {"sid": stage_id, "clock": clock, "at": self._raw.ts(at)}
        )

    def enqueue(self, messages: Sequence[OutboxMessage], at: datetime) -> int:
        """Queue rendered notifications (pending, or held for a digest)."""
        if not messages:
            return 0
        ts = self._raw.ts(at)
        self._raw.many(
            _ENQUEUE,
            [
                {
                    "at": ts,
                    "kind": m.kind,
                    "alert": m.alert_id,
                    "cohort": m.cohort_id,
                    "project": m.project_id,
                    "person": m.person_id,
                    "channel": m.channel,
                    "address": m.address,
                    "lang": m.lang,
                    "subject": m.subject,
                    "body": m.body,
                    "payload": m.payload,
                    "dedupe": m.dedupe_key,
                    "status": "held" if m.held else "pending",
                }
                for m in messages
            ],
        )
        return len(messages)

    def listing(
        self, cohort_id: int | None, kind: str | None, level: int | None, open_only: bool | None
    ) -> list[RaisedAlert]:
        """Alerts by filter, newest first."""
        q = select(AlertRow)
        if cohort_id is not None:
            q = q.where(AlertRow.cohort_id == cohort_id)
        if kind is not None:
            q = q.where(AlertRow.kind == kind)
        if level is not None:
            q = q.where(AlertRow.rung == level)
        if open_only is True:
            q = q.where(AlertRow.resolved_at.is_(None))
        elif open_only is False:
            q = q.where(AlertRow.resolved_at.is_not(None))
        rows = self._session_of().scalars(q.order_by(AlertRow.id.desc()))
        return [
            RaisedAlert(
                id=r.id,
                stage_instance_id=r.stage_instance_id,
                project_id=r.project_id,
                cohort_id=r.cohort_id,
                kind=r.kind,
                clock=r.clock,
                cycle=r.cycle,
                rung=r.rung,
                notify=r.notify,
                due_at=r.due_at.replace(tzinfo=UTC),
                raised_at=r.raised_at.replace(tzinfo=UTC),
                resolved_at=None if r.resolved_at is None else r.resolved_at.replace(tzinfo=UTC),
            )
            for r in rows
        ]
