"""Terminal and JSON rendering of benchmarking: host partners, groups, visits, a project's lessons,
decisions and milestones, slipped milestones, seminar sessions, a participant's seminar record,
and the cohort reports (the traceability table, the host-partner report) as JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from adapters.cli.render import local
from adapters.i18n import Lang
from domain.benchmarking import HostPartner, Visit
from domain.content import KIND_LABELS, STATUS_LABELS, TERM_LABELS, Milestone
from domain.model import TIMEZONES
from domain.seminars import GRADE_LABELS
from domain.seminars import KIND_LABELS as SEMINAR_LABELS
from states.benchmarking import Overview
from states.content import ContentView, SlippedMilestone
from states.reports import HostReport, TraceTable
from states.seminars import SeminarRecord, SessionView


def _console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=130)


def pick(pair: tuple[str, str] | None, lang: Lang, fallback: str = "") -> str:
    """One side of a bilingual label pair."""
    if pair is None:
        return fallback
    return pair[1] if lang == "en" else pair[0]


def term(value: str, lang: Lang) -> str:
    """A milestone term as people read it."""
    return pick(TERM_LABELS.get(value), lang, value)


def status(value: str, lang: Lang) -> str:
    """A milestone status as people read it."""
    return pick(STATUS_LABELS.get(value), lang, value)


def decision(value: str | None, lang: Lang) -> str:
    """An adoption decision as people read it."""
    return pick(KIND_LABELS.get(value or ""), lang, value or "-")


def grade(value: str | None, lang: Lang) -> str:
    """A grade as people read it."""
    return pick(GRADE_LABELS.get(value or ""), lang, value or "-")


def seminar(value: str, lang: Lang) -> str:
    """A seminar kind as people read it."""
    return pick(SEMINAR_LABELS.get(value), lang, value)


# --- hosts, groups, visits ----------------------------------------------------------------------


def host_json(h: HostPartner) -> dict[str, Any]:
    """A host partner as plain data."""
    return h.model_dump(mode="json")


def overview_json(o: Overview) -> dict[str, Any]:
    """A cohort's benchmarking (hosts, groups with their reports, visits) as plain data."""
    hosts = {h.id: h.code for h in o.hosts}
    groups = {g.id: g.code for g in o.groups}

    def nip(project_id: int) -> str:
        return o.index.people[o.index.projects[project_id].participant_id].nip

    return {
        "cohort": o.cohort.code,
        "today": o.today.isoformat(),
        "hosts": [host_json(h) for h in o.hosts],
        "groups": [
            {
                "code": g.code,
                "theme": g.theme,
                "hosts": [hosts[h] for h in g.host_ids],
                "members": [
                    {"project_id": p, "nip": nip(p), "name": o.index.participant_name(p)}
                    for p in g.member_ids
                ],
                "reports": [
                    r.model_dump(mode="json", exclude={"group_id"})
                    for r in o.reports
                    if r.group_id == g.id
                ],
            }
            for g in o.groups
        ],
        "visits": [visit_json(v, o, hosts, groups) for v in o.visits],
    }


def visit_json(
    v: Visit, o: Overview, hosts: dict[int, str], groups: dict[int, str]
) -> dict[str, Any]:
    """A visit with its agenda, participants and companions as plain data."""
    return {
        "code": v.code,
        "host": v.host_agency,
        "city": v.city,
        "timezone": v.timezone,
        "from": v.start_date.isoformat(),
        "to": v.end_date.isoformat(),
        "status": v.status(o.today).value,
        "note": v.note,
        "groups": [groups[g] for g in v.group_ids if g in groups],
        "agenda": [
            {
                "date": a.day.isoformat(),
                "start": a.starts.strftime("%H:%M") if a.starts else None,
                "end": a.ends.strftime("%H:%M") if a.ends else None,
                "host": hosts.get(a.host_id),
                "group": groups.get(a.group_id) if a.group_id is not None else None,
                "topic": a.topic,
            }
            for a in v.agenda
        ],
        "participants": [
            o.index.people[o.index.projects[p].participant_id].nip for p in v.participant_ids
        ],
        "companions": [
            {
                "nip": o.index.people[c.person_id].nip,
                "name": o.index.people[c.person_id].name,
                "role": c.role,
            }
            for c in v.companions
            if c.person_id in o.index.people
        ],
    }


