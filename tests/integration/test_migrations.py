"""Migrations: the schema head patok expects matches the scripts, and first use migrates once."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

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
from domain.audit import GENESIS, canonical_payload, entry_hash
from domain.model import Gate, Outcome
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
            text("SELECT next_check_at, stage_id, participant_cycle, gate FROM projects")
        ).one()
    assert row[0] is not None and tuple(row[1:]) == (1, 1, "drafting")
    engine.dispose()
    app = bootstrap(Settings(database_url=database_url), migrate=False)
    try:
        report = app.sweeper.sweep(datetime(2026, 3, 11, 0, 0, tzinfo=UTC))  # 09:00 WIT, +1 day
        assert [(r.kind, r.level, r.notify) for r in report.raised] == [("escalation", 1, "coach")]
    finally:
        app.close()


def _entry(
    conn: Connection,
    seq: int,
    prev: str,
    at: datetime,
    actor: int,
    action: str,
    payload: dict[str, object],
) -> str:
    """Append one entry of project 1's stream as the engine of 0004 wrote it; its hash."""
    body = canonical_payload(payload)
    digest = entry_hash(prev, "project:1", seq, at, actor, action, body)
    conn.execute(
        text(
            "INSERT INTO audit_log (stream, stream_seq, at, actor_id, action, payload, prev_hash, "
            "hash) VALUES ('project:1', :seq, :at, :actor, :action, :payload, :prev, :hash)"
        ),
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "payload": body,
            "prev": prev,
            "hash": digest,
        },
    )
    return digest


