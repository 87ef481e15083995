"""Tests for domain.visit_plan: plans from YAML and CSV, every problem named with its line and
field, and the example plans of seeds 001 and 003 exactly as the articles describe them."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from adapters.demo_data import SEED001_REASONS, seed001_plan, seed001_roster
from domain.benchmarking import BenchmarkPlan
from domain.errors import PlanError
from domain.visit_plan import dump_plan, parse_plan, plan_format

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def refused(text: str, fmt: str = "yaml", source: str = "plan.yaml") -> list[str]:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, fmt, source)  # type: ignore[arg-type]
    assert len(caught.value.problems) == len(caught.value.problems_en)
    return caught.value.problems_en


def test_seed_001_plan_names_the_four_groups_and_their_host_units_as_the_article_does() -> None:
    plan = parse_plan((EXAMPLES / "plan-seed001.yaml").read_text(), "yaml", "plan-seed001.yaml")
    hosts = {h.code: h for h in plan.hosts}
    assert {(h.agency, h.city) for h in plan.hosts} == {
        ("Pemerintah Kota Tangerang", "Kota Tangerang")
    }
    assert all(h.reasons == SEED001_REASONS for h in plan.hosts)
    by_code = {g.code: g for g in plan.groups}
    units = {code: [hosts[h].unit for h in g.hosts] for code, g in by_code.items()}
    assert units == {
        "I": ["Bappeda", "DPKD"],
        "II": ["Kantor Kecamatan Karawaci"],
        "III": ["Dinas Sosial", "Dinas Perindag dan Koperasi"],
        "IV": ["Badan Kepegawaian dan Pengembangan SDM"],
    }
    assert by_code["I"].theme == "Konektivitas Perencanaan dan Pengelolaan Keuangan Menuju WTP"
    assert by_code["II"].theme == (
        "Peran Aparatur Kecamatan dalam Mendukung Kebutuhan Dasar Kesehatan Masyarakat"
    )
    assert by_code["III"].theme == (
        "Pengentasan Kemiskinan melalui Peningkatan Kapasitas Usaha Mikro, Kecil dan Menengah"
    )
    assert by_code["IV"].theme == "Penerapan e-Kinerja dalam Mendukung Efektivitas Kinerja PNS"
    assert sorted(len(g.members) for g in plan.groups) == [10, 10, 10, 10]
    (visit,) = plan.visits
    assert (visit.start, visit.end) == (date(2018, 4, 9), date(2018, 4, 11))
    assert visit.groups == ("I", "II", "III", "IV") and len(visit.agenda) == 12
    made = seed001_plan(seed001_roster(), date(2018, 4, 9))  # the demo's plan, as generated
    assert (plan.hosts, plan.groups, plan.visits) == (made.hosts, made.groups, made.visits)


def test_seed_003_plan_holds_the_three_host_units_at_kota_bogor() -> None:
    plan = parse_plan((EXAMPLES / "plan-seed003.yaml").read_text(), "yaml", "plan-seed003.yaml")
    assert [(h.unit, h.agency, h.city) for h in plan.hosts] == [
        (
            "Dinas Komunikasi, Informatika, Statistika, dan Persandian (Diskominfostandi)",
            "Pemerintah Kota Bogor",
            "Kota Bogor",
        ),
        (
            "Badan Perencanaan dan Pembangunan Daerah (Bappeda)",
            "Pemerintah Kota Bogor",
            "Kota Bogor",
        ),
        ("Badan Pendapatan Daerah (Bapenda)", "Pemerintah Kota Bogor", "Kota Bogor"),
    ]
    assert "teknologi informasi dan sistem jaringan" in plan.hosts[0].focus
    assert "merencanakan dan mewujudkan mimpinya" in plan.hosts[1].focus
    assert "Pendapatan Asli Daerah (PAD)" in plan.hosts[2].focus


def test_a_plan_written_out_reads_back_equal() -> None:
    plan = seed001_plan(seed001_roster(), date(2019, 4, 10))
    back = parse_plan(dump_plan(plan), "yaml", "seed001")
    assert (back.hosts, back.groups, back.visits) == (plan.hosts, plan.groups, plan.visits)


def test_indonesian_keys_and_unquoted_yaml_times_are_understood() -> None:
    plan = parse_plan(
        "kunjungan:\n"
        "  - kode: MDN\n"
        "    kelompok: [I]\n"
        "    agenda:\n"
        "      - {tanggal: 2019-04-10, mulai: 9:30, selesai: '12:00', mitra: x, topik: Paparan}\n".replace(
            "mitra: x", "host: medan-bappeda"
        ),
        "yaml",
    )
    (item,) = plan.visits[0].agenda
    assert (item.day, item.starts, item.ends, item.host) == (
        date(2019, 4, 10),
        time(9, 30),
        time(12, 0),
        "medan-bappeda",
    )


def test_yaml_problems_name_the_path_and_line_of_each_field() -> None:
    text = (
        "hosts:\n"  # 1
        "  - code: a\n"  # 2
        "    agensi: x\n"  # 3
        "groups:\n"  # 4
        "  - code: I\n"  # 5
        "    members: bukan-daftar-saja\n"  # 6
        "visits:\n"  # 7
        "  - code: V\n"  # 8
        "    from: 2018-04-31\n"  # 9
        "    agenda:\n"  # 10
        "      - {date: 2018-04-10, start: '25:00', host: a, topic: t}\n"  # 11
        "      - {host: a, topic: t}\n"  # 12
        "lokasi: []\n"  # 13
    )
    assert refused(text) == [
        "plan.yaml hosts[0].agensi (line 3): unknown key 'agensi'; allowed: code, agency, unit, "
        "city, timezone, province, focus, reasons, contact",
        "plan.yaml visits[0].from (line 9): '2018-04-31' is not a YYYY-MM-DD date",
        "plan.yaml visits[0].agenda[0].start (line 11): '25:00' is not an HH:MM time",
        "plan.yaml visits[0].agenda[1] (line 12): the date is required",
        "plan.yaml lokasi (line 13): unknown key 'lokasi'; allowed: hosts, groups, visits",
    ]


def test_broken_yaml_names_its_line() -> None:
    (problem,) = refused("hosts:\n  - code: a\n   unit: [b\n")
    assert problem.startswith("plan.yaml line ") and "invalid YAML" in problem


def test_csv_rows_of_one_visit_form_its_agenda_and_its_days() -> None:
    plan = parse_plan(
        (EXAMPLES / "visit-plan-seed001.csv").read_text(), "csv", "visit-plan-seed001.csv"
    )
    (visit,) = plan.visits
    assert visit.code == "TNG-2" and visit.groups == ("I", "IV")
    assert [(a.host, a.group, a.starts) for a in visit.agenda] == [
        ("tng-bappeda", "I", time(9)),
        ("tng-dpkd", "I", time(13)),
        ("tng-bkpsdm", "IV", time(9)),
    ]
    assert len(visit.companions) == 3
    assert visit.at("code") == (
        "visit-plan-seed001.csv baris 2, kolom visit",
        "visit-plan-seed001.csv line 2, column visit",
    )


def test_csv_problems_name_each_line_and_column_and_nothing_is_returned() -> None:
    text = (
        "visit,date,start,end,host,group,topic,city\n"
        "V1,2019-04-10,09:00,11:00,medan-bappeda,I,Paparan,Kota Medan\n"
        "V1,10/04/2019,9h,,medan-bappeda,I,,Medan\n"
        ",2019-04-11,,,medan-bappeda,,Kunjungan,\n"
    )
    assert refused(text, "csv", "rencana.csv") == [
        "rencana.csv line 3, column topic: is required",
        "rencana.csv line 3, column city: visit V1: city 'Medan' differs from 'Kota Medan' on line 2",
        "rencana.csv line 3, column date: '10/04/2019' is not a YYYY-MM-DD date",
        "rencana.csv line 3, column start: '9h' is not an HH:MM time",
        "rencana.csv line 4, column visit: is required",
    ]


def test_a_csv_without_its_required_columns_is_refused_at_the_header() -> None:
    assert refused("visit,tanggal,host,acara\nV,2019-04-10,x,y\n", "csv", "p.csv") == [
        "p.csv line 1: unknown column 'acara'; allowed: visit, date, start, end, host, group, "
        "topic, participants, companions, city, timezone, note",
        "p.csv line 1: required column 'topic' is missing from the header row",
    ]
    assert refused("", "csv", "kosong.csv") == [
        "kosong.csv: empty CSV: there is no header row (required columns: visit, date, host, topic)"
    ]


def test_only_csv_and_yaml_plans_are_accepted() -> None:
    assert plan_format("rencana.YML") == "yaml"
    with pytest.raises(
        PlanError, match=r"extension \.xlsx is not supported; use \.csv, \.yaml, \.yml"
    ):
        plan_format("rencana.xlsx")


def test_an_empty_yaml_plan_parses_to_an_empty_plan() -> None:
    assert parse_plan("", "yaml").is_empty()
    assert parse_plan("hosts: []\n", "yaml") == BenchmarkPlan(source="plan")
