"""What a change project holds beyond its reports: lessons, adoption decisions and milestones.

* A **lesson** traces to a best practice observed at a host partner: what the host does (the
  practice), where exactly, the evidence seen, the key to the host's success, and what the
  participant learns from it for their own organisation.
* An **adoption decision** per lesson: *adopt* it as it is, *adapt* it (saying what changes and
  why) or *not adopt* it (saying why); an adopted or adapted lesson is linked to the milestones of
  the change plan that carry it out.
* A **milestone** of the change plan: short, medium (6–12 months) or long term, with a target
  date; later *done* (with evidence) or *slipped* (with a reason). A planned milestone whose
  target date has passed counts as slipped.

The programme says what each stage's content must hold before it is submitted
(:class:`ContentRequirements`, a stage's ``requires`` in the programme YAML);
:func:`missing_content` names what is missing, and the lifecycle's submit guard refuses with it.
Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import GuardFailed
from domain.model import Gate
from domain.problems import Problems, Where

__all__ = [
    "AdoptionDecision",
    "AdoptionKind",
    "ContentFacts",
    "ContentKind",
    "ContentRequirements",
    "DecisionFact",
    "Lesson",
    "Milestone",
    "MilestoneFact",
    "MilestoneStatus",
    "MilestoneTerm",
    "check_decision",
    "check_lesson",
    "check_milestone",
    "check_milestone_report",
    "missing_content",
    "require_editable",
]

TERM_LABELS: dict[str, tuple[str, str]] = {
    "short": ("jangka pendek", "short term"),
    "medium": ("jangka menengah", "medium term"),
    "long": ("jangka panjang", "long term"),
}
KIND_LABELS: dict[str, tuple[str, str]] = {
    "adopt": ("adopsi", "adopt"),
    "adapt": ("adaptasi", "adapt"),
    "not_adopt": ("tidak diadopsi", "not adopted"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "planned": ("direncanakan", "planned"),
    "done": ("selesai", "done"),
    "slipped": ("meleset", "slipped"),
}


class MilestoneTerm(StrEnum):
    """How far out a milestone of the change plan lies."""

    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


class MilestoneStatus(StrEnum):
    """Where a milestone stands."""

    PLANNED = "planned"
    DONE = "done"
    SLIPPED = "slipped"


class AdoptionKind(StrEnum):
    """What a participant decides about a lesson."""

    ADOPT = "adopt"
    ADAPT = "adapt"
    NOT_ADOPT = "not_adopt"


class ContentKind(StrEnum):
    """The kinds of project content, for the rules on when each may be changed."""

    LESSON = "lesson"
    DECISION = "decision"
    MILESTONE = "milestone"
    MILESTONE_REPORT = "milestone_report"


class _Entity(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Lesson(_Entity):
    """One entry of a project's lesson register, traced to a host's observed best practice."""

    id: int
    project_id: int
    number: int
    host_id: int
    practice: str
    location: str = ""
    evidence: str
    success_key: str
    lesson: str
    recorded_by: int
    recorded_at: datetime


class AdoptionDecision(_Entity):
    """The decision on one lesson, with the milestones that carry it out."""

    id: int
    lesson_id: int
    project_id: int
    kind: AdoptionKind
    rationale: str
    changes: str = ""
    milestone_ids: tuple[int, ...] = ()
    decided_by: int
    decided_at: datetime


class Milestone(_Entity):
    """A milestone of a project's change plan."""

    id: int
    project_id: int
    number: int
    title: str
    term: MilestoneTerm
    target_date: date
    status: MilestoneStatus = MilestoneStatus.PLANNED
    evidence: str = ""
    note: str = ""
    done_on: date | None = None
    updated_at: datetime

    def effective_status(self, today: date) -> MilestoneStatus:
        """Its status on ``today``: a planned milestone past its target date has slipped."""
        if self.status is MilestoneStatus.PLANNED and self.target_date < today:
            return MilestoneStatus.SLIPPED
        return self.status


