"""A cache of the build's slow pure steps, so that the command line starts fast — plain JSON,
which cannot run code.

Building the :class:`~spasmcheck.reasoning.engine.Engine` is mostly PyYAML turning the
knowledge base into Python objects and the pure-Python Snowball stemmer stemming every phrase.
Both are pure functions of their input, so their results are saved as JSON in the user's cache
directory — the data files (knowledge base, policy, language data) as their validated objects
in plain form, keyed by their model and the SHA-256 of each file
(:mod:`spasmcheck.knowledge.validated`; files without a model as parsed data,
:mod:`spasmcheck.knowledge.parsed`), the stems, word → stem
(:func:`spasmcheck.language.tokens.known_stems`), the text parser's lexicons ready-made
(:func:`spasmcheck.language.lexicon.known_tables`, whose phrases a start then never tokenises),
and the build's other phrases as tokens
(:func:`spasmcheck.language.tokens.known_phrases`) — under a key made of the package version, the
stemmer's code and a hash of every source and data file of the package, and handed back on
the next start. The engine itself is built anew every time, from records checked field by field
against their types (:class:`~spasmcheck.knowledge.validated.Record`: neither pydantic nor the
models that validate the files are imported, issue 16 item 8), and the knowledge base's cross
references are checked as if just read. The command line reads the file (:func:`prime`)
before it imports the engine, whose language modules load some of their data at import. Only
what the build itself computed is saved (the data's and the language rules' words), never a
word of a description.

The file holds plain data only: reading it can never run code (the pickle it replaces could,
for whoever could write the cache folder), and it is read as untrusted input — anything but the
expected shapes is ignored. A file altered by someone else could at worst change what the
command line of that account knows, which that account could do to its own installation
anyway; the server never reads one.

The cache is only an optimisation: any problem reading or writing it falls back to the build.
``SPASMCHECK_NO_CACHE=1`` turns it off; ``SPASMCHECK_CACHE_DIR`` moves it. The server never
uses it (:func:`spasmcheck.server.create_app` builds its own engine).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib.util
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spasmcheck._lazy import package_files
from spasmcheck._version import __version__
from spasmcheck.knowledge import parsed, validated

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from spasmcheck.reasoning.engine import Engine

# Everything the stems depend on: the code as well as the data, so that a new release or an
# edited rule never meets a table made by older code.
CACHE_KEY_SUFFIXES = (".py", ".yaml", ".yml", ".gz")
STEMMER_FILES = ("among.py", "basestemmer.py", "english_stemmer.py")
FORMAT = 5
MAX_WORD = 100  # tokens are words; anything longer did not come from the stemmer
MAX_PHRASE = 1_000  # characters of a phrase of the knowledge base or the language rules
MAX_ENTRIES = 1_000_000
HASH = re.compile(r"[0-9a-f]{64}")
MODEL_KEY = re.compile(r"[A-Za-z_][\w.]*:[0-9a-f]{64}")
MAX_MODEL_KEY = 300


def _walk(folder: Traversable) -> list[Traversable]:
    if isinstance(folder, Path):  # an installed package: a folder, listed without stat calls
        return list(_walk_folder(folder))
    files: list[Traversable] = []
    for entry in sorted(folder.iterdir(), key=lambda t: t.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            files.extend(_walk(entry))
        elif entry.name.endswith(CACHE_KEY_SUFFIXES):
            files.append(entry)
    return files


def _walk_folder(folder: Path) -> Iterator[Path]:
    """:func:`_walk` of a folder, in the same order, through ``os.scandir``."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            yield from _walk_folder(Path(entry.path))
        elif entry.name.endswith(CACHE_KEY_SUFFIXES):
            yield Path(entry.path)


def _stemmer_code() -> bytes:
    """The code of the English Snowball stemmer (the stems depend on it): its files' bytes,
    found without importing it or ``importlib.metadata`` (10 ms of a start); its version when
    they cannot be read."""
    spec = importlib.util.find_spec("snowballstemmer")
    if spec is not None and spec.origin is not None:
        folder = Path(spec.origin).parent
        with contextlib.suppress(OSError):
            return b"".join((folder / name).read_bytes() for name in STEMMER_FILES)
    from importlib import metadata

    return metadata.version("snowballstemmer").encode()


