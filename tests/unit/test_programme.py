"""Tests for programme definitions: shipped YAML files, the loader's errors, checksum pinning."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import domain
from adapters.programmes import builtin_programmes, load_programme_file
from domain.errors import ProgrammeFileError, UnknownProgramme
from domain.programme import (
    STAGE_CODES,
    ProgrammeDefinition,
    definition_from_json,
    definition_to_json,
    get_programme,
    parse_programme,
    programme_checksum,
)
from domain.roles import APPROVER_ROLES, ESCALATION_TARGETS, Role

SHIPPED = Path(domain.__file__).parent / "programmes"
BUILTIN_CODES = ["PKA", "PKP", "PKN2", "PIM3", "PIM4"]

Data = dict[str, Any]


def shipped_data(code: str = "PKA") -> Data:
    """A fresh, mutable copy of a shipped programme file's YAML content."""
    data = yaml.safe_load((SHIPPED / f"{code.lower()}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def write_yaml(tmp_path: Path, data: Any, name: str = "custom.yaml") -> Path:
    """Write data as a YAML file in tmp_path and return its path."""
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- the shipped programmes ----------------------------------------------------------------------


def test_all_five_builtin_programmes_load_and_validate() -> None:
    programmes = builtin_programmes()
    assert sorted(programmes) == sorted(BUILTIN_CODES)
    for code, definition in programmes.items():
        assert isinstance(definition, ProgrammeDefinition)
        assert definition.code == code


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_each_builtin_has_the_six_stages_in_order(code: str) -> None:
    definition = builtin_programmes()[code]
    assert tuple(s.code for s in definition.stages) == STAGE_CODES
    assert STAGE_CODES == (
        "diagnosis",
        "taking_ownership",
        "benchmarking",
        "lesson_synthesis",
        "adoption",
        "implementation",
    )


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_each_shipped_file_loads_the_same_as_the_builtin(code: str) -> None:
    from_file = load_programme_file(SHIPPED / f"{code.lower()}.yaml")
    assert from_file == builtin_programmes()[code]


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_each_builtin_has_a_stage_with_two_approver_roles_and_never_a_participant(
    code: str,
) -> None:
    definition = builtin_programmes()[code]
    assert any(len(s.approvers) >= 2 for s in definition.stages)
    for stage in definition.stages:
        assert stage.approvers
        assert set(stage.approvers) <= APPROVER_ROLES
        assert Role.PARTICIPANT not in stage.approvers


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_each_builtin_stage_has_artifacts_reminders_and_ordered_ladders(code: str) -> None:
    definition = builtin_programmes()[code]
    for stage in definition.stages:
        assert stage.required_artifacts
        for artifact_code in stage.required_artifacts:
            assert definition.artifact(artifact_code).code == artifact_code
        assert stage.reminder_offsets == sorted(set(stage.reminder_offsets), reverse=True)
        for ladder in (stage.escalation_ladder, stage.approver_escalation):
            days = [step.after_working_days for step in ladder]
            assert days == sorted(set(days))
            assert {step.notify for step in ladder} <= ESCALATION_TARGETS


@pytest.mark.parametrize(
    ("code", "term", "version"),
    [
        ("PKA", "aksi perubahan", "2023.1"),
        ("PKP", "aksi perubahan", "2023.1"),
        ("PKN2", "aksi perubahan", "2023.1"),
        ("PIM3", "proyek perubahan", "2015.1"),
        ("PIM4", "proyek perubahan", "2015.1"),
    ],
)
def test_each_builtin_uses_its_generation_s_project_term_and_version(
    code: str, term: str, version: str
) -> None:
    definition = builtin_programmes()[code]
    assert definition.project_term == term
    assert definition.version == version
    assert definition.key == f"{code}@{version}"


@pytest.mark.parametrize(
    ("code", "implementation_days"),
    [("PKA", 42), ("PKP", 40), ("PIM3", 60), ("PIM4", 60)],
)
def test_implementation_durations_follow_the_domain_notes(
    code: str, implementation_days: int
) -> None:
    stage = builtin_programmes()[code].stage("implementation")
    assert stage.duration_working_days == implementation_days


def test_pka_totals_105_working_days_and_its_stages_fit_inside() -> None:
    pka = builtin_programmes()["PKA"]
    assert pka.total_working_days == 105
    assert sum(s.duration_working_days for s in pka.stages) <= 105


def test_only_pkn2_requires_a_final_video_of_at_most_500_mb() -> None:
    pkn2 = builtin_programmes()["PKN2"]
    video = pkn2.artifact("video_implementasi")
    assert video.media_types == ["video/mp4"]
    assert video.max_size_mb == 500
    assert "video_implementasi" in pkn2.stage("implementation").required_artifacts
    for code in ("PKA", "PKP", "PIM3", "PIM4"):
        for artifact in builtin_programmes()[code].artifacts:
            assert not any(t.startswith("video/") for t in artifact.media_types)


def test_mentor_approves_the_design_and_the_implementation_everywhere() -> None:
    for definition in builtin_programmes().values():
        assert definition.stage("taking_ownership").approvers == [Role.MENTOR]
        assert Role.MENTOR in definition.stage("adoption").approvers
        assert Role.MENTOR in definition.stage("implementation").approvers
        assert Role.COACH in definition.stage("benchmarking").approvers


def test_builtin_programmes_returns_a_copy_of_the_cache() -> None:
    first = builtin_programmes()
    first.pop("PKA")
    assert "PKA" in builtin_programmes()
    assert builtin_programmes()["PKP"] is builtin_programmes()["PKP"]


# --- navigation ----------------------------------------------------------------------------------


def test_next_stage_walks_the_six_stages_and_ends_with_none() -> None:
    pka = get_programme("PKA", builtin_programmes())
    walked = ["diagnosis"]
    while (following := pka.next_stage(walked[-1])) is not None:
        walked.append(following)
    assert tuple(walked) == STAGE_CODES


@pytest.mark.parametrize("method", ["stage", "artifact", "next_stage"])
def test_lookups_refuse_an_unknown_code_with_a_value_error(method: str) -> None:
    pka = get_programme("PKA", builtin_programmes())
    lookup: Callable[[str], object] = getattr(pka, method)
    with pytest.raises(ValueError, match="unknown"):
        lookup("evaluation")


def test_definitions_are_frozen() -> None:
    pka = get_programme("PKA", builtin_programmes())
    with pytest.raises(ValueError, match="frozen"):
        pka.version = "2099.1"  # type: ignore[misc]


# --- get_programme -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "code"),
    [("PKA", "PKA"), ("pka", "PKA"), ("Pkn2", "PKN2"), (" pim4 ", "PIM4"), ("pkp@2023.1", "PKP")],
)
def test_get_programme_is_case_insensitive(asked: str, code: str) -> None:
    assert get_programme(asked, builtin_programmes()).code == code


@pytest.mark.parametrize("asked", ["PIM2", "diklatpim", "pka@1999.1"])
def test_get_programme_refuses_an_unknown_code_naming_the_known_ones(asked: str) -> None:
    with pytest.raises(UnknownProgramme) as caught:
        get_programme(asked, builtin_programmes())
    error = caught.value
    assert error.details["code"] == asked
    for code in BUILTIN_CODES:
        assert code in error.message_en
        assert code in error.message_id
        assert any(known.startswith(code) for known in error.details["known"])


def test_get_programme_finds_a_coordinator_programme_in_extra() -> None:
    data = shipped_data("PKP")
    data.update(code="PKP_BPSDM_JATENG", version="2024.1")
    custom = parse_programme(data, "custom")
    catalogue = {**builtin_programmes(), custom.code: custom}
    assert get_programme("pkp_bpsdm_jateng", catalogue) is custom
    with pytest.raises(UnknownProgramme):
        get_programme("PKP_BPSDM_JATENG", builtin_programmes())


# --- checksum and JSON snapshot ------------------------------------------------------------------


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_checksum_is_stable_across_loads(code: str) -> None:
    first = programme_checksum(builtin_programmes()[code])
    again = programme_checksum(load_programme_file(SHIPPED / f"{code.lower()}.yaml"))
    assert first == again
    assert len(first) == 64
    assert int(first, 16) >= 0


def test_checksum_changes_when_a_duration_changes() -> None:
    data = shipped_data("PKA")
    original = parse_programme(data, "original")
    data["stages"][2]["duration_working_days"] += 1
    edited = parse_programme(data, "edited")
    assert programme_checksum(original) != programme_checksum(edited)


def test_checksums_differ_between_programmes() -> None:
    sums = {programme_checksum(d) for d in builtin_programmes().values()}
    assert len(sums) == len(BUILTIN_CODES)


@pytest.mark.parametrize("code", BUILTIN_CODES)
def test_json_round_trip_gives_an_equal_definition_and_checksum(code: str) -> None:
    definition = builtin_programmes()[code]
    text = definition_to_json(definition)
    back = definition_from_json(text)
    assert back == definition
    assert programme_checksum(back) == programme_checksum(definition)
    assert definition_to_json(back) == text


def test_json_snapshot_is_canonical() -> None:
    text = definition_to_json(get_programme("PKA", builtin_programmes()))
    canonical = json.dumps(
        json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert text == canonical


@pytest.mark.parametrize(
    ("text", "field", "word"),
    [("{not json", "<file>", "JSON"), ('{"code": "PKA"}', "version", "required")],
)
def test_json_snapshot_errors_name_the_field(text: str, field: str, word: str) -> None:
    with pytest.raises(ProgrammeFileError) as caught:
        definition_from_json(text)
    assert caught.value.field == field
    assert word in caught.value.why


# --- file errors ---------------------------------------------------------------------------------


def test_missing_file_is_refused_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ProgrammeFileError) as caught:
        load_programme_file(path)
    assert caught.value.path == str(path)
    assert caught.value.field == "<file>"
    assert "not found" in caught.value.why
    assert str(path) in str(caught.value)


def test_bad_yaml_syntax_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("code: PKA\nstages: [diagnosis\nversion: '1'\n", encoding="utf-8")
    with pytest.raises(ProgrammeFileError) as caught:
        load_programme_file(path)
    assert caught.value.path == str(path)
    assert caught.value.field == "<file>"
    assert "YAML" in caught.value.why
    assert "line" in caught.value.why


@pytest.mark.parametrize("content", ["", "- PKA\n- PKP\n", "just text\n"])
def test_a_top_level_that_is_not_a_mapping_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProgrammeFileError) as caught:
        load_programme_file(path)
    assert caught.value.path == str(path)
    assert caught.value.field == "<file>"
    assert "mapping" in caught.value.why


