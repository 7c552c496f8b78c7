"""The interview's request read in one pass, from its bytes to the engine's evidence.

A ``POST /v1/interview`` request carries 30-odd evidence items. Read the plain way, pydantic
validates the body into an :class:`~spasmcheck.api.schemas.InterviewRequest` of
:class:`~spasmcheck.api.schemas.EvidenceIn` models, then every item is checked against the
knowledge base and made into an :class:`~spasmcheck.reasoning.evidence.Evidence`: about 80 µs
an answer (docs/benchmarks.md, issue 16, seventh pass). :class:`BodyReader` validates the same
bytes with pydantic-core (the same JSON parser) against a schema made once per engine, whose
evidence items are built as :class:`Evidence` directly and whose finding ids are a literal of
the knowledge base's own ids: about 40 µs.

It reads only what it can vouch for: its schema is strict (every value of the exact JSON type
its field takes: no ``"40"`` or ``40.0`` for 40, no ``"true"`` for true), with the model's
bounds, no unknown key, and every evidence finding one of the knowledge base's; the answer is
validated by :class:`~spasmcheck.api.schemas.AnswerIn`'s own schema. A body it accepts is the
request the plain way reads, value for value. Anything else — a value pydantic would convert,
a finding the knowledge base does not have, a body that is not JSON — is not read here
(:meth:`BodyReader.read` answers None) and takes the plain way, which gives the answer or the
422 it always gave: no error is written twice. ``tests/api/test_interview_body.py`` holds the
two readings equal on every request of the public vignettes' interviews and on bodies mutated
from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from pydantic_core import SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from spasmcheck.api.schemas import (
    FINDING_ID,
    MAX_EVIDENCE,
    AnswerIn,
    InterviewRequest,
    known_evidence,
)
from spasmcheck.reasoning.engine import PerEngine
from spasmcheck.reasoning.evidence import Evidence, Origin, Status
from spasmcheck.services.schemas import MAX_TEXT, no_nul

if TYPE_CHECKING:
    from spasmcheck.reasoning.engine import Engine


@dataclass(frozen=True, slots=True)
class InterviewInput:
    """An interview request as the route uses it: the evidence already the engine's."""

    text: str | None
    age: int | None
    sex: str | None
    evidence: list[Evidence]
    answer: AnswerIn | None
    max_questions: int

    @classmethod
    def of(cls, engine: Engine, body: InterviewRequest) -> InterviewInput:
        """The plain way: a validated model's items checked against the knowledge base
        (422 ``unknown_finding`` for one it does not have)."""
        evidence = known_evidence(engine.kb, body.evidence)
        return cls(body.text, body.age, body.sex, evidence, body.answer, body.max_questions)


def _text(limit: int) -> cs.CoreSchema:
    """A string of at most ``limit`` characters without NUL (the schemas' text types)."""
    return cs.no_info_after_validator_function(no_nul, cs.str_schema(max_length=limit, strict=True))


def _optional(schema: cs.CoreSchema, default: object = None) -> cs.CoreSchema:
    return cs.with_default_schema(cs.nullable_schema(schema), default=default)


def _default(schema: cs.CoreSchema, default: object) -> cs.CoreSchema:
    return cs.with_default_schema(schema, default=default)


def _field(schema: cs.CoreSchema) -> cs.TypedDictField:
    return cs.typed_dict_field(schema, required=False)


def request_schema(finding_ids: list[str]) -> cs.CoreSchema:
    """The strict schema of an interview request whose evidence names only ``finding_ids``."""
    flag = _default(cs.bool_schema(strict=True), False)
    item = {
        # EvidenceIn's fields, in Evidence's order, under Evidence's names
        "finding_id": cs.literal_schema(finding_ids),
        "status": cs.enum_schema(Status, list(Status), sub_type="str", strict=True),
        "origin": _default(
            cs.enum_schema(Origin, list(Origin), sub_type="str", strict=True), Origin.ANSWER
        ),
        "possible": flag,
        "text": _optional(_text(500)),
        "question": _optional(_text(64)),
        "screening": flag,
        "escalation": flag,
    }
    names = [f.name for f in fields(Evidence)]
    if names != list(item):
        raise TypeError(f"Evidence's fields changed: {names}")
    evidence = cs.dataclass_schema(
        Evidence,
        cs.dataclass_args_schema(
            "Evidence",
            [
                cs.dataclass_field(
                    name,
                    schema,
                    validation_alias="finding" if name == "finding_id" else None,
                    frozen=True,
                )
                for name, schema in item.items()
            ],
            extra_behavior="forbid",
        ),
        names,
        slots=True,
        frozen=True,
    )
    return cs.typed_dict_schema(
        {
            "text": _field(_optional(_text(MAX_TEXT))),
            "age": _field(_optional(cs.int_schema(ge=0, le=120, strict=True))),
            "sex": _field(_optional(cs.literal_schema(["female", "male"]))),
            "evidence": _field(
                _default(cs.list_schema(evidence, max_length=MAX_EVIDENCE, strict=True), [])
            ),
            "answer": _field(_optional(AnswerIn.__pydantic_core_schema__)),
            "max_questions": _field(
                _default(
                    cs.int_schema(ge=1, le=25, strict=True),
                    InterviewRequest.model_fields["max_questions"].default,
                )
            ),
        },
        extra_behavior="forbid",
    )


class BodyReader:
    """One engine's reading of interview requests (its schema, made once)."""

    def __init__(self, engine: Engine) -> None:
        # The knowledge base's own id strings (a literal answers the value it matched: the
        # evidence refers to them, not to copies), those FindingId takes: an id it refuses is
        # the plain way's 422.
        ids = [f for f in engine.kb.finding_by_id if re.fullmatch(FINDING_ID, f)]
        self.validator = SchemaValidator(request_schema(ids))

    def read(self, body: bytes) -> InterviewInput | None:
        """The request, when the body is one this reader vouches for; None otherwise."""
        try:
            data: dict[str, Any] = self.validator.validate_json(body)
        except ValidationError:
            return None
        return InterviewInput(
            data["text"],
            data["age"],
            data["sex"],
            data["evidence"],
            data["answer"],
            data["max_questions"],
        )


# The engine's reader, made on first use and kept as long as the engine lives.
body_reader = PerEngine(BodyReader)
