"""Roles people hold in a cohort and the actions the policy decides on."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A role held by a person within one cohort."""

    PARTICIPANT = "participant"
    MENTOR = "mentor"
    COACH = "coach"
    EXAMINER = "examiner"
    COORDINATOR = "coordinator"


APPROVER_ROLES: frozenset[Role] = frozenset(
    {Role.MENTOR, Role.COACH, Role.EXAMINER, Role.COORDINATOR}
)
"""Roles a programme may name as a stage's approver."""

ESCALATION_TARGETS: frozenset[str] = frozenset(
    {Role.MENTOR.value, Role.COACH.value, Role.COORDINATOR.value, "agency_head"}
)
"""Who an escalation ladder may notify: cohort roles plus the head of the organising agency."""


class Action(StrEnum):
    """Everything the authorization policy decides on."""

    VIEW_PROJECT = "view_project"
    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"
    VIEW_COHORT = "view_cohort"
    MANAGE_COHORT = "manage_cohort"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    VIEW_BENCHMARKING = "view_benchmarking"
    """See a cohort's host partners, groups, visits and seminar sessions (anyone in the cohort)."""
    PLAN_BENCHMARKING = "plan_benchmarking"
    """Record host partners, form groups, plan and import visits (a cohort's coordinators)."""
    UPLOAD_GROUP_REPORT = "upload_group_report"
    """Upload a group's report (its members, as ``participant`` of the group, or coordinators)."""
    RECORD_CONTENT = "record_content"
    """Record lessons, adoption decisions and milestones of a change project."""
    WATCH_MILESTONES = "watch_milestones"
    """See slipped milestones (mentors of their mentees, coordinators of their cohort)."""
    PLAN_SEMINAR = "plan_seminar"
    """Schedule seminar sessions and put participants in them."""
    SCORE_SEMINAR = "score_seminar"
    """Score a participant in a seminar (their panel: examiner, mentor, coach)."""
    GRADE_SEMINAR = "grade_seminar"
    """Record a participant's seminar grade and re-grade after remediation (their examiner)."""
    RESET_PASSWORD = "reset_password"
    """Set a new (temporary) password for a member of the cohort."""
    MANAGE_TOKENS = "manage_tokens"
    """Issue and revoke the cohort's API tokens for integrations."""


ACTION_WORDS: dict[Action, tuple[str, str]] = {
    Action.VIEW_PROJECT: ("melihat proyek ini", "see this project"),
    Action.SUBMIT: ("menyerahkan laporan tahap ini", "submit this stage's report"),
    Action.APPROVE: ("menyetujui tahap ini", "approve this stage"),
    Action.REQUEST_CHANGES: ("meminta perbaikan tahap ini", "request changes to this stage"),
    Action.WITHDRAW: (
        "menarik proyek ini dari pelatihan",
        "withdraw this project from the training",
    ),
    Action.REOPEN: ("membuka kembali tahap proyek ini", "reopen a stage of this project"),
    Action.VIEW_COHORT: (
        "melihat laporan dan papan angkatan ini",
        "see this cohort's board and reports",
    ),
    Action.MANAGE_COHORT: ("mengelola angkatan ini", "manage this cohort"),
    Action.REQUEST_EXTENSION: ("meminta perpanjangan tenggat", "request a deadline extension"),
    Action.DECIDE_EXTENSION: (
        "memutuskan permintaan perpanjangan tenggat",
        "decide on a deadline extension",
    ),
    Action.VIEW_BENCHMARKING: (
        "melihat rencana benchmarking angkatan ini",
        "see this cohort's benchmarking plan",
    ),
    Action.PLAN_BENCHMARKING: (
        "merencanakan benchmarking angkatan ini (mitra, kelompok, kunjungan)",
        "plan this cohort's benchmarking (hosts, groups, visits)",
    ),
    Action.UPLOAD_GROUP_REPORT: ("mengunggah laporan kelompok ini", "upload this group's report"),
    Action.RECORD_CONTENT: (
        "mencatat pelajaran, keputusan adopsi atau tonggak proyek ini",
        "record lessons, adoption decisions or milestones of this project",
    ),
    Action.WATCH_MILESTONES: (
        "melihat tonggak yang tergelincir",
        "see slipped milestones",
    ),
    Action.PLAN_SEMINAR: ("menjadwalkan seminar angkatan ini", "schedule this cohort's seminars"),
    Action.SCORE_SEMINAR: ("memberi nilai seminar ini", "score this seminar"),
    Action.GRADE_SEMINAR: ("memberi predikat seminar ini", "grade this seminar"),
    Action.RESET_PASSWORD: (
        "mengatur ulang kata sandi anggota angkatan ini",
        "reset the password of this cohort's members",
    ),
    Action.MANAGE_TOKENS: ("mengelola token API angkatan ini", "manage this cohort's API tokens"),
}
"""What each action is, in words (Bahasa Indonesia, English), as a refusal says it: "… may not
score this seminar"."""

ROLE_WORDS: dict[Role, tuple[str, str]] = {
    Role.PARTICIPANT: ("peserta", "participant"),
    Role.MENTOR: ("mentor", "mentor"),
    Role.COACH: ("coach", "coach"),
    Role.EXAMINER: ("penguji", "examiner"),
    Role.COORDINATOR: ("koordinator", "coordinator"),
}
"""A role in words (Bahasa Indonesia, English)."""