def _swap_stages(data: Data, i: int, j: int) -> None:
    stages = data["stages"]
    stages[i], stages[j] = stages[j], stages[i]


Mutation = Callable[[Data], None]

FILE_ERRORS: list[tuple[str, Mutation, str, str]] = [
    (
        "stage without duration",
        lambda d: d["stages"][0].pop("duration_working_days"),
        "stages.0.duration_working_days",
        "field required",
    ),
    ("programme without code", lambda d: d.pop("code"), "code", "field required"),
    (
        "unknown approver role",
        lambda d: d["stages"][0].update(approvers=["sponsor"]),
        "stages.0.approvers.0",
        "sponsor",
    ),
    (
        "participant as approver",
        lambda d: d["stages"][4].update(approvers=["mentor", "participant"]),
        "stages.4.approvers.1",
        "never an approver",
    ),
    (
        "no approver",
        lambda d: d["stages"][1].update(approvers=[]),
        "stages.1.approvers",
        "at least 1",
    ),
    ("stages out of order", lambda d: _swap_stages(d, 1, 2), "stages.1.code", "out of order"),
    ("a stage missing", lambda d: d["stages"].pop(), "stages", "missing"),
    (
        "a stage repeated",
        lambda d: d["stages"].__setitem__(3, copy.deepcopy(d["stages"][2])),
        "stages.3.code",
        "missing",
    ),
    (
        "an unknown stage code",
        lambda d: d["stages"][5].update(code="evaluation"),
        "stages.5.code",
        "unknown stage",
    ),
    (
        "required artifact not defined",
        lambda d: d["stages"][2]["required_artifacts"].append("laporan_kunjungan"),
        "stages.2.required_artifacts.2",
        "not defined",
    ),
    (
        "increasing reminder offsets",
        lambda d: d["stages"][0].update(reminder_offsets=[1, 3]),
        "stages.0.reminder_offsets.1",
        "decreasing",
    ),
    (
        "repeated reminder offsets",
        lambda d: d["stages"][0].update(reminder_offsets=[3, 3]),
        "stages.0.reminder_offsets.1",
        "decreasing",
    ),
    (
        "zero reminder offset",
        lambda d: d["stages"][0].update(reminder_offsets=[3, 0]),
        "stages.0.reminder_offsets.1",
        "greater than or equal to 1",
    ),
    (
        "reminder before the stage opens",
        lambda d: d["stages"][2].update(reminder_offsets=[5, 1]),
        "stages.2.reminder_offsets.0",
        "duration",
    ),
    (
        "escalation ladder out of order",
        lambda d: d["stages"][0].update(
            escalation_ladder=[
                {"after_working_days": 3, "notify": "coach"},
                {"after_working_days": 2, "notify": "coordinator"},
            ]
        ),
        "stages.0.escalation_ladder.1.after_working_days",
        "increasing",
    ),
    (
        "unknown escalation target",
        lambda d: d["stages"][0]["approver_escalation"][0].update(notify="bupati"),
        "stages.0.approver_escalation.0.notify",
        "agency_head",
    ),
    (
        "unknown field",
        lambda d: d["stages"][0].update(colour="red"),
        "stages.0.colour",
        "unknown field",
    ),
    (
        "duplicate artifact code",
        lambda d: d["artifacts"][1].update(code="laporan_diagnosis"),
        "artifacts.1.code",
        "twice",
    ),
    (
        "wrong project term",
        lambda d: d.update(project_term="proyek kelompok"),
        "project_term",
        "aksi perubahan",
    ),
    ("lowercase code", lambda d: d.update(code="pka"), "code", "pattern"),
    ("unquoted version", lambda d: d.update(version=2023.1), "version", "string"),
    (
        "stages longer than the programme",
        lambda d: d.update(total_working_days=50),
        "total_working_days",
        "more than",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "field", "word"),
    [pytest.param(m, f, w, id=name) for name, m, f, w in FILE_ERRORS],
)
def test_a_broken_programme_file_names_the_path_the_field_and_why(
    tmp_path: Path, mutate: Mutation, field: str, word: str
) -> None:
    data = shipped_data("PKA")
    mutate(data)
    path = write_yaml(tmp_path, data)
    with pytest.raises(ProgrammeFileError) as caught:
        load_programme_file(path)
    error = caught.value
    assert error.path == str(path)
    assert error.field == field
    assert word in error.why
    assert field in error.message_en
    assert field in error.message_id


