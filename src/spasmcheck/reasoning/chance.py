"""A probability in words and as a percentage: the one place every screen gets them from.

The web result page, the terminal, the PDF report and the FHIR narrative all show the
engine's probabilities; they call :func:`chance_words` and :func:`chance_percent` so that
0.05 reads the same everywhere. Both follow the engine's cap
(:data:`spasmcheck.reasoning.inference.MAX_PROBABILITY`): no screen says "100 %".

>>> chance_words(0.43), chance_words(0.05), chance_words(0.003), chance_words(0.95)
('about 4 in 10', 'about 5 in 100', 'less than 1 in 100', 'more than 9 in 10')
>>> chance_percent(0.05), chance_percent(0.004), chance_percent(0.999)
('5 %', '<1 %', '95 %')
"""

from __future__ import annotations

from spasmcheck.reasoning.inference import MAX_PROBABILITY

__all__ = ["chance_percent", "chance_words"]


def _clamp(probability: float) -> float:
    return max(0.0, min(MAX_PROBABILITY, float(probability)))


def chance_words(probability: float) -> str:
    """Plain words: tenths from 1 in 10 upwards, hundredths below, never more than 9 in 10.

    Below 1 in 10 the tenths would round a 5 % chance to "1 in 10" or to "less than 1 in 10";
    hundredths keep small but real chances (an emergency cause at 3 %) visible.
    """
    p = _clamp(probability)
    if p >= MAX_PROBABILITY:
        return "more than 9 in 10"
    if p >= 0.095:
        return f"about {round(p * 10)} in 10"
    if p >= 0.005:
        return f"about {max(1, round(p * 100))} in 100"
    return "less than 1 in 100"


def chance_percent(probability: float) -> str:
    """A whole percentage, "<1 %" below one half per cent, at most the engine's cap."""
    p = _clamp(probability)
    if p < 0.005:
        return "<1 %"
    return f"{round(p * 100)} %"
