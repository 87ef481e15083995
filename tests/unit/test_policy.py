"""Tests for domain.policy: every role × every action × own/other project, and require's refusal.

An actor's *relations* to a project are the roles they hold towards it. "Own" means the actor holds
``role`` towards this project (their own project, their mentee's, their cohort's); "other" means they
have no relation at all to it (someone else's project, another mentor's mentee, another cohort).
"""

from __future__ import annotations

from itertools import combinations

import pytest

from adapters.programmes import builtin_programmes
from domain.errors import Forbidden
from domain.policy import allowed_roles, is_allowed, require
from domain.roles import ACTION_WORDS, ROLE_WORDS, Action, Role

P, M, C, E, K = Role.PARTICIPANT, Role.MENTOR, Role.COACH, Role.EXAMINER, Role.COORDINATOR

DECISIONS = frozenset({Action.APPROVE, Action.REQUEST_CHANGES})
STAGE_APPROVERS = None
"""Marker in the matrix: the allowed roles are exactly the stage's approvers."""

EXPECTED: dict[Action, frozenset[Role] | None] = {
    Action.VIEW_PROJECT: frozenset({P, M, C, E, K}),
    Action.SUBMIT: frozenset({P}),
    Action.APPROVE: STAGE_APPROVERS,
    Action.REQUEST_CHANGES: STAGE_APPROVERS,
    Action.WITHDRAW: frozenset({K}),
    Action.REOPEN: frozenset({K}),
    Action.VIEW_COHORT: frozenset({K, C, E}),
    Action.MANAGE_COHORT: frozenset({K}),
    Action.REQUEST_EXTENSION: frozenset({P}),
    Action.DECIDE_EXTENSION: frozenset({M, K}),
    Action.VIEW_BENCHMARKING: frozenset({P, M, C, E, K}),
    Action.PLAN_BENCHMARKING: frozenset({K}),
    Action.UPLOAD_GROUP_REPORT: frozenset({P, K}),
    Action.RECORD_CONTENT: frozenset({P}),
    Action.WATCH_MILESTONES: frozenset({M, K}),
    Action.PLAN_SEMINAR: frozenset({K}),
    Action.SCORE_SEMINAR: frozenset({E, M, C}),
    Action.GRADE_SEMINAR: frozenset({E}),
    Action.RESET_PASSWORD: frozenset({K}),
    Action.MANAGE_TOKENS: frozenset({K}),
}

APPROVER_SETS: dict[str, frozenset[Role]] = {
    "mentor": frozenset({M}),
    "coach+mentor": frozenset({C, M}),
}
PROGRAMME_APPROVERS: list[tuple[str, frozenset[Role]]] = [
    (f"{code}-{stage.code}", frozenset(stage.approvers))
    for code, programme in sorted(builtin_programmes().items())
    for stage in programme.stages
]
SIDES = ["own", "other"]


def expected_allowed(action: Action, approvers: frozenset[Role]) -> frozenset[Role]:
    """The roles the matrix lets perform ``action`` when the stage's approvers are ``approvers``."""
    listed = EXPECTED[action]
    return approvers if listed is None else listed


def relations_for(role: Role, side: str) -> frozenset[Role]:
    """``{role}`` towards one's own project; nothing towards someone else's."""
    return frozenset({role}) if side == "own" else frozenset()


def names(roles: frozenset[Role] | set[Role]) -> str:
    return ", ".join(sorted(r.value for r in roles))


def assert_require_matches(
    relations: frozenset[Role],
    action: Action,
    approvers: frozenset[Role],
    should_allow: bool,
) -> None:
    """require returns None when allowed, else raises Forbidden saying in words what was refused
    (never the action's code) and who may."""
    allowed = expected_allowed(action, approvers)
    if should_allow:
        require(relations, action, approvers, actor="Budi", target="proyek-1")  # does not raise
        return
    with pytest.raises(Forbidden) as caught:
        require(relations, action, approvers, actor="Budi", target="proyek-1")
    error = caught.value
    who_en = names(allowed) or "none"
    who_id = ", ".join(ROLE_WORDS[r][0] for r in sorted(allowed, key=lambda r: r.value))
    assert error.code == "forbidden"
    assert error.details == {
        "action": action.value,
        "relations": sorted(r.value for r in relations),
        "allowed": sorted(r.value for r in allowed),
    }
    words_id, words_en = ACTION_WORDS[action]
    assert error.message_id.startswith(f"Budi tidak berwenang {words_id} — proyek-1 (peran Anda: ")
    assert error.message_en.startswith(f"Budi may not {words_en} — proyek-1 (your roles there: ")
    for message in (error.message_id, error.message_en):
        assert f"'{action.value}'" not in message and "_" not in message
    assert error.message_id.endswith(f"yang berwenang: {who_id or 'tidak ada'})")
    assert error.message_en.endswith(f"allowed: {who_en})")


