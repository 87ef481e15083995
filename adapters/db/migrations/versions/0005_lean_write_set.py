"""lean write set: the open stage's gate and clocks on the project row; submissions and
decisions recorded only in the audit log

A command used to write the project, its stage instance, a submission with its artifacts or a
decision, and the audit entry. Now the project row carries its current stage instance's gate and
both clocks (so a submission or a decision updates one row), a stage instance row is written when
it opens and when it closes, and the audit entry of ``stage.submitted`` / ``stage.approved`` /
``stage.changes_requested`` is the only record of a submission or a decision (it always held all
of their fields; the media type of a file moves to its blob).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CURRENT = "(SELECT max(s.id) FROM stage_instances s WHERE s.project_id = projects.id)"


def _from_current(column: str) -> str:
    return f"(SELECT s.{column} FROM stage_instances s WHERE s.id = projects.stage_id)"


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("gate", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("participant_cycle", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("participant_clock_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("decision_due_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("next_check_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("submission_number", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media_type", sa.String(length=128), nullable=True))

    op.execute(f"UPDATE projects SET stage_id = {_CURRENT}")
    op.execute(
        "UPDATE projects SET "
        f"gate = {_from_current('gate')}, "
        f"due_at = {_from_current('due_at')}, "
        f"participant_cycle = coalesce({_from_current('participant_cycle')}, 1), "
        "participant_clock_at = (SELECT coalesce(s.participant_clock_at, s.opened_at) "
        "FROM stage_instances s WHERE s.id = projects.stage_id), "
        f"submitted_at = {_from_current('submitted_at')}, "
        f"decided_at = {_from_current('decided_at')}, "
        f"decision_due_at = {_from_current('decision_due_at')}, "
        f"next_check_at = {_from_current('next_check_at')}, "
        "submission_number = coalesce((SELECT max(sub.number) FROM submissions sub "
        "WHERE sub.stage_instance_id = projects.stage_id), 0)"
    )
    op.execute(
        "UPDATE blobs SET media_type = (SELECT min(a.media_type) FROM artifacts a "
        "WHERE a.sha256 = blobs.sha256)"
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index("ix_projects_next_check_at", ["next_check_at"], unique=False)

    op.drop_index("ix_stage_instances_next_check_at", table_name="stage_instances")
    op.execute("ALTER TABLE stage_instances DROP COLUMN next_check_at")
    op.execute("ALTER TABLE stage_instances DROP COLUMN participant_clock_at")
    op.drop_table("decisions")
    op.drop_table("artifacts")
    op.drop_table("submissions")


def downgrade() -> None:
    """Refuse: the submission and decision tables would have to be rebuilt from the audit log."""
    raise NotImplementedError(
        "0005 cannot be reverted: submissions and decisions live only in the audit log since "
        "then; restore a backup taken before the upgrade instead"
    )
