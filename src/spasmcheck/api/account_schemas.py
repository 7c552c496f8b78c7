"""Request and response schemas of the API's account routes that the web has no use for.

The shapes both share (accounts, episodes, saved assessments, export) live in
:mod:`spasmcheck.services.schemas`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from spasmcheck.api.schemas import MAX_EVIDENCE, Age, EvidenceIn, Sex, Text
from spasmcheck.services.schemas import AccountPublic


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginResponse(BaseModel):
    """A bearer token for API clients; the web app uses the cookie and the CSRF token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    csrf_token: str
    expires_at: datetime
    account: AccountPublic


class AssessmentCreate(_Strict):
    """What to assess; the server computes the result itself and stores both."""

    text: Text
    age: Age | None = None
    sex: Sex | None = None
    evidence: Annotated[list[EvidenceIn], Field(max_length=MAX_EVIDENCE)] = []

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("describe the spasms in a few words")
        return value
