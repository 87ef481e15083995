"""Accounts from the command line, as a real process: the first coordinator with a password,
setting and resetting passwords, and API tokens issued, listed and revoked."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.bootstrap import bootstrap
from adapters.cli.app import app as patok_app
from adapters.settings import Settings
from domain.errors import AuthenticationFailed
from domain.nip import synthetic_nip
from tests.integration.helpers import EXAMPLES
from tests.integration.test_cli import Cli

ORG = "koordinator@bpsdm.example.go.id"
MENTOR = "yohanes.lewerissa@sbbkab.go.id"
PARTICIPANT = "ismail.tuakia@sbbkab.go.id"
FIRST_PASSWORD = "kata-sandi-pertama-1"


def _run(cli: Cli, *args: str, stdin: str | None = None, ok: bool = True) -> tuple[int, str, str]:
    import subprocess

    from tests.integration.test_cli import PATOK

    done = subprocess.run(
        [PATOK, *args],
        env=cli.env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done.returncode, done.stdout, done.stderr


def _login(data: Path, login: str, password: str) -> bool:
    app = bootstrap(Settings(data_dir=data))
    try:
        app.accounts.login(login, password)
        return True
    except AuthenticationFailed:
        return False
    finally:
        app.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the first coordinator (with a password) and a cohort."""
    folder = tmp_path_factory.mktemp("accounts") / "data"
    cli = Cli(folder)
    _, out, _ = _run(
        cli,
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
        "--password-stdin",
        stdin=FIRST_PASSWORD + "\n",
    )
    assert "(password set)" in out
    cli(
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
    cli("cohort", "import", "SBB-2026", str(EXAMPLES / "roster-small.csv"), "--as", ORG)
    return folder


def test_the_first_coordinator_created_from_the_cli_can_sign_in_to_the_web(data: Path) -> None:
    assert _login(data, ORG, FIRST_PASSWORD)
    assert not _login(data, ORG, "bukan-sandinya-1")


def test_a_weak_first_password_is_refused_in_one_line_and_registers_nobody(
    tmp_path: Path,
) -> None:
    cli = Cli(tmp_path / "data")
    args = (
        "person",
        "add",
        "--nip",
        "198001012005011001",
        "--name",
        "Koordinator Uji",
        "--email",
        ORG,
        "--agency",
        "BPSDM",
        "--organiser",
        "--password-stdin",
    )
    code, _, err = _run(cli, *args, stdin="pendek\n", ok=False)
    assert code == 1 and err.startswith("patok: Kata sandi ditolak") and err.count("\n") == 1
    _run(cli, *args, stdin=FIRST_PASSWORD + "\n")  # the same NIP is still free


def _people(data: Path) -> int:
    with sqlite3.connect(data / "patok.db") as conn:
        return int(conn.execute("SELECT count(*) FROM people").fetchone()[0])


def test_once_an_organiser_exists_person_add_needs_an_organiser_named_with_as(
    data: Path,
) -> None:
    cli = Cli(data)
    cli.env.update(PATOK_ARGON2_TIME_COST="1", PATOK_ARGON2_MEMORY_KIB="1024")  # fast hashing
    newcomer = (
        "person", "add", "--nip", synthetic_nip(date(1985, 7, 14), 2010, 3, "female", 7),
        "--name", "Penyelenggara Kedua", "--email", "kedua@bpsdm.example.go.id",
        "--agency", "BPSDM Provinsi Maluku", "--organiser", "--password-stdin",
    )  # fmt: skip
    before = _people(data)
    code, _, err = _run(cli, "--lang", "en", *newcomer, stdin=FIRST_PASSWORD + "\n", ok=False)
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("patok: An organiser exists already: give --as")
    code, _, err = _run(
        cli, "--lang", "en", *newcomer, "--as", MENTOR, stdin=FIRST_PASSWORD + "\n", ok=False
    )
    assert code == 1 and err.count("\n") == 1
    assert "is not an organiser; only organisers may register people" in err
    assert _people(data) == before
    _, out, _ = _run(cli, *newcomer, "--as", ORG, stdin=FIRST_PASSWORD + "\n")
    assert "Penyelenggara Kedua" in out and "(password set)" in out
    assert _people(data) == before + 1
    assert _login(data, "kedua@bpsdm.example.go.id", FIRST_PASSWORD)
    help_text = CliRunner().invoke(patok_app, ["person", "add", "--help"]).stdout
    assert "first organiser is registered without" in " ".join(help_text.split())


def test_a_password_is_set_locally_and_a_coordinator_resets_a_members(data: Path) -> None:
    cli = Cli(data)
    _run(cli, "person", "password", PARTICIPANT, "--password-stdin", stdin="sandi-peserta-kuat\n")
    assert _login(data, PARTICIPANT, "sandi-peserta-kuat")
    code, out, _ = _run(cli, "person", "reset-password", PARTICIPANT, "--as", ORG)
    temporary = out.strip().rsplit(" ", 1)[-1]
    assert code == 0 and _login(data, PARTICIPANT, temporary)
    assert not _login(data, PARTICIPANT, "sandi-peserta-kuat")
    code, _, err = _run(
        cli, "--lang", "en", "person", "reset-password", PARTICIPANT, "--as", MENTOR, ok=False
    )
    assert code == 1 and "may not reset the password of this cohort's members" in err


def test_tokens_are_issued_listed_without_their_secret_and_revoked(data: Path) -> None:
    cli = Cli(data)
    _, out, _ = _run(
        cli, "token", "create", "--cohort", "SBB-2026", "--name", "LMS BPSDM", "--as", ORG
    )
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("patok_")
    listed = json.loads(_run(cli, "token", "list", "--as", ORG, "--json")[1])
    assert [t["name"] for t in listed] == ["LMS BPSDM"]
    assert secret not in json.dumps(listed) and listed[0]["prefix"] == secret[:12]
    app = bootstrap(Settings(data_dir=data))
    try:
        assert app.accounts.token(secret) is not None
        _run(cli, "token", "revoke", str(listed[0]["id"]), "--as", ORG)
        assert app.accounts.token(secret) is None
    finally:
        app.close()
    code, _, err = _run(
        cli, "--lang", "en", "token", "revoke", str(listed[0]["id"]), "--as", ORG, ok=False
    )
    assert code == 1 and "revoked already" in err
    code, _, err = _run(
        cli,
        "--lang",
        "en",
        "token",
        "create",
        "--cohort",
        "SBB-2026",
        "--name",
        "x",
        "--as",
        MENTOR,
        ok=False,
    )
    assert code == 1 and "may not manage this cohort's API tokens" in err
