"""Tests for states.lifecycle: every (state, trigger) pair of the machine, its guards and their order.

The expected machine is written out here from the lifecycle's specification, independently of
``lifecycle.TRANSITIONS``, and the real machine is fired against it for every pair in
``STATES × Trigger``.
"""

from __future__ import annotations

import pytest

from adapters.programmes import builtin_programmes
from domain.errors import Forbidden, GuardFailed, IllegalTransition
from domain.programme import STAGE_CODES
from domain.roles import ACTION_WORDS, Action, Role
from states.lifecycle import (
    INITIAL_STATE,
    STATES,
    Attempt,
    Trigger,
    fire,
    legal_triggers,
    reopen_targets,
)

# --- the expected machine, written from the specification ---------------------------------------

STAGES: tuple[str, ...] = (
    "diagnosis",
    "taking_ownership",
    "benchmarking",
    "lesson_synthesis",
    "adoption",
    "implementation",
)
DRAFTING = "drafting"
SUBMITTED = "submitted"
CHANGES_REQUESTED = "changes_requested"
GATES: tuple[str, ...] = (DRAFTING, SUBMITTED, CHANGES_REQUESTED)
COMPLETED = "completed"
WITHDRAWN = "withdrawn"

TRIGGER_ORDER: tuple[str, ...] = ("submit", "approve", "request_changes", "withdraw", "reopen")


def at(stage: str, gate: str) -> str:
    """The state name of ``stage`` at ``gate``."""
    return f"{stage}.{gate}"


def stage_of(state: str) -> str:
    """The stage part of a state name."""
    return state.partition(".")[0]


EXPECTED_STATES: list[str] = [at(s, g) for s in STAGES for g in GATES] + [COMPLETED, WITHDRAWN]


def _expected_table() -> dict[tuple[str, Trigger], list[str]]:
    """(source state, trigger) → every destination it may reach (several only for reopen)."""
    table: dict[tuple[str, Trigger], list[str]] = {}
    for index, stage in enumerate(STAGES):
        after_approval = at(STAGES[index + 1], DRAFTING) if index + 1 < len(STAGES) else COMPLETED
        table[(at(stage, DRAFTING), Trigger.SUBMIT)] = [at(stage, SUBMITTED)]
        table[(at(stage, CHANGES_REQUESTED), Trigger.SUBMIT)] = [at(stage, SUBMITTED)]
        table[(at(stage, SUBMITTED), Trigger.APPROVE)] = [after_approval]
        table[(at(stage, SUBMITTED), Trigger.REQUEST_CHANGES)] = [at(stage, CHANGES_REQUESTED)]
        for gate in GATES:
            table[(at(stage, gate), Trigger.WITHDRAW)] = [WITHDRAWN]
            if index > 0:
                table[(at(stage, gate), Trigger.REOPEN)] = [at(e, DRAFTING) for e in STAGES[:index]]
    table[(COMPLETED, Trigger.REOPEN)] = [at(s, DRAFTING) for s in STAGES]
    return table


EXPECTED: dict[tuple[str, Trigger], list[str]] = _expected_table()


def expected_legal(state: str) -> list[str]:
    """The triggers the expected table allows out of ``state``, in Trigger order."""
    return [t.value for t in Trigger if (state, t) in EXPECTED]


def expected_reopen_stages(state: str) -> list[str]:
    """The stages the expected table lets ``state`` be reopened to."""
    return [stage_of(dest) for dest in EXPECTED.get((state, Trigger.REOPEN), [])]


LEGAL: list[tuple[str, Trigger, str]] = [
    (state, trigger, dest)
    for state in EXPECTED_STATES
    for trigger in Trigger
    for dest in EXPECTED.get((state, trigger), [])
]
ILLEGAL: list[tuple[str, Trigger]] = [
    (state, trigger)
    for state in EXPECTED_STATES
    for trigger in Trigger
    if (state, trigger) not in EXPECTED
]

# --- attempts whose guards pass ------------------------------------------------------------------