class ContentRequirements(BaseModel):
    """What a stage's content must hold before the stage may be submitted (``requires:``).

    ``lessons``: at least this many lessons in the register; ``decisions_on_all_lessons``: every
    lesson has an adoption decision; ``adopted_or_adapted``: at least this many of them adopt or
    adapt; ``decisions_linked_to_milestones``: every adopted or adapted lesson is linked to a
    milestone; ``milestones``: the change plan has at least this many milestones;
    ``milestone_terms``: it has at least one of each of these terms; ``milestones_reported``:
    every milestone of these terms is done or slipped (none is still merely planned).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    lessons: int = Field(default=0, ge=0)
    decisions_on_all_lessons: bool = False
    adopted_or_adapted: int = Field(default=0, ge=0)
    decisions_linked_to_milestones: bool = False
    milestones: int = Field(default=0, ge=0)
    milestone_terms: list[MilestoneTerm] = Field(default_factory=list)
    milestones_reported: list[MilestoneTerm] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when the stage requires no content at all."""
        return not (
            self.lessons
            or self.decisions_on_all_lessons
            or self.adopted_or_adapted
            or self.decisions_linked_to_milestones
            or self.milestones
            or self.milestone_terms
            or self.milestones_reported
        )


@dataclass(frozen=True, slots=True)
class DecisionFact:
    """What the submit guard needs of a decision: its lesson's number, its kind, and whether it
    is linked to a milestone."""

    lesson: int
    kind: AdoptionKind
    linked: bool


@dataclass(frozen=True, slots=True)
class MilestoneFact:
    """What the submit guard needs of a milestone: its number, term and reported status."""

    number: int
    term: MilestoneTerm
    status: MilestoneStatus


@dataclass(frozen=True, slots=True)
class ContentFacts:
    """What a project's content holds, as the submit guard needs to know it (read lean, on the
    command path): lesson numbers, decisions and milestones."""

    lessons: tuple[int, ...] = ()
    decisions: tuple[DecisionFact, ...] = ()
    milestones: tuple[MilestoneFact, ...] = ()

    @classmethod
    def of(
        cls,
        lessons: Iterable[Lesson],
        decisions: Iterable[AdoptionDecision],
        milestones: Iterable[Milestone],
    ) -> ContentFacts:
        """Facts from a project's lessons, decisions and milestones."""
        lessons = list(lessons)
        number_of = {ls.id: ls.number for ls in lessons}
        return cls(
            tuple(ls.number for ls in lessons),
            tuple(
                DecisionFact(number_of.get(d.lesson_id, 0), d.kind, bool(d.milestone_ids))
                for d in decisions
            ),
            tuple(MilestoneFact(m.number, m.term, m.status) for m in milestones),
        )


def _numbers(values: Iterable[int]) -> str:
    return ", ".join(f"#{n}" for n in sorted(values))


