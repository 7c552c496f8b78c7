"""The engine's input error and its checks of age and sex, in a module of their own so that the
command line can check its options and catch the error without importing the engine (issue 16
item 8: ``spasmcheck assess`` reads its build cache before the language layer loads its data).
"""

from __future__ import annotations

SEXES = ("female", "male")


class InputError(ValueError):
    """Input the engine cannot work with (empty text, age out of range, unknown sex...)."""


def validate_inputs(age: int | None, sex: str | None) -> None:
    if age is not None and not 0 <= age <= 120:
        raise InputError(f"age must be between 0 and 120, got {age}")
    if sex is not None and sex not in SEXES:
        raise InputError(f"sex must be 'female' or 'male', got {sex!r}")
