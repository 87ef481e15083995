"""Helpers for integration tests: organisers, cohorts with rosters, and driving projects."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from adapters.bootstrap import Patok
from adapters.db.orm import AuditRow, PersonRow, ProjectRow
from domain.commands import ApproveStage, CreateCohort, ImportRoster, SubmitStage
from domain.model import ArtifactUpload, Person
from domain.programme import ProgrammeDefinition
from domain.roster import Roster, parse_roster
from states.engine import CommandResult
from tests.stage_content import fulfil

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PDF = b"%PDF-1.4\n% test report\n%%EOF\n"
ORGANISER = Person(
    nip="198001012005011001",
    name="Koordinator Uji",
    email="koordinator@bpsdm.example.go.id",
    agency="BPSDM Provinsi Maluku",
    can_create_cohorts=True,
)


def small_roster() -> Roster:
    """The two-participant example roster shipped in examples/."""
    return parse_roster((EXAMPLES / "roster-small.csv").read_text(encoding="utf-8"), "csv")


def add_organiser(app: Patok) -> int:
    """Register the test organiser; return their id."""
    with app.engine.unit_of_work(write=True) as uow:
        pid = uow.people.add(ORGANISER)
        uow.commit()
    return pid


def make_cohort(
    app: Patok, organiser_id: int, code: str, roster: Roster, programme: str = "PIM3"
) -> list[int]:
    """Create a WIT cohort, import the roster, return its project ids."""
    app.cohorts.create(
        CreateCohort(
            actor_id=organiser_id,
            code=code,
            name=f"Angkatan uji {code}",
            programme_code=programme,
            organiser="BPSDM Provinsi Maluku",
            timezone="Asia/Jayapura",
            start_date=date(2026, 3, 2),
        )
    )
    app.cohorts.import_roster(ImportRoster(actor_id=organiser_id, cohort_code=code, roster=roster))
    with app.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(code)
        assert cohort.id is not None
        return uow.projects.ids_of_cohort(cohort.id)


def programme_of(app: Patok, project_id: int) -> ProgrammeDefinition:
    """The pinned programme of a project's cohort."""
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project_id, 0)
        return app.engine.programme(uow, view.programme_checksum)


def uploads_for(programme: ProgrammeDefinition, stage: str) -> tuple[ArtifactUpload, ...]:
    """One small PDF for each artifact the stage requires."""
    return tuple(
        ArtifactUpload(kind=k, filename=f"{k}.pdf", media_type="application/pdf", content=PDF)
        for k in programme.stage(stage).required_artifacts
    )


def submit_and_approve(app: Patok, project_id: int) -> CommandResult:
    """Record the content the current stage requires, submit it with its artifacts and have the
    mentor approve it."""
    fulfil(app, project_id)
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project_id, 0)
    programme = programme_of(app, project_id)
    app.engine.submit(
        SubmitStage(
            actor_id=view.participant_id,
            project_id=project_id,
            artifacts=uploads_for(programme, view.stage),
        )
    )
    return app.engine.approve(ApproveStage(actor_id=view.mentor_id, project_id=project_id))


def counts(app: Patok) -> tuple[int, int, int]:
    """(people, projects, audit entries) in the database."""
    assert app.database is not None
    with app.database.connect() as conn:
        return (
            int(conn.execute(select(func.count()).select_from(PersonRow)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(ProjectRow)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(AuditRow)).scalar_one()),
        )
