"""Benchmarking to Best Practice: a cohort's host partners (recorded, corrected, removed),
groups (with their reports) and visits (planned with their agenda, changed, cancelled), and the
import of a whole plan — what ``patok host|group|visit`` do.

Coordinators plan (anyone in the cohort may read); a group's members and the coordinators upload
its report. A refused plan names every problem with its field (or its line and field, for an
imported file) and stores nothing.
"""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request

from adapters.web.api.bench_schemas import (
    AgendaIn,
    CohortCode,
    GroupChangeIn,
    GroupIn,
    GroupOut,
    GroupReportIn,
    GroupReportOut,
    HostChangeIn,
    HostIn,
    HostOut,
    PlanCode,
    PlanImportIn,
    PlanOut,
    VisitCancelIn,
    VisitChangedOut,
    VisitChangeIn,
    VisitIn,
    VisitOut,
    group_report_out,
    groups_out,
    host_out,
    plan_out,
    visit_changed_out,
    visit_out,
)
from adapters.web.api.deps import Ctx, Pages, Reader, Writer
from adapters.web.api.schemas import Page, page
from adapters.web.lang import lang_of
from adapters.web.uploads import upload
from domain.bench_commands import (
    AddAgendaItem,
    CancelVisit,
    ChangeGroup,
    ChangeHost,
    ChangeVisit,
    FormGroup,
    ImportPlan,
    PlanVisit,
    RecordHost,
    RemoveHost,
    UploadGroupReport,
)
from domain.benchmarking import AgendaSpec, Contact, GroupSpec, HostSpec, VisitSpec
from domain.errors import ValidationFailed
from domain.problems import Where
from domain.visit_plan import parse_plan

router = APIRouter(tags=["benchmarking"])


def _at(name: str) -> Where:
    """A body field as the location a problem names."""
    return name, name


def _agenda(item: AgendaIn, prefix: str = "") -> AgendaSpec:
    return AgendaSpec(
        day=item.date,
        host=item.host,
        topic=item.topic,
        starts=item.start,
        ends=item.end,
        group=item.group,
        where={
            name: _at(f"{prefix}{name}") for name in ("date", "host", "topic", "start", "end", "group")
        },
    )


def decode_base64(filename: str, content_base64: str) -> bytes:
    """The bytes of a file sent as base64; a 422 naming the file when it is not base64."""
    try:
        return base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            f"{filename}: content_base64 bukan base64 yang sah",
            f"{filename}: content_base64 is not valid base64",
        ) from None


# -- host partners --------------------------------------------------------------------------------


@router.get("/cohorts/{code}/hosts", response_model=Page[HostOut])
def list_hosts(code: CohortCode, ctx: Ctx, who: Reader, paging: Pages) -> Page[HostOut]:
    """The cohort's host partners (anyone in the cohort)."""
    ctx.scope_cohort(who, code)
    overview = ctx.patok.planning.overview(code, who.person_id)
    return Page[HostOut](
        **page([host_out(h) for h in overview.hosts], paging.limit, paging.offset)
    )


@router.post("/cohorts/{code}/hosts", response_model=PlanOut, status_code=201)
def record_host(
    code: CohortCode, body: HostIn, request: Request, ctx: Ctx, who: Writer
) -> PlanOut:
    """A coordinator records a host partner: one unit of a host agency, its city and zone, what
    is studied there, why it was chosen and a contact person."""
    ctx.scope_cohort(who, code)
    contact = body.contact
    spec = HostSpec(
        code=body.code,
        agency=body.agency,
        unit=body.unit,
        city=body.city,
        timezone=body.timezone,
        province=body.province,
        focus=body.focus,
        reasons=tuple(body.reasons),
        contact=None
        if contact is None
        else Contact(name=contact.name, role=contact.role, phone=contact.phone, email=contact.email),
        where={
            name: _at(name) for name in ("code", "agency", "unit", "city", "timezone", "contact")
        },
    )
    outcome = ctx.patok.planning.record_host(
        RecordHost(actor_id=who.person_id, cohort_code=code, host=spec)
    )
    return plan_out(outcome, lang_of(request))


@router.post("/cohorts/{code}/hosts/{host}", response_model=HostOut)
def change_host(
    code: CohortCode, host: PlanCode, body: HostChangeIn, ctx: Ctx, who: Writer
) -> HostOut:
    """A coordinator corrects a host partner (checked as when it was recorded; its code stays);
    answers the host partner as it is now."""
    ctx.scope_cohort(who, code)
    changed = ctx.patok.planning.change_host(
        ChangeHost(
            actor_id=who.person_id,
            cohort_code=code,
            code=host,
            agency=body.agency,
            unit=body.unit,
            city=body.city,
            timezone=body.timezone,
            province=body.province,
            focus=body.focus,
            reasons=None if body.reasons is None else tuple(body.reasons),
            contact_name=body.contact_name,
            contact_role=body.contact_role,
            contact_phone=body.contact_phone,
            contact_email=body.contact_email,
            clear_contact=body.clear_contact,
        )
    )
    return host_out(changed)


