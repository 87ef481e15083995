"""The engine on real databases (SQLite file in WAL mode, and PostgreSQL): lifecycle, refusals,
all-or-nothing imports and the audit chain."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.bootstrap import Patok, bootstrap
from adapters.clock import SettableClock
from adapters.settings import Settings
from domain.calendar import WorkingDayCalendar
from domain.commands import (
    ApproveStage,
    ImportRoster,
    ReopenStage,
    RequestChanges,
    SubmitStage,
    WithdrawProject,
)
from domain.errors import (
    ConflictError,
    Forbidden,
    GuardFailed,
    IllegalTransition,
    RosterError,
)
from domain.programme import STAGE_CODES
from tests.integration.helpers import (
    add_organiser,
    counts,
    make_cohort,
    programme_of,
    small_roster,
    submit_and_approve,
    uploads_for,
)


def test_sqlite_file_runs_in_wal_mode_with_normal_sync_and_small_pages(tmp_path: Path) -> None:
    app = bootstrap(Settings(data_dir=tmp_path, database_url=None))
    assert app.database is not None
    with app.database.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 1024
    assert (tmp_path / "patok.db").exists()
    app.close()


def test_project_goes_through_all_six_stages_to_completed_with_an_intact_audit_chain(
    app: Patok, clock: SettableClock
) -> None:
    organiser = add_organiser(app)
    project, *_ = make_cohort(app, organiser, "UJI-1", small_roster())
    seen = []
    for _ in STAGE_CODES:
        with app.engine.unit_of_work() as uow:
            seen.append(uow.projects.load(project, 0).stage)
        result = submit_and_approve(app, project)
    assert seen == list(STAGE_CODES)
    history = app.queries.history(project, organiser)
    content = [e for e in history if e.action.split(".")[0] in ("lesson", "milestone", "adoption")]
    assert len(content) == 8  # PIM III: 2 lessons, 3 milestones, 2 decisions, 1 reported
    assert result.state == "completed"
    assert result.version == 13 + len(content)
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project, organiser)
    assert [e.action for e in history][:3] == [
        "project.created",
        "stage.submitted",
        "stage.approved",
    ]
    assert len(history) == 21 and view.version == 21
    report = app.queries.verify_audit()
    assert report.fault is None
    participants = len(small_roster().participants)
    # cohort created, imported, its host recorded; projects; actions and content
    assert report.entries == 3 + participants + 12 + len(content)


def test_approval_opens_the_next_stage_due_at_the_end_of_its_last_working_day_in_wit(
    app: Patok, clock: SettableClock
) -> None:
    organiser = add_organiser(app)
    project, *_ = make_cohort(app, organiser, "UJI-2", small_roster())
    clock.set(datetime(2026, 3, 16, 1, 0, tzinfo=UTC))  # Monday 16 March, 10:00 WIT
    submit_and_approve(app, project)
    duration = programme_of(app, project).stage("taking_ownership").duration_working_days
    expected_day = WorkingDayCalendar("Asia/Jayapura").add_working_days(
        datetime(2026, 3, 16).date(), duration
    )
    details = app.queries.project(project, organiser)
    current = details.stages[-1]
    assert current.stage == "taking_ownership"
    assert current.due_at == datetime(
        expected_day.year, expected_day.month, expected_day.day, 14, 59, 59, tzinfo=UTC
    )
    # Nyepi, Idul Fitri and their cuti bersama (18-24 March 2026) are skipped
    assert expected_day > datetime(2026, 3, 24).date()


def test_refused_commands_change_nothing(app: Patok) -> None:
    organiser = add_organiser(app)
    project, other, *_ = make_cohort(app, organiser, "UJI-3", small_roster())
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project, 0)
        other_view = uow.projects.load(other, 0)
    before = counts(app)
    with pytest.raises(IllegalTransition) as illegal:
        app.engine.approve(ApproveStage(actor_id=view.mentor_id, project_id=project))
    assert "submit" in illegal.value.message_en and "withdraw" in illegal.value.message_en
    with pytest.raises(GuardFailed, match="laporan"):
        app.engine.submit(SubmitStage(actor_id=view.participant_id, project_id=project))
    with pytest.raises(Forbidden):
        app.engine.submit(
            SubmitStage(
                actor_id=other_view.participant_id,
                project_id=project,
                artifacts=uploads_for(programme_of(app, project), "diagnosis"),
            )
        )
    with pytest.raises(GuardFailed):
        app.engine.withdraw(WithdrawProject(actor_id=organiser, project_id=project, reason=" "))
    with pytest.raises(ConflictError):
        app.engine.withdraw(
            WithdrawProject(actor_id=organiser, project_id=project, reason="x", expected_version=7)
        )
    assert counts(app) == before
    with app.engine.unit_of_work() as uow:
        after = uow.projects.load(project, 0)
    assert (after.state, after.version, after.audit_head) == (
        view.state,
        view.version,
        view.audit_head,
    )


def test_changes_requested_then_resubmitted_keeps_numbered_submissions_and_one_decision_each(
    app: Patok,
) -> None:
    organiser = add_organiser(app)
    project, *_ = make_cohort(app, organiser, "UJI-4", small_roster())
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project, 0)
    files = uploads_for(programme_of(app, project), "diagnosis")
    app.engine.submit(
        SubmitStage(actor_id=view.participant_id, project_id=project, artifacts=files)
    )
    with pytest.raises(GuardFailed, match="comment"):
        app.engine.request_changes(RequestChanges(actor_id=view.mentor_id, project_id=project))
    app.engine.request_changes(
        RequestChanges(actor_id=view.mentor_id, project_id=project, comment="Lengkapi data.")
    )
    app.engine.submit(
        SubmitStage(actor_id=view.participant_id, project_id=project, artifacts=files)
    )
    app.engine.approve(ApproveStage(actor_id=view.mentor_id, project_id=project))
    details = app.queries.project(project, organiser)
    assert [s.number for s in details.submissions] == [1, 2]
    assert sorted(d.outcome.value for d in details.decisions) == ["approved", "changes_requested"]
    assert details.submissions[0].artifacts[0].sha256 == details.submissions[1].artifacts[0].sha256
    with app.engine.unit_of_work() as uow:
        assert (
            uow.projects.artifact_content(details.submissions[0].artifacts[0].sha256)
            == files[0].content
        )


def test_coordinator_reopens_an_earlier_stage_as_a_new_attempt_and_withdraws_with_a_reason(
    app: Patok,
) -> None:
    organiser = add_organiser(app)
    project, other, *_ = make_cohort(app, organiser, "UJI-5", small_roster())
    submit_and_approve(app, project)
    submit_and_approve(app, project)
    with pytest.raises(GuardFailed, match="adoption"):
        app.engine.reopen(
            ReopenStage(actor_id=organiser, project_id=project, stage="adoption", reason="x")
        )
    result = app.engine.reopen(
        ReopenStage(actor_id=organiser, project_id=project, stage="diagnosis", reason="Data salah")
    )
    assert result.state == "diagnosis.drafting"
    details = app.queries.project(project, organiser)
    assert [(s.stage, s.attempt, s.gate.value) for s in details.stages] == [
        ("diagnosis", 1, "approved"),
        ("taking_ownership", 1, "approved"),
        ("benchmarking", 1, "reopened"),
        ("diagnosis", 2, "drafting"),
    ]
    withdrawn = app.engine.withdraw(
        WithdrawProject(actor_id=organiser, project_id=other, reason="Mutasi jabatan")
    )
    assert withdrawn.state == "withdrawn"
    with pytest.raises(IllegalTransition, match=r"nothing|tidak ada"):
        app.engine.withdraw(WithdrawProject(actor_id=organiser, project_id=other, reason="again"))
    assert app.queries.verify_audit().fault is None


def test_roster_import_is_all_or_nothing(app: Patok) -> None:
    organiser = add_organiser(app)
    good = small_roster()
    bad = good.model_copy(
        update={
            "participants": [
                good.participants[0],
                good.participants[1].model_copy(update={"mentor": "nobody@nowhere.go.id"}),
            ]
        }
    )
    make_cohort(app, organiser, "UJI-6", good)
    before = counts(app)
    from domain.commands import CreateCohort

    app.cohorts.create(
        CreateCohort(
            actor_id=organiser,
            code="UJI-7",
            name="Angkatan uji 7",
            programme_code="PKA",
            organiser="BPSDM",
            timezone="WIB",
            start_date=datetime(2026, 3, 2).date(),
        )
    )
    mid = counts(app)
    with pytest.raises(RosterError, match=r"nobody@nowhere\.go\.id"):
        app.cohorts.import_roster(ImportRoster(actor_id=organiser, cohort_code="UJI-7", roster=bad))
    assert counts(app) == mid
    with pytest.raises(RosterError):
        app.cohorts.import_roster(
            ImportRoster(actor_id=organiser, cohort_code="UJI-6", roster=good)
        )
    assert counts(app)[1] == before[1]


@pytest.mark.parametrize("tamper", ["edit", "delete_middle", "delete_tail"])
def test_tampering_with_the_audit_log_is_detected_and_named(app: Patok, tamper: str) -> None:
    organiser = add_organiser(app)
    project, *_ = make_cohort(app, organiser, "UJI-8", small_roster())
    submit_and_approve(app, project)
    history = app.queries.history(project, organiser)
    target = history[1] if tamper != "delete_tail" else history[-1]
    assert app.database is not None
    with app.database.begin() as conn:
        if tamper == "edit":
            conn.execute(
                text("UPDATE audit_log SET payload = :p WHERE seq = :s"),
                {"p": '{"stage":"diagnosis","note":"diubah"}', "s": target.seq},
            )
        else:
            conn.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": target.seq})
    fault = app.queries.verify_audit().fault
    assert fault is not None
    assert fault.stream == f"project:{project}"
    if tamper == "edit":
        assert fault.seq == target.seq and "edited" in fault.why
    elif tamper == "delete_middle":
        assert fault.stream_seq == target.stream_seq and "missing" in fault.why
    else:
        assert "deleted tail" in fault.why


def test_audit_verify_reads_one_snapshot_while_commands_commit(
    app: Patok, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from adapters.db.stores import SqlAuditStore

    organiser = add_organiser(app)
    project, *_ = make_cohort(app, organiser, "UJI-9", small_roster())
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project, 0)
    files = uploads_for(programme_of(app, project), "diagnosis")
    original = SqlAuditStore.entries

    def entries_after_a_commit(self: SqlAuditStore) -> object:
        thread = threading.Thread(
            target=app.engine.submit,
            args=(SubmitStage(actor_id=view.participant_id, project_id=project, artifacts=files),),
        )
        thread.start()
        thread.join(timeout=60)  # committed between reading the heads and the entries
        return original(self)

    monkeypatch.setattr(SqlAuditStore, "entries", entries_after_a_commit)
    report = app.queries.verify_audit()
    monkeypatch.undo()
    assert report.fault is None
    assert app.queries.verify_audit().fault is None
    with app.engine.unit_of_work() as uow:
        assert uow.projects.load(project, 0).state == "diagnosis.submitted"
