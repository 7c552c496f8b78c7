"""Exports for the clinician: the PDF report, the FHIR bundle, the diary CSV, the Questionnaire."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response

from spasmcheck.api.account_schemas import MAX_ID
from spasmcheck.api.deps import CurrentUser, EngineDep, SessionDep
from spasmcheck.api.errors import ApiError
from spasmcheck.diary.summary import MAX_RANGE_DAYS
from spasmcheck.export.loading import local_day_bounds, report_input
from spasmcheck.export.model import ReportInput
from spasmcheck.reasoning.engine import Engine
from spasmcheck.storage import repository

router = APIRouter(tags=["reports"])

FHIR_JSON = "application/fhir+json"


class FhirResponse(JSONResponse):
    media_type = FHIR_JSON


def _range(start: date | None, end: date | None) -> tuple[date | None, date | None]:
    if (start is None) != (end is None):
        raise ApiError(422, "invalid_request", "give both 'from' and 'to', or neither")
    if start is not None and end is not None:
        if end < start:
            raise ApiError(422, "invalid_request", "'to' is before 'from'")
        if (end - start).days > MAX_RANGE_DAYS:
            raise ApiError(
                422, "invalid_request", f"the range is longer than {MAX_RANGE_DAYS} days"
            )
    return start, end


@router.get(
    "/assessments/{assessment_id}/report",
    summary="Report on a saved assessment and my diary: PDF, FHIR bundle or CSV",
    response_model=None,
    responses={
        200: {
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                FHIR_JSON: {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            }
        }
    },
)
def assessment_report(
    assessment_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    user: CurrentUser,
    session: SessionDep,
    engine: EngineDep,
    format: Annotated[Literal["pdf", "fhir", "csv"], Query()] = "pdf",
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    start, end = _range(start, end)
    report = report_input(
        session, assessment_id=assessment_id, user_id=user.id, start=start, end=end
    )
    if report is None:
        raise ApiError(404, "not_found", "no such assessment")
    return report_response(
        report, engine=engine, format=format, name=f"spasmcheck-assessment-{assessment_id}"
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
    from spasmcheck.export.csv import diary_csv

    return Response(
        diary_csv(report.episodes, timezone=report.timezone),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}-diary.csv"'},
    )


@router.get(
    "/diary/export.csv",
    summary="My diary as CSV, one row per episode",
    response_model=None,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def diary_export(
    user: CurrentUser,
    session: SessionDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    from spasmcheck.export.csv import diary_csv

    start, end = _range(start, end)
    lower = upper = None
    if start is not None and end is not None:
        lower, upper = local_day_bounds(start, end, user.timezone)
    episodes = repository.list_episodes(session, user_id=user.id, start=lower, end=upper)
    return Response(
        diary_csv(episodes, timezone=user.timezone),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="spasmcheck-diary.csv"'},
    )


@router.get(
    "/fhir/Questionnaire",
    summary="The canonical FHIR Questionnaire of the interview",
    response_class=FhirResponse,
    responses={200: {"content": {FHIR_JSON: {"schema": {"type": "object"}}}}},
)
def fhir_questionnaire(engine: EngineDep) -> Any:
    from spasmcheck.export.fhir import questionnaire

    return FhirResponse(questionnaire(engine))
