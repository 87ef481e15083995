"""A sweeping process for the concurrent-sweep test."""

from __future__ import annotations

from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from adapters.bootstrap import bootstrap
from adapters.settings import Settings


def sweep_at(url: str, now_iso: str, barrier: Barrier, results: Queue[tuple[int, int]]) -> None:
    """Wait for the other sweeper, sweep once at ``now``, report (escalations, queued)."""
    app = bootstrap(Settings(database_url=url, data_dir=Path("/tmp")), migrate=False)
    try:
        barrier.wait(timeout=60)
        report = app.sweeper.sweep(datetime.fromisoformat(now_iso))
        results.put((report.escalations + report.reminders, report.queued))
    finally:
        app.close()