def missing_content(req: ContentRequirements, facts: ContentFacts) -> Problems:
    """Everything the stage's content still lacks, in both languages (empty when complete)."""
    out = Problems()
    here: Where = ("", "")
    lessons = len(facts.lessons)
    if lessons < req.lessons:
        out.add(
            here,
            f"register pembelajaran berisi {lessons} pelajaran, minimal {req.lessons}",
            f"the lesson register holds {lessons} lesson(s), at least {req.lessons} are needed",
        )
    decided = {d.lesson for d in facts.decisions}
    if req.decisions_on_all_lessons:
        open_ = [number for number in facts.lessons if number not in decided]
        if open_:
            out.add(
                here,
                f"pelajaran {_numbers(open_)} belum diputuskan (adopsi/adaptasi/tidak diadopsi)",
                f"lesson(s) {_numbers(open_)} have no adoption decision yet "
                "(adopt/adapt/not adopt)",
            )
    taken = [d for d in facts.decisions if d.kind is not AdoptionKind.NOT_ADOPT]
    if len(taken) < req.adopted_or_adapted:
        out.add(
            here,
            f"{len(taken)} pelajaran diadopsi atau diadaptasi, minimal {req.adopted_or_adapted}",
            f"{len(taken)} lesson(s) adopted or adapted, at least {req.adopted_or_adapted} "
            "are needed",
        )
    if req.decisions_linked_to_milestones:
        unlinked = [d.lesson for d in taken if not d.linked]
        if unlinked:
            out.add(
                here,
                f"keputusan atas pelajaran {_numbers(unlinked)} belum dikaitkan dengan tonggak "
                "rencana perubahan",
                f"the decision(s) on lesson(s) {_numbers(unlinked)} are not linked to a "
                "milestone of the change plan",
            )
    count = len(facts.milestones)
    if count < req.milestones:
        out.add(
            here,
            f"rencana perubahan berisi {count} tonggak, minimal {req.milestones}",
            f"the change plan has {count} milestone(s), at least {req.milestones} are needed",
        )
    present = {m.term for m in facts.milestones}
    absent = [t for t in req.milestone_terms if t not in present]
    if absent:
        out.add(
            here,
            "belum ada tonggak " + ", ".join(TERM_LABELS[t.value][0] for t in absent),
            "no " + ", ".join(TERM_LABELS[t.value][1] for t in absent) + " milestone yet",
        )
    open_terms = set(req.milestones_reported)
    unreported = [
        m.number
        for m in facts.milestones
        if m.term in open_terms and m.status is MilestoneStatus.PLANNED
    ]
    if unreported:
        out.add(
            here,
            f"tonggak {_numbers(unreported)} belum dilaporkan selesai atau meleset",
            f"milestone(s) {_numbers(unreported)} are not yet reported done or slipped",
        )
    return out


# --- when content may be changed ----------------------------------------------------------------

_EDITABLE_GATES = (Gate.DRAFTING, Gate.CHANGES_REQUESTED)
EDITABLE_IN: dict[ContentKind, tuple[str, ...]] = {
    ContentKind.LESSON: ("benchmarking", "lesson_synthesis"),
    ContentKind.DECISION: ("lesson_synthesis", "adoption"),
    ContentKind.MILESTONE: ("adoption", "implementation"),
    ContentKind.MILESTONE_REPORT: ("adoption", "implementation"),
}
"""The stages during whose drafting or revision each kind of content may be changed."""

_WHAT: dict[ContentKind, tuple[str, str]] = {
    ContentKind.LESSON: ("Pelajaran", "Lessons"),
    ContentKind.DECISION: ("Keputusan adopsi", "Adoption decisions"),
    ContentKind.MILESTONE: ("Tonggak rencana perubahan", "Change-plan milestones"),
    ContentKind.MILESTONE_REPORT: ("Laporan tonggak", "Milestone reports"),
}


def require_editable(kind: ContentKind, state: str) -> None:
    """Refuse changing ``kind`` of content while the project is in ``state``.

    Lessons change while benchmarking or lesson synthesis is drafted or revised; decisions during
    lesson synthesis or adoption; milestones during adoption or implementation. A milestone may
    also be reported done or slipped after the project is completed (medium- and long-term
    milestones fall due long after the training).
    """
    stage, _, gate = state.partition(".")
    if kind is ContentKind.MILESTONE_REPORT and state == "completed":
        return
    if stage in EDITABLE_IN[kind] and gate in {g.value for g in _EDITABLE_GATES}:
        return
    what_id, what_en = _WHAT[kind]
    stages = ", ".join(EDITABLE_IN[kind])
    raise GuardFailed(
        f"{what_id} hanya dapat diubah saat tahap {stages} disusun atau diperbaiki; "
        f"status proyek sekarang {state}",
        f"{what_en} can be changed only while {stages} is drafted or revised; the project is "
        f"now {state}",
        state=state,
        stages=list(EDITABLE_IN[kind]),
    )


