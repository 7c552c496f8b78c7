"""Build a :class:`ReportInput` from storage: one saved assessment and its owner's diary."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmcheck.export.model import ReportInput
from spasmcheck.storage import models, repository


def local_day_bounds(start: date, end: date, timezone: str) -> tuple[datetime, datetime]:
    """UTC instants from the start of ``start`` to the end of ``end`` in local time."""
    zone = ZoneInfo(timezone)
    lower = datetime.combine(start, time.min, zone).astimezone(UTC)
    upper = datetime.combine(end + timedelta(days=1), time.min, zone).astimezone(UTC)
    return lower, upper


def report_input(
    session: Session,
    *,
    assessment_id: int,
    user_id: int | None,
    start: date | None = None,
    end: date | None = None,
) -> ReportInput | None:
    """The report's input, or None when there is no such assessment (for this user).

    ``user_id`` None is for the local command line, which reads its own database.
    """
    query = select(models.Assessment).where(models.Assessment.id == assessment_id)
    if user_id is not None:
        query = query.where(models.Assessment.user_id == user_id)
    row = session.scalars(query).first()
    if row is None:
        return None
    user = repository.get_user(session, user_id=row.user_id)
    timezone = user.timezone if user is not None else "UTC"
    episodes = []
    if start is not None and end is not None:
        lower, upper = local_day_bounds(start, end, timezone)
        episodes = repository.list_episodes(session, user_id=row.user_id, start=lower, end=upper)
    return ReportInput(
        assessment_id=row.id,
        created_at=row.created_at,
        input=dict(row.input),
        result=dict(row.result),
        episodes=episodes,
        start=start,
        end=end,
        timezone=timezone,
    )
