"""The check itself: start page, one-question-per-screen interview, result, saving a result.

The interview is stateless on the server, like the API's: every form carries the whole
interview so far (the description, age, sex and each answer) in one hidden ``state`` field,
signed with the server's secret so a tampered or truncated field is refused rather than
half-read. The state also carries what the server worked out itself — the findings it read in
the description and the question it is showing — so an answer is applied to that question
without parsing the text again or recomputing the question (issue 16); a client never tells
the server which question it answered or how, since it cannot sign a state. It needs no
JavaScript and no server-side session, and nothing health-related goes into a URL (and so
into an access log): every answer is a POST.

Each answered POST redirects (303, POST-redirect-GET) to ``GET /interview?step=N`` (N, the
number of answers so far, is the only thing in the URL), which shows that step from the same
signed state, kept in a session cookie limited to ``/interview``. So the browser's Back shows
the question before with its answer still chosen (answering it again goes on from there),
reload shows the same step, and an old link lands on the latest step, never on "Confirm Form
Resubmission" or a 405; without the cookie ``GET /interview`` goes to the start page. A state
too large for a cookie (a very long description) is shown directly instead.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadData, BadSignature, Signer, URLSafeSerializer
from itsdangerous.encoding import base64_decode, base64_encode, want_bytes
from pydantic_core import PydanticSerializationError, from_json, to_json
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spasmcheck.config import Settings
from spasmcheck.export.model import ReportInput
from spasmcheck.knowledge.ids import LOCATION_GROUP
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.policy import interview_policy
from spasmcheck.reasoning.engine import SEXES, Assessment, Engine, InputError
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.interview import (
    MAX_QUESTIONS,
    YES_NO_ANSWERS,
    Answer,
    Interviewer,
    Question,
    QuestionKind,
    Step,
    evidence_of_answer,
)
from spasmcheck.reasoning.public import (
    AdvicePublic,
    AssessmentInput,
    AssessmentPublic,
    EvidencePublic,
    TriagePublic,
)
from spasmcheck.services import assessments
from spasmcheck.services.deps import EngineDep, SessionDep
from spasmcheck.services.reports import report_response
from spasmcheck.services.schemas import MAX_ID, MAX_TEXT
from spasmcheck.storage import repository
from spasmcheck.storage.models import Assessment as SavedAssessment
from spasmcheck.storage.models import User
from spasmcheck.web import bodymap  # noqa: F401  (registers the body map's Jinja globals)
from spasmcheck.web.errors import PageError, WebRoute, error_page, with_policy
from spasmcheck.web.session import form_user, page_user, require_user, visitor
from spasmcheck.web.templating import render

router = APIRouter(include_in_schema=False, route_class=WebRoute)

PENDING_COOKIE = "spasmcheck_pending"  # a result waiting to be saved across sign-in
PENDING_MAX_AGE_S = 3600
INTERVIEW_COOKIE = "spasmcheck_interview"  # the state behind GET /interview (POST-redirect-GET)
MAX_STATE_CHARS = 3 * MAX_TEXT + 20_000  # the text, the words read in it (base64), answers
MAX_COOKIE_STATE = 3800  # browsers keep at least 4096 bytes per cookie, name included
STATE_VERSION = 2  # 2 adds the parsed findings and the question shown; 1 is still read
# Descriptions up to this many characters are parsed on the event loop; longer ones (5,000
# characters take ~170 ms) on a thread, so one long text never holds the other requests.
INLINE_TEXT_CHARS = 300
MAX_ANSWERS = 40  # the interview asks at most MAX_QUESTIONS; undo can't make more
SHOWN_CAUSES = 5
# How many questions a check takes, measured on the public vignettes in interview mode
# (`spasmcheck eval vignettes/public.yaml --mode interview --json`, summary.questions_median
# and questions_p90; docs/evaluation.md, "questions: median / p90 / max"). A test keeps these
# equal to the documented figures, so the progress line says what is true.
QUESTIONS_MEDIAN = 10
QUESTIONS_P90 = 18
FIRST_CAUSES = 3  # shown on the result page; the others fold (issue 14 section 8)
FIRST_ADVICE = 4  # the same for advice: a phone shows the actions and the gist, not a book
MIN_SHOWN_PROBABILITY = 0.02
# How long and how often describe the course, not a warning sign: never listed or badged as one.
DURATION_GROUPS = frozenset(interview_policy().duration_groups)  # policy/interview.yaml
SIGN_KINDS = frozenset({"symptom", "course"})  # not medicines, substances, history or places


@dataclass
class Recorded:
    """One answer as the form carried it: the question's shape and the response."""

    question: str
    kind: str
    screening: bool
    escalation: bool
    options: list[str]
    response: str | list[str]

    def as_list(self) -> list[Any]:
        return [
            self.question,
            self.kind,
            self.screening,
            self.escalation,
            self.options,
            self.response,
        ]

    def evidence(self) -> list[Evidence]:
        """``answer_evidence(self.to_question(), self.response)``, without the question."""
        return evidence_of_answer(
            self.question,
            self.kind,
            self.options,
            self.response,
            screening=self.screening,
            escalation=self.escalation,
        )

    def to_question(self) -> Question:
        return Question.answered(
            self.question,
            self.kind,
            self.options,
            screening=self.screening,
            escalation=self.escalation,
        )


