"""The outbox dispatcher: claim due rows, send each through its channel, record the outcome.

Rows are written into ``outbox`` by the code that causes them (status ``pending``, or ``held`` for
people who asked for a daily digest). :meth:`Dispatcher.run_once` works in three steps:

1. **Claim** — one short write transaction selects up to ``batch`` rows that are ``pending``, due
   (``next_attempt_at <= now``), not leased by anyone else (``claimed_until`` empty or past) and of
   a channel this dispatcher has, oldest first, and sets ``claimed_until = now + lease``. On
   PostgreSQL the select is ``FOR UPDATE SKIP LOCKED``, so dispatchers on several hosts never claim
   the same row; on SQLite the transaction starts with ``BEGIN IMMEDIATE``, which serialises them.
2. **Send** each claimed row, outside any transaction.
3. **Record** the outcome right after each send, in a small transaction of its own: ``sent`` (with
   ``sent_at``), or one more failed attempt with ``last_error`` and ``next_attempt_at = now +
   min(max_backoff, base_backoff * 2**attempts)``, or ``dead`` once ``max_attempts`` deliveries have
   failed or the failure is permanent. Every update is guarded by ``status = 'pending'`` (failures
   also by the lease this dispatcher took), so a dispatcher whose lease went stale never overwrites
   what another one recorded. A failing channel or row is caught and logged per row; it never
   stops the rest of the batch.

Delivery through **SMTP is recorded before it is accepted**: the channel sends the envelope and
the message, then the dispatcher records the row as ``sent`` in its own small transaction, then
the channel sends the final ``.`` of DATA, the step the server accepts the message on. A crash
before the record leaves the row ``pending`` and the server discards the unfinished message; a
failed record means the ``.`` is never sent; a server refusing the ``.`` turns the record back
into a retry (or a dead letter). So a killed dispatcher sends no e-mail twice; the only window
left is the microseconds between the record and the ``.``, where a crash loses that one message
(recorded as sent). A connection lost after the ``.`` and before the server's reply is a failure
like any other, so that message is tried again although the server may have taken it. Channels without such a step (webhooks, Apprise) are **at least once**: if
the process dies after the receiver accepted a message and before the outcome transaction
committed, the row stays ``pending`` with its lease and is sent again once the lease expires —
at most one row per dispatcher process per crash, recognisable by the same ``Idempotency-Key``
and ``X-Patok-Delivery`` (an e-mail always carries the same ``Message-ID: <outbox-{id}.{hash}@patok>``
and ``Date``). A second, rarer window: a dispatcher that stalls
longer than its lease (e.g. frozen for minutes) can have its rows claimed and sent by another
dispatcher; to keep clear of it a run stops sending once 80 % of its lease has elapsed and
releases the rows it has not tried. Leases compare the dispatchers' clocks, so keep hosts in NTP
sync (an error well below the lease, five minutes by default).

``attempts`` counts failed deliveries; ``dead`` rows stay until :func:`retry_dead` puts them back.
:func:`digest` turns each person's ``held`` rows into one ``pending`` summary e-mail.

**Stale notices are cancelled, never sent.** At the claim (and when a digest is written) each row
is checked against what it is about: a reminder or escalation whose alert has been resolved since
(the late report arrived, the decision was made, an extension was granted), a ``decision_waiting``
notice whose submission has been decided (or whose stage was left), an ``extension_requested``
notice whose request has been decided. Such a row becomes ``cancelled`` — kept, with the reason in
``last_error`` (``cancelled: alert 12 was resolved at …``) — and a digest leaves it out.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import structlog
from sqlalchemy import Connection, Engine, RowMapping, Table, insert, or_, select, update

from adapters.db.database import WRITE
from adapters.db.orm import (
    AlertRow,
    CohortRow,
    ExtensionRow,
    MembershipRow,
    OutboxRow,
    PersonRow,
    ProjectRow,
)
from adapters.notify.channels import (
    AppriseChannel,
    Channel,
    CommittingChannel,
    DeliveryError,
    OutgoingMessage,
    SmtpChannel,
    WebhookChannel,
)
from adapters.notify.settings import NotifySettings

__all__ = [
    "DeadLetter",
    "DigestReport",
    "DispatchReport",
    "Dispatcher",
    "HeldMessage",
    "build_channels",
    "dead_letters",
    "digest",
    "digest_run",
    "retry_dead",
    "stale_reasons",
]

log = structlog.get_logger("patok.notify")

OUTBOX = cast(Table, OutboxRow.__table__)
PEOPLE = cast(Table, PersonRow.__table__)
ALERTS = cast(Table, AlertRow.__table__)
PROJECTS = cast(Table, ProjectRow.__table__)
EXTENSIONS = cast(Table, ExtensionRow.__table__)
DECISION_WAITING = "decision_waiting"
EXTENSION_REQUESTED = "extension_requested"
LEASE_USE = 0.8
"""The share of the lease a run may spend sending; the rest is a margin for the last send."""
MAX_ERROR = 2000


def _system_now() -> datetime:
    return datetime.now(UTC)


def _naive_utc(instant: datetime) -> datetime:
    """The stored form of an instant: naive UTC (naive input is taken to be UTC already)."""
    if instant.tzinfo is None:
        return instant
    return instant.astimezone(UTC).replace(tzinfo=None)


@contextmanager
def _writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction (``BEGIN IMMEDIATE`` on SQLite), committed when the block succeeds."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            yield conn


def _message(row: RowMapping) -> OutgoingMessage:
    return OutgoingMessage(
        id=int(row["id"]),
        channel=str(row["channel"]),
        address=str(row["address"]),
        subject=str(row["subject"]),
        body=str(row["body"]),
        dedupe_key=str(row["dedupe_key"]),
        payload=str(row["payload"]),
        lang=str(row["lang"]),
        kind=str(row["kind"]),
        created_at=row["created_at"],
        attempts=int(row["attempts"]),
        cohort_id=None if row["cohort_id"] is None else int(row["cohort_id"]),
    )


def _payload_of(row: RowMapping) -> dict[str, Any]:
    try:
        data = json.loads(str(row["payload"] or "{}"))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def stale_reasons(conn: Connection, rows: Sequence[RowMapping]) -> dict[int, str]:
    """Why each of these outbox rows must not be sent any more (rows still worth sending are
    absent): its alert was resolved, the submission it announces was decided, the extension
    request it announces was decided. Three small indexed reads at most, whatever the batch."""
    reasons: dict[int, str] = {}
    by_alert: dict[int, list[int]] = {}
    waiting: dict[int, tuple[int, int, int]] = {}
    requests: dict[int, list[int]] = {}
    for row in rows:
        row_id = int(row["id"])
        if row["alert_id"] is not None:
            by_alert.setdefault(int(row["alert_id"]), []).append(row_id)
        elif row["kind"] == DECISION_WAITING:
            data = _payload_of(row)
            project, stage, number = (
                _int(data.get("project_id")),
                _int(data.get("stage_id")),
                _int(data.get("submission")),
            )
            if project is not None and stage is not None and number is not None:
                waiting[row_id] = (project, stage, number)
        elif row["kind"] == EXTENSION_REQUESTED:
            extension = _int(_payload_of(row).get("extension"))
            if extension is not None:
                requests.setdefault(extension, []).append(row_id)
    if by_alert:
        resolved = conn.execute(
            select(ALERTS.c.id, ALERTS.c.resolved_at).where(
                ALERTS.c.id.in_(sorted(by_alert)), ALERTS.c.resolved_at.is_not(None)
            )
        ).all()
        for alert_id, at in resolved:
            for row_id in by_alert[int(alert_id)]:
                reasons[row_id] = (
                    f"cancelled: alert {alert_id} was resolved at {at:%Y-%m-%d %H:%M} UTC "
                    "before this was sent"
                )
    if waiting:
        now_at = {
            int(r.id): (r.stage_id, r.gate, r.submission_number)
            for r in conn.execute(
                select(
                    PROJECTS.c.id,
                    PROJECTS.c.stage_id,
                    PROJECTS.c.gate,
                    PROJECTS.c.submission_number,
                ).where(PROJECTS.c.id.in_(sorted({p for p, _, _ in waiting.values()})))
            )
        }
        for row_id, (project, stage, number) in waiting.items():
            if now_at.get(project) != (stage, "submitted", number):
                reasons[row_id] = (
                    f"cancelled: submission #{number} of project {project} was decided "
                    "(or its stage left) before this was sent"
                )
    if requests:
        decided = conn.execute(
            select(EXTENSIONS.c.id, EXTENSIONS.c.status).where(
                EXTENSIONS.c.id.in_(sorted(requests)), EXTENSIONS.c.status != "pending"
            )
        ).all()
        for extension, status in decided:
            for row_id in requests[int(extension)]:
                reasons[row_id] = (
                    f"cancelled: extension request {extension} was {status} before this was sent"
                )
    return reasons


def _cancel(conn: Connection, reasons: Mapping[int, str], statuses: Sequence[str]) -> int:
    """Mark these rows ``cancelled`` (only while still in one of ``statuses``), with reasons."""
    done = 0
    for row_id, reason in sorted(reasons.items()):
        done += conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == row_id, OUTBOX.c.status.in_(list(statuses)))
            .values(status="cancelled", last_error=reason[:MAX_ERROR], claimed_until=None)
        ).rowcount
    if done:
        log.info("notify.cancelled", rows=done)
    return done


@dataclass(frozen=True, slots=True)
class DispatchReport:
    """What one run did: rows claimed, and of those sent, scheduled for retry, or dead.

    ``stale`` outcomes were not recorded because another dispatcher had already taken the row over;
    ``released`` rows were handed back unsent because the run's lease was running out;
    ``cancelled`` rows were due but no longer worth sending (see the module documentation).
    ``cohorts`` are the ids of the cohorts whose rows the run claimed or cancelled; ``dead_ids``
    the rows this run turned into dead letters.
    """

    sent: int = 0
    retried: int = 0
    dead: int = 0
    claimed: int = 0
    stale: int = 0
    released: int = 0
    cancelled: int = 0
    cohorts: frozenset[int] = frozenset()
    dead_ids: tuple[int, ...] = ()

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            self.sent + other.sent,
            self.retried + other.retried,
            self.dead + other.dead,
            self.claimed + other.claimed,
            self.stale + other.stale,
            self.released + other.released,
            self.cancelled + other.cancelled,
            self.cohorts | other.cohorts,
            self.dead_ids + other.dead_ids,
        )

    def counts(self) -> dict[str, int]:
        """The counters by name (everything but ``cohorts``)."""
        return {
            "sent": self.sent,
            "retried": self.retried,
            "dead": self.dead,
            "claimed": self.claimed,
            "stale": self.stale,
            "released": self.released,
            "cancelled": self.cancelled,
        }


class Dispatcher:
    """Sends due outbox rows through ``channels`` (keyed by the rows' ``channel`` column).

    Only rows of the channels given are claimed; rows of other channels wait for a dispatcher that
    has them. ``clock`` returns the current instant (aware, or naive UTC).
    """

    def __init__(
        self,
        engine: Engine,
        channels: Mapping[str, Channel],
        *,
        batch: int = 50,
        max_attempts: int = 5,
        base_backoff: timedelta = timedelta(seconds=30),
        max_backoff: timedelta = timedelta(hours=1),
        lease: timedelta = timedelta(minutes=5),
        clock: Callable[[], datetime] = _system_now,
    ) -> None:
        if batch < 1 or max_attempts < 1:
            raise ValueError("batch and max_attempts must be at least 1")
        if lease <= timedelta(0) or base_backoff < timedelta(0) or max_backoff < base_backoff:
            raise ValueError("need lease > 0 and 0 <= base_backoff <= max_backoff")
        self.engine = engine
        self.channels = dict(channels)
        self.batch = batch
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.lease = lease
        self._clock = clock

    @classmethod
    def from_settings(
        cls,
        engine: Engine,
        settings: NotifySettings,
        *,
        clock: Callable[[], datetime] = _system_now,
        **options: Any,
    ) -> Dispatcher:
        """A dispatcher with the channels and ``max_attempts`` of ``settings``."""
        options.setdefault("max_attempts", settings.max_attempts)
        return cls(engine, build_channels(settings), clock=clock, **options)

    def _now(self) -> datetime:
        return _naive_utc(self._clock())

    def backoff(self, failed: int) -> timedelta:
        """The wait after a row's ``failed + 1``-th failed delivery."""
        return min(self.max_backoff, self.base_backoff * (1 << min(max(failed, 0), 32)))

    def run_once(self, now: datetime | None = None) -> DispatchReport:
        """Claim one batch of due rows, send them, record each outcome; report what happened.

        With ``now`` given every decision uses it; otherwise the clock is read at the claim and
        again when each outcome is recorded.
        """
        fixed = None if now is None else _naive_utc(now)
        start = fixed or self._now()
        messages, until, cancelled, cohorts = self._claim(start)
        sent = retried = dead = stale = released = 0
        dead_ids: list[int] = []
        stop_at = time.monotonic() + self.lease.total_seconds() * LEASE_USE
        for index, message in enumerate(messages):
            if time.monotonic() > stop_at:
                released = self._release(messages[index:], until)
                log.warning(
                    "notify.lease_running_out", released=released, left=len(messages) - index
                )
                break
            outcome = self._send(message, until, fixed)
            if outcome is None:
                continue
            if outcome == "sent":
                sent += 1
            elif outcome == "retry":
                retried += 1
            elif outcome == "dead":
                dead += 1
                dead_ids.append(message.id)
            else:
                stale += 1
        return DispatchReport(
            sent, retried, dead, len(messages), stale, released, cancelled, cohorts, tuple(dead_ids)
        )

    def drain(self, now: datetime | None = None, *, max_rounds: int = 1000) -> DispatchReport:
        """Run until a run claims nothing (rows waiting for a retry stay waiting)."""
        total = DispatchReport()
        for _ in range(max_rounds):
            report = self.run_once(now)
            total += report
            if report.claimed == 0 and report.cancelled == 0:
                break
        return total

    def _claim(
        self, now: datetime
    ) -> tuple[list[OutgoingMessage], datetime, int, frozenset[int]]:
        """Lease up to ``batch`` due rows; cancel those gone stale instead. Returns the leased
        rows, the lease's end, how many were cancelled and the cohorts of both."""
        until = now + self.lease
        if not self.channels:
            return [], until, 0, frozenset()
        with _writing(self.engine) as conn:
            query = (
                select(OUTBOX)
                .where(
                    OUTBOX.c.status == "pending",
                    OUTBOX.c.channel.in_(sorted(self.channels)),
                    OUTBOX.c.next_attempt_at <= now,
                    or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now),
                )
                .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id)
                .limit(self.batch)
            )
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            found = conn.execute(query).mappings().all()
            reasons = stale_reasons(conn, found) if found else {}
            cancelled = _cancel(conn, reasons, ["pending"]) if reasons else 0
            rows = [row for row in found if int(row["id"]) not in reasons]
            if rows:
                conn.execute(
                    update(OUTBOX)
                    .where(OUTBOX.c.id.in_([row["id"] for row in rows]))
                    .values(claimed_until=until)
                )
        cohorts = frozenset(int(r["cohort_id"]) for r in found if r["cohort_id"] is not None)
        return [_message(row) for row in rows], until, cancelled, cohorts

    def _release(self, messages: Sequence[OutgoingMessage], until: datetime) -> int:
        try:
            with _writing(self.engine) as conn:
                result = conn.execute(
                    update(OUTBOX)
                    .where(
                        OUTBOX.c.id.in_([m.id for m in messages]),
                        OUTBOX.c.status == "pending",
                        OUTBOX.c.claimed_until == until,
                    )
                    .values(claimed_until=None)
                )
                return int(result.rowcount)
        except Exception:
            log.exception("notify.release_failed")  # the lease runs out on its own
            return 0

    def _send(
        self, message: OutgoingMessage, until: datetime, fixed: datetime | None
    ) -> str | None:
        """Deliver one claimed row and record its outcome: 'sent', 'retry', 'dead', 'stale', or
        None when the outcome could not be stored (logged; the lease frees the row later).

        A channel that can (SMTP) gets the row recorded as sent right before the receiver's
        accepting step, so a crash never leaves a message accepted and unrecorded; if that step
        then fails, the record is turned back into a retry (or a dead letter)."""
        recorded: list[tuple[str, datetime]] = []

        def record_sent() -> None:
            at = fixed or self._now()
            outcome = self._record(message, None, at, until)
            recorded.append((outcome, at))
            if outcome != "sent":  # the row is no longer ours: do not deliver it
                raise _NotOurs()

        try:
            error = self._deliver(message, record_sent)
        except Exception:
            log.exception("notify.record_failed", outbox_id=message.id, channel=message.channel)
            return None
        if recorded:
            outcome, sent_at = recorded[0]
            if error is None or outcome != "sent":
                return outcome
            return self._record(message, error, fixed or self._now(), until, sent_at=sent_at)
        try:
            return self._record(message, error, fixed or self._now(), until)
        except Exception:
            log.exception(
                "notify.record_failed",
                outbox_id=message.id,
                channel=message.channel,
                delivered=error is None,
            )
            return None

    def _deliver(
        self, message: OutgoingMessage, record_sent: Callable[[], None]
    ) -> DeliveryError | None:
        channel = self.channels.get(message.channel)
        if channel is None:
            return DeliveryError(f"no channel {message.channel!r}", retryable=False)
        try:
            if isinstance(channel, CommittingChannel):
                channel.send_committing(message, record_sent)
            else:
                channel.send(message)
        except DeliveryError as err:
            return err
        except _NotOurs:
            return None
        except Exception as err:  # a bug in a channel must not stop the batch
            log.exception("notify.channel_crashed", outbox_id=message.id, channel=message.channel)
            return DeliveryError(f"{type(err).__name__}: {err}", retryable=True)
        return None

    def _record(
        self,
        message: OutgoingMessage,
        error: DeliveryError | None,
        at: datetime,
        until: datetime,
        *,
        sent_at: datetime | None = None,
    ) -> str:
        """Store the outcome of one send; return 'sent', 'retry', 'dead' or 'stale'.

        ``sent_at``: the row was recorded as sent at that instant just before the receiver's
        accepting step, which then failed; the failure replaces that record."""
        row_log = log.bind(outbox_id=message.id, channel=message.channel, kind=message.kind)
        mine = [OUTBOX.c.id == message.id, OUTBOX.c.status == "pending"]
        if sent_at is not None:
            mine = [OUTBOX.c.id == message.id, OUTBOX.c.status == "sent", OUTBOX.c.sent_at == sent_at]
        if error is None:
            values: dict[str, Any] = {"status": "sent", "sent_at": at, "claimed_until": None}
            outcome = "sent"
        else:
            # a failure counts only while the row is still ours: same lease, nobody re-claimed it
            if sent_at is None:
                mine.append(OUTBOX.c.claimed_until == until)
            failed = message.attempts + 1
            values = {
                "attempts": failed,
                "last_error": str(error)[:MAX_ERROR],
                "claimed_until": None,
                "status": "pending",
                "sent_at": None,
            }
            if not error.retryable or failed >= self.max_attempts:
                values["status"] = "dead"
                outcome = "dead"
            else:
                values["next_attempt_at"] = at + self.backoff(message.attempts)
                outcome = "retry"
        with _writing(self.engine) as conn:
            touched = conn.execute(update(OUTBOX).where(*mine).values(**values)).rowcount
        if touched != 1:
            row_log.warning("notify.stale_outcome", outcome=outcome, error=str(error or ""))
            return "stale"
        if outcome == "sent":
            row_log.info("notify.sent", attempt=message.attempts + 1)
        elif outcome == "retry":
            row_log.warning(
                "notify.retry",
                attempt=message.attempts + 1,
                error=str(error),
                next_attempt_at=values["next_attempt_at"].isoformat(),
            )
        else:
            row_log.error("notify.dead", attempt=message.attempts + 1, error=str(error))
        return outcome


