"""The package's YAML files as parsed data, remembered by the hash of their bytes.

PyYAML builds Python objects slowly even with libyaml parsing: most of the time it takes to
load the knowledge base and the language rules, which both read their files through
:func:`load_yaml`. It remembers what each file parsed to, keyed by the SHA-256 of the file's
bytes; the command line's cache (:mod:`spasmcheck.reasoning.cache`) saves that table as JSON and
hands it back through :func:`remember`, so the next start parses JSON instead. Whatever comes
back is validated by its schema exactly as parsed YAML is.

PyYAML itself is imported on the first file parsed: a start whose files all come from the
cache never imports it (10 ms of a cold ``spasmcheck assess``, issue 16 item 8). So a file
that is not valid YAML raises :class:`YamlError`, which callers catch without importing PyYAML.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

    FAST_SAFE_LOADER: type[yaml.SafeLoader]

_PARSED: dict[str, Any] = {}


class YamlError(ValueError):
    """A file that is not valid YAML; the message is PyYAML's (``yaml.YAMLError`` is the
    cause)."""


@cache
def fast_safe_loader() -> type[yaml.SafeLoader]:
    """libyaml's C safe loader when PyYAML was built with it: several times faster than the
    pure-Python one."""
    import yaml

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


def __getattr__(name: str) -> Any:
    """``FAST_SAFE_LOADER``, :func:`fast_safe_loader` (PyYAML imported on first use)."""
    if name == "FAST_SAFE_LOADER":
        return fast_safe_loader()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def content_key(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load_yaml(raw: bytes, loader: type[yaml.SafeLoader] | None = None) -> Any:
    """The data of one YAML document, read with ``loader`` (a safe loader;
    :func:`fast_safe_loader` by default); :class:`YamlError` when it is not valid YAML."""
    key = content_key(raw)
    if key in _PARSED:
        return _PARSED[key]
    import yaml

    try:
        data = yaml.load(raw, Loader=loader or fast_safe_loader())  # a safe loader: plain data
    except yaml.YAMLError as error:
        raise YamlError(str(error)) from error
    _PARSED[key] = data
    return data


def forget(key: str) -> None:
    """Drop what the file with this content hash parsed to (kept in another form instead)."""
    _PARSED.pop(key, None)


def remember(table: dict[str, Any]) -> None:
    """Take data parsed earlier from files with these content hashes."""
    _PARSED.update(table)


def known() -> dict[str, Any]:
    return dict(_PARSED)
