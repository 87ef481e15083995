"""``patok host|group|visit|lesson|adoption|milestone``: Benchmarking to Best Practice from the
command line. Every command goes through the services of the bootstrapped ``Patok``; reads take
``--json``, writes ``--as``, and refusals are one line with exit code 1."""

from __future__ import annotations

import mimetypes
from datetime import time
from pathlib import Path
from typing import Annotated

import typer

from adapters.cli import bench_render as out
from adapters.cli.common import (
    actor_id,
    emit_json,
    parse_date,
    patok,
    project_id,
    refusals,
    state,
    warn,
)
from domain.bench_commands import (
    AddAgendaItem,
    AddMilestone,
    CancelVisit,
    ChangeGroup,
    ChangeHost,
    ChangeVisit,
    DecideAdoption,
    FormGroup,
    ImportPlan,
    PlanVisit,
    RecordHost,
    RecordLesson,
    RemoveHost,
    RemoveLesson,
    ReportMilestone,
    UploadGroupReport,
)
from domain.benchmarking import AgendaSpec, Contact, GroupSpec, HostSpec, VisitSpec, VisitStatus
from domain.content import AdoptionKind, MilestoneStatus, MilestoneTerm
from domain.errors import NotFound, PlanError, ValidationFailed
from domain.model import ArtifactUpload
from domain.visit_plan import parse_plan, plan_format
from states.benchmarking import PlanOutcome, VisitOutcome
from states.content import ContentResult

host_app = typer.Typer(help="Mitra benchmarking (lokus) / host partners.", no_args_is_help=True)
group_app = typer.Typer(help="Kelompok benchmarking / benchmarking groups.", no_args_is_help=True)
visit_app = typer.Typer(help="Kunjungan benchmarking / benchmarking visits.", no_args_is_help=True)
lesson_app = typer.Typer(help="Register pembelajaran / the lesson register.", no_args_is_help=True)
adoption_app = typer.Typer(
    help="Keputusan adopsi per pelajaran / adoption decisions.", no_args_is_help=True
)
milestone_app = typer.Typer(
    help="Tonggak rencana perubahan / change-plan milestones.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the benchmarking sub-commands to the ``patok`` app."""
    for sub, name in (
        (host_app, "host"),
        (group_app, "group"),
        (visit_app, "visit"),
        (lesson_app, "lesson"),
        (adoption_app, "adoption"),
        (milestone_app, "milestone"),
    ):
        app.add_typer(sub, name=name)


As = Annotated[
    str, typer.Option("--as", help="Pelaku: NIP atau e-mail / acting person: NIP or e-mail")
]
Json = Annotated[bool, typer.Option("--json", help="Keluaran JSON / JSON output")]
Many = Annotated[list[str] | None, typer.Option()]


def _opt(flag: str) -> tuple[str, str]:
    return flag, flag


def _planned(result: PlanOutcome) -> None:
    lang = state().lang
    made = [
        f"{label} {', '.join(codes)}"
        for label, codes in (
            ("host" if lang == "en" else "mitra", result.hosts),
            ("group" if lang == "en" else "kelompok", result.groups),
            ("visit" if lang == "en" else "kunjungan", result.visits),
        )
        if codes
    ]
    typer.echo(f"OK: {result.event} — {result.cohort}: {'; '.join(made)}")
    warn(result.warnings(lang))


def _content_done(result: ContentResult) -> None:
    lang = state().lang
    typer.echo(
        f"OK: {result.event} #{result.number} (id {result.id}) — "
        + (
            f"project {result.project_id}, version {result.version}"
            if lang == "en"
            else f"proyek {result.project_id}, versi {result.version}"
        )
    )


def _time(text: str | None, flag: str) -> time | None:
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"{flag} bukan jam HH:MM: {text!r}", f"{flag} is not an HH:MM time: {text!r}"
        ) from None


# -- hosts ----------------------------------------------------------------------------------------