APPROVERS = frozenset({Role.MENTOR})
REQUIRED = ("laporan_diagnosis", "lampiran")
ACTOR_OF: dict[Trigger, Role] = {
    Trigger.SUBMIT: Role.PARTICIPANT,
    Trigger.APPROVE: Role.MENTOR,
    Trigger.REQUEST_CHANGES: Role.MENTOR,
    Trigger.WITHDRAW: Role.COORDINATOR,
    Trigger.REOPEN: Role.COORDINATOR,
}


def passing(
    state: str,
    trigger: Trigger,
    dest: str | None = None,
    *,
    relations: frozenset[Role] | None = None,
    text: str = "alasan / a reason",
    present: frozenset[str] = frozenset(REQUIRED),
    target_stage: str | None = None,
) -> Attempt:
    """An Attempt for ``trigger`` from ``state`` whose guards all pass unless overridden."""
    if target_stage is None and trigger is Trigger.REOPEN and dest is not None:
        target_stage = stage_of(dest)
    return Attempt(
        state=state,
        relations=frozenset({ACTOR_OF[trigger]}) if relations is None else relations,
        approvers=APPROVERS,
        present_artifacts=present,
        required_artifacts=REQUIRED,
        text=text,
        target_stage=target_stage,
        actor_label="Budi",
        project_label="proyek-1",
    )


def legal_id(case: tuple[str, Trigger, str]) -> str:
    state, trigger, dest = case
    return f"{state}-{trigger.value}->{dest}"


def pair_id(case: tuple[str, Trigger]) -> str:
    state, trigger = case
    return f"{state}-{trigger.value}"


# --- the expected table itself -------------------------------------------------------------------


def test_stage_codes_are_the_six_stages_in_specified_order() -> None:
    assert STAGE_CODES == STAGES


def test_states_are_every_stage_at_every_open_gate_then_completed_and_withdrawn() -> None:
    assert STATES == EXPECTED_STATES
    assert len(set(STATES)) == len(STATES) == 6 * 3 + 2


def test_trigger_enum_lists_the_five_commands_in_lifecycle_order() -> None:
    assert [t.value for t in Trigger] == list(TRIGGER_ORDER)


def test_initial_state_is_diagnosis_drafting() -> None:
    assert INITIAL_STATE == "diagnosis.drafting"


def test_expected_table_spot_checks_written_by_hand() -> None:
    # A few rows spelled out literally, so a mistake in the table builder is caught too.
    assert EXPECTED[("diagnosis.drafting", Trigger.SUBMIT)] == ["diagnosis.submitted"]
    assert EXPECTED[("adoption.changes_requested", Trigger.SUBMIT)] == ["adoption.submitted"]
    assert EXPECTED[("diagnosis.submitted", Trigger.APPROVE)] == ["taking_ownership.drafting"]
    assert EXPECTED[("implementation.submitted", Trigger.APPROVE)] == ["completed"]
    assert EXPECTED[("benchmarking.submitted", Trigger.REQUEST_CHANGES)] == [
        "benchmarking.changes_requested"
    ]
    assert EXPECTED[("benchmarking.changes_requested", Trigger.REOPEN)] == [
        "diagnosis.drafting",
        "taking_ownership.drafting",
    ]
    assert ("diagnosis.drafting", Trigger.REOPEN) not in EXPECTED
    assert EXPECTED[("implementation.drafting", Trigger.WITHDRAW)] == ["withdrawn"]
    assert ("completed", Trigger.WITHDRAW) not in EXPECTED
    assert len(EXPECTED[("completed", Trigger.REOPEN)]) == 6
    assert expected_legal("withdrawn") == []
    assert expected_legal("completed") == ["reopen"]
    assert expected_legal("diagnosis.drafting") == ["submit", "withdraw"]
    assert expected_legal("diagnosis.submitted") == ["approve", "request_changes", "withdraw"]
    assert expected_legal("adoption.submitted") == [
        "approve",
        "request_changes",
        "withdraw",
        "reopen",
    ]


def test_legal_and_illegal_cases_cover_every_state_trigger_pair_exactly_once() -> None:
    legal_pairs = {(s, t) for s, t, _ in LEGAL}
    illegal_pairs = set(ILLEGAL)
    assert legal_pairs.isdisjoint(illegal_pairs)
    assert legal_pairs | illegal_pairs == {(s, t) for s in STATES for t in Trigger}
    assert len(ILLEGAL) == len(set(ILLEGAL))


