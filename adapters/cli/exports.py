"""``patok export``: the traceability table and the host-partner report of a cohort, and a
participant's benchmarking and seminar record — each as CSV, XLSX or printable HTML (the record
also as PDF), the two cohort reports also as JSON (``--format json``: the fields of the API's
reports). The host report holds two tables, per host partner and per practice: both in the
XLSX workbook and on the HTML page; CSV gives one of them (``--sheet``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from adapters.cli import bench_render as out_json
from adapters.cli.common import actor_id, patok, project_id, refusals, state
from domain.errors import ValidationFailed

# The exporters (openpyxl, fpdf2, Jinja2) are imported by the commands that use them, so that
# every other command starts without loading them.

export_app = typer.Typer(help="Ekspor laporan / export reports.", no_args_is_help=True)

As = Annotated[
    str, typer.Option("--as", help="Pelaku: NIP atau e-mail / acting person: NIP or e-mail")
]
Out = Annotated[
    Path | None, typer.Option("--out", help="Berkas tujuan (bawaan: keluaran standar) / file")
]
Format = Annotated[str, typer.Option("--format", help="csv, xlsx, html or json")]


def register(app: typer.Typer) -> None:
    """Add ``export`` to the ``patok`` app."""
    app.add_typer(export_app, name="export")


def _write(data: str | bytes, out: Path | None, what: str) -> None:
    if out is None:
        if isinstance(data, bytes):
            raise ValidationFailed(
                f"{what} adalah berkas biner; sebutkan --out",
                f"{what} is a binary file; give --out",
            )
        sys.stdout.write(data)
        return
    if isinstance(data, bytes):
        out.write_bytes(data)
    else:
        out.write_text(data, encoding="utf-8")
    typer.echo(f"OK: {out} ({out.stat().st_size} bytes)", err=True)


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    chosen = value.strip().lower()
    if chosen not in allowed:
        raise ValidationFailed(
            f"{option} harus {', '.join(allowed)}, bukan {value!r}",
            f"{option} must be one of {', '.join(allowed)}, not {value!r}",
        )
    return chosen


def _format(value: str, allowed: tuple[str, ...]) -> str:
    return _choice(value, allowed, "--format")


def _json(data: object) -> str:
    """A report as indented JSON text (one trailing newline)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@export_app.command("trace")
@refusals
def export_trace(cohort: str, who: As, fmt: Format = "csv", out: Out = None) -> None:
    """Tabel ketertelusuran: praktik mitra → pelajaran → keputusan → tonggak → status."""
    from adapters.exports.html import sheet_page
    from adapters.exports.tables import to_csv, to_xlsx, trace_sheet

    chosen = _format(fmt, ("csv", "xlsx", "html", "json"))
    table = patok().reports.trace(cohort, actor_id(who))
    if chosen == "json":
        _write(_json(out_json.trace_json(table)), out, "JSON")
        return
    lang = state().lang
    sheet = trace_sheet(table, lang)
    if chosen == "csv":
        _write(to_csv(sheet), out, "CSV")
    elif chosen == "xlsx":
        _write(to_xlsx([sheet], f"{table.cohort.code}: trace"), out, "XLSX")
    else:
        _write(
            sheet_page(sheet, table.cohort, table.generated_at, "trace_title", lang), out, "HTML"
        )


@export_app.command("hosts")
@refusals
def export_hosts(
    cohort: str,
    who: As,
    fmt: Format = "csv",
    out: Out = None,
    sheet: Annotated[
        str,
        typer.Option(
            "--sheet",
            help="CSV: hosts (satu baris per mitra / one row per host) or practices (per praktik)",
        ),
    ] = "hosts",
) -> None:
    """Per mitra: apa yang diajarkan dan berapa proyek yang mengadopsi atau mengadaptasinya."""
    from adapters.exports.html import sheets_page
    from adapters.exports.tables import host_sections, to_csv, to_xlsx

    chosen = _format(fmt, ("csv", "xlsx", "html", "json"))
    part = _choice(sheet, ("hosts", "practices"), "--sheet")
    report = patok().reports.hosts(cohort, actor_id(who))
    if chosen == "json":
        _write(_json(out_json.host_report_json(report)), out, "JSON")
        return
    lang = state().lang
    sections = host_sections(report, lang)
    if chosen == "csv":
        _write(to_csv(sections[0 if part == "hosts" else 1][1]), out, "CSV")
    elif chosen == "xlsx":
        _write(to_xlsx([s for _, s in sections], f"{report.cohort.code}: hosts"), out, "XLSX")
    else:
        _write(
            sheets_page(sections, report.cohort, report.generated_at, "hosts_title", lang),
            out,
            "HTML",
        )


@export_app.command("record")
@refusals
def export_record(
    project: str,
    who: As,
    fmt: Annotated[str, typer.Option("--format", help="html, pdf, csv or xlsx")] = "html",
    out: Out = None,
) -> None:
    """Catatan benchmarking dan seminar peserta (HTML, PDF, CSV, XLSX) / a participant's record."""
    from adapters.exports.html import record_page
    from adapters.exports.pdf import record_pdf
    from adapters.exports.tables import record_sheet, to_csv, to_xlsx

    chosen = _format(fmt, ("html", "pdf", "csv", "xlsx"))
    record = patok().reports.participant(project_id(project), actor_id(who))
    lang = state().lang
    if chosen == "pdf":
        _write(record_pdf(record, lang), out, "PDF")
    elif chosen == "csv":
        _write(to_csv(record_sheet(record, lang)), out, "CSV")
    elif chosen == "xlsx":
        title = f"{record.cohort.code}: {record.participant.name}"
        _write(to_xlsx([record_sheet(record, lang)], title), out, "XLSX")
    else:
        _write(record_page(record, lang), out, "HTML")
