"""Seminars and grades: sessions with their panels, scores, grades, remediation and the certificate.

A **seminar session** (design, benchmarking or final seminar) of a cohort has examiners; each
participant scheduled in it is assigned one of them. The participant's **panel** is that examiner,
their mentor and their coach: only they score the participant, each once (0–100 by default). When
every panel member has scored, the examiner records the **grade** on the programme's scale — given
explicitly, or derived from the mean score through the programme's grade bands.

A failing grade (*kurang memuaskan*) opens a **remediation** (a revision or a make-up); its
re-grade is capped (at *cukup memuaskan*: DOMAIN.md, Kabupaten Sorong 2014), and the certificate
is withheld until it is resolved. A failed re-grade fails the participant.

Everything here is pure; the programme's rules are :class:`GradingRules`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import GuardFailed, ValidationFailed

__all__ = [
    "CertificateStatus",
    "GradingRules",
    "PanelRole",
    "Remediation",
    "RemediationKind",
    "RemediationStatus",
    "Score",
    "SeminarEntry",
    "SeminarKind",
    "SeminarSession",
    "certificate_status",
    "check_grade",
    "check_score",
    "grade_from_mean",
    "regrade",
]

KIND_LABELS: dict[str, tuple[str, str]] = {
    "design": ("Seminar rancangan", "Design seminar"),
    "benchmarking": ("Seminar benchmarking", "Benchmarking seminar"),
    "final": ("Seminar akhir", "Final seminar"),
}
GRADE_LABELS: dict[str, tuple[str, str]] = {
    "sangat_memuaskan": ("sangat memuaskan", "very satisfactory"),
    "memuaskan": ("memuaskan", "satisfactory"),
    "cukup_memuaskan": ("cukup memuaskan", "fairly satisfactory"),
    "kurang_memuaskan": ("kurang memuaskan", "unsatisfactory"),
}


def grade_label(grade: str, lang: str = "id") -> str:
    """A grade code as people read it (``cukup_memuaskan`` → ``cukup memuaskan``)."""
    pair = GRADE_LABELS.get(grade)
    if pair is None:
        return grade.replace("_", " ")
    return pair[1] if lang == "en" else pair[0]


class SeminarKind(StrEnum):
    """The seminars of a leadership training."""

    DESIGN = "design"
    BENCHMARKING = "benchmarking"
    FINAL = "final"


class PanelRole(StrEnum):
    """Who sits on a participant's panel."""

    EXAMINER = "examiner"
    MENTOR = "mentor"
    COACH = "coach"


class RemediationKind(StrEnum):
    """How a failing participant gets a second chance."""

    REVISION = "revision"
    MAKE_UP = "make_up"


class RemediationStatus(StrEnum):
    """Where a remediation stands."""

    OPEN = "open"
    PASSED = "passed"
    FAILED = "failed"


class GradingRules(BaseModel):
    """A programme's grading rules (``grading:`` in the programme YAML).

    ``bands`` maps a grade to the lowest mean score that earns it (inclusive); a mean below every
    band earns the last grade of the scale. ``failing`` are the grades that open a remediation
    (default: the last grade); ``remediation_cap`` the best grade a re-grade may give (default:
    the grade before the first failing one). ``examiner_load`` is how many participants one
    examiner should grade per session (more is shown as a warning). ``certificate_requires`` are
    the seminars a participant must pass for the certificate.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    score_min: float = 0
    score_max: float = 100
    bands: dict[str, float] = Field(default_factory=dict)
    failing: list[str] = Field(default_factory=list)
    remediation_cap: str | None = None
    examiner_load: int = Field(default=10, ge=1)
    certificate_requires: list[SeminarKind] = Field(
        default_factory=lambda: [SeminarKind.DESIGN, SeminarKind.FINAL]
    )

    def failing_grades(self, scale: Sequence[str]) -> frozenset[str]:
        """The grades that open a remediation on this scale."""
        return frozenset(self.failing or scale[-1:])

    def cap(self, scale: Sequence[str]) -> str:
        """The best grade a re-grade may give on this scale."""
        if self.remediation_cap:
            return self.remediation_cap
        failing = self.failing_grades(scale)
        passing = [g for g in scale if g not in failing]
        return passing[-1] if passing else scale[-1]


class _Entity(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SeminarSession(_Entity):
    """A seminar session of a cohort and its examiners."""

    id: int
    cohort_id: int
    kind: SeminarKind
    title: str
    starts_at: datetime
    place: str = ""
    examiner_ids: tuple[int, ...] = ()


class SeminarEntry(_Entity):
    """A participant scheduled in a session, the examiner assigned to them and their grade."""

    id: int
    session_id: int
    project_id: int
    examiner_id: int
    grade: str | None = None
    mean_score: float | None = None
    graded_by: int | None = None
    graded_at: datetime | None = None


class Score(_Entity):
    """One panel member's score of one participant in one session."""

    entry_id: int
    scorer_id: int
    role: PanelRole
    score: float
    scored_at: datetime


class Remediation(_Entity):
    """A second chance after a failing grade, and its re-grade."""

    id: int
    entry_id: int
    project_id: int
    kind: RemediationKind
    status: RemediationStatus = RemediationStatus.OPEN
    opened_at: datetime
    regrade: str | None = None
    capped: bool = False
    note: str = ""
    resolved_by: int | None = None
    resolved_at: datetime | None = None


