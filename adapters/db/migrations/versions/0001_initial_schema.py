"""initial schema: people, cohorts, projects, stages, submissions, decisions, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-23 18:25:18.966304
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("stream", sa.String(length=40), nullable=False),
        sa.Column("stream_seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("stream", "stream_seq", name=op.f("uq_audit_log_stream_stream_seq")),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=24), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("can_create_cohorts", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("email", name=op.f("uq_people_email")),
        sa.UniqueConstraint("nip", name=op.f("uq_people_nip")),
    )
    op.create_table(
        "programme_snapshots",
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("checksum", name=op.f("pk_programme_snapshots")),
    )
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("programme_code", sa.String(length=32), nullable=False),
        sa.Column("programme_version", sa.String(length=32), nullable=False),
        sa.Column("programme_checksum", sa.String(length=64), nullable=False),
        sa.Column("organiser", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=32), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("audit_head", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_checksum"],
            ["programme_snapshots.checksum"],
            name=op.f("fk_cohorts_programme_checksum_programme_snapshots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohorts")),
        sa.UniqueConstraint("code", name=op.f("uq_cohorts_code")),
    )
    op.create_table(
        "cohort_members",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_cohort_members_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_cohort_members_person_id_people")
        ),
        sa.PrimaryKeyConstraint("cohort_id", "person_id", "role", name=op.f("pk_cohort_members")),
    )
    with op.batch_alter_table("cohort_members", schema=None) as batch_op:
        batch_op.create_index("ix_cohort_members_person", ["person_id", "cohort_id"], unique=False)

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("audit_head", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_id"], ["people.id"], name=op.f("fk_projects_coach_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_projects_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["people.id"], name=op.f("fk_projects_mentor_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["people.id"], name=op.f("fk_projects_participant_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint(
            "cohort_id", "participant_id", name=op.f("uq_projects_cohort_id_participant_id")
        ),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index("ix_projects_mentor", ["mentor_id"], unique=False)

    op.create_table(
        "stage_instances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("gate", sa.String(length=20), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_stage_instances_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_instances")),
        sa.UniqueConstraint(
            "project_id",
            "stage",
            "attempt",
            name=op.f("uq_stage_instances_project_id_stage_attempt"),
        ),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_instance_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stage_instance_id"],
            ["stage_instances.id"],
            name=op.f("fk_submissions_stage_instance_id_stage_instances"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["people.id"], name=op.f("fk_submissions_submitted_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint(
            "stage_instance_id", "number", name=op.f("uq_submissions_stage_instance_id_number")
        ),
    )
    op.create_table(
        "artifacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"], ["blobs.sha256"], name=op.f("fk_artifacts_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_artifacts_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifacts")),
    )
    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_artifacts_submission_id"), ["submission_id"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["people.id"], name=op.f("fk_decisions_decided_by_people")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_decisions_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_decisions_submission_id")),
    )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("decisions")
    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_artifacts_submission_id"))

    op.drop_table("artifacts")
    op.drop_table("submissions")
    op.drop_table("stage_instances")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index("ix_projects_mentor")

    op.drop_table("projects")
    with op.batch_alter_table("cohort_members", schema=None) as batch_op:
        batch_op.drop_index("ix_cohort_members_person")

    op.drop_table("cohort_members")
    op.drop_table("cohorts")
    op.drop_table("programme_snapshots")
    op.drop_table("people")
    op.drop_table("blobs")
    op.drop_table("audit_log")
