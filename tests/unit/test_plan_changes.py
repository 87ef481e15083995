"""Changes of a benchmarking plan on the in-memory fakes (through the real bootstrap): groups keep
the visits that booked them in step, visits are changed and cancelled, host partners corrected
and removed, and the services' refusals name fields, never command-line options.

"Stores nothing" is checked on the fake store as a whole: the shared state's generation (how many
units of work committed) does not move. The same refusals run on SQLite and PostgreSQL in
tests/integration/test_bench_refusals_sql.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from adapters.bootstrap import bootstrap
from adapters.clock import SettableClock
from adapters.settings import Settings
from domain.bench_commands import (
    AddAgendaItem,
    CancelVisit,
    ChangeGroup,
    ChangeHost,
    ChangeVisit,
    CreateSeminar,
    ImportPlan,
    PlanVisit,
    RecordHost,
    RecordLesson,
    RemoveHost,
)
from domain.benchmarking import AgendaSpec, Contact, HostSpec, Visit, VisitSpec
from domain.errors import DomainError, Forbidden, GuardFailed, NotFound, ValidationFailed
from domain.seminars import SeminarKind
from domain.visit_plan import parse_plan
from tests.bench_world import COHORT, Bench, build
from tests.fakes import FakeUnitOfWorkFactory

MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 09:00 WIT
PLACE = {"host_agency": "Pemerintah Kota Medan", "city": "Kota Medan"}


@pytest.fixture
def bench() -> Iterator[Bench]:
    clock = SettableClock(MONDAY)
    app = bootstrap(Settings(), clock=clock, uow_factory=FakeUnitOfWorkFactory())
    yield build(app, clock)  # group I: p1, p2 (mdn-bappeda); group II: p3 (mdn-bkpsdm)
    app.close()


def generation(bench: Bench) -> int:
    factory = bench.app.uow_factory
    assert isinstance(factory, FakeUnitOfWorkFactory)
    return factory.state.generation


def refuses(bench: Bench, error: type[DomainError], action: Callable[[], Any]) -> DomainError:
    """Run ``action``, expect ``error``, and check that nothing was stored."""
    before = generation(bench)
    with pytest.raises(error) as caught:
        action()
    assert generation(bench) == before, "a refused command stored something"
    assert caught.value.message_id and caught.value.message_en
    return caught.value


def plan(bench: Bench, code: str, start: date, end: date, **fields: Any) -> None:
    bench.app.planning.plan_visit(
        PlanVisit(
            actor_id=bench.ids["k"],
            cohort_code=COHORT,
            visit=VisitSpec(code=code, start=start, end=end, **(PLACE | fields)),
        )
    )


def visits(bench: Bench) -> dict[str, Visit]:
    return {v.code: v for v in bench.app.planning.overview(COHORT, bench.ids["k"]).visits}


def change_group(bench: Bench, code: str = "I", **fields: Any) -> Callable[[], Any]:
    return lambda: bench.app.planning.change_group(
        ChangeGroup(actor_id=bench.ids["k"], cohort_code=COHORT, code=code, **fields)
    )


def change_visit(bench: Bench, code: str = "MDN", **fields: Any) -> Callable[[], Any]:
    return lambda: bench.app.planning.change_visit(
        ChangeVisit(actor_id=bench.ids["k"], cohort_code=COHORT, code=code, **fields)
    )


def cohort_actions(bench: Bench) -> list[tuple[str, dict[str, Any]]]:
    with bench.app.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(COHORT)
        return [
            (e.action, json.loads(e.payload_json)) for e in uow.audit.stream(f"cohort:{cohort.id}")
        ]


def ids_of(bench: Bench, *nicks: str) -> set[int]:
    return {bench.projects[n] for n in nicks}


# -- groups keep their visits in step -----------------------------------------------------------


def test_a_visit_records_the_groups_it_booked_and_not_single_participants_groups(
    bench: Bench,
) -> None:
    plan(bench, "MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",))
    plan(bench, "MDN2", date(2026, 5, 4), date(2026, 5, 4), participants=("p3@uji.go.id",))
    overview = bench.app.planning.overview(COHORT, bench.ids["p1"])
    codes = {g.id: g.code for g in overview.groups}
    booked = {v.code: [codes[g] for g in v.group_ids] for v in overview.visits}
    assert booked == {"MDN": ["I"], "MDN2": []}
    assert cohort_actions(bench)[-2][1]["visits"]["MDN"]["groups"] == ["I"]


def test_an_imported_plan_records_the_groups_each_visit_booked(bench: Bench) -> None:
    text = (
        "visits:\n  - code: MDN\n    groups: [I, II]\n    host: Pemkot Medan\n    city: Medan\n"
        "    agenda:\n      - {date: 2026-04-13, host: mdn-bappeda, group: I, topic: Paparan}\n"
    )
    bench.app.planning.import_plan(
        ImportPlan(
            actor_id=bench.ids["k"], cohort_code=COHORT, plan=parse_plan(text, "yaml", "p.yaml")
        )
    )
    (mdn,) = visits(bench).values()
    assert len(mdn.group_ids) == 2 and set(mdn.participant_ids) == ids_of(bench, "p1", "p2", "p3")


def test_a_member_added_to_a_group_joins_its_visits_that_have_not_ended_and_one_removed_leaves(
    bench: Bench,
) -> None:
    plan(bench, "MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",))
    plan(bench, "MDN2", date(2026, 5, 4), date(2026, 5, 5), groups=("I",), participants=("p3@uji.go.id",))  # fmt: skip
    plan(bench, "SOLO", date(2026, 6, 1), date(2026, 6, 1), participants=("p1@uji.go.id",))
    change_group(bench, add_members=("p4@uji.go.id",), remove_members=("p2@uji.go.id",))()
    now = visits(bench)
    assert set(now["MDN"].participant_ids) == ids_of(bench, "p1", "p4")
    assert set(now["MDN2"].participant_ids) == ids_of(bench, "p1", "p3", "p4")
    assert set(now["SOLO"].participant_ids) == ids_of(bench, "p1")  # booked p1, not group I
    action, payload = cohort_actions(bench)[-1]
    p2, p4 = (bench.app.planning.overview(COHORT, bench.ids["k"]).index.people[bench.ids[n]].nip for n in ("p2", "p4"))  # fmt: skip
    assert action == "group.changed"
    assert payload["visits"] == {
        "MDN": {"joined": [p4], "left": [p2]},
        "MDN2": {"joined": [p4], "left": [p2]},
    }


def test_a_visit_that_has_ended_keeps_who_went_when_the_group_changes(bench: Bench) -> None:
    plan(bench, "MDN", date(2026, 3, 2), date(2026, 3, 3), groups=("I",))
    bench.clock.set(datetime(2026, 3, 4, 0, 0, tzinfo=UTC))
    change_group(bench, add_members=("p4@uji.go.id",), remove_members=("p1@uji.go.id",))()
    assert set(visits(bench)["MDN"].participant_ids) == ids_of(bench, "p1", "p2")


def test_a_group_change_that_would_book_a_new_member_on_overlapping_visits_is_refused(
    bench: Bench,
) -> None:
    plan(bench, "MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",))
    plan(bench, "BGR", date(2026, 4, 15), date(2026, 4, 16), participants=("p4@uji.go.id",))
    error = refuses(bench, ValidationFailed, change_group(bench, add_members=("p4@uji.go.id",)))
    assert error.message_en == (
        "Refused, nothing was stored: add_members: Uji P4 is already booked on visit BGR "
        "(15-04-2026 to 16-04-2026), whose days overlap visit MDN (13-04-2026 to 15-04-2026)"
    )
    assert error.message_id.startswith("Ditolak, tidak ada yang disimpan: add_members: Uji P4")
    assert set(visits(bench)["MDN"].participant_ids) == ids_of(bench, "p1", "p2")


def test_a_group_changes_refusals_name_its_fields_not_command_line_options(bench: Bench) -> None:
    error = refuses(
        bench,
        ValidationFailed,
        change_group(
            bench,
            theme=" ",
            remove_members=("p1@uji.go.id", "p2@uji.go.id"),
            add_hosts=("mdn-x",),
            remove_hosts=("mdn-bkpsdm",),
        ),
    )
    assert error.details["problems"] == [
        "theme: the theme may not be empty",
        "remove_members: group I may not be left with no members",
        "add_hosts: unknown host partner 'mdn-x'; known: mdn-bappeda, mdn-bkpsdm",
        "remove_hosts: 'mdn-bkpsdm' is not a host unit of group I (mdn-bappeda)",
    ]
    assert "--" not in error.message_id + error.message_en


def test_a_seminar_without_examiners_is_refused_naming_the_field(bench: Bench) -> None:
    error = refuses(
        bench,
        ValidationFailed,
        lambda: bench.app.seminars.create(
            CreateSeminar(
                actor_id=bench.ids["k"],
                cohort_code=COHORT,
                kind=SeminarKind.DESIGN,
                starts_at=datetime(2026, 5, 4, tzinfo=UTC),
            )
        ),
    )
    assert error.message_en == (
        "Seminar session refused: examiners: a seminar session needs at least one examiner"
    )
    assert error.message_id == (
        "Sesi seminar ditolak: examiners: sesi seminar perlu minimal satu penguji"
    )


# -- changing and cancelling a visit ------------------------------------------------------------


def test_a_visit_is_moved_regrouped_and_restaffed_and_warns_of_a_weekend(bench: Bench) -> None:
    plan(bench, "MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",), companions=("m1@uji.go.id",))  # fmt: skip
    outcome = change_visit(
        bench,
        end=date(2026, 4, 18),
        city="Medan",
        timezone="WIB",
        note="Bawa seragam",
        add_groups=("II",),
        remove_participants=("p2@uji.go.id",),
        add_participants=("p4@uji.go.id",),
        add_companions=("c1@uji.go.id", "k@uji.go.id"),
        remove_companions=("m1@uji.go.id",),
    )()
    v = outcome.visit
    assert (v.start_date, v.end_date, v.city, v.note) == (
        date(2026, 4, 13),
        date(2026, 4, 18),
        "Medan",
        "Bawa seragam",
    )
    assert set(v.participant_ids) == ids_of(bench, "p1", "p3", "p4")
    assert {(c.person_id, c.role) for c in v.companions} == {
        (bench.ids["c1"], "coach"),
        (bench.ids["k"], "coordinator"),
    }
    assert len(v.group_ids) == 2
    assert outcome.warnings("en") == ["visit MDN: 18-04-2026 is a Saturday (weekend)"]
    action, payload = cohort_actions(bench)[-1]
    assert action == "visit.changed"
    assert payload["changed"] == {
        "city": ["Kota Medan", "Medan"],
        "to": ["2026-04-15", "2026-04-18"],
        "note": ["", "Bawa seragam"],
    }
    assert payload["groups_added"] == ["II"] and len(payload["participants_added"]) == 2
    assert bench.app.queries.verify_audit().fault is None


def test_a_visit_change_that_breaks_its_rules_is_refused_naming_every_field(bench: Bench) -> None:
    plan(bench, "MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",), agenda=(AgendaSpec(day=date(2026, 4, 15), host="mdn-bappeda", topic="Observasi"),))  # fmt: skip
    plan(bench, "BGR", date(2026, 4, 20), date(2026, 4, 21), participants=("p3@uji.go.id",))
    error = refuses(
        bench,
        ValidationFailed,
        change_visit(
            bench,
            end=date(2026, 4, 14),
            city=" ",
            timezone="GMT",
            add_groups=("I", "IX"),
            remove_groups=("II",),
            remove_participants=("p4@uji.go.id",),
            add_participants=("p1@uji.go.id",),
            add_companions=("p2@uji.go.id",),
            remove_companions=("m2@uji.go.id",),
        ),
    )
    assert error.details["problems"] == [
        "city: required: the city",
        "timezone: unknown time zone 'GMT' (WIB, WITA, WIT)",
        "end: the agenda item on 15-04-2026 at mdn-bappeda (Observasi) falls outside the new "
        "dates 13-04-2026 to 14-04-2026",
        "remove_groups: group II is not booked on visit MDN (booked: I)",
        "add_groups: group I is booked on visit MDN already",
        "add_groups: unknown group 'IX'; known: I, II",
        "remove_participants: Uji P4 is not a participant of visit MDN",
        "add_participants: Uji P1 is a participant of visit MDN already",
        "remove_companions: m2@uji.go.id is not a companion of visit MDN",
        "add_companions: p2@uji.go.id is not among the coaches, coordinators, examiners or "
        "mentors of cohort BENCH-1",
    ]
    error = refuses(bench, ValidationFailed, change_visit(bench, start=date(2026, 4, 16), end=date(2026, 4, 12)))  # fmt: skip
    assert "end: the last day 12-04-2026 is before the first day 16-04-2026" in error.message_en
    error = refuses(bench, ValidationFailed, change_visit(bench, code="BGR", start=date(2026, 4, 10), add_groups=("I",)))  # fmt: skip
    assert "Uji P1 is already booked on visit MDN (13-04-2026 to 15-04-2026)" in error.message_en
    error = refuses(bench, ValidationFailed, change_visit(bench, remove_groups=("I",)))
    assert "visit MDN may not be left with no participants" in error.message_en
    error = refuses(bench, ValidationFailed, change_visit(bench))
    assert error.message_en.startswith("Nothing to change on visit MDN")
    refuses(bench, NotFound, change_visit(bench, code="XYZ", note="x"))


def test_moving_a_visit_rechecks_every_participant_for_overlaps(bench: Bench) -> None:
    plan(bench, "MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",))
    plan(bench, "BGR", date(2026, 4, 20), date(2026, 4, 21), participants=("p2@uji.go.id",))
    error = refuses(bench, ValidationFailed, change_visit(bench, end=date(2026, 4, 20)))
    assert "participants: Uji P2 is already booked on visit BGR" in error.message_en
    change_visit(bench, end=date(2026, 4, 19))()  # next to BGR, not on it


def test_a_cancelled_visit_frees_its_participants_and_the_audit_keeps_what_it_was(
    bench: Bench,
) -> None:
    plan(bench, "MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",))
    error = refuses(
        bench,
        ValidationFailed,
        lambda: bench.app.planning.cancel_visit(
            CancelVisit(actor_id=bench.ids["k"], cohort_code=COHORT, code="MDN", reason=" ")
        ),
    )
    assert error.message_en == (
        "Refused, nothing was stored: reason: required: why the visit is cancelled"
    )
    outcome = bench.app.planning.cancel_visit(
        CancelVisit(actor_id=bench.ids["k"], cohort_code=COHORT, code="MDN", reason="Anggaran")
    )
    assert outcome.event == "visit.cancelled" and outcome.visit.code == "MDN"
    assert visits(bench) == {}
    action, payload = cohort_actions(bench)[-1]
    assert (action, payload["reason"], payload["groups"], len(payload["participants"])) == (
        "visit.cancelled",
        "Anggaran",
        ["I"],
        2,
    )
    plan(bench, "MDN2", date(2026, 4, 14), date(2026, 4, 14), groups=("I",))  # no overlap now


def test_a_visit_that_took_place_cannot_be_cancelled(bench: Bench) -> None:
    plan(bench, "MDN", date(2026, 3, 2), date(2026, 3, 3), groups=("I",))
    bench.clock.set(datetime(2026, 3, 4, 0, 0, tzinfo=UTC))
    error = refuses(
        bench,
        GuardFailed,
        lambda: bench.app.planning.cancel_visit(
            CancelVisit(actor_id=bench.ids["k"], cohort_code=COHORT, code="MDN", reason="Salah")
        ),
    )
    assert error.message_en.startswith("Visit MDN has taken place (02-03-2026 to 03-03-2026)")


# -- host partners --------------------------------------------------------------------------------


def test_a_host_partner_is_corrected_and_its_contact_merged_then_removed(bench: Bench) -> None:
    planning, k = bench.app.planning, bench.ids["k"]
    changed = planning.change_host(
        ChangeHost(actor_id=k, cohort_code=COHORT, code="mdn-bkpsdm", unit="BKPSDM Kota Medan", timezone="WITA", reasons=("Penghargaan BKN",), contact_name="Pak Kabid", contact_phone="+62 61 123456")
    )  # fmt: skip
    assert (changed.unit, changed.timezone, changed.reasons) == (
        "BKPSDM Kota Medan",
        "Asia/Makassar",
        ("Penghargaan BKN",),
    )
    assert changed.contact == Contact(name="Pak Kabid", phone="+62 61 123456")
    merged = planning.change_host(
        ChangeHost(actor_id=k, cohort_code=COHORT, code="mdn-bkpsdm", contact_email="kabid@medan.go.id")
    )  # fmt: skip
    assert merged.contact == Contact(name="Pak Kabid", phone="+62 61 123456", email="kabid@medan.go.id")  # fmt: skip
    cleared = planning.change_host(
        ChangeHost(actor_id=k, cohort_code=COHORT, code="mdn-bkpsdm", clear_contact=True)
    )
    assert cleared.contact is None and cleared.unit == "BKPSDM Kota Medan"
    action, payload = cohort_actions(bench)[-1]
    assert action == "host.changed" and list(payload["changed"]) == ["contact"]
    removed = planning.remove_host(RemoveHost(actor_id=k, cohort_code=COHORT, code="mdn-bkpsdm"))
    assert removed.code == "mdn-bkpsdm"
    overview = planning.overview(COHORT, k)
    assert [h.code for h in overview.hosts] == ["mdn-bappeda"]
    assert {g.code: len(g.host_ids) for g in overview.groups} == {"I": 1, "II": 0}
    assert cohort_actions(bench)[-1] == (
        "host.removed",
        {"host": "mdn-bkpsdm", "agency": "Pemerintah Kota Medan", "unit": "BKPSDM Kota Medan", "city": "Kota Medan", "groups": ["II"]},
    )  # fmt: skip
    assert bench.app.queries.verify_audit().fault is None


def test_a_host_change_is_checked_like_a_new_host(bench: Bench) -> None:
    def change(**fields: Any) -> Callable[[], Any]:
        return lambda: bench.app.planning.change_host(
            ChangeHost(actor_id=bench.ids["k"], cohort_code=COHORT, code="mdn-bappeda", **fields)
        )

    error = refuses(bench, ValidationFailed, change(city="", timezone="CET", contact_phone="x"))
    assert error.details["problems"] == [
        "city: is required",
        "timezone: unknown time zone 'CET' (WIB, WITA, WIT)",
        "contact_name: the contact's name is required",
        "contact_phone: phone number 'x' is invalid",
    ]
    error = refuses(bench, ValidationFailed, change(clear_contact=True, contact_name="Bu Ani"))
    assert "the contact cannot be removed and changed at once" in error.message_en
    refuses(bench, ValidationFailed, change())
    refuses(
        bench,
        NotFound,
        lambda: bench.app.planning.change_host(
            ChangeHost(actor_id=bench.ids["k"], cohort_code=COHORT, code="nowhere", city="X")
        ),
    )


def test_a_host_that_lessons_or_agenda_items_refer_to_is_not_removed_and_they_are_named(
    bench: Bench,
) -> None:
    plan(bench, "MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",))
    bench.app.planning.add_agenda_item(
        AddAgendaItem(actor_id=bench.ids["k"], cohort_code=COHORT, visit_code="MDN", item=AgendaSpec(day=date(2026, 4, 14), host="mdn-bappeda", topic="Paparan e-Planning"))
    )  # fmt: skip
    bench.to_stage("p1", "lesson_synthesis")
    bench.app.content.record_lesson(
        RecordLesson(actor_id=bench.ids["p1"], project_id=bench.projects["p1"], host="mdn-bappeda", practice="e-Planning", evidence="RKPD", success_key="Komitmen", lesson="Data dulu")
    )  # fmt: skip
    error = refuses(
        bench,
        GuardFailed,
        lambda: bench.app.planning.remove_host(
            RemoveHost(actor_id=bench.ids["k"], cohort_code=COHORT, code="mdn-bappeda")
        ),
    )
    lessons = [ls.id for ls in bench.app.content.of_project(bench.projects["p1"], bench.ids["p1"]).lessons]  # fmt: skip
    assert error.message_en == (
        "Host partner 'mdn-bappeda' cannot be removed: 2 record(s) refer to it: lesson #1 of "
        "Uji P1; the agenda of visit MDN on 14-04-2026 (Paparan e-Planning)"
    )
    assert error.message_id.startswith(
        "Mitra benchmarking 'mdn-bappeda' tidak dapat dihapus karena masih dirujuk oleh 2 "
        "catatan: pelajaran #1 Uji P1; agenda kunjungan MDN 14-04-2026"
    )
    assert error.details["lessons"] == lessons and len(error.details["agenda_items"]) == 1


def test_a_long_list_of_references_is_cut_short_with_how_many_more(bench: Bench) -> None:
    plan(bench, "MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",))
    for n in range(12):
        bench.app.planning.add_agenda_item(
            AddAgendaItem(actor_id=bench.ids["k"], cohort_code=COHORT, visit_code="MDN", item=AgendaSpec(day=date(2026, 4, 14), host="mdn-bkpsdm", topic=f"Sesi {n}"))
        )  # fmt: skip
    error = refuses(
        bench,
        GuardFailed,
        lambda: bench.app.planning.remove_host(
            RemoveHost(actor_id=bench.ids["k"], cohort_code=COHORT, code="mdn-bkpsdm")
        ),
    )
    assert "12 record(s)" in error.message_en and error.message_en.endswith("(+2 more)")
    assert error.message_id.endswith("(+2 lainnya)")


# -- who may ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["m1", "c1", "x1", "p1", "k2"])
@pytest.mark.parametrize("what", ["change_visit", "cancel_visit", "change_host", "remove_host"])
def test_only_the_cohorts_coordinator_may_change_visits_and_hosts(
    bench: Bench, who: str, what: str
) -> None:
    plan(bench, "MDN", date(2026, 4, 13), date(2026, 4, 15), groups=("I",))
    actor, planning = bench.ids[who], bench.app.planning
    commands: dict[str, Callable[[], Any]] = {
        "change_visit": lambda: planning.change_visit(ChangeVisit(actor_id=actor, cohort_code=COHORT, code="MDN", note="x")),
        "cancel_visit": lambda: planning.cancel_visit(CancelVisit(actor_id=actor, cohort_code=COHORT, code="MDN", reason="x")),
        "change_host": lambda: planning.change_host(ChangeHost(actor_id=actor, cohort_code=COHORT, code="mdn-bkpsdm", city="x")),
        "remove_host": lambda: planning.remove_host(RemoveHost(actor_id=actor, cohort_code=COHORT, code="mdn-bkpsdm")),
    }  # fmt: skip
    error = refuses(bench, Forbidden, commands[what])
    assert "may not plan this cohort's benchmarking (hosts, groups, visits)" in error.message_en
    assert "tidak berwenang merencanakan benchmarking angkatan ini" in error.message_id


def test_a_host_recorded_again_after_removal_is_a_new_host(bench: Bench) -> None:
    k = bench.ids["k"]
    bench.app.planning.remove_host(RemoveHost(actor_id=k, cohort_code=COHORT, code="mdn-bkpsdm"))
    outcome = bench.app.planning.record_host(
        RecordHost(actor_id=k, cohort_code=COHORT, host=HostSpec(code="mdn-bkpsdm", agency="Pemkot Medan", unit="BKPSDM", city="Medan", timezone="WIB"))
    )  # fmt: skip
    assert outcome.hosts == ["mdn-bkpsdm"]
