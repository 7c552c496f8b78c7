"""The language layer's data files (word lists, rules, lexicons), read from the package."""

from __future__ import annotations

from spasmcheck._lazy import package_files


def read_data(name: str) -> bytes:
    """The bytes of ``name`` in this package (works from a wheel or a zip, not only a folder;
    ``importlib.resources`` is imported only for a zip: issue 16 item 8)."""
    return package_files(__name__).joinpath(name).read_bytes()