def test_upgrading_a_0004_database_keeps_every_submission_decision_and_running_clock(
    database_url: str,
) -> None:
    """0005 drops the submission, artifact and decision tables: what they held is read back from
    the audit entries, file types from the blobs, and the open stage's clocks from the project."""
    engine = make_engine(database_url)
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    t = [datetime(2026, 3, d, 1, 0) for d in range(2, 8)]
    sha = "ab" * 32
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO programme_snapshots VALUES ('c', 'PIM3', '2015.1', :body)"),
            {"body": definition_to_json(builtin_programmes()["PIM3"])},
        )
        for pid, nip, mail in ((1, "198001012005011001", "p"), (2, "197001012000011001", "m")):
            conn.execute(
                text(
                    "INSERT INTO people (id, nip, name, email, agency, unit, lang, "
                    "can_create_cohorts, digest) VALUES (:id, :nip, 'Orang', :mail, 'BKD', '', "
                    "'id', false, false)"
                ),
                {"id": pid, "nip": nip, "mail": f"{mail}@x.go.id"},
            )
        conn.execute(
            text(
                "INSERT INTO cohorts (id, code, name, programme_code, programme_version, "
                "programme_checksum, organiser, timezone, start_date, version, audit_head) VALUES "
                "(1, 'OLD-4', 'Lama', 'PIM3', '2015.1', 'c', 'BPSDM', 'Asia/Jayapura', "
                "'2026-03-02', 0, :genesis)"
            ),
            {"genesis": GENESIS},
        )
        conn.execute(
            text(
                "INSERT INTO projects (id, cohort_id, participant_id, mentor_id, title, state, "
                "version, audit_head) VALUES (1, 1, 1, 2, 't', 'taking_ownership.submitted', 0, "
                "'h')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO stage_instances (id, project_id, stage, attempt, gate, opened_at, "
                "due_at, submitted_at, decided_at, participant_cycle, participant_clock_at) VALUES "
                "(1, 1, 'diagnosis', 1, 'approved', :t0, :due, :t1, :t3, 2, :t2), "
                "(2, 1, 'taking_ownership', 1, 'submitted', :t3, :due, :t4, NULL, 1, :t3)"
            ),
            {"t0": t[0], "t1": t[1], "t2": t[2], "t3": t[3], "t4": t[4], "due": t[5]},
        )
        conn.execute(
            text(
                "UPDATE stage_instances SET decision_due_at = :d, next_check_at = :d WHERE id = 2"
            ),
            {"d": t[5]},
        )
        conn.execute(
            text("INSERT INTO blobs (sha256, size, content) VALUES (:sha, 4, :content)"),
            {"sha": sha, "content": b"%PDF"},
        )
        conn.execute(
            text(
                "INSERT INTO submissions (id, stage_instance_id, number, submitted_by, "
                "submitted_at, note) VALUES (1, 1, 1, 1, :t1, 'pertama'), "
                "(2, 1, 2, 1, :t2, 'kedua'), (3, 2, 1, 1, :t4, 'ketiga')"
            ),
            {"t1": t[1], "t2": t[2], "t4": t[4]},
        )
        conn.execute(
            text(
                "INSERT INTO artifacts (submission_id, kind, filename, media_type, size, sha256) "
                "VALUES (1, 'kap', 'kap.pdf', 'application/pdf', 4, :sha)"
            ),
            {"sha": sha},
        )
        conn.execute(
            text(
                "INSERT INTO decisions (submission_id, decided_by, outcome, comment, decided_at) "
                "VALUES (1, 2, 'changes_requested', 'lengkapi', :t2), (2, 2, 'approved', 'ok', :t3)"
            ),
            {"t2": t[2], "t3": t[3]},
        )
        art = [{"kind": "kap", "filename": "kap.pdf", "sha256": sha, "size": 4}]
        head = GENESIS
        entries: list[tuple[datetime, int, str, dict[str, object]]] = [
            (t[0], 2, "project.created", {"stage": "diagnosis"}),
            (
                t[1],
                1,
                "stage.submitted",
                {"stage": "diagnosis", "submission": 1, "note": "pertama", "artifacts": art},
            ),
            (t[2], 2, "stage.changes_requested", {"stage": "diagnosis", "comment": "lengkapi"}),
            (
                t[2],
                1,
                "stage.submitted",
                {"stage": "diagnosis", "submission": 2, "note": "kedua", "artifacts": []},
            ),
            (
                t[3],
                2,
                "stage.approved",
                {"stage": "diagnosis", "comment": "ok", "next_stage": "taking_ownership"},
            ),
            (
                t[4],
                1,
                "stage.submitted",
                {
                    "stage": "taking_ownership",
                    "submission": 1,
                    "note": "ketiga",
                    "artifacts": [],
                },
            ),
        ]
        for seq, (at, actor, action, payload) in enumerate(entries, start=1):
            head = _entry(conn, seq, head, at, actor, action, payload)
        conn.execute(
            text("UPDATE projects SET version = 6, audit_head = :head WHERE id = 1"),
            {"head": head},
        )
    assert upgrade(engine) is True
    engine.dispose()
    app = bootstrap(Settings(database_url=database_url), migrate=False)
    try:
        assert app.queries.verify_audit().fault is None
        with app.engine.unit_of_work() as uow:
            view = uow.projects.load(1, 2)
            records = uow.projects.records(1)
            stages = uow.projects.stages(1)
        assert (view.stage_id, view.gate, view.latest_submission_number) == (2, Gate.SUBMITTED, 1)
        assert view.clocks.decision_due_at == t[5].replace(tzinfo=UTC)
        assert view.clocks.next_check_at == t[5].replace(tzinfo=UTC)
        assert [(s.stage_instance_id, s.number, s.note) for s in records.submissions] == [
            (1, 1, "pertama"),
            (1, 2, "kedua"),
            (2, 1, "ketiga"),
        ]
        assert [(a.filename, a.media_type) for a in records.submissions[0].artifacts] == [
            ("kap.pdf", "application/pdf")
        ]
        first, second, _ = records.submissions
        assert [
            (d.submission_id, d.outcome, d.comment, d.decided_by) for d in records.decisions
        ] == [
            (first.id, Outcome.CHANGES_REQUESTED, "lengkapi", 2),
            (second.id, Outcome.APPROVED, "ok", 2),
        ]
        assert [(s.gate, s.participant_cycle) for s in stages] == [
            (Gate.APPROVED, 2),
            (Gate.SUBMITTED, 1),
        ]
    finally:
        app.close()
