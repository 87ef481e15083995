"""The coordinator's benchmarking page of a cohort: host partners, groups (theme, members, host
units, reports), visits (days, the groups they booked, agenda, participants, companions, holiday
and weekend warnings), slipped milestones — and the forms that plan them: record, correct and
remove host partners; form and change groups; plan, change and cancel visits and add to their
agenda; import a plan file.

``GET /cohorts/{code}/benchmarking`` is open to everyone in the cohort (coaches and examiners see
it read-only); its forms post under ``/cohorts/{code}/benchmarking/…`` and go through
:class:`states.benchmarking.Planning`, which decides who may plan (the cohort's coordinators).
A plan file (YAML or CSV) is imported all or nothing; a refusal re-renders the page with every
problem (for a file, each with its line and field) and the form as it was filled in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from adapters.i18n import Lang
from adapters.web.lang import lang_of
from adapters.web.pages.common import check_form, context_of, redirect, render, signed_in
from adapters.web.pages.content import Refusal, parse_day, pick, refusal, where
from adapters.web.texts import text
from domain import policy
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
)
from domain.benchmarking import (
    AgendaSpec,
    Contact,
    GroupSpec,
    HostPartner,
    HostSpec,
    Visit,
    VisitSpec,
    normalise_timezone,
    visit_day_warnings,
)
from domain.content import STATUS_LABELS, TERM_LABELS
from domain.errors import DomainError, Forbidden, PlanError, ValidationFailed
from domain.model import TIMEZONES
from domain.roles import Action, Role
from domain.visit_plan import parse_plan, plan_format
from states.accounts import Principal
from states.benchmarking import PlanOutcome, VisitOutcome
from states.content import SlippedMilestone

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]
Csrf = Annotated[str, Form(max_length=200)]
Code = Annotated[str, Form(max_length=40)]
ShortText = Annotated[str, Form(max_length=500)]
LongText = Annotated[str, Form(max_length=4000)]
Many = Annotated[list[str] | None, Form()]
Day = Annotated[str, Form(max_length=10)]
Clock = Annotated[str, Form(max_length=5)]

PLAN_MAX_BYTES = 2 * 1024 * 1024
"""The largest plan file the page accepts (a cohort's plan is a few kilobytes)."""


def _roles(request: Request, code: str, who: Principal) -> frozenset[Role]:
    ctx = context_of(request)
    with ctx.patok.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(code)
        assert cohort.id is not None
        return uow.cohorts.roles_of(cohort.id, who.person_id)


def _slipped(request: Request, code: str, who: Principal) -> list[SlippedMilestone] | None:
    """The cohort's slipped milestones, for those who watch them (None for the others)."""
    try:
        return context_of(request).patok.content.slipped(who.person_id, code)
    except Forbidden:
        return None


def _page(
    request: Request,
    code: str,
    who: Principal,
    *,
    problem: Refusal | None = None,
    failed: str = "",
    values: Mapping[str, Any] | None = None,
) -> Response:
    ctx = context_of(request)
    lang = lang_of(request)
    o = ctx.patok.planning.overview(code, who.person_id)
    roles = _roles(request, code, who)
    index = o.index
    hosts = {h.id: h for h in o.hosts}
    groups = {g.id: g for g in o.groups}
    group_of = {pid: g.code for g in o.groups for pid in g.member_ids}
    participants = sorted(
        (
            (pid, index.people[p.participant_id].nip, index.people[p.participant_id].name)
            for pid, p in index.projects.items()
        ),
        key=lambda row: row[2],
    )
    staff = sorted(
        (
            (
                person.nip,
                person.name,
                ", ".join(text(r.value, lang) for r in sorted(index.roles.get(pid, frozenset()))),
            )
            for pid, person in index.people.items()
            if index.roles.get(pid, frozenset())
            & {Role.MENTOR, Role.COACH, Role.EXAMINER, Role.COORDINATOR}
        ),
        key=lambda row: row[1],
    )
    warnings = {
        v.id: [
            pick(w, lang)
            for w in visit_day_warnings(
                ctx.patok.engine.calendar(v.timezone), v.start_date, v.end_date
            )
        ]
        for v in o.visits
    }
    booked = {v.id: [groups[g].code for g in v.group_ids if g in groups] for v in o.visits}
    companion_nips = {
        v.id: {index.people[c.person_id].nip for c in v.companions if c.person_id in index.people}
        for v in o.visits
    }
    return render(
        request,
        "planning.html",
        problem.status if problem is not None else 200,
        o=o,
        cohort=o.cohort,
        hosts=hosts,
        groups=groups,
        group_of=group_of,
        participants=participants,
        staff=staff,
        people=index.people,
        projects=index.projects,
        warnings=warnings,
        booked=booked,
        companion_nips=companion_nips,
        zones=TIMEZONES,
        may_plan=policy.is_allowed(roles, Action.PLAN_BENCHMARKING),
        may_see_projects=policy.is_allowed(roles, Action.VIEW_COHORT),
        slipped=_slipped(request, code, who),
        term=lambda v: pick(TERM_LABELS.get(v), lang, v),
        mstatus=lambda v: pick(STATUS_LABELS.get(v), lang, v),
        problem=problem,
        failed=failed,
        values=values or {},
    )


@router.get("/cohorts/{code}/benchmarking", response_class=HTMLResponse)
def planning_page(request: Request, code: str, who: SignedIn) -> Response:
    """The cohort's host partners, groups and visits, and the forms that plan them."""
    return _page(request, code, who)


def _write(
    request: Request,
    code: str,
    who: Principal,
    run: Callable[[], str],
    *,
    failed: str,
    values: Mapping[str, Any],
    anchor: str,
) -> Response:
    """Run a planning write: back to the page with its message, or the page with the refusal."""
    lang = lang_of(request)
    try:
        message = run()
    except Forbidden:
        raise
    except DomainError as err:
        return _page(request, code, who, problem=refusal(err, lang), failed=failed, values=values)
    return redirect(request, f"/cohorts/{code}/benchmarking#{anchor}", "ok", message)


def _done(outcome: PlanOutcome | VisitOutcome, key: str, lang: Lang, **values: object) -> str:
    """The success message with the plan's warnings (visit days that are not working days)."""
    message = text(key, lang, **values)
    warned = outcome.warnings(lang)
    if warned:
        message += " " + text("plan.warnings", lang) + ": " + "; ".join(warned)
    return message


def _clock(value: str, key: str) -> time | None:
    value = value.strip()
    if not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            f"{text(key, 'id')}: {value!r} bukan jam HH:MM",
            f"{text(key, 'en')}: {value!r} is not an HH:MM time",
        ) from None