@host_app.command("add")
@refusals
def host_add(
    cohort: str,
    code: str,
    who: As,
    agency: Annotated[str, typer.Option(help="Instansi tuan rumah / host agency")] = "",
    unit: Annotated[str, typer.Option(help="Unit (OPD) tuan rumah / host unit")] = "",
    city: Annotated[str, typer.Option(help="Kota / city")] = "",
    tz: Annotated[str, typer.Option("--tz", help="WIB, WITA or WIT")] = "WIB",
    province: Annotated[str, typer.Option(help="Provinsi / province")] = "",
    focus: Annotated[
        str, typer.Option(help="Yang dipelajari di sana / what is studied there")
    ] = "",
    reason: Many = None,
    contact_name: Annotated[str | None, typer.Option(help="Narahubung / contact person")] = None,
    contact_role: Annotated[str, typer.Option(help="Jabatan narahubung / their position")] = "",
    contact_phone: Annotated[str | None, typer.Option()] = None,
    contact_email: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Catat mitra benchmarking / record a host partner (why chosen: --reason, repeatable)."""
    contact = (
        Contact(name=contact_name, role=contact_role, phone=contact_phone, email=contact_email)
        if contact_name is not None or contact_phone or contact_email
        else None
    )
    spec = HostSpec(
        code=code,
        agency=agency,
        unit=unit,
        city=city,
        timezone=tz,
        province=province,
        focus=focus,
        reasons=tuple(reason or ()),
        contact=contact,
        where={
            "code": ("CODE", "CODE"),
            "agency": _opt("--agency"),
            "unit": _opt("--unit"),
            "city": _opt("--city"),
            "timezone": _opt("--tz"),
            "contact": _opt("--contact-name"),
            "contact_phone": _opt("--contact-phone"),
            "contact_email": _opt("--contact-email"),
        },
    )
    _planned(
        patok().planning.record_host(
            RecordHost(actor_id=actor_id(who), cohort_code=cohort, host=spec)
        )
    )


@host_app.command("change")
@refusals
def host_change(
    cohort: str,
    code: str,
    who: As,
    agency: Annotated[str | None, typer.Option(help="Instansi tuan rumah / host agency")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit (OPD) tuan rumah / host unit")] = None,
    city: Annotated[str | None, typer.Option(help="Kota / city")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="WIB, WITA or WIT")] = None,
    province: Annotated[str | None, typer.Option(help="Provinsi / province")] = None,
    focus: Annotated[str | None, typer.Option(help="Yang dipelajari di sana / focus")] = None,
    reason: Annotated[
        list[str] | None,
        typer.Option(help="Alasan dipilih (mengganti semua) / why chosen (replaces all)"),
    ] = None,
    contact_name: Annotated[str | None, typer.Option(help="Narahubung / contact person")] = None,
    contact_role: Annotated[str | None, typer.Option(help="Jabatan narahubung")] = None,
    contact_phone: Annotated[str | None, typer.Option()] = None,
    contact_email: Annotated[str | None, typer.Option()] = None,
    no_contact: Annotated[
        bool, typer.Option("--no-contact", help="Hapus narahubung / remove the contact")
    ] = False,
) -> None:
    """Ubah data mitra benchmarking / correct a host partner (only the options given change)."""
    host = patok().planning.change_host(
        ChangeHost(
            actor_id=actor_id(who),
            cohort_code=cohort,
            code=code,
            agency=agency,
            unit=unit,
            city=city,
            timezone=tz,
            province=province,
            focus=focus,
            reasons=tuple(reason) if reason else None,
            contact_name=contact_name,
            contact_role=contact_role,
            contact_phone=contact_phone,
            contact_email=contact_email,
            clear_contact=no_contact,
        )
    )
    typer.echo(f"OK: host.changed — {host.code}: {host.label()}, {host.city}")


@host_app.command("remove")
@refusals
def host_remove(cohort: str, code: str, who: As) -> None:
    """Hapus mitra yang tidak dirujuk pelajaran atau agenda / remove an unreferenced host."""
    host = patok().planning.remove_host(
        RemoveHost(actor_id=actor_id(who), cohort_code=cohort, code=code)
    )
    typer.echo(f"OK: host.removed — {host.code}: {host.label()}")


@host_app.command("list")
@refusals
def host_list(cohort: str, who: As, as_json: Json = False) -> None:
    """Mitra benchmarking angkatan / a cohort's host partners."""
    overview = patok().planning.overview(cohort, actor_id(who))
    if as_json:
        emit_json([out.host_json(h) for h in overview.hosts])
    else:
        out.print_hosts(overview, state().lang)


# -- groups ---------------------------------------------------------------------------------------


@group_app.command("create")
@refusals
def group_create(
    cohort: str,
    code: str,
    who: As,
    theme: Annotated[str, typer.Option(help="Fokus bahasan / focus theme")] = "",
    member: Annotated[
        list[str] | None, typer.Option(help="Peserta (NIP/e-mail), repeatable")
    ] = None,
    host: Annotated[
        list[str] | None, typer.Option(help="Kode mitra / host code, repeatable")
    ] = None,
) -> None:
    """Bentuk kelompok / form a group with its theme, members and host units."""
    spec = GroupSpec(
        code=code,
        theme=theme,
        members=tuple(member or ()),
        hosts=tuple(host or ()),
        where={
            "code": ("CODE", "CODE"),
            "theme": _opt("--theme"),
            "members": _opt("--member"),
            "hosts": _opt("--host"),
        },
    )
    _planned(
        patok().planning.form_group(
            FormGroup(actor_id=actor_id(who), cohort_code=cohort, group=spec)
        )
    )


@group_app.command("change")
@refusals
def group_change(
    cohort: str,
    code: str,
    who: As,
    theme: Annotated[str | None, typer.Option(help="Tema baru / new theme")] = None,
    add_member: Many = None,
    remove_member: Many = None,
    add_host: Many = None,
    remove_host: Many = None,
) -> None:
    """Ubah anggota, lokus atau tema kelompok / change a group's members, hosts or theme."""
    group = patok().planning.change_group(
        ChangeGroup(
            actor_id=actor_id(who),
            cohort_code=cohort,
            code=code,
            theme=theme,
            add_members=tuple(add_member or ()),
            remove_members=tuple(remove_member or ()),
            add_hosts=tuple(add_host or ()),
            remove_hosts=tuple(remove_host or ()),
        )
    )
    typer.echo(
        f"OK: group.changed — {group.code}: {len(group.member_ids)} members, {len(group.host_ids)} hosts"
    )
    overview = patok().planning.overview(cohort, actor_id(who))
    following = [
        v.code
        for v in overview.visits
        if group.id in v.group_ids and v.status(overview.today) is not VisitStatus.DONE
    ]
    if following:
        label = "visits following the group" if state().lang == "en" else "kunjungan kelompok"
        typer.echo(f"{label}: {', '.join(following)}")


@group_app.command("list")
@refusals
def group_list(cohort: str, who: As, as_json: Json = False) -> None:
    """Kelompok angkatan / a cohort's groups with members, host units and reports."""
    overview = patok().planning.overview(cohort, actor_id(who))
    if as_json:
        emit_json(out.overview_json(overview)["groups"])
    else:
        out.print_groups(overview, state().lang)


@group_app.command("report")
@refusals
def group_report(
    cohort: str,
    code: str,
    file: Path,
    who: As,
    kind: Annotated[
        str | None, typer.Option(help="Jenis laporan kelompok / group report kind")
    ] = None,
) -> None:
    """Unggah laporan kelompok (anggota atau koordinator) / upload the group's report."""
    if not file.is_file():
        raise NotFound(f"Berkas {file} tidak ada", f"File {file} does not exist", path=str(file))
    kinds = patok().planning.group_artifacts(cohort)
    chosen = kind or (kinds[0] if len(kinds) == 1 else "")
    if not chosen:
        raise ValidationFailed(
            f"Sebutkan --kind ({', '.join(kinds) or '-'})",
            f"Give --kind ({', '.join(kinds) or 'none'})",
        )
    media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    report = patok().planning.upload_group_report(
        UploadGroupReport(
            actor_id=actor_id(who),
            cohort_code=cohort,
            group_code=code,
            upload=ArtifactUpload(
                kind=chosen, filename=file.name, media_type=media_type, content=file.read_bytes()
            ),
        )
    )
    typer.echo(
        f"OK: group.report_uploaded — {code} {report.kind} v{report.number} ({report.sha256[:12]})"
    )


# -- visits ---------------------------------------------------------------------------------------


@visit_app.command("plan")
@refusals
def visit_plan(
    cohort: str,
    code: str,
    who: As,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Hari pertama / first day")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Hari terakhir / last day")] = None,
    host: Annotated[str, typer.Option(help="Instansi tuan rumah / host agency")] = "",
    city: Annotated[str, typer.Option(help="Kota / city")] = "",
    tz: Annotated[str, typer.Option("--tz", help="WIB, WITA or WIT (default: the hosts')")] = "",
    group: Annotated[
        list[str] | None, typer.Option(help="Kelompok / group code, repeatable")
    ] = None,
    participant: Many = None,
    companion: Many = None,
    note: Annotated[str, typer.Option()] = "",
) -> None:
    """Rencanakan kunjungan / plan a visit (warns of visit days that are holidays or weekends)."""
    spec = VisitSpec(
        code=code,
        start=parse_date(date_from, "--from") if date_from else None,
        end=parse_date(date_to, "--to") if date_to else None,
        host_agency=host,
        city=city,
        timezone=tz,
        groups=tuple(group or ()),
        participants=tuple(participant or ()),
        companions=tuple(companion or ()),
        note=note,
        where={
            "code": ("CODE", "CODE"),
            "start": _opt("--from"),
            "end": _opt("--to"),
            "host": _opt("--host"),
            "city": _opt("--city"),
            "timezone": _opt("--tz"),
            "groups": _opt("--group"),
            "participants": _opt("--participant"),
            "companions": _opt("--companion"),
        },
    )
    _planned(
        patok().planning.plan_visit(
            PlanVisit(actor_id=actor_id(who), cohort_code=cohort, visit=spec)
        )
    )