# An enum member's value and back by dict look-ups: ``Status(value)`` and ``member.value`` go
# through the enum's machinery, for every evidence item of the state on every question page.
_VALUE: dict[Status | Origin, str] = {m: m.value for e in (Status, Origin) for m in e}
_STATUS = {s.value: s for s in Status}
_ORIGIN = {o.value: o for o in Origin}


def _evidence_list(item: Evidence) -> list[Any]:
    return [
        item.finding_id,
        _VALUE[item.status],
        _VALUE[item.origin],
        item.possible,
        item.text,
        item.question,
        item.screening,
        item.escalation,
    ]


def _evidence_item(raw: list[Any]) -> Evidence:
    finding, status, origin, possible, text, question, screening, escalation = raw
    return Evidence(
        str(finding),
        _STATUS[status],  # KeyError (or TypeError) for what is not one: a refused state
        _ORIGIN[origin],
        bool(possible),
        None if text is None else str(text),
        None if question is None else str(question),
        bool(screening),
        bool(escalation),
    )


def _asking(question: Question) -> Recorded:
    """The shape of the question shown, kept in the state (its response still empty)."""
    return Recorded(
        question.id,
        question.kind.value,
        question.screening,
        question.escalation,
        [o.finding_id for o in question.options],
        "",
    )


@dataclass
class InterviewState:
    text: str
    age: int | None = None
    sex: str | None = None
    answers: list[Recorded] = field(default_factory=list)
    # The answer the person took back with "← Back": shown again, pre-selected.
    undone: Recorded | None = None
    # What the server read in ``text`` (None: not yet, or a state of version 1).
    parsed: list[Evidence] | None = None
    # The question on the page this state was drawn into: the one the next answer answers.
    asking: Recorded | None = None

    def dump(self, settings: Settings) -> str:
        payload = {
            "v": STATE_VERSION,
            "t": self.text,
            "a": self.age,
            "s": self.sex,
            "r": [a.as_list() for a in self.answers],
            "u": self.undone.as_list() if self.undone else None,
            "p": None if self.parsed is None else [_evidence_list(e) for e in self.parsed],
            "q": self.asking.as_list() if self.asking else None,
        }
        return str(_serializer(settings).dumps(payload))

    @classmethod
    def load(cls, raw: str, settings: Settings, engine: Engine) -> InterviewState:
        """The state from a form, or PageError 400 when it is not one this server made, or
        names findings this knowledge base no longer has (an interview begun before an update)."""
        try:
            payload = _serializer(settings).loads(raw[:MAX_STATE_CHARS])
            if not isinstance(payload, dict) or payload.get("v") not in (1, STATE_VERSION):
                raise ValueError("unknown state version")
            answers = [Recorded(*item) for item in payload["r"][:MAX_ANSWERS]]
            undone = Recorded(*payload["u"]) if payload.get("u") else None
            asking = Recorded(*payload["q"]) if payload.get("q") else None
            parsed = (
                None
                if payload.get("p") is None
                else [_evidence_item(item) for item in payload["p"]]
            )
            known = engine.kb.finding_by_id
            for recorded in [
                *answers,
                *([undone] if undone else []),
                *([asking] if asking else []),
            ]:
                ids = [recorded.question] if recorded.kind == "yes_no" else recorded.options
                if not all(i in known for i in ids):
                    raise ValueError("a finding this knowledge base does not have")
            if parsed is not None and not all(e.finding_id in known for e in parsed):
                raise ValueError("a finding this knowledge base does not have")
            return cls(
                str(payload["t"]), payload["a"], payload["s"], answers, undone, parsed, asking
            )
        except (BadSignature, ValueError, TypeError, KeyError) as error:
            raise PageError(
                400,
                "This interview could not be continued (it may have been started before the "
                "server restarted with a new key). Please start again.",
            ) from error

    def evidence(self, engine: Engine) -> EvidenceSet:
        if self.parsed is None:  # a state from before version 2
            self.parsed = list(engine.parse(self.text)[1])
        evidence = EvidenceSet(self.parsed)
        for recorded in self.answers:
            for item in recorded.evidence():
                evidence.add(item)
        return evidence

    def answer_evidence(self) -> list[Evidence]:
        return [item for recorded in self.answers for item in recorded.evidence()]

    def assessment(self, engine: Engine, evidence: list[Evidence]) -> AssessmentPublic:
        """The result the server computes itself (to save or report), never the form's."""
        try:
            return AssessmentPublic.of(engine.assess(self.text, self.age, self.sex, evidence))
        except InputError as error:
            raise PageError(400, f"This result could not be used: {error}.") from error