# --- checks on input ----------------------------------------------------------------------------


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def check_lesson(
    *,
    host: str | None,
    practice: str | None,
    evidence: str | None,
    success_key: str | None,
    lesson: str | None,
    where: dict[str, Where] | None = None,
) -> Problems:
    """Problems of a lesson as given: each must trace to a host's observed practice."""
    at = where or {}
    out = Problems()
    fields = (
        ("host", host, "mitra benchmarking (lokus) tempat praktik diamati", "the host partner where the practice was observed"),
        ("practice", practice, "praktik terbaik yang diamati (apa)", "the observed best practice (what)"),
        ("evidence", evidence, "bukti yang dilihat", "the evidence seen"),
        ("success_key", success_key, "kunci sukses mitra", "the key to the host's success"),
        ("lesson", lesson, "pelajaran yang dipetik", "the lesson learned"),
    )  # fmt: skip
    for name, value, what_id, what_en in fields:
        if _blank(value):
            out.add(
                at.get(name, (name, name)),
                f"wajib diisi: {what_id}",
                f"required: {what_en}",
            )
    return out


def check_decision(
    *, kind: AdoptionKind, rationale: str, changes: str, milestones: Sequence[int]
) -> Problems:
    """Problems of an adoption decision: every decision says why; adapting says what changes;
    not adopting links no milestone."""
    out = Problems()
    if _blank(rationale):
        why_id = {
            AdoptionKind.ADOPT: "mengapa diadopsi",
            AdoptionKind.ADAPT: "mengapa diadaptasi",
            AdoptionKind.NOT_ADOPT: "mengapa tidak diadopsi",
        }[kind]
        why_en = {
            AdoptionKind.ADOPT: "why it is adopted",
            AdoptionKind.ADAPT: "why it is adapted",
            AdoptionKind.NOT_ADOPT: "why it is not adopted",
        }[kind]
        out.add(("rationale", "rationale"), f"wajib diisi: {why_id}", f"required: {why_en}")
    if kind is AdoptionKind.ADAPT and _blank(changes):
        out.add(
            ("changes", "changes"),
            "wajib diisi untuk adaptasi: apa yang diubah dari praktik mitra",
            "required to adapt: what changes from the host's practice",
        )
    if kind is AdoptionKind.NOT_ADOPT and milestones:
        out.add(
            ("milestones", "milestones"),
            "pelajaran yang tidak diadopsi tidak dikaitkan dengan tonggak",
            "a lesson that is not adopted is linked to no milestone",
        )
    return out


def check_milestone(*, title: str, target_date: date | None) -> Problems:
    """Problems of a new milestone: it says what is achieved and by when."""
    out = Problems()
    if _blank(title):
        out.add(
            ("title", "title"), "wajib diisi: apa yang dicapai", "required: what is achieved"
        )
    if target_date is None:
        out.add(("target_date", "target_date"), "wajib diisi: tanggal target", "required: a target date")
    return out


def check_milestone_report(
    *, status: MilestoneStatus, evidence: str, note: str, done_on: date | None, today: date
) -> Problems:
    """Problems of a milestone report: done needs evidence (and no future date), slipped a reason."""
    out = Problems()
    if status is MilestoneStatus.DONE:
        if _blank(evidence):
            out.add(
                ("evidence", "evidence"),
                "tonggak selesai wajib disertai bukti",
                "a milestone reported done needs its evidence",
            )
        if done_on is not None and done_on > today:
            out.add(
                ("done_on", "done_on"),
                f"tanggal selesai {done_on} belum tiba (hari ini {today})",
                f"the completion date {done_on} is in the future (today is {today})",
            )
    elif status is MilestoneStatus.SLIPPED and _blank(note):
        out.add(
            ("note", "note"),
            "tonggak meleset wajib disertai alasan",
            "a slipped milestone needs a reason",
        )
    return out
