"""The build cache keeps the build's phrases as tokens: a warm start tokenises none of them
again, answers as a fresh build does, and an odd table is ignored (issue 16 item 8)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from spasmcheck.knowledge import parsed
from spasmcheck.knowledge.loader import collect
from spasmcheck.language import tokens
from spasmcheck.reasoning import cache
from spasmcheck.reasoning.engine import Engine

TEXT = "my calves cramp at night for three weeks, no numbness or weakness"
KEY = "0123456789abcdef"


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder in a process that has tokenised and stemmed nothing yet."""
    monkeypatch.setenv("SPASMCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SPASMCHECK_NO_CACHE", raising=False)
    monkeypatch.setattr(tokens, "_STEMS", {})
    monkeypatch.setattr(tokens, "_PHRASES", {})
    monkeypatch.setattr(parsed, "_PARSED", {})
    monkeypatch.setattr(cache, "data_digest", lambda: KEY)
    tokens.fold.cache_clear()
    yield tmp_path
    tokens.fold.cache_clear()


def build() -> Engine:
    kb, problems = collect()
    assert kb is not None, problems
    return Engine(kb)


def test_a_warm_start_tokenises_no_phrase_again(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cache.load_cached_engine(build)
    saved = json.loads((fresh / f"build-{KEY}.json").read_text(encoding="utf-8"))["phrases"]
    # a context rule's phrase (context_rules.yaml): keys, then the words as written
    assert saved["absence of"] == [["absenc", "of"], ["absence", "of"]]
    # a lexicon's own phrases are not kept here: its tables are kept whole (format 5)
    assert "cramp" not in saved
    assert 100 < len(saved) < 2_000

    monkeypatch.setattr(tokens, "_PHRASES", {})
    monkeypatch.setattr(tokens, "_STEMS", {})
    tokens.fold.cache_clear()
    tokenised: list[str] = []
    real = tokens.tokenize

    def counting(text: str) -> list[tokens.Token]:
        tokenised.append(text)
        return real(text)

    monkeypatch.setattr(tokens, "tokenize", counting)  # what phrase_tokens calls
    second = cache.load_cached_engine(build)
    assert tokenised == []
    assert second.assess(TEXT, 60, "female").as_dict() == first.assess(TEXT, 60, "female").as_dict()


@pytest.mark.parametrize(
    "phrases",
    [
        '["cramp"]',
        '{"cramp": [["cramp"]]}',
        '{"cramp": [["cramp"], ["cramp", "extra"]]}',
        '{"cramp": [["cramp"], [3]]}',
        '{"cramp": "cramp"}',
        '{"' + "x" * 2_000 + '": [[], []]}',
    ],
)
def test_an_odd_phrase_table_is_ignored(tmp_path: Path, phrases: str) -> None:
    path = tmp_path / "build.json"
    document = f'{{"format": {cache.FORMAT}, "stems": {{}}, "files": {{}}, "phrases": {phrases}}}'
    path.write_text(document, encoding="utf-8")
    assert cache.read_cache(path) == cache.Saved()
