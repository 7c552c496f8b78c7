"""Data access: keyword-only functions over a session, every query scoped to its owner.

A function that reads or changes a person's data takes ``user_id`` and filters by it, so an
id belonging to someone else behaves exactly like an id that does not exist. Functions that
write commit before they return: a write the API acknowledges is durable.

Episodes cross this boundary as the diary's domain object
(:class:`spasmcheck.diary.model.Episode`); :func:`episode_from_row` and :func:`row_values`
convert between it and the table.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import (
    CursorResult,
    Delete,
    Engine,
    String,
    Text,
    delete,
    func,
    select,
    type_coerce,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spasmcheck.diary.model import ContextFactor, Episode, EpisodeKind, Remedy, known_places
from spasmcheck.diary.summary import EpisodeFacts
from spasmcheck.storage import models


def _delete(session: Session, statement: Delete) -> int:
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount)


class DuplicateEmailError(ValueError):
    """An account with this email address already exists."""


# -- accounts --------------------------------------------------------------------------------
def create_user(
    session: Session,
    *,
    email: str,
    password_hash: str,
    timezone: str = "UTC",
    confirmed: bool = True,
) -> models.User:
    """A new account; ``confirmed=False`` when its address is still to be confirmed."""
    if get_user_by_email(session, email=email) is not None:
        raise DuplicateEmailError("an account with this email address already exists")
    user = models.User(
        email=email,
        password_hash=password_hash,
        timezone=timezone,
        email_verified_at=models.utcnow() if confirmed else None,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError as error:  # a concurrent registration won the race
        session.rollback()
        raise DuplicateEmailError("an account with this email address already exists") from error
    return user


def get_user(session: Session, *, user_id: int) -> models.User | None:
    return session.get(models.User, user_id)


def get_user_by_email(session: Session, *, email: str) -> models.User | None:
    return session.scalars(select(models.User).where(models.User.email == email)).first()


def update_user(
    session: Session,
    *,
    user: models.User,
    password_hash: str | None = None,
    email: str | None = None,
    timezone: str | None = None,
    confirmed: bool = False,
) -> models.User:
    """Change what is given (``confirmed``: the address is confirmed now); a taken ``email``
    is :class:`DuplicateEmailError` and changes nothing."""
    if password_hash is not None:
        user.password_hash = password_hash
    if email is not None:
        user.email = email
    if timezone is not None:
        user.timezone = timezone
    if confirmed and user.email_verified_at is None:
        user.email_verified_at = models.utcnow()
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise DuplicateEmailError("an account with this email address already exists") from error
    return user


def delete_user(session: Session, *, user_id: int) -> bool:
    """Erase the account and everything it owns. Explicit deletes, not only the cascade,
    so erasure never depends on a backend enforcing foreign keys."""
    for table in (models.Assessment, models.Episode, models.AuthToken):
        _delete(session, delete(table).where(table.user_id == user_id))
    deleted = _delete(session, delete(models.User).where(models.User.id == user_id))
    session.commit()
    purge_deleted(session)
    return bool(deleted)


CHECKPOINT_TRIES = 20
ERASED_TABLES = ("users", "auth_tokens", "episodes", "assessments", "rate_counters")


def purge_deleted(session: Session) -> None:
    """Leave as little as the backend allows of deleted rows in the database's files.

    SQLite runs with ``secure_delete`` (:mod:`.db`), which zeroes deleted content in the main
    file, but a committed delete lives first in the ``-wal`` file, next to the older pages
    that still hold the rows: a checkpoint copies the pages home and TRUNCATE empties the
    ``-wal`` file. A reader in the middle of a transaction can hold the checkpoint back, so it
    is retried briefly.

    PostgreSQL keeps deleted rows as dead tuples until VACUUM marks their space free; their
    bytes stay in the table and WAL files until overwritten or recycled (docs/security.md
    says how long), so VACUUM is what can be done from here.
    """
    bind = session.get_bind()
    if not isinstance(bind, Engine):  # a session bound to one connection: nothing to tidy
        return
    if bind.dialect.name == "sqlite":
        with bind.connect() as connection:
            for _ in range(CHECKPOINT_TRIES):
                busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
                if not busy:
                    return
                time.sleep(0.05)
    elif bind.dialect.name == "postgresql":
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"VACUUM {', '.join(ERASED_TABLES)}")


# -- sign-in tokens ----------------------------------------------------------------------------
def create_token(
    session: Session,
    *,
    user_id: int,
    token_hash: str,
    kind: str,
    family: str,
    expires_at: datetime,
    csrf_hash: str | None = None,
) -> models.AuthToken:
    token = models.AuthToken(
        user_id=user_id,
        token_hash=token_hash,
        kind=kind,
        family=family,
        expires_at=expires_at,
        csrf_hash=csrf_hash,
    )
    session.add(token)
    session.commit()
    return token


def get_live_token(
    session: Session, *, token_hash: str, kind: str, now: datetime
) -> models.AuthToken | None:
    """The unexpired token with this digest and kind, if any."""
    return session.scalars(
        select(models.AuthToken).where(
            models.AuthToken.token_hash == token_hash,
            models.AuthToken.kind == kind,
            models.AuthToken.expires_at > now,
        )
    ).first()


def delete_token_family(session: Session, *, user_id: int, family: str) -> int:
    deleted = _delete(
        session,
        delete(models.AuthToken).where(
            models.AuthToken.user_id == user_id, models.AuthToken.family == family
        ),
    )
    session.commit()
    return int(deleted)


def delete_user_tokens(
    session: Session, *, user_id: int, keep_family: str | None = None, kind: str | None = None
) -> int:
    """End every token of the user (of one ``kind`` if given), except one sign-in's family."""
    where: list[Any] = [models.AuthToken.user_id == user_id]
    if keep_family is not None:
        where.append(models.AuthToken.family != keep_family)
    if kind is not None:
        where.append(models.AuthToken.kind == kind)
    deleted = _delete(session, delete(models.AuthToken).where(*where))
    session.commit()
    return int(deleted)


