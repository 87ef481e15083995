"""From the sweep through the dispatcher, on SQLite and PostgreSQL: a raised alert reaches the
signed webhook and every Apprise URL configured (Apprise's ``json://`` to a local HTTP server), and
an alert resolved before its notifications leave — the late report arrived, the decision was
made, an extension was granted — is cancelled rather than sent, and left out of the digest."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from adapters.bootstrap import Patok, bootstrap
from adapters.clock import SettableClock
from adapters.db.orm import OutboxRow
from adapters.notify.channels import AppriseChannel, Channel, WebhookChannel
from adapters.notify.digest_text import render_digest
from adapters.notify.dispatcher import Dispatcher, digest_run
from adapters.settings import Settings
from domain.commands import ApproveStage, DecideExtension, RequestExtension, SubmitStage
from tests.integration.helpers import (
    ORGANISER,
    add_organiser,
    make_cohort,
    programme_of,
    small_roster,
    uploads_for,
)
from tests.integration.test_dispatch import (
    RecordingHandler,
    SmtpServer,
    WebhookServer,
    free_port,
    smtp_channel,
)
from tests.integration.test_sweep import wit

SECRET = "rahasia-webhook"


@pytest.fixture
def hooks() -> Iterator[WebhookServer]:
    """A local HTTP server: the webhook's receiver and the target of Apprise's ``json://``."""
    server = WebhookServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def mail() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, port)
    finally:
        controller.stop()


@pytest.fixture
def wired(
    database_url: str, tmp_path: Path, clock: SettableClock, hooks: WebhookServer
) -> Iterator[Patok]:
    """patok with a webhook and two Apprise URLs configured (both answered by ``hooks``)."""
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        webhook_url=hooks.url("/patok"),
        apprise_urls=[
            hooks.url("/chat-a").replace("http://", "json://"),
            hooks.url("/chat-b").replace("http://", "json://"),
        ],
    )
    app = bootstrap(settings, clock=clock)
    try:
        yield app
    finally:
        app.close()


def rows(app: Patok) -> list[Any]:
    assert app.database is not None
    with app.database.connect() as conn:
        return list(conn.execute(select(OutboxRow).order_by(OutboxRow.id)).all())


def submit(app: Patok, project: int) -> None:
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project, 0)
    app.engine.submit(
        SubmitStage(
            actor_id=view.participant_id,
            project_id=project,
            artifacts=uploads_for(programme_of(app, project), view.stage),
        )
    )


@pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")
def test_a_sweep_queues_every_alert_to_the_webhook_and_each_apprise_url_and_dispatch_delivers_them(
    wired: Patok, hooks: WebhookServer
) -> None:
    app = wired
    assert app.database is not None
    projects = make_cohort(app, add_organiser(app), "CH-1", small_roster())
    report = app.sweeper.sweep(wit(11))
    raised = {r.alert_id: r for r in report.raised}
    assert {r.project_id for r in raised.values()} == set(projects)
    assert app.sweeper.sweep(wit(11)).raised == []  # nothing queued twice

    channels: dict[str, Channel] = {
        "webhook": WebhookChannel(SECRET),
        "apprise": AppriseChannel(app.settings.apprise_urls),
    }
    sent = Dispatcher(app.database, channels).drain(wit(11, 9))
    assert (sent.sent, sent.dead, sent.retried) == (len(raised) * 3, 0, 0)
    assert Dispatcher(app.database, channels).drain(wit(11, 10)).claimed == 0

    webhooks = [h for h in hooks.requests if h.path == "/patok"]
    assert len(webhooks) == len(raised)
    for hook in webhooks:
        good = "sha256=" + hmac.new(SECRET.encode(), hook.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(hook.headers["X-Patok-Signature"], good)
        body = json.loads(hook.body)
        alert = raised[body["alert_id"]]
        assert hook.headers["Idempotency-Key"] == f"alert:{alert.alert_id}:webhook"
        assert (body["event"], body["cohort"], body["project_id"], body["level"]) == (
            "patok.escalation.raised",
            "CH-1",
            alert.project_id,
            1,
        )
    for path in ("/chat-a", "/chat-b"):
        chats = [json.loads(h.body) for h in hooks.requests if h.path == path]
        assert len(chats) == len(raised)
        assert all(c["title"].startswith("[patok] Eskalasi tingkat 1") for c in chats)
        assert all("/projects/" in c["message"] for c in chats)
    stored = [r for r in rows(app) if r.channel in ("webhook", "apprise")]
    assert {r.status for r in stored} == {"sent"}
    assert not any("chat-" in r.address for r in stored if r.channel == "apprise")


def test_notifications_of_alerts_resolved_before_dispatch_are_cancelled_with_the_reason(
    wired: Patok, hooks: WebhookServer, mail: SmtpServer, clock: SettableClock
) -> None:
    app = wired
    assert app.database is not None
    ismail, selvie, hasan = make_cohort(app, add_organiser(app), "CH-2", small_roster())
    clock.set(wit(9, 10))
    submit(app, hasan)  # decision due Wednesday 11 March; the mentor sits on it
    report = app.sweeper.sweep(wit(12))
    assert sorted((r.project_id, r.clock) for r in report.raised) == sorted(
        [(ismail, "participant"), (selvie, "participant"), (hasan, "approver")]
    )
    with app.engine.unit_of_work() as uow:
        mentor = uow.projects.load(hasan, 0).mentor_id
        selvie_view = uow.projects.load(selvie, 0)
    clock.set(wit(12, 9))
    submit(app, ismail)  # the late report arrives
    app.engine.approve(ApproveStage(actor_id=mentor, project_id=hasan))  # the decision is made
    before = {(r.project_id, r.channel, r.address) for r in rows(app) if r.alert_id}

    channels: dict[str, Channel] = {
        "email": smtp_channel(mail),
        "webhook": WebhookChannel(SECRET),
        "apprise": AppriseChannel(app.settings.apprise_urls),
    }
    dispatched = Dispatcher(app.database, channels).drain(wit(12, 10))

    alert_rows = [r for r in rows(app) if r.alert_id]
    assert {(r.project_id, r.channel, r.address) for r in alert_rows} == before
    cancelled = [r for r in alert_rows if r.status == "cancelled"]
    assert {r.project_id for r in cancelled} == {ismail, hasan}
    assert {r.channel for r in cancelled} == {"email", "webhook", "apprise"}
    assert all(
        r.last_error.startswith(f"cancelled: alert {r.alert_id} was resolved at 2026-03-12 00:00")
        for r in cancelled
    )
    still = [r for r in alert_rows if r.project_id == selvie]
    assert {r.status for r in still} == {"sent"}
    notices = {r.project_id: r for r in rows(app) if r.kind == "decision_waiting"}
    assert notices[hasan].status == "cancelled"  # decided before it left
    assert notices[ismail].status == "sent"  # the late report waits for the mentor now
    assert (dispatched.cancelled, dispatched.sent) == (len(cancelled) + 1, len(still) + 1)
    assert {m.to for m in mail.handler.received} == {
        r.address for r in still if r.channel == "email"
    } | {notices[ismail].address}
    assert {json.loads(h.body)["project_id"] for h in hooks.requests if h.path == "/patok"} == {
        selvie
    }

    # an extension granted resolves the participant's escalations: their next ones never leave
    report = app.sweeper.sweep(wit(13))
    assert {(r.project_id, r.level) for r in report.raised} == {(selvie, 2)}
    clock.set(wit(13, 9))
    ext = app.extensions.request(
        RequestExtension(
            actor_id=selvie_view.participant_id,
            project_id=selvie,
            reason="Data belum terbit",
            new_due_date=date(2026, 3, 17),
        )
    ).payload["extension"]
    app.extensions.decide(
        DecideExtension(actor_id=selvie_view.mentor_id, extension_id=ext, grant=True)
    )
    later = Dispatcher(app.database, channels).drain(wit(13, 10))
    assert report.queued == 5  # 2 e-mails, hook, 2 chats: all cancelled, and the notice of the
    # request (decided before it left) with them; only the grant reaches the participant
    assert (later.sent, later.cancelled) == (1, report.queued + 1)
    kinds = {r.kind: r.status for r in rows(app) if r.kind.startswith("extension_")}
    assert kinds == {"extension_requested": "cancelled", "extension_granted": "sent"}


def test_the_digest_leaves_out_alerts_resolved_since_they_were_held(
    app: Patok, clock: SettableClock
) -> None:
    assert app.database is not None
    organiser = add_organiser(app)
    ismail, selvie, hasan = make_cohort(app, organiser, "CH-3", small_roster())
    with app.engine.unit_of_work(write=True) as uow:
        uow.people.set_preferences(organiser, digest=True, lang=None)
        uow.commit()
    # Friday 13 March: level 2 of all three (to the coordinators), level 1 of Hasan (no coach)
    app.sweeper.sweep(wit(13))
    mine = [r for r in rows(app) if r.address == ORGANISER.email]
    assert len(mine) == 4 and {r.status for r in mine} == {"held"}
    clock.set(wit(13, 9))
    submit(app, ismail)
    submit(app, hasan)

    made = digest_run(app.database, wit(14, 7), render_digest)

    assert (made.written, made.cancelled) == (1, 3)
    after = {r.id: r for r in rows(app)}
    for r in mine:
        expected = "digested" if r.project_id == selvie else "cancelled"
        assert after[r.id].status == expected
    (summary,) = [r for r in after.values() if r.kind == "digest"]
    assert summary.subject == "[patok] Ringkasan harian: 1 pemberitahuan"
    assert "Selvie Rumalatu" in summary.body
    assert "Ismail Tuakia" not in summary.body and "Hasan Patty" not in summary.body
    # once everything held is resolved, there is no digest at all
    app.sweeper.sweep(wit(17))
    clock.set(wit(17, 9))
    submit(app, selvie)
    again = digest_run(app.database, wit(18, 7), render_digest)
    assert (again.written, again.cancelled) == (0, 1)
