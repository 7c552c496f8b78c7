"""The Episode domain object: valid input is normalised, anything else is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from spasmcheck.diary import ContextFactor, Episode, EpisodeKind, Remedy, RemedyName
from spasmcheck.diary.model import location_ids

VALID: dict[str, Any] = {
    "started_at": datetime(2024, 5, 1, 23, 30, tzinfo=timezone(timedelta(hours=2))),
    "duration_seconds": 90,
    "locations": ["loc_calf", "loc_foot"],
    "kind": "cramp",
    "severity": 7,
    "context": ["exercise", "new_medicine"],
    "medicine_name": "atorvastatin",
    "remedies": [{"name": "stretching", "helped": True}, {"name": "heat"}],
    "notes": "woke me up",
}


def test_a_valid_episode_is_normalised_to_utc() -> None:
    episode = Episode(**VALID)
    assert episode.started_at == datetime(2024, 5, 1, 21, 30, tzinfo=UTC)
    assert episode.started_at.utcoffset() == timedelta(0)
    assert episode.kind is EpisodeKind.CRAMP
    assert episode.context == [ContextFactor.EXERCISE, ContextFactor.NEW_MEDICINE]
    assert episode.remedies == [
        Remedy(name=RemedyName.STRETCHING, helped=True),
        Remedy(name=RemedyName.HEAT),
    ]
    assert episode.remedies[1].helped is None
    assert episode.id is None


def test_minimal_episode_has_empty_defaults() -> None:
    episode = Episode(
        started_at=VALID["started_at"],
        duration_seconds=0,
        locations=["loc_eyelid"],
        kind="twitch",
        severity=0,
    )
    assert (episode.context, episode.remedies, episode.notes, episode.medicine_name) == (
        [],
        [],
        "",
        None,
    )


def test_episode_is_frozen() -> None:
    episode = Episode(**VALID)
    with pytest.raises(ValidationError):
        episode.severity = 3  # type: ignore[misc]


def test_locations_are_the_knowledge_base_location_findings() -> None:
    assert {"loc_calf", "loc_eyelid", "loc_widespread"} <= location_ids()
    assert "cramp" not in location_ids()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"started_at": datetime(2024, 5, 1, 23, 30)}, "timezone"),
        ({"duration_seconds": -1}, "greater than or equal to 0"),
        ({"duration_seconds": 86_401}, "less than or equal to 86400"),
        ({"severity": 11}, "less than or equal to 10"),
        ({"severity": -1}, "greater than or equal to 0"),
        ({"severity": True}, "valid integer"),
        ({"severity": "5"}, "valid integer"),
        ({"locations": []}, "at least 1"),
        ({"locations": ["loc_calf"] * 11}, "at most 10"),
        ({"locations": ["loc_elbow"]}, "unknown body location 'loc_elbow'"),
        ({"locations": ["cramp"]}, "unknown body location"),
        ({"locations": ["loc_calf", "loc_calf"]}, "listed twice"),
        ({"kind": "spasm"}, "Input should be"),
        ({"context": ["coffee"]}, "Input should be"),
        ({"context": ["heat", "heat"]}, "listed twice"),
        ({"remedies": [{"name": "yoga"}]}, "Input should be"),
        ({"remedies": [{"name": "heat"}, {"name": "heat", "helped": True}]}, "listed twice"),
        ({"remedies": [{"name": "heat", "worked": True}]}, "Extra inputs"),
        ({"notes": "x" * 2001}, "at most 2000"),
        ({"medicine_name": ""}, "at least 1"),
        ({"medicine_name": "m" * 201}, "at most 200"),
        ({"context": ["exercise"]}, "medicine_name is only for"),
        ({"colour": "red"}, "Extra inputs"),
    ],
)
def test_invalid_episodes_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Episode(**{**VALID, **change})


def test_json_round_trip() -> None:
    episode = Episode(**VALID)
    assert Episode.model_validate_json(episode.model_dump_json()) == episode