def print_hosts(o: Overview, lang: Lang, console: Console | None = None) -> None:
    """Print a cohort's host partners."""
    console = console or _console()
    table = Table(title=f"{o.cohort.code}: mitra benchmarking / host partners")
    for col in (
        "Kode/Code",
        "Unit",
        "Instansi/Agency",
        "Kota/City",
        "Zona",
        "Fokus/Focus",
        "Alasan/Why",
    ):
        table.add_column(col)
    for h in o.hosts:
        why = h.reasons[0][:70] + ("…" if len(h.reasons[0]) > 70 else "") if h.reasons else "-"
        if len(h.reasons) > 1:
            why += f" (+{len(h.reasons) - 1})"
        table.add_row(
            h.code, h.unit, h.agency, h.city, TIMEZONES.get(h.timezone, h.timezone), h.focus, why
        )
    console.print(table)


def print_groups(o: Overview, lang: Lang, console: Console | None = None) -> None:
    """Print a cohort's groups with their members and host units."""
    console = console or _console()
    hosts = {h.id: h for h in o.hosts}
    table = Table(title=f"{o.cohort.code}: kelompok / groups")
    for col in ("Kelompok/Group", "Tema/Theme", "Lokus/Hosts", "Anggota/Members", "Laporan/Report"):
        table.add_column(col)
    for g in o.groups:
        reports = [r for r in o.reports if r.group_id == g.id]
        latest = reports[-1] if reports else None
        table.add_row(
            g.code,
            g.theme,
            "\n".join(hosts[h].unit for h in g.host_ids),
            "\n".join(o.index.participant_name(p).split(",")[0] for p in g.member_ids),
            f"v{latest.number} {latest.filename}" if latest else "-",
        )
    console.print(table)


def print_visits(o: Overview, lang: Lang, console: Console | None = None) -> None:
    """Print a cohort's visits with their agenda."""
    console = console or _console()
    hosts = {h.id: h for h in o.hosts}
    groups = {g.id: g.code for g in o.groups}
    for v in o.visits:
        state = {
            "planned": ("direncanakan", "planned"),
            "under_way": ("berlangsung", "under way"),
            "done": ("selesai", "done"),
        }
        console.print(
            f"[bold]{v.code}[/bold] {v.host_agency}, {v.city} ({TIMEZONES.get(v.timezone, v.timezone)}) "
            f"{v.start_date:%d-%m-%Y} – {v.end_date:%d-%m-%Y}: "
            f"{pick(state[v.status(o.today).value], lang)}; "
            f"{len(v.participant_ids)} {'participants' if lang == 'en' else 'peserta'}, "
            f"{len(v.companions)} {'companions' if lang == 'en' else 'pendamping'}"
            + (
                f"; {'groups' if lang == 'en' else 'kelompok'} "
                + ", ".join(groups[g] for g in v.group_ids if g in groups)
                if v.group_ids
                else ""
            )
        )
        table = Table(show_header=True)
        for col in ("Tanggal/Date", "Jam/Time", "Unit", "Kelompok/Group", "Topik/Topic"):
            table.add_column(col)
        for a in v.agenda:
            hours = f"{a.starts:%H:%M}–{a.ends:%H:%M}" if a.starts and a.ends else ""
            table.add_row(
                f"{a.day:%d-%m-%Y}",
                hours,
                hosts[a.host_id].unit if a.host_id in hosts else "?",
                groups.get(a.group_id, "-") if a.group_id is not None else "-",
                a.topic,
            )
        console.print(table)


# --- a project's content ------------------------------------------------------------------------


def content_json(c: ContentView) -> dict[str, Any]:
    """A project's lessons, decisions and milestones as plain data."""
    by_lesson = {d.lesson_id: d for d in c.decisions}
    number_of = {m.id: m.number for m in c.milestones}
    return {
        "project_id": c.project.id,
        "state": c.state,
        "lessons": [
            {
                "id": ls.id,
                "number": ls.number,
                "host": c.hosts[ls.host_id].code,
                "host_unit": c.hosts[ls.host_id].label(),
                "practice": ls.practice,
                "location": ls.location,
                "evidence": ls.evidence,
                "success_key": ls.success_key,
                "lesson": ls.lesson,
                "decision": _decision_json(by_lesson.get(ls.id), number_of),
            }
            for ls in c.lessons
        ],
        "milestones": [milestone_json(m, c) for m in c.milestones],
    }