def delete_expired_tokens(session: Session, *, now: datetime) -> int:
    deleted = _delete(session, delete(models.AuthToken).where(models.AuthToken.expires_at <= now))
    session.commit()
    return int(deleted)


# -- rate limits -------------------------------------------------------------------------------
def count_hit(session: Session, *, key_hash: str, period: int, expires_at: datetime) -> int:
    """Add one to the counter of ``key_hash`` in ``period`` and return the new count.

    One statement (an upsert with RETURNING, on SQLite and PostgreSQL alike), so concurrent
    requests each see a different count: no two of them can both be the limit's last one."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = models.RateCounter
    statement = (
        insert(table)
        .values(key_hash=key_hash, period=period, count=1, expires_at=expires_at)
        .on_conflict_do_update(
            index_elements=[table.key_hash, table.period], set_={"count": table.count + 1}
        )
        .returning(table.count)
    )
    count = int(session.execute(statement).scalar_one())
    session.commit()
    return count


def uncount_hit(session: Session, *, key_hash: str, period: int) -> None:
    """Take back one use of ``key_hash`` in ``period`` (never below zero), in one statement."""
    table = models.RateCounter
    session.execute(
        update(table)
        .where(table.key_hash == key_hash, table.period == period, table.count > 0)
        .values(count=table.count - 1)
    )
    session.commit()


def read_count(session: Session, *, key_hash: str, period: int) -> int:
    table = models.RateCounter
    query = select(table.count).where(table.key_hash == key_hash, table.period == period)
    return int(session.scalar(query) or 0)


def prune_counters(session: Session, *, now: datetime) -> None:
    _delete(session, delete(models.RateCounter).where(models.RateCounter.expires_at <= now))
    session.commit()


# -- episodes ----------------------------------------------------------------------------------
def episode_from_row(row: models.Episode) -> Episode:
    """The stored episode. Its places are trusted, as :func:`episode_facts` trusts them: they
    were checked against the app's knowledge base when the row was written (and a place a newer
    knowledge base dropped must not make the person's diary unreadable); the rest is checked."""
    locations = list(row.locations)
    return Episode.model_validate(
        {
            "id": row.id,
            "started_at": row.started_at,
            "duration_seconds": row.duration_seconds,
            "locations": locations,
            "kind": row.kind,
            "severity": row.severity,
            "context": list(row.context),
            "medicine_name": row.medicine_name,
            "remedies": list(row.remedies),
            "notes": row.notes,
        },
        context=known_places(locations),
    )


