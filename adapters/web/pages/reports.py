"""The cohort's benchmarking reports as a page and as downloads, and a participant's printable
record: the traceability table (host practice → lesson → adoption decision → milestone →
status) and the host-partner report (what each host taught, how many projects adopted or adapted
it; a table per host partner and one per practice) as CSV, XLSX or printable HTML; the record as
HTML, PDF, CSV or XLSX — the same files as the CLI's ``patok export trace|hosts|record``, in the
page's language. The host report's XLSX holds both tables as sheets and its HTML shows both;
CSV gives one table a file (``hosts.csv``, ``practices.csv``).

The reports are read through :attr:`Patok.reports`, which applies the policy (cohort reports for
the cohort's staff, a record for whoever may see the project). Printable HTML is served inline
(to print from the browser) under a policy that allows its own inline style and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from adapters.exports.labels import translator
from adapters.i18n import Lang
from adapters.web.lang import lang_of
from adapters.web.pages.common import Id, context_of, render, signed_in
from domain.errors import NotFound
from domain.model import Cohort
from states.accounts import Principal

if TYPE_CHECKING:
    from adapters.exports.tables import Sheet

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html; charset=utf-8"
PDF = "application/pdf"
TABLE_FORMATS = {"csv": CSV, "xlsx": XLSX, "html": HTML}
RECORD_FORMATS = {"html": HTML, "pdf": PDF, "csv": CSV, "xlsx": XLSX}
PRACTICE_FORMATS = {"csv": CSV}
"""The per-practice table alone comes as CSV (XLSX and HTML hold it with the per-host one)."""
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _format(fmt: str, allowed: dict[str, str]) -> str:
    """The download format asked for, or NotFound naming the ones there are."""
    chosen = fmt.strip().lower()
    if chosen not in allowed:
        listed = ", ".join(allowed)
        raise NotFound(
            f"Format unduhan '{fmt}' tidak tersedia; yang ada: {listed}",
            f"There is no '{fmt}' download; there are: {listed}",
        )
    return chosen


def printable_policy(page: str) -> str:
    """A Content-Security-Policy for a printable page: its own inline styles, nothing else."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
        for style in _STYLE.findall(page)
    ]
    styles = " ".join(hashes) or "'none'"
    return (
        f"default-src 'none'; style-src {styles}; img-src data:; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def download(content: str | bytes, fmt: str, media_type: str, filename: str) -> Response:
    """A report file: printable HTML inline (to print), everything else as an attachment."""
    headers = {
        "Content-Disposition": f'{"inline" if fmt == "html" else "attachment"}; filename="{filename}"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if fmt == "html":
        assert isinstance(content, str)
        headers["Content-Security-Policy"] = printable_policy(content)
    return Response(content, media_type=media_type, headers=headers)


@router.get("/cohorts/{code}/reports", response_class=HTMLResponse)
def reports_page(request: Request, code: str, who: SignedIn) -> Response:
    """The traceability table and the host-partner report of a cohort, with their downloads."""
    ctx = context_of(request)
    lang = lang_of(request)
    trace = ctx.patok.reports.trace(code, who.person_id)
    hosts = ctx.patok.reports.hosts(code, who.person_id)
    return render(
        request,
        "reports.html",
        cohort=trace.cohort,
        trace=trace,
        hosts=hosts,
        tz=trace.cohort.timezone,
        xl=translator(lang),
        formats=list(TABLE_FORMATS),
    )


def _hosts_file(report_fmt: str, fmt: str, request: Request, code: str, who: Principal) -> Response:
    """The host-partner report as a file: both tables (XLSX sheets, HTML sections), or the one
    CSV table ``report_fmt`` names (``hosts`` or ``practices``)."""
    from adapters.exports.html import sheets_page
    from adapters.exports.tables import host_sections, host_sheets, to_csv, to_xlsx

    lang = lang_of(request)
    report = context_of(request).patok.reports.hosts(code, who.person_id)
    cohort = report.cohort
    filename = f"{report_fmt}-{cohort.code}.{fmt}"
    if fmt == "csv":
        sections = dict(host_sections(report, lang))
        key = "practices_section" if report_fmt == "practices" else "hosts_section"
        return download(to_csv(sections[key]), fmt, CSV, filename)
    if fmt == "xlsx":
        book = to_xlsx(host_sheets(report, lang), f"{cohort.code}: hosts")
        return download(book, fmt, XLSX, filename)
    page = sheets_page(host_sections(report, lang), cohort, report.generated_at, "hosts_title", lang)
    return download(page, fmt, HTML, filename)


def _sheet_file(
    sheet: Sheet,
    cohort: Cohort,
    generated: datetime,
    fmt: str,
    name: str,
    title_key: str,
    lang: Lang,
) -> Response:
    """A report table as the chosen file (the exporters load only when a file is asked for)."""
    from adapters.exports.html import sheet_page
    from adapters.exports.tables import to_csv, to_xlsx

    filename = f"{name}-{cohort.code}.{fmt}"
    if fmt == "csv":
        return download(to_csv(sheet), fmt, CSV, filename)
    if fmt == "xlsx":
        return download(to_xlsx([sheet], f"{cohort.code}: {name}"), fmt, XLSX, filename)
    return download(sheet_page(sheet, cohort, generated, title_key, lang), fmt, HTML, filename)


@router.get("/cohorts/{code}/reports/trace.{fmt}")
def trace_download(request: Request, code: str, fmt: str, who: SignedIn) -> Response:
    """The traceability table as CSV, XLSX or printable HTML."""
    from adapters.exports.tables import trace_sheet

    chosen = _format(fmt, TABLE_FORMATS)
    lang = lang_of(request)
    table = context_of(request).patok.reports.trace(code, who.person_id)
    return _sheet_file(
        trace_sheet(table, lang),
        table.cohort,
        table.generated_at,
        chosen,
        "trace",
        "trace_title",
        lang,
    )


@router.get("/cohorts/{code}/reports/hosts.{fmt}")
def hosts_download(request: Request, code: str, fmt: str, who: SignedIn) -> Response:
    """The host-partner report: XLSX with a sheet per host partner and one per practice,
    printable HTML with both tables, or CSV one row per host partner."""
    return _hosts_file("hosts", _format(fmt, TABLE_FORMATS), request, code, who)


@router.get("/cohorts/{code}/reports/practices.{fmt}")
def practices_download(request: Request, code: str, fmt: str, who: SignedIn) -> Response:
    """The host-partner report's second table as CSV: one row per practice a host taught, with
    the lessons drawn from it and what was decided on them."""
    return _hosts_file("practices", _format(fmt, PRACTICE_FORMATS), request, code, who)


@router.get("/projects/{project_id}/record.{fmt}")
def record_download(request: Request, project_id: Id, fmt: str, who: SignedIn) -> Response:
    """A participant's benchmarking and seminar record: printable as HTML or PDF, or as a table
    (one row per entry) in CSV or XLSX."""
    from adapters.exports.html import record_page
    from adapters.exports.pdf import record_pdf
    from adapters.exports.tables import record_sheet, to_csv, to_xlsx

    chosen = _format(fmt, RECORD_FORMATS)
    lang = lang_of(request)
    record = context_of(request).patok.reports.participant(project_id, who.person_id)
    filename = f"record-{project_id}-{record.participant.nip}.{chosen}"
    if chosen == "pdf":
        return download(record_pdf(record, lang), chosen, PDF, filename)
    if chosen == "csv":
        return download(to_csv(record_sheet(record, lang)), chosen, CSV, filename)
    if chosen == "xlsx":
        title = f"{record.cohort.code}: {record.participant.name}"
        return download(to_xlsx([record_sheet(record, lang)], title), chosen, XLSX, filename)
    return download(record_page(record, lang), chosen, HTML, filename)
