"""The language layer's data files (word lists, rules, lexicons), read from the package."""

from __future__ import annotations

from importlib import resources


def read_data(name: str) -> bytes:
    """The bytes of ``name`` in this package (works from a wheel or a zip, not only a folder)."""
    return resources.files(__name__).joinpath(name).read_bytes()
