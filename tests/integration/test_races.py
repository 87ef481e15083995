"""Races settled by the database: two processes, each with its own connection, decide the same
submission at the same moment; exactly one wins, the other gets a conflict, one decision is stored."""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter

from sqlalchemy import func, select

from adapters.bootstrap import Patok
from adapters.db.orm import AuditRow
from adapters.demo_data import seed001_roster
from domain.commands import SubmitStage
from tests.integration.helpers import (
    add_organiser,
    make_cohort,
    programme_of,
    submit_and_approve,
    uploads_for,
)
from tests.integration.race_worker import race

RACES = int(os.environ.get("PATOK_RACES", "200"))


def _projects_waiting_for_benchmarking_decision(app: Patok, count: int) -> list[int]:
    organiser = add_organiser(app)
    roster = seed001_roster()
    ids: list[int] = []
    cohort = 0
    while len(ids) < count:
        cohort += 1
        ids += make_cohort(app, organiser, f"RACE-{cohort}", roster)
    ids = ids[:count]
    programme = programme_of(app, ids[0])
    for pid in ids:
        submit_and_approve(app, pid)  # diagnosis
        submit_and_approve(app, pid)  # taking ownership
        with app.engine.unit_of_work() as uow:
            view = uow.projects.load(pid, 0)
        app.engine.submit(
            SubmitStage(
                actor_id=view.participant_id,
                project_id=pid,
                artifacts=uploads_for(programme, "benchmarking"),
            )
        )
    return ids


def test_two_processes_deciding_the_same_submission_one_wins_one_conflicts_every_time(
    app: Patok, database_url: str
) -> None:
    ids = _projects_waiting_for_benchmarking_decision(app, RACES)
    mentor_tasks, coach_tasks = [], []
    with app.engine.unit_of_work() as uow:
        for pid in ids:
            view = uow.projects.load(pid, 0)
            assert view.state == "benchmarking.submitted" and view.coach_id is not None
            mentor_tasks.append((pid, view.mentor_id, view.version))
            coach_tasks.append((pid, view.coach_id, view.version))
    assert app.database is not None
    app.database.dispose()  # the racers open their own connections
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    racers = [
        ctx.Process(target=race, args=(database_url, "approve", mentor_tasks, barrier, results)),
        ctx.Process(
            target=race, args=(database_url, "request_changes", coach_tasks, barrier, results)
        ),
    ]
    for p in racers:
        p.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * len(ids))]
    for p in racers:
        p.join(timeout=60)
        assert p.exitcode == 0
    by_project: dict[int, Counter[str]] = {}
    for pid, _kind, outcome in outcomes:
        by_project.setdefault(pid, Counter())[outcome] += 1
    unexpected = {
        pid: c for pid, c in by_project.items() if c != Counter({"won": 1, "conflict": 1})
    }
    assert not unexpected, f"races not settled one-and-one: {list(unexpected.items())[:5]}"
    with app.database.connect() as conn:
        decisions = conn.execute(
            select(func.count())
            .select_from(AuditRow)
            .where(AuditRow.action.in_(["stage.approved", "stage.changes_requested"]))
        ).scalar_one()
        decided_events = conn.execute(
            select(func.count())
            .select_from(AuditRow)
            .where(
                AuditRow.action.in_(["stage.approved", "stage.changes_requested"]),
                AuditRow.payload.like('%"stage":"benchmarking"%'),
            )
        ).scalar_one()
    assert decisions == 2 * len(ids) + len(ids)  # diagnosis + taking ownership + one per race
    assert decided_events == len(ids)
    assert app.queries.verify_audit().fault is None
    winners = Counter(kind for _pid, kind, outcome in outcomes if outcome == "won")
    print(f"races={len(ids)} winners={dict(winners)}")
