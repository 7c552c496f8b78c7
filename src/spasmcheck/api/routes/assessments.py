"""Saved assessments: the server recomputes every result itself; a client's result is never
stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from spasmcheck.api.account_schemas import AssessmentCreate
from spasmcheck.api.deps import CurrentUser, EngineDep, SessionDep
from spasmcheck.api.errors import ApiError, ApiRoute
from spasmcheck.api.schemas import known_evidence
from spasmcheck.reasoning.engine import InputError
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic
from spasmcheck.services import assessments
from spasmcheck.services.schemas import MAX_ID, AssessmentList, SavedAssessmentPublic
from spasmcheck.storage import repository

router = APIRouter(prefix="/assessments", tags=["assessments"], route_class=ApiRoute)

MAX_PAGE = 100
NOT_FOUND = "no such assessment"
AssessmentId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Assess a description and save the result"
)
def create_assessment(
    body: AssessmentCreate, user: CurrentUser, session: SessionDep, engine: EngineDep
) -> SavedAssessmentPublic:
    evidence = known_evidence(engine.kb, body.evidence)
    try:
        result = AssessmentPublic.of(engine.assess(body.text, body.age, body.sex, evidence))
    except InputError as error:
        raise ApiError(422, "invalid_request", str(error)) from error
    asked = AssessmentInput.model_validate(body.model_dump())
    row = assessments.save(session, user_id=user.id, input=asked, result=result)
    return SavedAssessmentPublic.of(row)


@router.get("", summary="My saved assessments, newest first")
def list_assessments(
    user: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AssessmentList:
    rows = repository.list_assessments(session, user_id=user.id, limit=limit, offset=offset)
    return AssessmentList(
        total=repository.count_assessments(session, user_id=user.id),
        limit=limit,
        offset=offset,
        items=[SavedAssessmentPublic.of(row) for row in rows],
    )


@router.get("/{assessment_id}", summary="One of my saved assessments")
def get_assessment(
    assessment_id: AssessmentId, user: CurrentUser, session: SessionDep
) -> SavedAssessmentPublic:
    row = repository.get_assessment(session, user_id=user.id, assessment_id=assessment_id)
    if row is None:
        raise ApiError(404, "not_found", NOT_FOUND)
    return SavedAssessmentPublic.of(row)


@router.delete(
    "/{assessment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete one of my saved assessments",
)
def delete_assessment(
    assessment_id: AssessmentId, user: CurrentUser, session: SessionDep
) -> Response:
    if not repository.delete_assessment(session, user_id=user.id, assessment_id=assessment_id):
        raise ApiError(404, "not_found", NOT_FOUND)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
