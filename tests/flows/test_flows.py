"""The flows run against a temporary Prefect API (``prefect_test_harness``, one per session: it
takes 10-30 s to start) and against the ``database_url`` fixture, SQLite then PostgreSQL.

The flows find their database as in production, through ``PATOK_DATABASE_URL``, which each test
sets with ``monkeypatch`` before running a flow (the URL is no flow parameter: the Prefect server
stores parameters and shows them in its UI). Artifacts, flow-run tags and the sweep's and the
events flow's events are read back from the Prefect API; where a test counts events across several
calls it records ``emit_event``'s calls instead (patched in :mod:`flows.events`).
"""

from __future__ import annotations

import importlib.util
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule
from prefect.events.filters import (
    EventAnyResourceFilter,
    EventFilter,
    EventNameFilter,
    EventOccurredFilter,
    EventRelatedFilter,
)
from prefect.events.schemas.events import ReceivedEvent
from prefect.settings import PREFECT_API_URL
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import Table, func, insert, select

import flows.events
from adapters.bootstrap import Patok
from adapters.clock import SettableClock
from adapters.db.orm import AuditRow, CohortRow, OutboxRow
from flows.dispatch import digest_flow, dispatch_flow
from flows.events import event_id, events_flow, publish_domain_events
from flows.serve import deployments
from flows.sweep import ARTIFACT_KEY, sweep_flow
from tests.integration.helpers import (
    ORGANISER,
    add_organiser,
    make_cohort,
    small_roster,
    submit_and_approve,
)

WIT = ZoneInfo("Asia/Jayapura")
OUTBOX = cast(Table, OutboxRow.__table__)
AUDIT = cast(Table, AuditRow.__table__)
NO_AIOSMTPD = importlib.util.find_spec("aiosmtpd") is None


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """A temporary Prefect API (SQLite in a temporary directory) for the whole session."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        # the server stores events every 0.5 s instead of every 5 s: reading them back is quick
        mp.setenv("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL", "0.5")
        with prefect_test_harness(server_startup_timeout=90):
            yield


@pytest.fixture
def patok_env(prefect_api: None, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The flows' database: the test's, through ``PATOK_DATABASE_URL``."""
    monkeypatch.setenv("PATOK_DATABASE_URL", database_url)
    monkeypatch.delenv("PATOK_WEBHOOK_URL", raising=False)
    return database_url


def unique_code(prefix: str) -> str:
    """A cohort code no other test (or database variant) on this Prefect API uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def wit(day: int, hour: int = 8) -> datetime:
    """An instant in March 2026, Jayapura time."""
    return datetime(2026, 3, day, hour, tzinfo=WIT)


def events_about(
    event_filter: EventFilter, expected: int, timeout: float = 20.0
) -> list[ReceivedEvent]:
    """The events matching ``event_filter`` once ``expected`` of them are stored (or the timeout)."""
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            events = client.read_events(filter=event_filter, limit=50).events
            if len(events) >= expected or time.monotonic() > deadline:
                return events
            time.sleep(0.2)


def sweep_artifacts(flow_run_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """The ``patok-sweep`` artifacts of these flow runs, as the Prefect API returns them.

    Read over HTTP: in Prefect 3.8.8 the client's ``read_artifacts`` (and ``Artifact.get``) send
    unset filters as ``null``, which the API rejects (422), and an empty task-run filter would
    exclude artifacts created by the flow itself rather than by a task.
    """
    response = httpx.post(
        f"{PREFECT_API_URL.value()}/artifacts/filter",
        json={
            "artifacts": {"key": {"any_": [ARTIFACT_KEY]}},
            "flow_runs": {"id": {"any_": [str(i) for i in flow_run_ids]}},
        },
        timeout=30,
    )
    response.raise_for_status()
    return cast(list[dict[str, Any]], response.json())


@dataclass
class Recorder:
    """Stands in for ``emit_event``: records each call's keyword arguments."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, **kwargs: Any) -> object:
        self.calls.append(kwargs)
        return object()  # not None: "accepted"


# --- sweep --------------------------------------------------------------------------------------


