"""The spasm diary: episodes of one account, and the summary of a range of its days.

Days are the person's own: a range of dates runs from local midnight of the first to local
midnight after the last, in the account's timezone.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from spasmcheck.diary.model import Episode
from spasmcheck.diary.summary import MAX_RANGE_DAYS, DiaryError, DiarySummary, summarise
from spasmcheck.reasoning.engine import Engine, InputError
from spasmcheck.services.errors import Conflict, Invalid, NotFound
from spasmcheck.storage import repository
from spasmcheck.storage.models import IDEMPOTENCY_KEY_MAX, User

NOT_FOUND = "no such episode"


def day_bounds(start: date, end: date, timezone: str) -> tuple[datetime, datetime]:
    """Local midnight of ``start`` and local midnight after ``end``, in ``timezone``."""
    zone = ZoneInfo(timezone)
    return (
        datetime.combine(start, time.min, zone),
        datetime.combine(end + timedelta(days=1), time.min, zone),
    )


def add_episode(session: Session, *, user: User, episode: Episode) -> Episode:
    return repository.add_episode(session, user_id=user.id, episode=episode)


KEY_REUSED = (
    "this Idempotency-Key was already used for a different episode; use a new key for a new episode"
)


def idempotency_key(raw: str) -> str:
    """The key as stored: as sent when it fits the column, else its SHA-256 (so any length a
    client chooses works, and two different long keys stay different)."""
    if len(raw) <= IDEMPOTENCY_KEY_MAX:
        return raw
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def add_episode_once(
    session: Session, *, user: User, episode: Episode, key: str
) -> tuple[Episode, bool]:
    """Log ``episode`` unless this ``key`` already logged one: ``(episode, created)``.

    A retry after a lost response (same key, same episode) gets the first episode back and
    logs nothing; the same key with a different episode is a :class:`Conflict`, since
    answering with the old episode would hide that the new one was never saved."""
    stored, created = repository.add_episode_once(
        session, user_id=user.id, episode=episode, key=idempotency_key(key)
    )
    if not created and repository.row_values(stored) != repository.row_values(episode):
        raise Conflict(KEY_REUSED)
    return stored, created


def get_episode(session: Session, *, user: User, episode_id: int) -> Episode:
    """One of ``user``'s episodes; :class:`NotFound` for any other id."""
    episode = repository.get_episode(session, user_id=user.id, episode_id=episode_id)
    if episode is None:
        raise NotFound(NOT_FOUND)
    return episode


def replace_episode(session: Session, *, user: User, episode: Episode) -> Episode:
    """Store the changed ``episode``; :class:`NotFound` when it was deleted meanwhile."""
    stored = repository.replace_episode(session, user_id=user.id, episode=episode)
    if stored is None:
        raise NotFound(NOT_FOUND)
    return stored


def delete_episode(session: Session, *, user: User, episode_id: int) -> None:
    if not repository.delete_episode(session, user_id=user.id, episode_id=episode_id):
        raise NotFound(NOT_FOUND)


def episodes_between(session: Session, *, user: User, start: date, end: date) -> list[Episode]:
    """``user``'s episodes on the local days from ``start`` to ``end``, oldest first."""
    first, after = day_bounds(start, end, user.timezone)
    return list(repository.list_episodes(session, user_id=user.id, start=first, end=after))


def check_days(start: date, end: date) -> None:
    if end < start:
        raise Invalid("to: must not be before from")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise Invalid(f"the range is limited to {MAX_RANGE_DAYS} days")


def began_on(user: User, oldest: date | None = None) -> date:
    """The local day ``user`` started the diary: the account's creation, or the ``oldest``
    episode's day when one was logged after the fact from before it."""
    created = user.created_at.astimezone(ZoneInfo(user.timezone)).date()
    return created if oldest is None else min(created, oldest)


def oldest_day(session: Session, *, user: User) -> date | None:
    """The local day of ``user``'s oldest episode, if any."""
    first = repository.list_episodes(session, user_id=user.id, limit=1)
    return first[0].started_at.astimezone(ZoneInfo(user.timezone)).date() if first else None


def summary(
    session: Session,
    *,
    user: User,
    engine: Engine,
    start: date,
    end: date,
    age: int | None = None,
    sex: str | None = None,
) -> DiarySummary:
    """The summary of the days from ``start`` to ``end``, re-triaged by ``engine`` for a
    person of ``age`` and ``sex``; :class:`Invalid` for a range the diary does not summarise
    or an age or sex the engine does not accept. It reads the episodes' stored facts without
    validating them again (:func:`repository.episode_facts`)."""
    check_days(start, end)
    first, after = day_bounds(start, end, user.timezone)
    episodes = repository.episode_facts(session, user_id=user.id, start=first, end=after)
    try:
        return summarise(
            episodes,
            start=start,
            end=end,
            timezone=user.timezone,
            engine=engine,
            age=age,
            sex=sex,
            began=began_on(user, oldest_day(session, user=user)),
        )
    except (DiaryError, InputError) as error:
        raise Invalid(str(error)) from error
