"""The seminars pages' words in Bahasa Indonesia (default) and English; merged into
:mod:`adapters.web.texts`.

Keys start with ``sem.`` (seminar sessions, scores, grades, remediation, what waits for the
signed-in person), ``rec.`` (a participant's record and certificate) and ``rep.`` (the cohort's
reports), so they never collide with the other pages' keys.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # the cohort's sessions
    "sem.title": ("Seminar", "Seminars"),
    "sem.intro": (
        "Sesi seminar angkatan: penguji dan bebannya, panel setiap peserta (penguji, mentor, "
        "coach), nilai dan predikat.",
        "The cohort's seminar sessions: examiners and their load, each participant's panel "
        "(examiner, mentor, coach), scores and grades.",
    ),
    "sem.none": ("Belum ada sesi seminar.", "No seminar sessions yet."),
    "sem.no_entries": ("Belum ada peserta di sesi ini.", "No participants in this session yet."),
    "sem.kind.design": ("Seminar rancangan", "Design seminar"),
    "sem.kind.benchmarking": ("Seminar benchmarking", "Benchmarking seminar"),
    "sem.kind.final": ("Seminar akhir", "Final seminar"),
    "sem.session": ("Sesi", "Session"),
    "sem.date": ("Tanggal", "Date"),
    "sem.examiners": ("Penguji (beban maks. {limit} peserta)", "Examiners (load at most {limit})"),
    "sem.load": ("{n} peserta", "{n} participant(s)"),
    "sem.overloaded": (
        "Peringatan: beban penguji melebihi {limit} peserta",
        "Warning: examiner load above {limit} participants",
    ),
    "sem.warning": ("Peringatan", "Warning"),
    "sem.panel": ("Panel", "Panel"),
    "sem.role.examiner": ("Penguji", "Examiner"),
    "sem.role.mentor": ("Mentor", "Mentor"),
    "sem.role.coach": ("Coach", "Coach"),
    "sem.score": ("Nilai", "Score"),
    "sem.scores": ("Nilai", "Scores"),
    "sem.mean": ("Rata-rata", "Mean"),
    "sem.grade": ("Predikat", "Grade"),
    "sem.remediation": ("Remediasi", "Remediation"),
    "sem.not_scored": ("belum menilai", "not scored yet"),
    "sem.not_graded": ("belum diberi predikat", "not graded yet"),
    "sem.capped": (
        "Nilai ulang dibatasi oleh program.",
        "The re-grade was capped by the programme.",
    ),
    "sem.capped_short": ("dibatasi", "capped"),
    "sem.rem.kind.revision": ("revisi", "revision"),
    "sem.rem.kind.make_up": ("ujian ulang", "make-up"),
    "sem.rem.status.open": ("belum selesai", "open"),
    "sem.rem.status.passed": ("lulus", "passed"),
    "sem.rem.status.failed": ("tidak lulus", "failed"),
    # the coordinator's forms
    "sem.create.title": ("Jadwalkan sesi seminar", "Schedule a seminar session"),
    "sem.create.kind": ("Jenis seminar", "Kind of seminar"),
    "sem.create.title_field": ("Judul (opsional)", "Title (optional)"),
    "sem.create.starts_at": ("Mulai ({tz})", "Starts ({tz})"),
    "sem.create.place": ("Tempat", "Place"),
    "sem.create.examiners": ("Penguji", "Examiners"),
    "sem.create.no_examiners": (
        "Angkatan ini belum punya penguji; tambahkan lewat daftar peserta.",
        "This cohort has no examiners yet; add them through the roster.",
    ),
    "sem.create.button": ("Jadwalkan", "Schedule"),
    "sem.add.title": ("Tambahkan peserta ke sesi", "Add participants to the session"),
    "sem.add.participants": ("Peserta", "Participants"),
    "sem.add.examiner": ("Penguji mereka", "Their examiner"),
    "sem.add.least_loaded": ("penguji dengan beban paling ringan", "the least loaded examiner"),
    "sem.add.button": ("Tambahkan", "Add"),
    # scores, grades, re-grades
    "sem.score.label": (
        "Nilai Anda sebagai {role} ({low}–{high})",
        "Your score as {role} ({low}–{high})",
    ),
    "sem.score.title": ("Nilai Anda", "Your score"),
    "sem.score.button": ("Simpan nilai", "Save score"),
    "sem.score.change": ("Ubah nilai", "Change score"),
    "sem.grade.title": ("Predikat peserta", "The participant's grade"),
    "sem.grade.label": ("Predikat", "Grade"),
    "sem.grade.derived": (
        "{grade} (dari rata-rata nilai {mean})",
        "{grade} (from the mean score {mean})",
    ),
    "sem.grade.choose": ("— pilih predikat —", "— choose the grade —"),
    "sem.grade.remediation": (
        "Remediasi bila kurang memuaskan",
        "Remediation if unsatisfactory",
    ),
    "sem.grade.button": ("Simpan predikat", "Save grade"),
    "sem.grade.waiting": (
        "Predikat dapat diberikan setelah seluruh panel menilai; menunggu",
        "The grade can be given once the whole panel has scored; waiting for",
    ),
    "sem.regrade.title": ("Nilai ulang setelah remediasi", "Re-grade after remediation"),
    "sem.regrade.cap": (
        "Nilai ulang paling tinggi {cap}.",
        "A re-grade is at most {cap}.",
    ),
    "sem.regrade.grade": ("Predikat ulang", "Re-grade"),
    "sem.regrade.from_score": ("dari nilai ulang di bawah", "from the re-score below"),
    "sem.regrade.score": ("Nilai ulang (opsional)", "Re-score (optional)"),
    "sem.regrade.note": ("Catatan", "Note"),
    "sem.regrade.button": ("Simpan nilai ulang", "Save re-grade"),
    # flash messages
    "sem.done.created": ("Sesi seminar #{id} dijadwalkan.", "Seminar session #{id} scheduled."),
    "sem.done.added": (
        "{n} peserta ditambahkan ke sesi #{id}.",
        "{n} participant(s) added to session #{id}.",
    ),
    "sem.done.scored": ("Nilai {score} tersimpan.", "Score {score} saved."),
    "sem.done.graded": ("Predikat {grade} tersimpan.", "Grade {grade} saved."),
    "sem.done.remediation": ("Remediasi #{id} dibuka.", "Remediation #{id} opened."),
    "sem.done.regraded": ("Nilai ulang {grade} tersimpan.", "Re-grade {grade} saved."),
    # what waits for the signed-in person
    "sem.inbox.title": (
        "Seminar yang menunggu nilai atau predikat Anda",
        "Seminars waiting for your score or grade",
    ),
    "sem.inbox.link": (
        "Seminar yang menunggu nilai/predikat Anda",
        "Seminars waiting for your score/grade",
    ),
    "sem.inbox.none": (
        "Tidak ada seminar yang menunggu nilai atau predikat Anda.",
        "No seminar is waiting for your score or grade.",
    ),
    "sem.inbox.score": ("menunggu nilai Anda", "waiting for your score"),
    "sem.inbox.grade": ("menunggu predikat Anda", "waiting for your grade"),
    "sem.inbox.regrade": ("menunggu nilai ulang Anda", "waiting for your re-grade"),
    "sem.inbox.as": ("sebagai {role}", "as {role}"),
    "sem.inbox.open": ("Buka sesi", "Open the session"),
    # a participant's record
    "rec.title": ("Catatan seminar", "Seminar record"),
    "rec.seminars": ("Seminar dan predikat", "Seminars and grades"),
    "rec.none": ("Belum terjadwal di seminar mana pun.", "Not scheduled in any seminar yet."),
    "rec.certificate": ("Sertifikat", "Certificate"),
    "rec.cert.eligible": ("dapat diberikan", "may be issued"),
    "rec.cert.pending": ("belum dapat diberikan", "not yet"),
    "rec.cert.withheld": (
        "ditahan sampai remediasi selesai",
        "withheld until the remediation is resolved",
    ),
    "rec.cert.failed": ("tidak diberikan (tidak lulus)", "not issued (failed)"),
    "rec.download": ("Catatan cetak", "Printable record"),
    # the cohort's reports
    "rep.title": ("Laporan", "Reports"),
    "rep.generated": ("Dibuat", "Generated"),
    "rep.download": ("Unduh", "Download"),
    "rep.trace": (
        "Ketertelusuran: praktik mitra → pelajaran → keputusan → tonggak → status",
        "Traceability: host practice → lesson → decision → milestone → status",
    ),
    "rep.trace_intro": (
        "Satu baris per mata rantai, dari praktik terbaik yang diamati di mitra sampai status "
        "tonggak rencana perubahan.",
        "One row per link, from the best practice observed at a host to the status of the "
        "change plan's milestone.",
    ),
    "rep.trace_none": ("Belum ada pelajaran yang dicatat.", "No lessons recorded yet."),
    "rep.host": ("Mitra (lokus)", "Host partner"),
    "rep.practice": ("Praktik terbaik", "Best practice"),
    "rep.success_key": ("Kunci sukses", "Key to success"),
    "rep.lesson": ("Pelajaran", "Lesson"),
    "rep.lessons": ("Pelajaran", "Lessons"),
    "rep.decision": ("Keputusan", "Decision"),
    "rep.undecided": ("belum diputuskan", "not decided yet"),
    "rep.milestone": ("Tonggak", "Milestone"),
    "rep.adopted": ("Diadopsi", "Adopted"),
    "rep.adapted": ("Diadaptasi", "Adapted"),
    "rep.not_adopted": ("Tidak diadopsi", "Not adopted"),
    "rep.hosts": (
        "Mitra benchmarking: apa yang diajarkan dan berapa proyek yang mengadopsinya",
        "Host partners: what each taught and how many projects adopted it",
    ),
    "rep.per_practice": ("per praktik", "by practice"),
    "rep.hosts_files": (
        "XLSX memuat dua lembar (per mitra dan per praktik) dan HTML kedua tabel; CSV satu tabel per berkas.",
        "XLSX holds two sheets (by host partner and by practice) and HTML both tables; CSV one table a file.",
    ),
    "rep.hosts_none": ("Belum ada mitra benchmarking.", "No host partners yet."),
    "rep.taught_none": (
        "Belum ada pelajaran dari mitra ini.",
        "No lessons drawn from this host yet.",
    ),
    "rep.projects_learned": ("{n} proyek belajar", "{n} project(s) learned"),
    "rep.projects_adopted": ("{n} mengadopsi", "{n} adopted"),
    "rep.projects_adapted": ("{n} mengadaptasi", "{n} adapted"),
    "rep.projects_not_adopted": ("{n} tidak mengadopsi", "{n} did not adopt"),
}
