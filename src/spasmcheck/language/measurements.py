"""Measured values in free text → findings.

"temp 39.4" → fever, "her sats are 89%" → an oxygen level of 92 % or lower, "sugar was 46"
→ a hypo, "bp 190/125" → a high blood pressure reading, "pulse was 200" → a pulse over 130;
and a value in the normal range denies its finding ("temp was only 36.8": no fever). People
quote their thermometer, meter or oximeter, and clinicians write vital signs: a number says
what no choice of words does.

The cue words of each quantity, how a number is read (its unit, or the range that names it
when it has none), the conversions and the thresholds, each cited, are data:
``knowledge/data/policy/measurements.yaml`` (:class:`~spasmcheck.knowledge.policy.
MeasurementPolicy`). This module only finds the cue, the number and its unit. Whether the
reading is the person's now ("if her temp goes over 38", "last year my sats were 90") is
ConText's to say, as for any other words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spasmcheck.knowledge.policy import (
    MeasurementPart,
    MeasurementPolicy,
    MeasurementReading,
    MeasurementScale,
    Quantity,
    measurement_policy,
)

# A number: "38", "38.5", "38,5" (a decimal comma), "25,000" (thousands), "25k".
_NUMBER = r"(\d{1,3}(?:,\d{3})+(?![\d.])|\d+(?:[.,]\d+)?k?)"
# Between the cue and its number: up to five words that are not a sentence's end or another
# number ("temp was about 39", "heart rate is up to 199", "sugar came back at 46").
_GAP = r"(?:[^\S\n]*(?:[:=~]|[a-z']+)){0,5}?[^\S\n]*"
# A time, an amount or an age after the number: not a measurement ("fever for 3 days",
# "sugar 2 times", "pulse 2 hours ago").
_NOT_A_VALUE = re.compile(
    r"^\s*(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|days?|nights?|w(?:ee)?ks?|months?"
    r"|y(?:ea)?rs?|yo|times|x\b|am\b|pm\b|o'?clock|pills?|tablets?|units? of insulin|ml\b"
    r"|mg of|glasses|cups|bottles|litres?|liters?|kg|lbs?|pounds?|miles?|km)",
)
_UNIT = re.compile(r"^\s*(°\s*[cf]\b|°|degrees?\s*(?:[cf]\b|celsius\b|fahrenheit\b)?|[a-z%/]+)")
# Words near a temperature that make it the weather's, not the body's ("it was 40 degrees
# outside", "the pool temp was 28").
_WEATHER = re.compile(
    r"\b(?:outside|outdoors|weather|forecast|humid|humidity|heat index|room|air|water|pool|sea"
    r"|shade|sunny|climate|oven|bath|shower)\b"
)
# A count of tablets told as a regimen, not taken at once ("took 12 pills this week", "I've
# taken 14 tablets a day for years"): tablets_taken reads only a count taken at once.
_REGIMEN = re.compile(
    r"^\s*[a-z]+(?:\s+[a-z']+){0,3}?\s+(?:a|per|each|every|this|that|last|over\s+the)\s+"
    r"(?:day|days|week|weeks|month|morning|night|evening)\b|^\s*[a-z]+(?:\s+[a-z']+){0,3}?\s+daily\b"
)
# A second number that ends a range or a rise ("went 98.2 to 100.7", "38-39", "up to 40"),
# up to three words after the first ("from 36.9 this morning to 37.8").
_THEN = re.compile(
    rf"^\s*(?:°\s*[cf]?|degrees)?(?:\s+[a-z']+){{0,3}}?\s*(?:to|-|–|then|and then|rising to|up to)"
    rf"\s*{_NUMBER}"
)


@dataclass(frozen=True, slots=True)
class MeasurementMention:
    """A finding stated by a measured value: ``present`` or denied, at ``start:end``."""

    finding_id: str
    present: bool
    start: int
    end: int


def _value(text: str) -> tuple[float, bool] | None:
    """The number and whether it was written with a decimal point."""
    text = text.strip()
    thousands = 1.0
    if text.endswith("k"):
        text, thousands = text[:-1], 1000.0
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):
        return float(text.replace(",", "")) * thousands, False
    decimal = "." in text or "," in text
    try:
        return float(text.replace(",", ".")) * thousands, decimal
    except ValueError:
        return None


@cache
def _known_units() -> frozenset[str]:
    return frozenset(
        word for q in measurement_policy().quantities for scale in q.scales for word in scale.words
    )


def _unit_word(after: str) -> str:
    """The unit word right after a number ("39.2 °C" → "c", "89%" → "%", "46 mg/dl" →
    "mg/dl"), "°" for a bare degree sign or "degrees", or "" for none (a word that is no
    unit: "temp 39 and rising")."""
    match = _UNIT.match(after)
    if not match:
        return ""
    word = re.sub(r"\s+", "", match.group(1))
    if word.startswith(("degree", "°")):
        for name, unit in (("celsius", "c"), ("fahrenheit", "f")):
            if word.endswith(name):
                return unit
        return word[-1] if word[-1] in "cf" else "°"
    return word if word in _known_units() else ""


def _scale(quantity: Quantity, value: float, decimal: bool, unit: str) -> MeasurementScale | None:
    """The scale a number is read in: the first whose unit words name it, or with no unit
    word, the first bare scale whose range holds it. A quantity that has bare scales (scales
    without unit words) reads a number without a unit only in them: blood sugar's "26" may
    be mmol/L or mg/dL, and its bare scales leave it unread; one with none (a temperature)
    reads it in the first scale that holds it."""
    if unit:
        for scale in quantity.scales:
            if unit in scale.words:
                return scale if scale.holds(value) else None
        if unit in _known_units():
            return None  # another quantity's unit: "the meter said 89%" is not a sugar
    if quantity.needs_unit:
        return None  # "fell 3 times": a height is read with its unit only
    bare = [scale for scale in quantity.scales if not scale.words] or quantity.scales
    for scale in bare:
        if scale.holds(value) and (decimal or not scale.decimal):
            return scale
    return None


@dataclass(frozen=True)
class _Reader:
    quantity: Quantity
    pattern: re.Pattern[str]


@cache
def _readers() -> tuple[_Reader, ...]:
    policy: MeasurementPolicy = measurement_policy()
    readers = []
    for quantity in policy.quantities:
        cues = sorted(
            [re.escape(c) for c in quantity.cues]
            + [r"\s+".join(map(re.escape, p.split())) for p in quantity.phrases],
            key=len,
            reverse=True,
        )
        second = rf"\s*(?:/|\bover\b)\s*{_NUMBER}" if quantity.pair else ""
        pattern = re.compile(rf"\b(?:{'|'.join(cues)})\b{_GAP}(?<![\d.,]){_NUMBER}{second}")
        readers.append(_Reader(quantity, pattern))
    return tuple(readers)


@cache
def _units_by_quantity() -> dict[str, frozenset[str]]:
    """Each quantity's unit words (its scales'), by the quantity's id."""
    return {
        q.id: frozenset(word for scale in q.scales for word in scale.words)
        for q in measurement_policy().quantities
    }