# --- every (state, trigger) pair -----------------------------------------------------------------


@pytest.mark.parametrize("state", EXPECTED_STATES)
def test_legal_triggers_match_expected_table_in_trigger_order(state: str) -> None:
    assert legal_triggers(state) == expected_legal(state)


@pytest.mark.parametrize("state", EXPECTED_STATES)
def test_reopen_targets_are_exactly_the_earlier_stages_or_all_after_completion(
    state: str,
) -> None:
    assert reopen_targets(state) == expected_reopen_stages(state)


@pytest.mark.parametrize("case", LEGAL, ids=legal_id)
def test_legal_trigger_with_passing_guards_moves_to_expected_destination(
    case: tuple[str, Trigger, str],
) -> None:
    state, trigger, dest = case
    attempt = passing(state, trigger, dest)

    assert fire(attempt, trigger) == dest
    assert attempt.state == dest


@pytest.mark.parametrize("case", ILLEGAL, ids=pair_id)
def test_illegal_trigger_raises_illegal_transition_naming_legal_ones_and_keeps_state(
    case: tuple[str, Trigger],
) -> None:
    state, trigger = case
    attempt = passing(state, trigger, target_stage=STAGES[0])
    legal = expected_legal(state)

    with pytest.raises(IllegalTransition) as caught:
        fire(attempt, trigger)

    error = caught.value
    assert attempt.state == state
    assert error.details["legal"] == legal
    assert error.details["state"] == state
    assert error.details["trigger"] == trigger.value
    assert error.code == "illegal_transition"
    for message in (error.message_id, error.message_en):
        assert f"'{trigger.value}'" in message
        assert state in message
        for name in legal:
            assert name in message
    assert error.message_id.endswith(
        "yang dapat dilakukan sekarang: " + (", ".join(legal) or "tidak ada")
    )
    assert error.message_en.endswith("allowed now: " + (", ".join(legal) or "nothing"))


@pytest.mark.parametrize("case", ILLEGAL, ids=pair_id)
def test_legality_is_checked_before_guards_so_stranger_firing_illegal_trigger_gets_illegal_transition(
    case: tuple[str, Trigger],
) -> None:
    state, trigger = case
    stranger = Attempt(state=state, relations=frozenset(), required_artifacts=REQUIRED)

    with pytest.raises(IllegalTransition) as caught:
        fire(stranger, trigger)

    assert caught.value.details["legal"] == expected_legal(state)
    assert stranger.state == state


def test_withdrawn_is_final_no_trigger_leaves_it_even_for_a_coordinator() -> None:
    for trigger in Trigger:
        attempt = passing(WITHDRAWN, trigger, relations=frozenset(Role), target_stage=STAGES[0])
        with pytest.raises(IllegalTransition) as caught:
            fire(attempt, trigger)
        assert caught.value.details["legal"] == []
        assert attempt.state == WITHDRAWN


# --- guards --------------------------------------------------------------------------------------

SUBMIT_SOURCES = [s for s, t, _ in LEGAL if t is Trigger.SUBMIT]
REASONED = [case for case in LEGAL if case[1] in (Trigger.WITHDRAW, Trigger.REOPEN)]
BLANKS = ["", " ", "   \t\n"]


@pytest.mark.parametrize("state", SUBMIT_SOURCES)
@pytest.mark.parametrize(
    "present",
    [frozenset(), frozenset({"lampiran"}), frozenset({"laporan_diagnosis", "lain"})],
    ids=["none", "first-missing", "second-missing"],
)
def test_submit_without_a_required_artifact_raises_guard_failed_naming_it_and_keeps_state(
    state: str, present: frozenset[str]
) -> None:
    attempt = passing(state, Trigger.SUBMIT, present=present)
    missing = [k for k in REQUIRED if k not in present]

    with pytest.raises(GuardFailed) as caught:
        fire(attempt, Trigger.SUBMIT)

    assert attempt.state == state
    assert caught.value.details["missing"] == missing
    for message in (caught.value.message_id, caught.value.message_en):
        for name in missing:
            assert name in message
    for name in present & set(REQUIRED):
        assert name not in caught.value.message_en


