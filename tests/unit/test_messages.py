"""Notification texts (pure): every recipient is named in words in both languages, a stand-in
recipient says whom it stands in for, and no programme code (``agency_head``) reaches a message."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.deadlines import AlertKind, Clock, PlannedAlert
from domain.roles import ESCALATION_TARGETS
from states.messages import (
    MessageContext,
    NoticeContext,
    recipient_label,
    render,
    render_decision_waiting,
    render_extension_decided,
    render_extension_requested,
)

DUE = datetime(2026, 3, 10, 14, 59, 59, tzinfo=UTC)
CODES = sorted(ESCALATION_TARGETS | {"participant", "examiner"})


def context(kind: AlertKind, clock: Clock, notify: str, audience: str = "") -> MessageContext:
    alert = PlannedAlert(kind, clock, 1, 3, notify, DUE, DUE)
    return MessageContext(
        alert=alert,
        stage="diagnosis",
        cohort_code="SBB-2026",
        timezone="Asia/Jayapura",
        participant_name="Ismail Tuakia, S.T.",
        participant_nip="197802092003031041",
        project_id=7,
        submission_number=1,
        working_days=5,
        link="https://patok.example.go.id/projects/7",
        audience=audience,
    )


@pytest.mark.parametrize("code", CODES)
def test_every_recipient_code_has_words_in_both_languages_and_never_shows_itself(
    code: str,
) -> None:
    words = {recipient_label(code, "id"), recipient_label(code, "en")}
    assert all(w and "_" not in w for w in words)


def test_the_head_of_agency_and_the_coach_are_named_as_the_training_calls_them() -> None:
    assert recipient_label("agency_head", "id") == "kepala instansi penyelenggara"
    assert recipient_label("agency_head", "en") == "head of the organising agency"
    assert recipient_label("coach", "id") == "coach (widyaiswara)"


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("notify", sorted(ESCALATION_TARGETS))
@pytest.mark.parametrize("clock", [Clock.PARTICIPANT, Clock.APPROVER])
def test_escalations_name_their_recipient_in_words_and_keep_the_link_last(
    lang: str, notify: str, clock: Clock
) -> None:
    subject, body = render(context(AlertKind.ESCALATION, clock, notify), lang)
    assert recipient_label(notify, lang) in body
    assert "agency_head" not in subject + body
    assert f"kepada {notify})" not in body and f"to the {notify})" not in body
    assert body.rstrip().endswith("/projects/7")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("id", "kepada koordinator angkatan, karena kepala instansi penyelenggara belum ditetapkan"),
        ("en", "to the cohort's coordinators, as no head of the organising agency is set"),
    ],
)
def test_a_stand_in_recipient_says_whom_it_stands_in_for(lang: str, expected: str) -> None:
    ctx = context(AlertKind.ESCALATION, Clock.PARTICIPANT, "agency_head", audience="coordinator")
    _, body = render(ctx, lang)
    assert expected in body


def test_notices_say_what_waits_since_when_until_when_and_where_in_both_languages() -> None:
    ctx = NoticeContext(
        "SBB-2026", "Asia/Jayapura", "Ismail Tuakia", "197802092003031041", "diagnosis", "L"
    )
    submitted = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)
    for lang, since, until in (
        ("id", "sejak 09-03-2026 10:00 WIT", "paling lambat 10-03-2026 23:59 WIT"),
        ("en", "since 09-03-2026 10:00 WIT", "by 10-03-2026 23:59 WIT"),
    ):
        _, body = render_decision_waiting(
            ctx,
            lang,
            submission=2,
            submitted_at=submitted,
            decision_due_at=DUE,
            as_role="mentor",
        )
        assert since in body and until in body and body.endswith("L")
    _, asked = render_extension_requested(
        ctx,
        "en",
        extension_id=4,
        requested_at=submitted,
        reason="Data BPS",
        current_due_at=DUE,
        new_due_date=date(2026, 3, 13),
    )
    assert "from 10-03-2026 23:59 WIT to the end of 13-03-2026" in asked
    subject, refused = render_extension_decided(
        ctx, "id", extension_id=4, granted=False, decided_at=submitted, note="", due_at=None
    )
    assert subject == "[patok] Perpanjangan ditolak: tenggat tahap Diagnosis tetap"
    assert "Catatan" not in refused  # no empty note line