@router.post("/cohorts/{code}/benchmarking/hosts")
def record_host(
    request: Request,
    code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    host_code: Code = "",
    agency: ShortText = "",
    unit: ShortText = "",
    city: ShortText = "",
    province: ShortText = "",
    timezone: Annotated[str, Form(max_length=20)] = "",
    focus: LongText = "",
    reasons: LongText = "",
    contact_name: ShortText = "",
    contact_role: ShortText = "",
    contact_phone: Annotated[str, Form(max_length=30)] = "",
    contact_email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    """Record a host partner: agency, unit, city, zone, focus, why chosen, contact person."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {
        "host_code": host_code,
        "agency": agency,
        "unit": unit,
        "city": city,
        "province": province,
        "timezone": timezone,
        "focus": focus,
        "reasons": reasons,
        "contact_name": contact_name,
        "contact_role": contact_role,
        "contact_phone": contact_phone,
        "contact_email": contact_email,
    }

    def run() -> str:
        contact = (
            Contact(
                name=contact_name.strip(),
                role=contact_role.strip(),
                phone=contact_phone.strip() or None,
                email=contact_email.strip() or None,
            )
            if contact_name.strip() or contact_phone.strip() or contact_email.strip()
            else None
        )
        spec = HostSpec(
            code=host_code.strip(),
            agency=agency,
            unit=unit,
            city=city,
            timezone=timezone,
            province=province,
            focus=focus,
            reasons=tuple(r.strip() for r in reasons.splitlines() if r.strip()),
            contact=contact,
            where={
                "code": where("plan.f.code"),
                "agency": where("plan.f.agency"),
                "unit": where("plan.f.unit"),
                "city": where("plan.f.city"),
                "timezone": where("plan.f.timezone"),
                "contact": where("plan.f.contact"),
            },
        )
        outcome = ctx.patok.planning.record_host(
            RecordHost(actor_id=who.person_id, cohort_code=code, host=spec)
        )
        return _done(outcome, "plan.done.host", lang, code=spec.code)

    return _write(request, code, who, run, failed="host", values=values, anchor="hosts")


def _current_host(request: Request, code: str, who: Principal, host_code: str) -> HostPartner | None:
    """The cohort's host partner with this code, as recorded (None if there is none: the
    service then names the ones there are)."""
    hosts = context_of(request).patok.planning.overview(code, who.person_id).hosts
    return next((h for h in hosts if h.code == host_code), None)


def _changed(given: str, recorded: str) -> str | None:
    """A form's value when it differs from the recorded one (a field left as it was is no
    change)."""
    return None if given.strip() == recorded.strip() else given


@router.post("/cohorts/{code}/benchmarking/hosts/{host_code}/change")
def change_host(
    request: Request,
    code: str,
    host_code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    agency: ShortText = "",
    unit: ShortText = "",
    city: ShortText = "",
    province: ShortText = "",
    timezone: Annotated[str, Form(max_length=20)] = "",
    focus: LongText = "",
    reasons: LongText = "",
    contact_name: ShortText = "",
    contact_role: ShortText = "",
    contact_phone: Annotated[str, Form(max_length=30)] = "",
    contact_email: Annotated[str, Form(max_length=254)] = "",
    no_contact: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Correct a host partner: the fields changed on the form replace the recorded ones (its
    code stays); the contact's fields merge with the recorded contact, or it is removed."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {
        "host": host_code,
        "agency": agency,
        "unit": unit,
        "city": city,
        "province": province,
        "timezone": timezone,
        "focus": focus,
        "reasons": reasons,
        "contact_name": contact_name,
        "contact_role": contact_role,
        "contact_phone": contact_phone,
        "contact_email": contact_email,
        "no_contact": no_contact,
    }

    def run() -> str:
        host = _current_host(request, code, who, host_code)
        lines = tuple(r.strip() for r in reasons.splitlines() if r.strip())
        if host is None:
            cmd = ChangeHost(actor_id=who.person_id, cohort_code=code, code=host_code)
        else:
            contact = host.contact or Contact(name="")
            zone = normalise_timezone(timezone) if timezone.strip() else host.timezone
            cmd = ChangeHost(
                actor_id=who.person_id,
                cohort_code=code,
                code=host_code,
                agency=_changed(agency, host.agency),
                unit=_changed(unit, host.unit),
                city=_changed(city, host.city),
                timezone=None if zone == host.timezone else timezone,
                province=_changed(province, host.province),
                focus=_changed(focus, host.focus),
                reasons=None if lines == tuple(host.reasons) else lines,
                contact_name=_changed(contact_name, contact.name),
                contact_role=_changed(contact_role, contact.role),
                contact_phone=_changed(contact_phone, contact.phone or ""),
                contact_email=_changed(contact_email, contact.email or ""),
                clear_contact=bool(no_contact) and host.contact is not None,
            )
        changed = ctx.patok.planning.change_host(cmd)
        return text("plan.done.host_changed", lang, code=changed.code)

    return _write(
        request, code, who, run, failed="host_change", values=values, anchor=f"host-{host_code}"
    )


@router.post("/cohorts/{code}/benchmarking/hosts/{host_code}/remove")
def remove_host(
    request: Request, code: str, host_code: str, who: SignedIn, csrf_token: Csrf = ""
) -> Response:
    """Remove a host partner no lesson and no visit's agenda refers to (refused naming them)."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)

    def run() -> str:
        removed = ctx.patok.planning.remove_host(
            RemoveHost(actor_id=who.person_id, cohort_code=code, code=host_code)
        )
        return text("plan.done.host_removed", lang, code=removed.code)

    return _write(request, code, who, run, failed="host_remove", values={}, anchor="hosts")


