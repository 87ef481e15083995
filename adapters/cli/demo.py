"""``patok demo``: a cohort drawn from seed 001 with synthetic people and projects under way.

Diklat PIM III Angkatan XIII Tahun 2018 (BPSDM Provinsi Maluku, benchmarking at Kota Tangerang):
40 participants from five regencies, on WIT. A moving clock plays each working day: at 08:00 the
sweep raises what is due; at 10:00 participants submit at their own pace (some slower than the
programme allows), approvers decide (some slowly, now and then asking for changes), and one slow
participant asks for an extension that the mentor grants.

``patok demo`` plays the five weeks up to today into the patok database, so the board shows
projects on track, at risk and late. ``patok demo --simulate 120d`` plays 120 days from today in a
temporary database and prints, day by day, what was reminded and escalated and to whom (named in
words: "coach (widyaiswara)", "kepala instansi penyelenggara"). The demo cohort has a (synthetic)
head of the organising agency, so the last rung of a late participant's ladder reaches them.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import typer

from adapters.bootstrap import Patok, bootstrap
from adapters.cli.render import print_board
from adapters.clock import SettableClock
from adapters.demo_data import (
    DEMO_COHORT_CODE,
    DEMO_COHORT_NAME,
    DEMO_ORGANISER,
    DEMO_PASSWORD,
    DEMO_PROGRAMME,
    DEMO_TIMEZONE,
    PRACTICES,
    seed001_plan,
    seed001_roster,
)
from adapters.i18n import Lang, label
from adapters.settings import Settings
from domain.bench_commands import (
    AddMilestone,
    DecideAdoption,
    ImportPlan,
    RecordLesson,
    ReportMilestone,
    UploadGroupReport,
)
from domain.calendar import WorkingDayCalendar
from domain.commands import (
    ApproveStage,
    CreateCohort,
    DecideExtension,
    ImportRoster,
    RequestChanges,
    RequestExtension,
    SubmitStage,
)
from domain.content import AdoptionKind, MilestoneStatus, MilestoneTerm
from domain.errors import NotFound
from domain.model import ArtifactUpload, ChangeProject, Gate, Person
from domain.roles import Role
from domain.roster import Roster
from states.lifecycle import split_state
from states.messages import recipient_label
from states.sweep import SweepReport

_PDF = b"%PDF-1.4\n% patok demo report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEMO_WEEKS = 5
DEMO_AGENCY_HEAD = "kepala.badan@bpsdm.malukuprov.go.id"
"""The (synthetic) head of the demo cohort's organising agency, BPSDM Provinsi Maluku."""


def load_demo(
    app: Patok, lang: Lang, *, show_board: bool = True, today: datetime | None = None
) -> None:
    """Create and play the demo cohort unless it exists; then print logins and the board."""
    roster = seed001_roster()
    organiser = roster.coordinators[0]
    calendar = WorkingDayCalendar(DEMO_TIMEZONE)
    now = today or app.engine.clock.now()
    with app.engine.unit_of_work() as uow:
        try:
            uow.cohorts.by_code(DEMO_COHORT_CODE)
            exists = True
        except NotFound:
            exists = False
    if exists:
        typer.echo(f"Angkatan demo {DEMO_COHORT_CODE} sudah ada / the demo cohort already exists.")
    else:
        local_today = calendar.local_date(now)
        start = local_today - timedelta(weeks=DEMO_WEEKS)
        start = calendar.add_working_days(start - timedelta(days=start.weekday()), 0)
        _play(app, roster, calendar, start, local_today)
    ids = [_id(app, person.email) for _, person in roster.people()]
    app.accounts.give_demo_password(sorted(set(ids)), DEMO_PASSWORD)
    mentor, participant = demo_logins(app)
    typer.echo(
        f"\nAngkatan/cohort: {DEMO_COHORT_CODE} — {DEMO_COHORT_NAME}\n"
        f"Koordinator/coordinator: {organiser.email}\n"
        f"Mentor (contoh/example): {mentor}\n"
        f"Peserta (contoh/example): {participant}\n"
        f"Kata sandi web semua orang demo / web password of every demo person: {DEMO_PASSWORD}\n"
        f"Coba/try: patok cohort board {DEMO_COHORT_CODE} --as {organiser.email}\n"
        f"          patok project show {participant} --as {organiser.email}\n"
        f"          patok escalations --cohort {DEMO_COHORT_CODE} --as {organiser.email}\n"
        f"          patok serve   (web: {app.settings.public_url})\n"
    )
    if show_board:
        board = app.queries.board(DEMO_COHORT_CODE, _id(app, organiser.email))
        print_board(board, lang)


