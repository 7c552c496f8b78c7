"""The engine's input error, in a module of its own so that the command line can catch it
without importing the engine (issue 16 item 8: ``spasmcheck assess`` reads its build cache
before the language layer loads its data)."""

from __future__ import annotations


class InputError(ValueError):
    """Input the engine cannot work with (empty text, age out of range, unknown sex...)."""