def _decision_json(d: Any, number_of: dict[int, int]) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "id": d.id,
        "decision": d.kind.value,
        "rationale": d.rationale,
        "changes": d.changes,
        "milestones": [number_of[m] for m in d.milestone_ids if m in number_of],
    }


def milestone_json(m: Milestone, c: ContentView) -> dict[str, Any]:
    """A milestone with its effective status as plain data."""
    return {
        "id": m.id,
        "number": m.number,
        "title": m.title,
        "term": m.term.value,
        "target_date": m.target_date.isoformat(),
        "status": m.effective_status(c.today).value,
        "reported_status": m.status.value,
        "evidence": m.evidence,
        "note": m.note,
        "done_on": m.done_on.isoformat() if m.done_on else None,
    }


def print_content(c: ContentView, lang: Lang, console: Console | None = None) -> None:
    """Print a project's lesson register with decisions, then its milestones."""
    console = console or _console()
    by_lesson = {d.lesson_id: d for d in c.decisions}
    number_of = {m.id: m.number for m in c.milestones}
    table = Table(
        title=f"{'Lessons' if lang == 'en' else 'Register pembelajaran'}: project {c.project.id}"
    )
    for col in (
        "#",
        "ID",
        "Lokus/Host",
        "Praktik/Practice",
        "Kunci sukses/Key",
        "Pelajaran/Lesson",
        "Keputusan/Decision",
    ):
        table.add_column(col)
    for ls in c.lessons:
        d = by_lesson.get(ls.id)
        verdict = "-"
        if d is not None:
            links = ", ".join(f"#{number_of[m]}" for m in d.milestone_ids if m in number_of)
            verdict = decision(d.kind.value, lang) + (f" → {links}" if links else "")
        table.add_row(
            str(ls.number),
            str(ls.id),
            c.hosts[ls.host_id].unit,
            ls.practice,
            ls.success_key,
            ls.lesson,
            verdict,
        )
    console.print(table)
    print_milestones(c.milestones, c, lang, console)


def print_milestones(
    milestones: list[Milestone], c: ContentView, lang: Lang, console: Console | None = None
) -> None:
    """Print milestones with their effective status."""
    console = console or _console()
    table = Table(title="Milestones" if lang == "en" else "Tonggak rencana perubahan")
    for col in (
        "#",
        "ID",
        "Jangka/Term",
        "Tonggak/Milestone",
        "Target",
        "Status",
        "Bukti/Evidence",
    ):
        table.add_column(col)
    for m in milestones:
        effective = m.effective_status(c.today).value
        style = {"done": "green", "slipped": "bold red"}.get(effective, "")
        shown = status(effective, lang)
        table.add_row(
            str(m.number),
            str(m.id),
            term(m.term.value, lang),
            m.title,
            f"{m.target_date:%d-%m-%Y}",
            f"[{style}]{shown}[/{style}]" if style else shown,
            m.evidence or m.note,
        )
    console.print(table)


def slipped_json(rows: list[SlippedMilestone]) -> list[dict[str, Any]]:
    """Slipped milestones as plain data."""
    return [
        {
            "cohort": r.cohort,
            "project_id": r.project_id,
            "participant": {"name": r.participant.name, "nip": r.participant.nip},
            "mentor": {"name": r.mentor.name, "email": r.mentor.email},
            "milestone": r.milestone.number,
            "milestone_id": r.milestone.id,
            "title": r.milestone.title,
            "term": r.milestone.term.value,
            "target_date": r.milestone.target_date.isoformat(),
            "reported": r.reported,
            "reason": r.milestone.note,
        }
        for r in rows
    ]


def print_slipped(rows: list[SlippedMilestone], lang: Lang, console: Console | None = None) -> None:
    """Print slipped milestones."""
    console = console or _console()
    table = Table(title="Slipped milestones" if lang == "en" else "Tonggak yang meleset")
    for col in (
        "Angkatan/Cohort",
        "Proyek",
        "Peserta/Participant",
        "Mentor",
        "#",
        "Tonggak/Milestone",
        "Jangka/Term",
        "Target",
        "Alasan/Reason",
    ):
        table.add_column(col)
    for r in rows:
        reason = (
            r.milestone.note
            if r.reported
            else ("target passed" if lang == "en" else "target terlewati")
        )
        table.add_row(
            r.cohort,
            str(r.project_id),
            r.participant.name.split(",")[0],
            r.mentor.name.split(",")[0],
            str(r.milestone.number),
            r.milestone.title,
            term(r.milestone.term.value, lang),
            f"{r.milestone.target_date:%d-%m-%Y}",
            reason,
        )
    console.print(table)
    console.print(f"{len(rows)} " + ("rows" if lang == "en" else "baris"))