def test_the_sweep_flow_raises_an_overdue_escalation_once_with_artifact_events_and_cohort_tags(
    patok_env: str, app: Patok
) -> None:
    code = unique_code("SWF")
    projects = make_cohort(app, add_organiser(app), code, small_roster())
    # Diagnosis was due Tuesday 10 March 23:59 WIT: on Wednesday 11 March at 08:00 WIT the first
    # escalation (to the coach) falls due for every project of the cohort.
    now = wit(11).isoformat()

    first = sweep_flow(now=now, return_state=True)
    second = sweep_flow(now=now, return_state=True)

    assert first.is_completed() and second.is_completed()
    summary = first.result()
    assert len(projects) >= 2
    assert summary["escalations"] == summary["raised"] == summary["events"] == len(projects)
    assert (summary["reminders"], summary["cohorts"]) == (0, [code])
    assert summary["queued"] >= len(projects)
    again = second.result()
    assert (again["raised"], again["events"], again["cohorts"]) == (0, 0, [])

    first_id = first.state_details.flow_run_id
    second_id = second.state_details.flow_run_id
    assert first_id is not None and second_id is not None
    with get_client(sync_client=True) as client:
        assert f"cohort:{code}" in client.read_flow_run(first_id).tags
        assert not any(t.startswith("cohort:") for t in client.read_flow_run(second_id).tags)
    by_run = {uuid.UUID(a["flow_run_id"]): a for a in sweep_artifacts([first_id, second_id])}
    assert set(by_run) == {first_id, second_id}
    assert by_run[first_id]["type"] == "table"
    rows = json.loads(by_run[first_id]["data"])
    assert sorted(r["project_id"] for r in rows) == sorted(projects)
    assert {(r["cohort"], r["kind"], r["level"], r["notify"]) for r in rows} == {
        (code, "escalation", 1, "coach")
    }
    empty = json.loads(by_run[second_id]["data"])
    assert empty["project_id"] == [] and "Nothing was due" in by_run[second_id]["description"]

    raised = events_about(
        EventFilter(
            occurred=EventOccurredFilter(since=wit(10), until=wit(12)),
            event=EventNameFilter(prefix=["patok."]),
            related=EventRelatedFilter(id=[f"patok.cohort.{code}"]),
        ),
        expected=len(projects),
    )
    assert sorted(e.resource.id for e in raised) == sorted(f"patok.project.{p}" for p in projects)
    assert {e.event for e in raised} == {"patok.escalation.raised"}
    assert all(e.payload["level"] == 1 and e.payload["cohort"] == code for e in raised)
    assert all(e.resource.name for e in raised)  # the participant's name


# --- audit log → events ---------------------------------------------------------------------------


def audit_entries(app: Patok) -> int:
    assert app.database is not None
    with app.database.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AUDIT)).scalar_one())


