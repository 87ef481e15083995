"""The traceability table and the host-partner report as rows, and as CSV or XLSX bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from adapters.exports.labels import translator
from adapters.i18n import Lang
from states.reports import HostReport, TraceTable

Sheet = tuple[str, list[str], list[list[Any]]]
"""A sheet: its name, its header row and its rows."""

TRACE_COLUMNS = (
    "participant",
    "nip",
    "group",
    "host_code",
    "host",
    "practice",
    "location",
    "evidence",
    "success_key",
    "lesson_no",
    "lesson",
    "decision",
    "rationale",
    "changes",
    "milestone_no",
    "milestone",
    "term",
    "target",
    "status",
    "milestone_evidence",
)
HOST_COLUMNS = (
    "host_code",
    "unit",
    "agency",
    "city",
    "groups",
    "practice",
    "success_key",
    "lessons",
    "adopted",
    "adapted",
    "not_adopted",
    "projects_learned",
    "projects_adopted",
    "projects_adapted",
)


def trace_sheet(table: TraceTable, lang: Lang) -> Sheet:
    """The traceability table: one row per link host practice → lesson → decision → milestone."""
    t = translator(lang)
    rows = [
        [
            r.participant,
            r.nip,
            r.group,
            r.host_code,
            r.host,
            r.practice,
            r.location,
            r.evidence,
            r.success_key,
            r.lesson_number,
            r.lesson,
            t(r.decision.value) if r.decision else "",
            r.rationale,
            r.changes,
            r.milestone_number if r.milestone_number is not None else "",
            r.milestone,
            t(r.term) if r.term else "",
            r.target_date.isoformat() if r.target_date else "",
            t(r.status.value) if r.status else "",
            r.milestone_evidence,
        ]
        for r in table.rows
    ]
    return ("trace" if lang == "en" else "ketertelusuran", [t(c) for c in TRACE_COLUMNS], rows)


def host_sheet(report: HostReport, lang: Lang) -> Sheet:
    """The host partners: one row per practice each taught (one row for a host that taught none
    yet), with the counts of lessons and of projects that adopted or adapted it."""
    t = translator(lang)
    rows: list[list[Any]] = []
    for h in report.rows:
        head = [h.host.code, h.host.unit, h.host.agency, h.host.city, ", ".join(h.groups)]
        tail = [h.projects_learned, h.projects_adopted, h.projects_adapted]
        if not h.practices:
            rows.append([*head, "", "", 0, 0, 0, 0, *tail])
        for p in h.practices:
            rows.append(
                [
                    *head,
                    p.practice,
                    p.success_key,
                    p.lessons,
                    p.adopted,
                    p.adapted,
                    p.not_adopted,
                    *tail,
                ]
            )
    return ("hosts" if lang == "en" else "mitra", [t(c) for c in HOST_COLUMNS], rows)


def to_csv(sheet: Sheet) -> str:
    """A sheet as CSV text (comma-separated, header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(sheet[1])
    writer.writerows(sheet[2])
    return buffer.getvalue()


def to_xlsx(sheets: Sequence[Sheet], title: str) -> bytes:
    """Sheets as an XLSX workbook: bold, frozen header row, wrapped text, fitted columns."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, header, rows in sheets:
        ws = book.create_sheet(name[:31])
        ws.append(header)
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for index, label in enumerate(header, start=1):
            values = [label, *(str(r[index - 1]) for r in rows)]
            ws.column_dimensions[get_column_letter(index)].width = min(
                60, max(8, *(len(v) for v in values)) + 2
            )
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
