"""Causes told with what defines them (issues 10 and 11, nineteenth session): a cause whose
defining complaint is not told is not ranked on its secondary findings alone
(inference.py "Untold exposures"; docs/model.md). Each pair below is the same story with and
without that complaint: the cause is ranked among the first three only when it is told.
"""

from __future__ import annotations

import pytest

from spasmcheck import assess

PAIRS = [
    # (condition, told, untold, age)
    (
        "gastroenteritis_cramps",
        "tummy cramps with diarrhoea and a bit of a temperature since yesterday",
        "a bit of a temperature since yesterday and my legs ache",
        30,
    ),
    (
        "asthma_attack",
        "tight chest and wheezy, cant catch my breath, my blue inhaler isnt helping",
        "tight chest and wheezy, cant catch my breath",
        35,
    ),
    (
        "dental_abscess_trismus",
        "bad toothache for days and now my cheek is swollen and my jaw is stiff",
        "my jaw clicks and aches when i chew",
        30,
    ),
    (
        "sore_throat",
        "sore throat and a temperature for two days",
        "a temperature for two days and feeling achy",
        25,
    ),
    (
        "viral_illness",
        "flu with a temperature, aching all over",
        "aching all over, worse after the gym",
        30,
    ),
    (
        "carpal_tunnel",
        "my hand goes numb and tingly at night",
        "my feet go numb and tingly at night",
        45,
    ),
    (
        "fall_older_person",
        "she keeps falling over and bruising herself",
        "she keeps bruising herself",
        84,
    ),
    (
        "pregnancy_leg_cramps",
        "im 30 weeks pregnant and get calf cramps every night",
        "i get calf cramps every night",
        31,
    ),
]


@pytest.mark.parametrize(
    ("condition_id", "told", "untold", "age"), PAIRS, ids=[p[0] for p in PAIRS]
)
def test_a_cause_is_ranked_only_when_what_defines_it_is_told(
    condition_id: str, told: str, untold: str, age: int
) -> None:
    def first_three(text: str) -> list[str]:
        return [c.condition.id for c in assess(text, age=age).conditions[:3]]

    assert condition_id in first_three(told)
    assert condition_id not in first_three(untold)


def test_a_fever_with_a_cold_is_a_viral_illness_not_an_emergency() -> None:
    # NICE NG143 (green features) and NHS Flu: a temperature with a cold is looked after at
    # home; before a calm cause of fever existed, the mass of serious infections sent it on
    result = assess("my 4 year old has a temperature and a cold", age=4)
    assert result.triage.level.value == "self_care"
    assert result.conditions[0].condition.id == "viral_illness"
