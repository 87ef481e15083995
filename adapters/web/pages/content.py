"""The participant's project content: the lesson register, an adoption decision per lesson, the
change plan's milestones and the group's report — with what the current stage still needs before
it can be submitted.

``GET /projects/{id}/content`` shows it to everyone who may see the project; its forms are shown
to the participant while the stage that owns each kind of content is drafted or revised. Each form
posts under ``/projects/{id}/content/…`` and goes through :class:`states.content.ProjectContent`
(or :class:`states.benchmarking.Planning` for the group's report), which decides who may write.
A success comes back to the page with a flash message; a refusal re-renders the page with the
refusal's every problem and the form as it was filled in (nothing is stored); a person who may not
write gets the 403 page.

The helpers for showing refusals (:func:`refusal`, :func:`relabel`) are shared with the planning
pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from adapters.i18n import Lang
from adapters.web.lang import lang_of
from adapters.web.pages.common import Id, check_form, context_of, redirect, render, signed_in
from adapters.web.problems import status_of
from adapters.web.texts import text
from adapters.web.uploads import upload
from domain import policy
from domain.bench_commands import (
    AddMilestone,
    DecideAdoption,
    RecordLesson,
    RemoveLesson,
    ReportMilestone,
    UploadGroupReport,
)
from domain.benchmarking import Group, GroupReport, HostPartner
from domain.content import (
    EDITABLE_IN,
    KIND_LABELS,
    STATUS_LABELS,
    TERM_LABELS,
    AdoptionKind,
    ContentFacts,
    ContentKind,
    MilestoneStatus,
    MilestoneTerm,
    missing_content,
    require_editable,
)
from domain.errors import DomainError, Forbidden, GuardFailed, NotFound, PlanError, ValidationFailed
from domain.programme import ArtifactSpec
from domain.roles import Action, Role
from states.accounts import Principal
from states.lifecycle import split_state

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[Principal, Depends(signed_in)]
Csrf = Annotated[str, Form(max_length=200)]
LongText = Annotated[str, Form(max_length=4000)]
ShortText = Annotated[str, Form(max_length=500)]
Day = Annotated[str, Form(max_length=10)]
Version = Annotated[int | None, Form()]

_FIELDS: dict[str, str] = {
    "host": "content.f.host",
    "practice": "content.f.practice",
    "location": "content.f.location",
    "evidence": "content.f.evidence",
    "success_key": "content.f.success_key",
    "lesson": "content.f.lesson",
    "rationale": "content.f.rationale",
    "changes": "content.f.changes",
    "milestones": "content.f.milestones",
    "title": "content.f.title",
    "target_date": "content.f.target",
    "new_target": "content.f.new_target",
    "done_on": "content.f.done_on",
    "note": "content.f.reason",
    "code": "plan.f.code",
    "agency": "plan.f.agency",
    "unit": "plan.f.unit",
    "city": "plan.f.city",
    "timezone": "plan.f.timezone",
    "contact_name": "plan.f.contact_name",
    "contact_phone": "plan.f.contact_phone",
    "contact_email": "plan.f.contact_email",
    "clear_contact": "plan.f.no_contact",
    "theme": "plan.f.theme",
    "add_members": "plan.f.add_members",
    "remove_members": "plan.f.remove_members",
    "add_hosts": "plan.f.add_hosts",
    "remove_hosts": "plan.f.remove_hosts",
    "start": "plan.f.from",
    "end": "plan.f.to",
    "host_agency": "plan.f.host_agency",
    "participants": "plan.f.participants",
    "add_groups": "plan.f.add_groups",
    "remove_groups": "plan.f.remove_groups",
    "add_participants": "plan.f.add_participants",
    "remove_participants": "plan.f.remove_participants",
    "add_companions": "plan.f.add_companions",
    "remove_companions": "plan.f.remove_companions",
    "reason": "plan.f.cancel_reason",
}
"""The fields that the services' problems name (the commands' field names, which the API shows
as they are), and the form labels a page shows instead. Only a milestone report names ``note``
(a slipped milestone's reason) and only a visit's cancellation names ``reason``."""
_FIELD = re.compile(r"^([a-z][a-z_]*)(?=: )")


def relabel(message: str, lang: Lang) -> str:
    """A domain message as a page shows it: the form's label instead of the field it names."""
    return _FIELD.sub(
        lambda m: text(_FIELDS[m.group(1)], lang) if m.group(1) in _FIELDS else m.group(1),
        message,
    )


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refusal as a page shows it: a heading and each problem on its own line."""

    status: int
    heading: str
    problems: list[str]


def refusal(error: DomainError, lang: Lang) -> Refusal:
    """Split a refusal into its heading and its problems (a plan's problems name their lines)."""
    status = status_of(error)
    if isinstance(error, PlanError):
        listed = error.problems_en if lang == "en" else error.problems
        heading = text("refusal.plan", lang)
        return Refusal(status, heading, [relabel(p, lang) for p in listed])
    message = error.text(lang)
    en = error.details.get("problems")
    if isinstance(en, list) and en and ": " in message:
        head, rest = message.split(": ", 1)
        items = [str(p) for p in en] if lang == "en" else _split_like(rest, [str(p) for p in en])
        if items is not None:
            return Refusal(status, head, [relabel(p, lang) for p in items])
    return Refusal(status, text("refusal.heading", lang), [relabel(message, lang)])


def _split_like(joined: str, parallel: list[str]) -> list[str] | None:
    """Split the "; "-joined problems of one language into as many items as ``parallel`` holds
    in the other (an item may itself contain "; ", as often as its counterpart does)."""
    pieces = joined.split("; ")
    sizes = [p.count("; ") + 1 for p in parallel]
    if sum(sizes) != len(pieces):
        return None
    out: list[str] = []
    for size in sizes:
        out.append("; ".join(pieces[:size]))
        pieces = pieces[size:]
    return out


def where(key: str) -> tuple[str, str]:
    """A form field's label in both languages, as a location for domain problems."""
    return text(key, "id"), text(key, "en")


def parse_day(value: str, key: str) -> date | None:
    """A form's date (``YYYY-MM-DD``; empty is None); ValidationFailed naming the field."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            f"{text(key, 'id')}: {value!r} bukan tanggal YYYY-MM-DD",
            f"{text(key, 'en')}: {value!r} is not a YYYY-MM-DD date",
        ) from None


def pick(pair: tuple[str, str] | None, lang: Lang, fallback: str = "") -> str:
    """One side of a bilingual pair."""
    if pair is None:
        return fallback
    return pair[1] if lang == "en" else pair[0]


def _editable(kind: ContentKind, state: str) -> bool:
    try:
        require_editable(kind, state)
    except GuardFailed:
        return False
    return True


def _group_of(
    request: Request, cohort_code: str, project_id: int, who: Principal
) -> tuple[Group | None, dict[int, HostPartner], list[GroupReport]]:
    """The project's benchmarking group, the cohort's hosts and the group's report versions."""
    ctx = context_of(request)
    try:
        overview = ctx.patok.planning.overview(cohort_code, who.person_id)
    except Forbidden:
        return None, {}, []
    group = next((g for g in overview.groups if project_id in g.member_ids), None)
    hosts = {h.id: h for h in overview.hosts}
    reports = [r for r in overview.reports if group is not None and r.group_id == group.id]
    return group, hosts, reports


def _page(
    request: Request,
    project_id: int,
    who: Principal,
    *,
    problem: Refusal | None = None,
    failed: str = "",
    values: Mapping[str, Any] | None = None,
) -> Response:
    ctx = context_of(request)
    lang = lang_of(request)
    o = ctx.patok.queries.overview(project_id, who.person_id)
    view = ctx.patok.content.of_project(project_id, who.person_id)
    d = o.details
    programme = o.programme
    stage_code, gate = split_state(view.state)
    stage_def = programme.stage(stage_code) if stage_code else None
    requirements = stage_def.requires if stage_def is not None else None
    facts = ContentFacts.of(view.lessons, view.decisions, view.milestones)
    needs: list[str] = []
    if requirements is not None and not requirements.is_empty():
        missing = missing_content(requirements, facts)
        needs = [relabel(m, lang) for m in (missing.en if lang == "en" else missing.id)]
    group, hosts, reports = _group_of(request, d.cohort.code, project_id, who)
    needed_group: list[ArtifactSpec] = [
        programme.artifact(k)
        for k in (stage_def.required_artifacts if stage_def is not None else [])
        if programme.artifact(k).scope == "group"
    ]
    on_file = {r.kind for r in reports}
    may_write = policy.is_allowed(o.relations, Action.RECORD_CONTENT)
    open_gate = gate is not None and gate.value in ("drafting", "changes_requested")
    number_of = {m.id: m.number for m in view.milestones}
    lessons_of: dict[int, list[int]] = {}
    decision_of = {x.lesson_id: x for x in view.decisions}
    lesson_no = {ls.id: ls.number for ls in view.lessons}
    for x in view.decisions:
        for mid in x.milestone_ids:
            lessons_of.setdefault(mid, []).append(lesson_no.get(x.lesson_id, 0))
    cohort_hosts = list(view.hosts.values())
    group_host_ids = set(group.host_ids) if group is not None else set()
    cohort_hosts.sort(key=lambda h: (h.id not in group_host_ids, h.code))
    response = render(
        request,
        "content.html",
        problem.status if problem is not None else 200,
        o=o,
        d=d,
        p=d.project,
        view=view,
        tz=d.cohort.timezone,
        stage_code=stage_code,
        gate=gate.value if gate else None,
        stage_def=stage_def,
        requirements=requirements,
        needs=needs,
        hosts=view.hosts,
        host_choices=cohort_hosts,
        decision_of=decision_of,
        number_of=number_of,
        lessons_of=lessons_of,
        today=view.today,
        may_write=may_write,
        editable={k.value: may_write and _editable(k, view.state) for k in ContentKind},
        editable_in={
            k.value: ", ".join(text(s, lang) for s in EDITABLE_IN[k]) for k in ContentKind
        },
        group=group,
        group_hosts=[hosts[h] for h in (group.host_ids if group else ()) if h in hosts],
        reports=reports,
        needed_group=needed_group,
        group_missing=[s for s in needed_group if s.code not in on_file] if open_gate else [],
        may_upload=group is not None
        and bool(needed_group)
        and open_gate
        and Role.PARTICIPANT in o.relations,
        terms=[t.value for t in MilestoneTerm],
        required_terms=", ".join(
            pick(TERM_LABELS[x.value], lang)
            for x in (requirements.milestone_terms if requirements else [])
        ),
        reported_terms=", ".join(
            pick(TERM_LABELS[x.value], lang)
            for x in (requirements.milestones_reported if requirements else [])
        ),
        kinds=[k.value for k in AdoptionKind],
        term=lambda v: pick(TERM_LABELS.get(v), lang, v),
        kind=lambda v: pick(KIND_LABELS.get(v), lang, v),
        mstatus=lambda v: pick(STATUS_LABELS.get(v), lang, v),
        problem=problem,
        failed=failed,
        values=values or {},
    )
    return response


@router.get("/projects/{project_id}/content", response_class=HTMLResponse)
def content_page(request: Request, project_id: Id, who: SignedIn) -> Response:
    """A project's lessons, decisions and milestones, what the current stage still needs, and
    the forms the participant may use now (read-only for mentors, coaches and coordinators)."""
    return _page(request, project_id, who)


def _write(
    request: Request,
    project_id: int,
    who: Principal,
    run: Callable[[], str],
    *,
    failed: str,
    values: Mapping[str, Any],
    anchor: str,
) -> Response:
    """Run a write: back to the page with its message, or the page again with the refusal."""
    lang = lang_of(request)
    try:
        message = run()
    except Forbidden:
        raise
    except DomainError as err:
        return _page(
            request, project_id, who, problem=refusal(err, lang), failed=failed, values=values
        )
    return redirect(request, f"/projects/{project_id}/content#{anchor}", "ok", message)


def _own_lesson(request: Request, project_id: int, who: Principal, lesson_id: int) -> int:
    """The number of a lesson of this project; NotFound (shown on the page) otherwise."""
    view = context_of(request).patok.content.of_project(project_id, who.person_id)
    found = next((ls for ls in view.lessons if ls.id == lesson_id), None)
    if found is None:
        listed = ", ".join(f"#{ls.number}" for ls in view.lessons) or "-"
        raise NotFound(
            f"Pelajaran {lesson_id} tidak ada di register proyek ini ({listed})",
            f"Lesson {lesson_id} is not in this project's register ({listed})",
        )
    return found.number


@router.post("/projects/{project_id}/content/lessons")
def record_lesson(
    request: Request,
    project_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    host: Annotated[str, Form(max_length=40)] = "",
    practice: LongText = "",
    location: ShortText = "",
    evidence: LongText = "",
    success_key: LongText = "",
    lesson: LongText = "",
    expected_version: Version = None,
) -> Response:
    """Record a lesson traced to a best practice observed at one of the cohort's hosts."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {
        "host": host,
        "practice": practice,
        "location": location,
        "evidence": evidence,
        "success_key": success_key,
        "lesson": lesson,
    }

    def run() -> str:
        result = ctx.patok.content.record_lesson(
            RecordLesson(
                actor_id=who.person_id,
                project_id=project_id,
                host=host,
                practice=practice,
                location=location,
                evidence=evidence,
                success_key=success_key,
                lesson=lesson,
                expected_version=expected_version,
            )
        )
        return text("content.done.lesson", lang, n=result.number)

    return _write(request, project_id, who, run, failed="lesson", values=values, anchor="lessons")


@router.post("/projects/{project_id}/content/lessons/{lesson_id}/remove")
def remove_lesson(
    request: Request, project_id: Id, lesson_id: Id, who: SignedIn, csrf_token: Csrf = ""
) -> Response:
    """Remove a lesson (and the decision on it) from the register."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)

    def run() -> str:
        _own_lesson(request, project_id, who, lesson_id)
        result = ctx.patok.content.remove_lesson(
            RemoveLesson(actor_id=who.person_id, lesson_id=lesson_id)
        )
        return text("content.done.removed", lang, n=result.number)

    return _write(request, project_id, who, run, failed="", values={}, anchor="lessons")


@router.post("/projects/{project_id}/content/lessons/{lesson_id}/decision")
def decide_adoption(
    request: Request,
    project_id: Id,
    lesson_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    decision: Annotated[str, Form(max_length=20)] = "",
    rationale: LongText = "",
    changes: LongText = "",
    milestones: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """Decide to adopt, adapt (what changes and why) or not adopt (why) a lesson, linked to
    milestones of the change plan; deciding again replaces the decision."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    chosen = list(milestones or [])
    values = {
        "lesson": lesson_id,
        "decision": decision,
        "rationale": rationale,
        "changes": changes,
        "milestones": chosen,
    }

    def run() -> str:
        number = _own_lesson(request, project_id, who, lesson_id)
        kinds = {k.value: k for k in AdoptionKind}
        kind = kinds.get(decision)
        if kind is None:
            raise ValidationFailed(
                f"{text('content.f.decision', 'id')}: pilih adopsi, adaptasi atau tidak diadopsi",
                f"{text('content.f.decision', 'en')}: choose adopt, adapt or not adopt",
            )
        ctx.patok.content.decide(
            DecideAdoption(
                actor_id=who.person_id,
                lesson_id=lesson_id,
                kind=kind,
                rationale=rationale,
                changes=changes,
                milestones=tuple(chosen),
            )
        )
        return text("content.done.decided", lang, n=number, kind=pick(KIND_LABELS[kind], lang))

    return _write(
        request,
        project_id,
        who,
        run,
        failed="decision",
        values=values,
        anchor=f"lesson-{lesson_id}",
    )


@router.post("/projects/{project_id}/content/milestones")
def add_milestone(
    request: Request,
    project_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    title: ShortText = "",
    term: Annotated[str, Form(max_length=10)] = "",
    target_date: Day = "",
    expected_version: Version = None,
) -> Response:
    """Add a short-, medium- or long-term milestone with its target date to the change plan."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {"title": title, "term": term, "target_date": target_date}

    def run() -> str:
        terms = {t.value: t for t in MilestoneTerm}
        chosen = terms.get(term)
        if chosen is None:
            raise ValidationFailed(
                f"{text('content.f.term', 'id')}: pilih jangka pendek, menengah atau panjang",
                f"{text('content.f.term', 'en')}: choose short, medium or long term",
            )
        result = ctx.patok.content.add_milestone(
            AddMilestone(
                actor_id=who.person_id,
                project_id=project_id,
                title=title,
                term=chosen,
                target_date=parse_day(target_date, "content.f.target"),
                expected_version=expected_version,
            )
        )
        return text("content.done.milestone", lang, n=result.number)

    return _write(
        request, project_id, who, run, failed="milestone", values=values, anchor="milestones"
    )


@router.post("/projects/{project_id}/content/milestones/{milestone_id}/report")
def report_milestone(
    request: Request,
    project_id: Id,
    milestone_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    status: Annotated[str, Form(max_length=10)] = "",
    evidence: LongText = "",
    note: LongText = "",
    done_on: Day = "",
    new_target: Day = "",
) -> Response:
    """Report a milestone done (with evidence), slipped (with a reason, perhaps a new target) or
    planned again with a new target date."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)
    values = {
        "milestone": milestone_id,
        "status": status,
        "evidence": evidence,
        "note": note,
        "done_on": done_on,
        "new_target": new_target,
    }

    def run() -> str:
        view = ctx.patok.content.of_project(project_id, who.person_id)
        found = next((m for m in view.milestones if m.id == milestone_id), None)
        if found is None:
            raise NotFound(
                f"Tonggak {milestone_id} tidak ada di rencana proyek ini",
                f"Milestone {milestone_id} is not in this project's plan",
            )
        statuses = {s.value: s for s in MilestoneStatus}
        chosen = statuses.get(status)
        if chosen is None:
            raise ValidationFailed(
                "Pilih selesai, meleset atau rencanakan ulang",
                "Choose done, slipped or planned again",
            )
        ctx.patok.content.report_milestone(
            ReportMilestone(
                actor_id=who.person_id,
                milestone_id=milestone_id,
                status=chosen,
                evidence=evidence,
                note=note,
                done_on=parse_day(done_on, "content.f.done_on"),
                new_target=parse_day(new_target, "content.f.new_target"),
            )
        )
        return text(
            "content.done.reported",
            lang,
            n=found.number,
            status=pick(STATUS_LABELS[chosen.value], lang),
        )

    return _write(
        request,
        project_id,
        who,
        run,
        failed="report",
        values=values,
        anchor=f"milestone-{milestone_id}",
    )


@router.post("/projects/{project_id}/content/group-report")
def upload_group_report(
    request: Request,
    project_id: Id,
    who: SignedIn,
    csrf_token: Csrf = "",
    kind: Annotated[str, Form(max_length=64)] = "",
    report: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A member uploads their group's report (types and size from the programme, checked
    against the file's content); a new upload is a new version."""
    check_form(request, who, csrf_token)
    ctx = context_of(request)
    lang = lang_of(request)

    def run() -> str:
        o = ctx.patok.queries.overview(project_id, who.person_id)
        code = o.details.cohort.code
        group, _, _ = _group_of(request, code, project_id, who)
        if group is None:
            raise GuardFailed(
                "Proyek ini belum masuk kelompok benchmarking",
                "This project is in no benchmarking group yet",
            )
        kinds = [a.code for a in o.programme.group_artifacts()]
        chosen = kind or (kinds[0] if len(kinds) == 1 else "")
        if report is None or not report.filename:
            raise ValidationFailed(
                f"{text('content.f.report', 'id')}: pilih berkas laporan kelompok",
                f"{text('content.f.report', 'en')}: choose the group report's file",
            )
        content = report.file.read()
        stored = ctx.patok.planning.upload_group_report(
            UploadGroupReport(
                actor_id=who.person_id,
                cohort_code=code,
                group_code=group.code,
                upload=upload(chosen, report.filename, report.content_type or "", content),
            )
        )
        return text("content.done.report", lang, group=group.code, n=stored.number)

    return _write(request, project_id, who, run, failed="report_upload", values={}, anchor="group")
