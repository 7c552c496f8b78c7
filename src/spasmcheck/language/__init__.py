"""Language layer: free text → findings with polarity (ConText) and spans."""

from spasmcheck.language.context import Polarity
from spasmcheck.language.parser import Mention, TextParser, parse_text

__all__ = ["Mention", "Polarity", "TextParser", "parse_text"]
