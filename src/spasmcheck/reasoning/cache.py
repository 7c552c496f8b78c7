"""A compiled-engine cache, so that the command line starts fast.

Parsing the YAML, validating it and building the lexicon take most of a cold start. The
compiled :class:`~spasmcheck.reasoning.engine.Engine` is pickled to the user's cache
directory under a key made of the package version and a hash of every source and data file
of the package, so any change to the code, the knowledge base or the language rules makes a
new entry. The cache is only an
optimisation: any problem reading or writing it falls back to building the engine.
``SPASMCHECK_NO_CACHE=1`` turns it off; ``SPASMCHECK_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spasmcheck.reasoning.engine import Engine

# Everything the compiled engine depends on: its code as well as its data, so that a new
# release or an edited rule never meets an engine pickled by older code.
CACHE_KEY_SUFFIXES = (".py", ".yaml", ".yml", ".gz")


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
    from spasmcheck._version import __version__

    digest = hashlib.sha256(__version__.encode())
    for entry in _walk(resources.files("spasmcheck")):
        digest.update(entry.name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    if configured := os.environ.get("SPASMCHECK_CACHE_DIR"):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spasmcheck"


def load_cached_engine(build: Callable[[], Engine]) -> Engine:
    if os.environ.get("SPASMCHECK_NO_CACHE"):
        return build()
    path = cache_dir() / f"engine-{data_digest()}.pickle"
    try:
        with path.open("rb") as handle:
            engine: Engine = pickle.load(handle)
        return engine
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    engine = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as out:
            pickle.dump(engine, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(out.name, path)
        # Entries for older code or data can never be read again: remove them.
        for stale in path.parent.glob("engine-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return engine
