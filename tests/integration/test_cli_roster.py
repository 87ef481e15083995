"""``patok cohort import`` as a real process: a refused roster is one ``patok: …`` line that names
every problem at once — those in its records and those between them — in Bahasa Indonesia or in
English, and stores nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.integration.test_cli import ORG, Cli

MENTOR = "196908021995031003"
P1 = "197802092003031041"
P2 = "198107252006012017"
P3 = "197612012000041022"
PYDANTIC_WORDS = ("should", "Field required", "Extra inputs", "Value error", "valid string")

ROSTER = f"""\
mentors:
  - nip: "{MENTOR}"
    name: Yohanes Lewerissa
    email: yohanes.lewerissa@sbbkab.go.id
    agency: Pemerintah Kabupaten Seram Bagian Barat
participants:
  - nip: "{P1[:-1]}"
    name: Ismail Tuakia
    email: ismail.tuakia@sbbkab.go.id
    agency: Pemerintah Kabupaten Seram Bagian Barat
    mentor: "{MENTOR}"
  - nip: "{P2}"
    name: Selvie Rumalatu
    email: selvie.rumalatu@sbbkab.go.id
    agency: Pemerintah Kabupaten Seram Bagian Barat
    phone: "0812-abc"
    mentor: "{MENTOR}"
  - nip: "{P3}"
    name: Hasan Patty
    email: hasan.patty@sbbkab.go.id
    agency: Pemerintah Kabupaten Seram Bagian Barat
    mentor: "{P3}"
  - nip: "{P3}"
    name: Hasan Patty
    email: hasan.patty@sbbkab.go.id
    agency: Pemerintah Kabupaten Seram Bagian Barat
    mentor: christina.sopamena@sbbkab.go.id
"""


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """A CLI on a data directory with an organiser and a cohort without a roster (the tests
    only try imports that are refused, so they share it)."""
    run = Cli(tmp_path_factory.mktemp("roster") / "data")
    run(
        "person", "add", "--nip", "198001012005011001", "--name", "Koordinator Uji",
        "--email", ORG, "--agency", "BPSDM Provinsi Maluku", "--organiser",
    )
    run(
        "cohort", "create", "SBB-2026", "--name", "PKA Angkatan I 2026", "--programme", "PKA",
        "--organiser", "BPSDM Provinsi Maluku", "--tz", "WIT", "--start", "2026-03-02",
        "--as", ORG,
    )
    return run


def _people(cli: Cli) -> int:
    with sqlite3.connect(cli.data / "patok.db") as conn:
        count: int = conn.execute("SELECT count(*) FROM people").fetchone()[0]
    return count


def test_a_refused_yaml_roster_is_one_line_naming_record_and_cross_record_problems_together(
    cli: Cli, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.yaml"
    roster.write_text(ROSTER, encoding="utf-8")

    done = cli("cohort", "import", "SBB-2026", str(roster), "--as", ORG, ok=False)
    done_en = cli("--lang", "en", "cohort", "import", "SBB-2026", str(roster), "--as", ORG, ok=False)

    for refused in (done, done_en):
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("patok: "), refused.stderr
        assert not any(word in lines[0] for word in PYDANTIC_WORDS), lines[0]
    line = done.stderr.strip()
    assert line.startswith("patok: Roster ditolak, tidak ada yang disimpan: ")
    for problem in (
        f"{roster} participants[0].nip (baris 7): NIP '{P1[:-1]}' tidak sah",
        f"{roster} participants[1].phone (baris 16): nomor telepon '0812-abc' tidak sah",
        f"{roster} participants[3] (baris 23): peserta Hasan Patty (NIP {P3}) tercantum lebih "
        "dari sekali: participants[2] (baris 18), participants[3] (baris 23)",
        f"{roster} participants[2] (baris 18): peserta Hasan Patty (NIP {P3}) tidak boleh "
        "menjadi mentor bagi dirinya sendiri",
        f"{roster} participants[3] (baris 23): mentor christina.sopamena@sbbkab.go.id dari "
        "peserta Hasan Patty",
    ):
        assert problem in line, line
    line_en = done_en.stderr.strip()
    assert line_en.startswith("patok: Roster refused, nothing was stored: ")
    assert f"{roster} participants[1].phone (line 16): phone number '0812-abc' is invalid" in line_en
    assert "cannot be their own mentor" in line_en and "is not in the roster" in line_en
    assert _people(cli) == 1  # the organiser only


def test_a_yaml_roster_with_a_control_character_is_refused_on_one_line(
    cli: Cli, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.yaml"
    roster.write_text(ROSTER.replace("Hasan Patty", "Hasan\x1fPatty", 1), encoding="utf-8")

    done = cli("--lang", "en", "cohort", "import", "SBB-2026", str(roster), "--as", ORG, ok=False)

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"patok: Roster refused, nothing was stored: {roster} line 19, column 16: invalid YAML: "
        "special character #x001f is not allowed"
    ]
    assert _people(cli) == 1
