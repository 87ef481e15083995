"""Tests for domain.benchmarking (hosts, groups, visits on their own, overlaps, warnings for visit
days that are not working days) and for the programmes' content requirements."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from adapters.programmes import builtin_programmes
from domain.benchmarking import (
    AgendaSpec,
    Contact,
    GroupSpec,
    HostSpec,
    Visit,
    VisitSpec,
    VisitStatus,
    check_group,
    check_host,
    check_visit,
    days_overlap,
    visit_day_warnings,
)
from domain.calendar import WorkingDayCalendar
from domain.content import MilestoneTerm
from domain.errors import PlanError, ProgrammeFileError
from domain.programme import definition_to_json, parse_programme
from domain.visit_plan import parse_plan

WIB = WorkingDayCalendar("Asia/Jakarta")


def host(**overrides: Any) -> HostSpec:
    fields: dict[str, Any] = {
        "code": "tng-bappeda",
        "agency": "Pemerintah Kota Tangerang",
        "unit": "Bappeda",
        "city": "Kota Tangerang",
        "timezone": "WIB",
    } | overrides
    return HostSpec(**fields)


def test_a_complete_host_partner_has_no_problems_and_zones_may_be_labels() -> None:
    assert not check_host(host())
    assert not check_host(host(timezone="Asia/Makassar"))


def test_a_host_partner_names_every_missing_or_invalid_field() -> None:
    problems = check_host(
        host(
            code="tng bappeda!",
            unit="",
            timezone="GMT+7",
            contact=Contact(name="", email="bukan-email", phone="abc"),
            where={"code": ("k", "c"), "unit": ("u", "u"), "timezone": ("z", "z")},
        )
    )
    assert problems.en == [
        "c: code 'tng bappeda!' is invalid (letters, digits, '.', '_' or '-', at most 40)",
        "u: is required",
        "z: unknown time zone 'GMT+7' (WIB, WITA, WIT)",
        "the contact's name is required",
        "'bukan-email' is not a valid e-mail address",
        "phone number 'abc' is invalid",
    ]
    assert len(problems.id) == len(problems.en)


def test_a_group_with_no_members_is_refused() -> None:
    problems = check_group(GroupSpec(code="I", theme="WTP", where={"members": ("--member",) * 2}))
    assert problems.en == ["--member: group I has no members; name at least one participant"]
    assert problems.id == [
        "--member: kelompok I tidak punya anggota; sebutkan minimal satu peserta"
    ]


def test_a_group_needs_a_theme() -> None:
    assert check_group(GroupSpec(code="II", theme=" ", members=("x@y.go.id",))).en == [
        "is required"
    ]


def agenda(day: date, **overrides: Any) -> AgendaSpec:
    fields: dict[str, Any] = {"day": day, "host": "tng-bappeda", "topic": "Paparan"} | overrides
    return AgendaSpec(**fields)


def test_visit_days_default_to_the_agenda_and_a_visit_needs_participants() -> None:
    spec = VisitSpec(code="TNG", agenda=(agenda(date(2018, 4, 10)), agenda(date(2018, 4, 12))))
    assert check_visit(spec).en == ["a visit with no participants; name groups or participants"]
    assert not check_visit(VisitSpec(code="TNG", groups=("I",), agenda=spec.agenda))


def test_a_visit_names_reversed_dates_agenda_days_outside_them_and_hours_out_of_order() -> None:
    spec = VisitSpec(
        code="TNG",
        start=date(2018, 4, 12),
        end=date(2018, 4, 10),
        groups=("I",),
        where={"end": ("--to", "--to")},
    )
    assert check_visit(spec).en == [
        "--to: the last day 2018-04-10 is before the first day 2018-04-12"
    ]
    spec = VisitSpec(
        code="TNG",
        start=date(2018, 4, 10),
        end=date(2018, 4, 12),
        groups=("I",),
        agenda=(
            agenda(date(2018, 4, 13)),
            agenda(date(2018, 4, 11), starts=time(13), ends=time(9), topic=""),
        ),
    )
    assert check_visit(spec).en == [
        "agenda day 2018-04-13 is outside the visit's dates (2018-04-10 to 2018-04-12)",
        "the end 09:00 is not after the start 13:00",
        "is required",
    ]
    assert check_visit(VisitSpec(code="X", groups=("I",))).en == [
        "the visit's dates are required (or give its agenda)"
    ]


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((10, 12), (12, 14), True),
        ((10, 12), (13, 14), False),
        ((10, 12), (8, 9), False),
        ((10, 12), (9, 15), True),
        ((10, 10), (10, 10), True),
    ],
)
def test_visits_overlap_when_they_share_a_day(
    a: tuple[int, int], b: tuple[int, int], overlap: bool
) -> None:
    def d(n: int) -> date:
        return date(2019, 4, n)

    assert days_overlap(d(a[0]), d(a[1]), d(b[0]), d(b[1])) is overlap


def test_a_visit_over_a_weekend_and_a_holiday_warns_of_each_such_day() -> None:
    # Nyepi (19 March 2026) and cuti bersama (18 March), then the weekend, in WIB
    warnings = visit_day_warnings(WIB, date(2026, 3, 17), date(2026, 3, 22))
    days = [w[1].split(" ")[0] for w in warnings]
    assert days == ["18-03-2026", "19-03-2026", "20-03-2026", "21-03-2026", "22-03-2026"]
    assert warnings[-1] == (
        "22-03-2026 adalah hari Minggu (akhir pekan)",
        "22-03-2026 is a Sunday (weekend)",
    )
    assert "holiday in WIB" in warnings[1][1]


def test_a_visit_on_working_days_has_no_warnings() -> None:
    assert visit_day_warnings(WIB, date(2019, 4, 10), date(2019, 4, 12)) == []


def test_a_visit_is_planned_under_way_and_done_by_its_days() -> None:
    visit = Visit(
        id=1,
        cohort_id=1,
        code="MDN",
        host_agency="Pemerintah Kota Medan",
        city="Kota Medan",
        timezone="Asia/Jakarta",
        start_date=date(2019, 4, 10),
        end_date=date(2019, 4, 12),
    )
    assert visit.status(date(2019, 4, 9)) is VisitStatus.PLANNED
    assert visit.status(date(2019, 4, 12)) is VisitStatus.UNDER_WAY
    assert visit.status(date(2019, 4, 13)) is VisitStatus.DONE
    assert visit.days() == [date(2019, 4, 10), date(2019, 4, 11), date(2019, 4, 12)]
    assert datetime(2019, 4, 10, tzinfo=UTC).date() in visit.days()


def test_the_shipped_programmes_say_what_each_stage_requires_and_the_group_report_is_the_groups() -> (
    None
):
    for programme in builtin_programmes().values():
        assert programme.stage("diagnosis").requires.is_empty()
        assert programme.stage("benchmarking").requires.is_empty()
        assert programme.stage("lesson_synthesis").requires.lessons >= 2
        adoption = programme.stage("adoption").requires
        assert adoption.decisions_on_all_lessons and adoption.decisions_linked_to_milestones
        assert adoption.milestone_terms == list(MilestoneTerm)
        assert programme.stage("implementation").requires.milestones_reported == [
            MilestoneTerm.SHORT
        ]
        assert [a.code for a in programme.group_artifacts()] == ["laporan_benchmarking_kelompok"]
        assert "laporan_benchmarking_kelompok" in programme.stage("benchmarking").required_artifacts


@pytest.mark.parametrize(
    ("requires", "field"),
    [
        ({"lessen": 2}, "stages.3.requires.lessen"),
        ({"lessons": -1}, "stages.3.requires.lessons"),
        ({"milestone_terms": ["weekly"]}, "stages.3.requires.milestone_terms.0"),
    ],
)
def test_a_content_requirement_that_is_not_understood_refuses_the_programme(
    requires: dict[str, Any], field: str
) -> None:
    data = json.loads(definition_to_json(builtin_programmes()["PKA"]))
    data["stages"][3]["requires"] = requires
    with pytest.raises(ProgrammeFileError) as refused:
        parse_programme(data, "pka-own.yaml")
    assert refused.value.field == field


def test_a_yaml_plan_with_a_control_character_is_refused_naming_its_line() -> None:
    with pytest.raises(PlanError) as refused:
        parse_plan("hosts:\n  - code: a\u001f\n", "yaml", "rencana.yaml")
    assert refused.value.problems_en == [
        "rencana.yaml line 2: invalid YAML: the control character U+001F is not allowed"
    ]
