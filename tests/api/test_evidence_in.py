"""An evidence item as a client sends it becomes the same Evidence, field by field
(``EvidenceIn.to_evidence`` passes every field by position, for speed)."""

from __future__ import annotations

import dataclasses

import pytest

from spasmcheck.api.schemas import EvidenceIn
from spasmcheck.reasoning.evidence import Evidence, Origin, Status


@pytest.mark.parametrize(
    "flags", [(True, False, False), (False, True, False), (False, False, True)]
)
def test_every_field_reaches_its_place(flags: tuple[bool, bool, bool]) -> None:
    possible, screening, escalation = flags
    sent = EvidenceIn(
        finding="calf_cramp",
        status="unknown",
        origin="text",
        question="a_question",
        screening=screening,
        escalation=escalation,
        possible=possible,
        text="my calf",
    )
    expected = Evidence(
        finding_id="calf_cramp",
        status=Status.UNKNOWN,
        origin=Origin.TEXT,
        possible=possible,
        text="my calf",
        question="a_question",
        screening=screening,
        escalation=escalation,
    )
    assert sent.to_evidence() == expected
    # every field of Evidence is one the client sends
    assert {f.name for f in dataclasses.fields(Evidence)} - {"finding_id"} <= set(
        EvidenceIn.model_fields
    )
