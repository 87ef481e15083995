"""Projects: list and show, history, files, and every command on a project."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from adapters.web.api.deps import Ctx, Pages, Reader, Writer
from adapters.web.api.schemas import (
    ArtifactOut,
    CommandOut,
    DecideIn,
    DecisionOut,
    ExtensionIn,
    HistoryEntryOut,
    Page,
    ProjectOut,
    ProjectSummary,
    ReasonIn,
    ReopenIn,
    StageOut,
    SubmissionOut,
    SubmitIn,
    alert_out,
    command_out,
    extension_out,
    file_url,
    history_out,
    page,
    person_brief,
)
from adapters.web.context import WebContext
from adapters.web.uploads import upload
from domain.commands import (
    ApproveStage,
    ReopenStage,
    RequestChanges,
    RequestExtension,
    SubmitStage,
    WithdrawProject,
)
from domain.errors import ValidationFailed
from domain.model import ArtifactUpload
from states.accounts import Principal
from states.queries import ProjectOverview

router = APIRouter(tags=["projects"])
ProjectId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Sha = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


def project_out(o: ProjectOverview) -> ProjectOut:
    """A project overview as the API shows it."""
    d = o.details
    p = d.project
    code = d.cohort.code
    return ProjectOut(
        id=p.id,
        cohort=code,
        title=p.title,
        state=p.state,
        version=p.version,
        participant=person_brief(d.people[p.participant_id]),
        mentor=person_brief(d.people[p.mentor_id]),
        coach=person_brief(d.people[p.coach_id]) if p.coach_id in d.people else None,
        stages=[
            StageOut(
                id=s.id,
                stage=s.stage,
                attempt=s.attempt,
                gate=s.gate.value,
                opened_at=s.opened_at,
                due_at=s.due_at,
                submitted_at=s.submitted_at,
                decided_at=s.decided_at,
                decision_due_at=s.decision_due_at,
                participant_cycle=s.participant_cycle,
            )
            for s in d.stages
        ],
        submissions=[
            SubmissionOut(
                id=s.id,
                stage_instance_id=s.stage_instance_id,
                number=s.number,
                submitted_by=s.submitted_by,
                submitted_at=s.submitted_at,
                note=s.note,
                artifacts=[
                    ArtifactOut(
                        kind=a.kind,
                        filename=a.filename,
                        media_type=a.media_type,
                        size=a.size,
                        sha256=a.sha256,
                        url=file_url(p.id, a.sha256),
                    )
                    for a in s.artifacts
                ],
            )
            for s in d.submissions
        ],
        decisions=[
            DecisionOut(
                id=x.id,
                submission_id=x.submission_id,
                decided_by=x.decided_by,
                outcome=x.outcome.value,
                comment=x.comment,
                decided_at=x.decided_at,
            )
            for x in d.decisions
        ],
        extensions=[extension_out(e) for e in o.extensions],
        open_alerts=[alert_out(code, a) for a in o.open_alerts],
        your_roles=sorted(r.value for r in o.relations),
        allowed_now=o.allowed,
        reopen_targets=o.reopen_targets,
    )


@router.get("/projects", response_model=Page[ProjectSummary])
def list_projects(
    ctx: Ctx,
    who: Reader,
    paging: Pages,
    participant: Annotated[
        str | None, Query(max_length=254, description="NIP or e-mail of the participant")
    ] = None,
    cohort: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[ProjectSummary]:
    """The projects the caller may see: their own, their mentees' and coachees', and every project
    of the cohorts they help run."""
    rows = ctx.patok.queries.visible_projects(
        who.person_id, cohort_code=cohort, participant_ref=participant, scope=who.cohort_scope
    )
    items = [
        ProjectSummary(
            id=p.id,
            cohort=code,
            title=p.title,
            state=p.state,
            version=p.version,
            participant=person_brief(person),
        )
        for p, code, person in rows
    ]
    return Page[ProjectSummary](**page(items, paging.limit, paging.offset))


@router.get("/projects/{project_id}", response_model=ProjectOut)
def show_project(project_id: ProjectId, ctx: Ctx, who: Reader) -> ProjectOut:
    """A project with its stages (both clocks), submissions, decisions, extensions, open alerts
    and what the caller may do now."""
    ctx.scope_project(who, project_id)
    return project_out(ctx.patok.queries.overview(project_id, who.person_id))


@router.get("/projects/{project_id}/history", response_model=Page[HistoryEntryOut])
def project_history(
    project_id: ProjectId, ctx: Ctx, who: Reader, paging: Pages
) -> Page[HistoryEntryOut]:
    """The project's hash-chained audit stream, oldest first."""
    ctx.scope_project(who, project_id)
    entries = ctx.patok.queries.history(project_id, who.person_id)
    return Page[HistoryEntryOut](
        **page([history_out(e) for e in entries], paging.limit, paging.offset)
    )