@router.post("/cohorts/{code}/benchmarking/groups")
def form_group(
    request: Request,
    code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    group_code: Code = "",
    theme: ShortText = "",
    members: Many = None,
    group_hosts: Many = None,
) -> Response:
    """Form a group with its theme, members (participants in no other group) and host units."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {
        "group_code": group_code,
        "theme": theme,
        "members": list(members or []),
        "group_hosts": list(group_hosts or []),
    }

    def run() -> str:
        spec = GroupSpec(
            code=group_code.strip(),
            theme=theme,
            members=tuple(members or ()),
            hosts=tuple(group_hosts or ()),
            where={
                "code": where("plan.f.code"),
                "theme": where("plan.f.theme"),
                "members": where("plan.f.members"),
                "hosts": where("plan.f.hosts"),
            },
        )
        outcome = ctx.patok.planning.form_group(
            FormGroup(actor_id=who.person_id, cohort_code=code, group=spec)
        )
        return _done(outcome, "plan.done.group", lang, code=spec.code)

    return _write(request, code, who, run, failed="group", values=values, anchor="groups")


@router.post("/cohorts/{code}/benchmarking/groups/{group_code}/change")
def change_group(
    request: Request,
    code: str,
    group_code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    theme: ShortText = "",
    add_members: Many = None,
    remove_members: Many = None,
    add_hosts: Many = None,
    remove_hosts: Many = None,
) -> Response:
    """Change a group's theme, members or host units (a group is never left without members)."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {
        "group": group_code,
        "theme": theme,
        "add_members": list(add_members or []),
        "remove_members": list(remove_members or []),
        "add_hosts": list(add_hosts or []),
        "remove_hosts": list(remove_hosts or []),
    }

    def run() -> str:
        current = next(
            (
                g
                for g in ctx.patok.planning.overview(code, who.person_id).groups
                if g.code == group_code
            ),
            None,
        )
        changed = ctx.patok.planning.change_group(
            ChangeGroup(
                actor_id=who.person_id,
                cohort_code=code,
                code=group_code,
                theme=None if current is not None and theme == current.theme else theme,
                add_members=tuple(add_members or ()),
                remove_members=tuple(remove_members or ()),
                add_hosts=tuple(add_hosts or ()),
                remove_hosts=tuple(remove_hosts or ()),
            )
        )
        return text(
            "plan.done.changed",
            lang,
            code=changed.code,
            members=len(changed.member_ids),
            hosts=len(changed.host_ids),
        )

    return _write(
        request, code, who, run, failed="change", values=values, anchor=f"group-{group_code}"
    )


