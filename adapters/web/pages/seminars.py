"""The seminar pages: a cohort's sessions (with the coordinator's forms to schedule a session and
put participants in it), one session (where each panel member scores the participants they sit
on, and their examiner grades and re-grades them), the grading waiting for the signed-in person,
and a participant's seminar record with the certificate's status.

Every form goes through :attr:`Patok.seminars`, which applies the domain policy. A write that
succeeds redirects back with a flash message; a refusal re-renders the page it came from with the
refusal in the page's language and the HTTP status of the refusal (nothing is stored). When the
person may not even see that page, the refusal is the error page with its status (403 for a
wrong actor). The report pages and downloads (:mod:`adapters.web.pages.reports`) are included in
this router, so the app registers both through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from adapters.web.lang import lang_of
from adapters.web.pages import reports
from adapters.web.pages.common import Id, check_form, context_of, redirect, render, signed_in
from adapters.web.problems import invalid_fields, invalid_listing, status_of
from adapters.web.texts import text
from domain.bench_commands import (
    CreateSeminar,
    GradeSeminar,
    RegradeRemediation,
    ScheduleSeminar,
    ScoreSeminar,
)
from domain.errors import DomainError, GuardFailed, NotFound, ValidationFailed
from domain.model import TIMEZONES, ChangeProject, Cohort, Person
from domain.programme import ProgrammeDefinition
from domain.roles import Action, Role
from domain.seminars import (
    KIND_LABELS,
    PanelRole,
    Remediation,
    RemediationKind,
    RemediationStatus,
    Score,
    SeminarEntry,
    SeminarKind,
    SeminarSession,
    grade_from_mean,
    grade_label,
)
from states.accounts import Principal
from states.seminars import SessionView, panel_of

router = APIRouter(include_in_schema=False)
router.include_router(reports.router)
SignedIn = Annotated[Principal, Depends(signed_in)]
Csrf = Annotated[str, Form(max_length=200)]
Line = Annotated[str, Form(max_length=300)]
PANEL_ORDER = (PanelRole.EXAMINER, PanelRole.MENTOR, PanelRole.COACH)


# --- what the templates show ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seat:
    """One seat of a participant's panel: who sits there and the score they gave, if any."""

    role: PanelRole
    person: Person | None
    score: Score | None


@dataclass(frozen=True, slots=True)
class EntryLine:
    """A participant in a session as a page shows it, from the signed-in person's point of view."""

    entry: SeminarEntry
    project: ChangeProject
    participant: Person | None
    seats: list[Seat]
    remediation: Remediation | None
    mine: PanelRole | None
    """The signed-in person's seat on this participant's panel (None: not on it)."""
    waiting: list[Seat]
    """Seats whose score is still missing."""
    mean: float | None
    """The mean of the panel's scores once every seat has scored (before the grade)."""
    derived: str | None
    """The grade that mean earns through the programme's bands (None without bands)."""

    @property
    def my_score(self) -> Score | None:
        """The signed-in person's own score of this participant."""
        return next((s.score for s in self.seats if s.role is self.mine and s.score), None)

    def pending(self, me: int) -> str | None:
        """What waits for ``me`` here: ``score``, ``grade``, ``regrade`` or None."""
        if self.mine is None:
            return None
        examiner = self.entry.examiner_id == me
        if self.entry.grade is None:
            if self.my_score is None:
                return "score"
            if examiner and not self.waiting:
                return "grade"
            return None
        if (
            examiner
            and self.remediation is not None
            and self.remediation.status is RemediationStatus.OPEN
        ):
            return "regrade"
        return None


@dataclass(frozen=True, slots=True)
class Load:
    """An examiner of a session and how many participants they grade in it."""

    person: Person | None
    participants: int
    over: bool


@dataclass(frozen=True, slots=True)
class SessionLine:
    """A session as a page shows it."""

    session: SeminarSession
    limit: int
    loads: list[Load]
    entries: list[EntryLine]

    @property
    def subtitle(self) -> str:
        """The session's title when it says more than its kind."""
        defaults = KIND_LABELS.get(self.session.kind.value, ())
        return "" if self.session.title in defaults else self.session.title

    @property
    def overloaded(self) -> list[Load]:
        """The examiners above the programme's load."""
        return [x for x in self.loads if x.over]


