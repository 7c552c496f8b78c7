"""A cache of stems, so that the command line starts fast — plain JSON, which cannot run code.

Building the :class:`~spasmcheck.reasoning.engine.Engine` stems every phrase of the knowledge
base and of the language rules with the pure-Python Snowball stemmer, about half of the build.
The stems (word → stem, :func:`spasmcheck.language.tokens.known_stems`) are saved as JSON in the
user's cache directory, under a key made of the package version, the stemmer's version and a
hash of every source and data file of the package, and handed back to the stemmer on the next
start; the engine itself is built anew every time. Only the words of the build are saved
(the knowledge base's and the language rules'), never a word of a description. The file holds
strings only: reading it can never run code (the pickle it replaces could, for whoever could
write the cache folder), and it is read as untrusted input — anything but a flat object of
short strings is ignored. A table altered by someone else could at worst change how words
match, so the server never reads one.

The cache is only an optimisation: any problem reading or writing it falls back to stemming.
``SPASMCHECK_NO_CACHE=1`` turns it off; ``SPASMCHECK_CACHE_DIR`` moves it. The server never
uses it (:func:`spasmcheck.server.create_app` builds its own engine).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from spasmcheck._version import __version__
from spasmcheck.language.tokens import known_stems, remember_stems

if TYPE_CHECKING:
    from spasmcheck.reasoning.engine import Engine

# Everything the stems depend on: the code as well as the data, so that a new release or an
# edited rule never meets a table made by older code.
CACHE_KEY_SUFFIXES = (".py", ".yaml", ".yml", ".gz")
FORMAT = 1
MAX_WORD = 100  # tokens are words; anything longer did not come from the stemmer
MAX_ENTRIES = 1_000_000


def _walk(folder: Traversable) -> list[Traversable]:
    files: list[Traversable] = []
    for entry in sorted(folder.iterdir(), key=lambda t: t.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            files.extend(_walk(entry))
        elif entry.name.endswith(CACHE_KEY_SUFFIXES):
            files.append(entry)
    return files


def data_digest() -> str:
    digest = hashlib.sha256(__version__.encode())
    digest.update(metadata.version("snowballstemmer").encode())
    for entry in _walk(resources.files("spasmcheck")):
        digest.update(entry.name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    if configured := os.environ.get("SPASMCHECK_CACHE_DIR"):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spasmcheck"


def read_stems(path: Path) -> dict[str, str]:
    """The stems saved in ``path``; an empty table for a missing, unreadable or odd file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    stems = data.get("stems")
    if not isinstance(stems, dict) or len(stems) > MAX_ENTRIES:
        return {}
    for word, stem in stems.items():
        if not (isinstance(stem, str) and 0 < len(word) <= MAX_WORD and len(stem) <= MAX_WORD):
            return {}
    return stems


def write_stems(path: Path, stems: dict[str, str]) -> None:
    """Save ``stems`` to ``path`` atomically, and remove the entries of older code."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
    ) as out:
        json.dump({"format": FORMAT, "stems": stems}, out, ensure_ascii=False, sort_keys=True)
    os.replace(out.name, path)
    # Tables for older code can never be read again, and the pickles of earlier releases
    # must not linger where a later one might be tempted to read them.
    for stale in [*path.parent.glob("stems-*.json"), *path.parent.glob("engine-*.pickle")]:
        if stale != path:
            stale.unlink(missing_ok=True)


def load_cached_engine(build: Callable[[], Engine]) -> Engine:
    """``build()``, with the stems of the previous start handed to the stemmer first."""
    if os.environ.get("SPASMCHECK_NO_CACHE"):
        return build()
    path = cache_dir() / f"stems-{data_digest()}.json"
    saved = read_stems(path)
    earlier = known_stems()  # words stemmed before the build may be someone's description
    remember_stems(saved)
    engine = build()
    stems = {
        word: stem for word, stem in known_stems().items() if word in saved or word not in earlier
    }
    if len(stems) > len(saved):
        with contextlib.suppress(OSError):
            write_stems(path, stems)
    return engine