# --- the matrix itself ---------------------------------------------------------------------------


def test_matrix_covers_every_action_and_decisions_are_the_only_approver_dependent_ones() -> None:
    assert set(EXPECTED) == set(Action)
    assert {a for a, roles in EXPECTED.items() if roles is None} == DECISIONS


def test_builtin_programmes_give_approver_sets_for_every_stage() -> None:
    assert len(PROGRAMME_APPROVERS) == 6 * len(builtin_programmes())
    assert all(approvers for _, approvers in PROGRAMME_APPROVERS)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("approvers", list(APPROVER_SETS.values()), ids=list(APPROVER_SETS))
def test_allowed_roles_match_the_matrix(action: Action, approvers: frozenset[Role]) -> None:
    assert allowed_roles(action, approvers) == expected_allowed(action, approvers)


@pytest.mark.parametrize("action", sorted(set(Action) - DECISIONS))
def test_non_decision_actions_ignore_the_stage_approvers(action: Action) -> None:
    assert allowed_roles(action, frozenset(Role)) == allowed_roles(action) == EXPECTED[action]


@pytest.mark.parametrize("action", sorted(DECISIONS))
def test_decision_without_any_approver_is_allowed_to_nobody_and_says_so(action: Action) -> None:
    assert allowed_roles(action) == frozenset()
    for role in Role:
        assert not is_allowed({role}, action)
    with pytest.raises(Forbidden) as caught:
        require(frozenset(Role), action)
    assert caught.value.details["allowed"] == []
    assert caught.value.message_en.endswith("allowed: none)")
    assert caught.value.message_id.endswith("yang berwenang: tidak ada)")


# --- every role × every action × own/other ------------------------------------------------------


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("approvers", list(APPROVER_SETS.values()), ids=list(APPROVER_SETS))
def test_role_on_own_project_is_allowed_per_matrix_and_on_other_project_never(
    approvers: frozenset[Role], role: Role, action: Action, side: str
) -> None:
    relations = relations_for(role, side)
    should_allow = side == "own" and role in expected_allowed(action, approvers)

    assert is_allowed(relations, action, approvers) is should_allow
    assert_require_matches(relations, action, approvers, should_allow)


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("action", sorted(DECISIONS))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(
    "approvers", [a for _, a in PROGRAMME_APPROVERS], ids=[i for i, _ in PROGRAMME_APPROVERS]
)
def test_decision_on_builtin_programme_stage_is_allowed_exactly_to_its_approvers_on_own_project(
    approvers: frozenset[Role], role: Role, action: Action, side: str
) -> None:
    relations = relations_for(role, side)
    should_allow = side == "own" and role in approvers

    assert is_allowed(relations, action, approvers) is should_allow
    assert_require_matches(relations, action, approvers, should_allow)


def test_participant_may_never_decide_on_own_submission_in_any_builtin_programme() -> None:
    for _, approvers in PROGRAMME_APPROVERS:
        for action in DECISIONS:
            assert not is_allowed({P}, action, approvers)


# --- combined relations --------------------------------------------------------------------------

ALL_RELATION_SETS: list[frozenset[Role]] = [
    frozenset(combo) for size in range(len(Role) + 1) for combo in combinations(list(Role), size)
]


def relation_id(relations: frozenset[Role]) -> str:
    return "+".join(sorted(r.value for r in relations)) or "none"


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("relations", ALL_RELATION_SETS, ids=relation_id)
@pytest.mark.parametrize("approvers", list(APPROVER_SETS.values()), ids=list(APPROVER_SETS))
def test_combined_relations_are_allowed_when_any_one_of_them_is(
    approvers: frozenset[Role], relations: frozenset[Role], action: Action
) -> None:
    should_allow = any(role in expected_allowed(action, approvers) for role in relations)

    assert is_allowed(relations, action, approvers) is should_allow
    assert_require_matches(relations, action, approvers, should_allow)


def test_mentor_who_is_also_coordinator_may_withdraw_and_approve_but_not_submit() -> None:
    both = frozenset({M, K})
    assert is_allowed(both, Action.WITHDRAW)
    assert is_allowed(both, Action.REOPEN)
    assert is_allowed(both, Action.MANAGE_COHORT)
    assert is_allowed(both, Action.APPROVE, {M})
    assert not is_allowed(both, Action.APPROVE, {C})
    assert not is_allowed(both, Action.SUBMIT)


def test_require_accepts_relations_as_any_collection() -> None:
    require([K], Action.WITHDRAW)
    require((M,), Action.APPROVE, [C, M])
    with pytest.raises(Forbidden) as caught:
        require([C, M], Action.WITHDRAW, actor="Sari", target="proyek-2")
    assert caught.value.details["relations"] == ["coach", "mentor"]


