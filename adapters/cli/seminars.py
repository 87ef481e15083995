"""``patok seminar``: seminar sessions, scores, grades, re-grades and a participant's seminar
record with the certificate's status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from adapters.cli import bench_render as out
from adapters.cli.common import actor_id, emit_json, patok, project_id, refusals, state, warn
from domain.bench_commands import (
    CreateSeminar,
    GradeSeminar,
    RegradeRemediation,
    ScheduleSeminar,
    ScoreSeminar,
)
from domain.errors import ValidationFailed
from domain.seminars import RemediationKind, SeminarKind, grade_label
from states.seminars import SeminarResult

seminar_app = typer.Typer(
    help="Seminar: sesi, nilai, predikat, remediasi / seminars, scores, grades, remediation.",
    no_args_is_help=True,
)

As = Annotated[
    str, typer.Option("--as", help="Pelaku: NIP atau e-mail / acting person: NIP or e-mail")
]
Json = Annotated[bool, typer.Option("--json", help="Keluaran JSON / JSON output")]


def register(app: typer.Typer) -> None:
    """Add ``seminar`` to the ``patok`` app."""
    app.add_typer(seminar_app, name="seminar")


def _done(result: SeminarResult) -> None:
    lang = state().lang
    detail = ""
    if result.payload.get("grade"):
        detail = f" {grade_label(str(result.payload['grade']), lang)}"
    if result.remediation_id is not None and result.event == "seminar.graded":
        detail += (
            f" — remediation #{result.remediation_id} opened"
            if lang == "en"
            else f" — remediasi #{result.remediation_id} dibuka"
        )
    typer.echo(
        f"OK: {result.event}{detail} ("
        + (
            f"project {result.project_id}, version {result.version})"
            if lang == "en"
            else f"proyek {result.project_id}, versi {result.version})"
        )
    )


@seminar_app.command("create")
@refusals
def seminar_create(
    cohort: str,
    who: As,
    kind: Annotated[str, typer.Option(help="design, benchmarking or final")],
    at: Annotated[str, typer.Option("--at", help="Mulai / starts, ISO 8601 with zone")],
    examiner: Annotated[
        list[str] | None, typer.Option(help="Penguji (NIP/e-mail), repeatable")
    ] = None,
    title: Annotated[str, typer.Option()] = "",
    place: Annotated[str, typer.Option(help="Tempat / place")] = "",
) -> None:
    """Jadwalkan sesi seminar dengan pengujinya / schedule a seminar session with its examiners."""
    kinds = {k.value: k for k in SeminarKind} | {
        "rancangan": SeminarKind.DESIGN,
        "akhir": SeminarKind.FINAL,
    }
    chosen = kinds.get(kind.strip().lower())
    if chosen is None:
        raise ValidationFailed(
            f"--kind harus design, benchmarking atau final, bukan {kind!r}",
            f"--kind must be design, benchmarking or final, not {kind!r}",
        )
    try:
        starts = datetime.fromisoformat(at)
    except ValueError:
        raise ValidationFailed(
            f"--at bukan waktu ISO 8601: {at!r}", f"--at is not an ISO 8601 instant: {at!r}"
        ) from None
    session = patok().seminars.create(
        CreateSeminar(
            actor_id=actor_id(who),
            cohort_code=cohort,
            kind=chosen,
            title=title,
            starts_at=starts if starts.tzinfo else starts.replace(tzinfo=UTC),
            place=place,
            examiners=tuple(examiner or ()),
        )
    )
    typer.echo(
        f"OK: seminar.scheduled — session {session.id} ({session.kind.value}, {len(session.examiner_ids)} examiner(s))"
    )


@seminar_app.command("add")
@refusals
def seminar_add(
    session: int,
    participants: Annotated[list[str], typer.Argument(help="Peserta (NIP/e-mail)")],
    who: As,
    examiner: Annotated[str | None, typer.Option(help="Penguji mereka / their examiner")] = None,
) -> None:
    """Masukkan peserta ke sesi (penguji paling ringan bila tidak disebut) / put participants in a
    session, each with an examiner (the least loaded unless one is named)."""
    done = patok().seminars.schedule(
        ScheduleSeminar(
            actor_id=actor_id(who),
            session_id=session,
            participants=tuple(participants),
            examiner=examiner,
        )
    )
    typer.echo(
        f"OK: seminar.participants_added — session {session}: {len(done.entries)} participant(s)"
    )
    warn(done.warnings(state().lang))


@seminar_app.command("score")
@refusals
def seminar_score(
    session: int,
    participant: str,
    who: As,
    score: Annotated[float, typer.Option(help="Nilai / score")],
) -> None:
    """Beri nilai (penguji, mentor atau coach peserta) / score a participant (their panel)."""
    _done(
        patok().seminars.score(
            ScoreSeminar(
                actor_id=actor_id(who), session_id=session, participant=participant, score=score
            )
        )
    )


@seminar_app.command("grade")
@refusals
def seminar_grade(
    session: int,
    participant: str,
    who: As,
    grade: Annotated[
        str | None, typer.Option(help="Predikat (default: dari rata-rata nilai)")
    ] = None,
    remediation: Annotated[
        str, typer.Option(help="revision or make_up, if the grade fails")
    ] = "revision",
) -> None:
    """Beri predikat (penguji peserta) / grade a participant (their examiner)."""
    kinds = {k.value: k for k in RemediationKind} | {
        "revisi": RemediationKind.REVISION,
        "ujian_ulang": RemediationKind.MAKE_UP,
    }
    kind = kinds.get(remediation.strip().lower().replace("-", "_"))
    if kind is None:
        raise ValidationFailed(
            f"--remediation harus revision atau make_up, bukan {remediation!r}",
            f"--remediation must be revision or make_up, not {remediation!r}",
        )
    _done(
        patok().seminars.grade(
            GradeSeminar(
                actor_id=actor_id(who),
                session_id=session,
                participant=participant,
                grade=grade,
                remediation=kind,
            )
        )
    )


@seminar_app.command("regrade")
@refusals
def seminar_regrade(
    remediation: int,
    who: As,
    grade: Annotated[str | None, typer.Option(help="Predikat ulang / the re-grade")] = None,
    score: Annotated[float | None, typer.Option(help="Nilai ulang / the re-score")] = None,
    note: Annotated[str, typer.Option()] = "",
) -> None:
    """Nilai ulang setelah remediasi (dibatasi program) / re-grade after remediation (capped)."""
    _done(
        patok().seminars.regrade(
            RegradeRemediation(
                actor_id=actor_id(who),
                remediation_id=remediation,
                grade=grade,
                score=score,
                note=note,
            )
        )
    )


@seminar_app.command("list")
@refusals
def seminar_list(cohort: str, who: As, as_json: Json = False) -> None:
    """Sesi seminar angkatan dengan beban penguji / sessions with each examiner's load."""
    views = patok().seminars.sessions(cohort, actor_id(who))
    if as_json:
        emit_json([out.session_json(v) for v in views])
        return
    with patok().engine.unit_of_work() as uow:
        tz = uow.cohorts.by_code(cohort).timezone
    out.print_sessions(views, tz, state().lang)


@seminar_app.command("record")
@refusals
def seminar_record(project: str, who: As, as_json: Json = False) -> None:
    """Seminar, predikat dan status sertifikat peserta / a participant's seminars and certificate."""
    record = patok().seminars.record(project_id(project), actor_id(who))
    if as_json:
        emit_json(out.record_json(record))
    else:
        out.print_record(record, state().lang)
