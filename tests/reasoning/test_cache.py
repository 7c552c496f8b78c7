"""The stem cache: plain JSON that cannot run code, the same answers as a fresh build, and never
a reason to fail."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from spasmcheck.knowledge.loader import load_knowledge_base
from spasmcheck.language import tokens
from spasmcheck.reasoning import cache
from spasmcheck.reasoning.engine import Engine

TEXT = "my calves cramp at night for three weeks, no numbness or weakness"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder, in a process that has stemmed nothing yet (as a fresh CLI)."""
    monkeypatch.setenv("SPASMCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SPASMCHECK_NO_CACHE", raising=False)
    monkeypatch.setattr(tokens, "_STEMS", {})
    tokens.fold.cache_clear()
    yield tmp_path
    tokens.fold.cache_clear()


def build() -> Engine:
    return Engine(load_knowledge_base())


def stems_file(folder: Path) -> Path:
    return folder / f"stems-{cache.data_digest()}.json"


def test_the_cache_is_json_of_stems_and_answers_like_a_fresh_build(cache_dir: Path) -> None:
    first = cache.load_cached_engine(build)
    saved = json.loads(stems_file(cache_dir).read_text(encoding="utf-8"))
    assert saved["format"] == cache.FORMAT
    assert saved["stems"]["cramping"] == tokens.fold("cramping") == "cramp"
    second = cache.load_cached_engine(build)
    assert second.assess(TEXT, 60, "female").as_dict() == first.assess(TEXT, 60, "female").as_dict()


def test_a_pickle_in_the_cache_folder_is_never_loaded(cache_dir: Path) -> None:
    """The old format could run code on loading; its files are removed unread."""

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (pytest.fail, ("a pickle from the cache folder was loaded",))

    planted = cache_dir / f"engine-{cache.data_digest()}.pickle"
    planted.write_bytes(pickle.dumps(Boom()))
    assert cache.load_cached_engine(build).assess(TEXT).conditions
    assert not planted.exists()


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"format": 99, "stems": {}}',
        '{"format": 1, "stems": ["cramp"]}',
        '{"format": 1, "stems": {"cramping": 3}}',
        '{"format": 1, "stems": {"cramping": "' + "x" * 500 + '"}}',
    ],
)
def test_an_odd_file_is_ignored(tmp_path: Path, content: str) -> None:
    path = tmp_path / "stems.json"
    path.write_text(content, encoding="utf-8")
    assert cache.read_stems(path) == {}
    assert cache.read_stems(tmp_path / "missing.json") == {}


def test_unwritable_cache_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("SPASMCHECK_CACHE_DIR", str(blocker / "sub"))
    assert cache.load_cached_engine(build).assess(TEXT).conditions


def test_cache_can_be_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPASMCHECK_NO_CACHE", "1")
    cache.load_cached_engine(build)
    assert not list(cache_dir.iterdir())


def test_digest_changes_with_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.data_digest()
    monkeypatch.setattr(cache, "__version__", "9.9.9")
    assert cache.data_digest() != before


def test_digest_covers_code_and_data() -> None:
    names = {entry.name for entry in cache._walk(resources.files("spasmcheck"))}
    assert {"engine.py", "lexicon.py", "red_flags.yaml", "context_rules.yaml"} <= names


def test_stale_entries_are_removed(cache_dir: Path) -> None:
    stale = cache_dir / "stems-0000000000000000.json"
    stale.write_text('{"format": 1, "stems": {}}', encoding="utf-8")
    cache.load_cached_engine(build)
    assert not stale.exists()
    assert len(list(cache_dir.glob("stems-*.json"))) == 1


def test_words_of_a_description_are_never_saved(cache_dir: Path) -> None:
    """Stems of text the process read before the build are health data: they stay in memory."""
    tokens.fold("zzquinine")  # as if a description had been read first
    cache.load_cached_engine(build)
    saved = json.loads(stems_file(cache_dir).read_text(encoding="utf-8"))["stems"]
    assert "zzquinine" not in saved
    assert saved  # the build's own words are there
