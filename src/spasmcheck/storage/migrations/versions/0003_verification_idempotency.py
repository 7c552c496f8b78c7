"""E-mail confirmation and idempotent episode creation (issue 15 item 10, issue 14 item 16).

- ``users.email_verified_at``: when the owner of the address opened the link we mailed. With
  confirmation on (the default outside development), a sign-up answers the same whether or
  not the address already had an account, and the account is used only once confirmed.
  Accounts that existed before this revision were made without it: they count as confirmed
  from their creation.
- ``episodes.idempotency_key``: the client's ``Idempotency-Key`` of the request that created
  the episode, unique per user, so that a retry after a lost response finds the first episode
  instead of logging a second one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
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
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_verified_at = created_at")
    with op.batch_alter_table("episodes") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(64), nullable=True))
        batch.create_unique_constraint(
            "uq_episodes_user_idempotency_key", ["user_id", "idempotency_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("episodes") as batch:
        batch.drop_constraint("uq_episodes_user_idempotency_key", type_="unique")
        batch.drop_column("idempotency_key")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_verified_at")
