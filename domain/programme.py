"""Programme definitions: which stages a change project goes through, and their rules, as data.

Every programme (PKA, PKP, PKN II, PIM III, PIM IV, or one a coordinator adds) shares the same six
stages in the same order — the state machine is one for all. Programmes differ only in data: each
stage's duration in working days, who approves it, which artifacts it requires, when reminders go
out and whom a lateness escalates to.

The models are frozen pydantic v2 models that refuse unknown keys. ``parse_programme`` turns a
mapping into a validated :class:`ProgrammeDefinition` and converts any problem into a
:class:`~domain.errors.ProgrammeFileError` naming the source, the dotted field and why.
Everything here is pure except the two loaders, :func:`load_programme_file` and
:func:`builtin_programmes`, which read YAML files (the latter only those shipped in this package).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from domain.content import ContentRequirements
from domain.errors import ProgrammeFileError, UnknownProgramme
from domain.roles import APPROVER_ROLES, ESCALATION_TARGETS, Role
from domain.seminars import GradingRules, SeminarKind

__all__ = [
    "DEFAULT_GRADES",
    "STAGE_CODES",
    "ArtifactSpec",
    "ContentRequirements",
    "EscalationStep",
    "GradingRules",
    "ProgrammeDefinition",
    "StageDefinition",
    "definition_from_json",
    "definition_to_json",
    "get_programme",
    "parse_programme",
    "parse_programme_yaml",
    "programme_checksum",
]

STAGE_CODES: tuple[str, ...] = (
    "diagnosis",
    "taking_ownership",
    "benchmarking",
    "lesson_synthesis",
    "adoption",
    "implementation",
)
"""The six stages every change project goes through, in order."""

DEFAULT_GRADES: tuple[str, ...] = (
    "sangat_memuaskan",
    "memuaskan",
    "cukup_memuaskan",
    "kurang_memuaskan",
)
"""The grades in use, best first."""

_ALLOWED_APPROVERS = ", ".join(sorted(r.value for r in APPROVER_ROLES))
_ALLOWED_TARGETS = ", ".join(sorted(ESCALATION_TARGETS))
_STAGE_ORDER = ", ".join(STAGE_CODES)
_MEDIA_TYPE_PATTERN = r"^[a-z]+/[a-z0-9][a-z0-9.+-]*$"


class DefinitionProblem(ValueError):
    """A validation problem that knows where below the validated value it lies.

    Pydantic reports a validator's error at the validator's own location; ``loc`` adds the rest of
    the path (for example ``(2, "code")`` below ``stages``) so the loader can name the exact field.
    """

    def __init__(self, message: str, loc: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.loc = loc


def _approver_role(value: Any) -> Any:
    """Refuse a role that may not approve, naming the roles that may."""
    raw = value.value if isinstance(value, Role) else value
    if raw == Role.PARTICIPANT.value:
        raise ValueError(f"a participant is never an approver; allowed roles: {_ALLOWED_APPROVERS}")
    if not isinstance(raw, str) or raw not in {r.value for r in APPROVER_ROLES}:
        raise ValueError(f"unknown approver role {raw!r}; allowed roles: {_ALLOWED_APPROVERS}")
    return raw


ApproverRole = Annotated[Role, BeforeValidator(_approver_role)]


class _Frozen(BaseModel):
    """Base of the programme models: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class EscalationStep(_Frozen):
    """One rung of an escalation ladder: whom to notify so many working days after a due date."""

    after_working_days: int = Field(ge=1)
    notify: str

    @field_validator("notify")
    @classmethod
    def _known_target(cls, value: str) -> str:
        if value not in ESCALATION_TARGETS:
            raise ValueError(f"unknown escalation target {value!r}; allowed: {_ALLOWED_TARGETS}")
        return value


def _check_ladder(ladder: list[EscalationStep]) -> list[EscalationStep]:
    """Refuse a ladder whose rungs are not strictly increasing in working days."""
    for index in range(1, len(ladder)):
        before, step = ladder[index - 1], ladder[index]
        if step.after_working_days <= before.after_working_days:
            raise DefinitionProblem(
                "after_working_days must be strictly increasing along the ladder "
                f"({before.after_working_days} then {step.after_working_days})",
                (index, "after_working_days"),
            )
    return ladder


