"""``BodyReader`` reads a ``POST /v1/interview`` body straight into the engine's evidence, and
only a body it can vouch for: whatever it reads must be the request the plain way reads
(``InterviewRequest`` validated, its items checked against the knowledge base and made into
``Evidence``), value for value; whatever it does not read takes the plain way, errors and all
(issue 16, seventh pass).

Held here on every request of the public vignettes' interviews, on bodies mutated from them
field by field, and on schemathesis' bodies for the route (valid and invalid); through the
app, every answer with the reader is the answer without it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from pydantic import TypeAdapter, ValidationError

from spasmcheck.api.errors import ApiError
from spasmcheck.api.interview_body import BodyReader, InterviewInput, body_reader
from spasmcheck.api.routes import engine as engine_routes
from spasmcheck.api.schemas import FINDING_ID, FindingId, InterviewRequest
from spasmcheck.evaluation.vignettes import SimulatedPatient, load_vignettes
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet
from spasmcheck.reasoning.interview import Interviewer, answer_evidence

from ..conftest import REPO
from .conftest import TestClient, make_app

PUBLIC = REPO / "vignettes" / "public.yaml"
JSON = {"content-type": "application/json"}


def walked_bodies(engine: Engine) -> list[dict[str, Any]]:
    """Every request a client sends over the public vignettes' interviews: the text first,
    then each step's evidence with its question answered (the simulated patient's answers)."""
    interviewer = Interviewer(engine)
    bodies: list[dict[str, Any]] = []
    for vignette in load_vignettes(PUBLIC):
        person = {"age": vignette.age, "sex": vignette.sex}
        bodies.append({"text": vignette.text, **person})
        patient = SimulatedPatient(engine, vignette.facts)
        evidence = EvidenceSet(engine.parse(vignette.text)[1])
        while True:
            step = interviewer.step(evidence, vignette.age, vignette.sex)
            if step.should_stop or step.question is None:
                break
            question = step.question
            response = patient.answer(question)
            bodies.append(
                {
                    **person,
                    "evidence": [e.as_dict() for e in step.evidence],
                    "answer": {
                        "question_id": question.id,
                        "kind": question.kind.value,
                        "options": [o.finding_id for o in question.options],
                        "screening": question.screening,
                        "escalation": question.escalation,
                        "response": response,
                    },
                }
            )
            for item in answer_evidence(question, response):
                evidence.add(item)
    return bodies


@pytest.fixture(scope="module")
def bodies(engine: Engine) -> list[bytes]:
    return [json.dumps(b).encode() for b in walked_bodies(engine)]


def plain(engine: Engine, body: bytes) -> InterviewInput | None:
    """The plain way's reading; None where it answers an error (a 422)."""
    try:
        return InterviewInput.of(engine, InterviewRequest.model_validate_json(body))
    except (ValidationError, ApiError):
        return None


def check(engine: Engine, reader: BodyReader, body: bytes) -> InterviewInput | None:
    """The reader's reading of ``body``, which must be the plain way's when there is one."""
    read = reader.read(body)
    if read is not None:
        expected = plain(engine, body)
        assert expected is not None, body  # the plain way would have refused it
        assert read == expected, body
        assert all(type(e) is Evidence for e in read.evidence)
        if read.answer is not None:
            assert expected.answer is not None
            assert type(read.answer) is type(expected.answer)
            assert read.answer.model_dump() == expected.answer.model_dump()
    return read


def test_every_walked_request_is_read_as_the_plain_way_reads_it(
    engine: Engine, bodies: list[bytes]
) -> None:
    reader = body_reader(engine)
    assert len(bodies) > 1000
    for body in bodies:
        assert check(engine, reader, body) is not None, body  # and each takes the short way


def test_the_evidence_names_the_knowledge_bases_own_ids(
    engine: Engine, bodies: list[bytes]
) -> None:
    read = body_reader(engine).read(bodies[1])
    assert read is not None and read.evidence
    assert all(e.finding_id is engine.kb.finding_by_id[e.finding_id].id for e in read.evidence)


# Values put in place of a field's: lax forms pydantic converts, wrong types, bounds, strings
# it refuses or keeps, ids it does not know.
ODD_VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 40, 121, 40.0, 40.5, "40", "true", "", "x", "present",
    "answer", "yes", "none", "cramp", "Cramp", "cramp\n", "nope_nope", "a\x00b", "é" * 3,
    "q" * 64, "q" * 65, "t" * 500, "t" * 501, [], ["cramp"], ["Cramp"], ["x"] * 31, {}, {"a": 1},
]  # fmt: skip


