"""Stateless engine routes: parse, assess, interview, triage, explain, conditions, findings.

The routes that run the engine are ``async def``: they only compute, so a worker thread per
request (Starlette runs a plain ``def`` route on one) cost more than the step itself — two
thread hand-offs and the wait for a free thread under load (issue 16). The work is bounded:
every evidence list has a maximum length, and a description longer than
:data:`INLINE_TEXT_CHARS` (parsing it costs more than a few milliseconds; 5,000 characters
take ~170 ms) is handed to a thread, so no request holds the event loop for long.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from spasmcheck._version import __version__
from spasmcheck.api.answer_json import step_json
from spasmcheck.api.errors import ApiError, ApiRoute, JsonBodyRoute
from spasmcheck.api.interview_body import InterviewInput, body_reader
from spasmcheck.api.schemas import (
    AssessRequest,
    EvidenceIn,
    ExplainRequest,
    InfoResponse,
    InterviewRequest,
    ParseRequest,
    TriageRequest,
    known_evidence,
)
from spasmcheck.knowledge.schema import FindingKind
from spasmcheck.reasoning.engine import Engine, shown_evidence
from spasmcheck.reasoning.evidence import EvidenceSet
from spasmcheck.reasoning.inference import Contribution
from spasmcheck.reasoning.interview import (
    Interviewer,
    Question,
    answer_evidence,
)
from spasmcheck.reasoning.public import (
    AdvicePublic,
    AssessmentPublic,
    ConditionDetailPublic,
    ConditionSummaryPublic,
    EvidenceNotePublic,
    ExplanationPublic,
    FindingLinkPublic,
    FindingListPublic,
    FindingPublic,
    InterviewStepPublic,
    NotYetAskedPublic,
    ParsePublic,
    TriageAnswerPublic,
)

router = APIRouter(tags=["engine"], route_class=ApiRoute)

# Descriptions up to this many characters are parsed on the event loop (about 1 ms a
# sentence); longer ones on a thread. Measured in docs/benchmarks.md, "HTTP".
INLINE_TEXT_CHARS = 300
JSON = "application/json"
_T = TypeVar("_T")


async def _compute(text: str | None, function: Callable[..., _T], *args: Any) -> _T:
    """``function(*args)``: here on the event loop, or on a thread when ``text`` is long."""
    if text is not None and len(text) > INLINE_TEXT_CHARS:
        return await run_in_threadpool(function, *args)
    return function(*args)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _evidence(engine: Engine, items: list[EvidenceIn], text: str | None) -> EvidenceSet:
    checked = known_evidence(engine.kb, items)
    evidence = EvidenceSet()
    if text and text.strip():
        for item in engine.parse(text)[1]:
            evidence.add(item)
    for item in checked:
        evidence.add(item)
    return evidence


@router.post("/parse", summary="Free text → findings with polarity and character spans")
async def parse(body: ParseRequest, request: Request) -> ParsePublic:
    return await _compute(body.text, _parse, _engine(request), body)


def _parse(engine: Engine, body: ParseRequest) -> ParsePublic:
    mentions, evidence = engine.parse(body.text)
    return ParsePublic.model_validate(
        {
            "mentions": [m.as_dict() for m in mentions],
            "evidence": [e.as_dict() for e in evidence],
            "not_understood": engine.parser.not_understood(body.text, mentions),
        }
    )


@router.post(
    "/assess",
    summary="The assessment of a description (docs/contract.md)",
)
async def assess(body: AssessRequest, request: Request) -> AssessmentPublic:
    if not body.text.strip():
        raise ApiError(422, "invalid_request", "text: describe the spasms in a few words")
    engine = _engine(request)
    result = await _compute(body.text, engine.assess, body.text, body.age, body.sex)
    return AssessmentPublic.of(result)


async def interview(body: InterviewRequest, request: Request) -> Response:
    """The first question is the emergency screen (``id`` ``emergency_screen``, a
    multiple-choice list of the warning signs the text did not settle): answer it with the
    signs chosen, ``"none"`` (None of these) or ``"dont_know"``. A chosen sign ends the
    interview with the emergency result. Every multiple-choice question takes ``"none"``;
    options not chosen are recorded as absent."""
    engine = _engine(request)
    return await _step(engine, InterviewInput.of(engine, body))


async def _step(engine: Engine, read: InterviewInput) -> Response:
    return await _compute(read.text, _interview, engine, read)


class InterviewRoute(JsonBodyRoute):
    """``POST /interview``: a body :class:`~spasmcheck.api.interview_body.BodyReader` vouches
    for is read straight into the engine's evidence; any other takes the model's way
    (:class:`JsonBodyRoute`), whose answer or error it always was."""

    async def answer_json(self, body: bytes, request: Request) -> Response | None:
        engine = _engine(request)
        read = body_reader(engine).read(body)
        if read is None:
            return await super().answer_json(body, request)
        return await _step(engine, read)


# The busiest route: its JSON body is read from the bytes (InterviewRoute) and its answer
# written by step_json (spasmcheck.api.answer_json); the OpenAPI document still says
# InterviewRequest and InterviewStepPublic.
router.add_api_route(
    "/interview",
    interview,
    methods=["POST"],
    summary="One interview step: evidence in, next question out",
    response_model=InterviewStepPublic,
    route_class_override=InterviewRoute,
)


def interview_route() -> JsonBodyRoute:
    """The route of ``POST /interview`` (for :class:`spasmcheck.api.errors.JsonBodyShortcut`)."""
    for route in router.routes:
        if isinstance(route, InterviewRoute) and route.endpoint is interview:
            return route
    raise LookupError("no interview route")


def _interview(engine: Engine, read: InterviewInput) -> Response:
    evidence = EvidenceSet()
    text = read.text
    if text and text.strip():
        for item in engine.parse(text)[1]:
            evidence.add(item)
    for item in read.evidence:
        evidence.add(item)
    if read.answer is not None:
        answer = read.answer
        known = engine.kb.finding_by_id
        if answer.kind == "yes_no" and answer.question_id not in known:
            raise ApiError(422, "unknown_finding", f"unknown question {answer.question_id!r}")
        bad = [o for o in answer.options if o not in known]
        if bad:
            raise ApiError(422, "unknown_finding", f"unknown option(s): {', '.join(bad[:5])}")
        question = Question.answered(
            answer.question_id,
            answer.kind,
            answer.options,
            # the emergency screen is a safety question whether or not the client says so
            screening=answer.screening
            or (engine.kb.screen is not None and answer.question_id == engine.kb.screen.id),
            escalation=answer.escalation,
        )
        try:
            items = answer_evidence(question, answer.response)
        except ValueError as error:
            raise ApiError(422, "invalid_answer", str(error)) from error
        for item in items:
            evidence.add(item)
    step = Interviewer(engine, max_questions=read.max_questions).step(evidence, read.age, read.sex)
    return Response(step_json(step, engine), media_type=JSON)


@router.post("/triage", summary="How urgently to seek care, with the reasons")
async def triage(body: TriageRequest, request: Request) -> TriageAnswerPublic:
    if not (body.text and body.text.strip()) and not body.evidence:
        # A level from nothing would read as "look after yourself at home" (the base rates'
        # level): nothing was said, so nothing is judged.
        raise ApiError(
            422, "invalid_request", "text: describe the spasms in a few words, or give evidence"
        )
    return await _compute(body.text, _triage, _engine(request), body)


def _triage(engine: Engine, body: TriageRequest) -> TriageAnswerPublic:
    result = engine.evaluate(_evidence(engine, body.evidence, body.text), body.age, body.sex)
    return TriageAnswerPublic.of(AssessmentPublic.of(result))


@router.post(
    "/explain",
    summary="One condition: evidence for, against, and not yet asked",
    responses={404: {"description": "No such condition"}},
)
async def explain(body: ExplainRequest, request: Request) -> ExplanationPublic:
    return await _compute(body.text, _explain, _engine(request), body)


def _explain(engine: Engine, body: ExplainRequest) -> ExplanationPublic:
    condition = engine.kb.condition_by_id.get(body.condition)
    if condition is None:
        raise ApiError(404, "not_found", f"no such condition: {body.condition}")
    evidence = _evidence(engine, body.evidence, body.text)
    posterior = engine.posterior(evidence, body.age, body.sex)
    index = engine.model.condition_index[condition.id]
    contributions = engine.model.contributions(condition.id, evidence.present, evidence.absent)
    model = engine.model
    not_asked: list[NotYetAskedPublic] = []
    for link in condition.findings:
        if link.id in evidence:
            continue
        j = model.finding_index[link.id]
        not_asked.append(
            NotYetAskedPublic(
                finding=link.id,
                name=engine.kb.finding_by_id[link.id].name,
                question=engine.kb.finding_by_id[link.id].question,
                likelihood_ratio_if_yes=round(float(np.exp(model.llr_present[index, j])), 3),
                likelihood_ratio_if_no=round(float(np.exp(model.llr_absent[index, j])), 3),
            )
        )
    not_asked.sort(key=lambda item: -abs(float(np.log(item.likelihood_ratio_if_yes))))

    def note(c: Contribution) -> EvidenceNotePublic:
        return EvidenceNotePublic(
            finding=c.finding_id,
            name=engine.kb.finding_by_id[c.finding_id].name,
            status="present" if c.present else "absent",
            likelihood_ratio=round(c.likelihood_ratio, 3),
        )

    shown_for, shown_against = shown_evidence(contributions)  # the engine's own cut-off
    return ExplanationPublic(
        condition=_condition_detail(engine, condition.id),
        probability=round(float(posterior[index]), 4),
        evidence_for=[note(c) for c in shown_for],
        evidence_against=[note(c) for c in shown_against],
        not_yet_asked=not_asked,
        estimate_note=engine.kb.guidance.estimate_note,
    )


def _condition_detail(engine: Engine, condition_id: str) -> ConditionDetailPublic:
    c = engine.kb.condition_by_id[condition_id]
    return ConditionDetailPublic(
        **_condition_summary(engine, condition_id).model_dump(),
        summary=c.summary,
        advice=[
            AdvicePublic(text=a.text, sources=[engine.kb.cite(x) for x in a.cite]) for a in c.advice
        ],
        findings=[
            FindingLinkPublic(
                finding=link.id, p=link.p, sources=[engine.kb.cite(x) for x in link.cite]
            )
            for link in c.findings
        ],
    )


def _condition_summary(engine: Engine, condition_id: str) -> ConditionSummaryPublic:
    return ConditionSummaryPublic.model_validate(engine.kb.condition_summary(condition_id))


@router.get("/conditions", summary="Every condition with its codes and sources")
def conditions(request: Request) -> list[ConditionSummaryPublic]:
    engine = _engine(request)
    return [_condition_summary(engine, c.id) for c in engine.kb.conditions]


@router.get("/conditions/{condition_id}", summary="One condition in full")
def condition(condition_id: str, request: Request) -> ConditionDetailPublic:
    engine = _engine(request)
    if condition_id not in engine.kb.condition_by_id:
        raise ApiError(404, "not_found", f"no such condition: {condition_id[:64]}")
    return _condition_detail(engine, condition_id)


@router.get("/findings", summary="Findings, searchable by words and kind")
def findings(
    request: Request,
    q: Annotated[str | None, Query(max_length=100)] = None,
    kind: FindingKind | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> FindingListPublic:
    engine = _engine(request)
    words = (q or "").lower().split()
    selected = []
    for f in engine.kb.findings:
        if kind is not None and f.kind is not kind:
            continue
        haystack = " ".join([f.id, f.name, f.question, *f.synonyms]).lower()
        if all(w in haystack for w in words):
            selected.append(f)
    return FindingListPublic(
        total=len(selected),
        items=[
            FindingPublic(
                id=f.id,
                kind=f.kind,
                name=f.name,
                question=f.question,
                group=f.group,
                snomed=f.codes.snomed,
                hpo=f.codes.hpo,
            )
            for f in selected[offset : offset + limit]
        ],
    )


@router.get("/info", summary="Versions and knowledge-base counts")
def info(request: Request) -> InfoResponse:
    kb = _engine(request).kb
    return InfoResponse(
        version=__version__,
        kb_version=kb.version,
        conditions=len(kb.conditions),
        findings=len(kb.findings),
        red_flags=len(kb.red_flags),
        sources=len(kb.sources),
        disclaimer=kb.guidance.disclaimer,
    )
