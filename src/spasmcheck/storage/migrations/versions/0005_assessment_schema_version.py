"""Saved assessments carry the version of their shape, and the rows already saved reach it.

A saved assessment's ``result`` is now the typed ``StoredAssessment``
(``spasmcheck.reasoning.public``): the public assessment plus ``schema_version`` (1), so a
later change of shape can say which rows it must rewrite. Rows saved before this revision
were written by ``Assessment.as_dict()`` as it was: the oldest (from 2026-11-21) lack each
cause's ``explains_level`` and the result's ``not_understood``, both added on 2026-12-05.
They get the values the engine of their day meant: no cause was shown first for explaining
an emergency level (``false``), and no fragment was reported unread (``[]``). Nothing else
of a row is touched, and a row that already has a version is left alone.

The defaults are written out here, not imported: a migration must keep meaning what it
meant when it was written, whatever the models become.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSION = 1
BATCH = 500

assessments = sa.table("assessments", sa.column("id", sa.Integer()), sa.column("result", sa.JSON()))


def to_version_1(result: dict[str, object]) -> dict[str, object]:
    """``result`` at version 1 (a new dict; a row already versioned comes back unchanged)."""
    if "schema_version" in result:
        return result
    upgraded = dict(result)
    conditions = upgraded.get("conditions")
    if isinstance(conditions, list):
        upgraded["conditions"] = [
            {"explains_level": False, **c} if isinstance(c, dict) else c for c in conditions
        ]
    upgraded.setdefault("not_understood", [])
    upgraded["schema_version"] = VERSION
    return upgraded


def _rewrite(change: Callable[[dict[str, object]], dict[str, object]]) -> None:
    """Apply ``change`` to every saved result, a batch of rows at a time."""
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(assessments.c.id, assessments.c.result)
            .where(assessments.c.id > last)
            .order_by(assessments.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row_id, result in rows:
            if isinstance(result, dict):
                new = change(result)
                if new != result:
                    connection.execute(
                        assessments.update().where(assessments.c.id == row_id).values(result=new)
                    )
        last = rows[-1][0]


def _without_version(result: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in result.items() if k != "schema_version"}


def upgrade() -> None:
    _rewrite(to_version_1)


def downgrade() -> None:
    # The defaults stay: the code before this revision reads them as it reads any result.
    _rewrite(_without_version)
