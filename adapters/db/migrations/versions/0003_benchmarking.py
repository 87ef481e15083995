"""benchmarking: host partners, groups, group reports, visits, lessons, adoption decisions,
milestones, seminar sessions, scores, grades and remediations

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "bench_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("theme", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_bench_groups_cohort_id_cohorts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bench_groups")),
        sa.UniqueConstraint("cohort_id", "code", name=op.f("uq_bench_groups_cohort_id_code")),
    )
    op.create_table(
        "host_partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("province", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=32), nullable=False),
        sa.Column("focus", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_role", sa.String(length=200), nullable=True),
        sa.Column("contact_phone", sa.String(length=24), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_host_partners_cohort_id_cohorts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_partners")),
        sa.UniqueConstraint("cohort_id", "code", name=op.f("uq_host_partners_cohort_id_code")),
    )
    op.create_table(
        "seminar_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_seminar_sessions_cohort_id_cohorts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seminar_sessions")),
    )
    with op.batch_alter_table("seminar_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seminar_sessions_cohort_id"), ["cohort_id"], unique=False
        )

    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("host_agency", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=32), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_visits_cohort_id_cohorts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
        sa.UniqueConstraint("cohort_id", "code", name=op.f("uq_visits_cohort_id_code")),
    )
    op.create_table(
        "group_hosts",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["bench_groups.id"], name=op.f("fk_group_hosts_group_id_bench_groups")
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["host_partners.id"], name=op.f("fk_group_hosts_host_id_host_partners")
        ),
        sa.PrimaryKeyConstraint("group_id", "host_id", name=op.f("pk_group_hosts")),
    )
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_group_members_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["bench_groups.id"], name=op.f("fk_group_members_group_id_bench_groups")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_group_members_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("group_id", "project_id", name=op.f("pk_group_members")),
        sa.UniqueConstraint(
            "cohort_id", "project_id", name=op.f("uq_group_members_cohort_id_project_id")
        ),
    )
    op.create_table(
        "group_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["bench_groups.id"], name=op.f("fk_group_reports_group_id_bench_groups")
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["blobs.sha256"], name=op.f("fk_group_reports_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["people.id"], name=op.f("fk_group_reports_uploaded_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_reports")),
        sa.UniqueConstraint(
            "group_id", "kind", "number", name=op.f("uq_group_reports_group_id_kind_number")
        ),
    )
    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("practice", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("success_key", sa.Text(), nullable=False),
        sa.Column("lesson", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_id"], ["host_partners.id"], name=op.f("fk_lessons_host_id_host_partners")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_lessons_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["people.id"], name=op.f("fk_lessons_recorded_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_lessons_project_id_number")),
    )
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("term", sa.String(length=8), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_milestones_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_milestones_project_id_number")),
    )
    op.create_table(
        "seminar_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("examiner_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=32), nullable=True),
        sa.Column("mean_score", sa.Float(), nullable=True),
        sa.Column("graded_by", sa.Integer(), nullable=True),
        sa.Column("graded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["examiner_id"], ["people.id"], name=op.f("fk_seminar_entries_examiner_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["graded_by"], ["people.id"], name=op.f("fk_seminar_entries_graded_by_people")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_seminar_entries_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["seminar_sessions.id"],
            name=op.f("fk_seminar_entries_session_id_seminar_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seminar_entries")),
        sa.UniqueConstraint(
            "session_id", "project_id", name=op.f("uq_seminar_entries_session_id_project_id")
        ),
    )
    with op.batch_alter_table("seminar_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seminar_entries_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "seminar_examiners",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_seminar_examiners_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["seminar_sessions.id"],
            name=op.f("fk_seminar_examiners_session_id_seminar_sessions"),
        ),
        sa.PrimaryKeyConstraint("session_id", "person_id", name=op.f("pk_seminar_examiners")),
    )
    op.create_table(
        "visit_agenda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts", sa.String(length=5), nullable=True),
        sa.Column("ends", sa.String(length=5), nullable=True),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["bench_groups.id"], name=op.f("fk_visit_agenda_group_id_bench_groups")
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["host_partners.id"], name=op.f("fk_visit_agenda_host_id_host_partners")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_agenda_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_agenda")),
    )
    with op.batch_alter_table("visit_agenda", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_agenda_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "visit_companions",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_visit_companions_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_companions_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("visit_id", "person_id", name=op.f("pk_visit_companions")),
    )
    op.create_table(
        "visit_participants",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_visit_participants_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_participants_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("visit_id", "project_id", name=op.f("pk_visit_participants")),
    )
    with op.batch_alter_table("visit_participants", schema=None) as batch_op:
        batch_op.create_index("ix_visit_participants_project", ["project_id"], unique=False)

    op.create_table(
        "adoption_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["people.id"], name=op.f("fk_adoption_decisions_decided_by_people")
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lessons.id"], name=op.f("fk_adoption_decisions_lesson_id_lessons")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_adoption_decisions_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adoption_decisions")),
        sa.UniqueConstraint("lesson_id", name=op.f("uq_adoption_decisions_lesson_id")),
    )
    with op.batch_alter_table("adoption_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adoption_decisions_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "remediations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("regrade", sa.String(length=32), nullable=True),
        sa.Column("capped", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["seminar_entries.id"],
            name=op.f("fk_remediations_entry_id_seminar_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_remediations_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["people.id"], name=op.f("fk_remediations_resolved_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remediations")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_remediations_entry_id")),
    )
    with op.batch_alter_table("remediations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_remediations_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "seminar_scores",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("scorer_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["seminar_entries.id"],
            name=op.f("fk_seminar_scores_entry_id_seminar_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["scorer_id"], ["people.id"], name=op.f("fk_seminar_scores_scorer_id_people")
        ),
        sa.PrimaryKeyConstraint("entry_id", "scorer_id", name=op.f("pk_seminar_scores")),
    )
    op.create_table(
        "adoption_milestones",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["adoption_decisions.id"],
            name=op.f("fk_adoption_milestones_decision_id_adoption_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestones.id"],
            name=op.f("fk_adoption_milestones_milestone_id_milestones"),
        ),
        sa.PrimaryKeyConstraint("decision_id", "milestone_id", name=op.f("pk_adoption_milestones")),
    )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("adoption_milestones")
    op.drop_table("seminar_scores")
    with op.batch_alter_table("remediations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remediations_project_id"))

    op.drop_table("remediations")
    with op.batch_alter_table("adoption_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adoption_decisions_project_id"))

    op.drop_table("adoption_decisions")
    with op.batch_alter_table("visit_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_participants_project")

    op.drop_table("visit_participants")
    op.drop_table("visit_companions")
    with op.batch_alter_table("visit_agenda", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_agenda_visit_id"))

    op.drop_table("visit_agenda")
    op.drop_table("seminar_examiners")
    with op.batch_alter_table("seminar_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seminar_entries_project_id"))

    op.drop_table("seminar_entries")
    op.drop_table("milestones")
    op.drop_table("lessons")
    op.drop_table("group_reports")
    op.drop_table("group_members")
    op.drop_table("group_hosts")
    op.drop_table("visits")
    with op.batch_alter_table("seminar_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seminar_sessions_cohort_id"))

    op.drop_table("seminar_sessions")
    op.drop_table("host_partners")
    op.drop_table("bench_groups")