def data_digest() -> str:
    digest = hashlib.sha256(__version__.encode())
    digest.update(_stemmer_code())
    for entry in _walk(package_files("spasmcheck")):
        digest.update(entry.name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    if configured := os.environ.get("SPASMCHECK_CACHE_DIR"):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spasmcheck"


@dataclass(frozen=True)
class Saved:
    """What a cache file holds: stems, the build's phrases as tokens (keys and words), parsed
    files by the hash of their content, validated files in plain form by their model and
    the hash of their content (:mod:`spasmcheck.knowledge.validated`), and the text parser's
    lexicons ready-made by the hash of their inputs (:mod:`spasmcheck.language.lexicon`)."""

    stems: dict[str, str] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    phrases: dict[str, list[list[str]]] = field(default_factory=dict)
    models: dict[str, Any] = field(default_factory=dict)
    lexicons: dict[str, Any] = field(default_factory=dict)


def _stems(value: object) -> dict[str, str] | None:
    if not isinstance(value, dict) or len(value) > MAX_ENTRIES:
        return None
    for word, stem in value.items():
        if not (isinstance(stem, str) and 0 < len(word) <= MAX_WORD and len(stem) <= MAX_WORD):
            return None
    return value


def _phrases(value: object) -> dict[str, list[list[str]]] | None:
    if not isinstance(value, dict) or len(value) > MAX_ENTRIES:
        return None
    # one pass over the phrases for the shapes, then the words all at once (the table has
    # ~14,000 phrases: checking word by word in Python took 13 ms of every start)
    words: list[object] = []
    for phrase, tokens in value.items():
        if type(tokens) is not list or len(tokens) != 2 or len(phrase) > MAX_PHRASE:
            return None
        keys, written = tokens
        if type(keys) is not list or type(written) is not list or len(keys) != len(written):
            return None
        words += keys
        words += written
    if not set(map(type, words)) <= {str}:
        return None
    if max(map(len, words), default=0) > MAX_WORD:  # type: ignore[arg-type]
        return None
    return value


def _files(value: object) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    if not all(isinstance(key, str) and HASH.fullmatch(key) for key in value):
        return None
    return value


def _models(value: object) -> dict[str, Any] | None:
    """Model and content keys; each value is checked against its model when it is used."""
    if not isinstance(value, dict):
        return None
    if not all(
        isinstance(key, str) and len(key) <= MAX_MODEL_KEY and MODEL_KEY.fullmatch(key)
        for key in value
    ):
        return None
    return value


def _lexicons(value: object) -> dict[str, Any] | None:
    """Input hashes; each value is checked against a lexicon's shape when it is used."""
    if not isinstance(value, dict):
        return None
    if not all(isinstance(key, str) and HASH.fullmatch(key) for key in value):
        return None
    return value


def read_cache(path: Path) -> Saved:
    """What ``path`` holds; nothing for a missing, unreadable or odd file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return Saved()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return Saved()
    stems, files = _stems(data.get("stems")), _files(data.get("files"))
    phrases, models = _phrases(data.get("phrases")), _models(data.get("models"))
    lexicons = _lexicons(data.get("lexicons"))
    if stems is None or files is None or phrases is None or models is None or lexicons is None:
        return Saved()
    return Saved(stems, files, phrases, models, lexicons)


def _plain(data: Any) -> bool:
    """Whether ``data`` comes back from JSON exactly as it is (dates, say, would not)."""
    try:
        return bool(json.loads(json.dumps(data)) == data)
    except (TypeError, ValueError):
        return False


def write_cache(path: Path, saved: Saved) -> None:
    """Save ``saved`` to ``path`` atomically, and remove the entries of older code."""
    import tempfile  # (only a start that built something new writes)

    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
    ) as out:
        document = {
            "format": FORMAT,
            "stems": saved.stems,
            "files": saved.files,
            "phrases": saved.phrases,
            "models": saved.models,
            "lexicons": saved.lexicons,
        }
        json.dump(document, out, ensure_ascii=False, sort_keys=True)
    os.replace(out.name, path)
    # Tables for older code can never be read again, and the pickles of earlier releases
    # must not linger where a later one might be tempted to read them.
    for stale in [*path.parent.glob("build-*.json"), *path.parent.glob("stems-*.json")]:
        if stale != path:
            stale.unlink(missing_ok=True)
    for stale in path.parent.glob("engine-*.pickle"):
        stale.unlink(missing_ok=True)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the block runs (back on after, if it was).

    Building the engine allocates a few hundred thousand long-lived objects, and the collector
    sweeps them again and again as they come: three full sweeps and 0.12 s of a 0.6 s
    ``spasmcheck assess`` (issue 16 item 8, docs/benchmarks.md). The build leaves no cycles
    of garbage worth collecting early."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@dataclass(frozen=True)
class _Primed:
    """The cache file read ahead by :func:`prime`, and what the process knew before."""

    path: Path
    saved: Saved
    files_before: frozenset[str]
    models_before: frozenset[str]
    stems_before: frozenset[str]
    phrases_before: frozenset[str]
    lexicons_before: frozenset[str]
    phrases_remembered: int  # how many phrases' tokens were known once the file's were taken


_primed: list[_Primed] = []  # at most one: read by prime, taken by the next load


def prime() -> None:
    """Read the cache file now and hand over its stems, phrases, parsed and validated files.

    The language layer loads some of its data (word lists, the duration policy) and folds
    some of its words when its modules are imported; the command line calls this before
    importing the engine, so that those files and stems come from the cache too instead of
    being parsed, validated and stemmed on every start (``language.tokens`` is imported here
    on its own: the language package imports its other modules on first use).
    :func:`load_cached_engine` takes what was read here (or reads the file itself), under the
    key worked out here: the package's files are hashed once per start, not twice. Nothing
    with ``SPASMCHECK_NO_CACHE``."""
    if os.environ.get("SPASMCHECK_NO_CACHE"):
        return
    if _primed and _primed[0].path.parent == cache_dir():
        return
    from spasmcheck.language.tokens import (
        known_phrases,
        known_stems,
        phrase_count,
        remember_phrases,
        remember_stems,
    )

    path = cache_dir() / f"build-{data_digest()}.json"
    saved = read_cache(path)
    # what this process computed before may not be the package's own data: a stem or a
    # phrase may come from someone's description, a parsed file from anywhere
    files_before, models_before = frozenset(parsed.known()), frozenset(validated.known())
    stems_before = frozenset(known_stems())
    phrases_before = frozenset(known_phrases()) if phrase_count() else frozenset()
    parsed.remember(saved.files)
    validated.remember(saved.models)
    remember_stems(saved.stems)
    remember_phrases(saved.phrases)
    # (imported once the stems and files are handed over: it folds words at import)
    from spasmcheck.language import lexicon

    lexicons_before = frozenset(lexicon.known_tables())
    lexicon.remember_tables(saved.lexicons)
    _primed[:] = [
        _Primed(
            path,
            saved,
            files_before,
            models_before,
            stems_before,
            phrases_before,
            lexicons_before,
            phrase_count(),
        )
    ]


def load_cached_engine(build: Callable[[], Engine]) -> Engine:
    """``build()``, with the stems, phrases, parsed files and validated files of the previous
    start handed over first (by :func:`prime`)."""
    with collector_paused():
        return _load_cached_engine(build)


def _load_cached_engine(build: Callable[[], Engine]) -> Engine:
    if os.environ.get("SPASMCHECK_NO_CACHE"):
        return build()
    from spasmcheck.language.tokens import known_phrases, known_stems, phrase_count

    prime()
    from spasmcheck.language import lexicon

    primed = _primed.pop()
    saved, path = primed.saved, primed.path
    engine = build()
    stems = {
        w: s for w, s in known_stems().items() if w in saved.stems or w not in primed.stems_before
    }
    # (copied only when the build tokenised a phrase the file did not have: never on a warm
    # start, where the copy was 6 ms). The phrases of the lexicons built here are left out:
    # the lexicons' tables are kept whole, and a cached start never tokenises them again (a
    # phrase that something else needs too is tokenised on the next start, and saved then).
    own = lexicon.own_phrases()
    phrases = (
        {
            p: tokens
            for p, tokens in known_phrases().items()
            if (p in saved.phrases or p not in primed.phrases_before) and p not in own
        }
        if phrase_count() > primed.phrases_remembered
        else saved.phrases
    )
    files = {
        key: data
        for key, data in parsed.known().items()
        if key in saved.files or (key not in primed.files_before and _plain(data))
    }
    models = {
        key: form
        for key, form in validated.known().items()
        if key in saved.models or key not in primed.models_before
    }
    lexicons = {
        key: table
        for key, table in lexicon.known_tables().items()
        if key in saved.lexicons or key not in primed.lexicons_before
    }
    grew = len(stems) > len(saved.stems) or len(files) > len(saved.files)
    grew = grew or len(phrases) > len(saved.phrases)
    # (a form or a table refused as not of its shape is replaced by the one built from the
    # files)
    if grew or models != saved.models or lexicons != saved.lexicons:
        with contextlib.suppress(OSError):
            write_cache(path, Saved(stems, files, phrases, models, lexicons))
    return engine