class ArtifactSpec(_Frozen):
    """A document (or video) a stage may require: its code, names, allowed file types and size."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    media_types: list[Annotated[str, Field(pattern=_MEDIA_TYPE_PATTERN)]] = Field(
        default_factory=lambda: [
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ],
        min_length=1,
    )
    max_size_mb: int = Field(default=20, ge=1)
    scope: Literal["participant", "group"] = "participant"
    """``group``: one file per benchmarking group (the group report), uploaded to the group once;
    a member's submission needs it on file for their group (or attached)."""

    @field_validator("media_types")
    @classmethod
    def _unique_media_types(cls, value: list[str]) -> list[str]:
        _refuse_duplicates(value, "media type")
        return value


def _refuse_duplicates(values: list[str], what: str) -> None:
    """Raise a located problem at the first value that repeats an earlier one."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise DefinitionProblem(f"{what} {value!r} is listed twice", (index,))
        seen.add(value)


class StageDefinition(_Frozen):
    """One stage's rules in one programme: duration, approvers, artifacts, reminders, escalations.

    ``approvers`` lists the roles that may decide (approve or request changes) on a submission,
    the primary approver first. ``reminder_offsets`` are working days *before* the due date;
    ``escalation_ladder`` rungs are working days *after* it (participant's clock).
    ``approver_escalation`` is the ladder for an approver who sits on a submission longer than
    ``decision_working_days`` (approver's clock).
    """

    code: str
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    duration_working_days: int = Field(ge=1)
    approvers: list[ApproverRole] = Field(min_length=1)
    required_artifacts: list[str]
    reminder_offsets: list[Annotated[int, Field(ge=1)]]
    escalation_ladder: list[EscalationStep]
    decision_working_days: int = Field(ge=1)
    revision_working_days: int = Field(ge=1)
    approver_escalation: list[EscalationStep]
    requires: ContentRequirements = Field(default_factory=ContentRequirements)
    """What the stage's content (lessons, adoption decisions, milestones) must hold to submit."""

    @field_validator("code")
    @classmethod
    def _known_stage(cls, value: str) -> str:
        if value not in STAGE_CODES:
            raise ValueError(f"unknown stage code {value!r}; stages are: {_STAGE_ORDER}")
        return value

    @field_validator("approvers")
    @classmethod
    def _unique_approvers(cls, value: list[Role]) -> list[Role]:
        _refuse_duplicates([r.value for r in value], "approver role")
        return value

    @field_validator("required_artifacts")
    @classmethod
    def _unique_artifacts(cls, value: list[str]) -> list[str]:
        _refuse_duplicates(value, "artifact")
        return value

    @field_validator("reminder_offsets")
    @classmethod
    def _decreasing_offsets(cls, value: list[int]) -> list[int]:
        for index in range(1, len(value)):
            if value[index] >= value[index - 1]:
                raise DefinitionProblem(
                    "reminder offsets must be strictly decreasing "
                    f"(working days before the due date; {value[index - 1]} then {value[index]})",
                    (index,),
                )
        return value

    @field_validator("escalation_ladder", "approver_escalation")
    @classmethod
    def _ordered_ladder(cls, value: list[EscalationStep]) -> list[EscalationStep]:
        return _check_ladder(value)

    @model_validator(mode="after")
    def _offsets_within_stage(self) -> StageDefinition:
        for index, offset in enumerate(self.reminder_offsets):
            if offset >= self.duration_working_days:
                raise DefinitionProblem(
                    f"reminder offset {offset} is not shorter than the stage's duration "
                    f"({self.duration_working_days} working days)",
                    ("reminder_offsets", index),
                )
        return self


class ProgrammeDefinition(_Frozen):
    """A training programme's change-project rules: its artifacts and its six stages, versioned.

    A cohort pins the definition it was created with (see :func:`programme_checksum`), so editing
    a programme never changes a running cohort.
    """

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    project_term: Literal["proyek perubahan", "aksi perubahan"]
    legal_basis: str = Field(min_length=1)
    total_working_days: int | None = Field(default=None, ge=1)
    artifacts: list[ArtifactSpec] = Field(min_length=1)
    stages: list[StageDefinition]
    grades: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]] = Field(
        default_factory=lambda: list(DEFAULT_GRADES), min_length=1
    )
    grading: GradingRules = Field(default_factory=GradingRules)
    seminars: list[SeminarKind] = Field(default_factory=lambda: list(SeminarKind), min_length=1)

    @field_validator("artifacts")
    @classmethod
    def _unique_artifact_codes(cls, value: list[ArtifactSpec]) -> list[ArtifactSpec]:
        try:
            _refuse_duplicates([a.code for a in value], "artifact code")
        except DefinitionProblem as problem:
            raise DefinitionProblem(str(problem), (*problem.loc, "code")) from None
        return value

    @field_validator("stages")
    @classmethod
    def _six_stages_in_order(cls, value: list[StageDefinition]) -> list[StageDefinition]:
        codes = [s.code for s in value]
        for index, expected in enumerate(STAGE_CODES):
            if index >= len(codes):
                raise DefinitionProblem(
                    f"stage {expected!r} is missing; stages must be, in order: {_STAGE_ORDER}"
                )
            found = codes[index]
            if found == expected:
                continue
            if expected not in codes:
                why = f"stage {expected!r} is missing (found {found!r} in its place)"
            elif codes.count(found) > 1:
                why = f"stage {found!r} appears more than once"
            else:
                why = f"stage {found!r} is out of order: position {index} must be {expected!r}"
            raise DefinitionProblem(
                f"{why}; stages must be, in order: {_STAGE_ORDER}", (index, "code")
            )
        if len(codes) > len(STAGE_CODES):
            raise DefinitionProblem(
                f"unexpected extra stage {codes[len(STAGE_CODES)]!r}; "
                f"stages must be, in order: {_STAGE_ORDER}",
                (len(STAGE_CODES), "code"),
            )
        return value

    @field_validator("grades")
    @classmethod
    def _unique_grades(cls, value: list[str]) -> list[str]:
        _refuse_duplicates(value, "grade")
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> ProgrammeDefinition:
        defined = [a.code for a in self.artifacts]
        for s_index, stage in enumerate(self.stages):
            for a_index, code in enumerate(stage.required_artifacts):
                if code not in defined:
                    raise DefinitionProblem(
                        f"required artifact {code!r} is not defined in artifacts "
                        f"(defined: {', '.join(defined)})",
                        ("stages", s_index, "required_artifacts", a_index),
                    )
        self._check_grading()
        total = sum(s.duration_working_days for s in self.stages)
        if self.total_working_days is not None and total > self.total_working_days:
            raise DefinitionProblem(
                f"the stages take {total} working days, more than the programme's "
                f"total_working_days ({self.total_working_days})",
                ("total_working_days",),
            )
        return self

    def _check_grading(self) -> None:
        """The grading rules name only grades of the scale and seminars of the programme."""
        g = self.grading
        scale = ", ".join(self.grades)
        for name, value in (
            *(("failing", grade) for grade in g.failing),
            *(("bands", grade) for grade in g.bands),
            *((("remediation_cap", g.remediation_cap),) if g.remediation_cap else ()),
        ):
            if value not in self.grades:
                raise DefinitionProblem(
                    f"grade {value!r} is not on the programme's scale ({scale})",
                    ("grading", name),
                )
        if set(self.grades) <= g.failing_grades(self.grades) and len(self.grades) > 1:
            raise DefinitionProblem("every grade is failing", ("grading", "failing"))
        if g.cap(self.grades) in g.failing_grades(self.grades) and len(self.grades) > 1:
            raise DefinitionProblem(
                f"the remediation cap {g.cap(self.grades)!r} is a failing grade",
                ("grading", "remediation_cap"),
            )
        floors = [g.bands[grade] for grade in self.grades if grade in g.bands]
        if any(later >= earlier for earlier, later in itertools.pairwise(floors)):
            raise DefinitionProblem(
                "band floors must decrease from the best grade to the worst", ("grading", "bands")
            )
        if g.score_min >= g.score_max:
            raise DefinitionProblem("score_min must be below score_max", ("grading", "score_min"))
        for kind in g.certificate_requires:
            if kind not in self.seminars:
                raise DefinitionProblem(
                    f"seminar {kind.value!r} is required for the certificate but not held "
                    f"(seminars: {', '.join(self.seminars)})",
                    ("grading", "certificate_requires"),
                )

    def group_artifacts(self) -> list[ArtifactSpec]:
        """The artifacts that belong to a benchmarking group rather than to one participant."""
        return [a for a in self.artifacts if a.scope == "group"]

    @property
    def key(self) -> str:
        """The programme's code and version, e.g. ``"PKA@2023.1"``."""
        return f"{self.code}@{self.version}"

    def stage(self, code: str) -> StageDefinition:
        """The definition of stage ``code``; ValueError naming the stages if there is none."""
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise ValueError(f"unknown stage {code!r} in {self.key}; stages are: {_STAGE_ORDER}")

    def artifact(self, code: str) -> ArtifactSpec:
        """The artifact ``code``; ValueError naming the defined artifacts if there is none."""
        for artifact in self.artifacts:
            if artifact.code == code:
                return artifact
        defined = ", ".join(a.code for a in self.artifacts)
        raise ValueError(f"unknown artifact {code!r} in {self.key}; defined: {defined}")

    def next_stage(self, code: str) -> str | None:
        """The stage after ``code``, or None after the last one; ValueError for an unknown code."""
        self.stage(code)
        index = STAGE_CODES.index(code)
        return STAGE_CODES[index + 1] if index + 1 < len(STAGE_CODES) else None


