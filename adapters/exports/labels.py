"""The exports' column headers and labels, in Bahasa Indonesia and English."""

from __future__ import annotations

from collections.abc import Callable

from adapters.i18n import Lang
from domain.content import KIND_LABELS, STATUS_LABELS, TERM_LABELS
from domain.seminars import GRADE_LABELS
from domain.seminars import KIND_LABELS as SEMINAR_LABELS

LABELS: dict[str, tuple[str, str]] = {
    "participant": ("Peserta", "Participant"),
    "nip": ("NIP", "NIP"),
    "group": ("Kelompok", "Group"),
    "host": ("Mitra (lokus)", "Host partner"),
    "host_code": ("Kode mitra", "Host code"),
    "practice": ("Praktik terbaik", "Best practice"),
    "location": ("Tempat", "Where"),
    "evidence": ("Bukti", "Evidence"),
    "success_key": ("Kunci sukses", "Key to success"),
    "lesson_no": ("No. pelajaran", "Lesson no."),
    "lesson": ("Pelajaran", "Lesson"),
    "decision": ("Keputusan", "Decision"),
    "rationale": ("Alasan", "Rationale"),
    "changes": ("Yang diubah", "What changes"),
    "milestone_no": ("No. tonggak", "Milestone no."),
    "milestone": ("Tonggak", "Milestone"),
    "milestones": ("Tonggak rencana perubahan", "Change-plan milestones"),
    "term": ("Jangka", "Term"),
    "target": ("Target", "Target date"),
    "status": ("Status", "Status"),
    "milestone_evidence": ("Bukti tonggak", "Milestone evidence"),
    "unit": ("Unit", "Unit"),
    "agency": ("Instansi", "Agency"),
    "city": ("Kota", "City"),
    "focus": ("Fokus", "Focus"),
    "reasons": ("Alasan dipilih", "Why chosen"),
    "groups": ("Kelompok", "Groups"),
    "lessons": ("Pelajaran", "Lessons"),
    "adopted": ("Diadopsi", "Adopted"),
    "adapted": ("Diadaptasi", "Adapted"),
    "not_adopted": ("Tidak diadopsi", "Not adopted"),
    "projects_learned": ("Proyek yang belajar", "Projects that learned"),
    "projects_adopted": ("Proyek yang mengadopsi", "Projects that adopted"),
    "projects_adapted": ("Proyek yang mengadaptasi", "Projects that adapted"),
    "projects_not_adopted": ("Proyek yang tidak mengadopsi", "Projects that did not adopt"),
    "practices": ("Praktik yang diajarkan", "Practices taught"),
    "lessons_adopted": ("Pelajaran diadopsi", "Lessons adopted"),
    "lessons_adapted": ("Pelajaran diadaptasi", "Lessons adapted"),
    "lessons_not_adopted": ("Pelajaran tidak diadopsi", "Lessons not adopted"),
    "lessons_undecided": ("Pelajaran belum diputuskan", "Lessons not yet decided"),
    "hosts_section": ("Per mitra benchmarking", "By host partner"),
    "practices_section": ("Per praktik terbaik", "By best practice"),
    "section": ("Bagian", "Section"),
    "ref": ("No./kode", "No./code"),
    "item": ("Butir", "Item"),
    "detail": ("Rincian", "Details"),
    "date": ("Tanggal", "Date"),
    "visit": ("Kunjungan", "Visit"),
    "seminar": ("Seminar", "Seminar"),
    "revision": ("revisi", "revision"),
    "make_up": ("ujian perbaikan", "make-up"),
    "remediation.open": ("berjalan", "open"),
    "remediation.passed": ("lulus", "passed"),
    "remediation.failed": ("tidak lulus", "failed"),
    "trace_title": (
        "Ketertelusuran: praktik mitra → pelajaran → keputusan → tonggak → status",
        "Traceability: host practice → lesson → decision → milestone → status",
    ),
    "hosts_title": (
        "Mitra benchmarking: apa yang diajarkan dan berapa proyek yang mengadopsinya",
        "Host partners: what each taught and how many projects adopted it",
    ),
    "record_title": (
        "Catatan benchmarking dan seminar peserta",
        "Participant's benchmarking and seminar record",
    ),
    "generated": ("Dibuat", "Generated"),
    "project": ("Proyek perubahan", "Change project"),
    "mentor": ("Mentor", "Mentor"),
    "coach": ("Coach", "Coach"),
    "theme": ("Tema", "Theme"),
    "visits": ("Kunjungan", "Visits"),
    "dates": ("Tanggal", "Dates"),
    "group_report": ("Laporan kelompok", "Group report"),
    "individual_report": ("Laporan benchmarking individu", "Individual benchmarking report"),
    "seminars": ("Seminar", "Seminars"),
    "session": ("Sesi", "Session"),
    "examiner": ("Penguji", "Examiner"),
    "scores": ("Nilai", "Scores"),
    "mean": ("Rata-rata", "Mean"),
    "grade": ("Predikat", "Grade"),
    "remediation": ("Remediasi", "Remediation"),
    "certificate": ("Sertifikat", "Certificate"),
    "none": ("tidak ada", "none"),
    "cert.eligible": ("dapat diberikan", "may be issued"),
    "cert.pending": ("belum dapat diberikan", "not yet"),
    "cert.withheld": ("ditahan sampai remediasi selesai", "withheld until remediation is resolved"),
    "cert.failed": ("tidak diberikan (tidak lulus)", "not issued (failed)"),
    "visit.planned": ("direncanakan", "planned"),
    "visit.under_way": ("berlangsung", "under way"),
    "visit.done": ("selesai", "done"),
}


def translator(lang: Lang) -> Callable[[str], str]:
    """A function from a label key (or a decision, term, status, grade or seminar code) to its
    text in ``lang``; unknown keys come back as they are."""
    side = 1 if lang == "en" else 0
    tables = (LABELS, KIND_LABELS, TERM_LABELS, STATUS_LABELS, GRADE_LABELS, SEMINAR_LABELS)

    def t(key: str) -> str:
        for table in tables:
            pair = table.get(key)
            if pair is not None:
                return pair[side]
        return key

    return t
