"""Reports on Benchmarking to Best Practice — what ``patok export`` writes — as JSON views and as
file downloads.

Every report takes ``?format=``: ``json`` (the default) answers the report as data, paged with
``limit`` and ``offset`` where it is a table; any other format downloads the whole report as a
file (``Content-Disposition: attachment`` with its filename; paging does not apply) in the
request's language:

* ``GET /cohorts/{code}/reports/trace`` — the traceability table (host practice → lesson →
  decision → milestone → status): ``json``, ``csv``, ``xlsx`` or ``html`` (printable);
* ``GET /cohorts/{code}/reports/hosts`` — what each host partner taught and how many projects
  adopted or adapted it: ``json``, ``csv``, ``xlsx`` or ``html``; the files hold two tables, one
  row per host partner and one row per practice it taught (both sheets in the XLSX workbook, both
  tables on the HTML page; CSV gives one, chosen with ``sheet``);
* ``GET /projects/{id}/record`` — a participant's benchmarking and seminar record: ``json``,
  ``html``, ``pdf``, or one row per entry as ``csv`` or ``xlsx``.

Cohort reports are for the cohort's coordinators, coaches and examiners; a record for whoever
may see the project.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from adapters.web.api.bench_schemas import (
    CohortCode,
    ExportFormat,
    HostReportOut,
    RecordFormat,
    RecordOut,
    RowId,
    TraceOut,
    host_row_out,
    record_out,
    trace_row_out,
)
from adapters.web.api.deps import Ctx, Pages, Reader
from adapters.web.api.schemas import page
from adapters.web.lang import lang_of

# The exporters (openpyxl, fpdf2, Jinja2) are imported by the operations that use them, as the
# CLI does, so the app starts without loading them.

router = APIRouter(tags=["reports"])

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html"
PDF = "application/pdf"
MEDIA_TYPES = {"csv": f"{CSV}; charset=utf-8", "xlsx": XLSX, "html": f"{HTML}; charset=utf-8", "pdf": PDF}
"""The media type of each file format."""

_TEXT: dict[str, Any] = {"schema": {"type": "string"}}
_BINARY: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}
SHEET_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report as JSON, or as a file (``format`` csv, xlsx or html)",
        "content": {CSV: _TEXT, XLSX: _BINARY, HTML: _TEXT},
    }
}
RECORD_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The record as JSON, or as a file (``format`` html, pdf, csv or xlsx)",
        "content": {HTML: _TEXT, PDF: _BINARY, CSV: _TEXT, XLSX: _BINARY},
    }
}
SheetFormat = Annotated[
    ExportFormat,
    Query(alias="format", description="json (paged), or a file download: csv, xlsx or html"),
]
HostSheet = Annotated[
    Literal["hosts", "practices"],
    Query(
        description="Which table a CSV holds: one row per host partner (hosts) or per practice "
        "it taught (practices); XLSX and HTML hold both"
    ),
]


def download(data: str | bytes, fmt: str, filename: str) -> Response:
    """A report file to download, with its media type and filename."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return Response(
        data.encode("utf-8") if isinstance(data, str) else data,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/cohorts/{code}/reports/trace", response_model=TraceOut, responses=SHEET_FILES)
def trace_report(
    code: CohortCode,
    request: Request,
    ctx: Ctx,
    who: Reader,
    paging: Pages,
    fmt: SheetFormat = "json",
) -> TraceOut | Response:
    """The cohort's traceability table: one row per link host practice → lesson → adoption
    decision → milestone → status (``format``: json, csv, xlsx, html)."""
    ctx.scope_cohort(who, code)
    table = ctx.patok.reports.trace(code, who.person_id)
    if fmt == "json":
        rows = [trace_row_out(r) for r in table.rows]
        return TraceOut(
            cohort=table.cohort.code,
            generated_at=table.generated_at,
            **page(rows, paging.limit, paging.offset),
        )
    from adapters.exports.html import sheet_page
    from adapters.exports.tables import to_csv, to_xlsx, trace_sheet

    lang = lang_of(request)
    sheet = trace_sheet(table, lang)
    name = f"{table.cohort.code}-trace.{fmt}"
    if fmt == "csv":
        return download(to_csv(sheet), fmt, name)
    if fmt == "xlsx":
        return download(to_xlsx([sheet], f"{table.cohort.code}: trace"), fmt, name)
    page_html = sheet_page(sheet, table.cohort, table.generated_at, "trace_title", lang)
    return download(page_html, fmt, name)


