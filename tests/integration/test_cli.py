"""The ``patok`` command line, run as a real process on the embedded SQLite default."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from adapters.db.database import SCHEMA_HEAD
from domain.calendar import WorkingDayCalendar
from tests.integration.helpers import EXAMPLES
from tests.integration.test_dispatch import RecordingHandler, free_port

PATOK = str(Path(sys.executable).parent / "patok")
ORG = "koordinator@bpsdm.example.go.id"
MENTOR = "196908021995031003"
PARTICIPANT = "ismail.tuakia@sbbkab.go.id"


class Cli:
    """Runs patok with its data directory in a temporary folder."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PATOK_")}
        self.env["PATOK_DATA_DIR"] = str(data)

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [PATOK, *args], env=self.env, capture_output=True, text=True, timeout=120, check=False
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def json(self, *args: str) -> Any:
        return json.loads(self("--lang", "en", *args, "--json").stdout)


@pytest.fixture(scope="module")
def base_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with an organiser, a PKA cohort on WIT and the small roster imported."""
    data = tmp_path_factory.mktemp("base") / "data"
    run = Cli(data)
    run(
        "person",
        "add",
        "--nip",
        "198001012005011001",
        "--name",
        "Koordinator Uji",
        "--email",
        ORG,
        "--agency",
        "BPSDM Provinsi Maluku",
        "--organiser",
    )
    run(
        "cohort",
        "create",
        "SBB-2026",
        "--name",
        "PKA Angkatan I 2026",
        "--programme",
        "PKA",
        "--organiser",
        "BPSDM Provinsi Maluku",
        "--tz",
        "WIT",
        "--start",
        "2026-03-02",
        "--as",
        ORG,
    )
    run("cohort", "import", "SBB-2026", str(EXAMPLES / "roster-small.csv"), "--as", ORG)
    with sqlite3.connect(data / "patok.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return data


@pytest.fixture
def cli(base_data: Path, tmp_path: Path) -> Cli:
    """A CLI on a private copy of the base data directory."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(base_data / "patok.db", data / "patok.db")
    return Cli(data)


def test_database_is_created_and_migrated_on_first_use_in_wal_mode(cli: Cli) -> None:
    db = cli.data / "patok.db"
    assert db.exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    assert "up to date" in cli("db", "upgrade").stdout


def test_programme_list_and_show_read_the_shipped_definitions(cli: Cli) -> None:
    codes = {p["code"] for p in cli.json("programme", "list")}
    assert codes == {"PKA", "PKP", "PKN2", "PIM3", "PIM4"}
    shown = cli.json("programme", "show", "pka")
    assert shown["stages"][0]["code"] == "diagnosis"
    refused = cli("programme", "show", "DIKLATPIM9", ok=False)
    assert refused.returncode == 1 and "PKA" in refused.stderr


def test_participant_and_mentor_carry_a_stage_with_files_and_the_board_shows_it(
    cli: Cli, tmp_path: Path
) -> None:
    report = tmp_path / "laporan.pdf"
    report.write_bytes(b"%PDF-1.4 laporan diagnosis")
    board = cli.json("cohort", "board", "SBB-2026", "--as", ORG)
    first = next(r for r in board["rows"] if r["participant"]["nip"] == "197802092003031041")
    assert first["state"] == "diagnosis.drafting"
    pid = str(first["project_id"])
    out = cli("submit", pid, "--as", PARTICIPANT, "--file", f"laporan_diagnosis={report}").stdout
    assert "diagnosis.submitted" in out
    assert (
        "taking_ownership.drafting"
        in cli("approve", pid, "--as", MENTOR, "--comment", "Bagus").stdout
    )
    shown = cli.json("project", "show", PARTICIPANT, "--as", MENTOR)
    assert shown["project"]["state"] == "taking_ownership.drafting"
    assert shown["submissions"][0]["artifacts"][0]["filename"] == "laporan.pdf"
    history = cli.json("project", "history", pid, "--as", PARTICIPANT)
    assert [h["action"] for h in history] == [
        "project.created",
        "stage.submitted",
        "stage.approved",
    ]
    text = cli("cohort", "board", "SBB-2026", "--as", ORG).stdout
    assert "Ismail Tuakia" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["approve", "1", "--as", MENTOR],
            "'approve' tidak dapat dilakukan pada status diagnosis.drafting",
        ),
        (["submit", "1", "--as", PARTICIPANT], "laporan_diagnosis"),
        (
            ["submit", "1", "--as", PARTICIPANT, "--file", "laporan_diagnosis=/nope/x.pdf"],
            "/nope/x.pdf",
        ),
        (["request-changes", "1", "--as", MENTOR], "'request_changes' tidak dapat"),
        (["withdraw", "1", "--as", PARTICIPANT, "--reason", "x"], "tidak berwenang"),
        (["withdraw", "1", "--as", ORG], "Alasan wajib"),
        (["approve", "1", "--as", "nobody@example.go.id"], "nobody@example.go.id"),
        (["cohort", "board", "SBB-2026", "--as", PARTICIPANT], "tidak berwenang"),
        (
            ["cohort", "import", "SBB-2026", str(EXAMPLES / "roster-small.csv"), "--as", ORG],
            "sudah",
        ),
        (
            [
                "person",
                "add",
                "--nip",
                "19800101200501100",
                "--name",
                "X Y",
                "--email",
                "x@y.go.id",
                "--agency",
                "BKD",
                "--as",
                ORG,
            ],
            "17",
        ),
        (
            [
                "cohort",
                "create",
                "X-1",
                "--name",
                "Angkatan X",
                "--programme",
                "PIM9",
                "--organiser",
                "BPSDM",
                "--tz",
                "WIB",
                "--start",
                "2026-01-05",
                "--as",
                ORG,
            ],
            "PIM9",
        ),
        (
            [
                "cohort",
                "create",
                "X-2",
                "--name",
                "Angkatan X",
                "--programme",
                "PKA",
                "--organiser",
                "BPSDM",
                "--tz",
                "Europe/Paris",
                "--start",
                "2026-01-05",
                "--as",
                ORG,
            ],
            "Europe/Paris",
        ),
    ],
)
def test_refused_commands_exit_non_zero_with_one_line_and_store_nothing(
    cli: Cli, args: list[str], message: str
) -> None:
    before = _snapshot(cli)
    done = cli(*args, ok=False)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("patok: "), done.stderr
    assert message in lines[0]
    assert "Traceback" not in done.stderr
    assert _snapshot(cli) == before


def _snapshot(cli: Cli) -> list[tuple[str, int]]:
    with sqlite3.connect(cli.data / "patok.db") as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [
            (t, conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in sorted(tables)
        ]


def test_refusal_in_english_when_asked(cli: Cli) -> None:
    done = cli("--lang", "en", "approve", "1", "--as", MENTOR, ok=False)
    assert "allowed now: submit, withdraw" in done.stderr


def test_audit_verify_passes_then_fails_naming_the_edited_entry(cli: Cli) -> None:
    assert "chain intact" in cli("audit", "verify").stdout
    with sqlite3.connect(cli.data / "patok.db") as conn:
        seq = conn.execute("SELECT seq FROM audit_log WHERE stream = 'project:2'").fetchone()[0]
        conn.execute("UPDATE audit_log SET actor_id = 999 WHERE seq = ?", (seq,))
    done = cli("audit", "verify", ok=False)
    assert done.returncode == 1
    assert f"project:2 entry seq={seq}" in done.stderr and "edited" in done.stderr
    report = json.loads(cli("audit", "verify", "--json", ok=False).stdout)
    assert report["intact"] is False and report["first_bad"]["seq"] == seq


def test_demo_loads_the_seed_001_cohort_and_prints_its_board(tmp_path: Path) -> None:
    run = Cli(tmp_path / "demo")
    out = run("demo").stdout
    assert "PIM3-XIII-2018" in out and "Diag" in out
    board = run.json(
        "cohort", "board", "PIM3-XIII-2018", "--as", "johanis.manuputty@bpsdm.malukuprov.go.id"
    )
    assert len(board["rows"]) == 40
    states = {r["state"].split(".")[0] for r in board["rows"]}
    assert len(states) >= 3  # projects under way at different stages
    # seed 001's four groups, its visit to Kota Tangerang, and the lessons recorded so far
    assert sorted({r["group"] for r in board["rows"]}) == ["I", "II", "III", "IV"]
    assert all(r["visit"] in ("planned", "under_way", "done") for r in board["rows"])
    assert sum(r["content"]["lessons"] for r in board["rows"]) > 0
    hosts = run.json(
        "host", "list", "PIM3-XIII-2018", "--as", "johanis.manuputty@bpsdm.malukuprov.go.id"
    )
    assert {h["city"] for h in hosts} == {"Kota Tangerang"} and len(hosts) == 6
    assert "sudah ada" in run("demo").stdout  # a second run changes nothing
    assert "chain intact" in run("audit", "verify").stdout


def test_a_coordinators_own_programme_file_is_checked_and_pins_a_new_cohort(
    cli: Cli, tmp_path: Path
) -> None:
    own = tmp_path / "pka-bpsdm.yaml"
    text = (Path(__file__).resolve().parents[2] / "domain/programmes/pka.yaml").read_text()
    own.write_text(text.replace("code: PKA", "code: PKA_MALUKU", 1), encoding="utf-8")
    assert "PKA_MALUKU@" in cli("programme", "check", str(own)).stdout
    cli(
        "cohort",
        "create",
        "MALUKU-1",
        "--name",
        "PKA Maluku 1",
        "--programme-file",
        str(own),
        "--organiser",
        "BPSDM Provinsi Maluku",
        "--tz",
        "WIT",
        "--start",
        "2026-03-02",
        "--as",
        ORG,
    )
    cohorts = {c["code"]: c for c in cli.json("cohort", "list")}
    assert cohorts["MALUKU-1"]["programme_code"] == "PKA_MALUKU"


def test_a_broken_programme_file_is_refused_naming_path_field_and_why(
    cli: Cli, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    text = (Path(__file__).resolve().parents[2] / "domain/programmes/pka.yaml").read_text()
    broken.write_text(
        text.replace("approvers: [mentor]", "approvers: [sponsor]", 1), encoding="utf-8"
    )
    before = _snapshot(cli)
    for args in (
        ["programme", "check", str(broken)],
        [
            "cohort",
            "create",
            "BROKEN-1",
            "--name",
            "Rusak",
            "--programme-file",
            str(broken),
            "--organiser",
            "BPSDM",
            "--tz",
            "WIT",
            "--start",
            "2026-03-02",
            "--as",
            ORG,
        ],
    ):
        done = cli("--lang", "en", *args, ok=False)
        assert done.returncode == 1
        assert (
            str(broken) in done.stderr and "approvers" in done.stderr and "sponsor" in done.stderr
        )
    assert _snapshot(cli) == before


def test_command_logs_are_json_lines_bound_to_cohort_project_and_actor(cli: Cli) -> None:
    cli.env.update(PATOK_LOG_LEVEL="info", PATOK_LOG_FORMAT="json")
    done = cli("request-changes", "1", "--as", MENTOR, ok=False)
    assert done.returncode == 1  # refused: nothing submitted yet, and no command.applied line
    report = cli.data / "r.pdf"
    report.write_bytes(b"%PDF-1.4")
    done = cli("submit", "1", "--as", PARTICIPANT, "--file", f"laporan_diagnosis={report}")
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    applied = [line for line in lines if line["event"] == "command.applied"]
    assert len(applied) == 1
    assert applied[0]["cohort"] == "SBB-2026" and applied[0]["project"] == 1
    assert applied[0]["action"] == "stage.submitted" and applied[0]["level"] == "info"
    assert isinstance(applied[0]["actor"], int) and "timestamp" in applied[0]


@pytest.fixture
def smtp(cli: Cli) -> Iterator[RecordingHandler]:
    """A real SMTP server on loopback that the CLI sends to; yields what it received."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    cli.env.update(PATOK_SMTP_HOST="127.0.0.1", PATOK_SMTP_PORT=str(port))
    try:
        yield handler
    finally:
        controller.stop()


def _after_first_deadline(cli: Cli, working_days: int) -> datetime:
    """08:00 WIT on the n-th working day after the cohort's first deadline."""
    board = cli.json("cohort", "board", "SBB-2026", "--as", ORG)
    due = datetime.fromisoformat(board["rows"][0]["stages"][0]["due_at"])
    calendar = WorkingDayCalendar("Asia/Jayapura")
    day = calendar.add_working_days(calendar.local_date(due), working_days)
    return datetime.combine(day, time(8, 0), tzinfo=calendar.tz)


def test_sweep_and_dispatch_from_the_cli_deliver_each_escalation_once_by_real_smtp(
    cli: Cli, smtp: RecordingHandler
) -> None:
    # the first escalation (+1 working day, to the coach) falls at 08:00 WIT
    at = _after_first_deadline(cli, 1)
    quiet = cli.json("--now", (at - timedelta(minutes=1)).isoformat(), "sweep")
    assert quiet["escalations"] == 0
    report = cli.json("--now", at.isoformat(), "sweep")
    assert report["escalations"] == 3  # the three participants are all late
    assert {r["notify"] for r in report["raised"] if r["kind"] == "escalation"} == {"coach"}
    assert cli.json("--now", at.isoformat(), "sweep")["escalations"] == 0
    sent = cli.json("--now", (at + timedelta(minutes=1)).isoformat(), "dispatch")
    assert sent["sent"] == report["queued"] and sent["dead"] == 0
    again = cli.json("--now", (at + timedelta(minutes=2)).isoformat(), "dispatch")
    assert again["sent"] == 0
    ids = [m.message_id for m in smtp.received]
    assert len(ids) == report["queued"] == len(set(ids))
    assert any("Eskalasi tingkat 1" in m.subject for m in smtp.received)
    listed = cli.json("escalations", "--cohort", "SBB-2026", "--as", ORG)
    assert len(listed) == 3 and all(e["resolved_at"] is None for e in listed)
    assert cli.json("outbox", "list", "--as", ORG) == []
    # a participant may not watch the cohort's escalations, nor its outbox
    for args in (
        ["escalations", "--cohort", "SBB-2026"],
        ["outbox", "list", "--cohort", "SBB-2026"],
    ):
        refused = cli(*args, "--as", PARTICIPANT, ok=False)
        assert refused.returncode == 1 and refused.stderr.startswith("patok: ")
    assert cli.json("escalations", "--as", PARTICIPANT) == []  # nothing of cohorts they do not run
    rows = cli.json("--now", at.isoformat(), "cohort", "board", "SBB-2026", "--as", ORG)["rows"]
    assert [(r["open_escalations"], r["escalation_level"]) for r in rows] == [(1, 1)] * 3
    assert all(r["status"] == "late" for r in rows)


def test_demo_simulation_prints_each_days_reminders_escalations_and_an_extension(
    tmp_path: Path,
) -> None:
    run = Cli(tmp_path / "sim")
    out = run("--lang", "en", "demo", "--simulate", "60d").stdout
    assert "reminder" in out and "escalation 1" in out
    assert "decision late" in out  # slow mentors are escalated too
    # recipients in words, never the programme's codes; the demo cohort has a head of agency
    assert "→ coach (widyaiswara): " in out and "→ the cohort's coordinators: " in out
    assert "→ head of the organising agency: kepala.badan@bpsdm.malukuprov.go.id" in out
    assert "agency_head" not in out and "→ coach: " not in out and "→ coordinator: " not in out
    assert "extension #1 asked by" in out and "extension #1 granted" in out
    totals = out.strip().splitlines()[-1]
    assert totals.startswith("Total:") and "1 extension(s)" in totals
    assert not (tmp_path / "sim" / "patok.db").exists()  # a throw-away database
    refused = run("demo", "--simulate", "forever", ok=False)
    assert refused.returncode == 1 and "120d" in refused.stderr


def test_a_coordinator_who_chose_the_daily_digest_gets_one_message_instead_of_several(
    cli: Cli, smtp: RecordingHandler
) -> None:
    assert (
        "digest=on lang=en"
        in cli("person", "prefs", "--as", ORG, "--digest", "--lang", "en").stdout
    )
    level2 = _after_first_deadline(cli, 3)
    swept = cli.json("--now", level2.isoformat(), "sweep")
    to_coordinators = [r for r in swept["raised"] if r["notify"] == "coordinator"]
    assert len(to_coordinators) == 3 and all(ORG in r["recipients"] for r in to_coordinators)
    # the participant without a coach: level 1 went to the coordinators as well
    held = [r for r in swept["raised"] if ORG in r["recipients"]]
    assert len(held) == 4
    cli.json("--now", level2.isoformat(), "dispatch")
    assert [m for m in smtp.received if ORG in m.rcpt] == []  # held for the digest
    wib = cli("--now", level2.isoformat(), "digest", "--zone", "Asia/Jakarta").stdout
    assert "0 digest(s)" in wib  # the cohort runs on WIT: not this zone's morning
    wit = cli.json("--now", level2.isoformat(), "digest", "--zone", "Asia/Jayapura")
    assert wit == {"count": 1}  # as the API's POST /digest answers
    cli.json("--now", (level2 + timedelta(minutes=1)).isoformat(), "dispatch")
    mine = [m for m in smtp.received if ORG in m.rcpt]
    assert len(mine) == 1 and "Daily digest: 4 notification(s)" in mine[0].subject
    assert mine[0].body.count("Escalation level 2") == 3
    assert mine[0].body.count("Escalation level 1") == 1


def test_files_and_databases_that_cannot_be_used_give_one_line_not_a_traceback(
    cli: Cli, tmp_path: Path
) -> None:
    latin1 = tmp_path / "roster-latin1.csv"
    latin1.write_bytes(
        (EXAMPLES / "roster-small.csv").read_text().replace("Tuakia", "Tuakiá").encode("latin-1")
    )
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(b"%PDF-1.4")
    locked.chmod(0)
    broken_db = Cli(tmp_path / "other")
    broken_db.env["PATOK_DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none"
    cases = [
        (cli, ["cohort", "import", "SBB-2026", str(latin1), "--as", ORG], "UTF-8"),
        (broken_db, ["cohort", "list"], "database cannot be used"),
        (cli, ["extend", "grant", str(2**70), "--as", ORG], "too large"),
    ]
    if os.geteuid() != 0:  # root reads files whatever their mode
        cases.append(
            (
                cli,
                ["submit", "1", "--as", PARTICIPANT, "--file", f"laporan_diagnosis={locked}"],
                "denied",
            )
        )
    for run, args, message in cases:
        done = run("--lang", "en", *args, ok=False)
        assert done.returncode == 1, args
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("patok: ") and message in lines[0], (
            done.stderr
        )


def _first_due(cli: Cli) -> datetime:
    """Project 1's current deadline (read from the database, which is quicker than a command)."""
    with sqlite3.connect(cli.data / "patok.db") as conn:
        text = conn.execute("SELECT due_at FROM projects WHERE id = 1").fetchone()[0]
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_extensions_are_requested_listed_granted_and_refused_from_the_cli(cli: Cli) -> None:
    due = _first_due(cli)
    now = ("--now", (due - timedelta(hours=3)).isoformat())
    calendar = WorkingDayCalendar("Asia/Jayapura")
    first_date = calendar.add_working_days(calendar.local_date(due), 2)
    asked = cli(
        *now,
        "extend",
        "request",
        "1",
        "--as",
        PARTICIPANT,
        "--date",
        first_date.isoformat(),
        "--reason",
        "Data BPS belum terbit",
    )
    assert "OK: extension.requested #1 (project 1)" in asked.stdout
    pending = cli.json(*now, "extend", "list", "--status", "pending", "--as", MENTOR)
    assert [(e["id"], e["project_id"], e["status"], e["new_due_date"]) for e in pending] == [
        (1, 1, "pending", first_date.isoformat())
    ]
    refused = cli(*now, "extend", "grant", "1", "--as", PARTICIPANT, ok=False)
    assert refused.returncode == 1 and refused.stderr.startswith("patok: ")
    assert "tidak berwenang" in refused.stderr
    granted = cli(*now, "extend", "grant", "1", "--as", MENTOR, "--note", "Silakan").stdout
    assert "OK: extension.granted #1 — due " in granted
    assert _first_due(cli) == calendar.end_of_day(first_date).astimezone(UTC)
    second_date = calendar.add_working_days(first_date, 2)
    cli(
        *now,
        "extend",
        "request",
        "1",
        "--as",
        PARTICIPANT,
        "--date",
        second_date.isoformat(),
        "--reason",
        "Narasumber sakit",
    )
    out = cli(*now, "extend", "refuse", "2", "--as", ORG, "--note", "Tidak mendesak").stdout
    assert "OK: extension.refused #2" in out and "due" not in out
    listed = cli.json("extend", "list", "--cohort", "SBB-2026", "--as", ORG)
    assert sorted((e["id"], e["status"], e["note"]) for e in listed) == [
        (1, "granted", "Silakan"),
        (2, "refused", "Tidak mendesak"),
    ]
    assert _first_due(cli) == calendar.end_of_day(first_date).astimezone(UTC)  # unchanged


def test_the_head_of_agency_gets_level_3_and_escalations_filter_by_level_and_resolved(
    cli: Cli, tmp_path: Path
) -> None:
    head = "kepala.badan@bpsdm.malukuprov.go.id"
    refused = cli("cohort", "set-agency-head", "SBB-2026", head, "--as", MENTOR, ok=False)
    assert refused.returncode == 1 and "tidak berwenang" in refused.stderr
    bad = cli(
        *("cohort", "create", "X-3", "--name", "Angkatan X", "--programme", "PKA"),
        *("--organiser", "BPSDM", "--tz", "WIT", "--start", "2026-01-05"),
        *("--agency-head", "kepala badan", "--as", ORG),
        ok=False,
    )
    assert bad.returncode == 1 and "bukan alamat e-mail" in bad.stderr
    assert head in cli("cohort", "set-agency-head", "SBB-2026", head.upper(), "--as", ORG).stdout
    (listed,) = cli.json("cohort", "list")
    assert (listed["code"], listed["agency_head_email"]) == ("SBB-2026", head)

    # five working days past the deadline: levels 1-3 at once, swept with the command's --now
    calendar = WorkingDayCalendar("Asia/Jayapura")
    day = calendar.add_working_days(calendar.local_date(_first_due(cli)), 5)
    at = datetime.combine(day, time(8, 0), tzinfo=calendar.tz)
    report = cli.json("sweep", "--now", at.isoformat())
    assert datetime.fromisoformat(report["now"]) == at
    level3 = [r for r in report["raised"] if r["level"] == 3]
    assert len(level3) == 3 and all(r["recipients"] == [head] for r in level3)
    assert {r["notify"] for r in level3} == {"agency_head"}

    third = cli.json("escalations", "--level", "3", "--as", ORG)
    assert len(third) == 3 and {e["level"] for e in third} == {3}
    assert all(e["resolved_at"] is None for e in third)
    late_report = tmp_path / "laporan.pdf"
    late_report.write_bytes(b"%PDF-1.4 laporan diagnosis")
    cli(
        *("--now", (at + timedelta(hours=1)).isoformat(), "submit", "1", "--as", PARTICIPANT),
        *("--file", f"laporan_diagnosis={late_report}"),
    )
    resolved = cli.json("escalations", "--status", "resolved", "--as", ORG)
    assert sorted((e["project_id"], e["level"]) for e in resolved) == [(1, 1), (1, 2), (1, 3)]
    assert all(e["resolved_at"] for e in resolved)
    board = cli.json("cohort", "board", "SBB-2026", "--as", ORG)
    assert board["agency_head_email"] == head
