"""The ``patok`` command line (Typer). Every command goes through the bootstrapped engine.

Reads take ``--json``; writes take the acting person with ``--as`` (NIP or e-mail) and, when
refused, exit non-zero with a one-line reason that says what is allowed now.
"""

from __future__ import annotations

import mimetypes
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from adapters.cli import benchmarking as benchmarking_cli
from adapters.cli import exports as exports_cli
from adapters.cli import render
from adapters.cli import seminars as seminars_cli
from adapters.cli.common import (
    actor_id,
    emit_json,
    fail,
    patok,
    project_id,
    refusals,
    set_options,
    state,
)
from adapters.db.database import current_revision, head_revision, upgrade
from adapters.db.orm import PersonRow
from adapters.notify.admin import managed_dead_letters, retry_managed
from adapters.notify.digest_text import render_digest
from adapters.notify.dispatcher import Dispatcher, digest
from adapters.notify.settings import NotifySettings
from adapters.programmes import builtin_programmes, load_programme_file
from domain.commands import (
    ApproveStage,
    CreateCohort,
    DecideExtension,
    ImportRoster,
    ReopenStage,
    RequestChanges,
    RequestExtension,
    SubmitStage,
    WithdrawProject,
)
from domain.errors import Forbidden, NotFound, RosterError, ValidationFailed
from domain.model import TIMEZONES, ArtifactUpload, Person
from domain.programme import get_programme, programme_checksum
from domain.roster import parse_roster, roster_format
from states.engine import CommandResult
from states.ports import RaisedAlert

app = typer.Typer(
    name="patok",
    help="patok: alur kerja proyek perubahan / change-project workflow engine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Basis data / database.", no_args_is_help=True)
programme_app = typer.Typer(
    help="Definisi program pelatihan / programme definitions.", no_args_is_help=True
)
cohort_app = typer.Typer(help="Angkatan / cohorts.", no_args_is_help=True)
project_app = typer.Typer(help="Proyek perubahan / change projects.", no_args_is_help=True)
audit_app = typer.Typer(help="Jejak audit / audit log.", no_args_is_help=True)
person_app = typer.Typer(help="Orang / people (local administration).", no_args_is_help=True)
extend_app = typer.Typer(help="Perpanjangan tenggat / deadline extensions.", no_args_is_help=True)
token_app = typer.Typer(
    help="Token API untuk integrasi / API tokens for integrations.", no_args_is_help=True
)
outbox_app = typer.Typer(
    help="Kotak keluar pemberitahuan / notification outbox.", no_args_is_help=True
)
for sub, name in (
    (db_app, "db"),
    (programme_app, "programme"),
    (cohort_app, "cohort"),
    (project_app, "project"),
    (audit_app, "audit"),
    (person_app, "person"),
    (extend_app, "extend"),
    (outbox_app, "outbox"),
    (token_app, "token"),
):
    app.add_typer(sub, name=name)

As = Annotated[
    str, typer.Option("--as", help="Pelaku: NIP atau e-mail / acting person: NIP or e-mail")
]
Json = Annotated[bool, typer.Option("--json", help="Keluaran JSON / JSON output")]
Version = Annotated[
    int | None,
    typer.Option(
        "--expect-version", help="Tolak bila proyek sudah berubah / refuse if the project moved"
    ),
]


@app.callback()
def _options(
    lang: Annotated[str | None, typer.Option("--lang", help="id (default) or en")] = None,
    now: Annotated[
        str | None,
        typer.Option("--now", help="Jam mesin (ISO 8601) / engine clock, for tests and demos"),
    ] = None,
) -> None:
    if lang not in (None, "id", "en"):
        fail(f"--lang harus id atau en, bukan {lang}", f"--lang must be id or en, not {lang}", 2)
    set_options("en" if lang == "en" else "id" if lang == "id" else None, now)


def _done(result: CommandResult) -> None:
    lang = state().lang
    msg = (
        f"OK: {result.event} — project {result.project_id} is now {result.state} (version {result.version})"
        if lang == "en"
        else f"OK: {result.event} — proyek {result.project_id} kini {result.state} (versi {result.version})"
    )
    typer.echo(msg)


# -- db -----------------------------------------------------------------------------------------


@db_app.command("upgrade")
@refusals
def db_upgrade() -> None:
    """Migrasikan basis data ke skema terbaru / migrate the database to the newest schema."""
    engine = patok().database
    if engine is None:
        raise ValidationFailed("Tidak ada basis data SQL", "No SQL database is configured")
    applied = upgrade(engine)
    typer.echo(
        f"{'migrated' if applied else 'up to date'}: {current_revision(engine)} (head {head_revision()})"
    )