@router.get("/cohorts/{code}/reports/hosts", response_model=HostReportOut, responses=SHEET_FILES)
def host_report(
    code: CohortCode,
    request: Request,
    ctx: Ctx,
    who: Reader,
    paging: Pages,
    fmt: SheetFormat = "json",
    sheet: HostSheet = "hosts",
) -> HostReportOut | Response:
    """What each host partner taught the cohort (its practices, with the lessons drawn from
    them) and how many projects adopted or adapted it (``format``: json, csv, xlsx, html). The
    files hold a table per host partner and a table per practice: XLSX as two sheets, HTML one
    under the other, CSV the one ``sheet`` names (``{code}-practices.csv`` for practices)."""
    ctx.scope_cohort(who, code)
    report = ctx.patok.reports.hosts(code, who.person_id)
    if fmt == "json":
        rows = [host_row_out(r) for r in report.rows]
        return HostReportOut(
            cohort=report.cohort.code,
            generated_at=report.generated_at,
            **page(rows, paging.limit, paging.offset),
        )
    from adapters.exports.html import sheets_page
    from adapters.exports.tables import host_sections, host_sheets, to_csv, to_xlsx

    lang = lang_of(request)
    code = report.cohort.code
    if fmt == "csv":
        sections = dict(host_sections(report, lang))
        table = sections["practices_section" if sheet == "practices" else "hosts_section"]
        return download(to_csv(table), fmt, f"{code}-{sheet}.csv")
    name = f"{code}-hosts.{fmt}"
    if fmt == "xlsx":
        return download(to_xlsx(host_sheets(report, lang), f"{code}: hosts"), fmt, name)
    sections_html = sheets_page(
        host_sections(report, lang), report.cohort, report.generated_at, "hosts_title", lang
    )
    return download(sections_html, fmt, name)


@router.get("/projects/{project_id}/record", response_model=RecordOut, responses=RECORD_FILES)
def participant_record(
    project_id: RowId,
    request: Request,
    ctx: Ctx,
    who: Reader,
    fmt: Annotated[
        RecordFormat,
        Query(
            alias="format",
            description="json, a printable file (html or pdf), or a table (csv or xlsx)",
        ),
    ] = "json",
) -> RecordOut | Response:
    """A participant's benchmarking and seminar record: group, visits, lessons and decisions,
    milestones, seminars, grades, remediation and the certificate (``format``: json, html, pdf,
    or csv and xlsx with one row per entry of the record)."""
    ctx.scope_project(who, project_id)
    record = ctx.patok.reports.participant(project_id, who.person_id)
    lang = lang_of(request)
    if fmt == "json":
        return record_out(record, lang)
    name = f"project-{project_id}-record.{fmt}"
    if fmt == "pdf":
        from adapters.exports.pdf import record_pdf

        return download(record_pdf(record, lang), fmt, name)
    if fmt in ("csv", "xlsx"):
        from adapters.exports.tables import record_sheet, to_csv, to_xlsx

        table = record_sheet(record, lang)
        if fmt == "csv":
            return download(to_csv(table), fmt, name)
        title = f"{record.cohort.code}: {record.participant.name}"
        return download(to_xlsx([table], title), fmt, name)
    from adapters.exports.html import record_page

    return download(record_page(record, lang), fmt, name)