# --- require's refusal ---------------------------------------------------------------------------


def test_refusal_of_stranger_says_they_have_no_roles_there_in_both_languages() -> None:
    with pytest.raises(Forbidden) as caught:
        require(frozenset(), Action.VIEW_PROJECT, actor="Sari", target="proyek-2")
    error = caught.value
    assert error.details == {
        "action": "view_project",
        "relations": [],
        "allowed": ["coach", "coordinator", "examiner", "mentor", "participant"],
    }
    assert "peran Anda: tidak ada;" in error.message_id
    assert "your roles there: none;" in error.message_en


def test_refusal_lists_the_actors_own_roles_sorted_in_both_messages() -> None:
    with pytest.raises(Forbidden) as caught:
        require({M, C}, Action.MANAGE_COHORT, actor="Sari", target="angkatan-3")
    error = caught.value
    assert error.details == {
        "action": "manage_cohort",
        "relations": ["coach", "mentor"],
        "allowed": ["coordinator"],
    }
    assert error.message_id == (
        "Sari tidak berwenang mengelola angkatan ini — angkatan-3 "
        "(peran Anda: coach, mentor; yang berwenang: koordinator)"
    )
    assert error.message_en == (
        "Sari may not manage this cohort — angkatan-3 "
        "(your roles there: coach, mentor; allowed: coordinator)"
    )
    assert error.text("en") == error.message_en
    assert error.text() == error.message_id


def test_refused_decision_names_the_stages_approvers_sorted() -> None:
    with pytest.raises(Forbidden) as caught:
        require({P}, Action.REQUEST_CHANGES, {M, C})
    assert caught.value.details["allowed"] == ["coach", "mentor"]
    assert caught.value.message_en.endswith("allowed: coach, mentor)")
    assert caught.value.message_id.endswith("yang berwenang: coach, mentor)")


# --- API token scope and organiser operations ------------------------------------------------------


def test_a_person_acting_in_their_own_name_is_never_limited_to_one_cohort() -> None:
    from domain.policy import require_in_scope

    require_in_scope(None, 7)
    require_in_scope(7, 7)


def test_a_cohort_scoped_token_reaching_for_another_cohort_is_refused_naming_both() -> None:
    from domain.policy import require_in_scope

    with pytest.raises(Forbidden) as caught:
        require_in_scope(3, 7, target="angkatan B")
    assert "cohort 3" in caught.value.message_en and "angkatan B" in caught.value.message_en
    assert caught.value.details["action"] == "token_scope"


@pytest.mark.parametrize("organiser", [True, False])
def test_installation_wide_operations_are_for_organisers_only(organiser: bool) -> None:
    from domain.policy import require_organiser

    if organiser:
        require_organiser(True, actor="Rahma", what="run a sweep")
        return
    with pytest.raises(Forbidden) as caught:
        require_organiser(False, actor="Rahma", what="run a sweep")
    assert caught.value.message_en == "Rahma is not an organiser; only organisers may run a sweep"
    assert caught.value.details["allowed"] == ["organiser"]


def test_a_score_from_someone_off_the_panel_is_refused_in_words_in_both_languages() -> None:
    with pytest.raises(Forbidden) as caught:
        require({P}, Action.SCORE_SEMINAR, actor="Sari", target="proyek 5")
    assert caught.value.message_en == (
        "Sari may not score this seminar — proyek 5 "
        "(your roles there: participant; allowed: coach, examiner, mentor)"
    )
    assert caught.value.message_id == (
        "Sari tidak berwenang memberi nilai seminar ini — proyek 5 "
        "(peran Anda: peserta; yang berwenang: coach, penguji, mentor)"
    )
    assert caught.value.details["action"] == "score_seminar"


def test_every_action_and_role_has_words_in_both_languages() -> None:
    assert set(ACTION_WORDS) == set(Action) and set(ROLE_WORDS) == set(Role)
    for words in (*ACTION_WORDS.values(), *ROLE_WORDS.values()):
        assert all(w.strip() and "_" not in w for w in words)
    assert len({w for w, _ in ACTION_WORDS.values()}) == len(Action)
    assert len({w for _, w in ACTION_WORDS.values()}) == len(Action)


def test_an_organiser_only_refusal_may_say_what_was_refused_in_each_language() -> None:
    from domain.policy import require_organiser

    with pytest.raises(Forbidden) as caught:
        require_organiser(False, actor="Rahma", what="menjalankan sweep", what_en="run a sweep")
    assert caught.value.message_id.endswith("hanya penyelenggara yang boleh menjalankan sweep")
    assert caught.value.message_en.endswith("only organisers may run a sweep")
