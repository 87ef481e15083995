"""The cohort's reports page and its downloads (the traceability table and the host-partner
report as CSV, XLSX and printable HTML; the host report's two tables, per host partner and per
practice, both in its XLSX and HTML) and a participant's record (HTML, PDF, CSV, XLSX): the
right media type and file name, files that open, the page's language, and 403 for whoever may
not read them."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from adapters.web.lang import LANG_COOKIE
from domain.bench_commands import DecideAdoption, RecordHost
from domain.benchmarking import HostSpec
from domain.commands import ApproveStage, SubmitStage
from domain.content import AdoptionKind
from domain.model import ArtifactUpload
from tests.stage_content import HOST_CODE, fulfil
from tests.web.world import COHORT_A, PDF, World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "html": "text/html; charset=utf-8"}
QUIET_HOST = "bogor-bapenda"


@dataclass
class Reported:
    """The shared world after p1 drew two lessons from a host: one adopted, one adapted, each
    linked to a milestone of p1's change plan; a second host taught nothing yet."""

    world: World
    project: int


def _pdf(kind: str) -> ArtifactUpload:
    return ArtifactUpload(
        kind=kind, filename=f"{kind}.pdf", media_type="application/pdf", content=PDF
    )


def _pass_stage(world: World, project: int, kinds: tuple[str, ...], approver: str) -> None:
    """p1 records what the stage requires, submits it with its files, and it is approved."""
    fulfil(world.app, project, world.ids["kA"])
    world.app.engine.submit(
        SubmitStage(
            actor_id=world.ids["p1"], project_id=project, artifacts=tuple(_pdf(k) for k in kinds)
        )
    )
    world.app.engine.approve(ApproveStage(actor_id=world.ids[approver], project_id=project))


@pytest.fixture(scope="module")
def reported(shared_world: World) -> Iterator[Reported]:
    """p1's project driven to adoption through the services, with lessons, decisions and
    milestones (lesson 2 adapted to milestone 2)."""
    world, project = shared_world, shared_world.projects["T"]
    _pass_stage(world, project, ("kesepakatan_area_perubahan",), "m1")
    _pass_stage(
        world, project, ("laporan_benchmarking_individu", "laporan_benchmarking_kelompok"), "c1"
    )
    _pass_stage(world, project, ("register_pembelajaran",), "c1")
    fulfil(world.app, project, world.ids["kA"])  # adoption: milestones, every lesson adopted
    with world.app.engine.unit_of_work() as uow:
        second = uow.content.lessons([project])[1]
    world.app.content.decide(
        DecideAdoption(
            actor_id=world.ids["p1"],
            lesson_id=second.id,
            kind=AdoptionKind.ADAPT,
            rationale="Sesuai kebutuhan, dengan penyesuaian",
            changes="Aplikasi disederhanakan untuk kabupaten",
            milestones=(2,),
        )
    )
    world.app.planning.record_host(
        RecordHost(
            actor_id=world.ids["kA"],
            cohort_code=COHORT_A,
            host=HostSpec(
                code=QUIET_HOST,
                agency="Pemerintah Kota Bogor",
                unit="Badan Pendapatan Daerah (Bapenda)",
                city="Kota Bogor",
                timezone="WIB",
            ),
        )
    )
    yield Reported(world, project)


def _english(world: World, nick: str) -> TestClient:
    client = TestClient(world.web, base_url="http://testserver")
    for name, value in world.caller(nick).client.cookies.items():
        client.cookies.set(name, value)
    client.cookies.set(LANG_COOKIE, "en")
    return client


def test_the_reports_page_traces_each_practice_to_its_milestone_and_counts_what_each_host_taught(
    reported: Reported,
) -> None:
    world, project = reported.world, reported.project
    page = world.caller("kA").get(f"/cohorts/{COHORT_A}/reports")
    assert page.status_code == 200 and 'class="on">Laporan</a>' in page.text
    rows = re.findall(
        r'<tr data-project="(\d+)" data-lesson="(\d+)" data-decision="(\w*)" data-status="(\w*)"',
        page.text,
    )
    assert rows == [
        (str(project), "1", "adopt", "planned"),
        (str(project), "2", "adapt", "planned"),
    ]
    assert "Praktik terbaik 1: e-planning terintegrasi" in page.text
    assert (
        '<td>adaptasi<div class="muted small">Aplikasi disederhanakan untuk kabupaten</div>'
        in page.text
    )
    host = re.search(
        rf'id="host-{HOST_CODE}" data-learned="(\d+)" data-adopted="(\d+)" data-adapted="(\d+)"',
        page.text,
    )
    assert host is not None and host.groups() == ("1", "1", "1")
    assert (
        "1 proyek belajar" in page.text
        and "1 mengadopsi" in page.text
        and "1 mengadaptasi" in page.text
    )
    assert f'id="host-{QUIET_HOST}" data-learned="0"' in page.text
    assert "Belum ada pelajaran dari mitra ini." in page.text
    for report in ("trace", "hosts"):
        for fmt in ("csv", "xlsx", "html"):
            assert f'href="/cohorts/{COHORT_A}/reports/{report}.{fmt}"' in page.text
    for staff in ("xA", "c1"):
        assert world.caller(staff).get(f"/cohorts/{COHORT_A}/reports").status_code == 200