def test_an_unknown_approver_error_names_the_allowed_roles(tmp_path: Path) -> None:
    data = shipped_data("PKA")
    data["stages"][0]["approvers"] = ["sponsor"]
    with pytest.raises(ProgrammeFileError) as caught:
        load_programme_file(write_yaml(tmp_path, data))
    for role in APPROVER_ROLES:
        assert role.value in caught.value.why
    assert "participant" not in caught.value.why


def test_parse_programme_reports_the_given_source_without_io() -> None:
    data = shipped_data("PKA")
    data["stages"][3]["approvers"] = ["sponsor"]
    with pytest.raises(ProgrammeFileError) as caught:
        parse_programme(data, "kiriman-koordinator")
    assert caught.value.path == "kiriman-koordinator"
    assert caught.value.field == "stages.3.approvers.0"


def test_a_valid_custom_file_loads_with_defaults(tmp_path: Path) -> None:
    data = shipped_data("PIM4")
    data.pop("grades")
    data.pop("total_working_days", None)
    for artifact in data["artifacts"]:
        artifact.pop("media_types")
        artifact.pop("max_size_mb")
    definition = load_programme_file(write_yaml(tmp_path, data))
    assert definition.grades == [
        "sangat_memuaskan",
        "memuaskan",
        "cukup_memuaskan",
        "kurang_memuaskan",
    ]
    assert definition.total_working_days is None
    assert definition.artifacts[0].max_size_mb == 20
    assert "application/pdf" in definition.artifacts[0].media_types
