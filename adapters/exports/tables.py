"""The reports as sheets (a name, a header row and rows), and sheets as CSV or XLSX bytes:

* the traceability table, one row per link host practice → lesson → decision → milestone;
* the host-partner report: one row per host partner (what it taught and how many projects
  adopted, adapted or did not adopt it), and a second sheet with one row per practice it taught
  (counting lessons);
* a participant's benchmarking and seminar record, one row per entry of the record (who, the
  group, each visit, lesson, decision, milestone, seminar, remediation and the certificate).

What participants typed travels into spreadsheets, so no text cell may become a formula: in CSV a
text starting with ``= + - @``, a tab or a carriage return is prefixed with ``'`` (OWASP's advice
against CSV injection); in XLSX every text cell is stored as text, never as a formula.
"""

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
from states.reports import HostReport, ParticipantRecord, TraceTable

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
    "practices",
    "lessons",
    "projects_learned",
    "projects_adopted",
    "projects_adapted",
    "projects_not_adopted",
)
"""The per-host sheet: one row per host partner; the counts are of projects."""
PRACTICE_COLUMNS = (
    "host_code",
    "host",
    "practice",
    "success_key",
    "lessons",
    "lessons_adopted",
    "lessons_adapted",
    "lessons_not_adopted",
    "lessons_undecided",
)
"""The per-practice sheet: one row per practice a host taught; the counts are of lessons."""
RECORD_COLUMNS = ("section", "ref", "item", "detail", "date", "status")
"""The participant's record: one row per entry, whatever its section."""


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
    """The host partners, one row each: where it is, the groups that studied it, the practices
    it taught and how many lessons were drawn from them, and how many projects learned from it,
    adopted, adapted or did not adopt what it taught (a project counts once per kind)."""
    t = translator(lang)
    rows: list[list[Any]] = [
        [
            h.host.code,
            h.host.unit,
            h.host.agency,
            h.host.city,
            ", ".join(h.groups),
            "; ".join(p.practice for p in h.practices),
            sum(p.lessons for p in h.practices),
            h.projects_learned,
            h.projects_adopted,
            h.projects_adapted,
            h.projects_not_adopted,
        ]
        for h in report.rows
    ]
    return ("hosts" if lang == "en" else "mitra", [t(c) for c in HOST_COLUMNS], rows)


def practice_sheet(report: HostReport, lang: Lang) -> Sheet:
    """The practices the host partners taught, one row each, with the lessons drawn from it and
    what was decided on them (adopted, adapted, not adopted, not yet decided)."""
    t = translator(lang)
    rows: list[list[Any]] = [
        [
            h.host.code,
            h.host.label(),
            p.practice,
            p.success_key,
            p.lessons,
            p.adopted,
            p.adapted,
            p.not_adopted,
            p.lessons - p.adopted - p.adapted - p.not_adopted,
        ]
        for h in report.rows
        for p in h.practices
    ]
    return ("practices" if lang == "en" else "praktik", [t(c) for c in PRACTICE_COLUMNS], rows)


def host_sections(report: HostReport, lang: Lang) -> list[tuple[str, Sheet]]:
    """The host-partner report as two sheets, each with its heading's label key: per host
    partner, then per practice (the printable page shows both, one under the other)."""
    return [
        ("hosts_section", host_sheet(report, lang)),
        ("practices_section", practice_sheet(report, lang)),
    ]


def host_sheets(report: HostReport, lang: Lang) -> list[Sheet]:
    """The host-partner report as two sheets (an XLSX workbook's): per host, then per practice."""
    return [sheet for _, sheet in host_sections(report, lang)]