@router.post("/cohorts/{code}/hosts/{host}/remove", response_model=HostOut)
def remove_host(code: CohortCode, host: PlanCode, ctx: Ctx, who: Writer) -> HostOut:
    """A coordinator removes a host partner that no lesson and no visit's agenda refers to
    (refused naming them otherwise); the groups that studied it lose it from their host units.
    Answers the host partner as it was."""
    ctx.scope_cohort(who, code)
    removed = ctx.patok.planning.remove_host(
        RemoveHost(actor_id=who.person_id, cohort_code=code, code=host)
    )
    return host_out(removed)


# -- groups ---------------------------------------------------------------------------------------


@router.get("/cohorts/{code}/groups", response_model=Page[GroupOut])
def list_groups(code: CohortCode, ctx: Ctx, who: Reader, paging: Pages) -> Page[GroupOut]:
    """The cohort's groups with their members, host units and report versions (anyone in the
    cohort)."""
    ctx.scope_cohort(who, code)
    overview = ctx.patok.planning.overview(code, who.person_id)
    return Page[GroupOut](**page(groups_out(overview), paging.limit, paging.offset))


@router.post("/cohorts/{code}/groups", response_model=PlanOut, status_code=201)
def form_group(
    code: CohortCode, body: GroupIn, request: Request, ctx: Ctx, who: Writer
) -> PlanOut:
    """A coordinator forms a group with its theme, members (each participant in one group
    only; at least one) and host units."""
    ctx.scope_cohort(who, code)
    spec = GroupSpec(
        code=body.code,
        theme=body.theme,
        members=tuple(body.members),
        hosts=tuple(body.hosts),
        where={name: _at(name) for name in ("code", "theme", "members", "hosts")},
    )
    outcome = ctx.patok.planning.form_group(
        FormGroup(actor_id=who.person_id, cohort_code=code, group=spec)
    )
    return plan_out(outcome, lang_of(request))


@router.post("/cohorts/{code}/groups/{group}", response_model=GroupOut)
def change_group(
    code: CohortCode, group: PlanCode, body: GroupChangeIn, ctx: Ctx, who: Writer
) -> GroupOut:
    """A coordinator changes a group's theme, adds or removes members and host units (a group
    is never left without members); answers the group as it is now."""
    ctx.scope_cohort(who, code)
    ctx.patok.planning.change_group(
        ChangeGroup(
            actor_id=who.person_id,
            cohort_code=code,
            code=group,
            theme=body.theme,
            add_members=tuple(body.add_members),
            remove_members=tuple(body.remove_members),
            add_hosts=tuple(body.add_hosts),
            remove_hosts=tuple(body.remove_hosts),
        )
    )
    overview = ctx.patok.planning.overview(code, who.person_id)
    return next(g for g in groups_out(overview) if g.code == group)


@router.post("/cohorts/{code}/groups/{group}/report", response_model=GroupReportOut, status_code=201)
def upload_group_report(
    code: CohortCode, group: PlanCode, body: GroupReportIn, ctx: Ctx, who: Writer
) -> GroupReportOut:
    """A member of the group (or a coordinator) uploads the group's report, base64; each upload
    is a new version. The file must be of a type the programme allows for that report and its
    content must be what its type says."""
    ctx.scope_cohort(who, code)
    content = decode_base64(body.filename, body.content_base64)
    kind = body.kind
    if kind is None:
        kinds = ctx.patok.planning.group_artifacts(code)
        kind = kinds[0] if len(kinds) == 1 else ""  # the service names the kinds there are
    report = ctx.patok.planning.upload_group_report(
        UploadGroupReport(
            actor_id=who.person_id,
            cohort_code=code,
            group_code=group,
            upload=upload(kind, body.filename, body.media_type, content),
        )
    )
    return group_report_out(report)


# -- visits ---------------------------------------------------------------------------------------


@router.get("/cohorts/{code}/visits", response_model=Page[VisitOut])
def list_visits(code: CohortCode, ctx: Ctx, who: Reader, paging: Pages) -> Page[VisitOut]:
    """The cohort's visits with their agenda, participants and companions, and where each
    stands today (anyone in the cohort)."""
    ctx.scope_cohort(who, code)
    overview = ctx.patok.planning.overview(code, who.person_id)
    return Page[VisitOut](
        **page([visit_out(v, overview) for v in overview.visits], paging.limit, paging.offset)
    )


