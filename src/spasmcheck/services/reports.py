"""Reports for the clinician: what goes in them (from storage) and the downloads they become.

:func:`report_input` gathers one saved assessment and its owner's diary; :func:`report_response`
turns a :class:`ReportInput` (saved, or an unsaved result of the web interview) into the PDF,
the FHIR bundle or the diary's CSV, as a download. The exporters themselves
(:mod:`spasmcheck.export`) never read storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmcheck.diary.model import Episode
from spasmcheck.diary.summary import MAX_RANGE_DAYS
from spasmcheck.export.model import ReportInput
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.reasoning.engine import Engine
from spasmcheck.services import assessments, diary
from spasmcheck.services.errors import Invalid
from spasmcheck.services.schemas import FIRST_YEAR, LAST_YEAR
from spasmcheck.storage import models, repository
from spasmcheck.storage.models import User

FHIR_JSON = "application/fhir+json"
FORMATS = ("pdf", "fhir", "csv")


class FhirResponse(JSONResponse):
    media_type = FHIR_JSON


def check_range(start: date | None, end: date | None) -> tuple[date | None, date | None]:
    """Both dates or neither, in order, within the years every route accepts (the local day's
    bounds in UTC overflow at the calendar's edges), and no longer than the diary summarises."""
    if (start is None) != (end is None):
        raise Invalid("give both 'from' and 'to', or neither")
    for day in (start, end):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise Invalid(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    if start is not None and end is not None:
        if end < start:
            raise Invalid("'to' is before 'from'")
        if (end - start).days > MAX_RANGE_DAYS:
            raise Invalid(f"the range is longer than {MAX_RANGE_DAYS} days")
    return start, end


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
        input=assessments.input_of(row),
        result=assessments.result_of(row),
        episodes=episodes,
        start=start,
        end=end,
        timezone=timezone,
        diary_began=(
            diary.began_on(user, diary.oldest_day(session, user=user)) if user is not None else None
        ),
    )


def report_response(report: ReportInput, *, engine: Engine, format: str, name: str) -> Response:
    """The report as a download: the PDF, the FHIR bundle, or the diary as CSV."""
    if format == "pdf":
        from spasmcheck.export.pdf import render_pdf

        return Response(
            render_pdf(report, engine=engine),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    if format == "fhir":
        from spasmcheck.export.fhir import fhir_bundle

        return FhirResponse(
            fhir_bundle(report, engine=engine),
            headers={"Content-Disposition": f'attachment; filename="{name}.fhir.json"'},
        )
    return csv_response(
        report.episodes, timezone=report.timezone, name=f"{name}-diary", kb=engine.kb
    )


def csv_response(
    episodes: Sequence[Episode], *, timezone: str, name: str, kb: KnowledgeBase
) -> Response:
    from spasmcheck.export.csv import diary_csv

    return Response(
        diary_csv(episodes, timezone=timezone, kb=kb),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def diary_csv_response(
    session: Session, *, user: User, start: date | None, end: date | None, kb: KnowledgeBase
) -> Response:
    """``user``'s diary as CSV, every episode or those of the local days from ``start`` to
    ``end``; :class:`Invalid` for a range :func:`check_range` refuses."""
    start, end = check_range(start, end)
    lower = upper = None
    if start is not None and end is not None:
        lower, upper = local_day_bounds(start, end, user.timezone)
    episodes = repository.list_episodes(session, user_id=user.id, start=lower, end=upper)
    return csv_response(episodes, timezone=user.timezone, name="spasmcheck-diary", kb=kb)