@router.post("/cohorts/{code}/benchmarking/visits")
def plan_visit(
    request: Request,
    code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    visit_code: Code = "",
    date_from: Day = "",
    date_to: Day = "",
    host_agency: ShortText = "",
    city: ShortText = "",
    timezone: Annotated[str, Form(max_length=20)] = "",
    groups: Many = None,
    participants: Many = None,
    companions: Many = None,
    note: LongText = "",
) -> Response:
    """Plan a visit: host agency, city, days, groups and participants, companions; visit days
    that are weekends or holidays at the host come back as warnings."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {
        "visit_code": visit_code,
        "date_from": date_from,
        "date_to": date_to,
        "host_agency": host_agency,
        "city": city,
        "timezone": timezone,
        "groups": list(groups or []),
        "participants": list(participants or []),
        "companions": list(companions or []),
        "note": note,
    }

    def run() -> str:
        spec = VisitSpec(
            code=visit_code.strip(),
            start=parse_day(date_from, "plan.f.from"),
            end=parse_day(date_to, "plan.f.to"),
            host_agency=host_agency,
            city=city,
            timezone=timezone,
            groups=tuple(groups or ()),
            participants=tuple(participants or ()),
            companions=tuple(companions or ()),
            note=note,
            where={
                "code": where("plan.f.code"),
                "start": where("plan.f.from"),
                "end": where("plan.f.to"),
                "host": where("plan.f.host_agency"),
                "city": where("plan.f.city"),
                "timezone": where("plan.f.timezone"),
                "groups": where("plan.f.groups"),
                "participants": where("plan.f.participants"),
                "companions": where("plan.f.companions"),
            },
        )
        outcome = ctx.patok.planning.plan_visit(
            PlanVisit(actor_id=who.person_id, cohort_code=code, visit=spec)
        )
        return _done(outcome, "plan.done.visit", lang, code=spec.code)

    return _write(request, code, who, run, failed="visit", values=values, anchor="visits")


def _current_visit(request: Request, code: str, who: Principal, visit_code: str) -> Visit | None:
    """The cohort's visit with this code, as planned (None if there is none: the service then
    names the ones there are)."""
    visits = context_of(request).patok.planning.overview(code, who.person_id).visits
    return next((v for v in visits if v.code == visit_code), None)


@router.post("/cohorts/{code}/benchmarking/visits/{visit_code}/change")
def change_visit(
    request: Request,
    code: str,
    visit_code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    date_from: Day = "",
    date_to: Day = "",
    host_agency: ShortText = "",
    city: ShortText = "",
    timezone: Annotated[str, Form(max_length=20)] = "",
    note: LongText = "",
    add_groups: Many = None,
    remove_groups: Many = None,
    add_participants: Many = None,
    remove_participants: Many = None,
    add_companions: Many = None,
    remove_companions: Many = None,
) -> Response:
    """Change a visit: the days, place, zone or note changed on the form; groups booked or
    released (their members join or leave with them); single participants and companions.
    New days that are weekends or holidays at the host come back as warnings."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {
        "visit": visit_code,
        "date_from": date_from,
        "date_to": date_to,
        "host_agency": host_agency,
        "city": city,
        "timezone": timezone,
        "note": note,
        "add_groups": list(add_groups or []),
        "remove_groups": list(remove_groups or []),
        "add_participants": list(add_participants or []),
        "remove_participants": list(remove_participants or []),
        "add_companions": list(add_companions or []),
        "remove_companions": list(remove_companions or []),
    }

    def run() -> str:
        visit = _current_visit(request, code, who, visit_code)
        start = parse_day(date_from, "plan.f.from")
        end = parse_day(date_to, "plan.f.to")
        zone = normalise_timezone(timezone) if timezone.strip() else None
        outcome = ctx.patok.planning.change_visit(
            ChangeVisit(
                actor_id=who.person_id,
                cohort_code=code,
                code=visit_code,
                start=None if visit is not None and start == visit.start_date else start,
                end=None if visit is not None and end == visit.end_date else end,
                host_agency=host_agency
                if visit is None
                else _changed(host_agency, visit.host_agency),
                city=city if visit is None else _changed(city, visit.city),
                timezone=None
                if not timezone.strip() or (visit is not None and zone == visit.timezone)
                else timezone,
                note=note if visit is None else _changed(note, visit.note),
                add_groups=tuple(add_groups or ()),
                remove_groups=tuple(remove_groups or ()),
                add_participants=tuple(add_participants or ()),
                remove_participants=tuple(remove_participants or ()),
                add_companions=tuple(add_companions or ()),
                remove_companions=tuple(remove_companions or ()),
            )
        )
        v = outcome.visit
        return _done(
            outcome,
            "plan.done.visit_changed",
            lang,
            code=v.code,
            start=f"{v.start_date:%d-%m-%Y}",
            end=f"{v.end_date:%d-%m-%Y}",
            n=len(v.participant_ids),
        )

    return _write(
        request, code, who, run, failed="visit_change", values=values, anchor=f"visit-{visit_code}"
    )


