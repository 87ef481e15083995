"""Migration 0006 (``visit_groups``) on SQLite and PostgreSQL: a database whose visits were
planned before it learns which groups each visit booked — every group of the cohort whose members
are all among the visit's participants — and the groups then keep those visits in step."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import text

from adapters.bootstrap import Patok
from adapters.clock import SettableClock
from adapters.db.database import SCHEMA_HEAD, WRITE, _config, upgrade
from domain.bench_commands import ChangeGroup, PlanVisit
from domain.benchmarking import VisitSpec
from tests.bench_world import COHORT, build


def test_upgrading_to_0006_books_on_each_visit_the_groups_all_of_whose_members_it_took(
    app: Patok, clock: SettableClock
) -> None:
    bench = build(app, clock)  # group I: p1, p2; group II: p3
    k = bench.ids["k"]
    place = {"host_agency": "Pemerintah Kota Medan", "city": "Kota Medan"}
    for code, start, fields in (
        ("MDN", date(2026, 4, 13), {"groups": ("I",), "participants": ("p3@uji.go.id",)}),
        ("MDN2", date(2026, 5, 4), {"participants": ("p1@uji.go.id", "p4@uji.go.id")}),
    ):
        app.planning.plan_visit(
            PlanVisit(
                actor_id=k,
                cohort_code=COHORT,
                visit=VisitSpec(code=code, start=start, end=start, **place, **fields),  # type: ignore[arg-type]
            )
        )
    assert app.database is not None
    with app.database.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")  # as the database was before 0006: no visit_groups
    assert upgrade(app.database) is True
    with app.database.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
    visits = {v.code: v for v in app.planning.overview(COHORT, k).visits}
    groups = {g.id: g.code for g in app.planning.overview(COHORT, k).groups}
    assert sorted(groups[g] for g in visits["MDN"].group_ids) == ["I", "II"]
    assert visits["MDN2"].group_ids == ()
    app.planning.change_group(
        ChangeGroup(actor_id=k, cohort_code=COHORT, code="II", add_members=("p4@uji.go.id",))
    )
    visits = {v.code: v for v in app.planning.overview(COHORT, k).visits}
    assert bench.projects["p4"] in visits["MDN"].participant_ids