@dataclass(frozen=True, slots=True)
class Sent:
    """What a refused form sent, to show it again next to the refusal."""

    form: str
    entry: int | None = None
    values: dict[str, str] = field(default_factory=dict)


def session_line(
    view: SessionView,
    people: Mapping[int, Person],
    me: int,
    programme: ProgrammeDefinition,
) -> SessionLine:
    """A session's entries with their panels, scores and what waits for ``me``."""
    known = {**view.people, **people}
    lines: list[EntryLine] = []
    for entry in view.entries:
        project = view.projects[entry.project_id]
        panel = panel_of(entry, project)
        scores = {s.scorer_id: s for s in view.scores if s.entry_id == entry.id}
        seats = [
            Seat(role, known.get(pid), scores.get(pid))
            for role in PANEL_ORDER
            for pid, held in panel.items()
            if held is role
        ]
        waiting = [s for s in seats if s.score is None]
        mean: float | None = None
        derived: str | None = None
        if not waiting and seats and entry.grade is None:
            mean = round(sum(s.score.score for s in seats if s.score) / len(seats), 2)
            try:
                derived = grade_from_mean(mean, programme.grades, programme.grading)
            except GuardFailed:
                derived = None
        lines.append(
            EntryLine(
                entry=entry,
                project=project,
                participant=known.get(project.participant_id),
                seats=seats,
                remediation=next((r for r in view.remediations if r.entry_id == entry.id), None),
                mine=panel.get(me),
                waiting=waiting,
                mean=mean,
                derived=derived,
            )
        )
    loads = [
        Load(known.get(pid), view.load.get(pid, 0), view.load.get(pid, 0) > view.limit)
        for pid in view.session.examiner_ids
    ]
    return SessionLine(view.session, view.limit, loads, lines)


# --- helpers --------------------------------------------------------------------------------


def _cohort_of_session(request: Request, session_id: int) -> str:
    """The code of the cohort a session belongs to (NotFound for an unknown session); who may
    see it is decided by the service that reads it next."""
    with context_of(request).patok.engine.unit_of_work() as uow:
        session = uow.seminars.session(session_id)
        return uow.cohorts.by_id(session.cohort_id).code


def _refused(request: Request, error: Exception, page: Callable[[int, str], Response]) -> Response:
    """A refused form: its page again with the refusal, or the error page when the person may
    not see that page either."""
    lang = lang_of(request)
    if isinstance(error, DomainError):
        status, message = status_of(error), error.text(lang)
    elif isinstance(error, ValidationError):
        status, message = 422, invalid_listing(invalid_fields(error), lang)
    else:
        raise error
    if status in (401, 403):
        return _error_page(request, status, message)
    try:
        return page(status, message)
    except DomainError:
        return _error_page(request, status, message)


def _error_page(request: Request, status: int, message: str) -> Response:
    lang = lang_of(request)
    return render(request, "error.html", status, message=message, title=text("error.title", lang))


def _kind(value: str) -> SeminarKind:
    """A seminar kind from a form (``design``, ``benchmarking``, ``final``)."""
    try:
        return SeminarKind(value.strip().lower())
    except ValueError:
        listed = ", ".join(k.value for k in SeminarKind)
        raise ValidationFailed(
            f"Jenis seminar harus salah satu dari {listed}, bukan {value!r}",
            f"The kind of seminar must be one of {listed}, not {value!r}",
        ) from None


def _starts_at(value: str, timezone: str) -> datetime:
    """A session's start from a form's local date and time, in the cohort's zone."""
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(
            f"Waktu mulai tidak sah: {value!r} (YYYY-MM-DDTHH:MM)",
            f"Not a start time: {value!r} (YYYY-MM-DDTHH:MM)",
        ) from None
    if not 2000 <= at.year <= 2099:
        raise ValidationFailed(
            f"Waktu mulai harus antara tahun 2000 dan 2099, bukan {at.year}",
            f"The start must be between the years 2000 and 2099, not {at.year}",
        )
    return at if at.tzinfo is not None else at.replace(tzinfo=ZoneInfo(timezone))


def _score(value: str, what: tuple[str, str] = ("Nilai", "Score")) -> float:
    """A score from a form (a comma is read as the decimal point)."""
    try:
        return float(value.strip().replace(",", "."))
    except ValueError:
        raise ValidationFailed(
            f"{what[0]} harus berupa angka, bukan {value!r}",
            f"{what[1]} must be a number, not {value!r}",
        ) from None


