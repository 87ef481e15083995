"""Tests for domain.seminars and the programmes' grading rules: the scale, scores, bands, the
re-grade cap after remediation (DOMAIN.md: up to *cukup memuaskan*) and the certificate."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.programmes import builtin_programmes
from domain.errors import GuardFailed, ProgrammeFileError, ValidationFailed
from domain.programme import definition_to_json, parse_programme
from domain.seminars import (
    GradingRules,
    Remediation,
    RemediationKind,
    RemediationStatus,
    SeminarKind,
    certificate_status,
    check_grade,
    check_score,
    grade_from_mean,
    regrade,
)

SCALE = ["sangat_memuaskan", "memuaskan", "cukup_memuaskan", "kurang_memuaskan"]
RULES = builtin_programmes()["PIM3"].grading


def test_the_shipped_programmes_grade_on_the_four_grades_and_cap_remediation_at_cukup() -> None:
    for programme in builtin_programmes().values():
        assert programme.grades == SCALE
        assert programme.grading.failing_grades(programme.grades) == {"kurang_memuaskan"}
        assert programme.grading.cap(programme.grades) == "cukup_memuaskan"
        assert programme.grading.certificate_requires == [SeminarKind.DESIGN, SeminarKind.FINAL]
        assert set(programme.seminars) == set(SeminarKind)


def test_without_explicit_rules_the_last_grade_fails_and_the_one_before_it_caps() -> None:
    rules = GradingRules()
    assert rules.failing_grades(["a", "b", "c"]) == {"c"}
    assert rules.cap(["a", "b", "c"]) == "b"


@pytest.mark.parametrize("given", ["cukup memuaskan", "Cukup-Memuaskan", "cukup_memuaskan"])
def test_a_grade_is_accepted_as_people_write_it(given: str) -> None:
    assert check_grade(given, SCALE) == "cukup_memuaskan"


def test_a_grade_outside_the_scale_is_refused_naming_the_scale() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_grade("luar biasa", SCALE)
    assert refused.value.message_en == (
        "Grade 'luar biasa' is not on the programme's scale "
        "(sangat_memuaskan, memuaskan, cukup_memuaskan, kurang_memuaskan)"
    )
    assert "tidak ada dalam skala program" in refused.value.message_id


@pytest.mark.parametrize("score", [-0.5, 100.01, 250])
def test_a_score_outside_the_range_is_refused(score: float) -> None:
    with pytest.raises(ValidationFailed, match="outside the range 0–100"):
        check_score(score, RULES)


@pytest.mark.parametrize(
    ("mean", "grade"),
    [
        (100, "sangat_memuaskan"),
        (90.01, "sangat_memuaskan"),
        (90, "memuaskan"),
        (80.01, "memuaskan"),
        (75, "cukup_memuaskan"),
        (70, "kurang_memuaskan"),
        (0, "kurang_memuaskan"),
    ],
)
def test_the_mean_score_earns_the_grade_of_its_band(mean: float, grade: str) -> None:
    assert grade_from_mean(mean, SCALE, RULES) == grade


def test_without_bands_a_grade_must_be_given() -> None:
    with pytest.raises(GuardFailed, match="give the grade"):
        grade_from_mean(85, SCALE, GradingRules())


def test_a_regrade_above_the_cap_is_refused_when_given_and_capped_when_derived() -> None:
    with pytest.raises(GuardFailed) as refused:
        regrade(SCALE, RULES, grade="memuaskan", mean=None)
    assert refused.value.message_en == (
        "A re-grade after remediation is at most 'cukup_memuaskan', not 'memuaskan'"
    )
    derived = regrade(SCALE, RULES, grade=None, mean=95)
    assert (derived.grade, derived.capped, derived.status) == (
        "cukup_memuaskan",
        True,
        RemediationStatus.PASSED,
    )
    exact = regrade(SCALE, RULES, grade="cukup memuaskan", mean=None)
    assert (exact.grade, exact.capped, exact.status) == (
        "cukup_memuaskan",
        False,
        RemediationStatus.PASSED,
    )


def test_a_failing_regrade_fails_the_remediation() -> None:
    again = regrade(SCALE, RULES, grade=None, mean=55)
    assert (again.grade, again.capped, again.status) == (
        "kurang_memuaskan",
        False,
        RemediationStatus.FAILED,
    )
    with pytest.raises(GuardFailed, match="Give the re-grade"):
        regrade(SCALE, RULES, grade=None, mean=None)


def remediation(status: RemediationStatus) -> Remediation:
    return Remediation(
        id=7,
        entry_id=3,
        project_id=1,
        kind=RemediationKind.REVISION,
        status=status,
        opened_at=datetime(2026, 5, 1, tzinfo=UTC),
    )


def certificate(**overrides: Any) -> tuple[str, list[str]]:
    args: dict[str, Any] = {
        "project_state": "completed",
        "final_grades": {SeminarKind.DESIGN: "memuaskan", SeminarKind.FINAL: "cukup_memuaskan"},
        "remediations": [],
        "remediation_kinds": {7: SeminarKind.FINAL},
    } | overrides
    status = certificate_status(RULES, SCALE, **args)
    return status.status, status.reasons_en


def test_a_completed_project_with_design_and_final_passed_may_have_its_certificate() -> None:
    assert certificate() == ("eligible", [])


def test_an_open_remediation_withholds_the_certificate() -> None:
    status, reasons = certificate(remediations=[remediation(RemediationStatus.OPEN)])
    assert status == "withheld"
    assert reasons == ["remediation #7 (final seminar) is not resolved"]


def test_a_failed_remediation_fails_the_participant() -> None:
    status, reasons = certificate(remediations=[remediation(RemediationStatus.FAILED)])
    assert (status, reasons) == ("failed", ["the remediation of the final seminar was failed"])


def test_a_missing_or_failing_required_seminar_and_an_unfinished_project_keep_it_pending() -> None:
    status, reasons = certificate(
        project_state="implementation.drafting",
        final_grades={SeminarKind.DESIGN: "kurang_memuaskan"},
    )
    assert status == "pending"
    assert reasons == [
        "the design seminar is not passed (kurang_memuaskan)",
        "the final seminar is not graded yet",
        "the change project is not completed (implementation.drafting)",
    ]


def _pim3() -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(definition_to_json(builtin_programmes()["PIM3"]))
    return data


@pytest.mark.parametrize(
    ("change", "field", "why"),
    [
        (lambda d: d["grading"].update(remediation_cap="istimewa"), "grading.remediation_cap", "not on the programme's scale"),
        (lambda d: d["grading"].update(failing=["gagal"]), "grading.failing", "not on the programme's scale"),
        (lambda d: d["grading"].update(bands={"memuaskan": 90, "sangat_memuaskan": 80}), "grading.bands", "must decrease"),
        (lambda d: d["grading"].update(remediation_cap="kurang_memuaskan"), "grading.remediation_cap", "is a failing grade"),
        (lambda d: d.update(seminars=["design"]), "grading.certificate_requires", "not held"),
        (lambda d: d["grading"].update(score_min=100), "grading.score_min", "below score_max"),
    ],
)  # fmt: skip
def test_grading_rules_that_contradict_the_scale_refuse_the_programme_naming_the_field(
    change: Any, field: str, why: str
) -> None:
    data = _pim3()
    change(data)
    with pytest.raises(ProgrammeFileError) as refused:
        parse_programme(data, "pim3-own.yaml")
    assert refused.value.field == field
    assert why in refused.value.why
