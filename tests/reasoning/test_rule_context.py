"""Red-flag context (issue 11 item 5): the findings that make a rule not apply.

A rule is silenced when every ``unless`` finding and, if listed, one ``unless_any`` finding
is affirmed. Each row below is a clinical reading of the packaged rules, with its source in
the rule's own citation (red_flags.yaml).
"""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import RedFlag, TriageLevel
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.triage import fired_red_flags


def rule(unless: list[str], unless_any: list[str]) -> RedFlag:
    return RedFlag(
        id="test_rule",
        name="A test rule",
        level=TriageLevel.CONSULTATION,
        any_of=["sign"],
        unless=unless,
        unless_any=unless_any,
        reason="Only for this test.",
        do_now="Nothing, this is a test.",
        cite=[{"source": "seed_widespread"}],
    )


@pytest.mark.parametrize(
    ("unless", "unless_any", "affirmed", "silenced"),
    [
        ([], [], {"ctx_b", "ctx_c"}, False),  # no context: never silenced
        (["ctx_b"], [], {"ctx_b"}, True),
        (["ctx_b", "ctx_c"], [], {"ctx_b"}, False),  # every unless finding is needed
        ([], ["ctx_b", "ctx_c"], {"ctx_c"}, True),  # one unless_any finding is enough
        ([], ["ctx_b", "ctx_c"], set(), False),
        (["ctx_b"], ["ctx_c", "ctx_d"], {"ctx_b"}, False),  # both parts are needed
        (["ctx_b"], ["ctx_c", "ctx_d"], {"ctx_c"}, False),
        (["ctx_b"], ["ctx_c", "ctx_d"], {"ctx_b", "ctx_d"}, True),
    ],
)
def test_silenced_by(
    unless: list[str], unless_any: list[str], affirmed: set[str], silenced: bool
) -> None:
    assert rule(unless, unless_any).silenced_by(affirmed) is silenced


def test_still_when_any_cancels_the_context() -> None:
    """Slurring for months is not a stroke, unless something came on suddenly too."""
    base = rule(["ctx_b"], [])
    kept = base.model_copy(update={"still_when_any": ["sudden"]})
    assert kept.silenced_by({"ctx_b"}) is True
    assert kept.silenced_by({"ctx_b", "sudden"}) is False
    assert kept.silenced_by({"ctx_b"}, known={"ctx_b", "sudden"}) is False  # in doubt: fires
    assert base.silenced_by({"ctx_b", "sudden"}) is True


def test_unless_alone_is_a_context_enough_on_its_own() -> None:
    base = rule(["ctx_b"], ["ctx_c"])
    also = base.model_copy(update={"unless_alone": ["ctx_e"]})
    assert also.silenced_by({"ctx_e"}) is True
    assert base.silenced_by({"ctx_e"}) is False
    assert also.silenced_by({"ctx_b", "ctx_c"}) is True
    with_still = also.model_copy(update={"still_when_any": ["sudden"]})
    assert with_still.silenced_by({"ctx_e", "sudden"}) is False


def test_alone_still_when_any_keeps_only_the_alone_context_from_silencing() -> None:
    """A context enough on its own can bring its own list of what keeps the rule firing,
    without changing the unless/unless_any context (twenty-third session: breathless after a
    sprint and fine in minutes, unless chest pain; the walking context is not touched)."""
    both = rule(["ctx_b"], []).model_copy(
        update={"unless_alone": ["ctx_e"], "alone_still_when_any": ["danger"]}
    )
    assert both.silenced_by({"ctx_e"}) is True
    assert both.silenced_by({"ctx_e", "danger"}) is False  # the alone context is cancelled
    assert both.silenced_by({"ctx_e"}, known={"ctx_e", "danger"}) is False  # in doubt: fires
    assert both.silenced_by({"ctx_b", "danger"}) is True  # the other context is not
    assert both.silenced_by({"ctx_b", "ctx_e", "danger"}) is True


def fired(kb: KnowledgeBase, present: list[str], age: int | None = 40) -> set[str]:
    return {f.flag.id for f in fired_red_flags(kb, present, age=age)}


