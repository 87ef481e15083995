"""Notification texts, in Bahasa Indonesia and English: reminders and escalations (raised by the
sweep) and the notices a command sends (a decision waiting, an extension requested or decided).

Each message says what is late, due or waiting, since when, for whom, and the link to act on it.
Recipients are named in words ("coach (widyaiswara)", "kepala instansi penyelenggara"), never by
the codes the programme definitions use (``coach``, ``agency_head``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
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

RECIPIENT_LABELS: dict[str, tuple[str, str]] = {
    "participant": ("peserta", "participant"),
    "mentor": ("mentor (atasan langsung)", "mentor (direct superior)"),
    "coach": ("coach (widyaiswara)", "coach (widyaiswara)"),
    "examiner": ("penguji", "examiner"),
    "coordinator": ("koordinator angkatan", "the cohort's coordinators"),
    "agency_head": ("kepala instansi penyelenggara", "head of the organising agency"),
}
"""Who an alert or notice goes to, in words (Bahasa Indonesia, English), by the code a programme's
escalation ladder or approver list uses."""


def recipient_label(code: str, lang: str) -> str:
    """The recipient ``code`` (``coach``, ``agency_head``, …) in words, in ``lang``."""
    words = RECIPIENT_LABELS.get(code)
    if words is None:
        return code.replace("_", " ")
    return words[1 if lang == "en" else 0]


def stage_name(stage: str, lang: str) -> str:
    """A stage's name in ``lang``."""
    return STAGE_NAMES.get(stage, (stage, stage))[1 if lang == "en" else 0]


def local_time(at: datetime, tz: str) -> str:
    """``at`` as the cohort's local time with its zone label: ``10-03-2026 23:59 WIT``."""
    return at.astimezone(ZoneInfo(tz)).strftime("%d-%m-%Y %H:%M ") + TIMEZONES.get(tz, tz)


@dataclass(frozen=True, slots=True)
class MessageContext:
    """What a reminder or escalation message is about.

    ``audience`` is who actually receives it: the ladder's ``alert.notify``, or ``coordinator``
    when that rung's recipient is missing (no coach assigned, no head of agency set).
    """

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
    audience: str = ""


def _to_whom(ctx: MessageContext, en: bool) -> str:
    """"kepada coach (widyaiswara)", or who stands in for a missing recipient."""
    lang = "en" if en else "id"
    intended = recipient_label(ctx.alert.notify, lang)
    audience = ctx.audience or ctx.alert.notify
    if audience == ctx.alert.notify:
        return f"to the {intended}" if en else f"kepada {intended}"
    standing_in = recipient_label(audience, lang)
    if en:
        return f"to {standing_in}, as no {intended} is set for this cohort or participant"
    return f"kepada {standing_in}, karena {intended} belum ditetapkan"


def render(ctx: MessageContext, lang: str) -> tuple[str, str]:
    """(subject, body) of a reminder or escalation for one recipient's language."""
    a = ctx.alert
    en = lang == "en"
    stage = stage_name(ctx.stage, lang)
    due = local_time(a.due_at, ctx.timezone)
    who = f"{ctx.participant_name} (NIP {ctx.participant_nip})"
    to_whom = _to_whom(ctx, en)
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
                f"{ctx.working_days} working day(s) late (escalation level {a.rung}, {to_whom})."
                f"\nProject: {ctx.link}",
            )
        return (
            f"[patok] Eskalasi tingkat {a.rung}: laporan tahap {stage} {ctx.participant_name} terlambat",
            f"Laporan tahap {stage} dari {who}, angkatan {ctx.cohort_code}, jatuh tempo {due} dan "
            f"sudah terlambat {ctx.working_days} hari kerja (eskalasi tingkat {a.rung}, "
            f"{to_whom}).\nProyek: {ctx.link}",
        )
    if en:
        return (
            f"[patok] Escalation level {a.rung}: decision on {ctx.participant_name}'s {stage} is late",
            f"Submission #{ctx.submission_number} of the {stage} stage by {who}, cohort "
            f"{ctx.cohort_code}, awaits a decision that was due {due}; it is "
            f"{ctx.working_days} working day(s) late (escalation level {a.rung}, {to_whom}). "
            f"The participant is not held responsible for this time.\n"
            f"Decide here: {ctx.link}",
        )
    return (
        f"[patok] Eskalasi tingkat {a.rung}: keputusan tahap {stage} {ctx.participant_name} terlambat",
        f"Pengajuan #{ctx.submission_number} tahap {stage} dari {who}, angkatan "
        f"{ctx.cohort_code}, menunggu keputusan yang jatuh tempo {due}; sudah terlambat "
        f"{ctx.working_days} hari kerja (eskalasi tingkat {a.rung}, {to_whom}). Waktu ini "
        f"tidak dibebankan kepada peserta.\nPutuskan di sini: {ctx.link}",
    )