# -- people -------------------------------------------------------------------------------------


@person_app.command("add")
@refusals
def person_add(
    nip: Annotated[str, typer.Option(help="NIP, 18 digit")],
    name: Annotated[str, typer.Option(help="Nama lengkap / full name")],
    email: Annotated[str, typer.Option()],
    agency: Annotated[str, typer.Option(help="Instansi / agency")],
    unit: Annotated[str, typer.Option(help="Unit kerja / unit")] = "",
    phone: Annotated[str | None, typer.Option()] = None,
    organiser: Annotated[
        bool, typer.Option("--organiser", help="Boleh membuat angkatan / may create cohorts")
    ] = False,
    password: Annotated[
        bool,
        typer.Option("--password", help="Minta kata sandi untuk masuk web / prompt for a password"),
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Baca kata sandi dari stdin / read it from stdin")
    ] = False,
    who: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Penyelenggara yang mendaftarkan (NIP/e-mail); wajib bila sudah ada "
            "penyelenggara / the organiser registering them: required once an organiser exists",
        ),
    ] = None,
) -> None:
    """Daftarkan orang / register a person (with ``--password`` they can sign in to the web
    app). Once an organiser exists, ``--as`` must name an organiser, checked and logged as the
    API's ``POST /people``; the first organiser is registered without ``--as`` (bootstrapping
    a new installation)."""
    person = Person(
        nip=nip,
        name=name,
        email=email,
        agency=agency,
        unit=unit,
        phone=phone,
        can_create_cohorts=organiser,
    )
    if who is not None:
        registrar = actor_id(who)
        secret = _read_password(password, password_stdin)
        pid = patok().accounts.register_person(registrar, person, secret)
    else:
        if _organiser_exists():
            raise Forbidden(
                "Sudah ada penyelenggara: sebutkan --as, NIP atau e-mail penyelenggara yang "
                "mendaftarkan (hanya penyelenggara pertama didaftarkan tanpa --as)",
                "An organiser exists already: give --as, the NIP or e-mail of the organiser "
                "registering this person (only the first organiser is registered without --as)",
                allowed=["organiser"],
            )
        secret = _read_password(password, password_stdin)
        pid = patok().accounts.add_person(person, secret)
    typer.echo(
        f"OK: person {pid} {person.name} <{person.email}>"
        + (" (password set)" if secret is not None else "")
    )


def _organiser_exists() -> bool:
    """Whether the installation has an organiser (anyone who may create cohorts) yet."""
    engine = patok().database
    if engine is None:
        raise ValidationFailed("Tidak ada basis data SQL", "No SQL database is configured")
    with engine.connect() as conn:
        found = conn.execute(
            select(PersonRow.id).where(PersonRow.can_create_cohorts.is_(True)).limit(1)
        ).first()
    return found is not None


def _read_password(prompt: bool, from_stdin: bool) -> str | None:
    """A new password from a hidden prompt (asked twice) or from stdin's first line."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if prompt:
        return str(
            typer.prompt(
                "Kata sandi / password", hide_input=True, confirmation_prompt=True
            )
        )
    return None


@person_app.command("password")
@refusals
def person_password(
    ref: Annotated[str, typer.Argument(help="NIP atau e-mail / NIP or e-mail")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Baca kata sandi dari stdin / read it from stdin")
    ] = False,
    temporary: Annotated[
        bool,
        typer.Option("--temporary", help="Wajib diganti saat masuk / must be changed at login"),
    ] = False,
) -> None:
    """Atur kata sandi seseorang (administrasi lokal) / set a person's password (local admin)."""
    person = patok().engine.resolve_actor(ref)
    assert person.id is not None
    secret = _read_password(not password_stdin, password_stdin)
    assert secret is not None
    patok().accounts.set_password(person.id, secret, must_change=temporary)
    typer.echo(f"OK: password set for {person.email}" + (" (temporary)" if temporary else ""))


@person_app.command("reset-password")
@refusals
def person_reset_password(
    ref: Annotated[str, typer.Argument(help="Anggota: NIP atau e-mail / member: NIP or e-mail")],
    who: As,
) -> None:
    """Koordinator memberi kata sandi sementara / a coordinator gives a member of their cohort a
    temporary password (printed once; it must be changed at the next login)."""
    member = patok().engine.resolve_actor(ref)
    assert member.id is not None
    temporary = patok().accounts.reset_password(actor_id(who), member.id)
    typer.echo(f"OK: temporary password for {member.email}: {temporary}")


