"""What the CLI prints: alerts name their recipients in words, never by the codes the programme
definitions use (adapters.cli.render); every refusal is one ``patok: …`` line
(adapters.cli.common)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import typer
from rich.console import Console

from adapters.cli.common import refusals, state
from adapters.cli.render import print_alerts
from adapters.i18n import Lang
from domain.errors import RosterError
from states.ports import RaisedAlert

AT = datetime(2026, 3, 10, 14, 59, tzinfo=UTC)


def _alert(alert_id: int, notify: str) -> RaisedAlert:
    return RaisedAlert(
        id=alert_id,
        stage_instance_id=1,
        project_id=7,
        cohort_id=1,
        kind="escalation",
        clock="participant",
        cycle=1,
        rung=alert_id,
        notify=notify,
        due_at=AT,
        raised_at=AT,
        resolved_at=None,
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("id", ["coach (widyaiswara)", "koordinator angkatan", "kepala instansi penyelenggara"]),
        ("en", ["coach (widyaiswara)", "the cohort's coordinators", "head of the organising agency"]),
    ],
)
def test_alerts_name_each_recipient_in_words_in_the_chosen_language(
    lang: Lang, words: list[str]
) -> None:
    out = io.StringIO()
    rows = [_alert(1, "coach"), _alert(2, "coordinator"), _alert(3, "agency_head")]

    print_alerts(rows, {1: "SBB-2026"}, lang, Console(file=out, width=400))

    text = out.getvalue()
    assert all(w in text for w in words), text
    assert "agency_head" not in text
    assert "3 rows" in text if lang == "en" else "3 baris" in text


def test_a_refusal_whose_message_spans_lines_is_printed_on_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state(), "lang", "id")

    @refusals
    def command() -> None:
        raise RosterError(
            ["r.yaml: YAML tidak sah: baris satu\n  baris dua", "r.yaml baris 3: kedua"],
            ["r.yaml: invalid YAML: line one\n  line two", "r.yaml line 3: second"],
        )

    with pytest.raises(typer.Exit) as exited:
        command()

    assert exited.value.exit_code == 1
    assert capsys.readouterr().err == (
        "patok: Roster ditolak, tidak ada yang disimpan: r.yaml: YAML tidak sah: baris satu "
        "baris dua; r.yaml baris 3: kedua\n"
    )