def test_submit_with_extra_artifacts_beyond_the_required_ones_is_accepted() -> None:
    attempt = passing(
        "diagnosis.drafting", Trigger.SUBMIT, present=frozenset({*REQUIRED, "foto", "notulen"})
    )
    assert fire(attempt, Trigger.SUBMIT) == "diagnosis.submitted"


def test_submit_with_no_required_artifacts_needs_none_attached() -> None:
    attempt = Attempt(state="adoption.drafting", relations=frozenset({Role.PARTICIPANT}))
    assert fire(attempt, Trigger.SUBMIT) == "adoption.submitted"


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_request_changes_with_empty_or_whitespace_comment_raises_guard_failed_and_keeps_state(
    stage: str, blank: str
) -> None:
    state = at(stage, SUBMITTED)
    attempt = passing(state, Trigger.REQUEST_CHANGES, text=blank)

    with pytest.raises(GuardFailed) as caught:
        fire(attempt, Trigger.REQUEST_CHANGES)

    assert attempt.state == state
    assert "comment" in caught.value.message_en
    assert "komentar" in caught.value.message_id


@pytest.mark.parametrize("case", REASONED, ids=legal_id)
@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_withdraw_and_reopen_with_empty_or_whitespace_reason_raise_guard_failed_and_keep_state(
    case: tuple[str, Trigger, str], blank: str
) -> None:
    state, trigger, dest = case
    attempt = passing(state, trigger, dest, text=blank)

    with pytest.raises(GuardFailed) as caught:
        fire(attempt, trigger)

    assert attempt.state == state
    assert "reason" in caught.value.message_en
    assert "Alasan" in caught.value.message_id


ALLOWED_BY_TRIGGER: dict[Trigger, frozenset[Role]] = {
    Trigger.SUBMIT: frozenset({Role.PARTICIPANT}),
    Trigger.APPROVE: APPROVERS,
    Trigger.REQUEST_CHANGES: APPROVERS,
    Trigger.WITHDRAW: frozenset({Role.COORDINATOR}),
    Trigger.REOPEN: frozenset({Role.COORDINATOR}),
}
WRONG_ACTORS: list[tuple[str, Trigger, str, frozenset[Role]]] = [
    (state, trigger, dest, relations)
    for state, trigger, dest in LEGAL
    for relations in [
        frozenset(),
        *(frozenset({r}) for r in Role if r not in ALLOWED_BY_TRIGGER[trigger]),
    ]
]


def wrong_actor_id(case: tuple[str, Trigger, str, frozenset[Role]]) -> str:
    state, trigger, dest, relations = case
    who = "+".join(sorted(r.value for r in relations)) or "stranger"
    return f"{state}-{trigger.value}->{dest}-as-{who}"


@pytest.mark.parametrize("case", WRONG_ACTORS, ids=wrong_actor_id)
def test_wrong_actor_for_legal_trigger_raises_forbidden_naming_allowed_roles_and_keeps_state(
    case: tuple[str, Trigger, str, frozenset[Role]],
) -> None:
    state, trigger, dest, relations = case
    attempt = passing(state, trigger, dest, relations=relations)
    allowed = sorted(r.value for r in ALLOWED_BY_TRIGGER[trigger])

    with pytest.raises(Forbidden) as caught:
        fire(attempt, trigger)

    assert attempt.state == state
    assert caught.value.details["action"] == trigger.value
    assert caught.value.details["allowed"] == allowed
    assert caught.value.details["relations"] == sorted(r.value for r in relations)
    words_id, words_en = ACTION_WORDS[Action(trigger.value)]
    assert words_id in caught.value.message_id and words_en in caught.value.message_en
    assert f"allowed: {', '.join(allowed)}" in caught.value.message_en
    for message in (caught.value.message_id, caught.value.message_en):
        assert f"'{trigger.value}'" not in message  # the action in words, not its code
        assert "Budi" in message
        assert "proyek-1" in message


