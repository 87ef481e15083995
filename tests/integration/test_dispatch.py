"""The outbox dispatcher against real servers: an SMTP server (aiosmtpd) and an HTTP server on
loopback, on SQLite and PostgreSQL. Proves exactly-once delivery in the normal case, retries with
back-off until dead, revival of dead letters, digests of held rows, two dispatcher processes
sharing the outbox, and recovery after a dispatcher is killed in the middle of a batch."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import Engine, Table, insert, select, update

from adapters.clock import SettableClock
from adapters.db.database import make_engine, upgrade
from adapters.db.orm import OutboxRow, PersonRow
from adapters.notify.channels import (
    AppriseChannel,
    Channel,
    DeliveryError,
    OutgoingMessage,
    SmtpChannel,
    WebhookChannel,
)
from adapters.notify.dispatcher import (
    Dispatcher,
    HeldMessage,
    build_channels,
    dead_letters,
    digest,
    retry_dead,
)
from adapters.notify.settings import NotifySettings
from tests.integration.dispatch_worker import run_dispatcher

OUTBOX = cast(Table, OutboxRow.__table__)
PEOPLE = cast(Table, PersonRow.__table__)
ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 2, 1, 0, 0)  # naive UTC, as stored
SECRET = "rahasia-webhook"


# --- local servers -------------------------------------------------------------------------


@dataclass
class Received:
    """One e-mail as the SMTP server received it."""

    message_id: str
    outbox_id: str
    to: str
    rcpt: list[str]
    subject: str
    body: str


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that records every message; it can refuse chosen recipients and
    answer slowly."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    data_reply: str | None = None
    """An answer to the final ``.`` of DATA other than acceptance (the message is then dropped)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.data_reply is not None:
            return self.data_reply
        assert isinstance(envelope.content, bytes)
        mail = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(
                Received(
                    message_id=str(mail["Message-ID"]),
                    outbox_id=str(mail["X-Patok-Outbox-Id"]),
                    to=str(mail["To"]),
                    rcpt=list(envelope.rcpt_tos),
                    subject=str(mail["Subject"]),
                    body=str(mail.get_content()).replace("\r\n", "\n"),
                )
            )
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


@dataclass
class SmtpServer:
    handler: RecordingHandler
    port: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback recording what it receives."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, port)
    finally:
        controller.stop()


@dataclass
class Hook:
    """One webhook request as the HTTP server received it."""

    path: str
    headers: dict[str, str]
    body: bytes


class WebhookServer:
    """A real HTTP server on loopback; answers 200 unless ``status[path]`` says otherwise."""

    def __init__(self) -> None:
        self.requests: list[Hook] = []
        self.status: dict[str, int] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append(Hook(self.path, dict(self.headers.items()), body))
                self.send_response(outer.status.get(self.path, 200))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hooks() -> Iterator[WebhookServer]:
    server = WebhookServer()
    try:
        yield server
    finally:
        server.close()


