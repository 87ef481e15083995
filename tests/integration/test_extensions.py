"""Extensions on real databases: a granted one moves the deadline and every pending reminder and
escalation with it; every refusal changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from adapters.bootstrap import Patok
from adapters.clock import SettableClock
from domain.commands import DecideExtension, RequestChanges, RequestExtension, SubmitStage
from domain.errors import ConflictError, Forbidden, GuardFailed, ValidationFailed
from tests.integration.helpers import (
    add_organiser,
    counts,
    make_cohort,
    programme_of,
    small_roster,
    uploads_for,
)
from tests.integration.test_sweep import wit


@pytest.fixture
def world(app: Patok) -> tuple[int, int, int, int, int]:
    """(organiser, project, participant, mentor, other project's mentor)."""
    organiser = add_organiser(app)
    project, other, *_ = make_cohort(app, organiser, "EXT-1", small_roster())
    with app.engine.unit_of_work() as uow:
        view = uow.projects.load(project, 0)
        other_view = uow.projects.load(other, 0)
    return organiser, project, view.participant_id, view.mentor_id, other_view.mentor_id


def test_a_granted_extension_moves_the_deadline_and_every_pending_step(
    app: Patok, world: tuple[int, int, int, int, int], clock: SettableClock
) -> None:
    organiser, project, participant, mentor, _ = world
    clock.set(wit(9, 9))
    asked = app.extensions.request(
        RequestExtension(
            actor_id=participant,
            project_id=project,
            reason="Data BPS belum terbit",
            new_due_date=date(2026, 3, 13),
        )
    )
    ext = asked.payload["extension"]
    clock.set(wit(9, 11))
    granted = app.extensions.decide(DecideExtension(actor_id=mentor, extension_id=ext, grant=True))
    assert granted.payload["due_at"].startswith("2026-03-13T14:59:59")  # Friday 23:59:59 WIT
    details = app.queries.project(project, organiser)
    assert details.stages[-1].due_at.isoformat().startswith("2026-03-13T14:59:59")
    # the old ladder (first escalation Wed 11 March) is gone; the new one follows Friday 13
    assert [
        r
        for r in app.sweeper.sweep(wit(11)).raised
        if r.project_id == project and r.kind == "escalation"
    ] == []
    reminder = [r for r in app.sweeper.sweep(wit(12)).raised if r.project_id == project]
    assert [(r.kind, r.level) for r in reminder] == [("reminder", 1)]
    late = [r for r in app.sweeper.sweep(wit(16)).raised if r.project_id == project]
    assert [(r.kind, r.level, r.notify) for r in late] == [("escalation", 1, "coach")]
    history = [e.action for e in app.queries.history(project, organiser)]
    assert history[-2:] == ["extension.requested", "extension.granted"]
    assert app.queries.verify_audit().fault is None


def test_an_extension_granted_after_an_escalation_resolves_it(
    app: Patok, world: tuple[int, int, int, int, int], clock: SettableClock
) -> None:
    organiser, project, participant, _mentor, _ = world
    app.sweeper.sweep(wit(11))
    clock.set(wit(11, 9))
    ext = app.extensions.request(
        RequestExtension(
            actor_id=participant, project_id=project, reason="Sakit", new_due_date=date(2026, 3, 17)
        )
    ).payload["extension"]
    app.extensions.decide(DecideExtension(actor_id=organiser, extension_id=ext, grant=True))
    with app.engine.unit_of_work() as uow:
        still_open = [
            a for a in uow.alerts.listing(None, "escalation", None, True) if a.project_id == project
        ]
    assert still_open == []


def test_bad_extension_requests_and_decisions_are_refused_and_change_nothing(
    app: Patok, world: tuple[int, int, int, int, int], clock: SettableClock
) -> None:
    organiser, project, participant, mentor, stranger = world
    clock.set(wit(9, 9))
    before = counts(app)

    def ask(actor: int, day: date, reason: str = "alasan") -> None:
        app.extensions.request(
            RequestExtension(actor_id=actor, project_id=project, reason=reason, new_due_date=day)
        )

    with pytest.raises(ValidationFailed, match="2026-03-11"):
        ask(participant, date(2026, 3, 14))  # a Saturday
    with pytest.raises(ValidationFailed):
        ask(participant, date(2026, 3, 10))  # not after the current deadline
    with pytest.raises(ValidationFailed):
        ask(participant, date(2026, 3, 19))  # Nyepi
    with pytest.raises(GuardFailed, match="reason"):
        ask(participant, date(2026, 3, 12), reason=" ")
    with pytest.raises(Forbidden):
        ask(mentor, date(2026, 3, 12))
    assert counts(app) == before
    ask(participant, date(2026, 3, 12))
    with pytest.raises(ConflictError, match="already waiting"):
        ask(participant, date(2026, 3, 13))
    with app.engine.unit_of_work() as uow:
        (ext,) = uow.projects.extensions([project], "pending")
    after_request = counts(app)
    with pytest.raises(Forbidden):
        app.extensions.decide(DecideExtension(actor_id=stranger, extension_id=ext.id, grant=True))
    with pytest.raises(Forbidden):
        app.extensions.decide(
            DecideExtension(actor_id=participant, extension_id=ext.id, grant=True)
        )
    with pytest.raises(GuardFailed, match="refusal needs a reason"):
        app.extensions.decide(DecideExtension(actor_id=mentor, extension_id=ext.id, grant=False))
    assert counts(app) == after_request
    app.extensions.decide(
        DecideExtension(actor_id=mentor, extension_id=ext.id, grant=False, note="Tidak mendesak")
    )
    with pytest.raises(ConflictError, match="already decided"):
        app.extensions.decide(DecideExtension(actor_id=organiser, extension_id=ext.id, grant=True))
    details = app.queries.project(project, organiser)
    assert details.stages[-1].due_at.isoformat().startswith("2026-03-10T14:59:59")  # unchanged
    app.engine.submit(
        SubmitStage(
            actor_id=participant,
            project_id=project,
            artifacts=uploads_for(programme_of(app, project), "diagnosis"),
        )
    )
    with pytest.raises(GuardFailed, match="drafted or revised"):
        ask(participant, date(2026, 3, 12))


def test_an_extension_to_a_date_already_past_is_refused_even_if_after_the_old_deadline(
    app: Patok, world: tuple[int, int, int, int, int], clock: SettableClock
) -> None:
    _, project, participant, _, _ = world
    app.sweeper.sweep(wit(17))  # due 10 March; escalations 1-3 raised
    clock.set(wit(20, 9))
    with pytest.raises(ValidationFailed, match="today"):
        app.extensions.request(
            RequestExtension(
                actor_id=participant,
                project_id=project,
                reason="terlambat",
                new_due_date=date(2026, 3, 12),
            )
        )


def test_a_stale_request_cannot_be_granted_but_can_still_be_refused(
    app: Patok, world: tuple[int, int, int, int, int], clock: SettableClock
) -> None:
    organiser, project, participant, mentor, _ = world
    clock.set(wit(9, 9))
    ext = app.extensions.request(
        RequestExtension(
            actor_id=participant, project_id=project, reason="data", new_due_date=date(2026, 3, 11)
        )
    ).payload["extension"]
    app.engine.submit(
        SubmitStage(
            actor_id=participant,
            project_id=project,
            artifacts=uploads_for(programme_of(app, project), "diagnosis"),
        )
    )
    with pytest.raises(GuardFailed, match="drafted or revised"):
        app.extensions.decide(DecideExtension(actor_id=mentor, extension_id=ext, grant=True))
    clock.set(wit(9, 15))
    app.engine.request_changes(
        RequestChanges(actor_id=mentor, project_id=project, comment="Perbaiki")
    )  # revision due 12 March: the old request would move the deadline earlier
    with pytest.raises(ValidationFailed, match="earliest"):
        app.extensions.decide(DecideExtension(actor_id=mentor, extension_id=ext, grant=True))
    refused = app.extensions.decide(
        DecideExtension(actor_id=mentor, extension_id=ext, grant=False, note="Tidak relevan lagi")
    )
    assert refused.event == "extension.refused"
    assert (
        app.queries.project(project, organiser)
        .stages[-1]
        .due_at.isoformat()
        .startswith("2026-03-12T14:59:59")
    )


def test_extension_requests_are_listed_only_to_those_who_may_see_the_project(
    app: Patok, world: tuple[int, int, int, int, int], clock: SettableClock
) -> None:
    organiser, project, participant, mentor, stranger = world
    clock.set(wit(9, 9))
    app.extensions.request(
        RequestExtension(
            actor_id=participant, project_id=project, reason="data", new_due_date=date(2026, 3, 12)
        )
    )
    for who in (participant, mentor, organiser):
        assert [e.project_id for e in app.queries.extensions(who, None, "pending")] == [project]
    assert app.queries.extensions(stranger, None, None) == []


def test_after_an_extension_every_reminder_and_every_rung_of_the_ladder_follows_the_new_date(
    app: Patok, world: tuple[int, int, int, int, int], clock: SettableClock
) -> None:
    """Swept every morning for four weeks: the two reminders and the three rungs (coach,
    coordinator, head of agency) fall on the working days counted from Friday 13 March, across
    Nyepi, Idul Fitri and their cuti bersama — and nothing of the old deadline's ladder is raised."""
    _organiser, project, participant, mentor, _ = world
    clock.set(wit(9, 9))
    ext = app.extensions.request(
        RequestExtension(
            actor_id=participant, project_id=project, reason="Data BPS", new_due_date=date(2026, 3, 13)
        )
    ).payload["extension"]
    clock.set(wit(9, 11))
    app.extensions.decide(DecideExtension(actor_id=mentor, extension_id=ext, grant=True))
    raised: list[tuple[str, str, str]] = []
    for n in range(28):
        when = wit(10, 8, 5) + timedelta(days=n)
        raised += [
            (when.date().isoformat(), r.kind, r.notify)
            for r in app.sweeper.sweep(when).raised
            if r.project_id == project
        ]
    assert raised == [
        ("2026-03-10", "reminder", "participant"),  # 3 working days before Friday 13
        ("2026-03-12", "reminder", "participant"),  # 1 working day before
        ("2026-03-16", "escalation", "coach"),  # +1 working day
        ("2026-03-25", "escalation", "coordinator"),  # +3: 18-24 March are holidays or weekend
        ("2026-03-27", "escalation", "agency_head"),  # +5
    ]
