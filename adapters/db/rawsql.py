"""A thin runner for hand-written SQL on the unit of work's own DBAPI connection.

The command path executes a handful of small statements per action; going through the driver's
cursor (inside the same transaction SQLAlchemy began) keeps it lean. SQL is written once with
``:name`` parameters and translated to the driver's style (``%(name)s`` for psycopg).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from domain.audit import utc_naive

_NAMED = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


@lru_cache(maxsize=4096)
def _sqlite_text(instant: datetime) -> str:
    """How SQLite stores an instant: naive UTC text with microseconds. Remembered, since a
    command stores the same few instants (now, its deadlines) many times over."""
    naive = instant.replace(tzinfo=None) if instant.tzinfo is UTC else utc_naive(instant)
    return naive.isoformat(" ", "microseconds")


class RawSql:
    """Executes SQL text with named parameters on a DBAPI connection of SQLite or psycopg."""

    def __init__(
        self, dbapi_connection: Any, dialect: str, integrity_error: type[Exception]
    ) -> None:
        self._conn = dbapi_connection
        self.dialect = dialect
        self.sqlite = dialect == "sqlite"
        self.IntegrityError = integrity_error
        self._cache: dict[str, str] = {}

    def _sql(self, sql: str) -> str:
        if self.dialect == "sqlite":
            return sql
        out = self._cache.get(sql)
        if out is None:
            out = self._cache[sql] = _NAMED.sub(r"%(\1)s", sql)
        return out

    def ts(self, instant: datetime) -> Any:
        """An instant in the stored form: naive UTC (text with microseconds on SQLite)."""
        if self.sqlite:
            return _sqlite_text(instant)
        return instant.replace(tzinfo=None) if instant.tzinfo is UTC else utc_naive(instant)

    def ts_or_none(self, instant: datetime | None) -> Any:
        """:meth:`ts` of an optional instant."""
        return None if instant is None else self.ts(instant)

    def execute(self, sql: str, params: Mapping[str, Any]) -> int:
        """Run one statement; return the number of rows it touched."""
        cur = self._conn.cursor()
        try:
            cur.execute(self._sql(sql), params)
            return int(cur.rowcount)
        finally:
            cur.close()

    def many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run one statement for each parameter set."""
        cur = self._conn.cursor()
        try:
            cur.executemany(self._sql(sql), rows)
        finally:
            cur.close()

    def one(self, sql: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Run a query and return its first row, or None."""
        cur = self._conn.cursor()
        try:
            cur.execute(self._sql(sql), params)
            row = cur.fetchone()
            return None if row is None else tuple(row)
        finally:
            cur.close()

    def all(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run a query and return every row."""
        cur = self._conn.cursor()
        try:
            cur.execute(self._sql(sql), params)
            return [tuple(r) for r in cur.fetchall()]
        finally:
            cur.close()

    def scalar(self, sql: str, params: Mapping[str, Any]) -> Any:
        """Run a query and return the first column of its first row."""
        row = self.one(sql, params)
        return None if row is None else row[0]
