"""Durations → course findings, read against the bands of policy/durations.yaml."""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.policy import duration_policy
from spasmcheck.language.durations import find_durations


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("lasts a few seconds", "episode_seconds"),
        ("lasts ten minutes", "episode_minutes"),
        ("for two hours", "episode_hours"),
        ("started two hours ago", "history_days"),
        ("for 13 days", "history_days"),  # under 14 days
        ("for 14 days", "history_weeks"),  # 14 days: two weeks
        ("for a week", "history_days"),  # 7 days
        ("for two weeks", "history_weeks"),  # 14 days
        ("for 8 weeks", "history_weeks"),  # 56 days
        ("for 9 weeks", "history_months"),  # 63 days, at least 60
        ("for 59 days", "history_weeks"),
        ("for 60 days", "history_months"),  # the finding says months: the same band as weeks
        ("for a month", "history_weeks"),  # 30 days
        ("for a couple of months", "history_months"),  # 60 days
        ("for three years", "history_months"),
        ("for weeks", "history_weeks"),  # no number: about three
        ("for ages", "history_weeks"),
        ("the past week", "history_days"),
        ("since i was a kid", "history_months"),
        ("since yesterday", "history_days"),
    ],
)
def test_duration_reads_as(text: str, finding: str) -> None:
    assert [m.finding_id for m in find_durations(text)] == [finding]


def test_an_age_is_not_a_duration() -> None:
    assert find_durations("my brother is 19 years old") == []
    assert find_durations("my sister 25 years, she has cramps") == []


@pytest.mark.parametrize(
    ("days", "finding"),
    [(0, "history_days"), (13.9, "history_days"), (14, "history_weeks"), (60, "history_months")],
)
def test_history_bands(days: float, finding: str) -> None:
    assert duration_policy().history_finding(days) == finding