# --- parsing (pure) ----------------------------------------------------------------------------


def _field_path(loc: tuple[str | int, ...]) -> str:
    """A pydantic location as a dotted field path (``stages.2.approvers.0``)."""
    return ".".join(str(part) for part in loc) if loc else "<root>"


def _problem_from(error: ValidationError) -> tuple[str, str]:
    """The dotted field and a short English reason for the first error of a ValidationError."""
    first = error.errors(include_url=False)[0]
    loc: tuple[str | int, ...] = tuple(first["loc"])
    why = first["msg"]
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, DefinitionProblem):
        loc = (*loc, *cause.loc)
        why = str(cause)
    elif first["type"] == "missing":
        why = "field required"
    elif first["type"] == "extra_forbidden":
        why = "unknown field (not part of a programme definition)"
    elif why.startswith("Value error, "):
        why = why.removeprefix("Value error, ")
    else:
        why = why[:1].lower() + why[1:]
    return _field_path(loc), why


def parse_programme(data: Mapping[str, Any], source: str) -> ProgrammeDefinition:
    """Validate a mapping as a programme definition.

    Any problem raises ProgrammeFileError(path=source, field=<dotted path>, why=<reason>), naming
    the first problem found. Pure: no I/O.
    """
    if not isinstance(data, Mapping):
        kind = "nothing" if data is None else type(data).__name__
        raise ProgrammeFileError(source, "<file>", f"the top level must be a mapping, got {kind}")
    try:
        return ProgrammeDefinition.model_validate(dict(data))
    except ValidationError as error:
        field, why = _problem_from(error)
        raise ProgrammeFileError(source, field, why) from None