def _engine(request: Request) -> Engine:
    """The app's engine, read here rather than through ``EngineDep`` on the interview's two
    routes: a dependency costs FastAPI a resolution on every answer (issue 16)."""
    engine: Engine = request.app.state.engine
    return engine


def _serializer(settings: Settings) -> URLSafeSerializer:
    return _serializer_for(settings.secret_key)


class _KeyedSigner(Signer):
    """itsdangerous' :class:`Signer` with the same signatures (HMAC-SHA1 of the key it derives,
    its defaults), its keys derived and keyed into an HMAC once instead of on every signature:
    the state is signed and checked on every question page (issue 16, fifth pass).
    ``tests/web/test_interview_work.py`` holds it to the plain signer's output."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # newest key first, as Signer.verify_signature tries them
        self._keyed = [
            hmac.new(self.derive_key(key), digestmod="sha1") for key in reversed(self.secret_keys)
        ]

    def get_signature(self, value: str | bytes) -> bytes:
        mac = self._keyed[0].copy()
        mac.update(want_bytes(value))
        return base64_encode(mac.digest())

    def verify_signature(self, value: str | bytes, sig: str | bytes) -> bool:
        try:
            signature = base64_decode(sig)
        except BadData:  # not base64: refused, as Signer.verify_signature refuses it
            return False
        message = want_bytes(value)
        for keyed in self._keyed:
            mac = keyed.copy()
            mac.update(message)
            if hmac.compare_digest(signature, mac.digest()):
                return True
        return False


class _StateJSON:
    """itsdangerous' compact JSON (``json.dumps`` with ``ensure_ascii=False`` and no spaces)
    written by pydantic-core: the same bytes for what a state holds (dicts, lists, strings,
    whole numbers, booleans and null), in a quarter of the time; and read by pydantic-core,
    which reads those bytes as ``json.loads`` does. A payload is read only once its signature
    is checked, so only states this server wrote are read. Anything pydantic-core will not
    write is written by the plain way (``tests/web/test_interview_work.py`` holds the two to
    the same bytes over every character and the states of walked interviews)."""

    @staticmethod
    def loads(payload: str | bytes) -> Any:
        return from_json(payload)

    @staticmethod
    def dumps(obj: Any, **kwargs: Any) -> str:
        try:
            return to_json(obj).decode()
        except PydanticSerializationError:  # a lone surrogate: the plain way's own error
            # itsdangerous' own compact JSON, written with the standard library (its
            # ``_CompactJSON`` is private)
            kwargs.setdefault("ensure_ascii", False)
            kwargs.setdefault("separators", (",", ":"))
            return json.dumps(obj, **kwargs)


class _StateSerializer(URLSafeSerializer):
    """:class:`URLSafeSerializer` with one :class:`_KeyedSigner`, made once (the serializer
    makes a signer for every dump and load otherwise), and its JSON written and read by
    pydantic-core (:class:`_StateJSON`)."""

    def __init__(self, secret_key: str, salt: str) -> None:
        super().__init__(secret_key, salt=salt, serializer=_StateJSON, signer=_KeyedSigner)
        self._signer = super().make_signer()

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        # loads() asks with the serializer's own salt, dumps() with None: both are this one
        if salt is None or want_bytes(salt) == self.salt:
            return self._signer
        return super().make_signer(salt)


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    """One serializer per key: making one dumps a test object to JSON and derives the key,
    twice per question page (issue 16). It holds no state between calls."""
    return _StateSerializer(secret_key, salt="spasmcheck.interview")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# -- start -------------------------------------------------------------------------------------


@router.get("/")
async def start(request: Request) -> Response:
    await visitor(request)
    return render(request, "start.html", {"nav": "check", "form": {}, "errors": {}})


def _start_errors(text: str, age: str, sex: str) -> tuple[dict[str, str], int | None]:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["description"] = "Describe your spasms in a few words, for example where and when."
    elif len(text) > MAX_TEXT:
        errors["description"] = (
            f"Your description is {len(text):,} characters long: please shorten it to "
            f"{MAX_TEXT:,} characters or fewer. Everything you typed is still in the box."
        )
    elif "\x00" in text:  # PostgreSQL cannot store it once the result is saved
        errors["description"] = "Remove the invisible control character (NUL) from the text."
    years: int | None = None
    if age.strip():
        try:
            years = int(age.strip()[:10])
        except ValueError:
            errors["age"] = "Enter your age as a whole number of years, for example 42."
        else:
            if not 0 <= years <= 120:
                errors["age"] = "Enter an age between 0 and 120."
    if sex and sex not in SEXES:
        errors["sex"] = "Choose female, male or prefer not to say."
    return errors, years


async def too_large_page(request: Request, limit: int, *, read: bool) -> Response:
    """The page for a request body over the server's limit (``BodySizeLimit``): for the start
    form, the start page again with as much of the description as arrived and the reason,
    so a huge paste is cut with a clear message, never lost; for other pages, an error page.
    ``read`` says the body has not been read yet (its declared length was refused)."""
    kept = ""
    start_form = request.method == "POST" and request.url.path == "/interview"
    if read and start_form:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) >= limit:
                break
        # a form body is ASCII; the cut may leave half a %-escape or half a character
        raw = re.sub(r"%[0-9A-Fa-f]?$", "", body[:limit].decode("ascii", "ignore"))
        fields = dict(parse_qsl(raw, encoding="utf-8", errors="ignore"))
        kept = fields.get("text", "")
    if not kept:
        return error_page(
            request,
            413,
            f"What you sent is too long for this server (over {limit // 1024} kB), so nothing "
            "was used or saved. Go back, shorten it and send it again.",
        )
    message = (
        f"What you pasted was too long to send (over {limit // 1024} kB). The first "
        f"{len(kept):,} characters arrived and are in the box: please shorten them to "
        f"{MAX_TEXT:,} characters or fewer."
    )
    return with_policy(
        render(
            request,
            "start.html",
            {"nav": "check", "form": {"text": kept}, "errors": {"description": message}},
            status_code=413,
        )
    )


# -- interview ---------------------------------------------------------------------------------


@router.post("/interview")
async def interview(
    request: Request,
    state: Annotated[str, Form(max_length=MAX_STATE_CHARS)] = "",
    action: Annotated[str, Form(max_length=20)] = "",
    answer: Annotated[list[str] | None, Form(max_length=40)] = None,
    # no length limit here: a long description comes back on the form with the problem
    # (_start_errors), never as a refusal that loses it; the body limit bounds the request
    text: Annotated[str, Form()] = "",
    age: Annotated[str, Form()] = "",  # checked by _start_errors, which keeps the text
    sex: Annotated[str, Form()] = "",
) -> Response:
    """On the event loop, as it only computes (issue 16): the account is read on a thread only
    when a session cookie came, and a long description is parsed on a thread."""
    await visitor(request)
    engine = _engine(request)
    if (action in ("start", "start_anyway") or not state) and len(text) > INLINE_TEXT_CHARS:
        return await run_in_threadpool(
            _interview, request, engine, state, action, answer, text, age, sex
        )
    return _interview(request, engine, state, action, answer, text, age, sex)


def _interview(
    request: Request,
    engine: Engine,
    state: str,
    action: str,
    answer: list[str] | None,
    text: str,
    age: str,
    sex: str,
) -> Response:
    settings = _settings(request)
    if action in ("start", "start_anyway") or not state:
        errors, years = _start_errors(text, age, sex)
        if errors:
            form = {"text": text, "age": age, "sex": sex}
            return render(
                request,
                "start.html",
                {"nav": "check", "form": form, "errors": errors},
                status_code=422,
            )
        mentions, parsed = engine.parse(text.strip())
        if action != "start_anyway" and not mentions:
            # Nothing at all was read: say so before asking anything (issue 10 §5).
            form = {"text": text, "age": age, "sex": sex}
            unread = engine.parser.not_understood(text, []) or [" ".join(text.split())[:200]]
            return render(
                request,
                "start.html",
                {"nav": "check", "form": form, "errors": {}, "unread": unread},
            )
        current = InterviewState(text.strip(), years, sex or None, parsed=list(parsed))
        return _redirect_to_current(request, engine, current, settings)
    current = InterviewState.load(state, settings, engine)
    if action == "rephrase":
        age_text = "" if current.age is None else str(current.age)
        form = {"text": current.text, "age": age_text, "sex": current.sex or ""}
        return render(request, "start.html", {"nav": "check", "form": form, "errors": {}})
    if action == "back":
        if not current.answers:
            age_text = "" if current.age is None else str(current.age)
            form = {"text": current.text, "age": age_text, "sex": current.sex or ""}
            return render(request, "start.html", {"nav": "check", "form": form, "errors": {}})
        current.undone = current.answers.pop()
        current.asking = None
        return _redirect_to_current(request, engine, current, settings)
    if current.asking is not None:
        # the question this server showed with this very state: no step to recompute
        question = current.asking.to_question()
    else:  # the result page's state, or a state of version 1
        step = _step(engine, current)
        if step.question is None or step.should_stop:
            return _show(request, engine, current, settings, step=step)
        question = step.question
    response, problem = _response(question, answer or [])
    if problem:
        return _show(request, engine, current, settings, problem=problem)
    current.answers.append(
        Recorded(
            question.id,
            question.kind.value,
            question.screening,
            question.escalation,
            [o.finding_id for o in question.options],
            response,
        )
    )
    current.undone = None
    current.asking = None
    return _redirect_to_current(request, engine, current, settings)


@router.get("/interview")
async def current_page(request: Request) -> Response:
    """Step ``step`` (the query's) of the interview in the state cookie (the latest when
    absent or beyond it): where Back, reload and an old link land. Without a usable cookie,
    the start page. ``step`` is read from the query here, not declared as a parameter: on
    the page every answer lands on, FastAPI's reading of one costs more than the reading
    (issue 16, fifth pass); the last of repeated ones counts, as FastAPI's would."""
    step = request.query_params.get("step", "")
    await visitor(request)
    engine = _engine(request)
    raw = request.cookies.get(INTERVIEW_COOKIE)
    if raw:
        try:
            current = InterviewState.load(raw, _settings(request), engine)
        except PageError:
            pass
        else:
            # a garbled or made-up step is the latest one: an old link always lands somewhere
            n = int(step) if step.isdigit() and len(step) <= 3 else len(current.answers)
            if n < len(current.answers):
                # an earlier step, as the browser's Back asks: its answer shown chosen
                current = InterviewState(
                    current.text,
                    current.age,
                    current.sex,
                    current.answers[:n],
                    undone=current.answers[n],
                    parsed=current.parsed,
                )
            return _show(request, engine, current, _settings(request))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(INTERVIEW_COOKIE, path="/interview")
    return response


