"""Benchmark: the sweep's cost grows with what is due, not with how many stages are active.

For each size N, builds an SQLite file (WAL, synchronous=NORMAL, the schema from the migrations)
holding N projects with one active stage instance each, 1% of them two working days past their
deadline, and times (1) a sweep that raises every due escalation and queues its notifications,
and (2) a second sweep at the same instant, which finds nothing due.

    .venv/bin/python bench/sweep_scale.py --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from adapters.bootstrap import bootstrap
from adapters.clock import SettableClock
from adapters.db.database import make_engine, upgrade
from adapters.programmes import builtin_programmes
from adapters.settings import Settings
from domain.calendar import WorkingDayCalendar
from domain.deadlines import Clock, first_check, plan_alerts
from domain.nip import synthetic_nip
from domain.programme import definition_to_json, get_programme, programme_checksum

PER_COHORT = 1000
NOW = datetime(2026, 6, 3, 2, 0, tzinfo=UTC)  # Wednesday 3 June 2026, 11:00 WIT


def build(path: Path, size: int, due_share: float) -> int:
    """Fill a migrated database with ``size`` active stage instances; return how many are due."""
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
    due_every = round(1 / due_share)
    rows_p, rows_s = [], []
    due = 0
    for n in range(1, size + 1):
        cohort, participant = (n - 1) // PER_COHORT + 1, (n - 1) % PER_COHORT + 1
        late = n % due_every == 0
        due += late
        rows_p.append((n, cohort, participant, mentor, coach))
        opened = late_opened if late else NOW
        rows_s.append(
            (
                n,
                n,
                ts(opened),
                ts(late_due if late else on_time_due),
                ts(opened),
                ts(check_late if late else check_on_time),
            )
        )
        if len(rows_p) == 50_000 or n == size:
            conn.executemany(
                "INSERT INTO projects (id, cohort_id, participant_id, mentor_id, coach_id, title, "
                "state, version, audit_head) VALUES (?, ?, ?, ?, ?, '', 'diagnosis.drafting', 1, '')",
                rows_p,
            )
            conn.executemany(
                "INSERT INTO stage_instances (id, project_id, stage, attempt, gate, opened_at, "
                "due_at, participant_cycle, participant_clock_at, next_check_at) "
                "VALUES (?, ?, 'diagnosis', 1, 'drafting', ?, ?, 1, ?, ?)",
                rows_s,
            )
            rows_p, rows_s = [], []
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return due


def main() -> None:
    """Build each size, sweep twice, print a table row per size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--due", type=float, default=0.01)
    args = parser.parse_args()
    print("| active stages | due | build (s) | sweep: raised, queued | sweep time | nothing due |")
    print("|---|---|---|---|---|---|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="patok-sweep-") as tmp:
            path = Path(tmp) / "patok.db"
            t0 = time.perf_counter()
            due = build(path, size, args.due)
            built = time.perf_counter() - t0
            app = bootstrap(
                Settings(database_url=f"sqlite:///{path}", data_dir=Path(tmp)),
                clock=SettableClock(NOW),
            )
            t1 = time.perf_counter()
            report = app.sweeper.sweep(NOW)
            swept = time.perf_counter() - t1
            t2 = time.perf_counter()
            again = app.sweeper.sweep(NOW)
            idle = time.perf_counter() - t2
            app.close()
            assert report.escalations == due, (report.escalations, due)
            assert again.raised == []
            print(
                f"| {size:,} | {due:,} | {built:.1f} | {report.escalations:,} escalations, "
                f"{report.queued:,} messages | {swept:.2f} s | {idle * 1000:.1f} ms |"
            )


if __name__ == "__main__":
    main()
