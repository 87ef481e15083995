"""One session of each kind per participant, kept by the database (unique key on project and
kind): two coordinators scheduling the same participant into two sessions of one kind at the same
moment — exactly one wins, on SQLite and PostgreSQL — and migration 0007 keeps old data as it was."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from sqlalchemy import text

from adapters.bootstrap import Patok
from adapters.clock import SettableClock
from adapters.db.database import WRITE, _config, upgrade
from domain.bench_commands import CreateSeminar, GradeSeminar, ScheduleSeminar, ScoreSeminar
from domain.errors import AlreadyExists, DomainError, ValidationFailed
from domain.seminars import SeminarKind
from tests.bench_world import COHORT, build

PARTICIPANTS = ("p1", "p2", "p3", "p4")


def _session(app: Patok, coordinator: int, kind: SeminarKind) -> int:
    return app.seminars.create(
        CreateSeminar(
            actor_id=coordinator,
            cohort_code=COHORT,
            kind=kind,
            starts_at=app.engine.clock.now(),
            examiners=("x1@uji.go.id",),
        )
    ).id


def _entries(app: Patok) -> list[tuple[int, str | None]]:
    assert app.database is not None
    with app.database.connect() as conn:
        rows = conn.execute(text("SELECT project_id, kind FROM seminar_entries ORDER BY id"))
        return [(int(p), k) for p, k in rows]


def _race(app: Patok, coordinator: int, sessions: tuple[int, int], nick: str) -> list[object]:
    """Schedule ``nick`` into both sessions from two threads released together; each outcome is
    ``"scheduled"`` or the refusal."""
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def schedule(session_id: int) -> None:
        start.wait()
        try:
            app.seminars.schedule(
                ScheduleSeminar(
                    actor_id=coordinator, session_id=session_id, participants=(f"{nick}@uji.go.id",)
                )
            )
            outcomes.append("scheduled")
        except DomainError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=schedule, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_coordinators_scheduling_one_participant_into_two_sessions_of_a_kind_at_once_one_wins(
    app: Patok, clock: SettableClock
) -> None:
    bench = build(app, clock)
    k = bench.ids["k"]
    races = 0
    for kind in SeminarKind:
        sessions = (_session(app, k, kind), _session(app, k, kind))
        for nick in PARTICIPANTS:
            outcomes = _race(app, k, sessions, nick)
            assert outcomes.count("scheduled") == 1, outcomes
            (lost,) = [o for o in outcomes if o != "scheduled"]
            # SQLite serialises the writers, so the service's check refuses the second; on
            # PostgreSQL both pass it and the unique key refuses one
            assert isinstance(lost, ValidationFailed | AlreadyExists)
            races += 1
    assert races == 12
    entries = _entries(app)
    assert len(entries) == len(set(entries)) == 12


def test_migration_0007_keeps_an_old_second_entry_of_a_kind_and_refuses_new_ones(
    app: Patok, clock: SettableClock
) -> None:
    bench = build(app, clock)
    k, p1 = bench.ids["k"], bench.projects["p1"]
    first, second = _session(app, k, SeminarKind.DESIGN), _session(app, k, SeminarKind.DESIGN)
    app.seminars.schedule(ScheduleSeminar(actor_id=k, session_id=first, participants=("p1@uji.go.id",)))  # fmt: skip
    for who in ("x1", "m1", "c1"):  # scores and a remediation refer to the entry's row
        app.seminars.score(ScoreSeminar(actor_id=bench.ids[who], session_id=first, participant="p1@uji.go.id", score=50))  # fmt: skip
    graded = app.seminars.grade(GradeSeminar(actor_id=bench.ids["x1"], session_id=first, participant="p1@uji.go.id"))  # fmt: skip
    assert graded.remediation_id is not None
    assert app.database is not None
    with app.database.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")  # as before 0007: nothing stopped a second design session
    with app.database.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO seminar_entries (session_id, project_id, examiner_id) "
                "VALUES (:s, :p, :x)"
            ),
            {"s": second, "p": p1, "x": bench.ids["x1"]},
        )
    assert upgrade(app.database) is True
    assert _entries(app) == [(p1, "design"), (p1, None)]  # the old second entry kept, unkinded
    record = app.seminars.record(p1, k)
    assert [r.status.value for r in record.remediations] == ["open"]  # nothing lost on the way
    third = _session(app, k, SeminarKind.DESIGN)
    with pytest.raises(AlreadyExists), app.engine.unit_of_work(write=True) as uow:
        uow.seminars.add_entry(third, p1, bench.ids["x1"])  # past the service's own check
    with pytest.raises(ValidationFailed, match="already in session"):
        app.seminars.schedule(ScheduleSeminar(actor_id=k, session_id=third, participants=("p1@uji.go.id",)))  # fmt: skip
