"""Database engines for SQLite (file, WAL) and PostgreSQL (psycopg 3), and their migration.

On SQLite, SQLAlchemy's implicit BEGIN is replaced by our own: ``BEGIN IMMEDIATE`` for units of
work that write (so two writers queue on the database lock instead of failing on a stale snapshot)
and a plain ``BEGIN`` for reads. Migrations run under a lock (the SQLite write lock, a PostgreSQL
advisory lock) so several processes starting at once migrate once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

log = structlog.get_logger("patok.db")

WRITE = "patok_write"
IN_TRANSACTION = "patok_in_transaction"
"""Execution option of a SQLAlchemy connection made around a DBAPI connection whose transaction
the unit of work began already: SQLAlchemy's begin must not issue another BEGIN."""
SCHEMA_HEAD = "0007"
"""The newest migration; a test keeps it equal to the migration scripts' head. Knowing it lets a
process see that its database is current without loading Alembic at all."""
_MIGRATIONS = Path(__file__).parent / "migrations"
_ADVISORY_KEY = 0x7A70_6174  # "patok"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for ``url``; SQLite files get WAL, synchronous=NORMAL and a busy timeout."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_size=pool_size, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_size=pool_size, pool_pre_ping=True)


SQLITE_PAGE_SIZE = 1024
"""Small rows, many small commits: with WAL every commit writes each page it touched, so smaller
pages mean fewer bytes per commit (measured in docs/performance.md). Applies to new files only."""
SQLITE_AUTOCHECKPOINT = 4096
"""WAL pages between automatic checkpoints (4 MiB at 1 KiB pages); each checkpoint syncs."""


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    options = conn.get_execution_options()
    if options.get(IN_TRANSACTION, False):
        return
    immediate = options.get(WRITE, False)
    conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    """The newest migration script shipped with this version of patok."""
    from alembic.script import ScriptDirectory

    head: str | None = ScriptDirectory.from_config(_config()).get_current_head()
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return None if found is None else str(found)


def upgrade(engine: Engine) -> bool:
    """Migrate the database to the newest schema; return whether anything was applied."""
    if current_revision(engine) == SCHEMA_HEAD:
        return False
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
        if MigrationContext.configure(conn).get_current_revision() == SCHEMA_HEAD:
            return False
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    log.info("db.migrated", revision=SCHEMA_HEAD)
    return True
