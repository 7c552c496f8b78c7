"""Language layer: free text → findings with polarity (ConText) and spans.

The names below are imported on first use, so that importing one module of the layer (the
build cache imports ``language.tokens`` to hand over its stems before the other modules fold
their words at import: issue 16 item 8) does not import them all.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from spasmcheck._lazy import lazy_names as _lazy_names

if _TYPE_CHECKING:
    from spasmcheck.language.context import Polarity
    from spasmcheck.language.parser import Mention, TextParser, parse_text

_HOMES = {
    "Mention": "spasmcheck.language.parser",
    "Polarity": "spasmcheck.language.context",
    "TextParser": "spasmcheck.language.parser",
    "parse_text": "spasmcheck.language.parser",
}

__all__ = ["Mention", "Polarity", "TextParser", "parse_text"]


__getattr__, __dir__ = _lazy_names("spasmcheck.language", globals(), _HOMES, __all__)
