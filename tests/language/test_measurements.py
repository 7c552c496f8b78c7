"""Measured values → findings, read against the bands of policy/measurements.yaml."""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.policy import measurement_policy
from spasmcheck.language.measurements import find_measurements
from spasmcheck.language.parser import parse_text
from spasmcheck.language.tokens import normalise


def _read(text: str) -> set[tuple[str, bool]]:
    return {(m.finding_id, m.present) for m in find_measurements(normalise(text))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # temperature: 38 °C / 100.4 °F and over is a fever, 35.5-37.4 °C denies one
        ("temp 39.8 and a stiff jaw", {("fever", True)}),
        ("her temperature is 104.6", {("fever", True), ("temperature_40_or_more", True)}),  # °F
        ("fever of 39 degrees", {("fever", True)}),
        ("temp 38,5 since this morning", {("fever", True)}),  # a decimal comma
        ("temp was only 36.8", {("fever", False)}),
        ("temp of 99, so no fever", {("fever", False)}),  # 37.2 °C
        ("temp went 98.2 to 100.7 f", {("fever", True)}),  # a rise: its end counts
        ("temp 37.8", {("raised_temperature_reading", True)}),  # not a fever; an alert on chemo
        ("temp went from 36.9 this morning to 37.8", {("raised_temperature_reading", True)}),
        ("temp was 37.2 then 36.8", {("fever", False)}),  # a fall: its end denies
        ("temperature was 40 degrees outside", set()),  # the weather's
        ("fever for 3 days", set()),  # a duration, not a value
        # pulse: 131 or more, or 40 or less (NEWS2 3 points); 51-90 denies both
        ("her resting heart rate is 199", {("fast_pulse_reading", True)}),
        ("pulse is 35", {("slow_pulse_reading", True)}),
        ("watch said 200 bpm", {("fast_pulse_reading", True)}),
        ("pulse 72", {("fast_pulse_reading", False), ("slow_pulse_reading", False)}),
        ("pulse 2 hours ago was fine", set()),
        # oxygen: 92 % or lower (NHS oximetry at home)
        ("my oxygen sats are 86%", {("low_oxygen_reading", True)}),
        ("spo2 89", {("low_oxygen_reading", True)}),
        ("oxygen on the finger meter is 89%", {("low_oxygen_reading", True)}),
        ("sats 97 percent", {("low_oxygen_reading", False)}),
        ("sats 94", set()),
        # blood sugar: below 4 mmol/L or 70 mg/dL is a hypo; a bare whole number under 34 is
        # ambiguous (26 mg/dL or 26 mmol/L) and not read
        ("my blood sugar was 2.1", {("shaky_sweaty_hungry", True)}),
        ("meter said 45", {("shaky_sweaty_hungry", True)}),
        ("sugar 5.6 after breakfast", {("shaky_sweaty_hungry", False)}),
        ("sugar was 26", set()),
        # 16.7 mmol/L (300 mg/dL) or more is a very high reading (NHS High blood sugar)
        ("sugar was 18.5", {("very_high_sugar_reading", True)}),
        ("his sugar was over 600", {("very_high_sugar_reading", True)}),
        ("glucose 22 mmol", {("very_high_sugar_reading", True)}),
        ("sugar was 250", set()),
        ("sugar 26 mg/dl", {("shaky_sweaty_hungry", True)}),
        ("sugar 2 times a day", set()),
        # blood pressure: a pair; 180 / 120 and over high, top number 90 or under low
        ("bp was 70/40", {("low_blood_pressure_reading", True)}),
        ("blood pressure 210/125", {("high_blood_pressure", True)}),
        ("blood pressure 85 over 50", {("low_blood_pressure_reading", True)}),
        ("180/99 at the chemist", {("high_blood_pressure", True)}),
        (
            "130/80",
            {("low_blood_pressure_reading", False), ("high_blood_pressure", False)},
        ),
        ("bp is 145/95", set()),
        ("on 25/12 i had cramps", set()),  # a date
        ("a 12/10 pain", set()),
        # blood tests
        ("ck was 25,000", {("high_ck_result", True)}),
        ("cpk 12k", {("high_ck_result", True)}),
        ("potassium came back 2.9", {("lab_low_potassium", True)}),
        ("potassium 4.1", {("lab_low_potassium", False)}),
        ("calcium 7.9", {("lab_low_calcium", True)}),  # mg/dL by its range
        ("calcium 2.9 mmol", {("high_calcium_result", True)}),
        ("magnesium 0.5", {("lab_low_magnesium", True)}),
        ("calcium tablets after 6 days", set()),
        # a fall's height, read only with its unit: 3 m (10 ft) or more is a serious injury
        ("he fell about 18 feet off the roof", {("serious_injury", True)}),
        ("fell 4m off the scaffold", {("serious_injury", True)}),
        ("fell 2 feet off the step", set()),
        ("fell 3 times this week", set()),
        ("fell over 20 minutes ago", set()),
        # a jump or a landing from a height is a fall from it (twenty-first session)
        ("jumped about 15 feet off the wall", {("serious_injury", True)}),
        ("landed 4 metres down on the concrete", {("serious_injury", True)}),
        ("jumped 2 feet off the step", set()),
        ("the kids jumped on the trampoline 20 times", set()),
        ("my sugar dropped to 3 mmol", {("shaky_sweaty_hungry", True)}),
        # a baby's age in days or weeks: under 13 weeks is a young baby (NICE NG143)
        ("my baby is 5 days old", {("baby_under_3_months", True)}),
        ("my 8 week old", {("baby_under_3_months", True)}),
        ("my 20 week old", set()),
        ("cramps for 5 days", set()),
        # 40 °C or more is also a very high temperature (heatstroke's, after exertion)
        ("temp 40.5 after the race", {("fever", True), ("temperature_40_or_more", True)}),
        ("temp was 39.5", {("fever", True)}),
        # a shock by its voltage: 1,000 V or more is high voltage (ERC 2021); the unit is needed
        ("touched a 13200 volt line", {("high_voltage_shock", True)}),
        ("hit with over 7,000 volts", {("high_voltage_shock", True)}),
        ("an 11 kv cable", {("high_voltage_shock", True)}),
        ("a 240 volt shock off the toaster", set()),
        ("got hung up on 240", set()),
    ],
)
def test_measured_values(text: str, expected: set[tuple[str, bool]]) -> None:
    assert _read(text) == expected


