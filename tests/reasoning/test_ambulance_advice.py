"""Under "Call an ambulance now" no cause's advice says "go to an emergency department" on
one's own (usability walkthrough 2026-12-05, C1): two instructions of different urgency."""

from __future__ import annotations

from spasmcheck.knowledge.schema import Advice, TriageLevel
from spasmcheck.reasoning.engine import Engine, sends_to_hospital


def advice(text: str) -> Advice:
    return Advice.model_validate({"text": text, "cite": [{"source": "seed_internal"}]})


def test_which_advice_sends_to_hospital() -> None:
    assert sends_to_hospital(advice("Go to an emergency department if the pain spreads."))
    assert not sends_to_hospital(advice("Go to an emergency department or call an ambulance."))
    assert not sends_to_hospital(advice("Call your emergency number now if it gets worse."))
    assert not sends_to_hospital(advice("Rest the calf and stretch it gently."))


def test_an_ambulance_result_gives_no_go_to_hospital_advice(engine: Engine) -> None:
    texts = [
        "my eyelid twitches and now weakness is spreading quickly up both legs",
        "my dad's mouth went droopy and he's talking funny",
        "my legs were jerking and then I had a seizure on the kitchen floor",
    ]
    for text in texts:
        result = engine.assess(text, 45)
        assert result.triage.level is TriageLevel.EMERGENCY_AMBULANCE, text
        assert not [
            a.text
            for a in result.advice
            if "emergency department" in a.text.lower()
            and "ambulance" not in a.text.lower()
            and "emergency number" not in a.text.lower()
        ], text


def test_what_to_do_now_says_call_once(engine: Engine) -> None:
    """Walkthrough C2: a warning sign's own "call now" was followed by the level's general
    "Call the emergency number now ...": the general text comes only when no sign gave one."""
    general = engine.kb.level_guidance[TriageLevel.EMERGENCY_AMBULANCE].do_now
    result = engine.assess("my dad's mouth went droopy and he's talking funny", 70)
    assert result.triage.level is TriageLevel.EMERGENCY_AMBULANCE
    assert result.triage.do_now and general not in result.triage.do_now
    calls = [item for item in result.triage.do_now if "emergency number now" in item.lower()]
    assert len(calls) == 1
