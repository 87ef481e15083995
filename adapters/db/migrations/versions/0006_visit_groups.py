"""visit groups: the groups a visit booked, so that a change of a group's members changes the
visits that booked it

A visit stored only its participants; which of them came with a group was lost, and a later
change of the group left the visit behind. ``visit_groups`` records the groups a visit booked.
Existing visits are given every group of their cohort whose members are all among the visit's
participants (that is how a booked group's members were added).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = """
INSERT INTO visit_groups (visit_id, group_id)
SELECT v.id, g.id
FROM visits v JOIN bench_groups g ON g.cohort_id = v.cohort_id
WHERE EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id)
  AND NOT EXISTS (
    SELECT 1 FROM group_members m
    WHERE m.group_id = g.id
      AND NOT EXISTS (
        SELECT 1 FROM visit_participants p WHERE p.visit_id = v.id AND p.project_id = m.project_id
      )
  )
"""


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "visit_groups",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["bench_groups.id"], name=op.f("fk_visit_groups_group_id_bench_groups")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_groups_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("visit_id", "group_id", name=op.f("pk_visit_groups")),
    )
    with op.batch_alter_table("visit_groups", schema=None) as batch_op:
        batch_op.create_index("ix_visit_groups_group", ["group_id"], unique=False)
    op.execute(_BACKFILL)


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("visit_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_groups_group")
    op.drop_table("visit_groups")
