"""Fixtures of the web tests: the world of ``tests/web/world.py`` on SQLite and on PostgreSQL.

``world`` is made for each test; ``shared_world`` once per module and database, for tests that
only read or are refused (the matrix), so PostgreSQL's schema is migrated once per module.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

from tests.conftest import POSTGRES_URL, postgres_unreachable
from tests.web.world import World, build_world


@contextmanager
def module_database(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of an empty database — an SQLite file, or a PostgreSQL schema dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'patok.db'}"
        return
    problem = postgres_unreachable()
    if problem:
        pytest.skip(problem)
    schema = f"w_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A fresh world on SQLite, then on PostgreSQL."""
    built = build_world(database_url, tmp_path_factory.mktemp("data"))
    try:
        yield built
    finally:
        built.app.close()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def shared_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One world per module and database."""
    with module_database(request.param, tmp_path_factory) as url:
        built = build_world(url, tmp_path_factory.mktemp("data"))
        try:
            yield built
        finally:
            built.app.close()