def test_the_reports_download_as_csv_xlsx_and_printable_html_with_their_type_and_name(
    reported: Reported,
) -> None:
    kA = reported.world.caller("kA")
    for report, title, sheets in (
        ("trace", "Ketertelusuran: praktik mitra", ["ketertelusuran"]),
        ("hosts", "Mitra benchmarking: apa yang diajarkan", ["mitra", "praktik"]),
    ):
        files = {}
        for fmt, media in MEDIA.items():
            answer = kA.get(f"/cohorts/{COHORT_A}/reports/{report}.{fmt}")
            assert answer.status_code == 200, answer.text[:500]
            assert answer.headers["content-type"] == media
            disposition = "inline" if fmt == "html" else "attachment"
            assert (
                answer.headers["content-disposition"]
                == f'{disposition}; filename="{report}-{COHORT_A}.{fmt}"'
            )
            assert answer.headers["cache-control"] == "private, no-store"
            files[fmt] = answer
        table = list(csv.reader(io.StringIO(files["csv"].text)))
        book = load_workbook(io.BytesIO(files["xlsx"].content))
        assert book.sheetnames == sheets
        cells = [[c for c in row] for row in book[sheets[0]].iter_rows(values_only=True)]
        assert [str(c) for c in cells[0]] == table[0]
        assert len(cells) == len(table) and len(table) >= 2
        printable = files["html"]
        assert title in printable.text and "<script" not in printable.text
        policy = printable.headers["content-security-policy"]
        assert (
            policy.startswith("default-src 'none'; style-src 'sha256-")
            and "script-src" not in policy
        )
    trace = list(csv.reader(io.StringIO(kA.get(f"/cohorts/{COHORT_A}/reports/trace.csv").text)))
    assert trace[0][:3] == ["Peserta", "NIP", "Kelompok"]
    assert [row[9] for row in trace[1:]] == ["1", "2"] and trace[2][11] == "adaptasi"
    hosts = list(csv.reader(io.StringIO(kA.get(f"/cohorts/{COHORT_A}/reports/hosts.csv").text)))
    assert {row[0] for row in hosts[1:]} == {HOST_CODE, QUIET_HOST}
    english = _english(reported.world, "kA").get(f"/cohorts/{COHORT_A}/reports/trace.csv").text
    assert english.startswith("Participant,NIP,Group,") and ",adapt," in english
    missing = kA.get(f"/cohorts/{COHORT_A}/reports/trace.pdf")
    assert missing.status_code == 404 and "csv, xlsx, html" in missing.text


def test_the_host_report_holds_a_table_per_host_and_one_per_practice_in_every_file(
    reported: Reported,
) -> None:
    kA = reported.world.caller("kA")
    page = kA.get(f"/cohorts/{COHORT_A}/reports").text
    assert f'href="/cohorts/{COHORT_A}/reports/practices.csv"' in page
    book = load_workbook(io.BytesIO(kA.get(f"/cohorts/{COHORT_A}/reports/hosts.xlsx").content))
    assert book.sheetnames == ["mitra", "praktik"]
    practices = list(book["praktik"].iter_rows(values_only=True))
    assert practices[0][:3] == ("Kode mitra", "Mitra (lokus)", "Praktik terbaik")
    assert {(r[0], r[2]) for r in practices[1:]} == {
        (HOST_CODE, "Praktik terbaik 1: e-planning terintegrasi"),
        (HOST_CODE, "Praktik terbaik 2: e-planning terintegrasi"),
    }
    per_practice = kA.get(f"/cohorts/{COHORT_A}/reports/practices.csv")
    assert per_practice.status_code == 200 and per_practice.headers["content-type"] == MEDIA["csv"]
    assert per_practice.headers["content-disposition"] == (
        f'attachment; filename="practices-{COHORT_A}.csv"'
    )
    table = list(csv.reader(io.StringIO(per_practice.text)))
    assert [list(map(str, r)) for r in practices] == table
    printable = _english(reported.world, "kA").get(f"/cohorts/{COHORT_A}/reports/hosts.html")
    assert "<h2>By host partner</h2>" in printable.text
    assert "<h2>By best practice</h2>" in printable.text
    assert kA.get(f"/cohorts/{COHORT_A}/reports/practices.xlsx").status_code == 404
    for nick in ("p1", "m1"):
        answer = reported.world.caller(nick).get(f"/cohorts/{COHORT_A}/reports/practices.csv")
        assert answer.status_code == 403 and "Praktik terbaik" not in answer.text


