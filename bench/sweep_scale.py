"""Benchmark: the sweep's cost grows with what is due, not with how many stages are active.

For each size N, builds an SQLite file (WAL, synchronous=NORMAL, the schema from the migrations)
holding N projects with one open stage each (its gate and clocks on the project row, as since
migration 0005), some of them two working days past their deadline, and times (1) a sweep that
raises every due escalation and queues its notifications, and (2) a second sweep at the same
instant, which finds nothing due. Two series:

* **share** (``--due``, default 1%): the number due grows with N;
* **fixed** (``--fixed-due``, e.g. 1,000): the same number due at every N, so any growth of the
  sweep's time with N would show directly.

    .venv/bin/python bench/sweep_scale.py --sizes 10000 100000 1000000 --fixed-due 1000
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from adapters.bootstrap import bootstrap
from adapters.clock import SettableClock
from adapters.db.database import make_engine, upgrade
from adapters.logging import configure_logging
from adapters.programmes import builtin_programmes
from adapters.settings import Settings
from domain.calendar import WorkingDayCalendar
from domain.deadlines import Clock, first_check, plan_alerts
from domain.nip import synthetic_nip
from domain.programme import definition_to_json, get_programme, programme_checksum

PER_COHORT = 1000
NOW = datetime(2026, 6, 3, 2, 0, tzinfo=UTC)  # Wednesday 3 June 2026, 11:00 WIT


def build(path: Path, size: int, due_count: int) -> int:
    """Fill a migrated database with ``size`` open stages, ``due_count`` of them spread evenly
    among them two working days late; return how many are due."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    programme = get_programme("PIM3", builtin_programmes())
    checksum = programme_checksum(programme)
    calendar = WorkingDayCalendar("Asia/Jayapura")
    stage = programme.stage("diagnosis")
    today = calendar.local_date(NOW)
    late_due = calendar.end_of_day(calendar.subtract_working_days(today, 2))
    late_opened = late_due.replace(day=1) if late_due.day > 10 else late_due
    on_time_due = calendar.end_of_day(calendar.add_working_days(today, 4))
    plan_late = plan_alerts(stage, calendar, Clock.PARTICIPANT, 1, late_due, late_opened)
    plan_on_time = plan_alerts(stage, calendar, Clock.PARTICIPANT, 1, on_time_due, NOW)
    check_late = min(a.at for a in plan_late if a.at <= NOW)
    check_on_time = first_check(plan_on_time)
    assert check_on_time is not None and check_on_time > NOW

    def ts(at: datetime) -> str:
        return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # building only; the timed sweeps run with NORMAL
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO programme_snapshots VALUES (?, ?, ?, ?)",
        (checksum, programme.code, programme.version, definition_to_json(programme)),
    )
    people = PER_COHORT + 3
    conn.executemany(
        "INSERT INTO people (id, nip, name, email, agency, unit, lang, can_create_cohorts, digest) "
        "VALUES (?, ?, ?, ?, 'Pemerintah Kabupaten Buru', '', 'id', 0, 0)",
        [
            (
                i,
                synthetic_nip(date(1975, 1, 1 + i // 999), 2000, 1, "male", 1 + i % 999),
                f"Peserta {i}",
                f"p{i}@burukab.go.id",
            )
            for i in range(1, people + 1)
        ],
    )
    mentor, coach, coordinator = PER_COHORT + 1, PER_COHORT + 2, PER_COHORT + 3
    cohorts = (size + PER_COHORT - 1) // PER_COHORT
    conn.executemany(
        "INSERT INTO cohorts (id, code, name, programme_code, programme_version, programme_checksum,"
        " organiser, timezone, start_date, version, audit_head) VALUES (?, ?, ?, 'PIM3', ?, ?, "
        "'BPSDM', 'Asia/Jayapura', '2026-05-04', 1, ?)",
        [
            (c, f"B-{c}", f"Bench {c}", programme.version, checksum, "0" * 64)
            for c in range(1, cohorts + 1)
        ],
    )
    conn.executemany(
        "INSERT INTO cohort_members VALUES (?, ?, 'coordinator')",
        [(c, coordinator) for c in range(1, cohorts + 1)],
    )
    due_every = max(1, size // max(due_count, 1))
    rows_p, rows_s = [], []
    due = 0
    for n in range(1, size + 1):
        cohort, participant = (n - 1) // PER_COHORT + 1, (n - 1) % PER_COHORT + 1
        late = n % due_every == 0 and due < due_count
        due += late
        opened = late_opened if late else NOW
        deadline = late_due if late else on_time_due
        rows_s.append((n, n, ts(opened), ts(deadline)))
        rows_p.append(
            (
                n,
                cohort,
                participant,
                mentor,
                coach,
                n,
                ts(deadline),
                ts(opened),
                ts(check_late if late else check_on_time),
            )
        )
        if len(rows_p) == 50_000 or n == size:
            conn.executemany(
                "INSERT INTO stage_instances (id, project_id, stage, attempt, gate, opened_at, "
                "due_at, participant_cycle) VALUES (?, ?, 'diagnosis', 1, 'drafting', ?, ?, 1)",
                rows_s,
            )
            conn.executemany(
                "INSERT INTO projects (id, cohort_id, participant_id, mentor_id, coach_id, title, "
                "state, version, audit_head, stage_id, gate, due_at, participant_cycle, "
                "participant_clock_at, next_check_at, submission_number) "
                "VALUES (?, ?, ?, ?, ?, '', 'diagnosis.drafting', 1, '', ?, 'drafting', ?, 1, ?, "
                "?, 0)",
                rows_p,
            )
            rows_p, rows_s = [], []
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return due


def warm_up() -> None:
    """One small sweep, untimed: imports, the holiday calendar and the programme's first use are
    paid once per process, not by whichever row of the table comes first."""
    with tempfile.TemporaryDirectory(prefix="patok-sweep-") as tmp:
        path = Path(tmp) / "patok.db"
        build(path, 1000, 10)
        app = bootstrap(
            Settings(database_url=f"sqlite:///{path}", data_dir=Path(tmp)),
            clock=SettableClock(NOW),
        )
        app.sweeper.sweep(NOW)
        app.close()


def timed_sweeps(path: Path, due: int) -> tuple[float, float, int]:
    """Sweep a copy of the built database twice: (seconds raising everything due, seconds of the
    second sweep that finds nothing, notifications queued)."""
    copy = path.with_name("swept.db")
    shutil.copyfile(path, copy)
    app = bootstrap(
        Settings(database_url=f"sqlite:///{copy}", data_dir=path.parent),
        clock=SettableClock(NOW),
    )
    try:
        t1 = time.perf_counter()
        report = app.sweeper.sweep(NOW)
        swept = time.perf_counter() - t1
        t2 = time.perf_counter()
        again = app.sweeper.sweep(NOW)
        idle = time.perf_counter() - t2
    finally:
        app.close()
    for leftover in path.parent.glob("swept.db*"):
        leftover.unlink()
    assert report.escalations == due, (report.escalations, due)
    assert again.raised == []
    return swept, idle, report.queued


def main() -> None:
    """Build each size, sweep copies of it twice each, print a table row per size and series
    (the median of ``--repeat`` copies)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--due", type=float, default=0.01, help="share due (0 to skip)")
    parser.add_argument("--fixed-due", type=int, default=0, help="the same number due at every size")
    parser.add_argument("--repeat", type=int, default=3, help="sweeps (of fresh copies) per row")
    args = parser.parse_args()
    configure_logging("warning", "console")
    warm_up()
    runs = [(f"{args.due:.0%}", size, round(size * args.due)) for size in args.sizes if args.due]
    runs += [("fixed", size, args.fixed_due) for size in args.sizes if args.fixed_due]
    print(
        "| series | active stages | due | build (s) | raised, queued | sweep time (median) | "
        "per due stage | nothing due (median) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for series, size, wanted in runs:
        with tempfile.TemporaryDirectory(prefix="patok-sweep-") as tmp:
            path = Path(tmp) / "patok.db"
            t0 = time.perf_counter()
            due = build(path, size, wanted)
            built = time.perf_counter() - t0
            results = [timed_sweeps(path, due) for _ in range(max(args.repeat, 1))]
            swept = statistics.median(r[0] for r in results)
            idle = statistics.median(r[1] for r in results)
            queued = results[0][2]
            print(
                f"| {series} | {size:,} | {due:,} | {built:.1f} | {due:,} escalations, "
                f"{queued:,} messages | {swept:.2f} s | {swept / max(due, 1) * 1000:.2f} ms | "
                f"{idle * 1000:.1f} ms |",
                flush=True,
            )


if __name__ == "__main__":
    main()
