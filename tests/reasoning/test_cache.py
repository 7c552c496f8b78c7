"""The compiled-engine cache: same answers as a fresh build, and never a reason to fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from spasmcheck.knowledge.loader import load_knowledge_base
from spasmcheck.reasoning import cache
from spasmcheck.reasoning.engine import Engine

TEXT = "my calves cramp at night for three weeks, no numbness or weakness"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SPASMCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SPASMCHECK_NO_CACHE", raising=False)
    return tmp_path


def build() -> Engine:
    return Engine(load_knowledge_base())


def test_cached_engine_answers_like_a_fresh_one(cache_dir: Path) -> None:
    first = cache.load_cached_engine(build)
    assert list(cache_dir.glob("engine-*.pickle"))
    second = cache.load_cached_engine(lambda: pytest.fail("should come from the cache"))
    assert second.assess(TEXT, 60, "female").as_dict() == first.assess(TEXT, 60, "female").as_dict()


def test_corrupt_cache_is_rebuilt(cache_dir: Path) -> None:
    (cache_dir / f"engine-{cache.data_digest()}.pickle").write_bytes(b"not a pickle")
    engine = cache.load_cached_engine(build)
    assert engine.assess(TEXT).conditions


def test_unwritable_cache_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("SPASMCHECK_CACHE_DIR", str(blocker / "sub"))
    assert cache.load_cached_engine(build).assess(TEXT).conditions


def test_cache_can_be_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPASMCHECK_NO_CACHE", "1")
    cache.load_cached_engine(build)
    assert not list(cache_dir.glob("*.pickle"))


def test_digest_changes_with_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.data_digest()
    monkeypatch.setattr("spasmcheck.__version__", "9.9.9")
    assert cache.data_digest() != before


def test_digest_covers_code_and_data() -> None:
    names = {entry.name for entry in cache._walk(cache.resources.files("spasmcheck"))}
    assert {"engine.py", "lexicon.py", "red_flags.yaml", "context_rules.yaml"} <= names


def test_stale_entries_are_removed(cache_dir: Path) -> None:
    stale = cache_dir / "engine-0000000000000000.pickle"
    stale.write_bytes(b"old")
    cache.load_cached_engine(build)
    assert not stale.exists()
    assert len(list(cache_dir.glob("engine-*.pickle"))) == 1