# --- database helpers ----------------------------------------------------------------------


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database (SQLite file or PostgreSQL schema)."""
    eng = make_engine(database_url)
    upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()


def email_row(n: int, address: str | None = None, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "created_at": T0,
        "kind": "reminder",
        "alert_id": None,
        "cohort_id": None,
        "project_id": None,
        "person_id": None,
        "channel": "email",
        "address": address or f"peserta{n}@bkd.example.go.id",
        "lang": "id",
        "subject": f"Pengingat #{n}: tahap «diagnosis» jatuh tempo",
        "body": f"Yth. peserta {n},\nlaporan diagnosis Anda jatuh tempo besok.\n",
        "payload": "{}",
        "dedupe_key": f"reminder:{n}",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": T0,
        "claimed_until": None,
    }
    row.update(over)
    return row


def webhook_row(n: int, url: str, **over: Any) -> dict[str, Any]:
    payload = {"event": "stage.approved", "project": n, "catatan": "disetujui — lanjut"}
    return email_row(
        n,
        channel="webhook",
        address=url,
        payload=json.dumps(payload, ensure_ascii=False),
        dedupe_key=f"webhook:{n}",
        **over,
    )


def add_rows(engine: Engine, rows: list[dict[str, Any]]) -> list[int]:
    """Insert outbox rows; return their ids in order."""
    with engine.begin() as conn:
        conn.execute(insert(OUTBOX), rows)
        keys = [r["dedupe_key"] for r in rows]
        query = select(OUTBOX.c.dedupe_key, OUTBOX.c.id).where(OUTBOX.c.dedupe_key.in_(keys))
        found = {str(key): int(row_id) for key, row_id in conn.execute(query)}
    return [found[k] for k in keys]


def outbox(engine: Engine) -> dict[int, Any]:
    with engine.connect() as conn:
        return {row.id: row for row in conn.execute(select(OUTBOX).order_by(OUTBOX.c.id))}


def expected_message_id(outbox_id: int, dedupe_key: str) -> str:
    return f"<outbox-{outbox_id}.{hashlib.sha256(dedupe_key.encode()).hexdigest()[:16]}@patok>"


def smtp_channel(server: SmtpServer) -> SmtpChannel:
    return SmtpChannel(
        "127.0.0.1", server.port, "patok@bpsdm.example.go.id", local_hostname="localhost"
    )


def at(clock: SettableClock) -> datetime:
    return clock.now().replace(tzinfo=None)


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(T0.replace(tzinfo=UTC))


# --- tests ---------------------------------------------------------------------------------


def test_every_pending_email_reaches_the_smtp_server_exactly_once_with_subject_recipient_and_message_id(
    engine: Engine, smtp: SmtpServer, clock: SettableClock
) -> None:
    rows = [email_row(n, lang="en" if n % 3 == 0 else "id") for n in range(20)]
    ids = add_rows(engine, rows)
    dispatcher = Dispatcher(engine, {"email": smtp_channel(smtp)}, batch=8, clock=clock.now)

    first = dispatcher.run_once()
    assert (first.claimed, first.sent, first.retried, first.dead) == (8, 8, 0, 0)
    rest = dispatcher.drain()
    assert rest.sent == 12
    assert dispatcher.drain().claimed == 0  # nothing is sent twice

    received = smtp.handler.received
    assert len(received) == 20
    by_id = {int(r.outbox_id): r for r in received}
    assert sorted(by_id) == sorted(ids)
    for outbox_id, row in zip(ids, rows, strict=True):
        mail = by_id[outbox_id]
        assert mail.message_id == expected_message_id(outbox_id, row["dedupe_key"])
        assert mail.subject == row["subject"]
        assert mail.to == row["address"] and mail.rcpt == [row["address"]]
        assert mail.body.strip() == row["body"].strip()
    for stored in outbox(engine).values():
        assert stored.status == "sent" and stored.sent_at == T0
        assert stored.claimed_until is None and stored.attempts == 0


def test_webhook_posts_the_payload_with_a_valid_hmac_signature_and_the_idempotency_key(
    engine: Engine, hooks: WebhookServer, clock: SettableClock
) -> None:
    rows = [webhook_row(n, hooks.url(f"/hooks/{n}")) for n in range(3)]
    ids = add_rows(engine, rows)
    report = Dispatcher(engine, {"webhook": WebhookChannel(SECRET)}, clock=clock.now).run_once()
    assert report.sent == 3

    assert sorted(r.path for r in hooks.requests) == [f"/hooks/{n}" for n in range(3)]
    for outbox_id, row in zip(ids, rows, strict=True):
        (hook,) = [r for r in hooks.requests if r.path == urlsplit(row["address"]).path]
        signature = hook.headers["X-Patok-Signature"]
        good = "sha256=" + hmac.new(SECRET.encode(), hook.body, hashlib.sha256).hexdigest()
        forged = "sha256=" + hmac.new(b"wrong", hook.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(signature, good) and signature != forged
        assert hook.headers["Content-Type"] == "application/json"
        assert hook.headers["Idempotency-Key"] == row["dedupe_key"]
        assert hook.headers["X-Patok-Delivery"] == str(outbox_id)
        assert json.loads(hook.body) == json.loads(row["payload"])
    assert {r.status for r in outbox(engine).values()} == {"sent"}


def test_failing_rows_back_off_and_die_after_max_attempts_while_the_rest_of_the_batch_is_sent_and_retry_dead_revives_them(
    engine: Engine, smtp: SmtpServer, hooks: WebhookServer, clock: SettableClock
) -> None:
    busy = "penuh@bkd.example.go.id"
    smtp.handler.refuse[busy] = "451 4.2.2 Mailbox full, try later"
    hooks.status = {"/down": 500, "/bad": 400}
    good_mail = [email_row(n, cohort_id=8) for n in range(6)]
    good_hooks = [webhook_row(10 + n, hooks.url("/ok"), cohort_id=8) for n in range(2)]
    busy_id, down_id, bad_id = add_rows(
        engine,
        [
            email_row(20, busy, cohort_id=7),
            webhook_row(21, hooks.url("/down"), cohort_id=8),
            webhook_row(22, hooks.url("/bad"), cohort_id=8),
        ],
    )
    add_rows(engine, good_mail + good_hooks)
    channels: dict[str, Channel] = {
        "email": smtp_channel(smtp),
        "webhook": WebhookChannel(SECRET),
    }
    dispatcher = Dispatcher(engine, channels, clock=clock.now)  # 5 attempts, 30 s doubling
    assert dispatcher.backoff(0) == timedelta(seconds=30)
    assert dispatcher.backoff(7) == timedelta(hours=1)  # capped

    report = dispatcher.run_once()
    assert (report.claimed, report.sent, report.retried, report.dead) == (11, 8, 2, 1)
    rows = outbox(engine)
    for failing in (busy_id, down_id):
        assert rows[failing].status == "pending" and rows[failing].attempts == 1
        assert rows[failing].next_attempt_at == T0 + timedelta(seconds=30)
        assert rows[failing].claimed_until is None
    assert "451" in rows[busy_id].last_error and "500" in rows[down_id].last_error
    assert rows[bad_id].status == "dead" and "400" in rows[bad_id].last_error  # not retryable

    clock.advance(timedelta(seconds=29))
    assert dispatcher.run_once().claimed == 0  # not due yet
    clock.set(T0.replace(tzinfo=UTC))
    for attempt in range(1, 5):
        clock.advance(timedelta(seconds=30) * 2 ** (attempt - 1))
        report = dispatcher.run_once()
        assert report.claimed == 2
        rows = outbox(engine)
        if attempt < 4:
            assert report.retried == 2
            assert rows[busy_id].next_attempt_at == at(clock) + timedelta(seconds=30) * 2**attempt
        else:
            assert report.dead == 2
    assert [rows[i].attempts for i in (busy_id, down_id, bad_id)] == [5, 5, 1]
    assert [d.id for d in dead_letters(engine)] == [busy_id, down_id, bad_id]
    assert [d.id for d in dead_letters(engine, cohort_id=7)] == [busy_id]
    assert dispatcher.run_once().claimed == 0  # dead rows stay dead

    smtp.handler.refuse.clear()
    hooks.status.clear()
    assert retry_dead(engine, [busy_id, down_id], now=clock.now()) == 2
    assert dispatcher.run_once().sent == 2
    assert retry_dead(engine, now=clock.now()) == 1
    assert dispatcher.run_once().sent == 1
    assert retry_dead(engine, now=clock.now()) == 0
    assert {r.status for r in outbox(engine).values()} == {"sent"}
    assert [m.to for m in smtp.handler.received].count(busy) == 1
    down_requests = [r for r in hooks.requests if r.path == "/down"]
    assert len(down_requests) == 6  # 5 failures, then the success
    assert {r.headers["Idempotency-Key"] for r in down_requests} == {"webhook:21"}


class CrashingChannel:
    def send(self, message: OutgoingMessage) -> None:
        raise RuntimeError("bug in a channel")


def test_a_channel_that_crashes_is_retried_and_never_stops_the_other_rows(
    engine: Engine, smtp: SmtpServer, clock: SettableClock
) -> None:
    add_rows(engine, [webhook_row(1, "http://127.0.0.1:9/x"), *[email_row(n) for n in range(5)]])
    channels: dict[str, Channel] = {"email": smtp_channel(smtp), "webhook": CrashingChannel()}
    report = Dispatcher(engine, channels, clock=clock.now).run_once()
    assert (report.sent, report.retried) == (5, 1)
    (crashed,) = [r for r in outbox(engine).values() if r.channel == "webhook"]
    assert crashed.status == "pending" and "RuntimeError: bug in a channel" in crashed.last_error


def test_an_outcome_from_a_stale_lease_never_overwrites_what_another_dispatcher_recorded(
    engine: Engine, clock: SettableClock
) -> None:
    (row_id,) = add_rows(engine, [email_row(1)])

    class OvertakenChannel:
        """Meanwhile another dispatcher (lease expired) sent the row and recorded it."""

        def send(self, message: OutgoingMessage) -> None:
            with engine.begin() as conn:
                conn.execute(
                    update(OUTBOX)
                    .where(OUTBOX.c.id == message.id)
                    .values(status="sent", sent_at=T0, claimed_until=None)
                )
            raise DeliveryError("timed out", retryable=True)

    report = Dispatcher(engine, {"email": OvertakenChannel()}, clock=clock.now).run_once()
    assert (report.claimed, report.retried, report.stale) == (1, 0, 1)
    row = outbox(engine)[row_id]
    assert row.status == "sent" and row.attempts == 0 and row.last_error is None


def test_held_rows_are_not_sent_and_digest_makes_one_idempotent_email_per_person(
    engine: Engine, smtp: SmtpServer, clock: SettableClock
) -> None:
    with engine.begin() as conn:
        for nip, name, email, lang in [
            ("197001012000011001", "Siti", "siti@bkd.example.go.id", "id"),
            ("197001012000011002", "John", "john@bkd.example.go.id", "en"),
        ]:
            conn.execute(
                insert(PEOPLE).values(
                    nip=nip,
                    name=name,
                    email=email,
                    agency="BKD",
                    unit="",
                    phone=None,
                    lang=lang,
                    can_create_cohorts=False,
                    digest=True,
                )
            )
        people = {str(n): int(i) for n, i in conn.execute(select(PEOPLE.c.name, PEOPLE.c.id))}
    siti, john = people["Siti"], people["John"]
    held = [email_row(n, "siti@bkd.example.go.id", person_id=siti, status="held") for n in range(3)]
    held += [
        email_row(n, "john@bkd.example.go.id", person_id=john, status="held", lang="en")
        for n in range(3, 5)
    ]
    held_ids = add_rows(engine, [*held, email_row(9, "siti@bkd.example.go.id", person_id=siti)])[:5]
    dispatcher = Dispatcher(engine, {"email": smtp_channel(smtp)}, clock=clock.now)
    assert dispatcher.run_once().sent == 1
    assert [outbox(engine)[i].status for i in held_ids] == ["held"] * 5

    calls: list[tuple[str, list[int]]] = []

    def render(lang: str, messages: list[HeldMessage]) -> tuple[str, str]:
        calls.append((lang, [m.id for m in messages]))
        title = "Daily digest" if lang == "en" else "Ringkasan harian"
        return f"{title} ({len(messages)})", "\n".join(f"- {m.subject}" for m in messages)

    assert digest(engine, T0, render) == 2
    assert digest(engine, T0, render) == 0  # idempotent
    assert sorted(calls) == sorted([("id", held_ids[:3]), ("en", held_ids[3:])])
    rows = outbox(engine)
    assert [rows[i].status for i in held_ids] == ["digested"] * 5
    digests = {r.person_id: r for r in rows.values() if r.kind == "digest"}
    assert digests[siti].dedupe_key == f"digest:{siti}:2026-03-02:{held_ids[2]}"
    assert digests[john].dedupe_key == f"digest:{john}:2026-03-02:{held_ids[4]}"
    assert digests[john].address == "john@bkd.example.go.id" and digests[john].lang == "en"

    assert dispatcher.run_once().sent == 2
    mails = {m.to: m for m in smtp.handler.received if "(" in m.subject}
    assert mails["siti@bkd.example.go.id"].subject == "Ringkasan harian (3)"
    assert mails["john@bkd.example.go.id"].subject == "Daily digest (2)"
    for n in range(3):
        assert f"Pengingat #{n}:" in mails["siti@bkd.example.go.id"].body
    assert "Pengingat #4:" in mails["john@bkd.example.go.id"].body

    (late,) = add_rows(engine, [email_row(7, person_id=siti, status="held", created_at=T0)])
    assert digest(engine, T0 + timedelta(hours=1), render) == 1  # a new held row: a new digest
    assert outbox(engine)[late].status == "digested"


@pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")
def test_apprise_rows_are_delivered_by_apprise_to_a_local_json_endpoint(
    engine: Engine, hooks: WebhookServer, clock: SettableClock
) -> None:
    target = hooks.url("/apprise").replace("http://", "json://")
    ids = add_rows(
        engine,
        [
            email_row(1, channel="apprise", address=target),
            email_row(2, channel="apprise", address="default"),
            email_row(3, channel="apprise", address="bukan-url"),
        ],
    )
    channels: dict[str, Channel] = {"apprise": AppriseChannel([target])}
    report = Dispatcher(engine, channels, clock=clock.now).run_once()
    assert (report.sent, report.dead) == (2, 1)
    bodies = [json.loads(r.body) for r in hooks.requests if r.path == "/apprise"]
    assert sorted(b["title"] for b in bodies) == [email_row(1)["subject"], email_row(2)["subject"]]
    assert outbox(engine)[ids[2]].status == "dead"


def test_without_apprise_installed_apprise_rows_die_with_a_clear_error(
    engine: Engine, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)  # import apprise → ImportError
    (row_id,) = add_rows(engine, [email_row(1, channel="apprise", address="tgram://x/y")])
    settings = NotifySettings(webhook_secret=SECRET)
    assert set(build_channels(settings)) == {"email", "webhook", "apprise"}
    report = Dispatcher.from_settings(engine, settings, clock=clock.now).run_once()
    assert report.dead == 1
    assert outbox(engine)[row_id].last_error == "permanent: apprise not installed"


def test_two_dispatcher_processes_share_200_rows_and_send_each_exactly_once(
    engine: Engine, database_url: str, smtp: SmtpServer
) -> None:
    ids = add_rows(engine, [email_row(n) for n in range(200)])
    engine.dispose()
    smtp.handler.delay = 0.002
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=run_dispatcher,
            args=(database_url, smtp.port, T0.isoformat(), 10, barrier, results),
        )
        for _ in range(2)
    ]
    for p in workers:
        p.start()
    outcomes = [results.get(timeout=60) for _ in workers]
    for p in workers:
        p.join(timeout=30)
        assert p.exitcode == 0
    sent = [s for _, _, s in outcomes]
    print(f"\ntwo dispatchers ({database_url.split(':')[0]}): sent {sent[0]} + {sent[1]}")
    assert sum(sent) == 200 and min(sent) > 0  # both worked, on disjoint rows
    counts = Counter(m.message_id for m in smtp.handler.received)
    assert len(smtp.handler.received) == 200 and max(counts.values()) == 1
    assert set(counts) == {expected_message_id(i, f"reminder:{n}") for n, i in enumerate(ids)}
    assert {r.status for r in outbox(engine).values()} == {"sent"}


def test_a_dispatcher_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    engine: Engine, database_url: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    total, batch, lease = 300, 50, timedelta(minutes=5)
    ids = add_rows(engine, [email_row(n) for n in range(total)])
    smtp.handler.delay = 0.01
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.integration.dispatch_worker",
            *(database_url, str(smtp.port), T0.isoformat(), str(batch)),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while smtp.handler.count() < batch + batch // 2:  # in the middle of the second batch
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker sent too little"
            time.sleep(0.002)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()
    time.sleep(0.1)  # let a DATA the server was still answering finish
    at_kill = smtp.handler.count()
    assert batch < at_kill < total
    smtp.handler.delay = 0
    rows = outbox(engine).values()
    recorded = sum(r.status == "sent" for r in rows)
    stranded = [r.id for r in rows if r.status == "pending" and r.claimed_until is not None]
    unclaimed = sum(r.status == "pending" and r.claimed_until is None for r in rows)
    assert recorded + len(stranded) + unclaimed == total and stranded and unclaimed
    # every message the server took was recorded as sent before its final "." left
    assert at_kill <= recorded <= at_kill + 1

    # while the dead worker's lease holds its batch, a new run sends everything else
    channels: dict[str, Channel] = {"email": smtp_channel(smtp)}
    first = Dispatcher(engine, channels, batch=batch, lease=lease).drain(T0 + timedelta(seconds=1))
    assert first.claimed == first.sent == unclaimed
    rows = outbox(engine).values()
    assert sorted(r.id for r in rows if r.status == "pending") == sorted(stranded)
    # once the lease has expired the stranded rows are picked up
    second = Dispatcher(engine, channels, batch=batch, lease=lease).drain(
        T0 + lease + timedelta(seconds=1)
    )
    assert second.claimed == second.sent == len(stranded)

    assert {r.status for r in outbox(engine).values()} == {"sent"}
    counts = Counter(m.message_id for m in smtp.handler.received)
    assert set(counts) == {expected_message_id(i, f"reminder:{n}") for n, i in enumerate(ids)}
    duplicates = len(smtp.handler.received) - total
    print(
        f"\nkilled dispatcher ({database_url.split(':')[0]}): {at_kill} received at the kill, "
        f"{recorded} recorded, {len(stranded)} stranded under the lease, "
        f"{duplicates} duplicate(s) after recovery"
    )
    assert len(counts) == total
    assert duplicates == 0 and set(counts.values()) == {1}


def test_a_message_the_server_refuses_at_its_final_dot_is_not_left_recorded_as_sent(
    engine: Engine, smtp: SmtpServer
) -> None:
    """The row is recorded as sent just before the final "." of DATA; when the server then
    refuses the message, that record is replaced by a retry (4xx) or a dead letter (5xx)."""
    ids = add_rows(engine, [email_row(1), email_row(2)])
    channels: dict[str, Channel] = {"email": smtp_channel(smtp)}
    smtp.handler.data_reply = "451 4.3.0 Try again later"
    report = Dispatcher(engine, channels).run_once(T0)
    assert (report.sent, report.retried) == (0, 2)
    rows = outbox(engine)
    assert {(rows[i].status, rows[i].sent_at, rows[i].attempts) for i in ids} == {
        ("pending", None, 1)
    }
    assert all("451" in rows[i].last_error for i in ids)
    smtp.handler.data_reply = "554 5.6.0 Message refused"
    report = Dispatcher(engine, channels).run_once(T0 + timedelta(hours=1))
    assert (report.sent, report.dead) == (0, 2)
    assert {outbox(engine)[i].status for i in ids} == {"dead"}
    smtp.handler.data_reply = None
    assert smtp.handler.received == []


def test_a_failure_to_record_before_the_final_dot_sends_nothing(
    engine: Engine, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the row cannot be recorded as sent, the final "." never leaves: the server drops the
    message, and the row is delivered by a later run, once."""
    (row,) = add_rows(engine, [email_row(1)])
    channels: dict[str, Channel] = {"email": smtp_channel(smtp)}
    dispatcher = Dispatcher(engine, channels)
    original = Dispatcher._record

    def failing(self: Dispatcher, message: Any, error: Any, *args: Any, **kwargs: Any) -> str:
        if error is None:
            raise RuntimeError("database unavailable")
        return original(self, message, error, *args, **kwargs)

    monkeypatch.setattr(Dispatcher, "_record", failing)
    report = dispatcher.run_once(T0)
    assert (report.sent, report.retried) == (0, 1)
    time.sleep(0.1)
    assert smtp.handler.received == []
    monkeypatch.undo()
    later = dispatcher.run_once(T0 + timedelta(hours=1))
    assert later.sent == 1 and outbox(engine)[row].status == "sent"
    assert len(smtp.handler.received) == 1
