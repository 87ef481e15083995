"""A dispatcher in a process of its own, for the concurrency and crash tests of the outbox.

``run_dispatcher`` is a ``multiprocessing`` target (waits at a barrier, drains, reports how many
rows it sent); ``python -m tests.integration.dispatch_worker URL SMTP_PORT NOW BATCH`` drains the
outbox from a subprocess that a test can kill.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

import structlog

from adapters.db.database import make_engine
from adapters.notify.channels import SmtpChannel
from adapters.notify.dispatcher import Dispatcher, DispatchReport


def _quiet() -> None:
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )


def _drain(url: str, smtp_port: int, now: datetime, batch: int) -> DispatchReport:
    engine = make_engine(url)
    try:
        channel = SmtpChannel("127.0.0.1", smtp_port, "patok@localhost", local_hostname="localhost")
        dispatcher = Dispatcher(engine, {"email": channel}, batch=batch, clock=lambda: now)
        return dispatcher.drain()
    finally:
        engine.dispose()


def run_dispatcher(
    url: str,
    smtp_port: int,
    now_iso: str,
    batch: int,
    barrier: Barrier,
    results: Queue[tuple[int, int, int]],
) -> None:
    """Wait for the other dispatchers, drain the outbox, put (pid, claimed, sent) on ``results``."""
    _quiet()
    make_engine(url).dispose()  # load the drivers before the start line
    barrier.wait(timeout=60)
    report = _drain(url, smtp_port, datetime.fromisoformat(now_iso), batch)
    results.put((os.getpid(), report.claimed, report.sent))


def main(argv: list[str]) -> int:
    """``URL SMTP_PORT NOW_ISO BATCH``: drain the outbox, print the report."""
    url, port, now_iso, batch = argv
    _quiet()
    report = _drain(url, int(port), datetime.fromisoformat(now_iso), int(batch))
    print(report, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
