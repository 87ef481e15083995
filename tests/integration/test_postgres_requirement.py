"""``PATOK_REQUIRE_POSTGRES=1`` (for ``make test`` and CI): where no PostgreSQL server is
reachable, the PostgreSQL tests fail with the reason they would otherwise be skipped with, so a
run that could not reach the server never passes silently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tests.conftest as shared

ROOT = Path(__file__).resolve().parents[2]
REASON = "PostgreSQL not reachable at postgresql://postgres@127.0.0.1:1/test: connection refused"
POSTGRES_TEST = (
    "tests/integration/test_programme_pinning.py::"
    "test_a_changed_programme_file_with_the_same_code_changes_nothing_for_a_running_cohort[postgres]"
)


def _server(monkeypatch: pytest.MonkeyPatch, problem: str | None, required: bool) -> None:
    """Pretend the reachability check has run and found ``problem``; set the switch or not."""
    monkeypatch.setattr(shared, "_pg_checked", True)
    monkeypatch.setattr(shared, "_pg_problem", problem)
    if required:
        monkeypatch.setenv(shared.REQUIRE_POSTGRES_VARIABLE, "1")
    else:
        monkeypatch.delenv(shared.REQUIRE_POSTGRES_VARIABLE, raising=False)


def test_without_the_switch_an_unreachable_server_gives_the_reason_to_skip_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _server(monkeypatch, REASON, required=False)
    assert shared.postgres_unreachable() == REASON


def test_with_the_switch_an_unreachable_server_fails_with_the_same_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _server(monkeypatch, REASON, required=True)
    with pytest.raises(pytest.fail.Exception) as failed:
        shared.postgres_unreachable()
    assert str(failed.value) == f"{REASON} (PATOK_REQUIRE_POSTGRES=1: not skipped)"


def test_with_the_switch_a_reachable_server_lets_the_tests_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _server(monkeypatch, None, required=True)
    assert shared.postgres_unreachable() is None


def test_a_required_postgres_test_fails_naming_the_unreachable_server_instead_of_skipping() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "PATOK_REQUIRE_POSTGRES"))
    }
    env["PATOK_TEST_POSTGRES_URL"] = "postgresql://postgres@127.0.0.1:1/test"
    env["PATOK_REQUIRE_POSTGRES"] = "1"

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", POSTGRES_TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 1, done.stdout
    assert "1 error in" in done.stdout and "1 skipped" not in done.stdout, done.stdout
    assert "PostgreSQL not reachable at postgresql://postgres@127.0.0.1:1/test" in done.stdout
    assert "(PATOK_REQUIRE_POSTGRES=1: not skipped)" in done.stdout
