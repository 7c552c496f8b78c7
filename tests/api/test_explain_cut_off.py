"""/v1/explain shows evidence with the engine's own cut-off (reasoning.engine.shown_evidence):
for a deep vein thrombosis a cramp has a likelihood ratio of 1.14, under the cut-off of 1.2, so
it is not listed as evidence for it, as the assessment does not list it."""

from __future__ import annotations

import math

from fastapi.testclient import TestClient

from spasmcheck.reasoning.engine import SHOWN_LOG_LR


def test_explain_and_assess_show_the_same_evidence(client: TestClient) -> None:
    evidence = [
        {"finding": "calf_swelling", "status": "present"},
        {"finding": "cramp", "status": "present"},
        {"finding": "at_night", "status": "present"},
        {"finding": "hx_immobility", "status": "absent"},
    ]
    explained = client.post(
        "/v1/explain", json={"condition": "deep_vein_thrombosis", "evidence": evidence}
    ).json()
    assert [item["finding"] for item in explained["evidence_for"]] == ["calf_swelling"]
    for item in explained["evidence_for"]:
        assert math.log(item["likelihood_ratio"]) > SHOWN_LOG_LR - 0.001  # rounded to 3 places
    for item in explained["evidence_against"]:
        assert math.log(item["likelihood_ratio"]) < -SHOWN_LOG_LR + 0.001
