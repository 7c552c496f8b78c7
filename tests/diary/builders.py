"""Builders for diary episodes, so each test reads as its table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from spasmcheck.diary import Episode


def at(y: int, m: int, d: int, h: int = 12, mi: int = 0, tz: str = "UTC") -> datetime:
    """A local wall-clock time in ``tz`` (aware)."""
    return datetime(y, m, d, h, mi, tzinfo=ZoneInfo(tz))


def ep(
    started_at: datetime,
    *,
    locations: Sequence[str] = ("loc_calf",),
    kind: str = "cramp",
    severity: int = 5,
    context: Sequence[str] = (),
    remedies: Sequence[tuple[str, bool | None]] = (),
    **extra: Any,
) -> Episode:
    return Episode(
        started_at=started_at,
        duration_seconds=60,
        locations=list(locations),
        kind=kind,
        severity=severity,
        context=list(context),
        remedies=[{"name": name, "helped": helped} for name, helped in remedies],
        **extra,
    )
