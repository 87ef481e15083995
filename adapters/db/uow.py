"""The SQL unit of work: one connection and one transaction; rolled back unless committed.

The command path runs its few statements straight on the connection's driver cursor; an ORM
``Session`` is created only when a store needs it, bound to the same connection and transaction,
so everything done through the unit of work still commits (or rolls back) together.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from adapters.db.account_store import SqlAccountStore
from adapters.db.alert_store import SqlAlertStore
from adapters.db.bench_store import SqlBenchmarkStore, SqlContentStore, SqlSeminarStore
from adapters.db.database import WRITE
from adapters.db.project_store import SqlProjectStore
from adapters.db.rawsql import RawSql
from adapters.db.stores import SqlAuditStore, SqlCohortStore, SqlPersonStore


class SqlUnitOfWork:
    """A transaction on the database with the stores that work inside it."""

    projects: SqlProjectStore
    cohorts: SqlCohortStore
    people: SqlPersonStore
    audit: SqlAuditStore
    alerts: SqlAlertStore
    benchmarking: SqlBenchmarkStore
    content: SqlContentStore
    seminars: SqlSeminarStore
    accounts: SqlAccountStore

    def __init__(self, engine: Engine, *, write: bool = False, consistent: bool = False) -> None:
        self._engine = engine
        self._write = write
        self._consistent = consistent
        self._committed = False
        self._session: Session | None = None

    def __enter__(self) -> Self:
        """Begin the transaction (taking the write lock up front on SQLite when writing)."""
        conn = self._engine.connect()
        try:
            if self._write:
                conn.execution_options(**{WRITE: True})
            if self._consistent and conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            conn.begin()
        except BaseException:
            conn.close()
            raise
        self._conn: Connection = conn
        dialect = self._engine.dialect
        raw = RawSql(
            conn.connection.driver_connection,
            "sqlite" if dialect.name == "sqlite" else "pyformat",
            dialect.loaded_dbapi.IntegrityError,
        )
        self.projects = SqlProjectStore(raw, self.session)
        self.cohorts = SqlCohortStore(self.session)
        self.people = SqlPersonStore(self.session)
        self.audit = SqlAuditStore(raw, self.session)
        self.alerts = SqlAlertStore(raw, self.session)
        self.benchmarking = SqlBenchmarkStore(self.session)
        self.content = SqlContentStore(raw, self.session)
        self.seminars = SqlSeminarStore(self.session)
        self.accounts = SqlAccountStore(self.session, raw)
        return self

    def session(self) -> Session:
        """The ORM session of this unit of work, joined to its transaction (made on first use)."""
        if self._session is None:
            self._session = Session(
                bind=self._conn,
                expire_on_commit=False,
                autoflush=False,
            )
        return self._session

    def commit(self) -> None:
        """Commit everything done in this unit of work."""
        if self._session is not None:
            self._session.flush()
        self._conn.commit()
        self._committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back unless committed, then release the connection."""
        try:
            if self._session is not None:
                self._session.close()
            if not self._committed:
                self._conn.rollback()
        finally:
            self._conn.close()


class SqlUnitOfWorkFactory:
    """Makes SQL units of work on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, write: bool = False, consistent: bool = False) -> SqlUnitOfWork:
        """A new unit of work (``consistent``: REPEATABLE READ on PostgreSQL; an SQLite read
        transaction in WAL mode is one snapshot already)."""
        return SqlUnitOfWork(self.engine, write=write, consistent=consistent)