def _remediation_kind(value: str) -> RemediationKind:
    try:
        return RemediationKind(value.strip().lower() or RemediationKind.REVISION.value)
    except ValueError:
        raise ValidationFailed(
            f"Remediasi harus revision atau make_up, bukan {value!r}",
            f"The remediation must be revision or make_up, not {value!r}",
        ) from None


def _score_text(value: float) -> str:
    return f"{value:g}"


# --- the cohort's sessions ------------------------------------------------------------------


def _cohort_page(
    request: Request,
    code: str,
    who: Principal,
    status: int = 200,
    error: str | None = None,
    sent: Sent | None = None,
    flash: tuple[str, str] | None = None,
) -> Response:
    ctx = context_of(request)
    views = ctx.patok.seminars.sessions(code, who.person_id)
    overview = ctx.patok.planning.overview(code, who.person_id)
    index = overview.index
    cohort = overview.cohort
    programme = ctx.patok.queries.programme_of(cohort)
    lines = [session_line(v, index.people, who.person_id, programme) for v in views]
    roles = index.roles.get(who.person_id, frozenset())
    examiners = sorted(
        (p for pid, p in index.people.items() if Role.EXAMINER in index.roles.get(pid, ())),
        key=lambda p: p.name,
    )
    participants = sorted(
        ((pid, index.people[p.participant_id]) for pid, p in index.projects.items()),
        key=lambda x: x[1].name,
    )
    extra: dict[str, object] = {}
    if error is not None:
        extra["flash"] = ("error", error)
    elif flash is not None:
        extra["flash"] = flash
    return render(
        request,
        "seminars.html",
        status,
        cohort=cohort,
        lines=lines,
        tz=cohort.timezone,
        zone=TIMEZONES.get(cohort.timezone, cohort.timezone),
        kinds=list(programme.seminars),
        examiners=examiners,
        participants=participants,
        coordinator=Role.COORDINATOR in roles,
        sent=sent or Sent(""),
        grade_label=lambda g: grade_label(g, lang_of(request)),
        **extra,
    )


@router.get("/cohorts/{code}/seminars", response_class=HTMLResponse)
def cohort_seminars(request: Request, code: str, who: SignedIn) -> Response:
    """A cohort's seminar sessions: date, examiners and their load (a warning above the
    programme's), each participant's panel, scores and grade; the coordinator's forms."""
    return _cohort_page(request, code, who)