def row_values(episode: Episode) -> dict[str, Any]:
    """The column values of ``episode`` (everything but its id and owner)."""
    data = episode.model_dump(mode="json", exclude={"id", "started_at"})
    data["started_at"] = episode.started_at
    return data


def add_episode(session: Session, *, user_id: int, episode: Episode) -> Episode:
    row = models.Episode(user_id=user_id, **row_values(episode))
    session.add(row)
    session.commit()
    return episode_from_row(row)


def add_episode_once(
    session: Session, *, user_id: int, episode: Episode, key: str
) -> tuple[Episode, bool]:
    """Log ``episode`` under the client's idempotency ``key`` (already at most
    :data:`models.IDEMPOTENCY_KEY_MAX` characters): ``(episode, True)`` the first time,
    ``(the episode stored then, False)`` for every retry, also when two arrive at once (the
    unique constraint decides, and the loser reads the winner's row)."""

    def stored() -> models.Episode | None:
        return session.scalars(
            select(models.Episode).where(
                models.Episode.user_id == user_id, models.Episode.idempotency_key == key
            )
        ).first()

    row = stored()
    if row is not None:
        return episode_from_row(row), False
    row = models.Episode(user_id=user_id, idempotency_key=key, **row_values(episode))
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        row = stored()
        if row is None:  # not the key's constraint that failed
            raise
        return episode_from_row(row), False
    return episode_from_row(row), True


def _episode_row(session: Session, *, user_id: int, episode_id: int) -> models.Episode | None:
    return session.scalars(
        select(models.Episode).where(
            models.Episode.id == episode_id, models.Episode.user_id == user_id
        )
    ).first()


def get_episode(session: Session, *, user_id: int, episode_id: int) -> Episode | None:
    row = _episode_row(session, user_id=user_id, episode_id=episode_id)
    return None if row is None else episode_from_row(row)


def _episode_filter(user_id: int, start: datetime | None, end: datetime | None) -> list[Any]:
    where: list[Any] = [models.Episode.user_id == user_id]
    if start is not None:
        where.append(models.Episode.started_at >= start)
    if end is not None:
        where.append(models.Episode.started_at < end)
    return where


def list_episodes(
    session: Session,
    *,
    user_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Episode]:
    """The owner's episodes with ``start <= started_at < end``, oldest first."""
    query = (
        select(models.Episode)
        .where(*_episode_filter(user_id, start, end))
        .order_by(models.Episode.started_at, models.Episode.id)
        .offset(offset)
        .limit(limit)
    )
    return [episode_from_row(row) for row in session.scalars(query)]


T = TypeVar("T")


def _decoded(decode: Callable[[Any], T]) -> Callable[[str], T]:
    """``decode(json.loads(text))``, worked out once per distinct text: a diary repeats the
    same few lists of places, factors and remedies on thousands of rows."""
    seen: dict[str, T] = {}

    def get(text: str) -> T:
        value = seen.get(text)
        if value is None:
            value = seen[text] = decode(json.loads(text))
        return value

    return get


