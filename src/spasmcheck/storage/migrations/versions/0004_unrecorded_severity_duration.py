"""Severity and duration may be "not recorded", and the diary's range query has its index.

- ``episodes.severity`` and ``episodes.duration_seconds`` become nullable: a quick log saves
  what the person chose and nothing else (issue 14 item 12). Before, an untouched form saved
  a severity of 5 and "under a minute" as if they had been answered. Rows saved before this
  revision keep their values: which of them were untouched defaults cannot be told apart now.
- ``ix_episodes_user_started`` on ``(user_id, started_at)``: every diary read is one owner's
  episodes in a time range, oldest first, so the index serves the filter and the order
  (issue 16 item 7).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("episodes") as batch:
        batch.alter_column("severity", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("duration_seconds", existing_type=sa.Integer(), nullable=True)
    op.create_index("ix_episodes_user_started", "episodes", ["user_id", "started_at"])


def downgrade() -> None:
    unrecorded = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT COUNT(*) FROM episodes WHERE severity IS NULL OR duration_seconds IS NULL"
            )
        )
        .scalar_one()
    )
    if unrecorded:  # the older schema has no way to say "not recorded": inventing a value is worse
        raise RuntimeError(
            f"{unrecorded} episodes have no recorded severity or duration; the revision before"
            " 0004 cannot store them"
        )
    op.drop_index("ix_episodes_user_started", table_name="episodes")
    with op.batch_alter_table("episodes") as batch:
        batch.alter_column("duration_seconds", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("severity", existing_type=sa.Integer(), nullable=False)
