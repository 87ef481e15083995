"""A participant's benchmarking and seminar record as PDF, drawn with fpdf2 (no browser).

Text is set in DejaVu Sans, the TrueType font matplotlib ships (a dependency already), so names
and symbols outside Latin-1 print as they are; without it, the PDF falls back to Helvetica and
replaces what Latin-1 cannot hold.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

from adapters.exports.labels import translator
from adapters.i18n import Lang
from states.reports import ParticipantRecord


def _font_dir() -> Path | None:
    """Where DejaVu Sans is (matplotlib's data folder), if it is there."""
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return None
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder if (folder / "DejaVuSans.ttf").is_file() else None


class _Record(FPDF):
    """A4 portrait with a running footer (page numbers)."""

    def __init__(self, footer: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer = footer
        self.family = "Helvetica"
        folder = _font_dir()
        if folder is not None:
            self.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))
            self.family = "DejaVu"
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def text_of(self, value: object) -> str:
        """Text the current font can draw (Latin-1 only with the built-in fallback)."""
        text = "" if value is None else str(value)
        if self.family == "Helvetica":
            text = text.replace("→", "->").replace("–", "-").replace("—", "-")
            return text.encode("latin-1", "replace").decode("latin-1")
        return text

    def footer(self) -> None:
        """The page footer: what the document is and the page number."""
        self.set_y(-12)
        self.set_font(self.family, "", 7)
        self.cell(0, 5, self.text_of(f"{self._footer} · {self.page_no()}/{{nb}}"), align="R")