@person_app.command("prefs")
@refusals
def person_prefs(
    who: As,
    digest: Annotated[
        bool | None,
        typer.Option(
            "--digest/--single",
            help="Ringkasan harian atau pesan satu per satu / a daily digest or one message each",
        ),
    ] = None,
    lang: Annotated[str | None, typer.Option(help="id or en")] = None,
) -> None:
    """Atur pemberitahuan Anda sendiri / set your own notification preferences."""
    if lang not in (None, "id", "en"):
        raise ValidationFailed(
            f"--lang harus id atau en, bukan {lang}", f"--lang must be id or en, not {lang}"
        )
    if digest is None and lang is None:
        raise ValidationFailed(
            "Sebutkan --digest/--single atau --lang", "Give --digest/--single or --lang"
        )
    person_id = actor_id(who)
    with patok().engine.unit_of_work(write=True) as uow:
        uow.people.set_preferences(person_id, digest=digest, lang=lang)
        uow.commit()
        person = uow.people.get(person_id)
    typer.echo(f"OK: {person.email} digest={'on' if person.digest else 'off'} lang={person.lang}")


# -- programmes ---------------------------------------------------------------------------------


@programme_app.command("list")
@refusals
def programme_list(as_json: Json = False) -> None:
    """Daftar program bawaan / the built-in programmes."""
    progs = builtin_programmes()
    if as_json:
        emit_json(
            [
                {
                    "code": p.code,
                    "version": p.version,
                    "name": p.name,
                    "name_en": p.name_en,
                    "project_term": p.project_term,
                }
                for p in progs.values()
            ]
        )
        return
    for p in progs.values():
        typer.echo(f"{p.code:6} {p.version:8} {p.name_en if state().lang == 'en' else p.name}")


@programme_app.command("show")
@refusals
def programme_show(code: str, as_json: Json = False) -> None:
    """Tahap, penyetuju, berkas dan durasi suatu program / a programme's stages."""
    p = get_programme(code, builtin_programmes())
    if as_json:
        emit_json(p.model_dump(mode="json"))
        return
    typer.echo(f"{p.key}  {p.name} / {p.name_en}  ({p.project_term}; {p.legal_basis})")
    for s in p.stages:
        needs = {k: v for k, v in s.requires.model_dump(mode="json").items() if v}
        typer.echo(
            f"  {s.code:17} {s.duration_working_days:3} hk/wd  approvers={','.join(s.approvers)}  "
            f"artifacts={','.join(s.required_artifacts) or '-'}  reminders={s.reminder_offsets}"
            + (f"  requires={needs}" if needs else "")
        )
    grading = p.grading
    typer.echo(
        f"  grades={','.join(p.grades)}  failing={','.join(sorted(grading.failing_grades(p.grades)))}"
        f"  remediation cap={grading.cap(p.grades)}  seminars={','.join(p.seminars)}"
    )


@programme_app.command("check")
@refusals
def programme_check(path: Path, as_json: Json = False) -> None:
    """Periksa berkas program sendiri / validate a programme file (path, field and why if not)."""
    p = load_programme_file(path)
    if as_json:
        emit_json({"code": p.code, "version": p.version, "checksum": programme_checksum(p)})
    else:
        typer.echo(f"OK: {p.key} ({len(p.stages)} stages, checksum {programme_checksum(p)[:12]})")


# -- cohorts ------------------------------------------------------------------------------------


@cohort_app.command("create")
@refusals
def cohort_create(
    code: str,
    name: Annotated[str, typer.Option(help="Nama angkatan / cohort name")],
    organiser: Annotated[str, typer.Option(help="Penyelenggara / organising agency")],
    tz: Annotated[
        str,
        typer.Option("--tz", help="Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)"),
    ],
    start: Annotated[str, typer.Option(help="Tanggal mulai / start date, YYYY-MM-DD")],
    who: As,
    programme: Annotated[str, typer.Option(help="PKA, PKP, PKN2, PIM3, PIM4")] = "",
    programme_file: Annotated[
        Path | None, typer.Option(help="Program sendiri (YAML) / your own programme definition")
    ] = None,
    agency_head: Annotated[
        str | None,
        typer.Option(
            "--agency-head",
            help="E-mail kepala instansi penyelenggara (eskalasi terakhir) / e-mail of the head "
            "of the organising agency (the ladder's last rung)",
        ),
    ] = None,
) -> None:
    """Buat angkatan / create a cohort pinned to its programme's current definition."""
    if bool(programme) == bool(programme_file):
        raise ValidationFailed(
            "Sebutkan tepat satu dari --programme atau --programme-file",
            "Give exactly one of --programme or --programme-file",
        )
    try:
        start_date = date.fromisoformat(start)
    except ValueError:
        raise ValidationFailed(
            f"--start bukan tanggal YYYY-MM-DD: {start!r}",
            f"--start is not a YYYY-MM-DD date: {start!r}",
        ) from None
    definition = load_programme_file(programme_file) if programme_file else None
    cohort = patok().cohorts.create(
        CreateCohort(
            actor_id=actor_id(who),
            code=code,
            name=name,
            programme_code=programme,
            programme=definition,
            organiser=organiser,
            timezone=tz,
            start_date=start_date,
        ),
        agency_head=agency_head,
    )
    typer.echo(
        f"OK: cohort {cohort.code} ({cohort.programme_code}@{cohort.programme_version}, "
        f"{cohort.timezone})"
        + (f", {_agency_head_words()}: {agency_head.strip().lower()}" if agency_head else "")
    )