def test_the_record_downloads_as_csv_and_xlsx_from_its_page(reported: Reported) -> None:
    world, project = reported.world, reported.project
    with world.app.engine.unit_of_work() as uow:
        number = uow.people.get(world.ids["p1"]).nip
    page = world.caller("p1").get(f"/projects/{project}/record").text
    for fmt in ("html", "pdf", "csv", "xlsx"):
        assert f'href="/projects/{project}/record.{fmt}"' in page
    as_csv = world.caller("p1").get(f"/projects/{project}/record.csv")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"] == MEDIA["csv"]
    assert as_csv.headers["content-disposition"] == (
        f'attachment; filename="record-{project}-{number}.csv"'
    )
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0] == ["Bagian", "No./kode", "Butir", "Rincian", "Tanggal", "Status"]
    assert rows[1][0] == "Peserta" and rows[1][2] == "P1 Uji Patok"
    as_xlsx = world.caller("m1").get(f"/projects/{project}/record.xlsx")
    assert as_xlsx.status_code == 200 and as_xlsx.headers["content-type"] == XLSX
    assert as_xlsx.headers["content-disposition"] == (
        f'attachment; filename="record-{project}-{number}.xlsx"'
    )
    book = load_workbook(io.BytesIO(as_xlsx.content))
    assert book.sheetnames == ["catatan"] and book["catatan"].max_row == len(rows)
    for nick in ("p2", "kB"):
        for fmt in ("csv", "xlsx"):
            assert world.caller(nick).get(f"/projects/{project}/record.{fmt}").status_code == 403


def test_the_printable_record_downloads_as_html_and_pdf_for_whoever_may_see_the_project(
    reported: Reported,
) -> None:
    world, project = reported.world, reported.project
    with world.app.engine.unit_of_work() as uow:
        number = uow.people.get(world.ids["p1"]).nip
    for nick in ("p1", "m1", "kA"):
        html = world.caller(nick).get(f"/projects/{project}/record.html")
        assert html.status_code == 200, nick
        assert html.headers["content-type"] == "text/html; charset=utf-8"
        assert html.headers["content-disposition"] == (
            f'inline; filename="record-{project}-{number}.html"'
        )
        assert "Catatan benchmarking dan seminar peserta" in html.text
        assert "P1 Uji Patok" in html.text and "Praktik terbaik 2" in html.text
    pdf = world.caller("p1").get(f"/projects/{project}/record.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == (
        f'attachment; filename="record-{project}-{number}.pdf"'
    )
    assert pdf.content.startswith(b"%PDF-")
    english = _english(world, "p1").get(f"/projects/{project}/record.html").text
    assert "benchmarking and seminar record" in english and 'lang="en"' in english
    for nick in ("p2", "kB", "m2"):
        for fmt in ("html", "pdf"):
            assert world.caller(nick).get(f"/projects/{project}/record.{fmt}").status_code == 403
    assert world.caller("p1").get(f"/projects/{project}/record.docx").status_code == 404


def test_who_is_not_the_cohorts_staff_gets_403_on_its_reports(reported: Reported) -> None:
    world = reported.world
    paths = [f"/cohorts/{COHORT_A}/reports"] + [
        f"/cohorts/{COHORT_A}/reports/{report}.{fmt}"
        for report in ("trace", "hosts")
        for fmt in MEDIA
    ]
    for nick in ("p1", "m1", "kB", "s"):
        for path in paths:
            answer = world.caller(nick).get(path)
            assert answer.status_code == 403, (nick, path)
            assert "tidak berwenang" in answer.text and "Praktik terbaik" not in answer.text


def test_the_reports_page_reads_in_english_after_the_switch(reported: Reported) -> None:
    page = _english(reported.world, "kA").get(f"/cohorts/{COHORT_A}/reports").text
    assert 'lang="en"' in page and 'class="on">Reports</a>' in page
    assert "Traceability: host practice → lesson → decision → milestone → status" in page
    assert "Host partners: what each taught and how many projects adopted it" in page
    assert "1 project(s) learned" in page and "No lessons drawn from this host yet." in page
    assert "<td>adapt<div" in page and "1 adapted" in page
