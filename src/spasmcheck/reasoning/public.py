"""The engine's results as typed public models: the JSON of docs/contract.md, and more.

These pydantic models are the one typed shape of an engine result wherever it leaves the
engine: the HTTP API's responses (and so the OpenAPI document), the JSON stored with a saved
assessment, and what the web's result page and the exporters (PDF, FHIR, CSV) read — by
attribute, so a renamed field is a type error, not a silent ``KeyError``.

They are built from the engine's own ``as_dict()`` (:meth:`AssessmentPublic.of`,
:meth:`InterviewStepPublic.of`): the engine stays the one place that decides what a result
holds, and ``tests/reasoning/test_public.py`` checks that dumping a model gives back exactly
the JSON of ``as_dict()`` on the public vignettes, so the two cannot drift apart unnoticed.
Keys that ``as_dict()`` writes only when set (an evidence item's ``possible``, a mention's
``similarity``...) are left out of the dump when unset, as before.

They live in the reasoning layer because every layer that shows a result (export, services,
API, web) sits above it (docs/architecture.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from spasmcheck.knowledge.schema import Acuteness, Category, FindingKind, TriageLevel
from spasmcheck.language.context import Polarity
from spasmcheck.reasoning.evidence import Origin, Status

if TYPE_CHECKING:
    from spasmcheck.reasoning.engine import Assessment
    from spasmcheck.reasoning.interview import Step

# The version of the stored JSON of a saved assessment (``StoredAssessment``); a change of
# shape that old rows cannot be read with raises it, with a migration for the saved rows.
SCHEMA_VERSION: Literal[1] = 1


class Public(BaseModel):
    """A public model: read-only once made. Keys a newer engine adds are ignored on reading,
    and the test against ``as_dict()`` fails until they are added here."""

    model_config = ConfigDict(frozen=True)


def _unset(value: object) -> bool:
    return value is None or value is False


# Written only when set, as ``as_dict()`` does: absent means None / False.
OnlyIfTrue = Annotated[bool, Field(default=False, exclude_if=_unset)]
OnlyIfText = Annotated[str | None, Field(default=None, exclude_if=_unset)]


# -- findings and mentions ---------------------------------------------------------------------
class EvidencePublic(Public):
    """One item of evidence: a finding present, absent or unknown, and where it came from."""

    finding: str
    status: Status
    origin: Origin
    possible: OnlyIfTrue
    text: OnlyIfText
    question: OnlyIfText
    screening: OnlyIfTrue
    escalation: OnlyIfTrue


class MentionPublic(Public):
    """A finding read in the text, with its polarity and the character span it came from."""

    finding: str
    polarity: Polarity
    span: tuple[int, int]
    text: str
    trigger: str | None
    via: Annotated[Literal["semantic"] | None, Field(default=None, exclude_if=_unset)]
    similarity: Annotated[float | None, Field(default=None, exclude_if=_unset)]


# -- the assessment ------------------------------------------------------------------------------
class EvidenceNotePublic(Public):
    """A finding that counts for or against a cause, with its likelihood ratio."""

    finding: str
    name: str
    status: Literal["present", "absent"]
    likelihood_ratio: float


class ConditionPublic(Public):
    """One ranked cause."""

    id: str
    name: str
    clinical_name: str
    probability: float
    icd10: list[str]
    snomed: str | None
    category: Category
    usual_triage: TriageLevel
    # True for a cause shown first because it explains an emergency level (docs/contract.md).
    explains_level: bool
    summary: str
    evidence_for: list[str]
    evidence_against: list[str]
    evidence: list[EvidenceNotePublic]


class TriagePublic(Public):
    """How urgently to seek care: the level, its words, and why."""

    level: TriageLevel
    label: str
    action: str
    reasons: list[str]
    do_now: list[str]


class RedFlagPublic(Public):
    """A warning-sign rule that fired."""

    id: str
    name: str
    level: TriageLevel
    findings: list[str]
    uncertain: bool
    reason: str
    do_now: str


class AdvicePublic(Public):
    text: str
    sources: list[str]


class AssessmentPublic(Public):
    """An assessment: what ``spasmcheck assess --json`` prints (docs/contract.md) and
    ``POST /v1/assess`` answers."""

    conditions: list[ConditionPublic]
    triage: TriagePublic
    red_flags: list[str]
    red_flags_detail: list[RedFlagPublic]
    advice: list[str]
    advice_detail: list[AdvicePublic]
    findings: list[EvidencePublic]
    mentions: list[MentionPublic]
    not_understood: list[str]
    disclaimer: str
    estimate_note: str
    kb_version: str

    @classmethod
    def of(cls, assessment: Assessment) -> AssessmentPublic:
        return cls.model_validate(assessment.as_dict())


class StoredAssessment(AssessmentPublic):
    """The result as a saved assessment keeps it: the assessment and the version of its shape
    (storage migrations bring older rows to the current one)."""

    schema_version: Literal[1] = SCHEMA_VERSION

    @classmethod
    def keep(cls, result: AssessmentPublic) -> StoredAssessment:
        return cls.model_validate({**result.model_dump(), "schema_version": SCHEMA_VERSION})


class AssessmentInput(Public):
    """What a saved assessment was asked: the description, age, sex and the answers given."""

    text: str
    age: int | None = None
    sex: Literal["female", "male"] | None = None
    evidence: list[EvidencePublic] = []


# -- the interview -------------------------------------------------------------------------------
class OptionPublic(Public):
    id: str
    label: str


class QuestionPublic(Public):
    """The next question: yes/no, or a choice among options (the emergency screen too)."""

    id: str
    kind: Literal["yes_no", "single", "multiple"]
    text: str
    why: str
    screening: bool
    options: list[OptionPublic]
    separates: list[str]
    escalation: bool
    answers: list[Literal["yes", "no", "dont_know", "none"]]


class InterviewStepPublic(Public):
    """One interview step: the next question (or none), whether to stop, the current result,
    and the evidence to send back with the answer."""

    question: QuestionPublic | None
    should_stop: bool
    stop_reason: str | None
    questions_asked: int
    result: AssessmentPublic
    evidence: list[EvidencePublic]

    @classmethod
    def of(cls, step: Step) -> InterviewStepPublic:
        data = step.as_dict()
        data["evidence"] = [e.as_dict() for e in step.evidence]
        return cls.model_validate(data)


# -- the other engine answers ---------------------------------------------------------------------
class ParsePublic(Public):
    """Free text read into findings."""

    mentions: list[MentionPublic]
    evidence: list[EvidencePublic]
    not_understood: list[str]


class TriageAnswerPublic(Public):
    """``POST /v1/triage``: the level and its reasons, without the ranking."""

    level: TriageLevel
    label: str
    action: str
    reasons: list[str]
    do_now: list[str]
    red_flags: list[RedFlagPublic]
    disclaimer: str

    @classmethod
    def of(cls, result: AssessmentPublic) -> TriageAnswerPublic:
        return cls(
            **result.triage.model_dump(),
            red_flags=result.red_flags_detail,
            disclaimer=result.disclaimer,
        )


class ConditionSummaryPublic(Public):
    """A condition's summary: names, category, codes, usual level and sources."""

    id: str
    name: str
    clinical_name: str
    category: Category
    icd10: list[str]
    snomed: str | None
    triage: TriageLevel
    acuteness: Acuteness
    sources: list[str]


class FindingLinkPublic(Public):
    finding: str
    p: float  # P(finding present | condition)
    sources: list[str]


class ConditionDetailPublic(ConditionSummaryPublic):
    """A condition in full: the summary, its advice and its findings."""

    summary: str
    advice: list[AdvicePublic]
    findings: list[FindingLinkPublic]


class NotYetAskedPublic(Public):
    finding: str
    name: str
    question: str
    likelihood_ratio_if_yes: float
    likelihood_ratio_if_no: float


class ExplanationPublic(Public):
    """One condition explained: the evidence for and against it, and what is not yet asked."""

    condition: ConditionDetailPublic
    probability: float
    evidence_for: list[EvidenceNotePublic]
    evidence_against: list[EvidenceNotePublic]
    not_yet_asked: list[NotYetAskedPublic]
    estimate_note: str


class FindingPublic(Public):
    id: str
    kind: FindingKind
    name: str
    question: str
    group: str | None
    snomed: str | None
    hpo: str | None


class FindingListPublic(Public):
    total: int
    items: list[FindingPublic]
