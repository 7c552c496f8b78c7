"""The diary summary's public model gives back exactly the summary's JSON.

Diaries chosen to reach every branch of ``as_dict()``: empty, too few days or tries for a
comparison, enough of both (a context factor and remedies), a new body area, a rising trend
and a re-triage by the real engine.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from spasmcheck.diary import Episode, summarise
from spasmcheck.diary.public import DiarySummaryPublic
from spasmcheck.reasoning.engine import Engine
from tests.diary.builders import at, ep


def empty() -> list[Episode]:
    return []


def few() -> list[Episode]:
    return [ep(at(2024, 1, d, 15), context=["caffeine"]) for d in (1, 3, 5)]


def rich() -> list[Episode]:
    episodes = []
    for day in range(56):
        when = at(2024, 1, 1, 2) + timedelta(days=day)
        for _ in range(1 + day // 14):  # more each fortnight: a rising trend
            episodes.append(
                ep(
                    when,
                    severity=3 + day // 14,
                    context=["exercise"] if day % 2 else [],
                    remedies=[("stretching", day % 3 == 0), ("massage", day % 4 == 0)],
                    locations=["loc_calf"] if day < 40 else ["loc_calf", "loc_thigh"],
                )
            )
    return episodes


@pytest.mark.parametrize("diary", [empty, few, rich], ids=lambda f: f.__name__)
@pytest.mark.parametrize("with_engine", [False, True], ids=["patterns only", "re-triaged"])
def test_the_model_dumps_the_summarys_json(
    engine: Engine, diary: object, with_engine: bool
) -> None:
    assert callable(diary)
    summary = summarise(
        diary(),
        start=date(2024, 1, 1),
        end=date(2024, 2, 25),
        engine=engine if with_engine else None,
        age=50,
    )
    dumped = DiarySummaryPublic.of(summary).model_dump(mode="json")
    assert json.dumps(dumped, sort_keys=True) == json.dumps(summary.as_dict(), sort_keys=True)
