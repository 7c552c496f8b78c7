"""Request and response schemas of the stateless engine routes (parse, assess, interview...).

Everything a client sends is bounded (text length, list lengths, id patterns) and strict
(unknown keys are errors), so no input can reach the engine in a shape it cannot handle.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from spasmcheck.api.errors import ApiError
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.reasoning.evidence import Evidence, Origin, Status
from spasmcheck.services.schemas import (  # one limit for the API and the web form
    MAX_TEXT,
    no_nul,
)

MAX_EVIDENCE = 300

FINDING_ID = r"[a-z][a-z0-9_]{1,63}"  # the whole string (pydantic's pattern is anchored below)
FindingId = Annotated[str, Field(pattern=f"^{FINDING_ID}$")]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(no_nul)]


def _not_a_boolean(value: object) -> object:
    """JSON ``true`` would otherwise be read as the age 1 (issue 15)."""
    if isinstance(value, bool) or value in ("true", "false"):
        raise ValueError("the age is a whole number of years, not true or false")
    return value


Age = Annotated[int, BeforeValidator(_not_a_boolean), Field(ge=0, le=120)]
Sex = Literal["female", "male"]


_STATUS = {s.value: s for s in Status}
_ORIGIN = {o.value: o for o in Origin}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceIn(_Strict):
    """One item of evidence, as the client keeps it between interview steps."""

    finding: FindingId
    status: Literal["present", "absent", "unknown"]
    origin: Literal["text", "answer", "diary"] = "answer"
    question: Annotated[str, Field(max_length=64)] | None = None
    screening: bool = False
    escalation: bool = False
    possible: bool = False
    text: Annotated[str, Field(max_length=500), AfterValidator(no_nul)] | None = None

    def to_evidence(self) -> Evidence:
        # Every argument by position: keywords cost a frozen dataclass's __init__ about twice
        # as much, per item of every request (tests/api/test_evidence_in.py names each field).
        return Evidence(
            self.finding,
            _STATUS[self.status],  # a dict look-up: Status(value) is 4x slower, per item
            _ORIGIN[self.origin],
            self.possible,
            self.text,
            self.question,
            self.screening,
            self.escalation,
        )


def known_evidence(kb: KnowledgeBase, items: list[EvidenceIn]) -> list[Evidence]:
    """The items as evidence; 422 when one names a finding the knowledge base does not have."""
    unknown = sorted({i.finding for i in items if i.finding not in kb.finding_by_id})
    if unknown:
        raise ApiError(422, "unknown_finding", f"unknown finding id(s): {', '.join(unknown[:5])}")
    return [i.to_evidence() for i in items]


class ParseRequest(_Strict):
    text: Text


class AssessRequest(_Strict):
    text: Text
    age: Age | None = None
    sex: Sex | None = None


class AnswerIn(_Strict):
    """The answer to the question of the previous step, which the server turns into evidence.

    ``response``: "yes", "no" or "dont_know" for a yes/no question; for a choice question
    (the emergency screen included) the list of chosen option ids, "none" (None of these:
    every option absent) or "dont_know". Options not chosen are recorded as absent.
    """

    question_id: FindingId
    kind: Literal["yes_no", "single", "multiple"]
    options: Annotated[list[FindingId], Field(max_length=30)] = []
    screening: bool = False
    escalation: bool = False
    response: (
        Literal["yes", "no", "dont_know", "none"] | Annotated[list[FindingId], Field(max_length=30)]
    )


class InterviewRequest(_Strict):
    """One interview step: stateless, the client resends everything each time.

    Send the typed ``text`` on the first step; every later step resends the ``evidence`` the
    previous response returned, plus the ``answer`` to its question.
    """

    text: Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(no_nul)] | None = None
    age: Age | None = None
    sex: Sex | None = None
    evidence: Annotated[list[EvidenceIn], Field(max_length=MAX_EVIDENCE)] = []
    answer: AnswerIn | None = None
    max_questions: Annotated[int, Field(ge=1, le=25)] = 18


class TriageRequest(_Strict):
    text: Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(no_nul)] | None = None
    age: Age | None = None
    sex: Sex | None = None
    evidence: Annotated[list[EvidenceIn], Field(max_length=MAX_EVIDENCE)] = []


class ExplainRequest(TriageRequest):
    condition: FindingId


class InfoResponse(BaseModel):
    version: str
    kb_version: str
    conditions: int
    findings: int
    red_flags: int
    sources: int
    disclaimer: str
