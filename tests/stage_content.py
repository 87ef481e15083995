"""Test helper: record the content a project's current stage requires before it is submitted.

The shipped programmes require lessons to submit lesson synthesis, adoption decisions linked to
short-, medium- and long-term milestones to submit adoption, and reported short-term milestones to
submit implementation. Tests that drive projects through every stage call :func:`fulfil` before
each submission; it records, through the real services, exactly what the programme asks for.
"""

from __future__ import annotations

from datetime import timedelta

from adapters.bootstrap import Patok
from domain.bench_commands import (
    AddMilestone,
    DecideAdoption,
    RecordHost,
    RecordLesson,
    ReportMilestone,
)
from domain.benchmarking import HostSpec
from domain.content import AdoptionKind, MilestoneStatus, MilestoneTerm
from domain.roles import Role

HOST_CODE = "tangerang-bappeda"


def ensure_host(app: Patok, cohort_code: str, coordinator_id: int) -> str:
    """The code of a host partner of the cohort, recorded by the coordinator when there is none."""
    with app.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(cohort_code)
        assert cohort.id is not None
        hosts = uow.benchmarking.hosts(cohort.id)
    if hosts:
        return hosts[0].code
    app.planning.record_host(
        RecordHost(
            actor_id=coordinator_id,
            cohort_code=cohort_code,
            host=HostSpec(
                code=HOST_CODE,
                agency="Pemerintah Kota Tangerang",
                unit="Badan Perencanaan Pembangunan Daerah (Bappeda)",
                city="Kota Tangerang",
                timezone="WIB",
            ),
        )
    )
    return HOST_CODE


def fulfil(app: Patok, project_id: int, coordinator_id: int | None = None) -> int:
    """Record what the project's current stage requires; return how many project audit entries
    that added (0 for a stage that requires no content). A host partner the lessons trace to is
    recorded by ``coordinator_id`` (by default, a coordinator of the project's cohort)."""
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project_id, 0)
        if coordinator_id is None:
            coordinator_id = next(
                pid for pid, role in uow.cohorts.members(view.cohort_id) if role is Role.COORDINATOR
            )
        programme = app.engine.programme(uow, view.programme_checksum)
        lessons = uow.content.lessons([project_id])
        decisions = {d.lesson_id for d in uow.content.decisions([project_id])}
        milestones = uow.content.milestones([project_id])
        today = app.engine.calendar(view.timezone).local_date(app.engine.clock.now())
    req = programme.stage(view.stage).requires
    if req.is_empty():
        return 0
    participant = view.participant_id
    added = 0
    if req.lessons > len(lessons):
        host = ensure_host(app, view.cohort_code, coordinator_id)
        for n in range(len(lessons), req.lessons):
            app.content.record_lesson(
                RecordLesson(
                    actor_id=participant,
                    project_id=project_id,
                    host=host,
                    practice=f"Praktik terbaik {n + 1}: e-planning terintegrasi",
                    evidence="Dokumen RKPD dan aplikasi yang diperagakan",
                    success_key="Komitmen pimpinan dan data yang terintegrasi",
                    lesson=f"Pelajaran {n + 1}: perencanaan berbasis data",
                )
            )
            added += 1
    terms = [t for t in req.milestone_terms if t not in {m.term for m in milestones}]
    wanted = max(req.milestones - len(milestones), len(terms))
    for n in range(wanted):
        term = terms[n] if n < len(terms) else MilestoneTerm.SHORT
        app.content.add_milestone(
            AddMilestone(
                actor_id=participant,
                project_id=project_id,
                title=f"Tonggak {term.value} {n + 1}",
                term=term,
                target_date=today + timedelta(days=30 * (n + 1)),
            )
        )
        added += 1
    if req.decisions_on_all_lessons or req.adopted_or_adapted:
        with app.engine.unit_of_work() as uow:
            lessons = uow.content.lessons([project_id])
        for lesson in lessons:
            if lesson.id in decisions:
                continue
            app.content.decide(
                DecideAdoption(
                    actor_id=participant,
                    lesson_id=lesson.id,
                    kind=AdoptionKind.ADOPT,
                    rationale="Sesuai dengan kebutuhan unit kerja",
                    milestones=(1,),
                )
            )
            added += 1
    if req.milestones_reported:
        with app.engine.unit_of_work() as uow:
            milestones = uow.content.milestones([project_id])
        for m in milestones:
            if m.term in req.milestones_reported and m.status is MilestoneStatus.PLANNED:
                app.content.report_milestone(
                    ReportMilestone(
                        actor_id=participant,
                        milestone_id=m.id,
                        status=MilestoneStatus.DONE,
                        evidence="Berita acara dan tangkapan layar aplikasi",
                    )
                )
                added += 1
    return added