def test_every_band_names_a_known_finding_and_is_cited() -> None:
    from spasmcheck.knowledge.loader import load_knowledge_base

    known = {f.id for f in load_knowledge_base().findings}
    policy = measurement_policy()
    for quantity in policy.quantities:
        assert quantity.cite, quantity.id
        for band in quantity.bands:
            assert band.finding in known, (quantity.id, band.finding)


@pytest.mark.parametrize(
    ("text", "finding", "polarity"),
    [
        # The value decides its own finding over the word: "fever" alone would be a fever.
        ("fever was 37.2 and calf cramps", "fever", "absent"),
        ("my temp is 38.9 and i have cramps", "fever", "present"),
        # ConText still says whose and when.
        ("last year my sats were 90", "low_oxygen_reading", "historical"),
        ("my bp was 70/40 and i feel faint", "low_blood_pressure_reading", "present"),
        # the unit of a height is not a place: "18 feet" says nothing of the feet
        ("he fell 18 feet onto concrete", "loc_foot", None),
    ],
)
def test_parser_reads_values_with_context(text: str, finding: str, polarity: str | None) -> None:
    found = [m.polarity.value for m in parse_text(text) if m.finding_id == finding]
    if polarity is None:
        assert found == [], (text, found)
    else:
        assert found and set(found) == {polarity}, (text, found)
