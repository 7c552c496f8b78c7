"""Durations in free text → course findings.

"for three weeks" → history_weeks, "lasts a few seconds" → episode_seconds, "since I was a
kid" → history_months. Seconds and minutes describe one episode; days, weeks, months and
years describe how long the problem has been going on; hours are an episode length unless
they say when it started ("two hours ago").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "couple": 2, "few": 3, "several": 4,
    "many": 6,
}  # fmt: skip

_AMOUNT = (
    r"(?P<amount>\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|fifteen|twenty|thirty|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several|many)"
)
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
    if unit == "s":
        return "episode_seconds"
    if unit == "mi":
        return "history_days" if ago else "episode_minutes"
    if unit == "h":
        return "history_days" if ago else "episode_hours"
    if unit == "d":
        return "history_weeks" if amount >= 14 else "history_days"
    if unit == "w":
        if amount >= 9:
            return "history_months"
        return "history_weeks" if amount >= 2 else "history_days"
    if unit == "mo":
        return "history_months" if amount >= 2 else "history_weeks"
    return "history_months"  # years


def find_durations(lowered: str) -> list[DurationMention]:
    """Duration mentions in already-normalised (lowercase) text."""
    found: list[DurationMention] = []
    for match in _QUANTITY.finditer(lowered):
        if match["unit"].startswith("y") and _AGE_BEFORE.search(lowered, 0, match.start()):
            continue  # "my brother is 19 year", "my sister 25 years": an age, not a duration
        finding = _classify(match["unit"], _amount(match["amount"]), bool(match["ago"]))
        found.append(DurationMention(finding, match.start(), match.end()))
    for match in _BARE_UNIT.finditer(lowered):
        unit = match["unit"]
        finding = "history_weeks" if unit == "ages" else _classify(unit, 3, False)
        found.append(DurationMention(finding, match.start(), match.end()))
    for match in _PAST_UNIT.finditer(lowered):
        found.append(
            DurationMention(_classify(match["unit"], 1, False), match.start(), match.end())
        )
    found.extend(
        DurationMention("history_months", m.start(), m.end()) for m in _LIFELONG.finditer(lowered)
    )
    found.extend(
        DurationMention("history_days", m.start(), m.end()) for m in _RECENT.finditer(lowered)
    )
    found.sort(key=lambda d: (d.start, -d.end))
    kept: list[DurationMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept
