"""Benchmarking from the ``patok`` command line on SQLite: plans, warnings and refusals (one line,
exit 1), content, seminars and exports. Most commands run in this process through Typer's runner
(the same app, options and refusal handling, without a process start per command); one test runs
the console script as a real process."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from adapters.bootstrap import bootstrap
from adapters.cli import common
from adapters.cli.app import app as patok_app
from adapters.clock import SettableClock
from adapters.settings import Settings
from tests.bench_world import COHORT, build
from tests.integration.helpers import EXAMPLES
from tests.integration.test_cli import Cli

K = "k@uji.go.id"
NOW = "2026-03-02T09:00+09:00"


@pytest.fixture(scope="module")
def base_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """BENCH-1 with two Medan host units and groups I and II; p1 drafting lesson synthesis."""
    data = tmp_path_factory.mktemp("bench") / "data"
    clock = SettableClock(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    app = bootstrap(Settings(data_dir=data), clock=clock)
    bench = build(app, clock)
    bench.group_report("p2")
    bench.to_stage("p1", "lesson_synthesis")
    app.close()
    with sqlite3.connect(data / "patok.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return data


class InProcess(Cli):
    """The ``patok`` app invoked in this process, each command on a freshly wired ``Patok``."""

    def __call__(self, *args: str, ok: bool = True) -> Any:
        state = common.state()
        if state.patok is not None:
            state.patok.close()
        state.patok, state.now, state.lang = None, None, "id"
        result = CliRunner().invoke(patok_app, list(args), env=self.env, catch_exceptions=False)
        done = SimpleNamespace(
            returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done


def copy_of(base_data: Path, tmp_path: Path) -> Path:
    """A private copy of the base data directory."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(base_data / "patok.db", data / "patok.db")
    return data


@pytest.fixture
def cli(base_data: Path, tmp_path: Path) -> Iterator[Cli]:
    """The CLI (in this process) on a private copy of the base data."""
    run = InProcess(copy_of(base_data, tmp_path))
    yield run
    state = common.state()
    if state.patok is not None:
        state.patok.close()
    state.patok, state.now = None, None


def refused(cli: Cli, *args: str, lang: str = "en") -> str:
    """Run a command expected to be refused; return its one line (without ``patok: ``)."""
    done = cli("--lang", lang, "--now", NOW, *args, ok=False)
    assert done.returncode == 1, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("patok: "), done.stderr
    return lines[0].removeprefix("patok: ")


def test_plans_are_imported_warned_about_and_refused_from_the_cli(cli: Cli, tmp_path: Path) -> None:
    done = cli("visit", "import", COHORT, str(EXAMPLES / "plan-seed003.yaml"), "--as", K)
    assert "host.recorded" not in done.stdout and "plan.imported" in done.stdout
    hosts = cli.json("host", "list", COHORT, "--as", "p1@uji.go.id")
    assert [h["code"] for h in hosts] == [
        "bgr-bapenda",
        "bgr-bappeda",
        "bgr-diskominfostandi",
        "mdn-bappeda",
        "mdn-bkpsdm",
    ]
    broken = tmp_path / "rencana.yaml"
    broken.write_text(
        "visits:\n  - code: MDN\n    groups: [I]\n    agenda:\n"
        "      - {date: 2026-04-13, host: mdn-nowhere, topic: Paparan}\n",
        encoding="utf-8",
    )
    line = refused(cli, "visit", "import", COHORT, str(broken), "--as", K)
    assert line == (
        "Benchmarking plan refused, nothing was stored: rencana.yaml visits[0].agenda[0].host "
        "(line 5): unknown host partner 'mdn-nowhere'; known: bgr-bapenda, bgr-bappeda, "
        "bgr-diskominfostandi, mdn-bappeda, mdn-bkpsdm"
    )
    weekend = cli(
        "--lang", "en", "visit", "plan", COHORT, "MDN", "--from", "2026-04-17", "--to", "2026-04-18",
        "--group", "I", "--host", "Pemerintah Kota Medan", "--city", "Kota Medan", "--tz", "WIB",
        "--companion", "m1@uji.go.id", "--as", K,
    )  # fmt: skip
    assert "OK: visit.planned" in weekend.stdout
    assert weekend.stderr.strip() == "warning: visit MDN: 18-04-2026 is a Saturday (weekend)"
    line = refused(
        cli, "visit", "plan", COHORT, "MDN2", "--from", "2026-04-18", "--to", "2026-04-20",
        "--participant", "p2@uji.go.id", "--host", "Pemkot", "--city", "Medan", "--as", K,
    )  # fmt: skip
    assert "Uji P2 is already booked on visit MDN (17-04-2026 to 18-04-2026)" in line
    visits = cli.json("--now", NOW, "visit", "list", COHORT, "--as", K)
    assert [(v["code"], len(v["participants"]), v["status"]) for v in visits] == [
        ("MDN", 2, "planned")
    ]
    assert refused(cli, "group", "create", COHORT, "III", "--theme", "UMKM", "--as", K) == (
        "Refused, nothing was stored: --member: group III has no members; name at least one "
        "participant"
    )
    assert "tidak berwenang" in refused(
        cli, "host", "add", COHORT, "x", "--agency", "a", "--unit", "u", "--city", "c", "--as", "m1@uji.go.id", lang="id"
    )  # fmt: skip
    notes = tmp_path / "laporan.txt"
    notes.write_text("bukan pdf", encoding="utf-8")
    assert "type text/plain is not allowed for laporan_benchmarking_kelompok" in refused(
        cli, "group", "report", COHORT, "I", str(notes), "--as", "p1@uji.go.id"
    )
    groups = cli.json("group", "list", COHORT, "--as", K)
    assert [(g["code"], len(g["members"]), len(g["reports"])) for g in groups] == [
        ("I", 2, 1),
        ("II", 1, 0),
    ]


def test_lessons_decisions_and_milestones_from_the_cli(cli: Cli) -> None:
    line = refused(cli, "lesson", "add", "p1@uji.go.id", "--practice", "e-Planning", "--as", "p1@uji.go.id", lang="id")  # fmt: skip
    assert line.startswith("Pelajaran ditolak, tidak ada yang disimpan: host: wajib diisi")
    line = refused(cli, "lesson", "add", "p1@uji.go.id", "--practice", "e-Planning", "--as", "p1@uji.go.id")  # fmt: skip
    assert line == (
        "Lesson refused, nothing was stored: host: required: the host partner where the "
        "practice was observed; evidence: required: the evidence seen; success_key: "
        "required: the key to the host's success; lesson: required: the lesson learned"
    )
    done = cli(
        "--now", NOW, "lesson", "add", "p1@uji.go.id", "--host", "mdn-bappeda", "--practice",
        "e-Planning terintegrasi", "--where", "Bidang Perencanaan", "--evidence", "Dokumen RKPD",
        "--key", "Komitmen wali kota", "--lesson", "Perencanaan berbasis data", "--as", "p1@uji.go.id",
    )  # fmt: skip
    assert "OK: lesson.recorded #1" in done.stdout
    (lesson,) = cli.json("lesson", "list", "p1@uji.go.id", "--as", "m1@uji.go.id")["lessons"]
    assert (lesson["host"], lesson["success_key"], lesson["decision"]) == (
        "mdn-bappeda",
        "Komitmen wali kota",
        None,
    )
    assert "Adoption decision refused" in refused(
        cli, "adoption", "decide", str(lesson["id"]), "--decision", "adapt", "--as", "p1@uji.go.id"
    )
    assert refused(
        cli, "adoption", "decide", "9999", "--decision", "adopt", "--rationale", "x", "--as", "p1@uji.go.id"
    ) == "Lesson 9999 not found"  # fmt: skip
    assert "--decision must be adopt, adapt or not_adopt" in refused(
        cli, "adoption", "decide", str(lesson["id"]), "--decision", "copy", "--as", "p1@uji.go.id"
    )
    assert "Change-plan milestones can be changed only while adoption, implementation" in refused(
        cli, "milestone", "add", "p1@uji.go.id", "--title", "Uji coba", "--term", "short",
        "--target", "2026-05-01", "--as", "p1@uji.go.id",
    )  # fmt: skip
    decided = cli(
        "--now", NOW, "adoption", "decide", str(lesson["id"]), "--decision", "not_adopt",
        "--rationale", "Belum ada jaringan", "--as", "p1@uji.go.id",
    )  # fmt: skip
    assert "OK: adoption.decided #1" in decided.stdout
    row = next(
        r
        for r in cli.json("--now", NOW, "cohort", "board", COHORT, "--as", K)["rows"]
        if r["participant"]["name"] == "Uji P1"
    )
    assert (row["group"], row["content"]["lessons"], row["content"]["decided"]) == ("I", 1, 1)
    assert cli.json("milestone", "slipped", "--cohort", COHORT, "--as", "m1@uji.go.id") == []
    assert "may not see slipped milestones — angkatan BENCH-1" in refused(cli, "milestone", "slipped", "--cohort", COHORT, "--as", "k2@uji.go.id")  # fmt: skip


def test_seminars_and_exports_from_the_cli(cli: Cli, tmp_path: Path) -> None:
    created = cli(
        "seminar", "create", COHORT, "--kind", "design", "--at", NOW,
        "--examiner", "x1@uji.go.id", "--place", "Aula BPSDM", "--as", K,
    )  # fmt: skip
    assert "OK: seminar.scheduled — session 1" in created.stdout
    cli("seminar", "add", "1", "p1@uji.go.id", "p2@uji.go.id", "--as", K)
    for who, score in (("x1", "85"), ("m1", "80"), ("c1", "90")):
        cli("--now", NOW, "seminar", "score", "1", "p1@uji.go.id", "--score", score, "--as", f"{who}@uji.go.id")  # fmt: skip
    assert "is not on this participant's panel in session 1" in refused(
        cli, "seminar", "score", "1", "p1@uji.go.id", "--score", "70", "--as", "x2@uji.go.id"
    )
    assert "may not score this seminar — proyek 1" in refused(
        cli, "seminar", "score", "1", "p1@uji.go.id", "--score", "70", "--as", "m2@uji.go.id"
    )
    assert "tidak berwenang memberi nilai seminar ini" in refused(
        cli, "seminar", "score", "1", "p1@uji.go.id", "--score", "70", "--as", "m2@uji.go.id", lang="id"
    )  # fmt: skip
    assert "Grade 'luar biasa' is not on the programme's scale" in refused(
        cli, "seminar", "grade", "1", "p1@uji.go.id", "--grade", "luar biasa", "--as", "x1@uji.go.id"
    )  # fmt: skip
    graded = cli("--now", NOW, "seminar", "grade", "1", "p1@uji.go.id", "--as", "x1@uji.go.id")
    assert "OK: seminar.graded memuaskan" in graded.stdout
    (session,) = cli.json("seminar", "list", COHORT, "--as", K)
    assert [(e["nip"] != "", e["participants"], e["over_load"]) for e in session["examiners"]] == [
        (True, 2, False)
    ]
    record = cli.json("seminar", "record", "p1@uji.go.id", "--as", "p1@uji.go.id")
    assert record["seminars"][0]["grade"] == "memuaskan"
    assert record["certificate"]["status"] == "pending"
    cli("seminar", "create", COHORT, "--kind", "final", "--at", "2026-05-04T09:00+09:00", "--examiner", "x1@uji.go.id", "--as", K)  # fmt: skip
    cli("seminar", "add", "2", "p1@uji.go.id", "--as", K)
    assert "Session 2 starts only at 04-05-2026 09:00 (Asia/Jayapura)" in refused(
        cli, "seminar", "score", "2", "p1@uji.go.id", "--score", "80", "--as", "x1@uji.go.id"
    )

    trace = cli("--lang", "en", "export", "trace", COHORT, "--as", K).stdout
    assert next(csv.reader(io.StringIO(trace)))[:3] == ["Participant", "NIP", "Group"]
    hosts = tmp_path / "hosts.xlsx"
    cli("export", "hosts", COHORT, "--format", "xlsx", "--out", str(hosts), "--as", K)
    assert load_workbook(hosts).sheetnames == ["mitra", "praktik"]
    pdf = tmp_path / "p1.pdf"
    cli("export", "record", "p1@uji.go.id", "--format", "pdf", "--out", str(pdf), "--as", "m1@uji.go.id")  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF-")
    page = cli("export", "record", "p1@uji.go.id", "--as", "p1@uji.go.id").stdout
    assert page.startswith("<!doctype html>") and "Uji P1" in page
    record_csv = cli(
        "--lang", "en", "export", "record", "p1@uji.go.id", "--format", "csv", "--as", K
    )
    rows = list(csv.reader(io.StringIO(record_csv.stdout)))
    assert rows[0] == ["Section", "No./code", "Item", "Details", "Date", "Status"]
    assert rows[1][:3] == ["Participant", rows[1][1], "Uji P1"]
    seminar_row, final_row = [r for r in rows if r[0] == "Seminar"]
    assert seminar_row[1] == "#1" and seminar_row[5] == "satisfactory"
    assert final_row[1] == "#2" and final_row[5] == ""  # not graded: it has not begun
    assert rows[-1][:3] == ["Certificate", "", "not yet"]
    record_xlsx = tmp_path / "p1.xlsx"
    cli("export", "record", "p1@uji.go.id", "--format", "xlsx", "--out", str(record_xlsx), "--as", "m1@uji.go.id")  # fmt: skip
    book = load_workbook(record_xlsx)
    assert book.sheetnames == ["catatan"] and book["catatan"].max_row == len(rows)
    per_host = list(csv.reader(io.StringIO(cli("export", "hosts", COHORT, "--as", K).stdout)))
    assert [r[0] for r in per_host] == ["Kode mitra", "mdn-bappeda", "mdn-bkpsdm"]
    per_practice = cli("export", "hosts", COHORT, "--sheet", "practices", "--as", K).stdout
    assert per_practice.splitlines()[0].startswith("Kode mitra,Mitra (lokus),Praktik terbaik,")
    page = cli("--lang", "en", "export", "hosts", COHORT, "--format", "html", "--as", K).stdout
    assert "<h2>By host partner</h2>" in page and "<h2>By best practice</h2>" in page
    assert "--format must be one of html, pdf, csv, xlsx" in refused(
        cli, "export", "record", "p1@uji.go.id", "--format", "docx", "--as", K
    )
    assert (
        refused(cli, "export", "record", "p1@uji.go.id", "--format", "pdf", "--as", K)
        == "PDF is a binary file; give --out"
    )
    assert "may not see this cohort's board and reports" in refused(
        cli, "export", "trace", COHORT, "--as", "p1@uji.go.id"
    )


