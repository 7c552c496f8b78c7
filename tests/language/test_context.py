"""ConText on a small hand-made lexicon, independent of the knowledge base."""

from __future__ import annotations

import pytest

from spasmcheck.language.context import ContextAnalyser, Polarity, Span, load_rules
from spasmcheck.language.durations import find_durations
from spasmcheck.language.lexicon import Lexicon, within_one_edit
from spasmcheck.language.tokens import tokenize

LEXICON = Lexicon(
    [
        ("numbness", "numb"),
        ("tingling", "ting"),
        ("weakness", "weak"),
        ("weak", "weak"),
        ("fever", "fever"),
        ("cramps", "cramp"),
        ("calves", "calf"),
        ("swelling", "swell"),
        ("twitching", "twitch"),
        ("don't drink much", "lowfluid"),
    ]
)
CONTEXT = ContextAnalyser()


def polarities(text: str) -> dict[str, Polarity]:
    tokens = tokenize(text)
    matches = LEXICON.match(tokens)
    result = CONTEXT.polarities(tokens, [Span(m.first, m.last) for m in matches])
    return {m.finding_id: p for m, (p, _) in zip(matches, result, strict=True)}


A, N, P, H, F = (
    Polarity.PRESENT,
    Polarity.ABSENT,
    Polarity.POSSIBLE,
    Polarity.HISTORICAL,
    Polarity.FAMILY,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "cramps in my calves but no numbness or weakness",
            {"cramp": A, "calf": A, "numb": N, "weak": N},
        ),
        ("no numbness, tingling or weakness", {"numb": N, "ting": N, "weak": N}),
        ("no fever, cramps in my calves", {"fever": N, "cramp": A, "calf": A}),
        ("no fever and my calves cramp", {"fever": N, "calf": A, "cramp": A}),
        ("no numbness and tingling", {"numb": N, "ting": N}),
        ("I'm not weak", {"weak": N}),
        ("I don't drink much", {"lowfluid": A}),
        ("not sure if I have weakness", {"weak": P}),
        ("any swelling? no.", {"swell": N}),
        ("swelling: none", {"swell": N}),
        ("weakness - no", {"weak": N}),
        ("weakness? nope", {"weak": N}),
        ("twitching runs in my family", {"twitch": F}),
        ("my mother has twitching", {"twitch": A}),
        ("I can't stop twiching", {"twitch": A}),
        ("not only cramps", {"cramp": A}),
        ("used to have cramps", {"cramp": H}),
        ("without any swelling, just cramps", {"swell": N, "cramp": A}),
        ("no weakness. cramps at night", {"weak": N, "cramp": A}),
        ("weakness but no fever", {"weak": A, "fever": N}),
        ("no fever however my calves are weak", {"fever": N, "calf": A, "weak": A}),
        # A new subject starts a new clause, comma or not; a clause that a "that", "if" or
        # "think" opens stays under the denial.
        ("no fever he is weak", {"fever": N, "weak": A}),
        ("i dont think he has a fever", {"fever": N}),
        ("not sure if she has weakness", {"weak": P}),
        # Not knowing, not wanting to fuss: no denial of what follows.
        ("i dont know whats happening my calves are weak", {"calf": A, "weak": A}),
        ("i dont want to overreact but my calves are weak", {"calf": A, "weak": A}),
        ("i dont want to overreact, no swelling", {"swell": N}),
        # "who never complains": how bad it is, not a denial.
        ("my dad who never complains says his calves are weak", {"calf": A, "weak": A}),
        # "never had X like this": X is here, and new; without the comparison it is a denial.
        ("ive never had cramps like this before", {"cramp": A}),
        ("never had numbness this bad", {"numb": A}),
        ("i have never had cramps", {"cramp": N}),
        ("never any numbness, and the cramps are like this every night", {"numb": N, "cramp": A}),
        # A possessive opening a new clause after "and" ends a denial; inside a list it does not.
        ("no numbness and his calves are weak", {"numb": N, "calf": A, "weak": A}),
        ("no weakness in his calves or numbness", {"weak": N, "calf": N, "numb": N}),
    ],
)
def test_context(text: str, expected: dict[str, Polarity]) -> None:
    assert polarities(text) == expected


def test_rules_load_and_validate() -> None:
    assert len(load_rules()) > 100


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("twiching", "twitching", True),
        ("numbnes", "numbness", True),
        ("tingeling", "tingling", True),
        ("twtchng", "twitching", False),
        ("crmap", "cramp", True),
        ("abc", "xyz", False),
        ("weakness", "weaknesss", True),
    ],
)
def test_one_edit(a: str, b: str, close: bool) -> None:
    assert within_one_edit(a, b) is close


def test_typo_fallback_is_cautious() -> None:
    assert LEXICON.correct("twitchng") == "twitching"
    assert LEXICON.correct("smelling") is None  # protected everyday word
    assert LEXICON.correct("swelling") is None  # already a word of the lexicon
    assert LEXICON.correct("xwitching") is None  # first letter must match


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("for three weeks", "history_weeks"),
        ("lasts a few seconds", "episode_seconds"),
        ("for 2 months", "history_months"),
        ("since i was a kid", "history_months"),
        ("started 2 hours ago", "history_days"),
        ("for about 10 minutes", "episode_minutes"),
        ("over the past week", "history_days"),
        ("for weeks", "history_weeks"),
        ("since yesterday", "history_days"),
        ("for a couple of days", "history_days"),
        ("for 20 days", "history_weeks"),
        ("for a year", "history_months"),
        ("it lasts for hours", "episode_hours"),
    ],
)
def test_durations(text: str, finding: str) -> None:
    assert [d.finding_id for d in find_durations(text)] == [finding]
