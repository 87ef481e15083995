"""one seminar of a kind: a participant sits at most one session of each kind (design,
benchmarking, final), kept by a unique key so that two coordinators scheduling at once cannot
both put them in a second one — a second session would otherwise bypass the remediation's
capped re-grade

``seminar_entries.kind`` copies the session's kind, unique with the project (a unique index). Entries made before
this migration that already put a participant in a second session of a kind (the service did not
refuse it then) are kept as they were, with no kind, so the upgrade never fails on old data; the
first entry of each participant and kind carries it, and no new second entry can be made.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = """
UPDATE seminar_entries
SET kind = (SELECT s.kind FROM seminar_sessions s WHERE s.id = seminar_entries.session_id)
WHERE NOT EXISTS (
    SELECT 1
    FROM seminar_entries earlier
    JOIN seminar_sessions earlier_session ON earlier_session.id = earlier.session_id
    JOIN seminar_sessions this_session ON this_session.id = seminar_entries.session_id
    WHERE earlier.project_id = seminar_entries.project_id
      AND earlier_session.kind = this_session.kind
      AND earlier.id < seminar_entries.id
)
"""


def upgrade() -> None:
    """Apply this migration. Every step is one SQLite can take in place (ADD COLUMN, UPDATE, CREATE
    UNIQUE INDEX): a batch rebuild would drop the table, which the scores and remediations that
    refer to its rows forbid while foreign keys are enforced."""
    op.add_column("seminar_entries", sa.Column("kind", sa.String(length=16), nullable=True))
    op.execute(_BACKFILL)
    op.create_index(
        "uq_seminar_entries_project_id_kind", "seminar_entries", ["project_id", "kind"], unique=True
    )


def downgrade() -> None:
    """Revert this migration (``DROP COLUMN`` in place; SQLite has it since 3.35)."""
    op.drop_index("uq_seminar_entries_project_id_kind", table_name="seminar_entries")
    op.drop_column("seminar_entries", "kind")