@cache
def _unit_led() -> tuple[tuple[Quantity, re.Pattern[str]], ...]:
    """Values read without a cue word: a number with a unit that names its quantity alone
    (the policy's ``alone``: "200 bpm"), and two numbers shaped as a pair ("190/125")."""
    led = []
    for quantity in measurement_policy().quantities:
        if quantity.alone:
            units = "|".join(r"\s+".join(map(re.escape, u.split())) for u in quantity.alone)
            led.append((quantity, re.compile(rf"(?<![\d.,]){_NUMBER}\s*(?:{units})\b")))
        if quantity.pair:
            pair = rf"(?<![\d.,/]){_NUMBER}\s*/\s*{_NUMBER}(?![\d/])\s*(?:mm\s*hg)?"
            led.append((quantity, re.compile(pair)))
    return tuple(led)


def _pair_parts(
    quantity: Quantity, first: str, second: str, after: str
) -> dict[MeasurementPart, float] | None:
    one, two = _value(first), _value(second)
    if one is None or two is None:
        return None
    unit = _unit_word(after)
    scale_one = _scale(quantity, one[0], one[1], unit)
    scale_two = _scale(quantity, two[0], two[1], unit)
    if scale_one is None or scale_two is None or one[0] <= two[0]:
        return None  # a blood pressure's top number is the higher one
    return {
        MeasurementPart.SYSTOLIC: scale_one.standard(one[0]),
        MeasurementPart.DIASTOLIC: scale_two.standard(two[0]),
    }