def current_page_route() -> WebRoute:
    """The route of ``GET /interview`` (for :class:`spasmcheck.web.errors.PageShortcut`)."""
    for route in router.routes:
        if isinstance(route, WebRoute) and route.endpoint is current_page:
            return route
    raise LookupError("no question page route")


def _redirect_to_current(
    request: Request, engine: Engine, current: InterviewState, settings: Settings
) -> Response:
    """POST-redirect-GET: keep the state in the cookie and send the browser to
    ``GET /interview``; a state too large for a cookie is shown directly."""
    state = current.dump(settings)
    if len(state) > MAX_COOKIE_STATE:
        return _show(request, engine, current, settings)
    response = RedirectResponse(f"/interview?step={len(current.answers)}", status_code=303)
    response.set_cookie(
        INTERVIEW_COOKIE,
        state,
        httponly=True,
        secure=settings.https,
        samesite="lax",
        path="/interview",
    )
    return response


def _response(question: Question, values: list[str]) -> tuple[str | list[str], str | None]:
    """The answer the form gave to ``question``, or a message saying what is missing."""
    if question.kind is QuestionKind.YES_NO:
        if len(values) == 1 and values[0] in set(YES_NO_ANSWERS):
            return values[0], None
        return "", "Choose Yes, No or Don't know."
    if Answer.DONT_KNOW in values:
        return Answer.DONT_KNOW.value, None
    allowed = {o.finding_id for o in question.options}
    chosen = [v for v in dict.fromkeys(values) if v in allowed]
    if Answer.NONE in values:
        if chosen:
            return "", "You ticked an answer and chose None of these: untick it, or press Continue."
        return Answer.NONE.value, None
    if not chosen:
        if question.kind is QuestionKind.MULTIPLE:
            return "", "Tick every answer that applies, or choose None of these or Don't know."
        return "", "Choose one answer, or Don't know."
    if question.kind is QuestionKind.SINGLE and len(chosen) > 1:
        return "", "Choose only one answer."
    return chosen, None


