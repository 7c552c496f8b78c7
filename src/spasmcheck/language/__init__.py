"""Language layer: free text → findings with polarity (ConText) and spans.

The names below are imported on first use, so that importing one module of the layer (the
build cache imports ``language.tokens`` to hand over its stems before the other modules fold
their words at import: issue 16 item 8) does not import them all.
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

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


def __getattr__(name: str) -> _Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'spasmcheck.language' has no attribute {name!r}")
    value = getattr(_import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