def test_actor_is_checked_before_artifacts_so_a_coach_submitting_without_artifacts_is_forbidden() -> (
    None
):
    attempt = passing(
        "diagnosis.drafting",
        Trigger.SUBMIT,
        relations=frozenset({Role.COACH}),
        present=frozenset(),
    )
    with pytest.raises(Forbidden):
        fire(attempt, Trigger.SUBMIT)
    assert attempt.state == "diagnosis.drafting"


def test_actor_is_checked_before_comment_so_a_participant_requesting_changes_is_forbidden() -> None:
    attempt = passing(
        "diagnosis.submitted",
        Trigger.REQUEST_CHANGES,
        relations=frozenset({Role.PARTICIPANT}),
        text="",
    )
    with pytest.raises(Forbidden):
        fire(attempt, Trigger.REQUEST_CHANGES)
    assert attempt.state == "diagnosis.submitted"


REOPEN_SOURCES = [s for s in EXPECTED_STATES if (s, Trigger.REOPEN) in EXPECTED]
NOT_EARLIER: list[tuple[str, str]] = [
    (state, target)
    for state in REOPEN_SOURCES
    if state != COMPLETED
    for target in STAGES[STAGES.index(stage_of(state)) :]
]


@pytest.mark.parametrize("case", NOT_EARLIER, ids=lambda c: f"{c[0]}-to-{c[1]}")
def test_reopen_to_same_or_later_stage_raises_guard_failed_naming_reopen_targets_and_keeps_state(
    case: tuple[str, str],
) -> None:
    state, target = case
    attempt = passing(state, Trigger.REOPEN, target_stage=target)
    targets = expected_reopen_stages(state)

    with pytest.raises(GuardFailed) as caught:
        fire(attempt, Trigger.REOPEN)

    assert attempt.state == state
    assert caught.value.details["targets"] == targets == reopen_targets(state)
    assert caught.value.message_en.endswith("choose one of: " + ", ".join(targets))
    assert caught.value.message_id.endswith("pilihan: " + ", ".join(targets))
    for message in (caught.value.message_id, caught.value.message_en):
        assert f"'{target}'" in message
        assert state in message


@pytest.mark.parametrize("state", REOPEN_SOURCES)
@pytest.mark.parametrize("target", [None, "", "no_such_stage"], ids=repr)
def test_reopen_without_a_known_target_stage_raises_guard_failed_naming_reopen_targets(
    state: str, target: str | None
) -> None:
    attempt = passing(state, Trigger.REOPEN, target_stage=target)

    with pytest.raises(GuardFailed) as caught:
        fire(attempt, Trigger.REOPEN)

    assert attempt.state == state
    assert caught.value.details["targets"] == expected_reopen_stages(state)


# --- approvers come from the programme -----------------------------------------------------------

PROGRAMME_STAGES: list[tuple[str, str, frozenset[Role]]] = [
    (code, stage.code, frozenset(stage.approvers))
    for code, programme in sorted(builtin_programmes().items())
    for stage in programme.stages
]


@pytest.mark.parametrize("case", PROGRAMME_STAGES, ids=lambda c: f"{c[0]}-{c[1]}")
@pytest.mark.parametrize("trigger", [Trigger.APPROVE, Trigger.REQUEST_CHANGES])
@pytest.mark.parametrize("role", list(Role))
def test_decision_on_builtin_programme_stage_is_allowed_exactly_for_its_approvers(
    case: tuple[str, str, frozenset[Role]], trigger: Trigger, role: Role
) -> None:
    _, stage, approvers = case
    state = at(stage, SUBMITTED)
    attempt = Attempt(
        state=state, relations=frozenset({role}), approvers=approvers, text="perbaiki bab 2"
    )
    if role in approvers:
        assert fire(attempt, trigger) == EXPECTED[(state, trigger)][0]
    else:
        with pytest.raises(Forbidden):
            fire(attempt, trigger)
        assert attempt.state == state


