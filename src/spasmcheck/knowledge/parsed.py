"""The package's YAML files as parsed data, remembered by the hash of their bytes.

PyYAML builds Python objects slowly even with libyaml parsing: most of the time it takes to
load the knowledge base and the language rules, which both read their files through
:func:`load_yaml`. It remembers what each file parsed to, keyed by the SHA-256 of the file's
bytes; the command line's cache (:mod:`spasmcheck.reasoning.cache`) saves that table as JSON and
hands it back through :func:`remember`, so the next start parses JSON instead. Whatever comes
back is validated by its schema exactly as parsed YAML is.
"""

from __future__ import annotations

import hashlib
from typing import Any

import yaml

_PARSED: dict[str, Any] = {}
# libyaml's C parser when PyYAML was built with it: several times faster than the pure-Python one.
FAST_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def content_key(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load_yaml(raw: bytes, loader: type[yaml.SafeLoader] = FAST_SAFE_LOADER) -> Any:
    """The data of one YAML document (``yaml.YAMLError`` when it is not valid YAML)."""
    key = content_key(raw)
    if key in _PARSED:
        return _PARSED[key]
    data = yaml.load(raw, Loader=loader)  # a safe loader: plain data only
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