def _single_parts(
    quantity: Quantity, number: str, after: str
) -> dict[MeasurementPart, float] | None:
    value = _value(number)
    if value is None:
        return None
    scale = _scale(quantity, value[0], value[1], _unit_word(after))
    return None if scale is None else {MeasurementPart.VALUE: scale.standard(value[0])}


def _mentions(
    quantity: Quantity, parts: list[dict[MeasurementPart, float]], start: int, end: int
) -> list[MeasurementMention]:
    """The findings the values affirm or deny. An affirmed finding wins over its denial
    (190/95: the systolic says high, the diastolic is in range; 98.2 to 100.7: a fever). In a
    rise only the last value can deny: "from 36.9 to 37.8" is not a normal temperature now."""
    found: dict[str, bool] = {}
    for index, values in enumerate(parts):
        last = index == len(parts) - 1
        for band in quantity.bands:
            value = values.get(band.part)
            if value is not None and band.holds(value):
                present = band.reading is MeasurementReading.PRESENT
                if present or last:
                    found[band.finding] = found.get(band.finding, False) or present
    return [MeasurementMention(f, present, start, end) for f, present in found.items()]


def find_measurements(lowered: str) -> list[MeasurementMention]:
    """Measured values in already-normalised (lowercase) text, each as the findings it
    affirms or denies, spanning the cue word to the number (and its unit, for a quantity
    read only with one: "fell 18 feet")."""
    if not any(ch.isdigit() for ch in lowered):
        return []  # no number, no value: the policy is not even read (cold start, issue 16)
    found: list[MeasurementMention] = []
    taken: list[tuple[int, int]] = []
    for reader in _readers():
        quantity = reader.quantity
        for match in reader.pattern.finditer(lowered):
            after = lowered[match.end() :]
            if _NOT_A_VALUE.match(after) and not (
                quantity.needs_unit and _unit_word(after) in _units_by_quantity()[quantity.id]
            ):
                # an amount is a value only for a quantity whose unit it is ("took 56
                # tablets": a count of tablets; "fever for 3 days": no temperature)
                continue
            if quantity.id == "tablets_taken" and _REGIMEN.match(after):
                continue
            if quantity.id == "temperature" and _WEATHER.search(
                lowered, max(0, match.start() - 30), match.end() + 30
            ):
                continue
            end = match.end()
            if quantity.pair:
                one = _pair_parts(quantity, match.group(1), match.group(2), after)
                parts = [one] if one else []
            else:
                one = _single_parts(quantity, match.group(1), after)
                parts = [one] if one else []
                rise = _THEN.match(after)
                if one and rise:
                    # "went 98.2 to 100.7", "38-39": read the range's end too, in the first
                    # number's unit when it gives none.
                    tail = lowered[match.end() + rise.end() :]
                    two = _single_parts(quantity, rise.group(1), tail)
                    if two:
                        parts.append(two)
                        end = match.end() + rise.end()
            if not parts:
                continue
            if quantity.needs_unit and (unit := _UNIT.match(after)):
                end = match.end() + unit.end()  # the unit is part of it: "18 feet"
            taken.append((match.start(), end))
            found.extend(_mentions(quantity, parts, match.start(), end))
    for quantity, pattern in _unit_led():
        for match in pattern.finditer(lowered):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            if quantity.pair:
                one = _pair_parts(quantity, match.group(1), match.group(2), lowered[match.end(2) :])
            else:
                one = _single_parts(quantity, match.group(1), lowered[match.end(1) :])
            if not one:
                continue
            taken.append((match.start(), match.end()))
            found.extend(_mentions(quantity, [one], match.start(), match.end()))
    found.sort(key=lambda m: (m.start, m.end))
    return found
