"""Benchmark: how far the leanest write set could go, with and without the engine's own logic.

Issue 2 asks the engine for at least 25% of a raw ``sqlite3`` floor (one UPDATE + one INSERT +
COMMIT per action). ``engine_throughput.py`` shows the engine's present write set replayed with no
Python at all stays near that mark. This benchmark measures the redesign that would write least —
the project row carrying its current stage (state, gate, clocks, next check) and the chained audit
entry as the only record of a submission or decision (event-sourced; blobs stored once) — in three
variants on the same kind of file (WAL, ``synchronous=NORMAL``, 1 KiB pages), in one run:

- **floor**: the issue's reference;
- **lean SQL**: that write set with fixed values and no Python logic;
- **lean SQL + the engine's logic**: the same statements driven by what every command must do in
  Python — the pydantic command, upload checks and checksums, the ``transitions`` trigger with its
  guards and the policy, the working-day deadlines of both clocks, the canonical payload and its
  hash.

    .venv/bin/python bench/lean_ceiling.py --projects 2000
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from adapters.programmes import builtin_programmes
from domain.artifacts import check_uploads
from domain.audit import canonical_payload, entry_hash
from domain.calendar import WorkingDayCalendar
from domain.commands import ApproveStage, ProjectCommand, SubmitStage
from domain.deadlines import Clock, first_check_at
from domain.model import ArtifactUpload
from domain.programme import ProgrammeDefinition
from domain.roles import Role
from states.lifecycle import Attempt, Trigger, fire

PDF = b"%PDF-1.4\n% benchmark report\n%%EOF\n"
SCHEMA = """
CREATE TABLE members (cohort_id INTEGER, person_id INTEGER, role TEXT,
                      PRIMARY KEY (cohort_id, person_id, role)) WITHOUT ROWID;
CREATE TABLE cohorts (id INTEGER PRIMARY KEY, code TEXT, timezone TEXT, checksum TEXT);
CREATE TABLE projects (id INTEGER PRIMARY KEY, cohort_id INT, participant_id INT, mentor_id INT,
  coach_id INT, state TEXT, version INT, audit_head TEXT, stage TEXT, attempt INT, gate TEXT,
  due_at TEXT, submitted_at TEXT, decision_due_at TEXT, participant_cycle INT,
  submission_number INT, next_check_at TEXT);
CREATE INDEX ix_projects_next_check_at ON projects (next_check_at);
CREATE TABLE alerts (id INTEGER PRIMARY KEY, project_id INT, clock TEXT, resolved_at TEXT);
CREATE INDEX ix_alerts_open ON alerts (project_id, resolved_at);
CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INT, content BLOB) WITHOUT ROWID;
CREATE TABLE audit (seq INTEGER PRIMARY KEY, stream TEXT, stream_seq INT, at TEXT, actor_id INT,
  action TEXT, payload TEXT, prev_hash TEXT, hash TEXT, UNIQUE (stream, stream_seq));
"""
LOAD = """
SELECT p.cohort_id, c.timezone, p.participant_id, p.mentor_id, p.state, p.version, p.audit_head,
       p.submission_number,
       EXISTS (SELECT 1 FROM members m WHERE m.cohort_id = p.cohort_id AND m.person_id = ?
               AND m.role = 'coordinator')
FROM projects p JOIN cohorts c ON c.id = p.cohort_id WHERE p.id = ?
"""
ADVANCE = """
UPDATE projects SET state = ?, version = version + 1, audit_head = ?, gate = ?, submitted_at = ?,
       decision_due_at = ?, next_check_at = ?, submission_number = submission_number + ?
WHERE id = ? AND version = ?
"""
RESOLVE = "UPDATE alerts SET resolved_at = ? WHERE project_id = ? AND resolved_at IS NULL"
BLOB = "INSERT INTO blobs VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
AUDIT = (
    "INSERT INTO audit (stream, stream_seq, at, actor_id, action, payload, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA page_size=1024")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA wal_autocheckpoint=4096")
    return conn


def floor(path: Path, projects: int, actions: int) -> float:
    """The issue's floor: one UPDATE + one INSERT + COMMIT per action; return seconds."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, state TEXT, version INTEGER)")
    conn.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, p INTEGER, action TEXT, at TEXT)")
    conn.executemany("INSERT INTO p VALUES (?, 'a', 0)", [(i,) for i in range(projects)])
    started = time.perf_counter()
    for i in range(actions):
        pid = i % projects
        conn.execute("BEGIN")
        conn.execute("UPDATE p SET state = 'b', version = version + 1 WHERE id = ?", (pid,))
        conn.execute("INSERT INTO e (p, action, at) VALUES (?, 'x', '2026-01-01')", (pid,))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def _prepare(path: Path, projects: int) -> sqlite3.Connection:
    conn = _connect(path)
    conn.executescript(SCHEMA)
    conn.execute("INSERT INTO cohorts VALUES (1, 'C', 'Asia/Jayapura', 'c')")
    conn.executemany(
        "INSERT INTO projects (id, cohort_id, participant_id, mentor_id, state, version, "
        "audit_head, stage, attempt, gate, participant_cycle, submission_number) "
        "VALUES (?, 1, ?, 1, 'diagnosis.drafting', 0, ?, 'diagnosis', 1, 'drafting', 1, 0)",
        [(p, p + 10, "0" * 64) for p in range(1, projects + 1)],
    )
    return conn