@dataclass(frozen=True, slots=True)
class NoticeContext:
    """What a command's notice is about: the project, its participant and the stage."""

    cohort_code: str
    timezone: str
    participant_name: str
    participant_nip: str
    stage: str
    link: str


def render_decision_waiting(
    ctx: NoticeContext,
    lang: str,
    *,
    submission: int,
    submitted_at: datetime,
    decision_due_at: datetime,
    as_role: str,
) -> tuple[str, str]:
    """(subject, body) telling an approver that a submission waits for their decision."""
    en = lang == "en"
    stage = stage_name(ctx.stage, lang)
    since = local_time(submitted_at, ctx.timezone)
    due = local_time(decision_due_at, ctx.timezone)
    who = f"{ctx.participant_name} (NIP {ctx.participant_nip})"
    role = recipient_label(as_role, lang)
    if en:
        return (
            f"[patok] Decision waiting: {stage} of {ctx.participant_name}, due {due}",
            f"Submission #{submission} of the {stage} stage by {who}, cohort "
            f"{ctx.cohort_code}, has waited for your decision (as {role}) since {since}. "
            f"Please approve it or request changes by {due}.\nDecide here: {ctx.link}",
        )
    return (
        f"[patok] Menunggu keputusan: tahap {stage} {ctx.participant_name}, paling lambat {due}",
        f"Pengajuan #{submission} tahap {stage} dari {who}, angkatan {ctx.cohort_code}, "
        f"menunggu keputusan Anda (sebagai {role}) sejak {since}. Mohon setujui atau minta "
        f"perbaikan paling lambat {due}.\nPutuskan di sini: {ctx.link}",
    )


def render_extension_requested(
    ctx: NoticeContext,
    lang: str,
    *,
    extension_id: int,
    requested_at: datetime,
    reason: str,
    current_due_at: datetime,
    new_due_date: date,
) -> tuple[str, str]:
    """(subject, body) telling the mentor that a participant asks for a later deadline."""
    en = lang == "en"
    stage = stage_name(ctx.stage, lang)
    since = local_time(requested_at, ctx.timezone)
    current = local_time(current_due_at, ctx.timezone)
    new_day = new_due_date.strftime("%d-%m-%Y")
    who = f"{ctx.participant_name} (NIP {ctx.participant_nip})"
    if en:
        return (
            f"[patok] Extension requested: {stage} of {ctx.participant_name} to {new_day}",
            f"{who}, cohort {ctx.cohort_code}, asked on {since} (request #{extension_id}) to "
            f"move the {stage} deadline from {current} to the end of {new_day}.\n"
            f"Reason: {reason}\nGrant or refuse it here: {ctx.link}",
        )
    return (
        f"[patok] Permohonan perpanjangan: tahap {stage} {ctx.participant_name} ke {new_day}",
        f"{who}, angkatan {ctx.cohort_code}, pada {since} memohon (permohonan #{extension_id}) "
        f"agar tenggat tahap {stage} dipindah dari {current} ke akhir hari {new_day}.\n"
        f"Alasan: {reason}\nSetujui atau tolak di sini: {ctx.link}",
    )


def render_extension_decided(
    ctx: NoticeContext,
    lang: str,
    *,
    extension_id: int,
    granted: bool,
    decided_at: datetime,
    note: str,
    due_at: datetime | None,
) -> tuple[str, str]:
    """(subject, body) telling the participant that their extension request was decided."""
    en = lang == "en"
    stage = stage_name(ctx.stage, lang)
    when = local_time(decided_at, ctx.timezone)
    note_line = (f"\nNote: {note}" if en else f"\nCatatan: {note}") if note.strip() else ""
    if granted and due_at is not None:
        due = local_time(due_at, ctx.timezone)
        if en:
            return (
                f"[patok] Extension granted: {stage} now due {due}",
                f"Your extension request #{extension_id} (cohort {ctx.cohort_code}) was granted "
                f"on {when}: the {stage} report is now due {due}.{note_line}\n"
                f"Your project: {ctx.link}",
            )
        return (
            f"[patok] Perpanjangan disetujui: tahap {stage} kini jatuh tempo {due}",
            f"Permohonan perpanjangan #{extension_id} Anda (angkatan {ctx.cohort_code}) "
            f"disetujui pada {when}: laporan tahap {stage} kini jatuh tempo {due}.{note_line}\n"
            f"Proyek Anda: {ctx.link}",
        )
    if en:
        return (
            f"[patok] Extension refused: {stage} deadline unchanged",
            f"Your extension request #{extension_id} (cohort {ctx.cohort_code}) was refused on "
            f"{when}; the {stage} deadline stays as it was.{note_line}\nYour project: {ctx.link}",
        )
    return (
        f"[patok] Perpanjangan ditolak: tenggat tahap {stage} tetap",
        f"Permohonan perpanjangan #{extension_id} Anda (angkatan {ctx.cohort_code}) ditolak "
        f"pada {when}; tenggat tahap {stage} tidak berubah.{note_line}\nProyek Anda: {ctx.link}",
    )
