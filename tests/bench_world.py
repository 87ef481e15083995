"""A small benchmarking cohort for tests, on fakes or on SQL: people, two host units, two groups,
and helpers that drive a project to a stage.

Cohort ``BENCH-1`` (PIM III, WIT): coordinator ``k`` (who created it); participants ``p1``–``p4``;
mentors ``m1`` (of p1, p2) and ``m2`` (of p3, p4); coaches ``c1`` (p1, p3) and ``c2`` (p2, p4);
examiners ``x1``, ``x2``. A second cohort ``OTHER-1`` has its own coordinator ``k2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from adapters.bootstrap import Patok
from adapters.clock import SettableClock
from domain.bench_commands import FormGroup, RecordHost, UploadGroupReport
from domain.benchmarking import GroupSpec, HostSpec
from domain.commands import ApproveStage, CreateCohort, ImportRoster, SubmitStage
from domain.model import ArtifactUpload, Person
from domain.nip import synthetic_nip
from domain.programme import ProgrammeDefinition
from domain.roles import Role
from domain.roster import Roster, RosterParticipant, RosterPerson
from states.engine import CommandResult
from tests.stage_content import fulfil

COHORT = "BENCH-1"
OTHER = "OTHER-1"
PDF = b"%PDF-1.4\n% laporan uji\n%%EOF\n"


def nip(n: int) -> str:
    """A valid synthetic NIP, different for every ``n``."""
    return synthetic_nip(
        date(1960 + n % 20, 1 + n % 12, 1 + n % 27), 2000 + n % 20, 1 + n % 12, "female", 100 + n
    )


def person(n: int, nick: str) -> RosterPerson:
    """A roster person ``nick`` (e-mail ``nick@uji.go.id``)."""
    return RosterPerson(
        nip=nip(n), name=f"Uji {nick.upper()}", email=f"{nick}@uji.go.id", agency="Pemkab Uji"
    )


def roster(offset: int = 0) -> Roster:
    """The cohort's roster (``offset`` shifts every NIP and e-mail for a second cohort)."""

    def p(n: int, nick: str) -> RosterPerson:
        base = person(n + offset, nick)
        if not offset:
            return base
        return base.model_copy(update={"email": f"{nick}.{offset}@uji.go.id"})

    m1, m2, c1, c2 = p(2, "m1"), p(3, "m2"), p(4, "c1"), p(5, "c2")
    mentor_of = {"p1": m1, "p2": m1, "p3": m2, "p4": m2}
    coach_of = {"p1": c1, "p2": c2, "p3": c1, "p4": c2}
    participants = [
        RosterParticipant(
            **p(10 + i, nick).model_dump(),
            mentor=mentor_of[nick].nip,
            coach=coach_of[nick].nip,
            project_title=f"Proyek perubahan {nick}",
        )
        for i, nick in enumerate(("p1", "p2", "p3", "p4"))
    ]
    return Roster(
        mentors=[m1, m2],
        coaches=[c1, c2],
        examiners=[p(6, "x1"), p(7, "x2")],
        participants=participants,
    )


@dataclass
class Bench:
    """Handles on the cohort: people and projects by nick."""

    app: Patok
    clock: SettableClock
    ids: dict[str, int]
    projects: dict[str, int]

    def programme(self) -> ProgrammeDefinition:
        """The cohort's pinned programme."""
        with self.app.engine.unit_of_work() as uow:
            cohort = uow.cohorts.by_code(COHORT)
            return self.app.engine.programme(uow, cohort.programme_checksum)

    def state(self, nick: str) -> str:
        """The project's state."""
        with self.app.engine.unit_of_work() as uow:
            return uow.projects.load(self.projects[nick], 0).state

    def version(self, nick: str) -> int:
        """The project's version."""
        with self.app.engine.unit_of_work() as uow:
            return uow.projects.load(self.projects[nick], 0).version

    def uploads(self, stage: str, *, group_report: bool = True) -> tuple[ArtifactUpload, ...]:
        """The stage's required artifacts as small PDFs (the group report only if asked)."""
        programme = self.programme()
        group = {a.code for a in programme.group_artifacts()}
        return tuple(
            ArtifactUpload(kind=k, filename=f"{k}.pdf", media_type="application/pdf", content=PDF)
            for k in programme.stage(stage).required_artifacts
            if group_report or k not in group
        )

    def submit(self, nick: str, *, group_report: bool = True) -> CommandResult:
        """Record what the stage requires and submit it with its artifacts."""
        pid = self.projects[nick]
        fulfil(self.app, pid, self.ids["k"])
        stage = self.state(nick).split(".")[0]
        return self.app.engine.submit(
            SubmitStage(
                actor_id=self.ids[nick],
                project_id=pid,
                artifacts=self.uploads(stage, group_report=group_report),
            )
        )

    def approve(self, nick: str) -> CommandResult:
        """The stage's first approver (mentor or coach) approves."""
        stage = self.state(nick).split(".")[0]
        approver = self.programme().stage(stage).approvers[0]
        who = {"p1": ("m1", "c1"), "p2": ("m1", "c2"), "p3": ("m2", "c1"), "p4": ("m2", "c2")}[nick]
        actor = self.ids[who[0] if approver is Role.MENTOR else who[1]]
        return self.app.engine.approve(ApproveStage(actor_id=actor, project_id=self.projects[nick]))

    def to_stage(self, nick: str, stage: str) -> None:
        """Submit and approve stages until ``stage`` is being drafted."""
        while self.state(nick).split(".")[0] != stage:
            self.submit(nick)
            self.approve(nick)
        assert self.state(nick) == f"{stage}.drafting"

    def group_report(self, nick: str, group: str = "I") -> None:
        """``nick`` uploads the group report of ``group``."""
        self.app.planning.upload_group_report(
            UploadGroupReport(
                actor_id=self.ids[nick],
                cohort_code=COHORT,
                group_code=group,
                upload=ArtifactUpload(
                    kind="laporan_benchmarking_kelompok",
                    filename=f"kelompok-{group}.pdf",
                    media_type="application/pdf",
                    content=PDF + group.encode(),
                ),
            )
        )