def record_pdf(record: ParticipantRecord, lang: Lang) -> bytes:
    """The record as PDF bytes."""
    t = translator(lang)
    tz = ZoneInfo(record.cohort.timezone)
    generated = record.generated_at.astimezone(tz).strftime("%d-%m-%Y %H:%M")
    pdf = _Record(
        f"{record.cohort.code} · {record.participant.name} · {t('generated')} {generated}"
    )
    pdf.set_title(f"{t('record_title')}: {record.participant.name}")
    pdf.alias_nb_pages()
    pdf.add_page()
    txt = pdf.text_of

    pdf.set_font(pdf.family, "B", 13)
    pdf.multi_cell(0, 7, txt(t("record_title")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
    pdf.multi_cell(
        0,
        5,
        txt(f"{record.cohort.name} ({record.cohort.code}) — {record.cohort.organiser}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    group = record.group
    facts = [
        (t("participant"), f"{record.participant.name} (NIP {record.participant.nip})"),
        (t("agency"), f"{record.participant.unit} {record.participant.agency}".strip()),
        (t("project"), f"{record.project.title} — {record.project.state}"),
        (t("mentor"), record.mentor.name),
        (t("coach"), record.coach.name if record.coach else "-"),
        (t("group"), f"{group.code} — {group.theme}" if group else "-"),
        (t("host"), "; ".join(f"{h.unit}, {h.agency}" for h in record.group_hosts) or "-"),
        (
            t("group_report"),
            "; ".join(f"{g.kind} v{g.number} {g.filename}" for g in record.group_reports) or "-",
        ),
        (
            t("individual_report"),
            "; ".join(
                f"{i.artifact.kind} v{i.number} {i.artifact.filename}"
                for i in record.individual_reports
            )
            or "-",
        ),
    ]
    for label, value in facts:
        pdf.set_font(pdf.family, "B", 9)
        pdf.cell(38, 5, txt(label))
        pdf.set_font(pdf.family, "", 9)
        pdf.multi_cell(0, 5, txt(value), new_x="LMARGIN", new_y="NEXT")

    def section(title: str) -> None:
        pdf.ln(3)
        pdf.set_font(pdf.family, "B", 11)
        pdf.cell(0, 7, txt(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.family, "", 8)

    def table(header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        if not rows:
            pdf.cell(0, 5, txt(t("none")), new_x="LMARGIN", new_y="NEXT")
            return
        with pdf.table(
            col_widths=widths,
            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
            line_height=4.2,
            text_align="LEFT",
        ) as grid:
            for row in [header, *rows]:
                line = grid.row()
                for cell in row:
                    line.cell(txt(cell))

    section(t("visits"))
    table(
        [t("host"), t("dates"), t("unit"), t("status")],
        [
            [
                f"{v.visit.code} — {v.visit.host_agency}, {v.visit.city}",
                f"{v.visit.start_date:%d-%m-%Y} – {v.visit.end_date:%d-%m-%Y}",
                ", ".join(h.unit for h in v.hosts),
                t(f"visit.{v.status.value}"),
            ]
            for v in record.visits
        ],
        (5, 3, 4, 2),
    )

    number_of = {m.id: m.number for m in record.milestones}
    section(t("lessons"))
    table(
        [
            "#",
            t("host"),
            t("practice"),
            t("success_key"),
            t("lesson"),
            t("decision"),
        ],
        [
            [
                str(ls.number),
                record.hosts[ls.host_id].unit,
                ls.practice + (f" ({ls.location})" if ls.location else "") + f"; {ls.evidence}",
                ls.success_key,
                ls.lesson,
                _decision(record, ls.id, number_of, t),
            ]
            for ls in record.lessons
        ],
        (1, 3, 6, 4, 5, 5),
    )

    section(t("milestones"))
    table(
        ["#", t("milestone"), t("term"), t("target"), t("status"), t("evidence")],
        [
            [
                str(m.number),
                m.title,
                t(m.term.value),
                f"{m.target_date:%d-%m-%Y}",
                t(record.status_of[m.id].value),
                m.evidence or m.note,
            ]
            for m in record.milestones
        ],
        (1, 6, 3, 3, 3, 6),
    )

    seminars = record.seminars
    fixes = {x.entry_id: x for x in seminars.remediations}
    section(t("seminars"))
    rows = []
    for e in seminars.entries:
        session = seminars.sessions[e.session_id]
        fix = fixes.get(e.id)
        scores = ", ".join(
            f"{s.role.value}: {s.score:g}" for s in seminars.scores if s.entry_id == e.id
        )
        rows.append(
            [
                f"#{session.id} {t(session.kind.value)} "
                f"{session.starts_at.astimezone(tz):%d-%m-%Y}",
                seminars.people[e.examiner_id].name,
                scores or "-",
                f"{e.mean_score:g}" if e.mean_score is not None else "-",
                t(e.grade) if e.grade else "-",
                (
                    f"#{fix.id} {fix.kind.value}: {fix.status.value}"
                    + (f" → {t(fix.regrade)}" if fix.regrade else "")
                )
                if fix
                else "",
            ]
        )
    table(
        [t("session"), t("examiner"), t("scores"), t("mean"), t("grade"), t("remediation")],
        rows,
        (4, 4, 5, 2, 3, 4),
    )
    pdf.ln(3)
    pdf.set_font(pdf.family, "B", 10)
    cert = seminars.certificate
    reasons = "; ".join(cert.reasons(lang))
    pdf.multi_cell(
        0,
        6,
        txt(
            f"{t('certificate')}: {t('cert.' + cert.status)}" + (f" — {reasons}" if reasons else "")
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def _decision(
    record: ParticipantRecord,
    lesson_id: int,
    number_of: dict[int, int],
    t: Callable[[str], str],
) -> str:
    """The decision on a lesson as one line: kind, rationale, changes, linked milestones."""
    d = record.decisions.get(lesson_id)
    if d is None:
        return "-"
    links = ", ".join(f"#{number_of[m]}" for m in d.milestone_ids if m in number_of)
    text = f"{t(d.kind.value)}: {d.rationale}"
    if d.changes:
        text += f" — {d.changes}"
    return text + (f" → {links}" if links else "")
