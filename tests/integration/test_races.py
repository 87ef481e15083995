"""Races settled by the database: two processes, each with its own connection, decide the same
submission at the same moment; exactly one wins, one decision is stored, and the other gets a
clear refusal — a conflict when it sent the version it saw, a conflict or an illegal transition
naming what is allowed now when it sent none — never a second decision and never an error that is
no refusal."""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from adapters.bootstrap import Patok
from adapters.db.orm import AuditRow
from adapters.demo_data import seed001_roster
from domain.audit import stream_of_project
from domain.commands import CreateCohort, ImportRoster, SubmitStage
from domain.programme import ProgrammeDefinition, parse_programme_yaml
from tests.integration.helpers import (
    add_organiser,
    make_cohort,
    programme_of,
    submit_and_approve,
    uploads_for,
)
from tests.integration.race_worker import Outcome, Task, race

RACES = int(os.environ.get("PATOK_RACES", "200"))
UNVERSIONED_RACES = int(os.environ.get("PATOK_UNVERSIONED_RACES", "100"))
"""Races per database where neither decider sends the version it saw (half of them an approval
against a request for changes, half two approvals)."""
DECISIONS = ("stage.approved", "stage.changes_requested")
PIM3_FILE = Path(__file__).resolve().parents[2] / "domain" / "programmes" / "pim3.yaml"


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


def _race(
    app: Patok, database_url: str, first: tuple[str, list[Task]], second: tuple[str, list[Task]]
) -> list[Outcome]:
    """Run two racer processes, one per (kind, tasks), task by task at a shared barrier."""
    assert app.database is not None
    app.database.dispose()  # the racers open their own connections
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    racers = [
        ctx.Process(target=race, args=(database_url, kind, tasks, barrier, results))
        for kind, tasks in (first, second)
    ]
    for p in racers:
        p.start()
    outcomes: list[Outcome] = [
        results.get(timeout=120) for _ in range(len(first[1]) + len(second[1]))
    ]
    for p in racers:
        p.join(timeout=60)
        assert p.exitcode == 0
    return outcomes


def _by_project(outcomes: list[Outcome]) -> dict[int, list[Outcome]]:
    found: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        found.setdefault(outcome[0], []).append(outcome)
    return found


def test_two_processes_deciding_the_same_submission_one_wins_one_conflicts_every_time(
    app: Patok, database_url: str
) -> None:
    ids = _projects_waiting_for_benchmarking_decision(app, RACES)
    mentor_tasks: list[Task] = []
    coach_tasks: list[Task] = []
    with app.engine.unit_of_work() as uow:
        for pid in ids:
            view = uow.projects.load(pid, 0)
            assert view.state == "benchmarking.submitted" and view.coach_id is not None
            mentor_tasks.append((pid, view.mentor_id, view.version))
            coach_tasks.append((pid, view.coach_id, view.version))
    outcomes = _race(
        app, database_url, ("approve", mentor_tasks), ("request_changes", coach_tasks)
    )
    by_project = {pid: Counter(o[2] for o in pair) for pid, pair in _by_project(outcomes).items()}
    unexpected = {
        pid: c for pid, c in by_project.items() if c != Counter({"won": 1, "conflict": 1})
    }
    assert not unexpected, f"races not settled one-and-one: {list(unexpected.items())[:5]}"
    assert app.database is not None
    with app.database.connect() as conn:
        decisions = conn.execute(
            select(func.count()).select_from(AuditRow).where(AuditRow.action.in_(DECISIONS))
        ).scalar_one()
        decided_events = conn.execute(
            select(func.count())
            .select_from(AuditRow)
            .where(
                AuditRow.action.in_(DECISIONS),
                AuditRow.payload.like('%"stage":"benchmarking"%'),
            )
        ).scalar_one()
    assert decisions == 2 * len(ids) + len(ids)  # diagnosis + taking ownership + one per race
    assert decided_events == len(ids)
    assert app.queries.verify_audit().fault is None
    winners = Counter(kind for _pid, kind, outcome, _ in outcomes if outcome == "won")
    print(f"races={len(ids)} winners={dict(winners)}")


def _two_approver_programme() -> ProgrammeDefinition:
    """PIM3 with both the coach and the mentor approving diagnosis (as they do benchmarking), so
    a race needs only one submission per project."""
    text = PIM3_FILE.read_text(encoding="utf-8")
    assert "approvers: [mentor]\n" in text
    text = text.replace("approvers: [mentor]\n", "approvers: [coach, mentor]\n", 1)
    return parse_programme_yaml(text, "pim3-two-approvers.yaml")