def test_every_context_finding_exists(kb: KnowledgeBase) -> None:
    ids = {f.id for f in kb.findings}
    for flag in kb.red_flags:
        assert set(flag.unless) | set(flag.unless_any) <= ids, flag.id


@pytest.mark.parametrize(
    ("present", "rule_id", "fires"),
    [
        # A cramp's own course explains its pain (NICE CKS Leg cramps)...
        (["severe_pain", "cramp", "at_night"], "severe_unexplained_pain", False),
        (["severe_pain", "cramp", "episode_minutes"], "severe_unexplained_pain", False),
        (["severe_pain", "cramp", "relief_stretching"], "severe_unexplained_pain", False),
        # ...but not a severe pain with no cramp, or a cramp whose course is not given.
        (["severe_pain", "at_night"], "severe_unexplained_pain", True),
        (["severe_pain", "cramp"], "severe_unexplained_pain", True),
        # Severe belly pain is never explained away by a cramp.
        (["abdominal_pain_severe", "cramp", "at_night"], "severe_belly_pain", True),
        # Tingling lips and clawing hands while overbreathing is hyperventilation (Gardner 1996).
        (["tingling_lips_fingers", "hand_claw_spasm"], "tetany_signs", True),
        (["tingling_lips_fingers", "hand_claw_spasm", "fast_breathing"], "tetany_signs", False),
        (
            ["tingling_lips_fingers", "hand_claw_spasm", "trigger_overbreathing"],
            "tetany_signs",
            False,
        ),
        (["tingling_lips_fingers", "tingling", "fast_breathing"], "numbness_or_tingling", False),
        # Numbness without the hyperventilation pattern still needs a doctor.
        (["numbness", "fast_breathing"], "numbness_or_tingling", True),
        # Breathless with walking or climbing is a same-day check, over weeks a GP's, never an
        # ambulance on that alone (NHS Shortness of breath, 2023).
        (["trouble_breathing", "walking_distance_pain"], "breathing_difficulty", False),
        (["trouble_breathing", "walking_distance_pain"], "exertional_breathlessness", True),
        (
            ["trouble_breathing", "walking_distance_pain", "history_weeks"],
            "exertional_breathlessness",
            False,
        ),
        (
            ["trouble_breathing", "walking_distance_pain", "history_weeks"],
            "long_standing_breathlessness",
            True,
        ),
        # ...but breathlessness with no context, or sudden, still calls an ambulance.
        (["trouble_breathing"], "breathing_difficulty", True),
        (
            ["trouble_breathing", "walking_distance_pain", "sudden_onset"],
            "sudden_breathlessness",
            True,
        ),
        # A low that sugar has put right is treated at home (ADA 2024, section 6).
        (["shaky_sweaty_hungry", "hx_diabetes"], "low_sugar_diabetes_medicine", True),
        (
            ["shaky_sweaty_hungry", "hx_diabetes", "relief_eating_sugar"],
            "low_sugar_diabetes_medicine",
            False,
        ),
        # An acute wry neck explains its pain, however severe (NHS Neck pain, 2023; NICE CKS
        # acute torticollis), and a pain already getting better is not one to be seen within
        # a day (NHS Back pain, Neck pain, 2023: a GP when it does not start to improve).
        (["severe_pain", "loc_neck", "cannot_turn_head"], "severe_unexplained_pain", False),
        (["severe_pain", "improving"], "severe_unexplained_pain", False),
        # ...but not a neck hurt with a knock to the head (NHS Neck pain: A&E after an accident).
        (
            ["severe_pain", "loc_neck", "cannot_turn_head", "hx_head_injury"],
            "severe_unexplained_pain",
            True,
        ),
        (["back_spasm", "severe_pain"], "immobilising_back_spasm", True),
        (["back_spasm", "severe_pain", "improving"], "immobilising_back_spasm", False),
        (["back_spasm", "severe_pain", "improving", "worsening"], "immobilising_back_spasm", True),
        # Spasms getting better are not "persistent or worsening"...
        (["disturbs_sleep", "improving"], "persistent_or_worsening", False),
        (["persistent", "improving"], "persistent_spasms", False),
        # ...unless something is also getting worse or spreading.
        (["disturbs_sleep", "improving", "spreading"], "persistent_or_worsening", True),
        (["persistent", "improving", "worsening"], "persistent_spasms", True),
        (["frequent_daily", "history_weeks"], "frequent_and_prolonged", True),
        (["frequent_daily", "history_weeks", "improving"], "frequent_and_prolonged", False),
        # Jerks only on falling asleep are sleep starts (ICSD-3, 2014).
        (
            ["frequent_daily", "history_months", "when_falling_asleep"],
            "frequent_and_prolonged",
            False,
        ),
        (
            ["frequent_daily", "history_months", "when_falling_asleep", "worsening"],
            "frequent_and_prolonged",
            True,
        ),
    ],
)
def test_context_of_packaged_rules(
    kb: KnowledgeBase, present: list[str], rule_id: str, fires: bool
) -> None:
    assert (rule_id in fired(kb, present)) is fires


