"""Weeks before a diary was started are not weeks without spasms (usability walkthrough
2026-12-05, B1): a one-day-old diary with three episodes this week read "becoming more
frequent — likely a real change" against seven empty weeks before the account existed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from spasmcheck.diary.model import Episode, episode_context
from spasmcheck.diary.summary import summarise
from spasmcheck.export.report import what_changed
from spasmcheck.knowledge.loader import KnowledgeBase

END = date(2026, 12, 4)  # a Friday
START = END - timedelta(weeks=8) + timedelta(days=1)


def cramps(kb: KnowledgeBase, days: list[date]) -> list[Episode]:
    return [
        Episode.model_validate(
            {
                "id": n + 1,
                "started_at": datetime(d.year, d.month, d.day, 2, 30, tzinfo=UTC),
                "duration_seconds": 60,
                "locations": ["loc_calf"],
                "kind": "cramp",
                "severity": 3,
            },
            context=episode_context(kb),
        )
        for n, d in enumerate(days)
    ]


def test_a_new_diary_is_not_a_rising_trend(kb: KnowledgeBase) -> None:
    episodes = cramps(kb, [END - timedelta(days=2), END - timedelta(days=1), END])
    before = summarise(episodes, start=START, end=END)
    assert before.trend.rising  # what the page said: seven zero weeks, then three episodes
    began = END - timedelta(days=1)
    after = summarise(episodes, start=START, end=END, began=began)
    assert not after.trend.rising
    assert after.weeks[0].monday <= END - timedelta(days=2) < after.weeks[0].monday + timedelta(7)
    assert sum(w.episodes for w in after.weeks) == 3
    changed = what_changed(episodes, START, END, "UTC", summary=after)
    assert not any("more frequent" in sentence for sentence in changed.sentences)


def test_an_older_diary_keeps_its_quiet_weeks(kb: KnowledgeBase) -> None:
    """Episodes logged after the fact, before the account existed, start the diary there,
    and real empty weeks after that still count."""
    days = [START + timedelta(days=1), START + timedelta(days=40), END]
    episodes = cramps(kb, days)
    summary = summarise(episodes, start=START, end=END, began=END - timedelta(days=3))
    assert summary.weeks[0].monday <= START + timedelta(days=1)
    assert len(summary.weeks) >= 8
