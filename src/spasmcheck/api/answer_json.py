"""The JSON of an interview step, written from fragments encoded once per knowledge base.

``POST /v1/interview`` answers with ``InterviewStepPublic`` (docs/contract.md): about 20 KB,
most of it the same on every answer. Each ranked cause repeats its id, names, codes, category,
usual level and summary (about 1 KB); only its probability, ``explains_level`` and its
evidence change, and the evidence notes are themselves the knowledge base's (a finding, an
answer and a likelihood ratio of its tables: :class:`~spasmcheck.reasoning.engine.EvidenceNote`,
whose JSON is encoded the first time it is written). The disclaimer, the estimate note and
the knowledge base's version close every answer.

:class:`AnswerJson` encodes those fragments once per engine, with pydantic's own serializer,
and an answer is the fragments joined around the few values that change, each encoded by
the same serializer: the same bytes as ``to_json`` of the step's ``as_dict()`` (and so as
the public model's ``model_dump_json()``; ``tests/api/test_interview_json.py`` compares the
three on walked interviews), without building and encoding the same ~1,000 dict entries
again on every answer (docs/benchmarks.md, "fifth pass"). Nothing depends on the request or
the evidence: the fragments are a function of the knowledge base alone. A cause from another
knowledge base, or an assessment whose closing texts differ from the engine's, is written
from its ``as_dict()``, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic_core import to_json

from spasmcheck.reasoning.engine import PerEngine

if TYPE_CHECKING:
    from spasmcheck.knowledge.schema import Condition
    from spasmcheck.reasoning.engine import Assessment, Engine, RankedCondition
    from spasmcheck.reasoning.interview import Step

_BOOL = {True: b"true", False: b"false"}


def _key(name: str) -> bytes:
    """A key and its colon, as ``to_json`` writes them inside an object (``,"name":``)."""
    return b"," + to_json(name) + b":"


class AnswerJson:
    """The fragments of one engine's answers, and the answers written from them."""

    def __init__(self, engine: Engine) -> None:
        kb = engine.kb
        # condition id → (the condition, its JSON up to "probability", from "icd10" up to
        # "explains_level", from "summary" up to the first evidence sentence)
        self._conditions: dict[str, tuple[Condition, bytes, bytes, bytes]] = {}
        for c in kb.conditions:
            head = (
                b'{"id":'
                + to_json(c.id)
                + _key("name")
                + to_json(c.name)
                + _key("clinical_name")
                + to_json(c.clinical_name)
                + _key("probability")
            )
            middle = (
                _key("icd10")
                + to_json(list(c.icd10))
                + _key("snomed")
                + to_json(c.snomed)
                + _key("category")
                + to_json(c.category.value)
                + _key("usual_triage")
                + to_json(c.triage.value)
                + _key("explains_level")
            )
            tail = _key("summary") + to_json(c.summary) + _key("evidence_for") + b"["
            self._conditions[c.id] = (c, head, middle, tail)
        guidance = kb.guidance
        self._closing = (guidance.disclaimer, guidance.estimate_note, kb.version)
        self._closing_json = (
            _key("disclaimer")
            + to_json(guidance.disclaimer)
            + _key("estimate_note")
            + to_json(guidance.estimate_note)
            + _key("kb_version")
            + to_json(kb.version)
            + b"}"
        )

    def condition(self, ranked: RankedCondition) -> bytes:
        """``to_json(ranked.as_dict())``."""
        c = ranked.condition
        entry = self._conditions.get(c.id)
        if entry is None or entry[0] is not c:
            return to_json(ranked.as_dict())
        _, head, middle, tail = entry
        notes_for, notes_against = ranked.evidence_for, ranked.evidence_against
        return b"".join(
            (
                head,
                to_json(round(ranked.probability, 4)),
                middle,
                _BOOL[ranked.explains_level],
                tail,
                b",".join([n.sentence_json for n in notes_for]),
                b'],"evidence_against":[',
                b",".join([n.sentence_json for n in notes_against]),
                b'],"evidence":[',
                b",".join([n.json for n in (*notes_for, *notes_against)]),
                b"]}",
            )
        )

    def assessment(self, assessment: Assessment, findings: bytes) -> bytes:
        """``to_json(assessment.as_dict())``, given ``findings``, the JSON of its evidence."""
        closing = (assessment.disclaimer, assessment.estimate_note, assessment.kb_version)
        if closing != self._closing:
            return to_json(assessment.as_dict())
        middle = to_json(assessment.triage_part())
        after = to_json(
            {
                "mentions": [m.as_dict() for m in assessment.mentions],
                "not_understood": list(assessment.not_understood),
            }
        )
        condition = self.condition
        return b"".join(
            (
                b'{"conditions":[',
                b",".join([condition(r) for r in assessment.conditions]),
                b"],",
                middle[1:-1],
                b',"findings":',
                findings,
                b",",
                after[1:-1],
                self._closing_json,
            )
        )

    def step(self, step: Step) -> bytes:
        """``InterviewStepPublic.of(step).model_dump_json()``, as bytes."""
        assessment = step.assessment
        findings = to_json([e.as_dict() for e in assessment.evidence])
        echoed = step.evidence
        # The step echoes the evidence the assessment lists as its findings (the same items,
        # in the same order): encoded once, written twice.
        same = len(echoed) == len(assessment.evidence) and all(
            a is b for a, b in zip(echoed, assessment.evidence, strict=True)
        )
        evidence = findings if same else to_json([e.as_dict() for e in echoed])
        question = step.question
        return b"".join(
            (
                b'{"question":',
                b"null" if question is None else to_json(question.as_dict()),
                b',"should_stop":',
                _BOOL[step.should_stop],
                b',"stop_reason":',
                to_json(step.stop_reason),
                b',"questions_asked":',
                to_json(step.questions_asked),
                b',"result":',
                self.assessment(assessment, findings),
                b',"evidence":',
                evidence,
                b"}",
            )
        )


# The engine's fragments, encoded on first use and kept as long as the engine lives.
answer_json = PerEngine(AnswerJson)


def step_json(step: Step, engine: Engine) -> bytes:
    """The JSON of ``InterviewStepPublic.of(step)``: the bytes the model would give, written
    from ``engine``'s fragments (``step`` is one of ``engine``'s steps; a cause or closing text
    that is not the engine's is written from its ``as_dict()``)."""
    return answer_json(engine).step(step)