def mutations(body: dict[str, Any]) -> list[bytes]:
    """``body`` with each field (of the request, of its first and last evidence items and of
    its answer) replaced by each odd value, removed, or joined by an unknown key."""
    out: list[bytes] = []

    def variants(target: dict[str, Any], keys: list[str]) -> None:
        for key in keys:
            saved, had = target.get(key), key in target
            for value in ODD_VALUES:
                target[key] = value
                out.append(json.dumps(body).encode())
            target.pop(key, None)
            out.append(json.dumps(body).encode())
            if had:
                target[key] = saved
        target["surprise"] = 1
        out.append(json.dumps(body).encode())
        del target["surprise"]

    variants(body, ["text", "age", "sex", "evidence", "answer", "max_questions"])
    for item in body.get("evidence", [])[:1] + body.get("evidence", [])[-1:]:
        keys = ["finding", "status", "origin", "question", "screening", "escalation"]
        variants(item, [*keys, "possible", "text"])
    if body.get("answer"):
        variants(body["answer"], ["question_id", "kind", "options", "screening", "response"])
    return out


RAW_BODIES = [
    b"", b"[]", b"null", b"{", b'{"age": NaN}', b'{"age": Infinity}', b'{"age": 40, "age": 41}',
    b'{"age": 40, "age": "41"}', b'{"text": "\\ud800"}', b'{"text": "\\u0000"}',
    '{"text": "café"}'.encode("latin-1"), '{"text": "café"}'.encode("utf-16"),
    b'\xef\xbb\xbf{"age": 40}', b'{"age": 4e1}', b'{"age": -0}', b'{"age": 40} ', b' {"age": 40}',
    b'{"evidence": [{"finding": "cramp", "status": "present", "status": "absent"}]}',
    b'{"evidence": [{"finding": "cramp", "status": "PRESENT"}]}',
]  # fmt: skip


def test_mutated_bodies_are_read_as_the_plain_way_reads_them_or_not_at_all(
    engine: Engine, bodies: list[bytes]
) -> None:
    reader = body_reader(engine)
    picked = [json.loads(b) for b in bodies[:: max(1, len(bodies) // 12)]]
    sent = [m for body in picked for m in mutations(body)] + RAW_BODIES
    read = [check(engine, reader, body) for body in sent]
    # both outcomes occur: some odd values are still good requests (null, a bound), most not
    assert sum(r is not None for r in read) > 100
    assert sum(r is None for r in read) > 1000


@pytest.mark.parametrize(
    "value", ["ab", "a" * 64, "a_1", "ab\n", "\nab", "Ab", "a", "a" * 65, "a-b", "aé", "1ab"]
)
def test_the_finding_pattern_is_the_schemas(value: str) -> None:
    """The ids the reader's literal keeps are those FindingId takes (a trailing newline
    included: ``re``'s ``$`` would let it through)."""
    try:
        TypeAdapter(FindingId).validate_python(value)
        taken = True
    except ValidationError:
        taken = False
    assert (re.fullmatch(FINDING_ID, value) is not None) is taken


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return make_app(tmp_path_factory.mktemp("app"))


class ReadsNothing(BodyReader):
    def read(self, body: bytes) -> InterviewInput | None:
        return None


def answers(app: FastAPI, sent: list[bytes]) -> None:
    """Each body's status, headers and bytes from the app, with the engine's reader and with
    one that reads nothing (every body the plain way): the same."""
    nothing = ReadsNothing(app.state.engine)
    with TestClient(app) as client, pytest.MonkeyPatch.context() as patch:
        for body in sent:
            got = client.post("/v1/interview", content=body, headers=JSON)
            patch.setattr(engine_routes, "body_reader", lambda engine: nothing)
            expected = client.post("/v1/interview", content=body, headers=JSON)
            patch.undo()
            assert (got.status_code, got.headers.items(), got.content) == (
                expected.status_code,
                expected.headers.items(),
                expected.content,
            ), body


def test_through_the_app_the_answers_are_the_plain_ways(app: FastAPI, bodies: list[bytes]) -> None:
    picked = [json.loads(b) for b in bodies[:: max(1, len(bodies) // 4)]]
    sent = bodies[:: max(1, len(bodies) // 60)] + RAW_BODIES
    sent += [m for body in picked for m in mutations(body)][::7]
    answers(app, sent)


@pytest.fixture(scope="module")
def interview_operation(app: FastAPI) -> Any:
    import schemathesis

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return schema["/v1/interview"]["POST"]


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_schemathesis_bodies_are_read_as_the_plain_way_reads_them(
    engine: Engine, interview_operation: Any, app: FastAPI, mode: str
) -> None:
    """The bodies schemathesis generates from the route's OpenAPI schema, valid and not: read
    as the plain way reads them or not at all, and answered as without the reader."""
    from schemathesis import GenerationMode

    reader = body_reader(engine)
    sent: list[bytes] = []

    @settings(
        max_examples=60,
        database=None,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=interview_operation.as_strategy(generation_mode=GenerationMode(mode)))
    def run(case: Any) -> None:
        try:
            body = json.dumps(case.body).encode()
        except TypeError:  # no body, or one JSON cannot carry
            return
        check(engine, reader, body)
        sent.append(body)

    run()
    assert sent
    answers(app, sent[::3])