def demo_logins(app: Patok) -> tuple[str, str]:
    """(a mentor with a submission waiting for them, the participant who sent it) of the demo
    cohort — the logins worth trying first: the mentor approves, the participant sees the next
    stage. Otherwise a participant whose stage is open, or the roster's first ones."""
    roster = seed001_roster()
    mentor = roster.mentors[0].email
    participant = roster.participants[0].email
    for candidate in roster.mentors:
        waiting = app.queries.inbox(_id(app, candidate.email))
        if waiting:
            return candidate.email, waiting[0].participant.email
    with app.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(DEMO_COHORT_CODE)
        assert cohort.id is not None
        projects = uow.projects.of_cohort(cohort.id)
        people = uow.people.many([p.participant_id for p in projects])
    for p in sorted(projects, key=lambda p: p.id):
        _, gate = split_state(p.state)
        if gate in (Gate.DRAFTING, Gate.CHANGES_REQUESTED):
            participant = people[p.participant_id].email
            break
    return mentor, participant


def simulate(days: int, lang: Lang, *, today: date | None = None) -> SimulationSummary:
    """Play the demo cohort for ``days`` calendar days from today in a temporary database,
    printing each day's reminders, escalations and extensions; return the totals."""
    calendar = WorkingDayCalendar(DEMO_TIMEZONE)
    start = today or calendar.local_date(datetime.now(UTC))
    start = calendar.add_working_days(start, 0)
    summary = SimulationSummary()
    with tempfile.TemporaryDirectory(prefix="patok-simulate-") as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'simulation.db'}", data_dir=Path(tmp)
        )
        app = bootstrap(settings)
        try:
            typer.echo(
                f"Simulasi/simulation: {DEMO_COHORT_NAME}, {start:%d-%m-%Y} + {days} "
                f"{'days' if lang == 'en' else 'hari'} (WIT)\n"
            )

            def report_day(day: date, sweep: SweepReport, notes: list[str]) -> None:
                summary.add(sweep, notes)
                _print_day(day, sweep, notes, lang)

            _play(
                app,
                seed001_roster(),
                calendar,
                start,
                start + timedelta(days=days),
                on_day=report_day,
                extension=True,
            )
        finally:
            app.close()
    en = lang == "en"
    typer.echo(
        (
            f"\nTotal: {summary.reminders} reminders, {summary.escalations} escalations "
            f"({summary.approver_escalations} of slow approvers), {summary.extensions} extension(s)"
        )
        if en
        else (
            f"\nJumlah: {summary.reminders} pengingat, {summary.escalations} eskalasi "
            f"({summary.approver_escalations} karena penyetuju lambat), {summary.extensions} perpanjangan"
        )
    )
    return summary


@dataclass(slots=True)
class SimulationSummary:
    """Totals of a simulation."""

    reminders: int = 0
    escalations: int = 0
    approver_escalations: int = 0
    extensions: int = 0
    days: list[date] = field(default_factory=list)

    def add(self, sweep: SweepReport, notes: list[str]) -> None:
        """Count one day's sweep and notes."""
        self.reminders += sweep.reminders
        self.escalations += sweep.escalations
        self.approver_escalations += sum(1 for r in sweep.raised if r.clock == "approver")
        self.extensions += sum(1 for n in notes if n.startswith("+"))