def _step(engine: Engine, current: InterviewState) -> Step:
    try:
        # A question page shows the triage level alone: no ranked causes or advice to build
        # (a step that ends the interview carries the whole result all the same).
        evidence = current.evidence(engine)
        return Interviewer(engine).step(evidence, current.age, current.sex, detail=False)
    except (InputError, ValueError) as error:
        raise PageError(400, f"This interview could not be continued: {error}.") from error


def is_safety_check(question: Question) -> bool:
    """Badge a question "Safety check" when it asks about a warning sign, never when it asks
    how long the spasms have lasted (asked before any self-care result, yet not a sign)."""
    return question.screening and question.id not in DURATION_GROUPS


def triage_public(assessment: Assessment) -> TriagePublic:
    """``AssessmentPublic.of(assessment).triage`` without the rest of the assessment: a
    question page shows only the triage level (issue 16)."""
    return TriagePublic(
        level=assessment.triage.level,
        label=assessment.level_label,
        action=assessment.level_action,
        reasons=list(assessment.triage.reasons),
        do_now=list(assessment.triage.do_now),
    )


def _show(
    request: Request,
    engine: Engine,
    current: InterviewState,
    settings: Settings,
    *,
    step: Step | None = None,
    problem: str | None = None,
) -> Response:
    step = step or _step(engine, current)
    showing = step.question is not None and not step.should_stop
    current.asking = _asking(step.question) if step.question is not None and showing else None
    state = current.dump(settings)
    if step.question is None or step.should_stop:
        return render(
            request,
            "result.html",
            _result_context(engine, AssessmentPublic.of(step.assessment), current, state=state),
        )
    question = step.question
    # the banner's triage, made only for the emergency pages that show it
    emergency = (
        triage_public(step.assessment) if step.assessment.triage.level.is_emergency else None
    )
    undone = current.undone
    earlier = undone.response if undone is not None and undone.question == question.id else None
    context = {
        "nav": "check",
        "question": question.as_dict(),
        "is_location": question.id == LOCATION_GROUP,
        "is_screen": engine.kb.screen is not None and question.id == engine.kb.screen.id,
        "safety_check": is_safety_check(question),
        "choices": [(o.finding_id, o.label) for o in question.options],
        "number": step.questions_asked + 1,
        # the bar measures against the cap, the one number that is always true
        "progress": min(100, round(100 * step.questions_asked / MAX_QUESTIONS)),
        "max_questions": MAX_QUESTIONS,
        "questions_median": QUESTIONS_MEDIAN,
        "questions_p90": QUESTIONS_P90,
        "state": state,
        "problem": problem,
        "text": current.text,
        "emergency": emergency,
        # the answer taken back with "← Back", shown again
        "earlier": [earlier] if isinstance(earlier, str) else (earlier or []),
    }
    return render(request, "question.html", context, status_code=422 if problem else 200)


