"""Benchmark: the engine's command throughput against a raw sqlite3 floor, in the same run.

Drives N projects through all 12 actions (submit with its artifacts + approve, in each of the six
stages), one committed transaction per action, on an SQLite file in WAL mode with
synchronous=NORMAL. Before each stage, the content the programme requires for it (lessons,
adoption decisions, milestones) is recorded for every project outside the timed part; the timed
submissions of those stages check it, as every submission does. The floor does one UPDATE + one
INSERT + COMMIT per action on the same kind of file. Prints both rates, their ratio, and the
engine process's peak memory. The database is created, migrated and filled with the cohorts by a
separate process first, as a deployment runs ``patok db upgrade`` and the roster imports apart
from the engine: the measured process starts on a current schema.

    .venv/bin/python bench/engine_throughput.py --projects 2000
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from adapters.bootstrap import Patok, bootstrap
from adapters.clock import SettableClock
from adapters.db import alert_store as alerts
from adapters.db import project_store as ps
from adapters.db.database import SQLITE_AUTOCHECKPOINT, make_engine, upgrade
from adapters.demo_data import seed001_roster
from adapters.settings import Settings
from domain.bench_commands import (
    AddMilestone,
    DecideAdoption,
    RecordHost,
    RecordLesson,
    ReportMilestone,
)
from domain.benchmarking import HostSpec
from domain.commands import ApproveStage, CreateCohort, ImportRoster, SubmitStage
from domain.content import AdoptionKind, ContentRequirements, MilestoneStatus
from domain.model import ArtifactUpload, Person
from domain.programme import STAGE_CODES, ProgrammeDefinition

PDF = b"%PDF-1.4\n% benchmark report\n%%EOF\n"


def rss_mb() -> float:
    """The process's current resident memory, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1024 / 1024


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (VmHWM), in MB (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def setup(app: Patok, projects: int) -> list[tuple[int, int, int]]:
    """Cohorts of the seed-001 roster until there are ``projects``; (project, participant, mentor)."""
    with app.engine.unit_of_work(write=True) as uow:
        organiser = uow.people.add(
            Person(
                nip="198001012005011001",
                name="Koordinator Bench",
                email="bench@bpsdm.go.id",
                agency="BPSDM",
                can_create_cohorts=True,
            )
        )
        uow.commit()
    roster = seed001_roster()
    ids: list[int] = []
    n = 0
    while len(ids) < projects:
        n += 1
        code = f"BENCH-{n}"
        app.cohorts.create(
            CreateCohort(
                actor_id=organiser,
                code=code,
                name=f"Bench {n}",
                programme_code="PIM3",
                organiser="BPSDM",
                timezone="Asia/Jayapura",
                start_date=date(2026, 3, 2),
            )
        )
        app.cohorts.import_roster(ImportRoster(actor_id=organiser, cohort_code=code, roster=roster))
        app.planning.record_host(
            RecordHost(
                actor_id=organiser,
                cohort_code=code,
                host=HostSpec(
                    code="tng-bappeda",
                    agency="Pemerintah Kota Tangerang",
                    unit="Bappeda",
                    city="Kota Tangerang",
                    timezone="WIB",
                ),
            )
        )
        with app.engine.unit_of_work() as uow:
            cohort = uow.cohorts.by_code(code)
            assert cohort.id is not None
            ids += uow.projects.ids_of_cohort(cohort.id)
    out = []
    with app.engine.unit_of_work() as uow:
        for pid in ids[:projects]:
            view = uow.projects.load(pid, 0)
            out.append((pid, view.participant_id, view.mentor_id))
    return out


def uploads(programme: ProgrammeDefinition) -> dict[str, tuple[ArtifactUpload, ...]]:
    """The artifacts each stage requires, one small PDF each."""
    return {
        s.code: tuple(
            ArtifactUpload(kind=k, filename=f"{k}.pdf", media_type="application/pdf", content=PDF)
            for k in s.required_artifacts
        )
        for s in programme.stages
    }


def record_content(
    app: Patok, projects: list[tuple[int, ...]], requires: ContentRequirements
) -> None:
    """Record, for every project, what a stage requires (not timed)."""
    if requires.is_empty():
        return
    content = app.content
    target = date(2027, 1, 4)
    for pid, participant, _ in projects:
        for n in range(requires.lessons):
            content.record_lesson(
                RecordLesson(
                    actor_id=participant,
                    project_id=pid,
                    host="tng-bappeda",
                    practice=f"e-Planning {n + 1}",
                    evidence="RKPD",
                    success_key="Komitmen pimpinan",
                    lesson="Perencanaan berbasis data",
                )
            )
        for term in requires.milestone_terms:
            content.add_milestone(
                AddMilestone(
                    actor_id=participant,
                    project_id=pid,
                    title=term.value,
                    term=term,
                    target_date=target,
                )
            )
        with app.engine.unit_of_work() as uow:
            lessons = uow.content.lessons([pid]) if requires.decisions_on_all_lessons else []
            milestones = uow.content.milestones([pid])
        for lesson in lessons:
            content.decide(
                DecideAdoption(
                    actor_id=participant,
                    lesson_id=lesson.id,
                    kind=AdoptionKind.ADOPT,
                    rationale="Sesuai kebutuhan",
                    milestones=(1,),
                )
            )
        for m in milestones:
            if m.term in requires.milestones_reported:
                content.report_milestone(
                    ReportMilestone(
                        actor_id=participant,
                        milestone_id=m.id,
                        status=MilestoneStatus.DONE,
                        evidence="Berita acara",
                    )
                )


def drive(app: Patok, projects: list[tuple[int, ...]]) -> tuple[int, float]:
    """Submit and approve every stage of every project; return (actions, timed seconds)."""
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(projects[0][0], 0)
        programme = app.engine.programme(uow, view.programme_checksum)
    files = uploads(programme)
    engine = app.engine
    actions = 0
    elapsed = 0.0
    for stage in STAGE_CODES:
        record_content(app, projects, programme.stage(stage).requires)
        started = time.perf_counter()
        for pid, participant, mentor in projects:
            engine.submit(SubmitStage(actor_id=participant, project_id=pid, artifacts=files[stage]))
            engine.approve(ApproveStage(actor_id=mentor, project_id=pid))
            actions += 2
        elapsed += time.perf_counter() - started
    return actions, elapsed


def raw_floor(path: Path, projects: int, actions: int) -> float:
    """One UPDATE + one INSERT + COMMIT per action with sqlite3; return seconds."""
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


def sql_ceiling(path: Path, projects: int) -> tuple[int, float]:
    """Replay the engine's own statements for 12 actions per project with raw sqlite3 and no
    Python logic (fixed values), on a freshly migrated file: the ceiling of this write set."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT}")
    ts, digest = "2026-03-02 00:00:00.000000", "a" * 64
    conn.execute("INSERT INTO programme_snapshots VALUES ('c', 'PIM3', '1', '{}')")
    conn.execute(
        "INSERT INTO cohorts (id, code, name, programme_code, programme_version, "
        "programme_checksum, organiser, timezone, start_date, version, audit_head) "
        "VALUES (1, 'C', 'n', 'PIM3', '1', 'c', 'o', 'Asia/Jayapura', '2026-03-02', 0, 'h')"
    )
    for i in range(1, projects + 2):
        conn.execute(
            "INSERT INTO people (id, nip, name, email, agency, unit, lang, can_create_cohorts) "
            "VALUES (?, ?, 'a', ?, 'a', '', 'id', 0)",
            (i, str(i), str(i)),
        )
    for p in range(1, projects + 1):
        conn.execute(
            "INSERT INTO projects (id, cohort_id, participant_id, mentor_id, title, state, "
            "version, audit_head, stage_id, gate, due_at, participant_clock_at) "
            "VALUES (?, 1, ?, ?, 't', 's', 0, 'h', ?, 'drafting', ?, ?)",
            (p, p + 1, 1, p, ts, ts),
        )
        conn.execute(
            "INSERT INTO stage_instances (id, project_id, stage, attempt, gate, opened_at, due_at) "
            "VALUES (?, ?, 'diagnosis', 1, 'drafting', ?, ?)",
            (p, p, ts, ts),
        )
    audit = (
        "INSERT INTO audit_log (stream, stream_seq, at, actor_id, action, payload, prev_hash, hash)"
        " VALUES (?, ?, ?, 1, ?, ?, ?, ?)"
    )
    payload = '{"stage":"diagnosis","submission":1,"note":"","from":"a","to":"b","artifacts":[]}'

    def clocks(sid: int, gate: str, number: int) -> dict[str, object]:
        return {
            "sid": sid,
            "gate": gate,
            "due": ts,
            "cycle": 1,
            "clock_at": ts,
            "submitted": ts,
            "decided": None,
            "decision_due": ts,
            "next": ts,
            "number": number,
        }

    actions = 0
    started = time.perf_counter()
    for stage in STAGE_CODES:
        for p in range(1, projects + 1):
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute(ps._LOAD, {"pid": p, "actor": 1}).fetchone()
            conn.execute(
                ps._ADVANCE_STAGE,
                {"pid": p, "version": row[9], "state": "x", "head": digest}
                | clocks(row[11], "submitted", 1),
            )
            conn.execute(alerts._RESOLVE_CLOCK, {"sid": row[11], "clock": "participant", "at": ts})
            conn.execute(
                ps._ADD_BLOB,
                {"sha256": digest, "size": 40, "content": PDF, "media_type": "application/pdf"},
            )
            conn.execute(
                audit, (f"project:{p}", row[9] + 1, ts, "stage.submitted", payload, digest, digest)
            )
            conn.execute("COMMIT")
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute(ps._LOAD, {"pid": p, "actor": 1}).fetchone()
            opened = conn.execute(
                ps._OPEN_STAGE,
                {"pid": p, "stage": f"{stage}-next", "attempt": 1, "opened": ts, "due": ts},
            ).fetchone()[0]
            conn.execute(
                ps._ADVANCE_STAGE,
                {"pid": p, "version": row[9], "state": "x", "head": digest}
                | clocks(opened, "drafting", 0),
            )
            conn.execute(
                ps._CLOSE_STAGE,
                {
                    "sid": row[11],
                    "gate": "approved",
                    "due": ts,
                    "cycle": 1,
                    "submitted": ts,
                    "decided": ts,
                    "decision_due": None,
                },
            )
            conn.execute(alerts._RESOLVE_ALL, {"sid": row[11], "at": ts})
            conn.execute(
                audit, (f"project:{p}", row[9] + 1, ts, "stage.approved", payload, digest, digest)
            )
            conn.execute("COMMIT")
            actions += 2
    elapsed = time.perf_counter() - started
    conn.close()
    return actions, elapsed


def prepare(path: Path, projects: int) -> None:
    """Create, migrate and fill the database (run in its own process, as a deployment runs
    ``patok db upgrade`` and the roster import apart from the engine); list the projects."""
    settings = Settings(database_url=f"sqlite:///{path}", data_dir=path.parent)
    clock = SettableClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    app = bootstrap(settings, clock=clock)
    started = time.perf_counter()
    out = setup(app, projects)
    app.close()
    path.with_suffix(".json").write_text(
        json.dumps({"projects": out, "seconds": time.perf_counter() - started})
    )


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(args.prepare, args.projects)
        return
    with tempfile.TemporaryDirectory(prefix="patok-bench-") as tmp:
        db = Path(tmp) / "patok.db"
        subprocess.run(
            [sys.executable, __file__, "--prepare", str(db), "--projects", str(args.projects)],
            check=True,
        )
        prepared = json.loads(db.with_suffix(".json").read_text())
        projects = [tuple(p) for p in prepared["projects"]]
        clock = SettableClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
        settings = Settings(database_url=f"sqlite:///{db}", data_dir=Path(tmp))
        rss = {"before start-up": rss_mb()}
        app = bootstrap(settings, clock=clock)
        rss["after start-up (schema current)"] = rss_mb()
        actions, engine_s = drive(app, projects)
        rss["after driving them (12 actions each)"] = rss_mb()
        report = app.queries.verify_audit()
        assert report.fault is None, report.fault
        rss["after verifying the audit chain"] = rss_mb()
        engine_peak_mb = peak_rss_mb()
        app.close()
        floor_s = raw_floor(Path(tmp) / "floor.db", args.projects, actions)
        replayed, ceiling_s = sql_ceiling(Path(tmp) / "ceiling.db", args.projects)
    engine_rate, floor_rate = actions / engine_s, actions / floor_s
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"projects            {args.projects}")
    print(f"setup (not timed)   {prepared['seconds']:.1f} s, in its own process")
    print(f"actions             {actions}")
    print(f"engine              {engine_rate:,.0f} actions/s ({engine_s:.2f} s)")
    print(f"raw sqlite3 floor   {floor_rate:,.0f} actions/s ({floor_s:.2f} s)")
    print(f"ratio               {engine_rate / floor_rate:.1%} of the floor")
    ceiling_rate = replayed / ceiling_s
    print(
        f"engine's SQL alone  {ceiling_rate:,.0f} actions/s ({ceiling_rate / floor_rate:.1%} of the floor)"
    )
    print(f"audit               {report.entries} entries verified")
    for phase, mb in rss.items():
        print(f"RSS {phase:37} {mb:.0f} MB")
    print(f"peak RSS, engine    {engine_peak_mb:.0f} MB (start-up to audit verification)")
    print(f"peak RSS, process   {peak_mb:.0f} MB (with the floor and SQL replay phases)")


if __name__ == "__main__":
    main()
