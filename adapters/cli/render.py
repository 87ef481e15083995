"""Terminal rendering of the board, a project and its history (rich, coloured on a TTY)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from adapters.i18n import Lang, label
from domain.audit import StoredEntry
from domain.model import TIMEZONES, Gate
from states.messages import recipient_label
from states.ports import RaisedAlert
from states.queries import Board, BoardCell, BoardRow, ProjectDetails, payload_of
from states.sweep import SweepReport

_STATUS_STYLE = {
    "on_track": "green",
    "at_risk": "yellow",
    "late": "bold red",
    "completed": "cyan",
    "withdrawn": "dim",
}


def _console() -> Console:
    """A console at least 130 columns wide, also when writing to a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=130)


def local(instant: datetime | None, tz: str, with_time: bool = False) -> str:
    """An instant in the cohort's zone, e.g. ``31-03-2026`` or ``31-03-2026 23:59 WIT``."""
    if instant is None:
        return "-"
    at = instant.astimezone(ZoneInfo(tz))
    if with_time:
        return at.strftime("%d-%m-%Y %H:%M ") + TIMEZONES.get(tz, tz)
    return at.strftime("%d-%m-%Y")


def _cell(cell: BoardCell, tz: str, lang: Lang) -> str:
    if cell.gate is None:
        return "·"
    if cell.gate is Gate.APPROVED:
        return "[green]✓[/green]"
    text = label("short." + cell.gate.value, lang)
    if cell.current and cell.gate is not Gate.SUBMITTED:
        text += f" {local(cell.due_at, tz)[:5]}"
    if cell.days_late:
        return f"[bold red]{text} +{cell.days_late}[/bold red]"
    return f"[yellow]{text}[/yellow]" if cell.current else text


def board_table(board: Board, lang: Lang) -> Table:
    """The cohort board as a table: participants × stages with a status column."""
    c = board.cohort
    table = Table(
        title=f"{c.name} ({c.code}) — {c.programme_code}@{c.programme_version}, "
        f"{TIMEZONES.get(c.timezone, c.timezone)}, {local(board.now, c.timezone, True)}",
        show_lines=False,
    )
    table.add_column("#", justify="right")
    table.add_column(label("participant", lang))
    for code in (
        "diagnosis",
        "taking_ownership",
        "benchmarking",
        "lesson_synthesis",
        "adoption",
        "implementation",
    ):
        table.add_column(label("short." + code, lang))
    table.add_column(label("status", lang))
    table.add_column("Esk", justify="right")
    table.add_column(label("group", lang))
    table.add_column(label("visit", lang))
    table.add_column(label("content", lang))
    for row in board.rows:
        style = _STATUS_STYLE.get(row.status, "")
        table.add_row(
            str(row.project_id),
            row.participant.name.split(",")[0],
            *(_cell(cell, c.timezone, lang) for cell in row.cells),
            f"[{style}]{label(row.status, lang)}[/{style}]" if style else row.status,
            f"[bold red]{row.escalations}·L{row.escalation_level}[/bold red]"
            if row.escalations
            else "",
            row.group or "-",
            label("visit." + row.visit, lang) if row.visit else "-",
            _content_cell(row),
        )
    return table


def _content_cell(row: BoardRow) -> str:
    """Lessons / decided (adopted) / milestones, with slipped milestones in red."""
    if not (row.lessons or row.milestones):
        return "-"
    text = f"{row.lessons}/{row.decided}({row.adopted})/{row.milestones}"
    return text + (f" [bold red]!{row.slipped}[/bold red]" if row.slipped else "")


def print_board(board: Board, lang: Lang, console: Console | None = None) -> None:
    """Print the board with a one-line summary of statuses."""
    console = console or _console()
    console.print(board_table(board, lang))
    counts: dict[str, int] = {}
    for row in board.rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    console.print(", ".join(f"{label(k, lang)}: {v}" for k, v in sorted(counts.items())))
    console.print(label("content.legend", lang), style="dim")


def board_json(board: Board) -> dict[str, Any]:
    """The board as plain data."""
    return {
        "cohort": board.cohort.model_dump(mode="json"),
        "now": board.now.isoformat(),
        "rows": [
            {
                "project_id": r.project_id,
                "participant": {
                    "name": r.participant.name,
                    "nip": r.participant.nip,
                    "agency": r.participant.agency,
                },
                "mentor": {"name": r.mentor.name, "email": r.mentor.email},
                "state": r.state,
                "status": r.status,
                "open_escalations": r.escalations,
                "escalation_level": r.escalation_level,
                "group": r.group or None,
                "visit": r.visit or None,
                "content": {
                    "lessons": r.lessons,
                    "decided": r.decided,
                    "adopted_or_adapted": r.adopted,
                    "milestones": r.milestones,
                    "slipped": r.slipped,
                },
                "stages": [
                    {
                        "stage": cell.stage,
                        "gate": cell.gate.value if cell.gate else None,
                        "due_at": cell.due_at.isoformat() if cell.due_at else None,
                        "days_late": cell.days_late,
                        "current": cell.current,
                    }
                    for cell in r.cells
                ],
            }
            for r in board.rows
        ],
    }


def project_json(d: ProjectDetails) -> dict[str, Any]:
    """A project's details as plain data."""
    return {
        "project": d.project.model_dump(mode="json"),
        "cohort": d.cohort.code,
        "people": {str(k): v.model_dump(mode="json") for k, v in d.people.items()},
        "stages": [s.model_dump(mode="json") for s in d.stages],
        "submissions": [s.model_dump(mode="json") for s in d.submissions],
        "decisions": [x.model_dump(mode="json") for x in d.decisions],
    }


