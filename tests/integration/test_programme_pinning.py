"""A running cohort keeps the programme it was created with, on SQLite and on PostgreSQL.

A coordinator's own programme file reaches patok when a cohort is created from it (``patok cohort
create --programme-file``, which reads it with :func:`adapters.programmes.load_programme_file`;
``POST /api/v1/cohorts`` with ``programme_yaml``). Here that file has the same code (and version)
as the shipped PIM3 but other durations, approvers and required artifacts: the cohort created
before it keeps its pinned snapshot — deadlines, approvers and required artifacts — also when its
roster is imported afterwards and when it is read by a process that never saw the old definition,
by another process, and after the shipped PIM3 itself changed (an upgrade of patok), while a
cohort created from the file follows the new definition.

``patok programme list|show`` read only the shipped programmes and ``patok programme check``
only validates a file: a coordinator's programme is not registered anywhere under its code, it
lives in the snapshot of each cohort created from it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from adapters.bootstrap import Patok, bootstrap
from adapters.clock import SettableClock
from adapters.programmes import builtin_programmes, load_programme_file
from adapters.settings import Settings
from domain.commands import ApproveStage, CreateCohort, ImportRoster, SubmitStage
from domain.errors import Forbidden, GuardFailed
from domain.programme import ProgrammeDefinition, programme_checksum
from states.ports import ProjectView
from tests.integration.helpers import add_organiser, small_roster, uploads_for

PIM3_FILE = Path(__file__).resolve().parents[2] / "domain" / "programmes" / "pim3.yaml"
PARTICIPANT_WITH_COACH = "197802092003031041"  # Ismail Tuakia in examples/roster-small.csv


def _changed_pim3(folder: Path) -> Path:
    """PIM3 with the same code and version: diagnosis takes 10 working days (not 6), is approved
    by the coach (not the mentor) and needs the agreed area of change as well; taking ownership
    takes 12 working days (not 8)."""
    text = PIM3_FILE.read_text(encoding="utf-8")
    changes = [
        ("duration_working_days: 6\n", "duration_working_days: 10\n"),
        ("duration_working_days: 8\n", "duration_working_days: 12\n"),
        ("approvers: [mentor]\n", "approvers: [coach]\n"),
        (
            "required_artifacts: [laporan_diagnosis]\n",
            "required_artifacts: [laporan_diagnosis, kesepakatan_area_perubahan]\n",
        ),
    ]
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    path = folder / "pim3-bpsdm.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _create(app: Patok, organiser: int, code: str, definition: ProgrammeDefinition | None) -> None:
    app.cohorts.create(
        CreateCohort(
            actor_id=organiser,
            code=code,
            name=f"Angkatan uji {code}",
            programme_code="" if definition else "PIM3",
            programme=definition,
            organiser="BPSDM Provinsi Maluku",
            timezone="Asia/Jayapura",
            start_date=date(2026, 3, 2),
        )
    )


def _import(app: Patok, organiser: int, code: str) -> ProjectView:
    """Import the small roster into ``code``; the project of its participant who has a coach."""
    app.cohorts.import_roster(
        ImportRoster(actor_id=organiser, cohort_code=code, roster=small_roster())
    )
    return _project(app, code)


def _project(app: Patok, code: str) -> ProjectView:
    with app.engine.unit_of_work() as uow:
        cohort = uow.cohorts.by_code(code)
        assert cohort.id is not None
        participant = uow.people.find(PARTICIPANT_WITH_COACH)
        assert participant is not None and participant.id is not None
        ids = set(uow.projects.ids_of_cohort(cohort.id)) & set(
            uow.projects.of_participant(participant.id)
        )
        (pid,) = ids
        return uow.projects.load(pid, 0)


def _pinned(app: Patok, view: ProjectView) -> ProgrammeDefinition:
    with app.engine.unit_of_work() as uow:
        return app.engine.programme(uow, view.programme_checksum)


def _submit(app: Patok, view: ProjectView, programme: ProgrammeDefinition) -> None:
    app.engine.submit(
        SubmitStage(
            actor_id=view.participant_id,
            project_id=view.project_id,
            artifacts=uploads_for(programme, "diagnosis"),
        )
    )


def test_a_changed_programme_file_with_the_same_code_changes_nothing_for_a_running_cohort(
    app: Patok,
    database_url: str,
    tmp_path: Path,
    clock: SettableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = builtin_programmes()["PIM3"]
    organiser = add_organiser(app)
    _create(app, organiser, "LAMA-1", None)  # before the coordinator's file exists

    changed = load_programme_file(_changed_pim3(tmp_path))
    assert (changed.code, changed.version) == (shipped.code, shipped.version)
    assert programme_checksum(changed) != programme_checksum(shipped)
    _create(app, organiser, "BARU-1", changed)
    new = _import(app, organiser, "BARU-1")

    # The running cohort is then driven by another process, in which even the shipped PIM3 is
    # the changed one (as after an upgrade of patok that edited it): only the snapshot counts.
    monkeypatch.setattr(
        "adapters.bootstrap.builtin_programmes", lambda: {**builtin_programmes(), "PIM3": changed}
    )
    later = bootstrap(Settings(database_url=database_url, data_dir=tmp_path), clock=clock)
    try:
        old = _import(later, organiser, "LAMA-1")  # its roster arrives after the new file
        assert old.programme_checksum == programme_checksum(shipped)
        assert _pinned(later, old) == shipped
        assert old.due_at == later.engine.due_at(old.timezone, old.opened_at, 6)

        _submit(later, old, shipped)  # the diagnosis report alone is enough for it
        with pytest.raises(Forbidden):  # and its coach may not approve diagnosis
            later.engine.approve(ApproveStage(actor_id=old.coach_id or 0, project_id=old.project_id))
        later.engine.approve(ApproveStage(actor_id=old.mentor_id, project_id=old.project_id))
        moved = _project(later, "LAMA-1")
        assert moved.state == "taking_ownership.drafting"
        assert moved.due_at == later.engine.due_at(moved.timezone, moved.opened_at, 8)
    finally:
        later.close()

    # The cohort created from the file follows it.
    assert new.programme_checksum == programme_checksum(changed)
    assert _pinned(app, new) == changed
    assert new.due_at == app.engine.due_at(new.timezone, new.opened_at, 10)
    with pytest.raises(GuardFailed, match="kesepakatan_area_perubahan"):
        _submit(app, new, shipped)
    _submit(app, new, changed)
    with pytest.raises(Forbidden):
        app.engine.approve(ApproveStage(actor_id=new.mentor_id, project_id=new.project_id))
    app.engine.approve(ApproveStage(actor_id=new.coach_id or 0, project_id=new.project_id))
    moved = _project(app, "BARU-1")
    assert moved.state == "taking_ownership.drafting"
    assert moved.due_at == app.engine.due_at(moved.timezone, moved.opened_at, 12)