def _utc(value: datetime | str) -> datetime:
    """A stored time as an aware UTC datetime: PostgreSQL's driver gives one already, SQLite
    gives the naive UTC text :class:`models.UTCDateTime` stored."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromisoformat(value + "+00:00")


def episode_facts(
    session: Session, *, user_id: int, start: datetime | None = None, end: datetime | None = None
) -> list[EpisodeFacts]:
    """What the diary summary reads of the owner's episodes with ``start <= started_at < end``,
    oldest first.

    Only the columns the summary uses, through the session's connection (no ORM rows), and
    no validation: every row was validated as an :class:`Episode` when it was written. The
    JSON columns come back as text (``CAST``, on SQLite and PostgreSQL alike) and each
    distinct text is decoded once; SQLite's times come back as their stored text, naive UTC,
    which :func:`_utc` reads (issue 16 item 7).
    """
    table = models.Episode
    query = (
        select(
            type_coerce(table.started_at, String),
            table.kind,
            table.severity,
            sql_cast(table.locations, Text),
            sql_cast(table.context, Text),
            table.medicine_name,
            sql_cast(table.remedies, Text),
        )
        .where(*_episode_filter(user_id, start, end))
        .order_by(table.started_at, table.id)
    )
    locations = _decoded(lambda values: tuple[str, ...](values))
    context = _decoded(lambda values: frozenset(ContextFactor(v) for v in values))
    remedies = _decoded(lambda values: tuple(Remedy.model_validate(v) for v in values))
    kinds = {kind.value: kind for kind in EpisodeKind}
    return [
        EpisodeFacts(
            started_at=_utc(started_at),
            kind=kinds[kind],
            severity=severity,
            locations=locations(location_text),
            context=context(context_text),
            medicine_name=medicine_name,
            remedies=remedies(remedy_text),
        )
        for (
            started_at,
            kind,
            severity,
            location_text,
            context_text,
            medicine_name,
            remedy_text,
        ) in session.connection().execute(query).all()
    ]


def count_episodes(
    session: Session, *, user_id: int, start: datetime | None = None, end: datetime | None = None
) -> int:
    query = select(func.count()).select_from(models.Episode)
    return int(session.scalar(query.where(*_episode_filter(user_id, start, end))) or 0)


def replace_episode(session: Session, *, user_id: int, episode: Episode) -> Episode | None:
    """Store ``episode`` over the owner's episode with the same id; None when there is none."""
    if episode.id is None:
        return None
    row = _episode_row(session, user_id=user_id, episode_id=episode.id)
    if row is None:
        return None
    for name, value in row_values(episode).items():
        setattr(row, name, value)
    session.commit()
    return episode_from_row(row)


def delete_episode(session: Session, *, user_id: int, episode_id: int) -> bool:
    deleted = _delete(
        session,
        delete(models.Episode).where(
            models.Episode.id == episode_id, models.Episode.user_id == user_id
        ),
    )
    session.commit()
    return bool(deleted)


# -- saved assessments -----------------------------------------------------------------------
def add_assessment(
    session: Session, *, user_id: int, input: dict[str, Any], result: dict[str, Any]
) -> models.Assessment:
    row = models.Assessment(user_id=user_id, input=input, result=result)
    session.add(row)
    session.commit()
    return row


def get_assessment(
    session: Session, *, user_id: int, assessment_id: int
) -> models.Assessment | None:
    return session.scalars(
        select(models.Assessment).where(
            models.Assessment.id == assessment_id, models.Assessment.user_id == user_id
        )
    ).first()


def list_assessments(
    session: Session, *, user_id: int, limit: int | None = None, offset: int = 0
) -> Sequence[models.Assessment]:
    """The owner's saved assessments, newest first."""
    return session.scalars(
        select(models.Assessment)
        .where(models.Assessment.user_id == user_id)
        .order_by(models.Assessment.created_at.desc(), models.Assessment.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()


def count_assessments(session: Session, *, user_id: int) -> int:
    query = select(func.count()).select_from(models.Assessment)
    return int(session.scalar(query.where(models.Assessment.user_id == user_id)) or 0)


def delete_assessment(session: Session, *, user_id: int, assessment_id: int) -> bool:
    deleted = _delete(
        session,
        delete(models.Assessment).where(
            models.Assessment.id == assessment_id, models.Assessment.user_id == user_id
        ),
    )
    session.commit()
    return bool(deleted)
