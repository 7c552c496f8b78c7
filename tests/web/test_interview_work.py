"""The web interview does not recompute (issue 16 item 6): the signed state carries the
findings read in the description and the question on the page, so answering parses nothing
and computes no step, and showing the next page computes exactly one step."""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any

import pytest
from fastapi.routing import APIRoute

from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.interview import Interviewer
from spasmcheck.services.security import SESSION_COOKIE
from tests.api.conftest import TestClient


def hidden_state(page: str) -> str:
    found = re.search(r'name="state" value="([^"]*)"', page)
    assert found, "no interview state on the page"
    return html.unescape(found.group(1))


def first_choice(page: str) -> str:
    return "none" if 'value="none"' in page else "no"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counted: Counter[str] = Counter()
    parse, step = Engine.parse, Interviewer.step

    def counting_parse(self: Engine, *args: Any, **kwargs: Any) -> Any:
        counted["parse"] += 1
        return parse(self, *args, **kwargs)

    def counting_step(self: Interviewer, *args: Any, **kwargs: Any) -> Any:
        counted["step"] += 1
        return step(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "parse", counting_parse)
    monkeypatch.setattr(Interviewer, "step", counting_step)
    return counted


def test_the_text_is_parsed_once_and_each_page_is_one_step(
    web: TestClient, calls: Counter[str]
) -> None:
    started = web.post("/interview", data={"text": "my calf cramps at night", "action": "start"})
    assert started.status_code == 303
    assert calls == {"parse": 1}
    page = web.get(started.headers["location"])
    assert page.status_code == 200
    assert calls == {"parse": 1, "step": 1}
    for number in range(1, 4):
        calls.clear()
        data = {"state": hidden_state(page.text), "answer": first_choice(page.text)}
        answered = web.post("/interview", data=data)
        assert answered.status_code == 303
        assert answered.headers["location"] == f"/interview?step={number}"
        assert calls == {}  # the answer is applied to the question the state names
        page = web.get(answered.headers["location"])
        assert page.status_code == 200
        assert calls == {"step": 1}  # the next question, from the parsed findings in the state
        if 'name="answer"' not in page.text:
            break


def test_the_answer_goes_to_the_question_the_state_names(web: TestClient) -> None:
    """Two tabs at different steps: each answer is recorded for its own tab's question."""
    started = web.post("/interview", data={"text": "my calf cramps at night", "action": "start"})
    first = web.get(started.headers["location"])
    first_state = hidden_state(first.text)
    answered = web.post(
        "/interview", data={"state": first_state, "answer": first_choice(first.text)}
    )
    second = web.get(answered.headers["location"])
    assert hidden_state(second.text) != first_state
    # the first tab answers again: its own question, so step 1 again (not step 2)
    again = web.post("/interview", data={"state": first_state, "answer": first_choice(first.text)})
    assert again.headers["location"] == "/interview?step=1"


def test_an_answer_that_does_not_fit_the_question_is_shown_with_the_question(
    web: TestClient,
) -> None:
    started = web.post("/interview", data={"text": "my calf cramps at night", "action": "start"})
    page = web.get(started.headers["location"])
    refused = web.post("/interview", data={"state": hidden_state(page.text), "answer": "zzz"})
    assert refused.status_code == 422
    assert hidden_state(refused.text)
    assert "choose" in refused.text.lower() or "tick" in refused.text.lower()


@pytest.mark.parametrize(
    "text",
    [
        "my calf cramps at night",
        "my eyelid keeps twitching",
        # an emergency: the question page shows the emergency banner from this triage
        "sudden weakness on one side of my face and I cannot speak properly",
    ],
)
def test_the_question_pages_triage_is_the_assessments(text: str) -> None:
    from spasmcheck.reasoning.engine import default_engine
    from spasmcheck.reasoning.evidence import EvidenceSet
    from spasmcheck.reasoning.public import AssessmentPublic
    from spasmcheck.web.pages import triage_public

    engine = default_engine()
    step = Interviewer(engine).step(EvidenceSet(engine.parse(text)[1]), 50, "female")
    assert triage_public(step.assessment) == AssessmentPublic.of(step.assessment).triage