def test_getting_better_never_silences_an_emergency_rule(kb: KnowledgeBase) -> None:
    """A stroke whose speech is "improving" is still a stroke: the course is a context for
    the consultation rules only (course.yaml, finding 'improving')."""
    for flag in kb.red_flags:
        if flag.level.is_emergency:
            assert "improving" not in {*flag.unless, *flag.unless_any, *flag.unless_alone}, flag.id


def test_overbreathing_never_silences_the_emergency_tetany_rules(kb: KnowledgeBase) -> None:
    signs = ["tingling_lips_fingers", "hand_claw_spasm", "fast_breathing"]
    assert "tetany_in_a_child" in fired(kb, signs, age=8)
    assert "tetany_after_neck_surgery" in fired(kb, [*signs, "hx_neck_surgery"])


def test_confusion_calls_the_ambulance(kb: KnowledgeBase) -> None:
    # NHS, Sudden confusion (2021): "Go to A&E or call 999"; the finding also covers "hard to
    # wake", and the confused person cannot take themselves: the riskier of the two.
    by_id = {f.id: f for f in kb.red_flags}
    assert by_id["confusion_flag"].level is TriageLevel.EMERGENCY_AMBULANCE
    levels = {f.flag.level for f in fired_red_flags(kb, ["confusion", "face_droop"])}
    assert TriageLevel.EMERGENCY_AMBULANCE in levels
    levels = {f.flag.level for f in fired_red_flags(kb, ["confusion", "shaky_sweaty_hungry"])}
    assert TriageLevel.EMERGENCY_AMBULANCE in levels


@pytest.mark.parametrize(
    ("age", "level"),
    [
        # An adult's neck locked on waking is a neck strain: self-care (NHS Neck pain, 2023).
        (30, TriageLevel.SELF_CARE),
        # A child's wry neck is seen the same day (Grisel syndrome; child_wry_neck), and with
        # the age unknown the child's reading is kept, the safe side.
        (8, TriageLevel.CONSULTATION_24),
        (None, TriageLevel.CONSULTATION_24),
    ],
)
def test_a_wry_neck_on_waking_by_age(engine: Engine, age: int | None, level: TriageLevel) -> None:
    text = "woke up with terrible pain in my neck, I cannot turn my head"
    assert engine.assess(text, age).triage.level is level


def test_unless_still_when_any_keeps_only_the_unless_context_from_silencing() -> None:
    """The unless/unless_any context's own list (twenty-third session: confusion after a usual
    seizure stays silenced unless diabetes is in the story; a low treated with sugar is the
    other context, with a list of its own)."""
    both = rule(["ctx_b"], []).model_copy(
        update={"unless_alone": ["ctx_e"], "unless_still_when_any": ["danger"]}
    )
    assert both.silenced_by({"ctx_b"}) is True
    assert both.silenced_by({"ctx_b", "danger"}) is False
    assert both.silenced_by({"ctx_b"}, known={"ctx_b", "danger"}) is False  # in doubt: fires
    assert both.silenced_by({"ctx_e", "danger"}) is True  # the alone context is not cancelled