def _print_day(day: date, sweep: SweepReport, notes: list[str], lang: Lang) -> None:
    if not sweep.raised and not notes:
        return
    typer.echo(day.strftime("%a %d-%m-%Y"))
    en = lang == "en"
    for r in sweep.raised:
        stage = label(r.stage, lang)
        who = r.participant.split(",")[0]
        to = ", ".join(r.recipients)
        whom = recipient_label(r.notify, lang)
        if r.kind == "reminder":
            typer.echo(f"  {'reminder' if en else 'pengingat'}   {stage:22} {who} → {to}")
        elif r.clock == "approver":
            text = "decision late" if en else "keputusan terlambat"
            typer.echo(
                f"  {'escalation' if en else 'eskalasi'} {r.level} {stage:22} {text}: {who} → {whom}: {to}"
            )
        else:
            text = "late" if en else "terlambat"
            typer.echo(
                f"  {'escalation' if en else 'eskalasi'} {r.level} {stage:22} {who} {text} → {whom}: {to}"
            )
    for note in notes:
        typer.echo(f"  {note.lstrip('+')}")


def _id(app: Patok, ref: str) -> int:
    person = app.engine.resolve_actor(ref)
    assert person.id is not None
    return person.id


DayReport = Callable[[date, SweepReport, list[str]], None]


def _play(
    app: Patok,
    roster: Roster,
    calendar: WorkingDayCalendar,
    start: date,
    until: date,
    *,
    on_day: DayReport | None = None,
    extension: bool = False,
) -> None:
    """Create the demo cohort starting ``start`` and play every working day up to ``until``."""
    rng = random.Random(2018)
    clock = SettableClock(datetime.combine(start, time(7, 0), tzinfo=calendar.tz))
    demo = app.with_clock(clock)
    org = roster.coordinators[0]
    with demo.engine.unit_of_work(write=True) as uow:
        if uow.people.find(org.nip) is None:
            uow.people.add(
                Person(
                    nip=org.nip,
                    name=org.name,
                    email=org.email,
                    agency=org.agency,
                    unit=org.unit,
                    phone=org.phone,
                    can_create_cohorts=True,
                )
            )
        uow.commit()
    organiser_id = _id(demo, org.email)
    demo.cohorts.create(
        CreateCohort(
            actor_id=organiser_id,
            code=DEMO_COHORT_CODE,
            name=DEMO_COHORT_NAME,
            programme_code=DEMO_PROGRAMME,
            organiser=DEMO_ORGANISER,
            timezone=DEMO_TIMEZONE,
            start_date=start,
        ),
        agency_head=DEMO_AGENCY_HEAD,
    )
    demo.cohorts.import_roster(
        ImportRoster(actor_id=organiser_id, cohort_code=DEMO_COHORT_CODE, roster=roster),
        source="seed001 (demo)",
    )
    # seed 001's hosts at Kota Tangerang, groups I-IV and a three-day visit in the third week
    visit_day = start + timedelta(days=14 - start.weekday())
    demo.planning.import_plan(
        ImportPlan(
            actor_id=organiser_id,
            cohort_code=DEMO_COHORT_CODE,
            plan=seed001_plan(roster, visit_day),
        )
    )
    with demo.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(DEMO_COHORT_CODE)
        assert cohort.id is not None
        projects = uow.projects.of_cohort(cohort.id)
    # each participant's pace: the share of a stage's duration they take (above 1.0 is late);
    # each mentor's: working days they sit on a submission before deciding
    pace = {p.id: rng.choice([0.5, 0.7, 0.8, 0.9, 1.0, 1.0, 1.3, 1.8]) for p in projects}
    slow_mentors = {p.mentor_id for p in projects if rng.random() < 0.15}
    player = _Player(demo, projects, pace, slow_mentors, rng, extension)
    day = start
    while day < until:
        clock.set(datetime.combine(day, time(8, 0), tzinfo=calendar.tz).astimezone(UTC))
        sweep = demo.sweeper.sweep()
        clock.set(datetime.combine(day, time(10, 0), tzinfo=calendar.tz).astimezone(UTC))
        notes = player.play_day()
        if on_day is not None:
            on_day(day, sweep, notes)
        day = calendar.add_working_days(day, 1)


