"""The real-world corpus and its fixed split by source into a dev half and a sealed half.

Cases in ``vignettes/realworld/`` are descriptions written by real people (forums, Q&A
threads, first-person accounts, case reports retold in lay words), each with the public
``source`` it came from. The half a case belongs to is decided by its source alone, so that
two cases from one thread never sit on both sides: the SHA-256 of the source address,
normalised (scheme, ``www.``, trailing slash, query and fragment dropped, lowercase), read
as an integer; even → ``dev``, odd → ``sealed``. We tune on ``dev`` only; ``sealed`` is scored
as a whole and never read case by case.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from spasmcheck.evaluation.vignettes import Vignette

Half = Literal["dev", "sealed"]

__all__ = ["Half", "half_of", "normalise_source", "select_half"]


def normalise_source(source: str) -> str:
    """The address without scheme, ``www.``, query, fragment or trailing slash, lowercase."""
    parts = urlsplit(source.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    if not host:  # not a URL (e.g. a DOI or a citation): the whole string, lowercased
        return source.strip().lower()
    return f"{host}{path}".lower()


def half_of(source: str) -> Half:
    """The half a case from ``source`` belongs to; the same for every case of one source."""
    digest = hashlib.sha256(normalise_source(source).encode("utf-8")).digest()
    return "dev" if digest[-1] % 2 == 0 else "sealed"


def select_half(vignettes: Sequence[Vignette], half: str) -> list[Vignette]:
    """The vignettes whose ``source`` falls in ``half``; every vignette must name its source."""
    if half not in ("dev", "sealed"):
        raise ValueError(f"--half must be 'dev' or 'sealed', got {half!r}")
    chosen = []
    for vignette in vignettes:
        source = (vignette.model_extra or {}).get("source")
        if not isinstance(source, str) or not source.strip():
            raise ValueError(f"vignette {vignette.id}: --half needs a 'source' on every case")
        if half_of(source) == half:
            chosen.append(vignette)
    return chosen