def _visit_done(result: VisitOutcome) -> None:
    lang = state().lang
    v = result.visit
    people = "participants" if lang == "en" else "peserta"
    typer.echo(
        f"OK: {result.event} — {v.code}: {v.start_date:%d-%m-%Y} – {v.end_date:%d-%m-%Y}, "
        f"{len(v.participant_ids)} {people}"
    )
    warn(result.warnings(lang))


@visit_app.command("change")
@refusals
def visit_change(
    cohort: str,
    code: str,
    who: As,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Hari pertama baru / new first day")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Hari terakhir baru / new last day")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Instansi tuan rumah / host agency")] = None,
    city: Annotated[str | None, typer.Option(help="Kota / city")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="WIB, WITA or WIT")] = None,
    note: Annotated[str | None, typer.Option()] = None,
    add_group: Many = None,
    remove_group: Many = None,
    add_participant: Many = None,
    remove_participant: Many = None,
    add_companion: Many = None,
    remove_companion: Many = None,
) -> None:
    """Ubah kunjungan / change a visit: days, place, groups, participants, companions."""
    _visit_done(
        patok().planning.change_visit(
            ChangeVisit(
                actor_id=actor_id(who),
                cohort_code=cohort,
                code=code,
                start=parse_date(date_from, "--from") if date_from else None,
                end=parse_date(date_to, "--to") if date_to else None,
                host_agency=host,
                city=city,
                timezone=tz,
                note=note,
                add_groups=tuple(add_group or ()),
                remove_groups=tuple(remove_group or ()),
                add_participants=tuple(add_participant or ()),
                remove_participants=tuple(remove_participant or ()),
                add_companions=tuple(add_companion or ()),
                remove_companions=tuple(remove_companion or ()),
            )
        )
    )


