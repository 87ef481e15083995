"""User-facing labels in Bahasa Indonesia (default) and English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["id", "en"]

_LABELS: dict[str, tuple[str, str]] = {
    "diagnosis": ("Diagnosis", "Diagnosis"),
    "taking_ownership": ("Taking ownership", "Taking ownership"),
    "benchmarking": ("Benchmarking", "Benchmarking"),
    "lesson_synthesis": ("Sintesis pembelajaran", "Lesson synthesis"),
    "adoption": ("Adopsi", "Adoption"),
    "implementation": ("Implementasi", "Implementation"),
    "drafting": ("penyusunan", "drafting"),
    "submitted": ("diajukan", "submitted"),
    "changes_requested": ("perbaikan", "changes requested"),
    "approved": ("disetujui", "approved"),
    "reopened": ("dibuka ulang", "reopened"),
    "withdrawn": ("dicabut", "withdrawn"),
    "completed": ("selesai", "completed"),
    "on_track": ("sesuai jadwal", "on track"),
    "at_risk": ("berisiko", "at risk"),
    "late": ("terlambat", "late"),
    "short.diagnosis": ("Diag", "Diag"),
    "short.taking_ownership": ("TO", "TO"),
    "short.benchmarking": ("Bench", "Bench"),
    "short.lesson_synthesis": ("Sintesis", "Lessons"),
    "short.adoption": ("Adopsi", "Adopt"),
    "short.implementation": ("Impl", "Impl"),
    "short.drafting": ("draf", "draft"),
    "short.submitted": ("diajukan", "submitted"),
    "short.changes_requested": ("revisi", "revise"),
    "short.reopened": ("dibuka", "reopened"),
    "short.withdrawn": ("dicabut", "withdrawn"),
    "participant": ("Peserta", "Participant"),
    "mentor": ("Mentor", "Mentor"),
    "coach": ("Coach", "Coach"),
    "status": ("Status", "Status"),
    "due": ("tenggat", "due"),
    "days_late": ("hari kerja terlambat", "working days late"),
    "group": ("Kel.", "Group"),
    "visit": ("Kunj.", "Visit"),
    "content": ("Isi", "Content"),
    "content.legend": (
        "Isi = pelajaran/keputusan (diadopsi atau diadaptasi)/tonggak; !n = tonggak meleset",
        "Content = lessons/decisions (adopted or adapted)/milestones; !n = slipped milestones",
    ),
    "visit.planned": ("rencana", "planned"),
    "visit.under_way": ("berjalan", "under way"),
    "visit.done": ("selesai", "done"),
}


def label(key: str, lang: Lang = "id") -> str:
    """The label for ``key`` in ``lang``; the key itself when there is none."""
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def state_label(state: str, lang: Lang = "id") -> str:
    """A project's state in words: ``taking_ownership.submitted`` → ``Taking ownership —
    diajukan``; ``completed`` → ``selesai``."""
    stage, _, gate = state.partition(".")
    if not gate:
        return label(stage, lang)
    return f"{label(stage, lang)} — {label(gate, lang)}"