def test_a_signed_out_interview_opens_no_database_session(web: TestClient) -> None:
    """The check's pages take no session dependency (issue 16): a visitor without a session
    cookie costs no database session on the start page, an answer or a question page."""
    app: Any = web.app
    factory = app.state.session_factory
    opened: list[object] = []

    def counting() -> Any:
        session = factory()
        opened.append(session)
        return session

    app.state.session_factory = counting
    try:
        assert web.get("/").status_code == 200
        started = web.post(
            "/interview", data={"text": "calf cramps at night", "age": "40", "action": "start"}
        )
        assert started.status_code == 303
        page = web.get(started.headers["location"])
        assert page.status_code == 200
        answered = web.post(
            "/interview", data={"state": hidden_state(page.text), "answer": first_choice(page.text)}
        )
        assert answered.status_code == 303
        assert web.get(answered.headers["location"]).status_code == 200
        assert opened == []
        # with a session cookie the account is read: one session per page
        web.cookies.set(SESSION_COOKIE, "not-a-real-token")
        assert web.get(answered.headers["location"]).status_code == 200
        assert len(opened) == 1
    finally:
        app.state.session_factory = factory


def test_the_interviews_routes_are_tried_first(
    web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Routes are matched one by one in the order they were added: the web's check pages
    come first, so an answer to the web interview scans none of the API's forty-odd routes;
    the question page and the API's interview are answered before the router
    (``PageShortcut``, ``JsonBodyShortcut``) (issue 16, docs/benchmarks.md). Counted, not
    timed."""
    tried: list[str] = []
    matches = APIRoute.matches

    def counting(self: APIRoute, scope: Any) -> Any:
        tried.append(self.path)
        return matches(self, scope)

    started = web.post(
        "/interview", data={"text": "calf cramps at night", "age": "40", "action": "start"}
    )
    monkeypatch.setattr(APIRoute, "matches", counting)
    page = web.get(started.headers["location"])
    assert page.status_code == 200
    # before: every route of the API was tried first (39 matches); then the engine's nine
    # (15); then the web's check pages (6); now none
    assert tried == []
    found = re.search(r'name="state" value="([^"]*)"', page.text)
    assert found
    answer = "none" if 'value="none"' in page.text else "no"
    state = html.unescape(found.group(1))
    assert web.post("/interview", data={"state": state, "answer": answer}).status_code == 303
    assert 0 < len(tried) <= 6, tried
    tried.clear()
    assert web.post("/v1/interview", json={"text": "calf cramps at night"}).status_code == 200
    assert tried == []


STATE_KEY = "a-test-key-of-at-least-thirty-two-characters"
PAYLOADS: list[Any] = [
    {"v": 2, "t": "my calf cramps at night", "a": 45, "s": "male", "r": [], "u": None},
    {"v": 2, "t": "ça fait mal — “quotes”", "a": None, "s": None, "r": [["q", "yes_no"]] * 30},
    [],
    "x" * 2000,
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_the_state_is_signed_as_itsdangerous_signs_it(payload: Any) -> None:
    """The state's serializer keys its HMAC once (issue 16, fifth pass): the same state
    strings as itsdangerous' own serializer, each read by the other."""
    from itsdangerous import URLSafeSerializer

    from spasmcheck.web.pages import _StateSerializer

    ours = _StateSerializer(STATE_KEY, salt="spasmcheck.interview")
    plain = URLSafeSerializer(STATE_KEY, salt="spasmcheck.interview")
    assert ours.dumps(payload) == plain.dumps(payload)
    assert ours.loads(plain.dumps(payload)) == payload
    assert plain.loads(ours.dumps(payload)) == payload
    assert ours.dumps(payload, salt="other") == plain.dumps(payload, salt="other")
    # one signer for the serializer's own salt, however it is asked for
    assert (
        ours.make_signer()
        is ours.make_signer(ours.salt)
        is ours.make_signer("spasmcheck.interview")
    )
    assert ours.make_signer("other") is not ours.make_signer()


def test_the_states_json_is_itsdangerous_own_for_every_character() -> None:
    """The state's JSON is written and read by pydantic-core (issue 16, seventh pass): the
    bytes of itsdangerous' compact JSON for every character a text can hold (every control
    character, quote and backslash, every plane), and read back as ``json.loads`` reads them."""
    import json

    from itsdangerous._json import _CompactJSON

    from spasmcheck.web.pages import _StateJSON

    texts = [
        "".join(
            chr(c) for c in range(start, min(start + 4096, 0x110000)) if not 0xD800 <= c < 0xE000
        )
        for start in range(0, 0x110000, 4096)
    ]
    values: list[Any] = [*texts, *PAYLOADS, 0, -1, 120, 10**20, True, False, None, [], {}]
    values.append({"v": 2, "r": [["q", "single", True, False, ["a", "b"], ["a"]]], "u": None})
    for value in values:
        written = _StateJSON.dumps(value)
        assert written == _CompactJSON.dumps(value)
        assert _StateJSON.loads(written) == json.loads(written) == value
    # a lone surrogate: written by the plain way, which the serializer then refuses
    assert _StateJSON.dumps({"t": "\ud800"}) == _CompactJSON.dumps({"t": "\ud800"})


def test_a_state_not_signed_with_the_key_is_refused() -> None:
    from itsdangerous import BadSignature, URLSafeSerializer

    from spasmcheck.web.pages import _StateSerializer

    ours = _StateSerializer(STATE_KEY, salt="spasmcheck.interview")
    state = ours.dumps({"v": 2, "t": "calf cramps"})
    payload, _, signature = state.rpartition(".")
    forged = URLSafeSerializer(
        "another-key-of-at-least-thirty-two-chars", salt="spasmcheck.interview"
    )
    for bad in (
        forged.dumps({"v": 2, "t": "calf cramps"}),  # another key
        URLSafeSerializer(STATE_KEY, salt="another salt").dumps({"v": 2}),  # another salt
        f"{payload}.{signature[::-1]}",  # a changed signature
        f"{payload}x.{signature}",  # a changed payload
        f"{payload}.{signature[:-1]}!",  # a signature that is not base64
        payload,  # no signature
    ):
        with pytest.raises(BadSignature):
            ours.loads(bad)


RECORDED: list[tuple[str, str, list[str], Any]] = [
    ("cramp", "yes_no", [], "yes"),
    ("cramp", "yes_no", [], "no"),
    ("cramp", "yes_no", [], "dont_know"),
    ("cramp", "yes_no", [], "maybe"),
    ("cramp", "yes_no", [], ["yes"]),
    ("where", "single", ["loc_calf", "loc_foot"], ["loc_calf"]),
    ("where", "single", ["loc_calf", "loc_foot"], ["loc_calf", "loc_foot"]),
    ("where", "multiple", ["loc_calf", "loc_foot"], ["loc_foot", "loc_foot"]),
    ("where", "multiple", ["loc_calf", "loc_foot"], "loc_foot"),
    ("where", "multiple", ["loc_calf", "loc_foot"], "none"),
    ("where", "multiple", ["loc_calf", "loc_foot"], "dont_know"),
    ("where", "multiple", ["loc_calf", "loc_foot"], []),
    ("where", "multiple", ["loc_calf", "loc_foot"], "yes"),
    ("where", "multiple", ["loc_calf", "loc_foot"], ["loc_knee"]),
    ("where", "sideways", ["loc_calf"], "none"),
]


@pytest.mark.parametrize("flags", [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("shape", RECORDED, ids=lambda s: f"{s[1]}-{s[3]}")
def test_a_stored_answer_gives_the_evidence_its_question_would(
    shape: tuple[str, str, list[str], Any], flags: tuple[bool, bool]
) -> None:
    """A page replays the stored answers without making their questions (issue 16, fifth
    pass): the same evidence as ``answer_evidence`` of the question, or the same error."""
    from spasmcheck.reasoning.interview import answer_evidence
    from spasmcheck.web.pages import Recorded

    question_id, kind, options, response = shape
    recorded = Recorded(question_id, kind, flags[0], flags[1], options, response)
    try:
        expected: Any = answer_evidence(recorded.to_question(), response)
    except ValueError as error:
        expected = str(error)
    try:
        got: Any = recorded.evidence()
    except ValueError as error:
        got = str(error)
    assert got == expected
