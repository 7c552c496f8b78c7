"""Data access on both backends: round trips, and every query scoped to its owner."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session, sessionmaker

from spasmcheck.diary.model import Episode
from spasmcheck.storage import models, repository


def make_user(session: Session, email: str) -> models.User:
    return repository.create_user(session, email=email, password_hash="argon2-hash")


def episode(day: int = 1, hour: int = 2, **changes: object) -> Episode:
    fields: dict[str, object] = {
        "started_at": datetime(2026, 3, day, hour, 30, tzinfo=UTC),
        "duration_seconds": 120,
        "locations": ["loc_calf", "loc_foot"],
        "kind": "cramp",
        "severity": 7,
        "context": ["new_medicine", "exercise"],
        "medicine_name": "atorvastatin",
        "remedies": [{"name": "stretching", "helped": True}, {"name": "heat", "helped": None}],
        "notes": "left calf, woke me",
    }
    fields.update(changes)
    return Episode.model_validate(fields)


def test_users_have_unique_emails(session: Session) -> None:
    user = make_user(session, "a@example.org")
    assert user.id and user.timezone == "UTC"
    assert user.created_at.tzinfo is not None
    with pytest.raises(repository.DuplicateEmailError):
        make_user(session, "a@example.org")
    assert repository.get_user_by_email(session, email="a@example.org") == user
    assert repository.get_user_by_email(session, email="b@example.org") is None


def test_an_episode_round_trips_unchanged(session: Session) -> None:
    user = make_user(session, "a@example.org")
    original = episode(
        started_at=datetime(2026, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    )
    stored = repository.add_episode(session, user_id=user.id, episode=original)
    assert stored.id is not None
    session.expunge_all()
    loaded = repository.get_episode(session, user_id=user.id, episode_id=stored.id)
    assert loaded == original.model_copy(update={"id": stored.id})
    assert loaded is not None and loaded.started_at == datetime(2026, 3, 2, 4, 30, tzinfo=UTC)
    assert loaded.started_at.tzinfo is not None


def test_episodes_are_scoped_to_their_owner(session: Session) -> None:
    a = make_user(session, "a@example.org")
    b = make_user(session, "b@example.org")
    mine = repository.add_episode(session, user_id=a.id, episode=episode())
    assert mine.id is not None
    assert repository.get_episode(session, user_id=b.id, episode_id=mine.id) is None
    assert repository.list_episodes(session, user_id=b.id) == []
    assert repository.count_episodes(session, user_id=b.id) == 0
    changed = mine.model_copy(update={"severity": 1})
    assert repository.replace_episode(session, user_id=b.id, episode=changed) is None
    assert repository.delete_episode(session, user_id=b.id, episode_id=mine.id) is False
    assert repository.get_episode(session, user_id=a.id, episode_id=mine.id) == mine


def test_list_filters_pages_and_orders(session: Session) -> None:
    user = make_user(session, "a@example.org")
    for day in (5, 1, 3, 4, 2):
        repository.add_episode(session, user_id=user.id, episode=episode(day=day))
    days = [e.started_at.day for e in repository.list_episodes(session, user_id=user.id)]
    assert days == [1, 2, 3, 4, 5]
    start = datetime(2026, 3, 2, tzinfo=UTC)
    end = datetime(2026, 3, 4, 2, 30, tzinfo=UTC)  # the end is exclusive
    window = repository.list_episodes(session, user_id=user.id, start=start, end=end)
    assert [e.started_at.day for e in window] == [2, 3]
    assert repository.count_episodes(session, user_id=user.id, start=start, end=end) == 2
    page = repository.list_episodes(session, user_id=user.id, limit=2, offset=1)
    assert [e.started_at.day for e in page] == [2, 3]


def test_replace_and_delete(session: Session) -> None:
    user = make_user(session, "a@example.org")
    stored = repository.add_episode(session, user_id=user.id, episode=episode())
    assert stored.id is not None
    changed = stored.model_copy(update={"severity": 2, "notes": ""})
    assert repository.replace_episode(session, user_id=user.id, episode=changed) == changed
    assert repository.get_episode(session, user_id=user.id, episode_id=stored.id) == changed
    assert repository.delete_episode(session, user_id=user.id, episode_id=stored.id) is True
    assert repository.delete_episode(session, user_id=user.id, episode_id=stored.id) is False


def test_assessments_are_scoped_and_newest_first(session: Session) -> None:
    a = make_user(session, "a@example.org")
    b = make_user(session, "b@example.org")
    first = repository.add_assessment(session, user_id=a.id, input={"text": "one"}, result={"n": 1})
    second = repository.add_assessment(
        session, user_id=a.id, input={"text": "two"}, result={"n": 2}
    )
    listed = repository.list_assessments(session, user_id=a.id)
    assert [row.id for row in listed] == [second.id, first.id]
    assert repository.count_assessments(session, user_id=a.id) == 2
    assert repository.get_assessment(session, user_id=b.id, assessment_id=first.id) is None
    assert repository.delete_assessment(session, user_id=b.id, assessment_id=first.id) is False
    assert repository.list_assessments(session, user_id=b.id) == []
    assert repository.delete_assessment(session, user_id=a.id, assessment_id=first.id) is True
    assert repository.get_assessment(session, user_id=a.id, assessment_id=second.id) == second


def test_tokens_expire_and_end_by_family(session: Session) -> None:
    user = make_user(session, "a@example.org")
    now = datetime.now(UTC)
    for kind, digest in (("bearer", "b" * 64), ("session", "s" * 64)):
        repository.create_token(
            session,
            user_id=user.id,
            token_hash=digest,
            kind=kind,
            family="f" * 64,
            expires_at=now + timedelta(hours=1),
        )
    assert repository.get_live_token(session, token_hash="b" * 64, kind="bearer", now=now)
    # A session token is not a bearer token.
    assert repository.get_live_token(session, token_hash="s" * 64, kind="bearer", now=now) is None
    later = now + timedelta(hours=2)
    assert repository.get_live_token(session, token_hash="b" * 64, kind="bearer", now=later) is None
    assert repository.delete_token_family(session, user_id=user.id + 1, family="f" * 64) == 0
    assert repository.delete_token_family(session, user_id=user.id, family="f" * 64) == 2
    assert repository.get_live_token(session, token_hash="b" * 64, kind="bearer", now=now) is None


def test_expired_tokens_are_purged(session: Session) -> None:
    user = make_user(session, "a@example.org")
    now = datetime.now(UTC)
    repository.create_token(
        session, user_id=user.id, token_hash="x" * 64, kind="bearer", family="f", expires_at=now
    )
    assert repository.delete_expired_tokens(session, now=now) == 1


def test_counters_count_per_key_and_period_and_are_pruned(session: Session) -> None:
    later = datetime.now(UTC) + timedelta(minutes=1)
    counts = [
        repository.count_hit(session, key_hash=key, period=period, expires_at=later)
        for key, period in (("k", 1), ("k", 1), ("other", 1), ("k", 2), ("k", 1))
    ]
    assert counts == [1, 2, 1, 1, 3]
    repository.prune_counters(session, now=later)
    assert repository.count_hit(session, key_hash="k", period=1, expires_at=later) == 1


def test_concurrent_hits_each_see_their_own_count(
    session_factory: sessionmaker[Session],
) -> None:
    """Twenty threads bump one counter at once: the counts are 1..20, each exactly once, so
    a limit of n lets exactly n through (the old count-then-insert let 5-11 of 5 through)."""
    later = datetime.now(UTC) + timedelta(minutes=1)
    start = threading.Barrier(20)

    def hit(_: int) -> int:
        with session_factory() as own:
            start.wait()
            return repository.count_hit(own, key_hash="race", period=7, expires_at=later)

    with ThreadPoolExecutor(20) as pool:
        counts = sorted(pool.map(hit, range(20)))
    assert counts == list(range(1, 21))


def test_erasing_a_user_erases_everything_of_theirs_only(session: Session) -> None:
    a = make_user(session, "a@example.org")
    b = make_user(session, "b@example.org")
    for user in (a, b):
        repository.add_episode(session, user_id=user.id, episode=episode())
        repository.add_assessment(session, user_id=user.id, input={}, result={})
        repository.create_token(
            session,
            user_id=user.id,
            token_hash=f"{user.id:064d}",
            kind="bearer",
            family="f",
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        )
    assert repository.delete_user(session, user_id=a.id) is True
    session.expunge_all()
    assert repository.get_user(session, user_id=a.id) is None
    assert repository.list_episodes(session, user_id=a.id) == []
    assert repository.list_assessments(session, user_id=a.id) == []
    now = datetime.now(UTC)
    assert (
        repository.get_live_token(session, token_hash=f"{a.id:064d}", kind="bearer", now=now)
        is None
    )
    assert len(repository.list_episodes(session, user_id=b.id)) == 1
    assert len(repository.list_assessments(session, user_id=b.id)) == 1
    assert repository.get_live_token(session, token_hash=f"{b.id:064d}", kind="bearer", now=now)


def test_naive_datetimes_are_refused(session: Session) -> None:
    user = make_user(session, "a@example.org")
    session.add(
        models.RateCounter(key_hash="k", period=1, count=1, expires_at=datetime(2026, 1, 1))
    )
    with pytest.raises(Exception, match="naive"):
        session.flush()
    session.rollback()
    assert repository.get_user(session, user_id=user.id) is not None