# -- result ------------------------------------------------------------------------------------


def warning_sign_ids(kb: KnowledgeBase) -> frozenset[str]:
    """The findings that are warning signs in themselves: the emergency screen's options and
    every symptom (or course, such as "getting worse") that fires a red-flag rule on its own.
    A duration ("going on for days") is a part of some rules but never a sign by itself. The
    screen's options are signs whatever their kind (the screen asks "too much of a medicine
    taken", a history, because it sends the person to an emergency department on its own)."""
    screen = {o.finding for o in kb.screen.options} if kb.screen else set()
    signs: set[str] = set()
    for rule in kb.red_flags:
        if not rule.all_of:
            signs.update(rule.any_of)
        elif len(rule.all_of) == 1 and not rule.any_of:
            signs.add(rule.all_of[0])
    return frozenset(
        screen
        | {
            f
            for f in signs
            if f in kb.finding_by_id
            and kb.finding_by_id[f].kind in SIGN_KINDS
            and kb.finding_by_id[f].group not in DURATION_GROUPS
        }
    )


def denied_warning_signs(kb: KnowledgeBase, findings: Iterable[EvidencePublic]) -> list[str]:
    """The names of the warning signs the person denied, in the description or in an answer:
    the signs of :func:`warning_sign_ids`, and the symptoms a safety question asked about by
    name (a swollen calf, dark urine), but never a duration, a place or a medicine."""
    signs = warning_sign_ids(kb)
    names = []
    for f in findings:
        finding = kb.finding_by_id.get(f.finding)
        if finding is None or f.status is not Status.ABSENT:
            continue
        asked_as_a_sign = f.screening and f.question == finding.id
        if finding.id in signs or (
            asked_as_a_sign and finding.kind in SIGN_KINDS and finding.group not in DURATION_GROUPS
        ):
            names.append(finding.name)
    return list(dict.fromkeys(names))