class _Player:
    """What the demo's people do on one working day."""

    def __init__(
        self,
        demo: Patok,
        projects: list[ChangeProject],
        pace: dict[int, float],
        slow_mentors: set[int],
        rng: random.Random,
        extension: bool,
    ) -> None:
        self.demo = demo
        self.projects = projects
        self.pace = pace
        self.slow_mentors = slow_mentors
        self.rng = rng
        self.waited = {p.id: 0 for p in projects}
        self.extension_left = extension
        self.pending_extension: tuple[int, int] | None = None
        self.content_rng = random.Random(2019)
        with demo.engine.unit_of_work() as uow:
            view = uow.projects.load(projects[0].id, 0)
            self.programme = demo.engine.programme(uow, view.programme_checksum)
            hosts = {h.id: h.code for h in uow.benchmarking.hosts(view.cohort_id)}
            groups = uow.benchmarking.groups(view.cohort_id)
        self.group_of = {pid: g for g in groups for pid in g.member_ids}
        self.host_codes = {g.code: [hosts[h] for h in g.host_ids] for g in groups}
        self.group_artifacts = {a.code for a in self.programme.group_artifacts()}

    def play_day(self) -> list[str]:
        """Everyone acts once; returns notes on extensions."""
        notes: list[str] = []
        engine = self.demo.engine
        if self.pending_extension is not None:
            ext_id, mentor = self.pending_extension
            result = self.demo.extensions.decide(
                DecideExtension(actor_id=mentor, extension_id=ext_id, grant=True)
            )
            notes.append(
                f"+ perpanjangan/extension #{ext_id} granted → {result.payload['due_at'][:10]}"
            )
            self.pending_extension = None
        for p in self.projects:
            with engine.unit_of_work() as uow:
                view = uow.projects.load(p.id, p.participant_id)
            stage, gate = split_state(view.state)
            if stage is None:
                continue
            self.waited[p.id] += 1
            spec = self.programme.stage(stage)
            needed = (
                2
                if gate is Gate.CHANGES_REQUESTED
                else max(1, round(spec.duration_working_days * self.pace[p.id]))
            )
            running = gate in (Gate.DRAFTING, Gate.CHANGES_REQUESTED)
            if (
                running
                and self.extension_left
                and self.pace[p.id] > 1.5
                and self.waited[p.id] == spec.duration_working_days - 1
            ):
                calendar = engine.calendar(view.timezone)
                new_day = calendar.add_working_days(calendar.local_date(view.due_at), 4)
                asked = self.demo.extensions.request(
                    RequestExtension(
                        actor_id=p.participant_id,
                        project_id=p.id,
                        new_due_date=new_day,
                        reason="Data dukung dari OPD belum tersedia",
                    )
                )
                self.pending_extension = (asked.payload["extension"], p.mentor_id)
                self.extension_left = False
                notes.append(
                    f"perpanjangan/extension #{asked.payload['extension']} asked by "
                    f"{_name(self.demo, p.participant_id)} until {new_day:%d-%m-%Y}"
                )
                self.pace[p.id] = 1.3
                continue
            if running and self.waited[p.id] >= needed:
                self._prepare(p, stage)
                files = tuple(
                    ArtifactUpload(
                        kind=k, filename=f"{k}.pdf", media_type="application/pdf", content=_PDF
                    )
                    for k in spec.required_artifacts
                    if k not in self.group_artifacts
                )
                engine.submit(
                    SubmitStage(
                        actor_id=p.participant_id,
                        project_id=p.id,
                        artifacts=files,
                        note="Laporan tahap " + stage,
                    )
                )
                self.waited[p.id] = 0
            elif gate is Gate.SUBMITTED:
                approvers = spec.approvers
                decider = p.mentor_id if Role.MENTOR in approvers else p.coach_id or p.mentor_id
                sits = 4 if decider in self.slow_mentors else 1
                if self.waited[p.id] < sits:
                    continue
                if self.rng.random() < 0.2:
                    engine.request_changes(
                        RequestChanges(
                            actor_id=decider,
                            project_id=p.id,
                            comment="Mohon lengkapi data dukung dan analisis akar masalah.",
                        )
                    )
                else:
                    engine.approve(
                        ApproveStage(
                            actor_id=decider, project_id=p.id, comment="Disetujui, lanjutkan."
                        )
                    )
                self.waited[p.id] = 0
        return notes

    def _prepare(self, p: ChangeProject, stage: str) -> None:
        """Before submitting: the group's report, the lessons, the change plan and its decisions,
        the short-term milestones' reports — whatever the stage needs that is not there yet."""
        demo = self.demo
        group = self.group_of.get(p.id)
        if stage == "benchmarking" and group is not None:
            with demo.engine.unit_of_work() as uow:
                on_file = {r.kind for r in uow.benchmarking.reports_for(p.id)}
            for kind in sorted(self.group_artifacts - on_file):
                demo.planning.upload_group_report(
                    UploadGroupReport(
                        actor_id=p.participant_id,
                        cohort_code=DEMO_COHORT_CODE,
                        group_code=group.code,
                        upload=ArtifactUpload(
                            kind=kind,
                            filename=f"laporan-kelompok-{group.code}.pdf",
                            media_type="application/pdf",
                            content=_PDF,
                        ),
                    )
                )
        requires = self.programme.stage(stage).requires
        if requires.is_empty():
            return
        with demo.engine.unit_of_work() as uow:
            lessons = uow.content.lessons([p.id])
            decided = {d.lesson_id for d in uow.content.decisions([p.id])}
            milestones = uow.content.milestones([p.id])
        today = demo.engine.calendar(DEMO_TIMEZONE).local_date(demo.engine.clock.now())
        hosts = self.host_codes.get(group.code, []) if group else []
        hosts = hosts or sorted(PRACTICES)
        for n in range(len(lessons), requires.lessons):
            host = hosts[n % len(hosts)]
            practice = PRACTICES[host][(n // len(hosts)) % len(PRACTICES[host])]
            demo.content.record_lesson(
                RecordLesson(
                    actor_id=p.participant_id,
                    project_id=p.id,
                    host=host,
                    practice=practice.practice,
                    location=practice.location,
                    evidence=practice.evidence,
                    success_key=practice.success_key,
                    lesson=practice.lesson,
                )
            )
        if stage == "adoption" and not milestones:
            plan = (
                (MilestoneTerm.SHORT, "Uji coba di unit kerja", 7),
                (MilestoneTerm.MEDIUM, "Penerapan di seluruh bidang", 180),
                (MilestoneTerm.LONG, "Pelembagaan melalui peraturan kepala daerah", 365),
            )
            for term, title, days in plan:
                demo.content.add_milestone(
                    AddMilestone(
                        actor_id=p.participant_id,
                        project_id=p.id,
                        title=title,
                        term=term,
                        target_date=today + timedelta(days=days),
                    )
                )
        if requires.decisions_on_all_lessons or requires.adopted_or_adapted:
            with demo.engine.unit_of_work() as uow:
                lessons = uow.content.lessons([p.id])
            for lesson in lessons:
                if lesson.id in decided:
                    continue
                links: tuple[int, ...]
                if lesson.number == 1:
                    kind, links = AdoptionKind.ADOPT, (1, 2)
                elif self.content_rng.random() < 0.3:
                    kind, links = AdoptionKind.NOT_ADOPT, ()
                else:
                    kind, links = AdoptionKind.ADAPT, (3,)
                demo.content.decide(
                    DecideAdoption(
                        actor_id=p.participant_id,
                        lesson_id=lesson.id,
                        kind=kind,
                        rationale={
                            AdoptionKind.ADOPT: "Masalah yang sama ada di unit kerja kami",
                            AdoptionKind.ADAPT: "Praktiknya cocok, tetapi skala daerah kami berbeda",
                            AdoptionKind.NOT_ADOPT: "Belum didukung infrastruktur jaringan di daerah",
                        }[kind],
                        changes="Dimulai di satu bidang, tanpa aplikasi baru"
                        if kind is AdoptionKind.ADAPT
                        else "",
                        milestones=links,
                    )
                )
        if requires.milestones_reported:
            for m in milestones:
                if (
                    m.term not in requires.milestones_reported
                    or m.status is not MilestoneStatus.PLANNED
                ):
                    continue
                slipped = self.content_rng.random() < 0.25
                demo.content.report_milestone(
                    ReportMilestone(
                        actor_id=p.participant_id,
                        milestone_id=m.id,
                        status=MilestoneStatus.SLIPPED if slipped else MilestoneStatus.DONE,
                        evidence="" if slipped else "Berita acara uji coba dan tangkapan layar",
                        note="Anggaran perubahan belum disahkan" if slipped else "",
                    )
                )


def _name(app: Patok, person_id: int) -> str:
    with app.engine.unit_of_work() as uow:
        return uow.people.get(person_id).name.split(",")[0]
