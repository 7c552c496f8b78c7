"""Durations in free text → course findings.

"for three weeks" → history_weeks, "lasts a few seconds" → episode_seconds, "since I was a
kid" → history_months. Seconds and minutes describe one episode; days, weeks, months and
years describe how long the problem has been going on; hours are an episode length unless
they say when it started ("two hours ago").

Which finding each reading gives, the day bands of "how long" and the words for amounts are
data: ``knowledge/data/policy/durations.yaml`` (:class:`~spasmcheck.knowledge.policy.
DurationPolicy`), the same bands the diary uses for its span. This module only finds the
phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spasmcheck.knowledge.policy import DurationUnit, duration_policy

_POLICY = duration_policy()
_NUMBERS = _POLICY.numbers
_WORDS = "|".join(sorted(_NUMBERS, key=lambda w: (-len(w), w)))
_AMOUNT = rf"(?P<amount>\d+(?:\.\d+)?|(?:a\s+)?(?:{_WORDS})(?:\s+of)?)"
_UNITS = {"d": DurationUnit.DAYS, "w": DurationUnit.WEEKS, "mo": DurationUnit.MONTHS}
_UNIT = r"(?P<unit>sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|days?|w(?:ee)?ks?|months?|y(?:ea)?rs?)"
_QUANTITY = re.compile(
    rf"\b(?:(?P<lead>for|lasting|lasts|last|over|past|about|around|almost|nearly|takes|only)\s+)?"
    rf"(?:(?:the|a)\s+)?(?:(?:past|last|about|around|almost|nearly|over)\s+)?"
    rf"{_AMOUNT}(?:\s+or\s+(?:so|two|three|more))?\s+{_UNIT}\b(?P<ago>\s+ago)?"
    # "34 weeks pregnant", "six months old" are not how long the spasms have lasted.
    r"(?!\s+(?:pregnant|gestation|old|along|postpartum|after\s+(?:birth|delivery)))"
)
# Words right before "N years" that make it an age ("is 19 year", "my sister 25 years").
_AGE_BEFORE = re.compile(
    r"(?:\b(?:is|am|was|aged|age|turned|turning|i'm|im|he's|she's|hes|shes)"
    r"|\bmy\s+(?:\w+\s+)?(?:son|daughter|brother|sister|mum|mom|mother|dad|father|husband"
    r"|wife|grandmother|grandfather|grandma|grandpa|gran|nan|aunt|uncle|child|kid|baby|boy"
    r"|girl|friend|partner|niece|nephew|cousin))\s*,?\s*$"
)
# "I have 75 years" (tengo / j'ai / ho 75 anni) at the start of a sentence is an age told in
# a second language; a number that could not be an adult's age is left a duration.
_HAVE_YEARS = re.compile(r"(?:^|[.!?;]\s*)i\s+have\s*$")
_HAVE_YEARS_MIN_AGE = 16
_BARE_UNIT = re.compile(
    r"\b(?P<lead>for|over|lasting|lasts|last|takes)\s+(?P<unit>seconds|minutes|hours|days|weeks|months|years|ages)\b"
)
_PAST_UNIT = re.compile(r"\b(?:the\s+)?(?:past|last)\s+(?P<unit>week|month|year)\b")
_LIFELONG = re.compile(
    r"\b(?:since\s+(?:i\s+was\s+(?:a\s+)?(?:kid|child|teenager|teen|young|little|small)|childhood)"
    r"|all\s+my\s+life|my\s+whole\s+life|as\s+long\s+as\s+i\s+can\s+remember)\b"
)
_RECENT = re.compile(
    r"\b(?:since|from|starting|started|began|begun)\s+(?:yesterday|today|this\s+morning|last\s+night"
    r"|this\s+afternoon|this\s+evening|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)


@dataclass(frozen=True, slots=True)
class DurationMention:
    finding_id: str
    start: int
    end: int


def _amount(text: str) -> float:
    text = text.replace("a ", "").replace(" of", "").strip()
    if text in _NUMBERS:
        return float(_NUMBERS[text])
    try:
        return float(text)
    except ValueError:
        return 1.0


def _classify(unit: str, amount: float, ago: bool) -> str:
    unit = unit[0] if unit[:2] not in ("mi", "mo") else unit[:2]
    episode = _POLICY.episode
    if unit == "s":
        return episode.seconds
    if unit in ("mi", "h"):
        if ago:
            return _POLICY.started_recently
        return episode.minutes if unit == "mi" else episode.hours
    days = amount * _POLICY.days_per_unit[_UNITS.get(unit, DurationUnit.YEARS)]
    return _POLICY.history_finding(days)


def _is_age(lowered: str, start: int, amount: float) -> bool:
    """A number of years that is someone's age, told by the words before it: "my brother is
    19 year", "my sister 25 years", or "I have 75 years" in a Romance language's words."""
    before = (lowered, 0, start)
    return bool(_AGE_BEFORE.search(*before)) or (
        amount >= _HAVE_YEARS_MIN_AGE and bool(_HAVE_YEARS.search(*before))
    )


def find_durations(lowered: str) -> list[DurationMention]:
    """Duration mentions in already-normalised (lowercase) text."""
    found: list[DurationMention] = []
    for match in _QUANTITY.finditer(lowered):
        amount = _amount(match["amount"])
        if match["unit"].startswith("y") and _is_age(lowered, match.start(), amount):
            continue
        finding = _classify(match["unit"], amount, bool(match["ago"]))
        found.append(DurationMention(finding, match.start(), match.end()))
    for match in _BARE_UNIT.finditer(lowered):
        unit = match["unit"]
        if unit == "ages":
            finding = _POLICY.for_ages
        else:
            finding = _classify(unit, _POLICY.vague_amount, False)
        found.append(DurationMention(finding, match.start(), match.end()))
    for match in _PAST_UNIT.finditer(lowered):
        found.append(
            DurationMention(_classify(match["unit"], 1, False), match.start(), match.end())
        )
    found.extend(
        DurationMention(_POLICY.lifelong, m.start(), m.end()) for m in _LIFELONG.finditer(lowered)
    )
    found.extend(
        DurationMention(_POLICY.started_recently, m.start(), m.end())
        for m in _RECENT.finditer(lowered)
    )
    found.sort(key=lambda d: (d.start, -d.end))
    kept: list[DurationMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept
