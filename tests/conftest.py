"""Shared fixtures: a database per test on SQLite and on PostgreSQL, and a wired patok on it.

PostgreSQL tests use ``PATOK_TEST_POSTGRES_URL`` (default: the server on this machine,
``postgresql://postgres@127.0.0.1:5432/test``), each in a schema of its own that is dropped
afterwards. Where no server is reachable they are skipped with the reason shown — unless
``PATOK_REQUIRE_POSTGRES=1`` (as in ``make test`` and CI), which makes each of them fail with that
reason instead, so a suite that could not reach PostgreSQL never passes silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from adapters.bootstrap import Patok, bootstrap
from adapters.clock import SettableClock
from adapters.settings import Settings

POSTGRES_URL = os.environ.get(
    "PATOK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES_VARIABLE = "PATOK_REQUIRE_POSTGRES"
_pg_problem: str | None = None
_pg_checked = False


def postgres_required() -> bool:
    """True when ``PATOK_REQUIRE_POSTGRES`` is set to 1: PostgreSQL tests must not be skipped."""
    return os.environ.get(REQUIRE_POSTGRES_VARIABLE, "").strip() == "1"


def postgres_unreachable() -> str | None:
    """Why PostgreSQL cannot be used for tests, or None when it can (checked once).

    Callers skip their test with the reason returned. When :func:`postgres_required`, an
    unreachable server fails the calling test (or fixture) here instead, with the same reason, so
    every place that decides that skip turns into a failure at once.
    """
    global _pg_checked, _pg_problem
    if not _pg_checked:
        _pg_checked = True
        try:
            with psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as err:
            _pg_problem = f"PostgreSQL not reachable at {POSTGRES_URL}: {err}".strip()
    if _pg_problem and postgres_required():
        pytest.fail(f"{_pg_problem} ({REQUIRE_POSTGRES_VARIABLE}=1: not skipped)", pytrace=False)
    return _pg_problem


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    problem = postgres_unreachable()
    if problem:
        pytest.skip(problem)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database: an SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'patok.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def clock() -> SettableClock:
    """A settable clock at Monday 2 March 2026, 09:00 WIT."""
    return SettableClock(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))


@pytest.fixture
def app(database_url: str, tmp_path: Path, clock: SettableClock) -> Iterator[Patok]:
    """patok wired on the test database (migrated) with the settable clock."""
    patok = bootstrap(Settings(database_url=database_url, data_dir=tmp_path), clock=clock)
    try:
        yield patok
    finally:
        patok.close()