def check_score(score: float, rules: GradingRules) -> None:
    """Refuse a score outside the programme's range."""
    if not rules.score_min <= score <= rules.score_max:
        raise ValidationFailed(
            f"Nilai {score:g} di luar rentang {rules.score_min:g}–{rules.score_max:g}",
            f"Score {score:g} is outside the range {rules.score_min:g}–{rules.score_max:g}",
            score=score,
        )


def check_grade(grade: str, scale: Sequence[str]) -> str:
    """The grade as stored (``cukup memuaskan`` → ``cukup_memuaskan``); refuse one off the scale."""
    code = grade.strip().lower().replace(" ", "_").replace("-", "_")
    if code not in scale:
        listed = ", ".join(scale)
        raise ValidationFailed(
            f"Predikat '{grade}' tidak ada dalam skala program ({listed})",
            f"Grade '{grade}' is not on the programme's scale ({listed})",
            grade=grade,
            scale=list(scale),
        )
    return code


def grade_from_mean(mean: float, scale: Sequence[str], rules: GradingRules) -> str:
    """The grade a mean score earns through the programme's bands."""
    if not rules.bands:
        raise GuardFailed(
            "Program ini tidak punya rentang nilai per predikat; sebutkan predikatnya (--grade)",
            "This programme has no score bands per grade; give the grade (--grade)",
        )
    for grade in scale:
        floor = rules.bands.get(grade)
        if floor is not None and mean >= floor:
            return grade
    return scale[-1]


@dataclass(frozen=True, slots=True)
class Regrade:
    """The outcome of a re-grade: the grade recorded, whether it was capped, and the status."""

    grade: str
    capped: bool
    status: RemediationStatus


def regrade(
    scale: Sequence[str],
    rules: GradingRules,
    *,
    grade: str | None,
    mean: float | None,
) -> Regrade:
    """Re-grade after a remediation: an explicit grade above the cap is refused; one derived from
    a mean score is capped. A failing re-grade fails the remediation."""
    cap = rules.cap(scale)
    failing = rules.failing_grades(scale)
    if grade is not None:
        code = check_grade(grade, scale)
        if scale.index(code) < scale.index(cap):
            raise GuardFailed(
                f"Nilai ulang setelah remediasi paling tinggi '{cap}', bukan '{code}'",
                f"A re-grade after remediation is at most '{cap}', not '{code}'",
                cap=cap,
                grade=code,
            )
        capped = False
    elif mean is not None:
        derived = grade_from_mean(mean, scale, rules)
        capped = scale.index(derived) < scale.index(cap)
        code = cap if capped else derived
    else:
        raise GuardFailed(
            "Sebutkan predikat (--grade) atau nilai (--score) ulang",
            "Give the re-grade (--grade) or the score (--score)",
        )
    status = RemediationStatus.FAILED if code in failing else RemediationStatus.PASSED
    return Regrade(code, capped, status)


@dataclass(frozen=True, slots=True)
class CertificateStatus:
    """Whether a participant may receive the certificate, and why not."""

    status: str  # eligible, pending, withheld, failed
    reasons_id: list[str] = field(default_factory=list)
    reasons_en: list[str] = field(default_factory=list)

    def reasons(self, lang: str = "id") -> list[str]:
        """The reasons in the requested language."""
        return self.reasons_en if lang == "en" else self.reasons_id


def certificate_status(
    rules: GradingRules,
    scale: Sequence[str],
    *,
    project_state: str,
    final_grades: Mapping[SeminarKind, str | None],
    remediations: Sequence[Remediation],
    remediation_kinds: Mapping[int, SeminarKind],
) -> CertificateStatus:
    """The certificate of one participant.

    ``final_grades`` is, per seminar kind, the grade that counts (the re-grade after a passed
    remediation, else the latest grade; None when not graded). ``remediation_kinds`` gives each
    remediation's seminar kind. Failed remediation → failed; an open one → withheld; a required
    seminar not passed yet, or the project not completed → pending; else eligible.
    """
    failing = rules.failing_grades(scale)
    failed = [r for r in remediations if r.status is RemediationStatus.FAILED]
    if failed:
        kinds = [KIND_LABELS[remediation_kinds[r.id].value] for r in failed]
        return CertificateStatus(
            "failed",
            [f"remediasi {k[0].lower()} tidak lulus" for k in kinds],
            [f"the remediation of the {k[1].lower()} was failed" for k in kinds],
        )
    open_ = [r for r in remediations if r.status is RemediationStatus.OPEN]
    if open_:
        kinds = [KIND_LABELS[remediation_kinds[r.id].value] for r in open_]
        return CertificateStatus(
            "withheld",
            [f"remediasi #{r.id} ({k[0].lower()}) belum selesai" for r, k in zip(open_, kinds, strict=True)],
            [f"remediation #{r.id} ({k[1].lower()}) is not resolved" for r, k in zip(open_, kinds, strict=True)],
        )  # fmt: skip
    reasons_id: list[str] = []
    reasons_en: list[str] = []
    for kind in rules.certificate_requires:
        grade = final_grades.get(kind)
        label_id, label_en = KIND_LABELS[kind.value]
        if grade is None:
            reasons_id.append(f"{label_id.lower()} belum dinilai")
            reasons_en.append(f"the {label_en.lower()} is not graded yet")
        elif grade in failing:
            reasons_id.append(f"{label_id.lower()} belum lulus ({grade})")
            reasons_en.append(f"the {label_en.lower()} is not passed ({grade})")
    if project_state != "completed":
        reasons_id.append(f"proyek perubahan belum selesai ({project_state})")
        reasons_en.append(f"the change project is not completed ({project_state})")
    if reasons_id:
        return CertificateStatus("pending", reasons_id, reasons_en)
    return CertificateStatus("eligible")
