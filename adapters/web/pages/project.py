"""The project page and its forms: submit (with files), decide, extensions, withdraw, reopen;
and the mentor's inbox, where pending decisions are taken on one screen."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from adapters.i18n import Lang, label
from adapters.web.api.projects import file_response
from adapters.web.lang import lang_of
from adapters.web.pages.common import (
    Id,
    act,
    check_form,
    context_of,
    iso_local,
    redirect,
    render,
    safe_next,
    signed_in,
)
from adapters.web.pages.content import pick
from adapters.web.texts import text
from adapters.web.uploads import upload
from domain.commands import (
    ApproveStage,
    ReopenStage,
    RequestChanges,
    RequestExtension,
    SubmitStage,
    WithdrawProject,
)
from domain.content import KIND_LABELS as ADOPTION_LABELS
from domain.errors import DomainError, ValidationFailed
from domain.model import ArtifactUpload, Submission
from domain.roles import Role
from domain.seminars import grade_label
from states.accounts import Principal
from states.lifecycle import split_state
from states.queries import payload_of

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]
Csrf = Annotated[str, Form(max_length=200)]
Version = Annotated[int | None, Form()]


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project_page(request: Request, project_id: Id, who: SignedIn) -> Response:
    """A project: what is due next on both clocks, the forms the person may use now, its stages
    with submissions, files and decisions, and its timeline from the audit log."""
    ctx = context_of(request)
    o = ctx.patok.queries.overview(project_id, who.person_id)
    d = o.details
    stage_code, gate = split_state(d.project.state)
    current = d.stages[-1] if d.stages else None
    stage_def = o.programme.stage(stage_code) if stage_code else None
    specs = {a.code: a for a in o.programme.artifacts}
    calendar = ctx.patok.engine.calendar(d.cohort.timezone)
    now = ctx.patok.engine.clock.now()
    late_participant = (
        calendar.working_days_late(current.due_at, now)
        if current is not None and gate is not None and gate.value in ("drafting", "changes_requested")
        else 0
    )
    late_approver = (
        calendar.working_days_late(current.decision_due_at, now)
        if current is not None and current.decision_due_at is not None and gate is not None
        and gate.value == "submitted"
        else 0
    )
    submitted_late = (
        calendar.working_days_late(current.due_at, current.submitted_at)
        if current is not None and current.submitted_at is not None
        else 0
    )
    subs_by_stage: dict[int, list[Submission]] = {}
    for s in d.submissions:
        subs_by_stage.setdefault(s.stage_instance_id, []).append(s)
    decision_of = {x.submission_id: x for x in d.decisions}
    approvers = ", ".join(
        text(r.value, lang_of(request)) for r in (stage_def.approvers if stage_def else [])
    )
    return render(
        request,
        "project.html",
        o=o,
        d=d,
        p=d.project,
        tz=d.cohort.timezone,
        stage_code=stage_code,
        gate=gate.value if gate else None,
        current=current,
        stage_def=stage_def,
        specs=specs,
        late_participant=late_participant,
        late_approver=late_approver,
        submitted_late=submitted_late,
        subs_by_stage=subs_by_stage,
        decision_of=decision_of,
        approvers=approvers,
        timeline=[
            (entry, timeline_facts(payload_of(entry), d.cohort.timezone, lang_of(request)))
            for entry in reversed(o.history)
        ],
        pending_ext=[e for e in o.extensions if e.status == "pending"],
        is_participant=Role.PARTICIPANT in o.relations,
    )


TIMELINE_KEYS = (
    "stage",
    "submission",
    "lesson",
    "milestone",
    "title",
    "decision",
    "score",
    "grade",
    "comment",
    "reason",
    "note",
    "new_due_date",
    "due_at",
    "next_stage",
    "next_due_at",
)
"""The facts of an audit entry the timeline shows, in this order (when the entry has them)."""


def timeline_facts(payload: dict[str, Any], tz: str, lang: Lang) -> list[tuple[str, str]]:
    """What an audit entry's payload says, as (label, value) pairs in ``lang``: stages and
    decisions named, instants in the cohort's zone, dates as people write them."""
    facts = []
    for key in TIMELINE_KEYS:
        value = payload.get(key)
        if value is None or value == "" or value == []:
            continue
        facts.append((text(f"timeline.{key}", lang), _fact(key, value, tz, lang)))
    return facts


def _fact(key: str, value: object, tz: str, lang: Lang) -> str:
    shown = str(value)
    if key in ("stage", "next_stage"):
        return label(shown, lang)
    if key in ("submission", "lesson", "milestone"):
        return f"#{shown}"
    if key == "decision":
        return pick(ADOPTION_LABELS.get(shown), lang, shown)
    if key == "grade":
        return grade_label(shown, lang)
    if key in ("due_at", "next_due_at"):
        return iso_local(value, tz)
    if key == "new_due_date":
        try:
            return date.fromisoformat(shown).strftime("%d-%m-%Y")
        except ValueError:
            return shown
    return shown


