"""deadlines: clocks, alerts, outbox, extensions, event cursors

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:55:16.411383
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "event_cursors",
        sa.Column("consumer", sa.String(length=40), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", name=op.f("pk_event_cursors")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_instance_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("clock", sa.String(length=12), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("rung", sa.Integer(), nullable=False),
        sa.Column("notify", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_alerts_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_alerts_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["stage_instance_id"],
            ["stage_instances.id"],
            name=op.f("fk_alerts_stage_instance_id_stage_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "stage_instance_id",
            "kind",
            "clock",
            "cycle",
            "rung",
            name=op.f("uq_alerts_stage_instance_id_kind_clock_cycle_rung"),
        ),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_alerts_cohort_kind_open", ["cohort_id", "kind", "resolved_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_alerts_project_id"), ["project_id"], unique=False)

    op.create_table(
        "extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_instance_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("new_due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["people.id"], name=op.f("fk_extensions_decided_by_people")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_extensions_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["people.id"], name=op.f("fk_extensions_requested_by_people")
        ),
        sa.ForeignKeyConstraint(
            ["stage_instance_id"],
            ["stage_instances.id"],
            name=op.f("fk_extensions_stage_instance_id_stage_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extensions")),
    )
    with op.batch_alter_table("extensions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_extensions_stage_instance_id"), ["stage_instance_id"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_outbox_alert_id_alerts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_outbox_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )

    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_head_email", sa.String(length=254), nullable=True))

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.Boolean(), server_default="0", nullable=False))

    with op.batch_alter_table("stage_instances", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("participant_cycle", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("participant_clock_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("decision_due_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("next_check_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_stage_instances_next_check_at", ["next_check_at"], unique=False)

    # open stages of existing projects: let the next sweep plan their reminders and escalations
    op.execute(
        "UPDATE stage_instances SET next_check_at = opened_at, participant_clock_at = opened_at "
        "WHERE gate IN ('drafting', 'submitted', 'changes_requested')"
    )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("stage_instances", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_instances_next_check_at")
        batch_op.drop_column("next_check_at")
        batch_op.drop_column("decision_due_at")
        batch_op.drop_column("participant_clock_at")
        batch_op.drop_column("participant_cycle")

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("digest")

    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.drop_column("agency_head_email")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next_attempt_at")

    op.drop_table("outbox")
    with op.batch_alter_table("extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extensions_stage_instance_id"))

    op.drop_table("extensions")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_project_id"))
        batch_op.drop_index("ix_alerts_cohort_kind_open")

    op.drop_table("alerts")
    op.drop_table("event_cursors")
