"""The tables, as SQLAlchemy 2 typed ORM models.

Times are stored in UTC and always come back timezone-aware (SQLite keeps no offset, so
:class:`UTCDateTime` adds it back). Secrets are never stored: sign-in tokens and CSRF tokens
are kept as SHA-256 digests, passwords as argon2id hashes, and rate-limit counters under a
digest of the email and client address.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

EMAIL_MAX = 254
TIMEZONE_MAX = 64
DIGEST_LENGTH = 64  # hex SHA-256
IDEMPOTENCY_KEY_MAX = 64


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a timezone")
        value = value.astimezone(UTC)
        # SQLite has no offsets: store the naive UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012 (SQLAlchemy's own ClassVar)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(TIMEZONE_MAX), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the owner opened the confirmation link; None: not confirmed yet (only possible
    # when e-mail confirmation is on, see Settings.verify_email).
    email_verified_at: Mapped[datetime | None] = mapped_column(default=None)


class AuthToken(Base):
    """A sign-in: a cookie session (``kind="session"``) or a bearer token for API clients.

    One sign-in issues both, sharing a ``family`` so that signing out ends them together.
    """

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(DIGEST_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    family: Mapped[str] = mapped_column(String(DIGEST_LENGTH), index=True)
    csrf_hash: Mapped[str | None] = mapped_column(String(DIGEST_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Episode(Base):
    """One diary episode; the fields mirror :class:`spasmcheck.diary.model.Episode`."""

    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(index=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)  # None: not recorded
    locations: Mapped[list[str]] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[int | None] = mapped_column(Integer)  # None: not recorded
    context: Mapped[list[str]] = mapped_column(JSON)
    medicine_name: Mapped[str | None] = mapped_column(String(200))
    remedies: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The Idempotency-Key of the request that created it (a digest when the key is long):
    # a retry with the same key finds this episode instead of logging another.
    idempotency_key: Mapped[str | None] = mapped_column(String(IDEMPOTENCY_KEY_MAX), default=None)

    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_episodes_user_idempotency_key"),
        Index("ix_episodes_user_started", "user_id", "started_at"),  # every diary range read
    )


class Assessment(Base):
    """A saved assessment: what was asked (``input``) and what the engine answered."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    input: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class RateCounter(Base):
    """How many times a key was used in one fixed window of time (the period is the
    Unix time divided by the window's length). The key is a digest of what is limited: an
    address, an e-mail address, or both, never the value itself."""

    __tablename__ = "rate_counters"

    key_hash: Mapped[str] = mapped_column(String(DIGEST_LENGTH), primary_key=True)
    period: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(index=True)