@router.post("/cohorts/{code}/visits", response_model=PlanOut, status_code=201)
def plan_visit(
    code: CohortCode, body: VisitIn, request: Request, ctx: Ctx, who: Writer
) -> PlanOut:
    """A coordinator plans a visit. A participant booked on another visit whose days overlap is
    refused; visit days that are weekends or holidays at the host come back as warnings."""
    ctx.scope_cohort(who, code)
    spec = VisitSpec(
        code=body.code,
        start=body.start_date,
        end=body.end_date,
        host_agency=body.host_agency,
        city=body.city,
        timezone=body.timezone,
        groups=tuple(body.groups),
        participants=tuple(body.participants),
        companions=tuple(body.companions),
        agenda=tuple(_agenda(a, f"agenda[{n}].") for n, a in enumerate(body.agenda)),
        note=body.note,
        where={
            "code": _at("code"),
            "start": _at("start_date"),
            "end": _at("end_date"),
            "host": _at("host_agency"),
            "city": _at("city"),
            "timezone": _at("timezone"),
            "groups": _at("groups"),
            "participants": _at("participants"),
            "companions": _at("companions"),
        },
    )
    outcome = ctx.patok.planning.plan_visit(
        PlanVisit(actor_id=who.person_id, cohort_code=code, visit=spec)
    )
    return plan_out(outcome, lang_of(request))


@router.post("/cohorts/{code}/visits/{visit}", response_model=VisitChangedOut)
def change_visit(
    code: CohortCode,
    visit: PlanCode,
    body: VisitChangeIn,
    request: Request,
    ctx: Ctx,
    who: Writer,
) -> VisitChangedOut:
    """A coordinator changes a visit: its days, host agency, city, zone or note, the groups it
    books (their members join or leave with them), single participants and companions. Nobody
    may end up on two visits whose days overlap and a visit keeps a participant, or nothing is
    stored; new days that are weekends or holidays at the host come back as warnings."""
    ctx.scope_cohort(who, code)
    outcome = ctx.patok.planning.change_visit(
        ChangeVisit(
            actor_id=who.person_id,
            cohort_code=code,
            code=visit,
            start=body.start,
            end=body.end,
            host_agency=body.host_agency,
            city=body.city,
            timezone=body.timezone,
            note=body.note,
            add_groups=tuple(body.add_groups),
            remove_groups=tuple(body.remove_groups),
            add_participants=tuple(body.add_participants),
            remove_participants=tuple(body.remove_participants),
            add_companions=tuple(body.add_companions),
            remove_companions=tuple(body.remove_companions),
        )
    )
    overview = ctx.patok.planning.overview(code, who.person_id)
    return visit_changed_out(outcome, overview, lang_of(request))


@router.post("/cohorts/{code}/visits/{visit}/cancel", response_model=VisitChangedOut)
def cancel_visit(
    code: CohortCode,
    visit: PlanCode,
    body: VisitCancelIn,
    request: Request,
    ctx: Ctx,
    who: Writer,
) -> VisitChangedOut:
    """A coordinator cancels a visit that has not ended, with a reason: it is deleted with its
    agenda, participants and companions (the audit entry keeps what it was). Answers the visit
    as it was."""
    ctx.scope_cohort(who, code)
    outcome = ctx.patok.planning.cancel_visit(
        CancelVisit(actor_id=who.person_id, cohort_code=code, code=visit, reason=body.reason)
    )
    overview = ctx.patok.planning.overview(code, who.person_id)
    return visit_changed_out(outcome, overview, lang_of(request))


@router.post("/cohorts/{code}/visits/{visit}/agenda", response_model=VisitOut, status_code=201)
def add_agenda_item(
    code: CohortCode, visit: PlanCode, body: AgendaIn, ctx: Ctx, who: Writer
) -> VisitOut:
    """A coordinator adds an item to a visit's agenda (a day of the visit, at a host unit, for a
    group or for all); answers the visit as it is now."""
    ctx.scope_cohort(who, code)
    ctx.patok.planning.add_agenda_item(
        AddAgendaItem(
            actor_id=who.person_id, cohort_code=code, visit_code=visit, item=_agenda(body)
        )
    )
    overview = ctx.patok.planning.overview(code, who.person_id)
    return next(visit_out(v, overview) for v in overview.visits if v.code == visit)


@router.post("/cohorts/{code}/plan", response_model=PlanOut, status_code=201)
def import_plan(
    code: CohortCode, body: PlanImportIn, request: Request, ctx: Ctx, who: Writer
) -> PlanOut:
    """A coordinator imports a plan — YAML with ``hosts``, ``groups`` and ``visits``, or CSV with
    one row per agenda item — all of it or nothing: a refusal (``invalid_plan``) names every
    problem with its line and field."""
    ctx.scope_cohort(who, code)
    source = body.source or f"plan.{body.format}"
    plan = parse_plan(body.content, body.format, source)
    outcome = ctx.patok.planning.import_plan(
        ImportPlan(actor_id=who.person_id, cohort_code=code, plan=plan)
    )
    return plan_out(outcome, lang_of(request))