def parse_programme_yaml(text: str, source: str) -> ProgrammeDefinition:
    """Parse YAML text and validate it as a programme; YAML errors name the line and column.

    Pure: the text is given; reading files is the adapters' job (``adapters.programmes``)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "invalid YAML"
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ProgrammeFileError(source, "<file>", f"YAML syntax error{where}: {problem}") from None
    return parse_programme(data, source)


def get_programme(code: str, catalogue: Mapping[str, ProgrammeDefinition]) -> ProgrammeDefinition:
    """The programme with this code (case-insensitive) in ``catalogue``.

    ``code`` may also be a key such as ``"pka@2023.1"`` to require that exact version. An unknown
    code or version raises UnknownProgramme naming the known programmes.
    """
    wanted, _, version = code.strip().partition("@")
    by_code = {definition.code.upper(): definition for definition in catalogue.values()}
    known = sorted(d.key if version else d.code for d in by_code.values())
    found = by_code.get(wanted.upper())
    if found is not None and (not version or found.version == version):
        return found
    listed = ", ".join(known)
    raise UnknownProgramme(
        f"Program {code!r} tidak dikenal; yang tersedia: {listed}",
        f"Unknown programme {code!r}; known programmes: {listed}",
        code=code,
        known=known,
    )


# --- canonical JSON (pins a cohort to its definition) -------------------------------------------


def definition_to_json(defn: ProgrammeDefinition) -> str:
    """The definition as canonical JSON: sorted keys, no whitespace, UTF-8 text kept as is."""
    return json.dumps(
        defn.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def definition_from_json(text: str) -> ProgrammeDefinition:
    """A definition back from its JSON snapshot; ProgrammeFileError if the snapshot is invalid."""
    source = "<json snapshot>"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProgrammeFileError(source, "<file>", f"invalid JSON: {error.msg}") from None
    return parse_programme(data, source)


def programme_checksum(defn: ProgrammeDefinition) -> str:
    """The sha256 hex digest of the canonical JSON; changes whenever any rule or name changes."""
    return hashlib.sha256(definition_to_json(defn).encode("utf-8")).hexdigest()
