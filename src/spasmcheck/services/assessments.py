"""Saved assessments, for the API and the web alike: the server's own result, typed.

A saved row keeps what was asked (:class:`AssessmentInput`) and the result as
:class:`StoredAssessment` — the public assessment with its ``schema_version``, so a later
change of shape can migrate the rows already saved (``storage/migrations``). The result is
always the one the server computed; a client's is never stored.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic, StoredAssessment
from spasmcheck.storage import repository
from spasmcheck.storage.models import Assessment as SavedAssessment


def save(
    session: Session, *, user_id: int, input: AssessmentInput, result: AssessmentPublic
) -> SavedAssessment:
    return repository.add_assessment(
        session,
        user_id=user_id,
        input=input.model_dump(mode="json"),
        result=StoredAssessment.keep(result).model_dump(mode="json"),
    )


def input_of(row: SavedAssessment) -> AssessmentInput:
    return AssessmentInput.model_validate(row.input)


def result_of(row: SavedAssessment) -> AssessmentPublic:
    """The saved result (its ``schema_version`` is the storage's business, left out)."""
    return AssessmentPublic.model_validate(row.result)
