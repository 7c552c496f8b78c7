"""Exports for the clinician: the PDF report, the FHIR bundle, the diary CSV, the Questionnaire."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from spasmcheck.api.deps import CurrentUser, EngineDep, SessionDep
from spasmcheck.api.errors import ApiRoute
from spasmcheck.services.errors import NotFound
from spasmcheck.services.reports import (
    FHIR_JSON,
    FhirResponse,
    check_range,
    diary_csv_response,
    report_input,
    report_response,
)
from spasmcheck.services.schemas import MAX_ID, Day

router = APIRouter(tags=["reports"], route_class=ApiRoute)


def _fhir_resource(resource_type: str, about: str) -> dict[str, object]:
    """The schema of a FHIR R4B resource, as far as this document describes it: its type and
    where its full definition is (the resource itself is FHIR's, validated by FHIR tools)."""
    return {
        "type": "object",
        "description": f"{about}: https://hl7.org/fhir/R4B/{resource_type.lower()}.html",
        "required": ["resourceType"],
        "properties": {"resourceType": {"type": "string", "enum": [resource_type]}},
        "additionalProperties": True,
    }


BUNDLE = _fhir_resource("Bundle", "A FHIR R4B document Bundle of the same facts as the report")
QUESTIONNAIRE = _fhir_resource("Questionnaire", "The interview as a FHIR R4B Questionnaire")
CSV = {"type": "string", "description": "The diary, one row per episode, with a header row"}


@router.get(
    "/assessments/{assessment_id}/report",
    summary="Report on a saved assessment and my diary: PDF, FHIR bundle or CSV",
    response_model=None,
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                FHIR_JSON: {"schema": BUNDLE},
                "text/csv": {"schema": CSV},
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
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
) -> Response:
    start, end = check_range(start, end)
    report = report_input(
        session, assessment_id=assessment_id, user_id=user.id, start=start, end=end
    )
    if report is None:
        raise NotFound("no such assessment")
    return report_response(
        report, engine=engine, format=format, name=f"spasmcheck-assessment-{assessment_id}"
    )


@router.get(
    "/diary/export.csv",
    summary="My diary as CSV, one row per episode",
    response_model=None,
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": CSV}}}},
)
def diary_export(
    user: CurrentUser,
    session: SessionDep,
    engine: EngineDep,
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
) -> Response:
    return diary_csv_response(session, user=user, start=start, end=end, kb=engine.kb)


@router.get(
    "/fhir/Questionnaire",
    summary="The canonical FHIR Questionnaire of the interview",
    response_class=FhirResponse,
    responses={200: {"content": {FHIR_JSON: {"schema": QUESTIONNAIRE}}}},
)
def fhir_questionnaire(engine: EngineDep) -> FhirResponse:
    from spasmcheck.export.fhir import questionnaire

    return FhirResponse(questionnaire(engine))