# --- seminars -----------------------------------------------------------------------------------


def session_json(v: SessionView) -> dict[str, Any]:
    """A session with its entries, scores and examiner load as plain data."""
    people = v.people
    return {
        "id": v.session.id,
        "kind": v.session.kind.value,
        "title": v.session.title,
        "starts_at": v.session.starts_at.isoformat(),
        "place": v.session.place,
        "examiners": [
            {
                "nip": people[e].nip,
                "name": people[e].name,
                "participants": v.load.get(e, 0),
                "over_load": v.load.get(e, 0) > v.limit,
            }
            for e in v.session.examiner_ids
        ],
        "examiner_load_limit": v.limit,
        "entries": [
            {
                "project_id": e.project_id,
                "participant": people[v.projects[e.project_id].participant_id].nip,
                "examiner": people[e.examiner_id].nip,
                "scores": [
                    {"scorer": people[s.scorer_id].nip, "role": s.role.value, "score": s.score}
                    for s in v.scores
                    if s.entry_id == e.id
                ],
                "mean_score": e.mean_score,
                "grade": e.grade,
                "remediation": next(
                    (
                        {
                            "id": r.id,
                            "kind": r.kind.value,
                            "status": r.status.value,
                            "regrade": r.regrade,
                        }
                        for r in v.remediations
                        if r.entry_id == e.id
                    ),
                    None,
                ),
            }
            for e in v.entries
        ],
    }


def print_sessions(
    views: list[SessionView], tz: str, lang: Lang, console: Console | None = None
) -> None:
    """Print sessions with each examiner's load and the entries' grades."""
    console = console or _console()
    for v in views:
        s = v.session
        console.print(
            f"[bold]#{s.id} {seminar(s.kind.value, lang)}[/bold] — {s.title}, "
            f"{local(s.starts_at, tz, True)} {s.place}"
        )
        loads = ", ".join(
            f"{v.people[e].name.split(',')[0]}: {v.load.get(e, 0)}"
            + (" [bold red](!)[/bold red]" if v.load.get(e, 0) > v.limit else "")
            for e in s.examiner_ids
        )
        console.print(
            f"  {'examiner load' if lang == 'en' else 'beban penguji'} (max {v.limit}): {loads}"
        )
        table = Table(show_header=True)
        for col in (
            "Peserta/Participant",
            "Penguji/Examiner",
            "Nilai/Scores",
            "Rata-rata/Mean",
            "Predikat/Grade",
            "Remediasi",
        ):
            table.add_column(col)
        for e in v.entries:
            scores = ", ".join(
                f"{x.role.value[0].upper()}:{x.score:g}" for x in v.scores if x.entry_id == e.id
            )
            fix = next((r for r in v.remediations if r.entry_id == e.id), None)
            table.add_row(
                v.people[v.projects[e.project_id].participant_id].name.split(",")[0],
                v.people[e.examiner_id].name.split(",")[0],
                scores or "-",
                f"{e.mean_score:g}" if e.mean_score is not None else "-",
                grade(e.grade, lang),
                f"#{fix.id} {fix.kind.value} {fix.status.value}"
                + (f" → {grade(fix.regrade, lang)}" if fix.regrade else "")
                if fix
                else "",
            )
        console.print(table)


def record_json(r: SeminarRecord) -> dict[str, Any]:
    """A participant's seminars, grades, remediations and certificate as plain data."""
    people = r.people
    fixes = {x.entry_id: x for x in r.remediations}
    return {
        "project_id": r.project.id,
        "participant": {
            "name": people[r.project.participant_id].name,
            "nip": people[r.project.participant_id].nip,
        },
        "seminars": [
            {
                "session": e.session_id,
                "kind": r.sessions[e.session_id].kind.value,
                "starts_at": r.sessions[e.session_id].starts_at.isoformat(),
                "examiner": people[e.examiner_id].nip,
                "scores": [
                    {"scorer": people[s.scorer_id].nip, "role": s.role.value, "score": s.score}
                    for s in r.scores
                    if s.entry_id == e.id
                ],
                "mean_score": e.mean_score,
                "grade": e.grade,
                "remediation": None
                if e.id not in fixes
                else {
                    "id": fixes[e.id].id,
                    "kind": fixes[e.id].kind.value,
                    "status": fixes[e.id].status.value,
                    "regrade": fixes[e.id].regrade,
                    "capped": fixes[e.id].capped,
                },
            }
            for e in r.entries
        ],
        "certificate": {
            "status": r.certificate.status,
            "reasons": r.certificate.reasons_en,
            "reasons_id": r.certificate.reasons_id,
        },
    }