@router.post("/cohorts/{code}/benchmarking/visits/{visit_code}/cancel")
def cancel_visit(
    request: Request,
    code: str,
    visit_code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Cancel a visit that has not ended, with a reason (the audit log keeps what it was)."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {"visit": visit_code, "reason": reason}

    def run() -> str:
        outcome = ctx.patok.planning.cancel_visit(
            CancelVisit(actor_id=who.person_id, cohort_code=code, code=visit_code, reason=reason)
        )
        return text("plan.done.visit_cancelled", lang, code=outcome.visit.code)

    return _write(request, code, who, run, failed="visit_cancel", values=values, anchor="visits")


@router.post("/cohorts/{code}/benchmarking/visits/{visit_code}/agenda")
def add_agenda_item(
    request: Request,
    code: str,
    visit_code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    day: Day = "",
    starts: Clock = "",
    ends: Clock = "",
    host: Code = "",
    group: Code = "",
    topic: ShortText = "",
) -> Response:
    """Add an item to a visit's agenda: a day of the visit, hours, a host unit, a group, a topic."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {
        "visit": visit_code,
        "day": day,
        "starts": starts,
        "ends": ends,
        "host": host,
        "group": group,
        "topic": topic,
    }

    def run() -> str:
        chosen_day = parse_day(day, "plan.f.day")
        if chosen_day is None:
            raise ValidationFailed(
                f"{text('plan.f.day', 'id')}: wajib diisi",
                f"{text('plan.f.day', 'en')}: is required",
            )
        item = AgendaSpec(
            day=chosen_day,
            host=host.strip(),
            topic=topic,
            starts=_clock(starts, "plan.f.starts"),
            ends=_clock(ends, "plan.f.ends"),
            group=group.strip() or None,
            where={
                "date": where("plan.f.day"),
                "host": where("plan.f.host"),
                "topic": where("plan.f.topic"),
                "start": where("plan.f.starts"),
                "end": where("plan.f.ends"),
                "group": where("plan.f.group"),
            },
        )
        updated = ctx.patok.planning.add_agenda_item(
            AddAgendaItem(
                actor_id=who.person_id, cohort_code=code, visit_code=visit_code, item=item
            )
        )
        return text("plan.done.agenda", lang, code=updated.code, n=len(updated.agenda))

    return _write(
        request, code, who, run, failed="agenda", values=values, anchor=f"visit-{visit_code}"
    )


@router.post("/cohorts/{code}/benchmarking/import")
def import_plan(
    request: Request,
    code: str,
    who: SignedIn,
    csrf_token: Csrf = "",
    plan: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Import a plan file (YAML: hosts, groups, visits; CSV: a visit's agenda): all of it or
    nothing, every problem named with its line and field."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)

    def run() -> str:
        if plan is None or not plan.filename:
            raise ValidationFailed(
                f"{text('plan.f.file', 'id')}: pilih berkas rencana (.yaml, .yml atau .csv)",
                f"{text('plan.f.file', 'en')}: choose a plan file (.yaml, .yml or .csv)",
            )
        name = plan.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
        fmt = plan_format(name)
        content = plan.file.read(PLAN_MAX_BYTES + 1)
        if len(content) > PLAN_MAX_BYTES:
            raise PlanError(
                [f"{name}: berkas lebih dari {PLAN_MAX_BYTES // (1024 * 1024)} MB"],
                [f"{name}: the file is larger than {PLAN_MAX_BYTES // (1024 * 1024)} MB"],
            )
        try:
            source = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PlanError([f"{name} bukan teks UTF-8"], [f"{name} is not UTF-8 text"]) from None
        outcome = ctx.patok.planning.import_plan(
            ImportPlan(actor_id=who.person_id, cohort_code=code, plan=parse_plan(source, fmt, name))
        )
        return _done(
            outcome,
            "plan.done.import",
            lang,
            name=name,
            hosts=len(outcome.hosts),
            groups=len(outcome.groups),
            visits=len(outcome.visits),
        )

    return _write(request, code, who, run, failed="import", values={}, anchor="import")
