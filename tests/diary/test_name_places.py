"""One rule for wording a diary pattern's places, shared by the diary page and the report."""

from __future__ import annotations

import pytest

from spasmcheck.diary.model import name_places
from spasmcheck.export import report
from spasmcheck.web import diary as web_diary

NAMES = {"loc_calf": "Calf", "loc_lower_abdomen": "Lower belly", "loc_abdomen": "Belly"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("New body areas: loc_calf.", "New body areas: calf."),
        ("New body areas: loc_lower_abdomen, loc_abdomen.", "New body areas: lower belly, belly."),
        ("loc_calf_left is not loc_calf", "loc_calf_left is not calf"),  # whole ids only
        ("a cramp in the calf", "a cramp in the calf"),  # words are never ids
    ],
)
def test_name_places(text: str, expected: str) -> None:
    assert name_places(text, NAMES) == expected


def test_no_names_leaves_the_text() -> None:
    assert name_places("New body areas: loc_calf.", {}) == "New body areas: loc_calf."


def test_one_copy_of_the_rule() -> None:
    assert not hasattr(report, "_named")
    assert not hasattr(web_diary, "_named")
