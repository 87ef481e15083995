"""Tests for domain.content: what each requirement reports missing, when content may change, and
the checks on lessons, adoption decisions and milestones (every message in both languages)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.content import (
    AdoptionDecision,
    AdoptionKind,
    ContentFacts,
    ContentKind,
    ContentRequirements,
    Lesson,
    Milestone,
    MilestoneStatus,
    MilestoneTerm,
    check_decision,
    check_lesson,
    check_milestone,
    check_milestone_report,
    missing_content,
    require_editable,
)
from domain.errors import GuardFailed

AT = datetime(2026, 4, 1, tzinfo=UTC)


def lesson(number: int, lesson_id: int | None = None) -> Lesson:
    return Lesson(
        id=lesson_id or number,
        project_id=1,
        number=number,
        host_id=1,
        practice="e-Planning",
        evidence="RKPD",
        success_key="komitmen",
        lesson="belajar",
        recorded_by=1,
        recorded_at=AT,
    )


def decision(
    lesson_id: int, kind: AdoptionKind, milestones: tuple[int, ...] = ()
) -> AdoptionDecision:
    return AdoptionDecision(
        id=lesson_id,
        lesson_id=lesson_id,
        project_id=1,
        kind=kind,
        rationale="alasan",
        milestone_ids=milestones,
        decided_by=1,
        decided_at=AT,
    )


def milestone(
    number: int, term: MilestoneTerm, status: MilestoneStatus = MilestoneStatus.PLANNED
) -> Milestone:
    return Milestone(
        id=number,
        project_id=1,
        number=number,
        title=f"tonggak {number}",
        term=term,
        target_date=date(2026, 5, 1),
        status=status,
        updated_at=AT,
    )


def test_no_requirements_means_nothing_is_missing_even_without_content() -> None:
    assert ContentRequirements().is_empty()
    assert not missing_content(ContentRequirements(), ContentFacts())


def test_too_few_lessons_names_how_many_there_are_and_are_needed_without_a_command_hint() -> None:
    missing = missing_content(ContentRequirements(lessons=3), ContentFacts.of((lesson(1),), (), ()))
    assert missing.en == ["the lesson register holds 1 lesson(s), at least 3 are needed"]
    assert missing.id == ["register pembelajaran berisi 1 pelajaran, minimal 3"]


def test_undecided_lessons_are_named_by_number() -> None:
    facts = ContentFacts.of(
        (lesson(1), lesson(2), lesson(3)), (decision(2, AdoptionKind.NOT_ADOPT),), ()
    )
    missing = missing_content(ContentRequirements(decisions_on_all_lessons=True), facts)
    assert missing.en == ["lesson(s) #1, #3 have no adoption decision yet (adopt/adapt/not adopt)"]


def test_not_adopted_lessons_do_not_count_towards_adopted_or_adapted() -> None:
    facts = ContentFacts.of(
        (lesson(1), lesson(2)),
        (decision(1, AdoptionKind.NOT_ADOPT), decision(2, AdoptionKind.ADAPT, (5,))),
        (),
    )
    assert not missing_content(ContentRequirements(adopted_or_adapted=1), facts)
    missing = missing_content(ContentRequirements(adopted_or_adapted=2), facts)
    assert missing.en == ["1 lesson(s) adopted or adapted, at least 2 are needed"]


def test_adopted_lessons_without_a_milestone_are_named_but_not_adopted_ones_never() -> None:
    facts = ContentFacts.of(
        (lesson(1), lesson(2), lesson(3)),
        (
            decision(1, AdoptionKind.ADOPT),
            decision(2, AdoptionKind.ADAPT, (7,)),
            decision(3, AdoptionKind.NOT_ADOPT),
        ),
        (),
    )
    missing = missing_content(ContentRequirements(decisions_linked_to_milestones=True), facts)
    assert missing.en == [
        "the decision(s) on lesson(s) #1 are not linked to a milestone of the change plan"
    ]


def test_missing_milestone_terms_are_named_in_both_languages() -> None:
    facts = ContentFacts.of((), (), (milestone(1, MilestoneTerm.MEDIUM),))
    req = ContentRequirements(milestones=3, milestone_terms=list(MilestoneTerm))
    missing = missing_content(req, facts)
    assert missing.en == [
        "the change plan has 1 milestone(s), at least 3 are needed",
        "no short term, long term milestone yet",
    ]
    assert missing.id[1] == "belum ada tonggak jangka pendek, jangka panjang"


def test_planned_milestones_of_a_reported_term_are_missing_but_done_or_slipped_are_not() -> None:
    facts = ContentFacts.of(
        (),
        (),
        (
            milestone(1, MilestoneTerm.SHORT, MilestoneStatus.DONE),
            milestone(2, MilestoneTerm.SHORT),
            milestone(3, MilestoneTerm.SHORT, MilestoneStatus.SLIPPED),
            milestone(4, MilestoneTerm.LONG),
        ),
    )
    missing = missing_content(ContentRequirements(milestones_reported=[MilestoneTerm.SHORT]), facts)
    assert missing.en == ["milestone(s) #2 are not yet reported done or slipped"]
    assert "patok" not in " ".join(missing.id + missing.en)


def test_every_missing_requirement_is_listed_at_once() -> None:
    req = ContentRequirements(
        lessons=1, decisions_on_all_lessons=True, adopted_or_adapted=1, milestones=1
    )
    assert len(missing_content(req, ContentFacts()).en) == 3  # no lessons to decide yet


@pytest.mark.parametrize(
    ("kind", "state", "allowed"),
    [
        (ContentKind.LESSON, "benchmarking.drafting", True),
        (ContentKind.LESSON, "lesson_synthesis.changes_requested", True),
        (ContentKind.LESSON, "lesson_synthesis.submitted", False),
        (ContentKind.LESSON, "adoption.drafting", False),
        (ContentKind.LESSON, "taking_ownership.drafting", False),
        (ContentKind.DECISION, "lesson_synthesis.drafting", True),
        (ContentKind.DECISION, "adoption.changes_requested", True),
        (ContentKind.DECISION, "adoption.submitted", False),
        (ContentKind.DECISION, "implementation.drafting", False),
        (ContentKind.MILESTONE, "adoption.drafting", True),
        (ContentKind.MILESTONE, "implementation.drafting", True),
        (ContentKind.MILESTONE, "completed", False),
        (ContentKind.MILESTONE, "benchmarking.drafting", False),
        (ContentKind.MILESTONE_REPORT, "implementation.changes_requested", True),
        (ContentKind.MILESTONE_REPORT, "completed", True),
        (ContentKind.MILESTONE_REPORT, "implementation.submitted", False),
        (ContentKind.MILESTONE_REPORT, "withdrawn", False),
    ],
)
def test_content_changes_only_while_its_stages_are_drafted_or_revised(
    kind: ContentKind, state: str, allowed: bool
) -> None:
    if allowed:
        require_editable(kind, state)
        return
    with pytest.raises(GuardFailed) as refused:
        require_editable(kind, state)
    assert state in refused.value.message_en and state in refused.value.message_id
    assert "drafted or revised" in refused.value.message_en


def test_a_lesson_without_a_host_practice_names_each_missing_field_by_its_command_field() -> None:
    problems = check_lesson(host="", practice=" ", evidence="data", success_key="", lesson="x")
    assert problems.en == [
        "host: required: the host partner where the practice was observed",
        "practice: required: the observed best practice (what)",
        "success_key: required: the key to the host's success",
    ]
    assert problems.id[0] == "host: wajib diisi: mitra benchmarking (lokus) tempat praktik diamati"


def test_a_complete_lesson_has_no_problems() -> None:
    assert not check_lesson(host="h", practice="p", evidence="e", success_key="k", lesson="l")


@pytest.mark.parametrize("kind", list(AdoptionKind))
def test_every_adoption_decision_needs_a_rationale(kind: AdoptionKind) -> None:
    problems = check_decision(kind=kind, rationale="", changes="x", milestones=())
    assert problems.en[0].startswith("rationale: required: why it is")


def test_adapting_needs_what_changes_and_not_adopting_links_no_milestone() -> None:
    adapt = check_decision(kind=AdoptionKind.ADAPT, rationale="r", changes="", milestones=(1,))
    assert adapt.en == ["changes: required to adapt: what changes from the host's practice"]
    refuse = check_decision(kind=AdoptionKind.NOT_ADOPT, rationale="r", changes="", milestones=(1,))
    assert refuse.en == ["milestones: a lesson that is not adopted is linked to no milestone"]
    assert not check_decision(kind=AdoptionKind.ADOPT, rationale="r", changes="", milestones=(1,))


def test_a_milestone_needs_a_title_and_a_target_date_named_by_their_fields() -> None:
    problems = check_milestone(title="", target_date=None)
    assert problems.en == [
        "title: required: what is achieved",
        "target_date: required: a target date",
    ]


def test_done_needs_evidence_and_no_future_date_and_slipped_needs_a_reason() -> None:
    today = date(2026, 4, 1)
    done = check_milestone_report(
        status=MilestoneStatus.DONE, evidence="", note="", done_on=date(2026, 4, 2), today=today
    )
    assert done.en == [
        "evidence: a milestone reported done needs its evidence",
        "done_on: the completion date 2026-04-02 is in the future (today is 2026-04-01)",
    ]
    slipped = check_milestone_report(
        status=MilestoneStatus.SLIPPED, evidence="", note=" ", done_on=None, today=today
    )
    assert slipped.en == ["note: a slipped milestone needs a reason"]


def test_a_planned_milestone_past_its_target_date_counts_as_slipped() -> None:
    m = milestone(1, MilestoneTerm.SHORT)
    assert m.effective_status(date(2026, 5, 1)) is MilestoneStatus.PLANNED
    assert m.effective_status(date(2026, 5, 2)) is MilestoneStatus.SLIPPED
    done = milestone(2, MilestoneTerm.SHORT, MilestoneStatus.DONE)
    assert done.effective_status(date(2027, 1, 1)) is MilestoneStatus.DONE