def build_channels(settings: NotifySettings) -> dict[str, Channel]:
    """The channels ``email``, ``webhook`` and ``apprise`` configured by ``settings``."""
    return {
        "email": SmtpChannel(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_sender,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            timeout=settings.smtp_timeout,
        ),
        "webhook": WebhookChannel(settings.webhook_secret, timeout=settings.webhook_timeout),
        "apprise": AppriseChannel(settings.apprise_urls),
    }


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An outbox row that will not be sent again unless :func:`retry_dead` revives it."""

    id: int
    created_at: datetime
    kind: str
    cohort_id: int | None
    project_id: int | None
    person_id: int | None
    channel: str
    address: str
    subject: str
    dedupe_key: str
    attempts: int
    last_error: str | None


def dead_letters(engine: Engine, cohort_id: int | None = None) -> list[DeadLetter]:
    """The dead rows (of one cohort, if given), oldest first."""
    query = select(
        OUTBOX.c.id,
        OUTBOX.c.created_at,
        OUTBOX.c.kind,
        OUTBOX.c.cohort_id,
        OUTBOX.c.project_id,
        OUTBOX.c.person_id,
        OUTBOX.c.channel,
        OUTBOX.c.address,
        OUTBOX.c.subject,
        OUTBOX.c.dedupe_key,
        OUTBOX.c.attempts,
        OUTBOX.c.last_error,
    ).where(OUTBOX.c.status == "dead")
    if cohort_id is not None:
        query = query.where(OUTBOX.c.cohort_id == cohort_id)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(OUTBOX.c.id)).mappings().all()
    return [DeadLetter(**dict(row)) for row in rows]


def retry_dead(
    engine: Engine, ids: Iterable[int] | None = None, *, now: datetime | None = None
) -> int:
    """Put dead rows (all, or those of ``ids``) back to pending, due at ``now`` with no attempts.

    ``last_error`` is kept as a record of why the row died. Returns the number of rows revived.
    """
    at = _naive_utc(now or _system_now())
    statement = (
        update(OUTBOX)
        .where(OUTBOX.c.status == "dead")
        .values(status="pending", attempts=0, next_attempt_at=at, claimed_until=None)
    )
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        statement = statement.where(OUTBOX.c.id.in_(wanted))
    with _writing(engine) as conn:
        revived = int(conn.execute(statement).rowcount)
    log.info("notify.retry_dead", revived=revived)
    return revived


@dataclass(frozen=True, slots=True)
class HeldMessage:
    """A held notification, as the digest renderer sees it."""

    id: int
    created_at: datetime
    kind: str
    cohort_id: int | None
    project_id: int | None
    subject: str
    body: str
    lang: str


Render = Callable[[str, list[HeldMessage]], tuple[str, str]]
"""Renders a digest: (the person's language, their held messages) → (subject, body)."""


@dataclass(frozen=True, slots=True)
class DigestReport:
    """What a digest run did: digests written, held rows cancelled as stale, and the cohorts of
    the held rows it handled."""

    written: int = 0
    cancelled: int = 0
    cohorts: frozenset[int] = frozenset()


def digest(engine: Engine, now: datetime, render: Render, *, timezone: str | None = None) -> int:
    """:func:`digest_run`, returning only how many digests were written."""
    return digest_run(engine, now, render, timezone=timezone).written


def digest_run(
    engine: Engine, now: datetime, render: Render, *, timezone: str | None = None
) -> DigestReport:
    """Fold each person's held rows (created up to ``now``) into one pending digest e-mail.

    With ``timezone``, only people who hold a role in a cohort running in that zone are digested
    (the flow runs once per zone, at 07:00 local time there).

    Per person, in one transaction: cancel the held rows that went stale (their alert resolved,
    their submission or request decided), insert an ``email`` row of kind ``digest`` with the
    others to the person's address, in their language, with ``dedupe_key = digest:{person}:{UTC
    date}:{largest held id}``, and mark those held rows ``digested``; a person left with nothing
    but stale rows gets no digest. Running it again finds nothing held and does nothing;
    concurrent runs serialise on the rows (PostgreSQL ``FOR UPDATE``, SQLite ``BEGIN IMMEDIATE``).
    A person whose digest fails is logged and skipped.
    """
    at = _naive_utc(now)
    with engine.connect() as conn:
        people = (
            conn.execute(
                select(OUTBOX.c.person_id)
                .where(
                    OUTBOX.c.status == "held",
                    OUTBOX.c.person_id.is_not(None),
                    OUTBOX.c.created_at <= at,
                    *(
                        ()
                        if timezone is None
                        else (
                            OUTBOX.c.person_id.in_(
                                select(MembershipRow.person_id)
                                .join(CohortRow, CohortRow.id == MembershipRow.cohort_id)
                                .where(CohortRow.timezone == timezone)
                            ),
                        )
                    ),
                )
                .distinct()
                .order_by(OUTBOX.c.person_id)
            )
            .scalars()
            .all()
        )
    total = DigestReport()
    for person_id in people:
        try:
            one = _digest_person(engine, int(person_id), at, render)
        except Exception:
            log.exception("notify.digest_failed", person_id=person_id)
            continue
        total = DigestReport(
            total.written + one.written,
            total.cancelled + one.cancelled,
            total.cohorts | one.cohorts,
        )
    return total


def _digest_person(engine: Engine, person_id: int, at: datetime, render: Render) -> DigestReport:
    with _writing(engine) as conn:
        query = (
            select(OUTBOX)
            .where(
                OUTBOX.c.status == "held",
                OUTBOX.c.person_id == person_id,
                OUTBOX.c.created_at <= at,
            )
            .order_by(OUTBOX.c.id)
        )
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        found = conn.execute(query).mappings().all()
        if not found:
            return DigestReport()
        cohorts = frozenset(int(r["cohort_id"]) for r in found if r["cohort_id"] is not None)
        reasons = stale_reasons(conn, found)
        cancelled = _cancel(conn, reasons, ["held"]) if reasons else 0
        held = [row for row in found if int(row["id"]) not in reasons]
        if not held:
            return DigestReport(0, cancelled, cohorts)
        person = conn.execute(
            select(PEOPLE.c.email, PEOPLE.c.lang).where(PEOPLE.c.id == person_id)
        ).first()
        address = str(person.email if person else held[-1]["address"])
        lang = str(person.lang if person else held[-1]["lang"])
        ids = [int(row["id"]) for row in held]
        key = f"digest:{person_id}:{at.date().isoformat()}:{max(ids)}"
        exists = conn.execute(select(OUTBOX.c.id).where(OUTBOX.c.dedupe_key == key)).first()
        if exists is None:
            messages = [
                HeldMessage(
                    id=int(row["id"]),
                    created_at=row["created_at"],
                    kind=str(row["kind"]),
                    cohort_id=row["cohort_id"],
                    project_id=row["project_id"],
                    subject=str(row["subject"]),
                    body=str(row["body"]),
                    lang=str(row["lang"]),
                )
                for row in held
            ]
            subject, body = render(lang, messages)
            of_cohorts = {m.cohort_id for m in messages}
            conn.execute(
                insert(OUTBOX).values(
                    created_at=at,
                    kind="digest",
                    alert_id=None,
                    cohort_id=of_cohorts.pop() if len(of_cohorts) == 1 else None,
                    project_id=None,
                    person_id=person_id,
                    channel="email",
                    address=address,
                    lang=lang,
                    subject=subject[:300],
                    body=body,
                    payload="{}",
                    dedupe_key=key,
                    status="pending",
                    attempts=0,
                    next_attempt_at=at,
                )
            )
        conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(ids), OUTBOX.c.status == "held")
            .values(status="digested")
        )
    log.info("notify.digest", person_id=person_id, held=len(ids), written=exists is None)
    return DigestReport(int(exists is None), cancelled, cohorts)


class _NotOurs(Exception):
    """The row was taken over (sent or re-leased by another dispatcher) before its last step."""
