"""The SQL unit of work: one connection and one transaction; rolled back unless committed.

It takes a pooled DBAPI connection and begins the transaction on it. The command path runs its few
statements straight on the driver's cursor; a SQLAlchemy ``Connection`` and an ORM ``Session`` are
made only when a store needs them, wrapping that same DBAPI connection inside the transaction
already begun, so everything done through the unit of work still commits (or rolls back)
together. A command that needs no ORM pays for no SQLAlchemy connection at all.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from adapters.db.account_store import SqlAccountStore
from adapters.db.alert_store import SqlAlertStore
from adapters.db.bench_store import SqlBenchmarkStore, SqlContentStore, SqlSeminarStore
from adapters.db.database import IN_TRANSACTION
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
        fairy = self._engine.raw_connection()
        dialect = self._engine.dialect
        try:
            driver: Any = fairy.driver_connection
            if dialect.name == "sqlite":
                driver.execute("BEGIN IMMEDIATE" if self._write else "BEGIN")
            elif self._consistent:
                driver.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        except BaseException:
            fairy.close()
            raise
        self._fairy = fairy
        self._driver = driver
        self._conn: Connection | None = None
        raw = RawSql(
            driver,
            "sqlite" if dialect.name == "sqlite" else "pyformat",
            dialect.loaded_dbapi.IntegrityError,
        )
        self.projects = SqlProjectStore(raw, self.session)
        self.cohorts = SqlCohortStore(self.session)
        self.people = SqlPersonStore(self.session, raw, lambda: self._session is not None)
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
            conn = Connection(self._engine, connection=self._fairy)
            conn.execution_options(**{IN_TRANSACTION: True})
            conn.begin()
            self._conn = conn
            self._session = Session(bind=conn, expire_on_commit=False, autoflush=False)
        return self._session

    def commit(self) -> None:
        """Commit everything done in this unit of work."""
        if self._session is not None:
            self._session.flush()
        if self._conn is not None:
            self._conn.commit()
        else:
            self._driver.commit()
        self._committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back unless committed, then give the connection back to the pool."""
        try:
            if self._session is not None:
                self._session.close()
            if not self._committed:
                if self._conn is not None:
                    self._conn.rollback()
                else:
                    self._driver.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
            else:
                self._fairy.close()


class SqlUnitOfWorkFactory:
    """Makes SQL units of work on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, write: bool = False, consistent: bool = False) -> SqlUnitOfWork:
        """A new unit of work (``consistent``: REPEATABLE READ on PostgreSQL; an SQLite read
        transaction in WAL mode is one snapshot already)."""
        return SqlUnitOfWork(self.engine, write=write, consistent=consistent)
