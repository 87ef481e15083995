"""Printable HTML pages of the reports (Jinja2, autoescaped; A4 print styles)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from adapters.exports.labels import translator
from adapters.exports.tables import Sheet
from adapters.i18n import Lang
from domain.model import Cohort
from states.reports import ParticipantRecord

_ENV = Environment(
    loader=PackageLoader("adapters.exports", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _stamp(cohort: Cohort, at: datetime) -> str:
    """An instant in the cohort's zone, as printed on a report."""
    return at.astimezone(ZoneInfo(cohort.timezone)).strftime("%d-%m-%Y %H:%M")


def sheet_page(
    sheet: Sheet, cohort: Cohort, generated: datetime, title_key: str, lang: Lang
) -> str:
    """A table (the traceability table, the host partners) as a printable landscape page."""
    t = translator(lang)
    return _ENV.get_template("sheet.html.j2").render(
        lang=lang,
        t=t,
        title=t(title_key),
        orientation="landscape",
        cohort=cohort,
        generated=_stamp(cohort, generated),
        header=sheet[1],
        rows=sheet[2],
    )


def sheets_page(
    sections: Sequence[tuple[str, Sheet]],
    cohort: Cohort,
    generated: datetime,
    title_key: str,
    lang: Lang,
) -> str:
    """Several tables on one printable landscape page, each under its heading (a label key):
    the host-partner report per host partner, then per practice."""
    t = translator(lang)
    return _ENV.get_template("sheets.html.j2").render(
        lang=lang,
        t=t,
        title=t(title_key),
        orientation="landscape",
        cohort=cohort,
        generated=_stamp(cohort, generated),
        sections=[(t(heading), sheet[1], sheet[2]) for heading, sheet in sections],
    )


def record_page(record: ParticipantRecord, lang: Lang) -> str:
    """A participant's benchmarking and seminar record as a printable portrait page."""
    t = translator(lang)
    return _ENV.get_template("record.html.j2").render(
        lang=lang,
        t=t,
        title=f"{t('record_title')}: {record.participant.name}",
        orientation="portrait",
        r=record,
        people=record.seminars.people,
        fixes={x.entry_id: x for x in record.seminars.remediations},
        reasons=record.seminars.certificate.reasons(lang),
        generated=_stamp(record.cohort, record.generated_at),
    )
