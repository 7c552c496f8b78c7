"""The summary's fast read (:func:`repository.episode_facts`) says what the full episodes say,
on both backends (issue 16 item 7)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy.orm import Session

from spasmcheck.diary.model import ContextFactor, EpisodeKind, Remedy, RemedyName
from spasmcheck.diary.summary import EpisodeFacts, Logged, summarise
from spasmcheck.storage import repository
from tests.storage.test_repository import episode, make_user


def test_facts_are_the_stored_fields_the_summary_reads(session: Session) -> None:
    user = make_user(session, "a@example.org")
    other = make_user(session, "b@example.org")
    east = timezone(timedelta(hours=5, minutes=30))
    repository.add_episode(
        session,
        user_id=user.id,
        episode=episode(started_at=datetime(2026, 3, 1, 23, 30, 15, 250_000, tzinfo=east)),
    )
    repository.add_episode(
        session,
        user_id=user.id,
        episode=episode(
            day=4,
            kind="twitch",
            context=[],
            medicine_name=None,
            remedies=[],
            locations=["loc_foot"],
        ),
    )
    repository.add_episode(session, user_id=other.id, episode=episode(day=2))
    session.expunge_all()

    facts = repository.episode_facts(session, user_id=user.id)

    assert facts == [
        EpisodeFacts(
            started_at=datetime(2026, 3, 1, 18, 0, 15, 250_000, tzinfo=UTC),
            kind=EpisodeKind.CRAMP,
            severity=7,
            locations=("loc_calf", "loc_foot"),
            context=frozenset({ContextFactor.NEW_MEDICINE, ContextFactor.EXERCISE}),
            medicine_name="atorvastatin",
            remedies=(
                Remedy(name=RemedyName.STRETCHING, helped=True),
                Remedy(name=RemedyName.HEAT, helped=None),
            ),
        ),
        EpisodeFacts(
            started_at=datetime(2026, 3, 4, 2, 30, tzinfo=UTC),
            kind=EpisodeKind.TWITCH,
            severity=7,
            locations=("loc_foot",),
            context=frozenset(),
            medicine_name=None,
            remedies=(),
        ),
    ]
    assert all(f.started_at.tzinfo is UTC for f in facts)
    later = datetime(2026, 3, 2, tzinfo=UTC)
    assert [f.kind for f in repository.episode_facts(session, user_id=user.id, start=later)] == [
        EpisodeKind.TWITCH
    ]
    assert repository.episode_facts(session, user_id=user.id, end=later)[0].kind is (
        EpisodeKind.CRAMP
    )


def test_a_summary_of_facts_equals_the_summary_of_episodes(session: Session) -> None:
    user = make_user(session, "a@example.org")
    plan: list[tuple[int, int, dict[str, object]]] = [
        (1, 2, {"context": ["caffeine"], "medicine_name": None}),
        (2, 23, {"remedies": [{"name": "heat", "helped": False}]}),
        (5, 12, {"locations": ["loc_thigh"], "severity": 3}),
        (9, 3, {"context": [], "medicine_name": None, "kind": "jerk"}),
        (20, 22, {"context": ["caffeine", "stress"], "medicine_name": None, "severity": 9}),
    ]
    for day, hour, changes in plan:
        repository.add_episode(
            session, user_id=user.id, episode=episode(day=day, hour=hour, **changes)
        )
    session.expunge_all()

    def summary_of(episodes: Sequence[Logged]) -> dict[str, object]:
        return summarise(
            episodes,
            start=date(2026, 3, 1),
            end=date(2026, 3, 31),
            timezone="America/New_York",
        ).as_dict()

    full = repository.list_episodes(session, user_id=user.id)
    facts = repository.episode_facts(session, user_id=user.id)
    assert len(facts) == len(full) == len(plan)
    assert summary_of(facts) == summary_of(full)
