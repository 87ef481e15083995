"""Notices of commands on real databases: a submission tells its approvers a decision waits, an
extension request tells the mentor, a decision on it tells the participant — each queued in the
outbox in the command's own transaction, in the recipient's language, held for those who chose the
daily digest, and cancelled rather than sent once it is stale.

The engine calls :meth:`states.notices.Notices.after` from ``Engine.record``, inside the
command's unit of work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from adapters.bootstrap import Patok
from adapters.clock import SettableClock
from adapters.db.orm import OutboxRow
from adapters.db.project_store import SqlProjectStore
from adapters.notify.channels import OutgoingMessage
from adapters.notify.digest_text import render_digest
from adapters.notify.dispatcher import Dispatcher, digest_run
from adapters.programmes import builtin_programmes
from domain.commands import (
    ApproveStage,
    CreateCohort,
    DecideExtension,
    ImportRoster,
    RequestExtension,
    SubmitStage,
)
from domain.errors import ConflictError
from domain.programme import get_programme
from domain.roles import Role
from states.ports import ProjectView
from tests.integration.helpers import (
    ORGANISER,
    add_organiser,
    make_cohort,
    programme_of,
    small_roster,
    uploads_for,
)
from tests.integration.test_sweep import wit

MENTOR_EMAIL = "yohanes.lewerissa@sbbkab.go.id"
COACH_EMAIL = "abraham.latupeirissa@bpsdm.malukuprov.go.id"
PARTICIPANT_EMAIL = "ismail.tuakia@sbbkab.go.id"


def outbox(app: Patok) -> list[Any]:
    assert app.database is not None
    with app.database.connect() as conn:
        return list(conn.execute(select(OutboxRow).order_by(OutboxRow.id)).all())


def view_of(app: Patok, project: int) -> ProjectView:
    with app.engine.unit_of_work() as uow:
        return uow.projects.load(project, 0)


def submit(app: Patok, project: int) -> None:
    view = view_of(app, project)
    app.engine.submit(
        SubmitStage(
            actor_id=view.participant_id,
            project_id=project,
            artifacts=uploads_for(programme_of(app, project), view.stage),
        )
    )


def set_prefs(app: Patok, email: str, *, digest: bool | None = None, lang: str | None = None) -> int:
    with app.engine.unit_of_work(write=True) as uow:
        person = uow.people.find(email)
        assert person is not None and person.id is not None
        uow.people.set_preferences(person.id, digest=digest, lang=lang)
        uow.commit()
    return person.id


@dataclass
class Recording:
    """An e-mail channel that keeps what it was given."""

    sent: list[OutgoingMessage] = field(default_factory=list)

    def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message)


@pytest.fixture
def projects(app: Patok) -> list[int]:
    """The small roster's three projects in a PIM III cohort on WIT (Ismail, Selvie, Hasan)."""
    return make_cohort(app, add_organiser(app), "NTC-1", small_roster())


def test_a_submission_tells_the_mentor_what_waits_since_when_until_when_and_where_to_act(
    app: Patok, projects: list[int], clock: SettableClock
) -> None:
    first = projects[0]
    clock.set(wit(9, 10))
    submit(app, first)
    (row,) = outbox(app)
    view = view_of(app, first)
    assert (row.kind, row.channel, row.address, row.person_id) == (
        "decision_waiting",
        "email",
        MENTOR_EMAIL,
        view.mentor_id,
    )
    assert (row.status, row.lang, row.alert_id, row.project_id) == ("pending", "id", None, first)
    assert row.subject.startswith("[patok] Menunggu keputusan: tahap Diagnosis Ismail Tuakia")
    assert "Pengajuan #1 tahap Diagnosis dari Ismail Tuakia, S.T. (NIP 197802092003031041)" in (
        row.body
    )
    assert "sejak 09-03-2026 10:00 WIT" in row.body
    assert "paling lambat 11-03-2026 23:59 WIT" in row.body  # 2 working days to decide
    assert "(sebagai mentor (atasan langsung))" in row.body
    assert row.body.rstrip().endswith(f"http://127.0.0.1:8000/projects/{first}")
    assert json.loads(row.payload) == {
        "project_id": first,
        "stage_id": view.stage_id,
        "submission": 1,
    }


def test_the_notice_reaches_every_approver_the_programme_names_in_their_language_or_digest(
    app: Patok, clock: SettableClock
) -> None:
    organiser = add_organiser(app)
    pim3 = get_programme("PIM3", builtin_programmes())
    own = pim3.model_copy(
        update={
            "version": "2026-coach",
            "stages": [
                s.model_copy(update={"approvers": [Role.COACH, Role.COORDINATOR]})
                if s.code == "diagnosis"
                else s
                for s in pim3.stages
            ],
        }
    )
    app.cohorts.create(
        CreateCohort(
            actor_id=organiser,
            code="NTC-2",
            name="Angkatan uji penyetuju",
            programme=own,
            organiser="BPSDM Provinsi Maluku",
            timezone="Asia/Jayapura",
            start_date=date(2026, 3, 2),
        )
    )
    app.cohorts.import_roster(
        ImportRoster(actor_id=organiser, cohort_code="NTC-2", roster=small_roster())
    )
    set_prefs(app, COACH_EMAIL, lang="en")
    set_prefs(app, ORGANISER.email, digest=True)
    with app.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code("NTC-2")
        first = uow.projects.ids_of_cohort(cohort.id or 0)[0]
    clock.set(wit(9, 10))
    submit(app, first)
    rows = {r.address: r for r in outbox(app)}
    assert set(rows) == {COACH_EMAIL, ORGANISER.email, "rahma.tuanany@bpsdm.malukuprov.go.id"}
    coach = rows[COACH_EMAIL]
    assert (coach.lang, coach.status) == ("en", "pending")
    assert coach.subject.startswith("[patok] Decision waiting: Diagnosis of Ismail Tuakia")
    assert "(as coach (widyaiswara))" in coach.body and "by 11-03-2026 23:59 WIT" in coach.body
    assert rows[ORGANISER.email].status == "held"  # the daily digest they chose
    assert rows["rahma.tuanany@bpsdm.malukuprov.go.id"].status == "pending"
    assert "(sebagai koordinator angkatan)" in rows[ORGANISER.email].body