HOSTS = (
    HostSpec(
        code="mdn-bappeda",
        agency="Pemerintah Kota Medan",
        unit="Bappeda",
        city="Kota Medan",
        timezone="WIB",
        focus="e-Planning",
        reasons=("Innovative Government Award",),
    ),
    HostSpec(
        code="mdn-bkpsdm",
        agency="Pemerintah Kota Medan",
        unit="BKPSDM",
        city="Kota Medan",
        timezone="WIB",
    ),
)


def build(
    app: Patok, clock: SettableClock, *, programme: ProgrammeDefinition | None = None
) -> Bench:
    """Create both cohorts (``programme`` for BENCH-1, else PIM III) with their rosters, record
    the two Medan host units and form groups I (p1, p2; Bappeda) and II (p3; BKPSDM)."""
    with app.engine.unit_of_work(write=True) as uow:
        k = uow.people.add(
            Person(
                nip=nip(1),
                name="Koordinator Uji",
                email="k@uji.go.id",
                agency="BPSDM",
                can_create_cohorts=True,
            )
        )
        k2 = uow.people.add(
            Person(
                nip=nip(40),
                name="Koordinator Lain",
                email="k2@uji.go.id",
                agency="BPSDM",
                can_create_cohorts=True,
            )
        )
        uow.commit()
    for code, actor, offset in ((COHORT, k, 0), (OTHER, k2, 60)):
        app.cohorts.create(
            CreateCohort(
                actor_id=actor,
                code=code,
                name=f"Angkatan {code}",
                programme_code="" if programme and code == COHORT else "PIM3",
                programme=programme if code == COHORT else None,
                organiser="BPSDM Uji",
                timezone="Asia/Jayapura",
                start_date=date(2026, 3, 2),
            )
        )
        app.cohorts.import_roster(
            ImportRoster(actor_id=actor, cohort_code=code, roster=roster(offset))
        )
    ids = {"k": k, "k2": k2}
    projects: dict[str, int] = {}
    with app.engine.unit_of_work() as uow:
        for _, rp in roster().people():
            found = uow.people.find(rp.nip)
            assert found is not None and found.id is not None
            ids[rp.email.split("@")[0]] = found.id
        for nick in ("p1", "p2", "p3", "p4"):
            (projects[nick],) = uow.projects.of_participant(ids[nick])
        other = uow.people.find(roster(60).participants[0].nip)
        assert other is not None and other.id is not None
        ids["q1"] = other.id  # a participant of the other cohort
    for host in HOSTS:
        app.planning.record_host(RecordHost(actor_id=k, cohort_code=COHORT, host=host))
    for code, members, hosts in (
        ("I", ("p1", "p2"), ("mdn-bappeda",)),
        ("II", ("p3",), ("mdn-bkpsdm",)),
    ):
        app.planning.form_group(
            FormGroup(
                actor_id=k,
                cohort_code=COHORT,
                group=GroupSpec(
                    code=code,
                    theme=f"Tema kelompok {code}",
                    members=tuple(f"{m}@uji.go.id" for m in members),
                    hosts=hosts,
                ),
            )
        )
    return Bench(app, clock, ids, projects)