def _result_context(
    engine: Engine,
    result: AssessmentPublic,
    current: InterviewState | None,
    *,
    state: str | None = None,
    saved: SavedAssessment | None = None,
) -> dict[str, object]:
    """What result.html shows: the typed result, and the lists the page draws from it."""
    kb = engine.kb
    causes = [
        c
        for i, c in enumerate(result.conditions)
        if i < SHOWN_CAUSES and (i < 3 or c.probability >= MIN_SHOWN_PROBABILITY)
    ]
    findings = result.findings
    screened = denied_warning_signs(kb, findings)
    told = [
        {
            "name": kb.finding_by_id[f.finding].name,
            "status": f.status.value,
            "origin": f.origin.value,
        }
        for f in findings
        if f.finding in kb.finding_by_id and f.status is not Status.UNKNOWN
    ]
    safety_net = [
        AdvicePublic(text=a.text, sources=[kb.cite(c) for c in a.cite])
        for a in kb.guidance.safety_net
    ]
    # The advice list repeats what the banner and the warning signs already say; show each once.
    shown_elsewhere = {
        result.triage.action,
        *result.triage.do_now,
        *(a.text for a in safety_net),
    }
    advice = [a for a in result.advice_detail if a.text not in shown_elsewhere]
    text = current.text if current else (assessments.input_of(saved).text if saved else "")
    # One story: at an emergency level the causes that explain it come first; the rest fold
    # under "Other possibilities". Otherwise the first FIRST_CAUSES show and the rest fold.
    explaining = [c for c in causes if c.explains_level]
    if explaining:
        first = explaining[:FIRST_CAUSES]
        more = explaining[FIRST_CAUSES:] + [c for c in causes if not c.explains_level]
    else:
        first, more = causes[:FIRST_CAUSES], causes[FIRST_CAUSES:]
    # One numbered list of sources, in the order they are first cited on the page.
    source_list = list(dict.fromkeys(c for item in [*advice, *safety_net] for c in item.sources))
    return {
        "nav": "check",
        "result": result,
        "level": result.triage.level.value,
        "causes": causes,
        "explaining": explaining,
        "first_causes": first,
        "first_advice": FIRST_ADVICE,
        "more_causes": more,
        "source_list": source_list,
        "source_numbers": {c: n for n, c in enumerate(source_list, start=1)},
        "screened": screened,
        "told": told,
        "safety_net": safety_net,
        "advice": advice,
        "state": state,
        "text": text,
        "unread": engine.parser.not_understood(text, engine.parser.parse(text)) if text else [],
        "saved": saved,
    }


@router.post("/result/save")
def save_result(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    state: Annotated[str, Form(max_length=2 * MAX_TEXT + 20_000)],
    csrf_token: Annotated[str, Form(max_length=512)] = "",
) -> Response:
    settings = _settings(request)
    current = InterviewState.load(state, settings, engine)
    if page_user(request, session) is None:
        response = RedirectResponse("/signin?next=/result/save", status_code=303)
        response.set_cookie(
            PENDING_COOKIE,
            state,
            max_age=PENDING_MAX_AGE_S,
            httponly=True,
            secure=settings.https,
            samesite="lax",
            path="/result/save",
        )
        return response
    user = form_user(request, session, csrf_token)
    return _save_pending(session, engine, user, current)


