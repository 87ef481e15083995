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