def test_publish_domain_events_emits_each_audit_entry_once_and_never_again(
    patok_env: str, app: Patok, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert app.database is not None
    code = unique_code("EVF")
    projects = make_cohort(app, add_organiser(app), code, small_roster())
    entries = audit_entries(app)

    # the flow, emitting for real: every entry reaches the Prefect API, with its stable id
    assert events_flow() == entries
    stored = events_about(
        EventFilter(
            occurred=EventOccurredFilter(
                since=clock.now() - timedelta(days=1), until=clock.now() + timedelta(days=1)
            ),
            any_resource=EventAnyResourceFilter(id=[f"patok.cohort.{code}"]),
        ),
        expected=entries,
    )
    assert len(stored) == entries
    names = {e.event for e in stored}
    assert {"patok.cohort.created", "patok.roster.imported", "patok.project.created"} <= names
    with app.database.connect() as conn:
        seqs = conn.execute(select(AUDIT.c.seq)).scalars().all()
    assert {e.id for e in stored} == {event_id(app.database, f"audit:{s}") for s in seqs}

    # from here on emit_event is recorded: nothing is emitted twice, new entries once each
    recorder = Recorder()
    monkeypatch.setattr(flows.events, "emit_event", recorder)
    assert publish_domain_events(app.database) == 0
    assert recorder.calls == []

    submit_and_approve(app, projects[0])
    assert publish_domain_events(app.database) == 2
    assert publish_domain_events(app.database) == 0
    assert [c["event"] for c in recorder.calls] == ["patok.stage.submitted", "patok.stage.approved"]
    submitted = recorder.calls[0]
    assert submitted["resource"]["prefect.resource.id"] == f"patok.project.{projects[0]}"
    assert submitted["resource"]["prefect.resource.name"]  # the participant
    related = {r["prefect.resource.role"]: r["prefect.resource.id"] for r in submitted["related"]}
    assert related["cohort"] == f"patok.cohort.{code}"
    assert related["actor"].startswith("patok.person.")
    assert submitted["payload"]["stream"] == f"project:{projects[0]}"
    assert submitted["occurred"] == clock.now()


def test_publish_domain_events_waits_at_a_recent_sequence_gap_and_skips_it_once_settled(
    patok_env: str, app: Patok, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert app.database is not None
    recorder = Recorder()
    monkeypatch.setattr(flows.events, "emit_event", recorder)
    at = datetime(2026, 3, 2, 1, 0)  # naive UTC, as stored
    with app.database.begin() as conn:
        for seq in (1, 3):  # 2 is drawn by a transaction that has not committed (or never will)
            conn.execute(
                insert(AUDIT).values(
                    seq=seq,
                    stream="test:1",
                    stream_seq=seq,
                    at=at,
                    actor_id=None,
                    action="test.happened",
                    payload="{}",
                    prev_hash="0" * 64,
                    hash=f"{seq:064d}",
                )
            )
    assert publish_domain_events(app.database, now=at) == 1
    assert publish_domain_events(app.database, now=at + timedelta(minutes=1)) == 0
    assert publish_domain_events(app.database, now=at + timedelta(minutes=3)) == 1
    assert [c["payload"]["seq"] for c in recorder.calls] == [1, 3]
    assert recorder.calls[0]["resource"] == {"prefect.resource.id": "patok.test.1"}


# --- dispatch and digest --------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the local SMTP server received: (recipients, subject) per message."""

    received: list[tuple[list[str], str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        from email import message_from_bytes, policy

        mail = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), str(mail["Subject"])))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, Mailbox]]:
    """A real SMTP server on loopback; PATOK_SMTP_* point the dispatcher at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("PATOK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PATOK_SMTP_PORT", str(port))
    monkeypatch.setenv("PATOK_SMTP_SENDER", "patok@bpsdm.example.go.id")
    try:
        yield port, mailbox
    finally:
        controller.stop()


def outbox_row(person_id: int | None, address: str, status: str, key: str) -> dict[str, Any]:
    created = datetime(2026, 3, 11, 0, 0)  # naive UTC, as stored
    return {
        "created_at": created,
        "kind": "escalation",
        "person_id": person_id,
        "channel": "email",
        "address": address,
        "lang": "id",
        "subject": f"[patok] Eskalasi {key}",
        "body": f"Laporan terlambat ({key}).",
        "payload": "{}",
        "dedupe_key": key,
        "status": status,
        "attempts": 0,
        "next_attempt_at": created,
    }


@pytest.mark.skipif(NO_AIOSMTPD, reason="aiosmtpd is not installed (pip install -e '.[dev]')")
def test_the_digest_and_dispatch_flows_send_a_pending_row_and_a_digest_of_held_rows_by_smtp(
    patok_env: str, app: Patok, smtp_port: tuple[int, Mailbox]
) -> None:
    assert app.database is not None
    _, mailbox = smtp_port
    organiser = add_organiser(app)
    with app.database.begin() as conn:
        conn.execute(
            insert(OUTBOX),
            [
                outbox_row(None, "kepala.badan@example.go.id", "pending", "flow:pending"),
                outbox_row(organiser, ORGANISER.email, "held", "flow:held:1"),
                outbox_row(organiser, ORGANISER.email, "held", "flow:held:2"),
            ],
        )

    assert digest_flow() == 1
    assert digest_flow() == 0  # nothing held any more
    first = dispatch_flow()
    second = dispatch_flow()

    assert (first["claimed"], first["sent"], first["retried"], first["dead"]) == (2, 2, 0, 0)
    assert (second["claimed"], second["sent"]) == (0, 0)
    assert sorted(mailbox.received) == [
        (["kepala.badan@example.go.id"], "[patok] Eskalasi flow:pending"),
        ([ORGANISER.email], "[patok] Ringkasan harian: 2 pemberitahuan"),
    ]
    with app.database.connect() as conn:
        statuses = dict(conn.execute(select(OUTBOX.c.dedupe_key, OUTBOX.c.status)).tuples().all())
    assert statuses.pop("flow:pending") == "sent"
    assert (statuses.pop("flow:held:1"), statuses.pop("flow:held:2")) == ("digested", "digested")
    assert list(statuses.values()) == ["sent"]  # the digest


# --- cohort tags of the dispatch, digest and events runs ----------------------------------------


def run_tags(state: Any) -> set[str]:
    """The ``cohort:`` tags of the flow run a final state belongs to."""
    run_id = state.state_details.flow_run_id
    assert run_id is not None
    with get_client(sync_client=True) as client:
        return {t for t in client.read_flow_run(run_id).tags if t.startswith("cohort:")}


@pytest.mark.skipif(NO_AIOSMTPD, reason="aiosmtpd is not installed (pip install -e '.[dev]')")
def test_a_notification_the_dispatcher_gives_up_on_is_emitted_as_a_dead_letter_event(
    patok_env: str, app: Patok, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert app.database is not None
    with socket.socket() as sock:  # a port nobody listens on: every delivery is refused
        sock.bind(("127.0.0.1", 0))
        closed = int(sock.getsockname()[1])
    monkeypatch.setenv("PATOK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PATOK_SMTP_PORT", str(closed))
    monkeypatch.setenv("PATOK_MAX_ATTEMPTS", "5")
    organiser = add_organiser(app)
    code = unique_code("DEAD")
    project, *_ = make_cohort(app, organiser, code, small_roster())
    with app.database.begin() as conn:
        cohort_id = conn.execute(select(CohortRow.id).where(CohortRow.code == code)).scalar_one()
        row = outbox_row(organiser, ORGANISER.email, "pending", f"flow:dead:{code}")
        row.update(attempts=4, cohort_id=cohort_id, project_id=project)  # its last try
        outbox_id = conn.execute(insert(OUTBOX).returning(OUTBOX.c.id), [row]).scalar_one()

    done = dispatch_flow()

    assert done["dead"] >= 1
    (event,) = events_about(
        EventFilter(
            event=EventNameFilter(name=["patok.notification.dead"]),
            related=EventRelatedFilter(id=[f"patok.cohort.{code}"]),  # unique to this test
        ),
        expected=1,
    )
    assert event.resource.id == f"patok.outbox.{outbox_id}"
    assert event.payload["kind"] == "escalation" and event.payload["attempts"] == 5
    assert event.payload["person_id"] == organiser and "last_error" not in event.payload
    assert ORGANISER.email not in json.dumps(event.payload)  # no address leaves patok this way
    related = {r.id: r.role for r in event.related if r.id.startswith("patok.")}
    assert related == {f"patok.cohort.{code}": "cohort", f"patok.project.{project}": "project"}


def test_the_events_digest_and_dispatch_runs_are_tagged_with_the_cohorts_they_touched(
    patok_env: str, app: Patok, smtp_port: tuple[int, Mailbox]
) -> None:
    _, mailbox = smtp_port
    code = unique_code("TAG")
    organiser = add_organiser(app)
    make_cohort(app, organiser, code, small_roster())
    with app.engine.unit_of_work(write=True) as uow:
        uow.people.set_preferences(organiser, digest=True, lang=None)
        uow.commit()
    app.sweeper.sweep(wit(13))  # level 2 to the coordinators (held for the organiser's digest)

    events = events_flow(return_state=True)
    digested = digest_flow(now=wit(13, 9).isoformat(), return_state=True)
    dispatched = dispatch_flow(return_state=True)
    idle = dispatch_flow(return_state=True)

    assert events.result() > 0 and digested.result() == 1
    assert dispatched.result()["sent"] == len(mailbox.received) > 0
    tag = f"cohort:{code}"
    assert run_tags(events) == run_tags(digested) == run_tags(dispatched) == {tag}
    assert idle.result()["claimed"] == 0 and run_tags(idle) == set()  # touched no cohort


# --- deployments ----------------------------------------------------------------------------------


def test_deployments_sweep_every_5_minutes_dispatch_and_events_every_minute_digest_at_7_local() -> (
    None
):
    by_name = {d.name: d for d in deployments()}
    assert set(by_name) == {
        "patok-sweep",
        "patok-dispatch",
        "patok-events",
        "patok-digest-wib",
        "patok-digest-wita",
        "patok-digest-wit",
    }
    schedules = {name: [s.schedule for s in d.schedules or []] for name, d in by_name.items()}
    every: dict[str, list[float]] = {}
    for name in ("patok-sweep", "patok-dispatch", "patok-events"):
        every[name] = []
        for schedule in schedules[name]:
            assert isinstance(schedule, IntervalSchedule)
            every[name].append(schedule.interval.total_seconds())
    assert every == {"patok-sweep": [300], "patok-dispatch": [60], "patok-events": [60]}
    for name, zone in (
        ("patok-digest-wib", "Asia/Jakarta"),
        ("patok-digest-wita", "Asia/Makassar"),
        ("patok-digest-wit", "Asia/Jayapura"),
    ):
        (digest,) = schedules[name]
        assert isinstance(digest, CronSchedule)
        assert (digest.cron, digest.timezone) == ("0 7 * * *", zone)
        assert by_name[name].parameters == {"timezone": zone}
    assert by_name["patok-sweep"].entrypoint == "flows.sweep.sweep_flow"
    assert all(d.tags == ["patok"] for d in by_name.values())