def _save_pending(
    session: Session, engine: Engine, user: User, current: InterviewState
) -> Response:
    """Store the result of ``current`` for ``user`` and open it."""
    evidence = current.answer_evidence()
    result = current.assessment(engine, evidence)
    asked = AssessmentInput.model_validate(
        {
            "text": current.text,
            "age": current.age,
            "sex": current.sex,
            "evidence": [e.as_dict() for e in evidence],
        }
    )
    row = assessments.save(session, user_id=user.id, input=asked, result=result)
    response = RedirectResponse(f"/assessments/{row.id}?saved=1", status_code=303)
    response.delete_cookie(PENDING_COOKIE, path="/result/save")
    return response


@router.get("/result/save")
def confirm_save(request: Request, session: SessionDep, engine: EngineDep) -> Response:
    """After signing in to save: the person already chose "Save to my account", so when the
    browser says the sign-in form of this site sent them here (``Sec-Fetch-Site:
    same-origin``), the result is saved at once (issue 14 item 17: no second "Save this
    result?" page). A link from elsewhere, or a browser that does not say, gets the question,
    so no other site can make a browser save anything."""
    user = require_user(request, session)
    raw = request.cookies.get(PENDING_COOKIE)
    if not raw:
        return RedirectResponse("/account", status_code=303)
    current = InterviewState.load(raw, _settings(request), engine)
    if request.headers.get("sec-fetch-site") == "same-origin":
        return _save_pending(session, engine, user, current)
    return render(request, "result_save.html", {"nav": "check", "state": raw, "text": current.text})


@router.post("/result/report")
def unsaved_report(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    state: Annotated[str, Form(max_length=2 * MAX_TEXT + 20_000)],
    format: Annotated[str, Form(max_length=10)] = "pdf",
) -> Response:
    """The clinician report of a result that was not saved: built from the form's state,
    stored nowhere, without a diary section (the diary needs an account)."""
    page_user(request, session)
    if format not in ("pdf", "fhir"):
        raise PageError(422, "Choose the PDF report or the FHIR file.")
    current = InterviewState.load(state, _settings(request), engine)
    result = current.assessment(engine, current.answer_evidence())
    report = ReportInput(
        assessment_id=0,
        created_at=datetime.now(UTC),
        input=AssessmentInput.model_validate(
            {"text": current.text, "age": current.age, "sex": current.sex}
        ),
        result=result,
    )
    return report_response(report, engine=engine, format=format, name="spasmcheck-result")


AssessmentId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/assessments/{assessment_id}")
def saved_result(
    assessment_id: AssessmentId, request: Request, session: SessionDep, engine: EngineDep
) -> Response:
    user = require_user(request, session)
    row = repository.get_assessment(session, user_id=user.id, assessment_id=assessment_id)
    if row is None:
        raise PageError(404, "There is no saved check with this number in your account.")
    context = _result_context(engine, assessments.result_of(row), None, saved=row)
    context["just_saved"] = request.query_params.get("saved") == "1"
    return render(request, "result.html", context)


@router.post("/assessments/{assessment_id}/delete")
def delete_saved_result(
    assessment_id: AssessmentId,
    request: Request,
    session: SessionDep,
    csrf_token: Annotated[str, Form(max_length=512)] = "",
) -> Response:
    user = form_user(request, session, csrf_token)
    if not repository.delete_assessment(session, user_id=user.id, assessment_id=assessment_id):
        raise PageError(404, "There is no saved check with this number in your account.")
    return RedirectResponse("/account", status_code=303)


# -- about -------------------------------------------------------------------------------------


@router.get("/about")
def about(request: Request, session: SessionDep, engine: EngineDep) -> Response:
    page_user(request, session)
    kb = engine.kb
    return render(
        request,
        "about.html",
        {
            "nav": "",
            "counts": {
                "conditions": len(kb.conditions),
                "findings": len(kb.findings),
                "red_flags": len(kb.red_flags),
                "sources": len(kb.sources),
            },
            "sources": sorted(kb.sources, key=lambda s: (s.kind.value != "seed", s.title)),
        },
    )