@router.post("/cohorts/{code}/seminars")
def create_session(
    request: Request,
    code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    title: Line = "",
    starts_at: Annotated[str, Form(max_length=40)] = "",
    place: Line = "",
    examiners: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """A coordinator schedules a session with its examiners."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    sent = Sent(
        "create",
        values={"kind": kind, "title": title, "starts_at": starts_at, "place": place},
    )
    try:
        with ctx.patok.engine.unit_of_work() as uow:
            cohort: Cohort = uow.cohorts.by_code(code)
        session = ctx.patok.seminars.create(
            CreateSeminar(
                actor_id=who.person_id,
                cohort_code=code,
                kind=_kind(kind),
                title=title,
                starts_at=_starts_at(starts_at, cohort.timezone),
                place=place,
                examiners=tuple(e for e in (examiners or []) if e.strip()),
            )
        )
    except (DomainError, ValidationError) as err:
        return _refused(request, err, lambda s, m: _cohort_page(request, code, who, s, m, sent))
    return redirect(
        request,
        f"/cohorts/{code}/seminars#session-{session.id}",
        "ok",
        text("sem.done.created", lang, id=session.id),
    )


@router.post("/seminars/{session_id}/participants")
def add_participants(
    request: Request,
    session_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    participants: Annotated[list[str] | None, Form()] = None,
    examiner: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    """A coordinator puts participants in a session, each with an examiner (the one chosen, else
    the least loaded); an examiner above the programme's load is a warning."""
    check_form(request, who, csrf_token)
    lang = lang_of(request)
    code = _cohort_of_session(request, session_id)
    sent = Sent("add", values={"session": str(session_id), "examiner": examiner})
    try:
        done = context_of(request).patok.seminars.schedule(
            ScheduleSeminar(
                actor_id=who.person_id,
                session_id=session_id,
                participants=tuple(p for p in (participants or []) if p.strip()),
                examiner=examiner.strip() or None,
            )
        )
    except (DomainError, ValidationError) as err:
        return _refused(request, err, lambda s, m: _cohort_page(request, code, who, s, m, sent))
    message = text("sem.done.added", lang, n=len(done.entries), id=session_id)
    warnings = done.warnings(lang)
    if warnings:
        message += " " + text("sem.warning", lang) + ": " + "; ".join(warnings)
    return redirect(
        request,
        f"/cohorts/{code}/seminars#session-{session_id}",
        "ok",
        message,
    )


# --- one session: scores, grades, re-grades -------------------------------------------------


def _session_page(
    request: Request,
    session_id: int,
    who: Principal,
    status: int = 200,
    error: str | None = None,
    sent: Sent | None = None,
) -> Response:
    ctx = context_of(request)
    code = _cohort_of_session(request, session_id)
    views = ctx.patok.seminars.sessions(code, who.person_id)
    view = next((v for v in views if v.session.id == session_id), None)
    if view is None:
        raise NotFound(
            f"Sesi seminar {session_id} tidak ditemukan", f"Seminar session {session_id} not found"
        )
    overview = ctx.patok.planning.overview(code, who.person_id)
    cohort = overview.cohort
    programme = ctx.patok.queries.programme_of(cohort)
    line = session_line(view, overview.index.people, who.person_id, programme)
    roles = overview.index.roles.get(who.person_id, frozenset())
    extra: dict[str, object] = {"flash": ("error", error)} if error is not None else {}
    return render(
        request,
        "seminar.html",
        status,
        cohort=cohort,
        line=line,
        tz=cohort.timezone,
        me=who.person_id,
        scale=list(programme.grades),
        grading=programme.grading,
        cap=programme.grading.cap(programme.grades),
        coordinator=Role.COORDINATOR in roles,
        sent=sent or Sent(""),
        grade_label=lambda g: grade_label(g, lang_of(request)),
        **extra,
    )


@router.get("/seminars/{session_id}", response_class=HTMLResponse)
def seminar_session(request: Request, session_id: Id, who: SignedIn) -> Response:
    """A session: each participant's panel and scores; the forms the signed-in person may use
    (their score, the examiner's grade and re-grade)."""
    return _session_page(request, session_id, who)


def _session_write(
    request: Request,
    session_id: int,
    who: Principal,
    sent: Sent,
    run: Callable[[], tuple[str, int]],
) -> Response:
    """Run a score, grade or re-grade; back to the session (at the participant) with its message,
    or the session again with the refusal."""
    try:
        message, entry_id = run()
    except (DomainError, ValidationError) as err:
        return _refused(
            request, err, lambda s, m: _session_page(request, session_id, who, s, m, sent)
        )
    return redirect(request, f"/seminars/{session_id}#entry-{entry_id}", "ok", message)


@router.post("/seminars/{session_id}/score")
def post_score(
    request: Request,
    session_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    participant: Annotated[str, Form(max_length=254)] = "",
    score: Annotated[str, Form(max_length=40)] = "",
    entry: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """A panel member (examiner, mentor, coach) scores a participant they sit on."""
    check_form(request, who, csrf_token)
    lang = lang_of(request)

    def run() -> tuple[str, int]:
        result = context_of(request).patok.seminars.score(
            ScoreSeminar(
                actor_id=who.person_id,
                session_id=session_id,
                participant=participant,
                score=_score(score),
            )
        )
        return text("sem.done.scored", lang, score=_score_text(_score(score))), result.entry.id

    sent = Sent("score", entry, {"score": score})
    return _session_write(request, session_id, who, sent, run)


@router.post("/seminars/{session_id}/grade")
def post_grade(
    request: Request,
    session_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    participant: Annotated[str, Form(max_length=254)] = "",
    grade: Annotated[str, Form(max_length=60)] = "",
    remediation: Annotated[str, Form(max_length=20)] = "",
    entry: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The participant's examiner records the grade: given on the programme's scale, or (left
    empty) derived from the panel's mean score. A failing grade opens a remediation."""
    check_form(request, who, csrf_token)
    lang = lang_of(request)

    def run() -> tuple[str, int]:
        result = context_of(request).patok.seminars.grade(
            GradeSeminar(
                actor_id=who.person_id,
                session_id=session_id,
                participant=participant,
                grade=grade.strip() or None,
                remediation=_remediation_kind(remediation),
            )
        )
        given = grade_label(str(result.payload["grade"]), lang)
        message = text("sem.done.graded", lang, grade=given)
        if result.remediation_id is not None:
            message += " " + text("sem.done.remediation", lang, id=result.remediation_id)
        return message, result.entry.id

    sent = Sent("grade", entry, {"grade": grade, "remediation": remediation})
    return _session_write(request, session_id, who, sent, run)


@router.post("/seminars/{session_id}/regrade")
def post_regrade(
    request: Request,
    session_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    remediation: Annotated[int, Form(ge=1, le=2**31 - 1)] = 0,
    grade: Annotated[str, Form(max_length=60)] = "",
    score: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
    entry: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The examiner re-grades after the remediation: a grade (at most the programme's cap) or a
    score whose grade is capped."""
    check_form(request, who, csrf_token)
    lang = lang_of(request)

    def run() -> tuple[str, int]:
        result = context_of(request).patok.seminars.regrade(
            RegradeRemediation(
                actor_id=who.person_id,
                remediation_id=remediation,
                grade=grade.strip() or None,
                score=_score(score, ("Nilai ulang", "The re-score")) if score.strip() else None,
                note=note,
            )
        )
        message = text(
            "sem.done.regraded", lang, grade=grade_label(str(result.payload["grade"]), lang)
        )
        if result.payload.get("capped"):
            message += " " + text("sem.capped", lang)
        return message, result.entry.id

    sent = Sent("regrade", entry, {"grade": grade, "score": score, "note": note})
    return _session_write(request, session_id, who, sent, run)


# --- what waits for the signed-in person ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Waiting:
    """A participant waiting for the signed-in person's score, grade or re-grade."""

    cohort: Cohort
    line: SessionLine
    entry: EntryLine
    what: str


@router.get("/seminars", response_class=HTMLResponse)
def seminar_inbox(request: Request, who: SignedIn) -> Response:
    """Seminars waiting for the signed-in person: participants they still have to score (as
    examiner, mentor or coach), grade or re-grade (as examiner), the earliest session first."""
    ctx = context_of(request)
    waiting: list[Waiting] = []
    for code in ctx.patok.queries.cohorts_for(who.person_id, Action.VIEW_BENCHMARKING).values():
        views = ctx.patok.seminars.sessions(code, who.person_id)
        seated = (
            who.person_id in panel_of(e, v.projects[e.project_id]) for v in views for e in v.entries
        )
        if not any(seated):
            continue
        overview = ctx.patok.planning.overview(code, who.person_id)
        programme = ctx.patok.queries.programme_of(overview.cohort)
        for v in views:
            line = session_line(v, overview.index.people, who.person_id, programme)
            for e in line.entries:
                what = e.pending(who.person_id)
                if what is not None:
                    waiting.append(Waiting(overview.cohort, line, e, what))
    waiting.sort(key=lambda w: (w.line.session.starts_at, w.line.session.id, w.entry.entry.id))
    return render(
        request,
        "seminar_inbox.html",
        waiting=waiting,
        grade_label=lambda g: grade_label(g, lang_of(request)),
    )


# --- a participant's record -----------------------------------------------------------------


@router.get("/projects/{project_id}/record", response_class=HTMLResponse)
def seminar_record(request: Request, project_id: Id, who: SignedIn) -> Response:
    """A participant's seminars: scores, grades, remediation and the certificate's status, with
    the printable record to download (HTML, PDF)."""
    ctx = context_of(request)
    record = ctx.patok.seminars.record(project_id, who.person_id)
    fixes = {r.entry_id: r for r in record.remediations}
    entries = sorted(record.entries, key=lambda e: (record.sessions[e.session_id].starts_at, e.id))
    return render(
        request,
        "record.html",
        r=record,
        tz=record.cohort.timezone,
        people=record.people,
        entries=entries,
        fixes=fixes,
        scores_of=lambda e: sorted(
            (s for s in record.scores if s.entry_id == e.id),
            key=lambda s: PANEL_ORDER.index(s.role),
        ),
        reasons=record.certificate.reasons(lang_of(request)),
        grade_label=lambda g: grade_label(g, lang_of(request)),
    )