def record_sheet(record: ParticipantRecord, lang: Lang) -> Sheet:
    """A participant's benchmarking and seminar record as one table: a row per entry, with its
    section, number or code, what it is, its details, its date(s) and where it stands."""
    t = translator(lang)
    rows: list[list[Any]] = []

    def add(
        section: str, ref: object, item: str, detail: str = "", when: str = "", state: str = ""
    ) -> None:
        rows.append([t(section), "" if ref is None else ref, item, detail, when, state])

    person = record.participant
    add(
        "participant",
        person.nip,
        person.name,
        ", ".join(x for x in (person.unit, person.agency) if x),
    )
    add("project", record.project.id, record.project.title, "", "", record.project.state)
    add("mentor", record.mentor.nip, record.mentor.name)
    if record.coach is not None:
        add("coach", record.coach.nip, record.coach.name)
    if record.group is not None:
        add(
            "group",
            record.group.code,
            record.group.theme,
            "; ".join(h.label() for h in record.group_hosts),
        )
    for ir in record.individual_reports:
        add(
            "individual_report",
            f"v{ir.number}",
            f"{ir.artifact.kind}: {ir.artifact.filename}",
            ir.artifact.sha256,
            ir.submitted_at.date().isoformat(),
        )
    for r in record.group_reports:
        add(
            "group_report",
            f"v{r.number}",
            f"{r.kind}: {r.filename}",
            r.sha256,
            r.uploaded_at.date().isoformat(),
        )
    for line in record.visits:
        v = line.visit
        add(
            "visit",
            v.code,
            f"{v.host_agency}, {v.city}",
            "; ".join(h.unit for h in line.hosts),
            f"{v.start_date.isoformat()}/{v.end_date.isoformat()}",
            t(f"visit.{line.status.value}"),
        )
    numbers = {m.id: m.number for m in record.milestones}
    for ls in record.lessons:
        host = record.hosts.get(ls.host_id)
        where = ", ".join(x for x in (host.unit if host else "", ls.location) if x)
        decision = record.decisions.get(ls.id)
        add(
            "lesson",
            ls.number,
            f"{ls.practice} ({where})" if where else ls.practice,
            f"{ls.lesson} | {t('success_key')}: {ls.success_key} | {t('evidence')}: {ls.evidence}",
            "",
            t(decision.kind.value) if decision else "",
        )
        if decision is not None:
            linked = ", ".join(f"#{numbers[m]}" for m in decision.milestone_ids if m in numbers)
            detail = " | ".join(
                x
                for x in (
                    decision.rationale,
                    f"{t('changes')}: {decision.changes}" if decision.changes else "",
                    f"{t('milestones')}: {linked}" if linked else "",
                )
                if x
            )
            add(
                "decision",
                ls.number,
                t(decision.kind.value),
                detail,
                decision.decided_at.date().isoformat(),
            )
    for m in record.milestones:
        status = record.status_of.get(m.id, m.status)
        add(
            "milestone",
            m.number,
            m.title,
            " | ".join(x for x in (t(m.term.value), m.evidence or m.note) if x),
            m.target_date.isoformat(),
            t(status.value),
        )
    seminars = record.seminars
    fixes = {x.entry_id: x for x in seminars.remediations}
    for e in seminars.entries:
        session = seminars.sessions[e.session_id]
        examiner = seminars.people.get(e.examiner_id)
        scores = ", ".join(
            f"{t(s.role.value)}: {s.score:g}" for s in seminars.scores if s.entry_id == e.id
        )
        mean = f"{t('mean')}: {e.mean_score:g}" if e.mean_score is not None else ""
        add(
            "seminar",
            f"#{session.id}",
            f"{t(session.kind.value)} — {session.title}",
            " | ".join(
                x
                for x in (f"{t('examiner')}: {examiner.name}" if examiner else "", scores, mean)
                if x
            ),
            session.starts_at.date().isoformat(),
            t(e.grade) if e.grade else "",
        )
        fix = fixes.get(e.id)
        if fix is not None:
            add(
                "remediation",
                f"#{fix.id}",
                t(fix.kind.value),
                " | ".join(x for x in (t(fix.regrade) if fix.regrade else "", fix.note) if x),
                (fix.resolved_at or fix.opened_at).date().isoformat(),
                t(f"remediation.{fix.status.value}"),
            )
    certificate = seminars.certificate
    add("certificate", "", t(f"cert.{certificate.status}"), "; ".join(certificate.reasons(lang)))
    return ("record" if lang == "en" else "catatan", [t(c) for c in RECORD_COLUMNS], rows)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell's text starts when a spreadsheet would read it as a formula."""


def inert(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet runs: text that would start a formula gets a
    leading ``'``; numbers and everything else are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(sheet: Sheet) -> str:
    """A sheet as CSV text (RFC 4180: comma-separated, CRLF between rows, so a line break
    inside a cell is quoted; header first), formulas made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([inert(v) for v in sheet[1]])
    writer.writerows([inert(v) for v in row] for row in sheet[2])
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
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: '=…' is never a formula here
    book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
