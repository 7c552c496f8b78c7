"""Migration 0005: assessments saved before it reach schema version 1 and read as typed models.

A row is written as the oldest saved assessments were (``as_dict()`` of 2026-11-21: no
``explains_level``, no ``not_understood``) into a database at revision 0004; after the
upgrade it carries ``schema_version`` 1 and reads as :class:`AssessmentPublic`. A row saved
by today's code is left as it was, and the downgrade takes the version away again.
"""

from __future__ import annotations

import json
from typing import Any

from alembic import command
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.public import SCHEMA_VERSION, AssessmentInput, AssessmentPublic
from spasmcheck.services import assessments
from spasmcheck.storage import models
from spasmcheck.storage.db import alembic_config, make_engine, migrate


def as_saved_on_2026_11_21(result: dict[str, Any]) -> dict[str, Any]:
    old = {k: v for k, v in result.items() if k != "not_understood"}
    old["conditions"] = [
        {k: v for k, v in c.items() if k != "explains_level"} for c in result["conditions"]
    ]
    return old


def test_old_rows_reach_version_1_and_back(database_url: str, engine: Engine) -> None:
    db = make_engine(database_url)
    migrate(db, "0004")
    today = AssessmentPublic.of(engine.assess("sudden weakness in my arm and cramps", 70))
    old = as_saved_on_2026_11_21(today.model_dump(mode="json"))
    with db.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (email, password_hash, timezone, created_at) "
                "VALUES ('a@example.org', 'x', 'UTC', CURRENT_TIMESTAMP)"
            )
        )
        user_id = connection.execute(text("SELECT id FROM users")).scalar_one()
        connection.execute(
            insert(models.Assessment),
            [{"user_id": user_id, "input": {"text": "cramps"}, "result": old}],
        )
    migrate(db)
    with Session(db) as session:
        row = session.scalars(select(models.Assessment)).one()
        assert row.result["schema_version"] == SCHEMA_VERSION
        assert [c["explains_level"] for c in row.result["conditions"]] == [False] * len(
            today.conditions
        )
        assert row.result["not_understood"] == []
        read = assessments.result_of(row)
        assert read.conditions[0].id == today.conditions[0].id
        assert assessments.input_of(row) == AssessmentInput(text="cramps")
        # Saved by today's code: already versioned, untouched by a second pass.
        saved = assessments.save(
            session, user_id=user_id, input=AssessmentInput(text="cramps"), result=today
        )
        stored = json.dumps(saved.result, sort_keys=True)
    config = alembic_config()
    with db.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    with Session(db) as session:
        rows = session.scalars(select(models.Assessment).order_by(models.Assessment.id)).all()
        assert all("schema_version" not in r.result for r in rows)
    migrate(db)
    with Session(db) as session:
        again = session.get(models.Assessment, saved.id)
        assert again is not None
        assert json.dumps(again.result, sort_keys=True) == stored
    db.dispose()