def print_record(r: SeminarRecord, lang: Lang, console: Console | None = None) -> None:
    """Print a participant's seminars and certificate status."""
    console = console or _console()
    people = r.people
    fixes = {x.entry_id: x for x in r.remediations}
    console.print(f"[bold]{people[r.project.participant_id].name}[/bold] — {r.project.title}")
    table = Table(show_header=True)
    for col in (
        "Sesi/Session",
        "Seminar",
        "Penguji/Examiner",
        "Nilai/Scores",
        "Predikat/Grade",
        "Remediasi",
    ):
        table.add_column(col)
    for e in r.entries:
        fix = fixes.get(e.id)
        table.add_row(
            f"#{e.session_id}",
            seminar(r.sessions[e.session_id].kind.value, lang),
            people[e.examiner_id].name.split(",")[0],
            ", ".join(f"{s.role.value}: {s.score:g}" for s in r.scores if s.entry_id == e.id)
            or "-",
            grade(e.grade, lang),
            f"#{fix.id} {fix.kind.value}: {fix.status.value}"
            + (f" → {grade(fix.regrade, lang)}" if fix.regrade else "")
            if fix
            else "",
        )
    console.print(table)
    cert = r.certificate
    label = {
        "eligible": ("dapat diberikan", "may be issued"),
        "pending": ("belum", "not yet"),
        "withheld": ("ditahan", "withheld"),
        "failed": ("tidak diberikan (tidak lulus)", "not issued (failed)"),
    }[cert.status]
    console.print(
        f"{'Certificate' if lang == 'en' else 'Sertifikat'}: {pick(label, lang)}"
        + (f" — {'; '.join(cert.reasons(lang))}" if cert.reasons(lang) else "")
    )


# --- cohort reports as JSON ---------------------------------------------------------------------


def trace_json(table: TraceTable) -> dict[str, Any]:
    """A cohort's traceability table as plain data: its rows with the fields the API's
    ``GET /cohorts/{code}/reports/trace`` gives each row."""
    return {
        "cohort": table.cohort.code,
        "generated_at": table.generated_at.isoformat(),
        "rows": [
            {
                "project_id": r.project_id,
                "participant": r.participant,
                "nip": r.nip,
                "group": r.group,
                "host_code": r.host_code,
                "host": r.host,
                "practice": r.practice,
                "location": r.location,
                "evidence": r.evidence,
                "success_key": r.success_key,
                "lesson_number": r.lesson_number,
                "lesson": r.lesson,
                "decision": r.decision.value if r.decision else None,
                "rationale": r.rationale,
                "changes": r.changes,
                "milestone_number": r.milestone_number,
                "milestone": r.milestone,
                "term": r.term,
                "target_date": r.target_date.isoformat() if r.target_date else None,
                "status": r.status.value if r.status else None,
                "milestone_evidence": r.milestone_evidence,
            }
            for r in table.rows
        ],
    }


def host_report_json(report: HostReport) -> dict[str, Any]:
    """A cohort's host-partner report as plain data: per host partner, the groups that studied
    it, the practices it taught (with the lessons drawn from each and what was decided on them)
    and how many projects learned from it, adopted, adapted or did not adopt it — the fields of
    the API's ``GET /cohorts/{code}/reports/hosts``."""
    return {
        "cohort": report.cohort.code,
        "generated_at": report.generated_at.isoformat(),
        "rows": [
            {
                "host": host_json(h.host),
                "groups": list(h.groups),
                "practices": [
                    {
                        "practice": p.practice,
                        "success_key": p.success_key,
                        "lessons": p.lessons,
                        "adopted": p.adopted,
                        "adapted": p.adapted,
                        "not_adopted": p.not_adopted,
                    }
                    for p in h.practices
                ],
                "projects_learned": h.projects_learned,
                "projects_adopted": h.projects_adopted,
                "projects_adapted": h.projects_adapted,
                "projects_not_adopted": h.projects_not_adopted,
            }
            for h in report.rows
        ],
    }