def test_the_cohort_reports_export_as_json_to_stdout_or_a_file(cli: Cli, tmp_path: Path) -> None:
    done = cli(
        "--now", NOW, "lesson", "add", "p1@uji.go.id", "--host", "mdn-bappeda", "--practice",
        "e-Planning terintegrasi", "--evidence", "Dokumen RKPD", "--key", "Komitmen wali kota",
        "--lesson", "Perencanaan berbasis data", "--as", "p1@uji.go.id",
    )  # fmt: skip
    assert "OK: lesson.recorded #1" in done.stdout
    trace = json.loads(cli("export", "trace", COHORT, "--format", "json", "--as", K).stdout)
    assert trace["cohort"] == COHORT and trace["generated_at"]
    (row,) = trace["rows"]
    assert (row["host_code"], row["practice"], row["lesson_number"], row["decision"]) == (
        "mdn-bappeda",
        "e-Planning terintegrasi",
        1,
        None,
    )
    assert row["group"] == "I" and row["milestone_number"] is None
    written = tmp_path / "hosts.json"
    done = cli("export", "hosts", COHORT, "--format", "JSON", "--out", str(written), "--as", K)
    assert done.stdout == "" and f"OK: {written}" in done.stderr
    hosts = json.loads(written.read_text(encoding="utf-8"))
    rows = {r["host"]["code"]: r for r in hosts["rows"]}
    assert set(rows) == {"mdn-bappeda", "mdn-bkpsdm"}
    bappeda = rows["mdn-bappeda"]
    assert (bappeda["projects_learned"], bappeda["groups"]) == (1, ["I"])
    assert [(p["practice"], p["lessons"]) for p in bappeda["practices"]] == [
        ("e-Planning terintegrasi", 1)
    ]
    assert rows["mdn-bkpsdm"]["practices"] == []
    assert "--format must be one of csv, xlsx, html, json" in refused(
        cli, "export", "hosts", COHORT, "--format", "yaml", "--as", K
    )
    assert "may not see this cohort's board and reports" in refused(
        cli, "export", "hosts", COHORT, "--format", "json", "--as", "p1@uji.go.id"
    )