def _projects_waiting_for_a_diagnosis_decision_by_two_approvers(app: Patok, count: int) -> list[int]:
    organiser = add_organiser(app)
    programme = _two_approver_programme()
    roster = seed001_roster()
    ids: list[int] = []
    while len(ids) < count:
        code = f"NOVER-{len(ids) // len(roster.participants) + 1}"
        app.cohorts.create(
            CreateCohort(
                actor_id=organiser,
                code=code,
                name=f"Angkatan uji {code}",
                programme=programme,
                organiser="BPSDM Provinsi Maluku",
                timezone="Asia/Jayapura",
                start_date=date(2026, 3, 2),
            )
        )
        app.cohorts.import_roster(ImportRoster(actor_id=organiser, cohort_code=code, roster=roster))
        with app.engine.unit_of_work() as uow:
            cohort = uow.cohorts.by_code(code)
            assert cohort.id is not None
            ids += uow.projects.ids_of_cohort(cohort.id)
    ids = ids[:count]
    uploads = uploads_for(programme, "diagnosis")
    for pid in ids:
        with app.engine.unit_of_work() as uow:
            participant = uow.projects.load(pid, 0).participant_id
        app.engine.submit(SubmitStage(actor_id=participant, project_id=pid, artifacts=uploads))
    return ids


AFTER = {"approve": "taking_ownership.drafting", "request_changes": "diagnosis.changes_requested"}


def test_deciders_sending_no_version_one_wins_the_other_is_refused_clearly_every_time(
    app: Patok, database_url: str
) -> None:
    ids = _projects_waiting_for_a_diagnosis_decision_by_two_approvers(app, UNVERSIONED_RACES)
    mentor: list[Task] = []
    coach: list[Task] = []
    submitted_version: dict[int, int] = {}
    with app.engine.unit_of_work() as uow:
        for pid in ids:
            view = uow.projects.load(pid, 0)
            assert view.state == "diagnosis.submitted" and view.coach_id is not None
            mentor.append((pid, view.mentor_id, None))
            coach.append((pid, view.coach_id, None))
            submitted_version[pid] = view.version
    half = len(ids) // 2
    outcomes = _race(app, database_url, ("approve", mentor[:half]), ("request_changes", coach[:half]))
    outcomes += _race(app, database_url, ("approve", mentor[half:]), ("approve", coach[half:]))

    winner_of: dict[int, str] = {}
    for pid, pair in _by_project(outcomes).items():
        assert sorted(o[2] for o in pair) in (["conflict", "won"], ["illegal", "won"]), pair
        ((_, won_kind, _, _),) = [o for o in pair if o[2] == "won"]
        ((_, _, refusal, text),) = [o for o in pair if o[2] != "won"]
        winner_of[pid] = won_kind
        if refusal == "illegal":  # it saw the decision: it is told the state and what is legal
            assert f"is not allowed in state {AFTER[won_kind]}; allowed now: " in text, text
        else:  # it lost at a version check or a unique key: it is told nothing was stored
            assert "by someone else" in text and "nothing was stored" in text, text
    assert sorted(winner_of) == sorted(ids)

    assert app.database is not None
    streams = {stream_of_project(pid): pid for pid in ids}
    with app.database.connect() as conn:
        per_stream: dict[str, int] = {
            stream: count
            for stream, count in conn.execute(
                select(AuditRow.stream, func.count())
                .where(AuditRow.action.in_(DECISIONS), AuditRow.stream.in_(list(streams)))
                .group_by(AuditRow.stream)
            )
        }
    assert per_stream == dict.fromkeys(streams, 1)  # one decision per race, none twice
    with app.engine.unit_of_work() as uow:
        for pid in ids:
            view = uow.projects.load(pid, 0)
            assert (view.state, view.version) == (AFTER[winner_of[pid]], submitted_version[pid] + 1)
    assert app.queries.verify_audit().fault is None
    tally = Counter(
        re.sub(r"\d+", "N", f"{o[2]}: {o[3].split(';')[0]}") for o in outcomes if o[2] != "won"
    )
    print(f"unversioned races={len(ids)} refusals={dict(tally)}")