@router.get(
    "/projects/{project_id}/files/{sha256}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def download(project_id: ProjectId, sha256: Sha, ctx: Ctx, who: Reader) -> Response:
    """A submitted file, for those who may see the project (never rendered inline)."""
    ctx.scope_project(who, project_id)
    return file_response(ctx, who, project_id, sha256)


def file_response(ctx: WebContext, who: Principal, project_id: int, sha256: str) -> Response:
    """The download of a project's file, with headers that keep browsers from running it."""
    artifact, content = ctx.patok.queries.artifact(project_id, who.person_id, sha256)
    name = artifact.filename
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "ETag": f'"{artifact.sha256}"',
            "X-Patok-Media-Type": artifact.media_type,
            "Cache-Control": "private, no-store",
        },
    )


def _uploads(body: SubmitIn) -> tuple[ArtifactUpload, ...]:
    out = []
    for a in body.artifacts:
        try:
            content = base64.b64decode(a.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                f"{a.filename}: content_base64 bukan base64 yang sah",
                f"{a.filename}: content_base64 is not valid base64",
            ) from None
        out.append(upload(a.kind, a.filename, a.media_type, content))
    return tuple(out)


@router.post("/projects/{project_id}/submit", response_model=CommandOut)
def submit(project_id: ProjectId, body: SubmitIn, ctx: Ctx, who: Writer) -> CommandOut:
    """The participant submits the current stage with its artifacts (base64; each checked
    against the programme's types and size limits, and against its own content)."""
    ctx.scope_project(who, project_id)
    return command_out(
        ctx.patok.engine.submit(
            SubmitStage(
                actor_id=who.person_id,
                project_id=project_id,
                note=body.note,
                artifacts=_uploads(body),
                expected_version=body.expected_version,
            )
        )
    )


@router.post("/projects/{project_id}/approve", response_model=CommandOut)
def approve(project_id: ProjectId, body: DecideIn, ctx: Ctx, who: Writer) -> CommandOut:
    """An approver of the stage approves the pending submission; the next stage opens."""
    ctx.scope_project(who, project_id)
    return command_out(
        ctx.patok.engine.approve(
            ApproveStage(
                actor_id=who.person_id,
                project_id=project_id,
                comment=body.comment,
                expected_version=body.expected_version,
            )
        )
    )


@router.post("/projects/{project_id}/request-changes", response_model=CommandOut)
def request_changes(project_id: ProjectId, body: DecideIn, ctx: Ctx, who: Writer) -> CommandOut:
    """An approver sends the pending submission back, saying what to change."""
    ctx.scope_project(who, project_id)
    return command_out(
        ctx.patok.engine.request_changes(
            RequestChanges(
                actor_id=who.person_id,
                project_id=project_id,
                comment=body.comment,
                expected_version=body.expected_version,
            )
        )
    )


@router.post("/projects/{project_id}/withdraw", response_model=CommandOut)
def withdraw(project_id: ProjectId, body: ReasonIn, ctx: Ctx, who: Writer) -> CommandOut:
    """A coordinator withdraws the project, with a reason."""
    ctx.scope_project(who, project_id)
    return command_out(
        ctx.patok.engine.withdraw(
            WithdrawProject(
                actor_id=who.person_id,
                project_id=project_id,
                reason=body.reason,
                expected_version=body.expected_version,
            )
        )
    )


@router.post("/projects/{project_id}/reopen", response_model=CommandOut)
def reopen(project_id: ProjectId, body: ReopenIn, ctx: Ctx, who: Writer) -> CommandOut:
    """A coordinator reopens an earlier stage, with a reason."""
    ctx.scope_project(who, project_id)
    return command_out(
        ctx.patok.engine.reopen(
            ReopenStage(
                actor_id=who.person_id,
                project_id=project_id,
                stage=body.stage,
                reason=body.reason,
                expected_version=body.expected_version,
            )
        )
    )


@router.post("/projects/{project_id}/extensions", response_model=CommandOut, status_code=201)
def request_extension(
    project_id: ProjectId, body: ExtensionIn, ctx: Ctx, who: Writer
) -> CommandOut:
    """The participant asks for a later deadline on the current stage, saying why."""
    ctx.scope_project(who, project_id)
    return command_out(
        ctx.patok.extensions.request(
            RequestExtension(
                actor_id=who.person_id,
                project_id=project_id,
                reason=body.reason,
                new_due_date=body.new_due_date,
                expected_version=body.expected_version,
            )
        )
    )