def test_the_console_script_imports_a_plan_refuses_in_one_line_and_exports_a_pdf(
    base_data: Path, tmp_path: Path
) -> None:
    run = Cli(copy_of(base_data, tmp_path))
    assert "plan.imported" in run("visit", "import", COHORT, str(EXAMPLES / "plan-seed003.yaml"), "--as", K).stdout  # fmt: skip
    assert refused(run, "lesson", "add", "p1@uji.go.id", "--as", "p1@uji.go.id").startswith(
        "Lesson refused, nothing was stored: host: required"
    )
    pdf = tmp_path / "p1.pdf"
    run("export", "record", "p1@uji.go.id", "--format", "pdf", "--out", str(pdf), "--as", K)
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_visits_follow_group_changes_and_visits_and_hosts_are_changed_cancelled_and_removed(
    cli: Cli,
) -> None:
    def run(*args: str) -> Any:
        return cli("--lang", "en", "--now", NOW, *args, "--as", K)

    def participants(code: str) -> list[str]:
        visits = cli.json("--now", NOW, "visit", "list", COHORT, "--as", K)
        (found,) = (v for v in visits if v["code"] == code)
        return sorted(str(nip) for nip in found["participants"])

    place = ("--host", "Pemerintah Kota Medan", "--city", "Kota Medan", "--tz", "WIB")
    run("visit", "plan", COHORT, "MDN", "--from", "2026-04-13", "--to", "2026-04-15", "--group", "I", *place)  # fmt: skip
    run("visit", "plan", COHORT, "MDN2", "--from", "2026-04-15", "--to", "2026-04-16", "--participant", "p4@uji.go.id", *place)  # fmt: skip
    before = participants("MDN")
    line = refused(cli, "group", "change", COHORT, "I", "--add-member", "p4@uji.go.id", "--as", K)
    assert line.startswith("Refused, nothing was stored: add_members: Uji P4 is already booked ")
    assert "on visit MDN2 (15-04-2026 to 16-04-2026), whose days overlap visit MDN" in line
    assert participants("MDN") == before and len(before) == 2
    assert refused(cli, "visit", "cancel", COHORT, "MDN2", "--as", K) == (
        "Refused, nothing was stored: reason: required: why the visit is cancelled"
    )
    assert "OK: visit.cancelled — MDN2" in run("visit", "cancel", COHORT, "MDN2", "--reason", "Batal").stdout  # fmt: skip
    changed = run("group", "change", COHORT, "I", "--add-member", "p4@uji.go.id")
    assert changed.stdout.splitlines()[-1] == "visits following the group: MDN"
    assert len(participants("MDN")) == 3
    run("group", "change", COHORT, "I", "--remove-member", "p2@uji.go.id")
    assert len(participants("MDN")) == 2
    moved = run("visit", "change", COHORT, "MDN", "--to", "2026-04-18", "--add-companion", "m1@uji.go.id")  # fmt: skip
    assert "OK: visit.changed — MDN: 13-04-2026 – 18-04-2026, 2 participants" in moved.stdout
    assert moved.stderr.strip() == "warning: visit MDN: 18-04-2026 is a Saturday (weekend)"
    assert "visit MDN may not be left with no participants" in refused(
        cli, "visit", "change", COHORT, "MDN", "--remove-group", "I", "--as", K
    )
    run("visit", "agenda", COHORT, "MDN", "--date", "2026-04-13", "--host", "mdn-bappeda", "--topic", "Paparan")  # fmt: skip
    assert refused(cli, "host", "remove", COHORT, "mdn-bappeda", "--as", K) == (
        "Host partner 'mdn-bappeda' cannot be removed: 1 record(s) refer to it: the agenda of "
        "visit MDN on 13-04-2026 (Paparan)"
    )
    assert refused(
        cli, "host", "change", COHORT, "mdn-bappeda", "--contact-email", "bukan-email", "--as", K
    ) == (
        "Refused, nothing was stored: contact_name: the contact's name is required; "
        "contact_email: 'bukan-email' is not a valid e-mail address"
    )
    run("host", "change", COHORT, "mdn-bappeda", "--focus", "e-Planning dan e-Budgeting", "--contact-name", "Ibu Sekretaris")  # fmt: skip
    assert "OK: host.removed — mdn-bkpsdm" in run("host", "remove", COHORT, "mdn-bkpsdm").stdout
    (host,) = cli.json("host", "list", COHORT, "--as", K)
    assert (host["code"], host["focus"], host["contact"]["name"]) == (
        "mdn-bappeda",
        "e-Planning dan e-Budgeting",
        "Ibu Sekretaris",
    )
    groups = {g["code"]: g["hosts"] for g in cli.json("group", "list", COHORT, "--as", K)}
    assert groups == {"I": ["mdn-bappeda"], "II": []}
    assert "may not plan this cohort's benchmarking" in refused(
        cli, "visit", "cancel", COHORT, "MDN", "--reason", "x", "--as", "m1@uji.go.id"
    )
