"""An episode's places are checked against the knowledge base the caller gives."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from spasmcheck.diary.model import LOCATIONS_CONTEXT, Episode, episode_context
from spasmcheck.knowledge.loader import KnowledgeBase


def data(location: str) -> dict[str, Any]:
    return {
        "started_at": datetime(2025, 3, 1, 21, 30, tzinfo=UTC),
        "duration_seconds": 60,
        "locations": [location],
        "kind": "cramp",
        "severity": 5,
    }


def test_the_given_knowledge_base_decides(kb: KnowledgeBase, tiny_kb: KnowledgeBase) -> None:
    assert Episode.model_validate(data("loc_calf"), context=episode_context(kb)).locations == [
        "loc_calf"
    ]
    with pytest.raises(ValidationError, match="unknown body location 'loc_calf'"):
        Episode.model_validate(data("loc_calf"), context=episode_context(tiny_kb))


def test_any_vocabulary_can_be_given() -> None:
    context = {LOCATIONS_CONTEXT: frozenset({"loc_test_place"})}
    assert Episode.model_validate(data("loc_test_place"), context=context).locations == [
        "loc_test_place"
    ]