@visit_app.command("cancel")
@refusals
def visit_cancel(
    cohort: str,
    code: str,
    who: As,
    reason: Annotated[str, typer.Option(help="Alasan pembatalan / why it is cancelled")] = "",
) -> None:
    """Batalkan kunjungan yang belum berlangsung / cancel a visit that has not taken place."""
    _visit_done(
        patok().planning.cancel_visit(
            CancelVisit(actor_id=actor_id(who), cohort_code=cohort, code=code, reason=reason)
        )
    )


@visit_app.command("agenda")
@refusals
def visit_agenda(
    cohort: str,
    visit: str,
    who: As,
    day: Annotated[str, typer.Option("--date", help="Tanggal / date, YYYY-MM-DD")],
    host: Annotated[str, typer.Option(help="Kode mitra / host code")] = "",
    topic: Annotated[str, typer.Option(help="Topik / topic")] = "",
    start: Annotated[str | None, typer.Option(help="HH:MM")] = None,
    end: Annotated[str | None, typer.Option(help="HH:MM")] = None,
    group: Annotated[str | None, typer.Option(help="Kelompok / group code")] = None,
) -> None:
    """Tambah agenda kunjungan / add an agenda item at a host unit."""
    item = AgendaSpec(
        day=parse_date(day, "--date"),
        host=host,
        topic=topic,
        starts=_time(start, "--start"),
        ends=_time(end, "--end"),
        group=group,
        where={
            name: _opt(f"--{name}") for name in ("date", "host", "topic", "start", "end", "group")
        },
    )
    updated = patok().planning.add_agenda_item(
        AddAgendaItem(actor_id=actor_id(who), cohort_code=cohort, visit_code=visit, item=item)
    )
    typer.echo(f"OK: visit.agenda_added — {updated.code}: {len(updated.agenda)} agenda items")