def lean_sql(path: Path, projects: int, stages: int) -> tuple[int, float]:
    """The lean write set with fixed values and no Python logic; return (actions, seconds)."""
    conn = _prepare(path, projects)
    ts, digest, payload = "2026-03-02 01:00:00", "a" * 64, '{"stage":"diagnosis"}'
    actions = 0
    started = time.perf_counter()
    for _ in range(stages):
        for p in range(1, projects + 1):
            for submit in (True, False):
                conn.execute("BEGIN IMMEDIATE")
                row = conn.execute(LOAD, (1, p)).fetchone()
                conn.execute(ADVANCE, ("s", digest, "g", ts, ts, ts, int(submit), p, row[5]))
                conn.execute(RESOLVE, (ts, p))
                if submit:
                    conn.execute(BLOB, (digest, len(PDF), PDF))
                conn.execute(
                    AUDIT, (f"project:{p}", row[5] + 1, ts, 1, "a", payload, row[6], digest)
                )
                conn.execute("COMMIT")
                actions += 1
    elapsed = time.perf_counter() - started
    conn.close()
    return actions, elapsed


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def lean_with_logic(path: Path, projects: int, programme: ProgrammeDefinition) -> tuple[int, float]:
    """The lean write set driven by the engine's real per-command logic; return (actions, s)."""
    conn = _prepare(path, projects)
    calendar = WorkingDayCalendar("Asia/Jayapura")
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    files = {
        s.code: tuple(
            ArtifactUpload(kind=k, filename=f"{k}.pdf", media_type="application/pdf", content=PDF)
            for k in s.required_artifacts
        )
        for s in programme.stages
    }
    actions = 0
    started = time.perf_counter()
    for stage in programme.stages:
        for p in range(1, projects + 1):
            for submit in (True, False):
                actor = p + 10 if submit else 1
                cmd: ProjectCommand = (
                    SubmitStage(actor_id=actor, project_id=p, artifacts=files[stage.code])
                    if submit
                    else ApproveStage(actor_id=actor, project_id=p)
                )
                conn.execute("BEGIN IMMEDIATE")
                row = conn.execute(LOAD, (actor, p)).fetchone()
                relations = {
                    role
                    for role, holds in (
                        (Role.PARTICIPANT, row[2] == actor),
                        (Role.MENTOR, row[3] == actor),
                        (Role.COORDINATOR, bool(row[8])),
                    )
                    if holds
                }
                uploads = (
                    check_uploads(programme, cmd.artifacts) if isinstance(cmd, SubmitStage) else []
                )
                state = f"{stage.code}.{'drafting' if submit else 'submitted'}"
                attempt = Attempt(
                    state=state,
                    relations=frozenset(relations),
                    approvers=frozenset(stage.approvers),
                    present_artifacts=frozenset(a.kind for a, _ in uploads),
                    required_artifacts=tuple(stage.required_artifacts),
                    actor_label=f"person {actor}",
                    project_label=f"proyek {p}",
                )
                new_state = fire(attempt, Trigger.SUBMIT if submit else Trigger.APPROVE)
                clock = Clock.APPROVER if submit else Clock.PARTICIPANT
                due = calendar.deadline(now, stage.decision_working_days)
                check = first_check_at(stage, calendar, clock, due, now)
                payload = {
                    "stage": stage.code,
                    "submission": row[7] + (1 if submit else 0),
                    "artifacts": [
                        {"kind": a.kind, "filename": a.filename, "sha256": a.sha256, "size": a.size}
                        for a, _ in uploads
                    ],
                    "due_at": due.isoformat(),
                    "from": state,
                    "to": new_state,
                }
                action = "stage.submitted" if submit else "stage.approved"
                body = canonical_payload(payload)
                digest = entry_hash(row[6], f"project:{p}", row[5] + 1, now, actor, action, body)
                moved = conn.execute(
                    ADVANCE,
                    (
                        new_state,
                        digest,
                        "submitted" if submit else "drafting",
                        _stamp(now),
                        _stamp(due),
                        None if check is None else _stamp(check),
                        int(submit),
                        p,
                        row[5],
                    ),
                ).rowcount
                if moved != 1:
                    raise RuntimeError(f"project {p} moved")
                conn.execute(RESOLVE, (_stamp(now), p))
                for artifact, content in uploads:
                    conn.execute(BLOB, (artifact.sha256, artifact.size, content))
                conn.execute(
                    AUDIT,
                    (f"project:{p}", row[5] + 1, _stamp(now), actor, action, body, row[6], digest),
                )
                conn.execute("COMMIT")
                actions += 1
    elapsed = time.perf_counter() - started
    conn.close()
    return actions, elapsed


def main() -> None:
    """Run the three variants and print their rates against the floor."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=2000)
    args = parser.parse_args()
    programme = builtin_programmes()["PIM3"]
    with tempfile.TemporaryDirectory(prefix="patok-lean-") as tmp:
        actions, logic_s = lean_with_logic(Path(tmp) / "logic.db", args.projects, programme)
        _, sql_s = lean_sql(Path(tmp) / "sql.db", args.projects, len(programme.stages))
        floor_s = floor(Path(tmp) / "floor.db", args.projects, actions)
    floor_rate = actions / floor_s
    print(f"projects                        {args.projects}")
    print(f"actions                         {actions}")
    print(f"raw sqlite3 floor               {floor_rate:,.0f} actions/s")
    for label, seconds in (("lean SQL alone", sql_s), ("lean SQL + the engine's logic", logic_s)):
        rate = actions / seconds
        print(f"{label:31} {rate:,.0f} actions/s ({rate / floor_rate:.1%} of the floor)")


if __name__ == "__main__":
    main()