def print_project(d: ProjectDetails, lang: Lang, console: Console | None = None) -> None:
    """Print a project: its people, state, and every stage with submissions and decisions."""
    console = console or _console()
    p, tz = d.project, d.cohort.timezone
    who = d.people
    console.print(
        f"[bold]{label('participant', lang)}:[/bold] {who[p.participant_id].name} "
        f"(NIP {who[p.participant_id].nip})"
    )
    console.print(
        f"[bold]{label('mentor', lang)}:[/bold] {who[p.mentor_id].name}"
        + (f"   [bold]Coach:[/bold] {who[p.coach_id].name}" if p.coach_id in who else "")
    )
    console.print(f"[bold]{p.title}[/bold]  —  {p.state} (v{p.version}, {d.cohort.code})")
    subs_by_stage: dict[int, list[Any]] = {}
    for s in d.submissions:
        subs_by_stage.setdefault(s.stage_instance_id, []).append(s)
    decision_of = {x.submission_id: x for x in d.decisions}
    table = Table(show_header=True)
    for col in ("Tahap/Stage", "Gate", "Dibuka/Opened", "Tenggat/Due", "Pengajuan/Submissions"):
        table.add_column(col)
    for st in d.stages:
        lines = []
        for s in subs_by_stage.get(st.id, []):
            dec = decision_of.get(s.id)
            files = ", ".join(f"{a.filename}" for a in s.artifacts)
            verdict = (
                f" → {label(dec.outcome.value, lang)} ({who[dec.decided_by].name}"
                + (f": {dec.comment}" if dec.comment else "")
                + ")"
                if dec
                else ""
            )
            lines.append(f"#{s.number} {local(s.submitted_at, tz)} {files}{verdict}")
        table.add_row(
            f"{label(st.stage, lang)}" + (f" ({st.attempt})" if st.attempt > 1 else ""),
            label(st.gate.value, lang),
            local(st.opened_at, tz),
            local(st.due_at, tz, True),
            "\n".join(lines) or "-",
        )
    console.print(table)


def history_json(entries: list[StoredEntry]) -> list[dict[str, Any]]:
    """Audit entries as plain data."""
    return [
        {
            "seq": e.seq,
            "stream_seq": e.stream_seq,
            "at": e.at.isoformat(),
            "actor_id": e.actor_id,
            "action": e.action,
            "payload": payload_of(e),
            "hash": e.hash,
        }
        for e in entries
    ]


def print_history(entries: list[StoredEntry], tz: str, console: Console | None = None) -> None:
    """Print a project's audit stream."""
    console = console or _console()
    table = Table(show_header=True)
    for col in ("#", "Waktu/At", "Aksi/Action", "Pelaku/Actor", "Rincian/Details", "Hash"):
        table.add_column(col)
    for e in entries:
        payload = payload_of(e)
        details = ", ".join(f"{k}={v}" for k, v in payload.items() if v not in ("", [], None))
        table.add_row(
            str(e.stream_seq),
            local(e.at, tz, True),
            e.action,
            str(e.actor_id or "-"),
            details[:120],
            e.hash[:12],
        )
    console.print(table)


def sweep_json(report: SweepReport) -> dict[str, Any]:
    """A sweep's report as plain data."""
    return {
        "now": report.now.isoformat(),
        "checked": report.checked,
        "reminders": report.reminders,
        "escalations": report.escalations,
        "queued": report.queued,
        "raised": [r.as_dict() for r in report.raised],
    }


def print_sweep(report: SweepReport, lang: Lang, console: Console | None = None) -> None:
    """Print what a sweep raised."""
    console = console or _console()
    en = lang == "en"
    console.print(
        (
            f"checked {report.checked} stages: {report.reminders} reminders, "
            f"{report.escalations} escalations, {report.queued} messages queued"
        )
        if en
        else (
            f"{report.checked} tahap diperiksa: {report.reminders} pengingat, "
            f"{report.escalations} eskalasi, {report.queued} pesan diantrekan"
        )
    )
    if not report.raised:
        return
    table = Table(show_header=True)
    for col in (
        "#",
        "Angkatan/Cohort",
        "Proyek",
        "Peserta/Participant",
        "Tahap/Stage",
        "Jenis/Kind",
        "Jam/Clock",
        "Tk",
        "Kepada/To",
    ):
        table.add_column(col)
    for r in report.raised:
        table.add_row(
            str(r.alert_id),
            r.cohort,
            str(r.project_id),
            r.participant.split(",")[0],
            label("short." + r.stage, lang),
            r.kind,
            r.clock,
            str(r.level),
            ", ".join(r.recipients),
        )
    console.print(table)


def print_alerts(
    rows: list[RaisedAlert], codes: dict[int, str], lang: Lang, console: Console | None = None
) -> None:
    """Print alerts (escalations and reminders), each recipient named in words in ``lang``."""
    console = console or _console()
    table = Table(show_header=True)
    for col in (
        "#",
        "Angkatan/Cohort",
        "Proyek",
        "Jenis/Kind",
        "Jam/Clock",
        "Tk",
        "Kepada/To",
        "Jatuh tempo/Due",
        "Dicatat/Raised",
        "Selesai/Resolved",
    ):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r.id),
            codes.get(r.cohort_id, "?"),
            str(r.project_id),
            r.kind,
            r.clock,
            str(r.rung),
            recipient_label(r.notify, lang),
            r.due_at.strftime("%d-%m-%Y %H:%M UTC"),
            r.raised_at.strftime("%d-%m-%Y %H:%M UTC"),
            "-" if r.resolved_at is None else r.resolved_at.strftime("%d-%m-%Y %H:%M UTC"),
        )
    console.print(table)
    console.print(f"{len(rows)} " + ("rows" if lang == "en" else "baris"))