@visit_app.command("import")
@refusals
def visit_import(cohort: str, plan_file: Path, who: As) -> None:
    """Impor rencana (YAML: hosts, groups, visits; CSV: agenda), semua atau tidak sama sekali."""
    if not plan_file.is_file():
        raise NotFound(f"Berkas {plan_file} tidak ada", f"File {plan_file} does not exist")
    try:
        text = plan_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PlanError(
            [f"{plan_file} bukan teks UTF-8"], [f"{plan_file} is not UTF-8 text"]
        ) from None
    plan = parse_plan(text, plan_format(plan_file.name), plan_file.name)
    _planned(
        patok().planning.import_plan(
            ImportPlan(actor_id=actor_id(who), cohort_code=cohort, plan=plan)
        )
    )


@visit_app.command("list")
@refusals
def visit_list(cohort: str, who: As, as_json: Json = False) -> None:
    """Kunjungan angkatan dengan agendanya / a cohort's visits and their agenda."""
    overview = patok().planning.overview(cohort, actor_id(who))
    if as_json:
        emit_json(out.overview_json(overview)["visits"])
    else:
        out.print_visits(overview, state().lang)


# -- lessons --------------------------------------------------------------------------------------


@lesson_app.command("add")
@refusals
def lesson_add(
    project: str,
    who: As,
    host: Annotated[str, typer.Option(help="Kode mitra tempat praktik diamati / host code")] = "",
    practice: Annotated[str, typer.Option(help="Praktik terbaik yang diamati / the practice")] = "",
    where: Annotated[str, typer.Option("--where", help="Di mana tepatnya / where exactly")] = "",
    evidence: Annotated[str, typer.Option(help="Bukti / evidence seen")] = "",
    key: Annotated[str, typer.Option("--key", help="Kunci sukses mitra / key to success")] = "",
    lesson: Annotated[str, typer.Option(help="Pelajaran / the lesson learned")] = "",
) -> None:
    """Catat pelajaran dari praktik terbaik mitra / record a lesson traced to a host's practice."""
    _content_done(
        patok().content.record_lesson(
            RecordLesson(
                actor_id=actor_id(who),
                project_id=project_id(project),
                host=host,
                practice=practice,
                location=where,
                evidence=evidence,
                success_key=key,
                lesson=lesson,
            )
        )
    )


@lesson_app.command("remove")
@refusals
def lesson_remove(lesson: int, who: As) -> None:
    """Hapus pelajaran (dan keputusannya) / remove a lesson and its decision."""
    _content_done(
        patok().content.remove_lesson(RemoveLesson(actor_id=actor_id(who), lesson_id=lesson))
    )


@lesson_app.command("list")
@refusals
def lesson_list(project: str, who: As, as_json: Json = False) -> None:
    """Register pembelajaran, keputusan dan tonggak / a project's lessons, decisions, milestones."""
    view = patok().content.of_project(project_id(project), actor_id(who))
    if as_json:
        emit_json(out.content_json(view))
    else:
        out.print_content(view, state().lang)


# -- adoption -------------------------------------------------------------------------------------


@adoption_app.command("decide")
@refusals
def adoption_decide(
    lesson: int,
    who: As,
    decision: Annotated[str, typer.Option(help="adopt, adapt or not_adopt")],
    rationale: Annotated[str, typer.Option(help="Alasan / why")] = "",
    changes: Annotated[str, typer.Option(help="Yang diubah (adapt) / what changes")] = "",
    milestone: Annotated[
        list[int] | None, typer.Option(help="Nomor tonggak / milestone number")
    ] = None,
) -> None:
    """Putuskan adopsi pelajaran / decide to adopt, adapt or not adopt a lesson."""
    kinds = {k.value: k for k in AdoptionKind} | {
        "adopsi": AdoptionKind.ADOPT,
        "adaptasi": AdoptionKind.ADAPT,
    }
    kind = kinds.get(decision.strip().lower().replace("-", "_").replace(" ", "_"))
    if kind is None:
        raise ValidationFailed(
            f"--decision harus adopt, adapt atau not_adopt, bukan {decision!r}",
            f"--decision must be adopt, adapt or not_adopt, not {decision!r}",
        )
    _content_done(
        patok().content.decide(
            DecideAdoption(
                actor_id=actor_id(who),
                lesson_id=lesson,
                kind=kind,
                rationale=rationale,
                changes=changes,
                milestones=tuple(milestone or ()),
            )
        )
    )


