"""Notification texts for reminders and escalations, in Bahasa Indonesia and English.

Each message says what is late (or due), since when, for whom, and the link to act on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.deadlines import AlertKind, Clock, PlannedAlert
from domain.model import TIMEZONES

STAGE_NAMES: dict[str, tuple[str, str]] = {
    "diagnosis": ("Diagnosis", "Diagnosis"),
    "taking_ownership": ("Taking Ownership", "Taking ownership"),
    "benchmarking": ("Benchmarking", "Benchmarking"),
    "lesson_synthesis": ("Sintesis Pembelajaran", "Lesson synthesis"),
    "adoption": ("Adopsi", "Adoption"),
    "implementation": ("Implementasi", "Implementation"),
}


@dataclass(frozen=True, slots=True)
class MessageContext:
    """What a message is about."""

    alert: PlannedAlert
    stage: str
    cohort_code: str
    timezone: str
    participant_name: str
    participant_nip: str
    project_id: int
    submission_number: int
    working_days: int
    link: str


def _local(at: datetime, tz: str) -> str:
    return at.astimezone(ZoneInfo(tz)).strftime("%d-%m-%Y %H:%M ") + TIMEZONES.get(tz, tz)


def render(ctx: MessageContext, lang: str) -> tuple[str, str]:
    """(subject, body) of the message for one recipient's language."""
    a = ctx.alert
    en = lang == "en"
    stage = STAGE_NAMES.get(ctx.stage, (ctx.stage, ctx.stage))[1 if en else 0]
    due = _local(a.due_at, ctx.timezone)
    who = f"{ctx.participant_name} (NIP {ctx.participant_nip})"
    if a.kind is AlertKind.REMINDER:
        if en:
            return (
                f"[patok] Reminder: {stage} report due {due}",
                f"The {stage} report of your change project ({ctx.cohort_code}) is due {due}, "
                f"{ctx.working_days} working day(s) from today.\nSubmit it here: {ctx.link}",
            )
        return (
            f"[patok] Pengingat: laporan tahap {stage} jatuh tempo {due}",
            f"Laporan tahap {stage} proyek perubahan Anda ({ctx.cohort_code}) jatuh tempo {due}, "
            f"{ctx.working_days} hari kerja lagi.\nAjukan di sini: {ctx.link}",
        )
    if a.clock is Clock.PARTICIPANT:
        if en:
            return (
                f"[patok] Escalation level {a.rung}: {stage} report of {ctx.participant_name} is late",
                f"The {stage} report of {who}, cohort {ctx.cohort_code}, was due {due} and is "
                f"{ctx.working_days} working day(s) late (escalation level {a.rung}, to the "
                f"{a.notify}).\nProject: {ctx.link}",
            )
        return (
            f"[patok] Eskalasi tingkat {a.rung}: laporan tahap {stage} {ctx.participant_name} terlambat",
            f"Laporan tahap {stage} dari {who}, angkatan {ctx.cohort_code}, jatuh tempo {due} dan "
            f"sudah terlambat {ctx.working_days} hari kerja (eskalasi tingkat {a.rung}, kepada "
            f"{a.notify}).\nProyek: {ctx.link}",
        )
    if en:
        return (
            f"[patok] Escalation level {a.rung}: decision on {ctx.participant_name}'s {stage} is late",
            f"Submission #{ctx.submission_number} of the {stage} stage by {who}, cohort "
            f"{ctx.cohort_code}, awaits a decision that was due {due}; it is "
            f"{ctx.working_days} working day(s) late (escalation level {a.rung}, to the "
            f"{a.notify}). The participant is not held responsible for this time.\n"
            f"Decide here: {ctx.link}",
        )
    return (
        f"[patok] Eskalasi tingkat {a.rung}: keputusan tahap {stage} {ctx.participant_name} terlambat",
        f"Pengajuan #{ctx.submission_number} tahap {stage} dari {who}, angkatan "
        f"{ctx.cohort_code}, menunggu keputusan yang jatuh tempo {due}; sudah terlambat "
        f"{ctx.working_days} hari kerja (eskalasi tingkat {a.rung}, kepada {a.notify}). Waktu ini "
        f"tidak dibebankan kepada peserta.\nPutuskan di sini: {ctx.link}",
    )