async def _artifacts(request: Request, kinds: list[str]) -> tuple[ArtifactUpload, ...]:
    form = await request.form()
    out = []
    for kind in kinds:
        for item in form.getlist(f"file__{kind}"):
            if isinstance(item, UploadFile) and item.filename:
                content = await item.read()
                out.append(upload(kind, item.filename, item.content_type or "", content))
    return tuple(out)


@router.post("/projects/{project_id}/submit")
async def submit_page(request: Request, project_id: Id) -> Response:
    """Submit the current stage with its files (multipart form: ``file__<kind>`` per artifact)."""
    who = await run_in_threadpool(signed_in, request)
    form = await request.form()
    check_form(request, who, str(form.get("csrf_token") or ""))
    ctx = context_of(request)
    lang = lang_of(request)
    back = f"/projects/{project_id}"
    try:
        kinds = [str(k) for k in form.getlist("kinds")]
        uploads = await _artifacts(request, kinds)
        raw_version = str(form.get("expected_version") or "")
        version = int(raw_version) if raw_version.isdigit() else None
        note = str(form.get("note") or "")[:4000]
    except (DomainError, ValueError) as err:
        message = err.text(lang) if isinstance(err, DomainError) else str(err)
        return redirect(request, back, "error", message)

    def run() -> str:
        result = ctx.patok.engine.submit(
            SubmitStage(
                actor_id=who.person_id,
                project_id=project_id,
                note=note,
                artifacts=uploads,
                expected_version=version,
            )
        )
        return text("done." + result.event, lang)

    response: Response = await run_in_threadpool(act, request, back, run)
    return response


@router.post("/projects/{project_id}/decide")
def decide(
    request: Request,
    project_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    decision: Annotated[str, Form(max_length=20)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
    expected_version: Version = None,
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Approve, or request changes with a comment."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)

    def run() -> str:
        if decision == "approve":
            result = ctx.patok.engine.approve(
                ApproveStage(
                    actor_id=who.person_id,
                    project_id=project_id,
                    comment=comment,
                    expected_version=expected_version,
                )
            )
        elif decision == "request_changes":
            result = ctx.patok.engine.request_changes(
                RequestChanges(
                    actor_id=who.person_id,
                    project_id=project_id,
                    comment=comment,
                    expected_version=expected_version,
                )
            )
        else:
            raise ValidationFailed(
                "Pilih setujui atau minta perbaikan", "Choose approve or request changes"
            )
        return text("done." + result.event, lang)

    return act(request, safe_next(back, f"/projects/{project_id}"), run)


@router.post("/projects/{project_id}/withdraw")
def withdraw(
    request: Request,
    project_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    expected_version: Version = None,
) -> Response:
    """A coordinator withdraws the project."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)

    def run() -> str:
        result = ctx.patok.engine.withdraw(
            WithdrawProject(
                actor_id=who.person_id,
                project_id=project_id,
                reason=reason,
                expected_version=expected_version,
            )
        )
        return text("done." + result.event, lang)

    return act(request, f"/projects/{project_id}", run)


@router.post("/projects/{project_id}/reopen")
def reopen(
    request: Request,
    project_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    stage: Annotated[str, Form(max_length=32)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    expected_version: Version = None,
) -> Response:
    """A coordinator reopens an earlier stage."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)

    def run() -> str:
        result = ctx.patok.engine.reopen(
            ReopenStage(
                actor_id=who.person_id,
                project_id=project_id,
                stage=stage,
                reason=reason,
                expected_version=expected_version,
            )
        )
        return text("done." + result.event, lang)

    return act(request, f"/projects/{project_id}", run)


@router.post("/projects/{project_id}/extension")
def request_extension(
    request: Request,
    project_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    new_due_date: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """The participant asks for a later deadline."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)

    def run() -> str:
        try:
            day = date.fromisoformat(new_due_date)
        except ValueError:
            raise ValidationFailed(
                f"Tanggal tidak sah: {new_due_date!r} (YYYY-MM-DD)",
                f"Not a date: {new_due_date!r} (YYYY-MM-DD)",
            ) from None
        result = ctx.patok.extensions.request(
            RequestExtension(
                actor_id=who.person_id, project_id=project_id, reason=reason, new_due_date=day
            )
        )
        return text("done." + result.event, lang)

    return act(request, f"/projects/{project_id}", run)


@router.get("/projects/{project_id}/files/{sha256}")
def file_download(request: Request, project_id: Id, sha256: str, who: SignedIn) -> Response:
    """A submitted file, for those who may see the project."""
    return file_response(context_of(request), who, project_id, sha256)


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(request: Request, who: SignedIn) -> Response:
    """Pending decisions, the most overdue first, each with approve / request changes and a
    comment on the same screen; then the extension requests waiting for the person."""
    ctx = context_of(request)
    items = ctx.patok.queries.inbox(who.person_id)
    extensions = ctx.patok.queries.extensions_to_decide(who.person_id)
    return render(request, "inbox.html", items=items, extensions=extensions)