@adoption_app.command("list")
@refusals
def adoption_list(project: str, who: As, as_json: Json = False) -> None:
    """Keputusan adopsi per pelajaran / a project's decisions, lesson by lesson."""
    view = patok().content.of_project(project_id(project), actor_id(who))
    data = out.content_json(view)
    if as_json:
        emit_json(
            [
                {"lesson": ls["number"], "lesson_id": ls["id"], **(ls["decision"] or {})}
                for ls in data["lessons"]
            ]
        )
    else:
        out.print_content(view, state().lang)


# -- milestones -----------------------------------------------------------------------------------


@milestone_app.command("add")
@refusals
def milestone_add(
    project: str,
    who: As,
    title: Annotated[str, typer.Option(help="Apa yang dicapai / what is achieved")] = "",
    term: Annotated[str, typer.Option(help="short, medium or long")] = "short",
    target: Annotated[str | None, typer.Option(help="Tanggal target / target date")] = None,
) -> None:
    """Tambah tonggak rencana perubahan / add a change-plan milestone."""
    terms = {t.value: t for t in MilestoneTerm} | {
        "pendek": MilestoneTerm.SHORT,
        "menengah": MilestoneTerm.MEDIUM,
        "panjang": MilestoneTerm.LONG,
    }
    chosen = terms.get(term.strip().lower())
    if chosen is None:
        raise ValidationFailed(
            f"--term harus short, medium atau long, bukan {term!r}",
            f"--term must be short, medium or long, not {term!r}",
        )
    _content_done(
        patok().content.add_milestone(
            AddMilestone(
                actor_id=actor_id(who),
                project_id=project_id(project),
                title=title,
                term=chosen,
                target_date=parse_date(target, "--target") if target else None,
            )
        )
    )


@milestone_app.command("done")
@refusals
def milestone_done(
    milestone: int,
    who: As,
    evidence: Annotated[str, typer.Option(help="Bukti / evidence")] = "",
    on: Annotated[
        str | None, typer.Option(help="Tanggal selesai / done on (default today)")
    ] = None,
) -> None:
    """Laporkan tonggak selesai, dengan bukti / report a milestone done, with evidence."""
    _content_done(
        patok().content.report_milestone(
            ReportMilestone(
                actor_id=actor_id(who),
                milestone_id=milestone,
                status=MilestoneStatus.DONE,
                evidence=evidence,
                done_on=parse_date(on, "--on") if on else None,
            )
        )
    )


@milestone_app.command("slip")
@refusals
def milestone_slip(
    milestone: int,
    who: As,
    reason: Annotated[str, typer.Option(help="Alasan / why it slipped")] = "",
    new_target: Annotated[str | None, typer.Option(help="Target baru / new target date")] = None,
) -> None:
    """Laporkan tonggak meleset, dengan alasan / report a milestone slipped, with a reason."""
    _content_done(
        patok().content.report_milestone(
            ReportMilestone(
                actor_id=actor_id(who),
                milestone_id=milestone,
                status=MilestoneStatus.SLIPPED,
                note=reason,
                new_target=parse_date(new_target, "--new-target") if new_target else None,
            )
        )
    )


@milestone_app.command("replan")
@refusals
def milestone_replan(
    milestone: int,
    who: As,
    new_target: Annotated[str, typer.Option(help="Target baru / new target date")],
    note: Annotated[str, typer.Option()] = "",
) -> None:
    """Rencanakan ulang tonggak dengan target baru / plan a milestone again with a new target."""
    _content_done(
        patok().content.report_milestone(
            ReportMilestone(
                actor_id=actor_id(who),
                milestone_id=milestone,
                status=MilestoneStatus.PLANNED,
                note=note,
                new_target=parse_date(new_target, "--new-target"),
            )
        )
    )


@milestone_app.command("list")
@refusals
def milestone_list(project: str, who: As, as_json: Json = False) -> None:
    """Tonggak proyek / a project's milestones (a planned one past its date has slipped)."""
    view = patok().content.of_project(project_id(project), actor_id(who))
    if as_json:
        emit_json(out.content_json(view)["milestones"])
    else:
        out.print_milestones(view.milestones, view, state().lang)


@milestone_app.command("slipped")
@refusals
def milestone_slipped(
    who: As,
    cohort: Annotated[str | None, typer.Option(help="Kode angkatan / cohort code")] = None,
    as_json: Json = False,
) -> None:
    """Tonggak yang meleset (mentor: bimbingannya; koordinator: angkatannya) / slipped milestones."""
    rows = patok().content.slipped(actor_id(who), cohort)
    if as_json:
        emit_json(out.slipped_json(rows))
    else:
        out.print_slipped(rows, state().lang)