@pytest.mark.parametrize("code", sorted(builtin_programmes()))
def test_builtin_programme_walks_from_initial_state_to_completed_with_one_revision_per_stage(
    code: str,
) -> None:
    programme = builtin_programmes()[code]
    attempt = Attempt(state=INITIAL_STATE, relations=frozenset())
    for stage in programme.stages:
        attempt.required_artifacts = tuple(stage.required_artifacts)
        attempt.present_artifacts = frozenset(stage.required_artifacts)
        attempt.approvers = frozenset(stage.approvers)
        approver = frozenset({stage.approvers[0]})
        participant = frozenset({Role.PARTICIPANT})
        attempt.text = "komentar"
        steps = [
            (participant, Trigger.SUBMIT),
            (approver, Trigger.REQUEST_CHANGES),
            (participant, Trigger.SUBMIT),
            (approver, Trigger.APPROVE),
        ]
        for relations, trigger in steps:
            attempt.relations = relations
            before = attempt.state
            assert fire(attempt, trigger) == EXPECTED[(before, trigger)][0]
    assert attempt.state == COMPLETED


# --- the shared machine --------------------------------------------------------------------------


def test_state_is_per_attempt_so_firing_on_one_attempt_leaves_another_untouched() -> None:
    first = passing("diagnosis.drafting", Trigger.SUBMIT)
    second = passing("diagnosis.drafting", Trigger.SUBMIT)

    assert fire(first, Trigger.SUBMIT) == "diagnosis.submitted"
    assert second.state == "diagnosis.drafting"

    first.relations = frozenset({Role.MENTOR})
    assert fire(first, Trigger.APPROVE) == "taking_ownership.drafting"
    assert second.state == "diagnosis.drafting"

    assert fire(second, Trigger.SUBMIT) == "diagnosis.submitted"
    assert first.state == "taking_ownership.drafting"


def test_a_refused_trigger_on_one_attempt_does_not_affect_the_next_attempt() -> None:
    refused = passing("benchmarking.submitted", Trigger.APPROVE, relations=frozenset())
    with pytest.raises(Forbidden):
        fire(refused, Trigger.APPROVE)
    with pytest.raises(IllegalTransition):
        fire(passing(WITHDRAWN, Trigger.SUBMIT), Trigger.SUBMIT)

    other = passing("benchmarking.submitted", Trigger.APPROVE)
    assert fire(other, Trigger.APPROVE) == "lesson_synthesis.drafting"
    assert refused.state == "benchmarking.submitted"


def test_attempts_in_different_states_can_be_fired_interleaved() -> None:
    attempts = {state: passing(state, Trigger.WITHDRAW) for state in EXPECTED_STATES[:-2]}
    for state, attempt in attempts.items():
        assert fire(attempt, Trigger.WITHDRAW) == WITHDRAWN
        untouched = [s for s, a in attempts.items() if a.state != WITHDRAWN]
        assert untouched == EXPECTED_STATES[EXPECTED_STATES.index(state) + 1 : -2]


# --- content the programme requires ------------------------------------------------------------


def test_submit_refuses_incomplete_content_naming_what_is_missing_and_keeps_the_state() -> None:
    from domain.content import ContentFacts, ContentRequirements

    attempt = passing("lesson_synthesis.drafting", Trigger.SUBMIT)
    attempt.requirements = ContentRequirements(lessons=2)
    attempt.content = ContentFacts()
    with pytest.raises(GuardFailed) as refused:
        fire(attempt, Trigger.SUBMIT)
    assert refused.value.details["missing"] == [
        "the lesson register holds 0 lesson(s), at least 2 are needed"
    ]
    assert attempt.state == "lesson_synthesis.drafting"


def test_the_policy_is_checked_before_the_content_on_submit() -> None:
    from domain.content import ContentFacts, ContentRequirements

    attempt = passing("adoption.drafting", Trigger.SUBMIT, relations=frozenset({Role.MENTOR}))
    attempt.requirements = ContentRequirements(milestones=3)
    attempt.content = ContentFacts()
    with pytest.raises(Forbidden):
        fire(attempt, Trigger.SUBMIT)


def test_a_stage_without_requirements_submits_with_no_content() -> None:
    attempt = passing("adoption.drafting", Trigger.SUBMIT)
    assert attempt.requirements is None
    assert fire(attempt, Trigger.SUBMIT) == "adoption.submitted"
