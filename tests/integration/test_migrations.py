"""Migrations: the schema head patok expects matches the scripts, and first use migrates once."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from adapters.bootstrap import bootstrap
from adapters.db.database import (
    SCHEMA_HEAD,
    WRITE,
    _config,
    current_revision,
    head_revision,
    make_engine,
    upgrade,
)
from adapters.db.orm import Base
from adapters.programmes import builtin_programmes
from adapters.settings import Settings
from domain.programme import definition_to_json


def test_the_expected_schema_head_is_the_newest_migration_script() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_an_empty_database_is_migrated_once_to_the_orm_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None
        assert upgrade(engine) is True
        assert current_revision(engine) == SCHEMA_HEAD
        assert upgrade(engine) is False
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.connect() as conn:
            drift = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert drift == [], f"migrations and ORM models differ: {drift}"
    finally:
        engine.dispose()


def test_upgrading_a_0001_database_lets_the_sweep_plan_its_running_stages(
    database_url: str,
) -> None:

    engine = make_engine(database_url)
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    opened = datetime(2026, 3, 2, 0, 0)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO programme_snapshots VALUES ('c', 'PIM3', '2015.1', :body)"),
            {"body": definition_to_json(builtin_programmes()["PIM3"])},
        )
        conn.execute(
            text(
                "INSERT INTO people (id, nip, name, email, agency, unit, lang, can_create_cohorts) "
                "VALUES (1, '198001012005011001', 'Peserta', 'p@x.go.id', 'BKD', '', 'id', false)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO cohorts (id, code, name, programme_code, programme_version, "
                "programme_checksum, organiser, timezone, start_date, version, audit_head) VALUES "
                "(1, 'OLD-1', 'Lama', 'PIM3', '2015.1', 'c', 'BPSDM', 'Asia/Jayapura', '2026-03-02', 0, 'h')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO projects (id, cohort_id, participant_id, mentor_id, title, state, version, "
                "audit_head) VALUES (1, 1, 1, 1, 't', 'diagnosis.drafting', 0, 'h')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO stage_instances (id, project_id, stage, attempt, gate, opened_at, due_at) "
                "VALUES (1, 1, 'diagnosis', 1, 'drafting', :opened, :due)"
            ),
            {"opened": opened, "due": datetime(2026, 3, 10, 14, 59, 59)},
        )
    assert upgrade(engine) is True
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT next_check_at, participant_clock_at, participant_cycle FROM stage_instances"
            )
        ).one()
    assert row[0] is not None and row[2] == 1
    engine.dispose()
    app = bootstrap(Settings(database_url=database_url), migrate=False)
    try:
        report = app.sweeper.sweep(datetime(2026, 3, 11, 0, 0, tzinfo=UTC))  # 09:00 WIT, +1 day
        assert [(r.kind, r.level, r.notify) for r in report.raised] == [("escalation", 1, "coach")]
    finally:
        app.close()