def test_a_command_that_fails_after_recording_its_event_leaves_no_notice(
    app: Patok, projects: list[int], clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = projects[0]
    clock.set(wit(9, 10))

    def broken(self: SqlProjectStore, artifacts: object) -> None:
        raise ConflictError("disk penuh", "disk full")

    monkeypatch.setattr(SqlProjectStore, "store_blobs", broken)
    with pytest.raises(ConflictError):
        submit(app, first)
    assert outbox(app) == []  # the notice was written in the rolled-back transaction
    assert view_of(app, first).state == "diagnosis.drafting"
    monkeypatch.undo()


def test_an_extension_request_tells_the_mentor_and_each_decision_tells_the_participant(
    app: Patok, projects: list[int], clock: SettableClock
) -> None:
    first = projects[0]
    view = view_of(app, first)
    set_prefs(app, PARTICIPANT_EMAIL, lang="en")
    clock.set(wit(9, 9))
    ext = app.extensions.request(
        RequestExtension(
            actor_id=view.participant_id,
            project_id=first,
            reason="Data BPS belum terbit",
            new_due_date=date(2026, 3, 13),
        )
    ).payload["extension"]
    (asked,) = outbox(app)
    assert (asked.kind, asked.address, asked.lang) == ("extension_requested", MENTOR_EMAIL, "id")
    assert f"(permohonan #{ext})" in asked.body and "Alasan: Data BPS belum terbit" in asked.body
    assert "dari 10-03-2026 23:59 WIT ke akhir hari 13-03-2026" in asked.body
    clock.set(wit(9, 11))
    app.extensions.decide(DecideExtension(actor_id=view.mentor_id, extension_id=ext, grant=True))
    clock.set(wit(10, 9))
    second = app.extensions.request(
        RequestExtension(
            actor_id=view.participant_id,
            project_id=first,
            reason="Narasumber sakit",
            new_due_date=date(2026, 3, 16),
        )
    ).payload["extension"]
    app.extensions.decide(
        DecideExtension(
            actor_id=view.mentor_id, extension_id=second, grant=False, note="Tidak mendesak"
        )
    )
    to_participant = [r for r in outbox(app) if r.address == PARTICIPANT_EMAIL]
    assert [r.kind for r in to_participant] == ["extension_granted", "extension_refused"]
    granted, refused = to_participant
    assert granted.subject == "[patok] Extension granted: Diagnosis now due 13-03-2026 23:59 WIT"
    assert granted.status == refused.status == "pending" and granted.lang == "en"
    assert "Note: Tidak mendesak" in refused.body and "stays as it was" in refused.body
    assert len(outbox(app)) == 4  # two requests to the mentor, two decisions to the participant


def test_stale_notices_are_cancelled_with_the_reason_and_left_out_of_the_digest(
    app: Patok, projects: list[int], clock: SettableClock
) -> None:
    assert app.database is not None
    ismail, selvie, hasan = projects
    mentor_id = set_prefs(app, MENTOR_EMAIL, digest=True)  # Ismail's and Hasan's mentor
    clock.set(wit(9, 10))
    submit(app, ismail)
    submit(app, hasan)
    selvie_view = view_of(app, selvie)
    ext = app.extensions.request(
        RequestExtension(
            actor_id=selvie_view.participant_id,
            project_id=selvie,
            reason="Data belum lengkap",
            new_due_date=date(2026, 3, 13),
        )
    ).payload["extension"]
    clock.set(wit(9, 14))
    app.engine.approve(ApproveStage(actor_id=mentor_id, project_id=ismail))
    app.extensions.decide(
        DecideExtension(actor_id=selvie_view.mentor_id, extension_id=ext, grant=True)
    )

    written = digest_run(app.database, wit(10, 7), render_digest)
    channel = Recording()
    report = Dispatcher(app.database, {"email": channel}).drain(wit(10, 7))

    rows = {(r.kind, r.project_id): r for r in outbox(app)}
    waiting_ismail = rows[("decision_waiting", ismail)]
    assert waiting_ismail.status == "cancelled"  # decided before the digest
    assert waiting_ismail.last_error.startswith(f"cancelled: submission #1 of project {ismail}")
    asked = rows[("extension_requested", selvie)]
    assert asked.status == "cancelled"  # granted before it was sent
    assert asked.last_error == f"cancelled: extension request {ext} was granted before this was sent"
    assert rows[("decision_waiting", hasan)].status == "digested"
    assert (written.written, written.cancelled) == (1, 1)
    assert (report.cancelled, report.sent) == (1, 2)  # the request; the digest and the grant
    (digest_mail,) = [m for m in channel.sent if m.kind == "digest"]
    assert digest_mail.address == MENTOR_EMAIL
    assert "Hasan Patty" in digest_mail.body and "Ismail Tuakia" not in digest_mail.body
    assert [m.kind for m in channel.sent if m.kind != "digest"] == ["extension_granted"]