def _agency_head_words() -> str:
    return (
        "head of the organising agency"
        if state().lang == "en"
        else "kepala instansi penyelenggara"
    )


@cohort_app.command("set-agency-head")
@refusals
def cohort_set_agency_head(
    code: str,
    email: Annotated[str, typer.Argument(help="E-mail kepala instansi / the head's e-mail")],
    who: As,
) -> None:
    """Tetapkan kepala instansi penyelenggara (koordinator) / set the head of the organising
    agency, whom the last rung of a late participant's escalation ladder reaches (coordinators)."""
    stored = patok().cohorts.set_agency_head(actor_id(who), code, email)
    typer.echo(f"OK: {code} — {_agency_head_words()}: {stored}")


@cohort_app.command("import")
@refusals
def cohort_import(code: str, roster_file: Path, who: As) -> None:
    """Impor roster (CSV/YAML), semua atau tidak sama sekali / import a roster, all or nothing."""
    if not roster_file.is_file():
        raise NotFound(
            f"Berkas roster {roster_file} tidak ada", f"Roster file {roster_file} does not exist"
        )
    try:
        text = roster_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(
            [f"{roster_file} bukan teks UTF-8; simpan ulang sebagai CSV UTF-8"],
            [f"{roster_file} is not UTF-8 text; save it again as CSV UTF-8"],
        ) from None
    roster = parse_roster(text, roster_format(roster_file.name), str(roster_file))

    counts = patok().cohorts.import_roster(
        ImportRoster(actor_id=actor_id(who), cohort_code=code, roster=roster),
        source=roster_file.name,
    )
    typer.echo("OK: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@cohort_app.command("list")
@refusals
def cohort_list(as_json: Json = False) -> None:
    """Daftar angkatan / all cohorts."""
    with patok().engine.unit_of_work() as uow:
        cohorts = uow.cohorts.all()
    heads = patok().cohorts.agency_heads([c.id for c in cohorts if c.id is not None])
    if as_json:
        emit_json(
            [
                {**c.model_dump(mode="json"), "agency_head_email": heads.get(c.id or 0)}
                for c in cohorts
            ]
        )
        return
    for c in cohorts:
        head = heads.get(c.id or 0)
        typer.echo(
            f"{c.code:20} {c.programme_code}@{c.programme_version:8} {c.timezone:14} {c.name}"
            + (f"  [{_agency_head_words()}: {head}]" if head else "")
        )


@cohort_app.command("board")
@refusals
def cohort_board(code: str, who: As, as_json: Json = False) -> None:
    """Papan angkatan: peserta × tahap / the cohort board: participants × stages."""
    board = patok().queries.board(code, actor_id(who))
    cohort_id = board.cohort.id or 0
    head = patok().cohorts.agency_heads([cohort_id]).get(cohort_id)
    if as_json:
        emit_json({**render.board_json(board), "agency_head_email": head})
        return
    render.print_board(board, state().lang)
    missing = (
        "none set: the last escalation goes to the coordinators"
        if state().lang == "en"
        else "belum ditetapkan: eskalasi terakhir dikirim ke koordinator"
    )
    typer.echo(f"{_agency_head_words().capitalize()}: {head or missing}")


# -- projects -----------------------------------------------------------------------------------


@project_app.command("show")
@refusals
def project_show(project: str, who: As, as_json: Json = False) -> None:
    """Rincian proyek / a project with its stages, submissions and decisions."""
    details = patok().queries.project(project_id(project), actor_id(who))
    if as_json:
        emit_json(render.project_json(details))
    else:
        render.print_project(details, state().lang)


@project_app.command("history")
@refusals
def project_history(project: str, who: As, as_json: Json = False) -> None:
    """Jejak audit proyek / a project's audit history."""
    pid = project_id(project)
    entries = patok().queries.history(pid, actor_id(who))
    if as_json:
        emit_json(render.history_json(entries))
        return
    details = patok().queries.project(pid, actor_id(who))
    render.print_history(entries, details.cohort.timezone)


def _uploads(files: list[str]) -> tuple[ArtifactUpload, ...]:
    out = []
    for spec in files:
        kind, sep, path_text = spec.partition("=")
        if not sep or not kind or not path_text:
            raise ValidationFailed(
                f"--file harus berbentuk jenis=path, bukan {spec!r}",
                f"--file must look like kind=path, not {spec!r}",
            )
        path = Path(path_text)
        if not path.is_file():
            raise NotFound(
                f"Berkas {path} tidak ada", f"File {path} does not exist", path=str(path)
            )
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        out.append(
            ArtifactUpload(
                kind=kind, filename=path.name, media_type=media_type, content=path.read_bytes()
            )
        )
    return tuple(out)


@app.command("submit")
@refusals
def submit(
    project: str,
    who: As,
    file: Annotated[
        list[str] | None, typer.Option("--file", help="jenis=path, e.g. laporan_diagnosis=lap.pdf")
    ] = None,
    note: Annotated[str, typer.Option(help="Catatan / note")] = "",
    expect_version: Version = None,
) -> None:
    """Ajukan tahap berjalan / submit the current stage with its artifact files."""
    uploads = _uploads(file or [])
    _done(
        patok().engine.submit(
            SubmitStage(
                actor_id=actor_id(who),
                project_id=project_id(project),
                note=note,
                artifacts=uploads,
                expected_version=expect_version,
            )
        )
    )


@app.command("approve")
@refusals
def approve(
    project: str,
    who: As,
    comment: Annotated[str, typer.Option()] = "",
    expect_version: Version = None,
) -> None:
    """Setujui pengajuan / approve the pending submission."""
    _done(
        patok().engine.approve(
            ApproveStage(
                actor_id=actor_id(who),
                project_id=project_id(project),
                comment=comment,
                expected_version=expect_version,
            )
        )
    )


@app.command("request-changes")
@refusals
def request_changes(
    project: str,
    who: As,
    comment: Annotated[str, typer.Option()] = "",
    expect_version: Version = None,
) -> None:
    """Minta perbaikan (wajib komentar) / request changes (a comment is required)."""
    _done(
        patok().engine.request_changes(
            RequestChanges(
                actor_id=actor_id(who),
                project_id=project_id(project),
                comment=comment,
                expected_version=expect_version,
            )
        )
    )


@app.command("withdraw")
@refusals
def withdraw(
    project: str,
    who: As,
    reason: Annotated[str, typer.Option()] = "",
    expect_version: Version = None,
) -> None:
    """Cabut proyek (koordinator, wajib alasan) / withdraw a project (coordinator, reason required)."""
    _done(
        patok().engine.withdraw(
            WithdrawProject(
                actor_id=actor_id(who),
                project_id=project_id(project),
                reason=reason,
                expected_version=expect_version,
            )
        )
    )


@app.command("reopen")
@refusals
def reopen(
    project: str,
    stage: str,
    who: As,
    reason: Annotated[str, typer.Option()] = "",
    expect_version: Version = None,
) -> None:
    """Buka kembali tahap sebelumnya (koordinator, wajib alasan) / reopen an earlier stage."""
    _done(
        patok().engine.reopen(
            ReopenStage(
                actor_id=actor_id(who),
                project_id=project_id(project),
                stage=stage,
                reason=reason,
                expected_version=expect_version,
            )
        )
    )


# -- time: sweeps and escalations ----------------------------------------------------------------


@app.command("sweep")
@refusals
def sweep(
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="Sapu pada waktu ini (ISO 8601; tanpa zona = UTC) / sweep at this instant",
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Catat pengingat dan eskalasi yang jatuh tempo / raise what is due at --now (default: the
    engine's clock, which the global --now sets too)."""
    at = None if now is None else _instant(now, "--now")
    report = patok().sweeper.sweep(at)
    if as_json:
        emit_json(render.sweep_json(report))
        return
    render.print_sweep(report, state().lang)


@app.command("escalations")
@refusals
def escalations(
    who: As,
    cohort: Annotated[str | None, typer.Option(help="Kode angkatan / cohort code")] = None,
    level: Annotated[int | None, typer.Option(help="Tingkat / ladder level")] = None,
    status: Annotated[str, typer.Option(help="open, resolved or all")] = "open",
    kind: Annotated[str, typer.Option(help="escalation, reminder or all")] = "escalation",
    as_json: Json = False,
) -> None:
    """Daftar eskalasi angkatan Anda / escalations (and reminders) of the cohorts you help run."""
    if status not in ("open", "resolved", "all") or kind not in ("escalation", "reminder", "all"):
        raise ValidationFailed(
            "--status: open|resolved|all; --kind: escalation|reminder|all",
            "--status must be open, resolved or all; --kind escalation, reminder or all",
        )
    rows = patok().queries.alerts(
        actor_id(who),
        cohort,
        None if kind == "all" else kind,
        level,
        {"open": True, "resolved": False, "all": None}[status],
    )
    if as_json:
        emit_json([dict(_alert_json(r), cohort=code) for code, r in rows])
        return
    render.print_alerts([r for _, r in rows], {r.cohort_id: code for code, r in rows}, state().lang)


def _instant(text: str, option: str) -> datetime:
    """An ISO 8601 instant given on the command line (UTC when it names no offset)."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"{option} bukan waktu ISO 8601: {text!r}",
            f"{option} is not an ISO 8601 instant: {text!r}",
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _alert_json(r: RaisedAlert) -> dict[str, object]:
    return {
        "id": r.id,
        "project_id": r.project_id,
        "stage_instance_id": r.stage_instance_id,
        "kind": r.kind,
        "clock": r.clock,
        "cycle": r.cycle,
        "level": r.rung,
        "notify": r.notify,
        "due_at": r.due_at.isoformat(),
        "raised_at": r.raised_at.isoformat(),
        "resolved_at": None if r.resolved_at is None else r.resolved_at.isoformat(),
    }


# -- notifications ------------------------------------------------------------------------------


def _dispatcher() -> Dispatcher:
    engine = patok().database
    if engine is None:
        raise ValidationFailed("Tidak ada basis data SQL", "No SQL database is configured")
    return Dispatcher.from_settings(engine, NotifySettings(), clock=patok().engine.clock.now)


@app.command("dispatch")
@refusals
def dispatch(as_json: Json = False) -> None:
    """Kirim isi kotak keluar (dengan percobaan ulang) / send the outbox, with retries; what went
    stale meanwhile (its alert resolved, its request decided) is cancelled, not sent."""
    report = _dispatcher().drain()
    data = {
        "sent": report.sent,
        "retried": report.retried,
        "dead": report.dead,
        "claimed": report.claimed,
        "cancelled": report.cancelled,
    }
    if as_json:
        emit_json(data)
    else:
        typer.echo(", ".join(f"{k} {v}" for k, v in data.items()))


@app.command("digest")
@refusals
def digest_now(
    zone: Annotated[
        str | None, typer.Option(help="Hanya angkatan di zona ini / only cohorts in this zone")
    ] = None,
    as_json: Json = False,
) -> None:
    """Kirim ringkasan harian yang tertahan / build the daily digests of held notifications
    (``--json``: ``{"count": N}``, as the API's ``POST /digest`` answers)."""
    engine = patok().database
    if engine is None:
        raise ValidationFailed("Tidak ada basis data SQL", "No SQL database is configured")
    if zone is not None and zone not in TIMEZONES:
        raise ValidationFailed(
            f"--zone harus salah satu dari {', '.join(TIMEZONES)}",
            f"--zone must be one of {', '.join(TIMEZONES)}",
        )
    made = digest(engine, patok().engine.clock.now(), render_digest, timezone=zone)
    if as_json:
        emit_json({"count": made})
        return
    typer.echo(f"OK: {made} digest(s) queued")


@outbox_app.command("list")
@refusals
def outbox_list(
    who: As,
    cohort: Annotated[str | None, typer.Option(help="Kode angkatan / cohort code")] = None,
    as_json: Json = False,
) -> None:
    """Pesan gagal terkirim di angkatan Anda / dead letters of the cohorts you coordinate."""
    rows = managed_dead_letters(patok(), actor_id(who), cohort)
    data = [
        {
            "id": r.id,
            "channel": r.channel,
            "address": r.address,
            "subject": r.subject,
            "attempts": r.attempts,
            "last_error": r.last_error,
            "project_id": r.project_id,
        }
        for r in rows
    ]
    if as_json:
        emit_json(data)
        return
    for d in data:
        typer.echo(
            f"#{d['id']:<5} {d['channel']:8} {d['address']:40} x{d['attempts']}  {d['last_error']}"
        )
    typer.echo(f"{len(data)} dead letter(s)")


@outbox_app.command("retry")
@refusals
def outbox_retry(
    who: As,
    ids: Annotated[list[int] | None, typer.Argument(help="Nomor pesan / outbox ids")] = None,
    all_dead: Annotated[
        bool, typer.Option("--all", help="Semua yang gagal / every dead letter")
    ] = False,
) -> None:
    """Kirim lagi pesan yang gagal (koordinator) / send dead letters again (coordinators)."""
    revived = retry_managed(
        patok(), actor_id(who), list(ids or []), all_dead=all_dead, now=patok().engine.clock.now()
    )
    typer.echo(f"OK: {revived} message(s) back in the queue")


# -- extensions ---------------------------------------------------------------------------------


@extend_app.command("request")
@refusals
def extend_request(
    project: str,
    who: As,
    new_date: Annotated[
        str, typer.Option("--date", help="Tenggat baru / new deadline, YYYY-MM-DD")
    ],
    reason: Annotated[str, typer.Option(help="Alasan / reason")] = "",
) -> None:
    """Peserta memohon perpanjangan / the participant asks for a later deadline."""
    try:
        day = date.fromisoformat(new_date)
    except ValueError:
        raise ValidationFailed(
            f"--date bukan tanggal YYYY-MM-DD: {new_date!r}",
            f"--date is not a YYYY-MM-DD date: {new_date!r}",
        ) from None
    result = patok().extensions.request(
        RequestExtension(
            actor_id=actor_id(who), project_id=project_id(project), reason=reason, new_due_date=day
        )
    )
    typer.echo(f"OK: {result.event} #{result.payload['extension']} (project {result.project_id})")


def _decide_extension(extension: int, who: str, grant: bool, note: str) -> None:
    result = patok().extensions.decide(
        DecideExtension(actor_id=actor_id(who), extension_id=extension, grant=grant, note=note)
    )
    due = result.payload.get("due_at")
    typer.echo(f"OK: {result.event} #{extension}" + (f" — due {due}" if due else ""))


@extend_app.command("grant")
@refusals
def extend_grant(
    extension: int, who: As, note: Annotated[str, typer.Option(help="Catatan / note")] = ""
) -> None:
    """Setujui perpanjangan (mentor/koordinator) / grant an extension."""
    _decide_extension(extension, who, True, note)


@extend_app.command("refuse")
@refusals
def extend_refuse(
    extension: int, who: As, note: Annotated[str, typer.Option(help="Alasan / reason")] = ""
) -> None:
    """Tolak perpanjangan, dengan alasan / refuse an extension, with a reason."""
    _decide_extension(extension, who, False, note)


@extend_app.command("list")
@refusals
def extend_list(
    who: As,
    cohort: Annotated[str | None, typer.Option(help="Kode angkatan / cohort code")] = None,
    status: Annotated[str | None, typer.Option(help="pending, granted or refused")] = None,
    as_json: Json = False,
) -> None:
    """Permohonan perpanjangan yang boleh Anda lihat / extension requests you may see."""
    rows = patok().queries.extensions(actor_id(who), cohort, status)
    data = [
        {
            "id": e.id,
            "project_id": e.project_id,
            "status": e.status,
            "reason": e.reason,
            "new_due_date": e.new_due_date.isoformat(),
            "requested_at": e.requested_at.isoformat(),
            "decided_by": e.decided_by,
            "note": e.note,
        }
        for e in rows
    ]
    if as_json:
        emit_json(data)
        return
    for e in data:
        typer.echo(
            f"#{e['id']:<4} project {e['project_id']:<5} {e['status']:8} {e['new_due_date']}  {e['reason']}"
        )


# -- API tokens ---------------------------------------------------------------------------------


@token_app.command("create")
@refusals
def token_create(
    cohort: Annotated[str, typer.Option(help="Kode angkatan / cohort code")],
    name: Annotated[str, typer.Option(help="Untuk apa / what it is for, e.g. LMS")],
    who: As,
    read_only: Annotated[bool, typer.Option("--read-only", help="Hanya-baca / read-only")] = False,
) -> None:
    """Buat token API untuk satu angkatan (koordinator) / issue an API token for one cohort; the
    secret is printed once and stored hashed."""
    secret, record = patok().accounts.issue_token(
        actor_id(who), cohort, name, read_only=read_only
    )
    typer.echo(f"OK: token #{record.id} ({record.name}, {cohort})")
    typer.echo(secret)


@token_app.command("list")
@refusals
def token_list(
    who: As,
    cohort: Annotated[str | None, typer.Option(help="Kode angkatan / cohort code")] = None,
    as_json: Json = False,
) -> None:
    """Token API angkatan Anda / the API tokens of the cohorts you coordinate (no secrets)."""
    rows = patok().accounts.tokens(actor_id(who), cohort)
    data = [
        {
            "id": t.id,
            "prefix": t.prefix,
            "name": t.name,
            "cohort_id": t.cohort_id,
            "person_id": t.person_id,
            "read_only": t.read_only,
            "created_at": t.created_at.isoformat(),
            "last_used_at": None if t.last_used_at is None else t.last_used_at.isoformat(),
            "revoked_at": None if t.revoked_at is None else t.revoked_at.isoformat(),
        }
        for t in rows
    ]
    if as_json:
        emit_json(data)
        return
    for d in data:
        state_text = "revoked" if d["revoked_at"] else ("read-only" if d["read_only"] else "active")
        typer.echo(f"#{d['id']:<4} {d['prefix']}…  {d['name']:30} {state_text}")


@token_app.command("revoke")
@refusals
def token_revoke(token_id: int, who: As) -> None:
    """Cabut token API / revoke an API token (it stops working at once)."""
    record = patok().accounts.revoke_token(actor_id(who), token_id)
    typer.echo(f"OK: token #{record.id} revoked")


# -- audit --------------------------------------------------------------------------------------


@audit_app.command("verify")
@refusals
def audit_verify(as_json: Json = False) -> None:
    """Periksa rantai hash jejak audit / verify the audit log's hash chain (exit 1 if broken)."""
    report = patok().queries.verify_audit()
    fault = report.fault
    if as_json:
        emit_json(
            {
                "streams": report.streams,
                "entries": report.entries,
                "intact": fault is None,
                "first_bad": None
                if fault is None
                else {
                    "stream": fault.stream,
                    "seq": fault.seq,
                    "stream_seq": fault.stream_seq,
                    "why": fault.why,
                },
            }
        )
    elif fault is None:
        typer.echo(f"OK: {report.entries} entries in {report.streams} streams, chain intact")
    else:
        where = f"entry seq={fault.seq}" if fault.seq is not None else "end of stream"
        typer.echo(
            f"BROKEN: {fault.stream} {where} (position {fault.stream_seq}): {fault.why}", err=True
        )
    if fault is not None:
        raise typer.Exit(1)


@app.command("serve")
@refusals
def serve_command(
    port: Annotated[
        int, typer.Option(help="Port server Prefect lokal / local Prefect server port")
    ] = 4200,
    web_port: Annotated[
        int | None, typer.Option(help="Port web/API (PATOK_WEB_PORT, 8000)")
    ] = None,
    web_host: Annotated[
        str | None, typer.Option(help="Alamat web/API (PATOK_WEB_HOST, 127.0.0.1)")
    ] = None,
) -> None:
    """Jalankan patok sebagai layanan / run patok as a service: the web app and JSON API, a
    Prefect server and the scheduled flows."""
    from adapters.cli.serve import serve

    patok()  # migrate before the web app and the flows start
    serve(patok().settings, port, web_host, web_port)


@app.command("demo")
@refusals
def demo(
    board: Annotated[bool, typer.Option(help="Cetak papan / print the board afterwards")] = True,
    simulate: Annotated[
        str | None,
        typer.Option(
            help="Mainkan N hari ke depan di basis data sementara, mis. 120d / "
            "play N days ahead in a throw-away database, e.g. 120d"
        ),
    ] = None,
) -> None:
    """Muat angkatan demo dari seed 001 (PIM III Angkatan XIII 2018, Maluku → Kota Tangerang)."""
    from adapters.cli.demo import load_demo
    from adapters.cli.demo import simulate as run_simulation

    if simulate is not None:
        text = simulate.strip().lower().removesuffix("d")
        if not text.isdigit() or not 1 <= int(text) <= 730:
            raise ValidationFailed(
                f"--simulate harus berupa jumlah hari 1..730, mis. 120d, bukan {simulate!r}",
                f"--simulate must be a number of days 1..730, e.g. 120d, not {simulate!r}",
            )
        run_simulation(int(text), state().lang)
        return
    load_demo(patok(), state().lang, show_board=board)


benchmarking_cli.register(app)
seminars_cli.register(app)
exports_cli.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
