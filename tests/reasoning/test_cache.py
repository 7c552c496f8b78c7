"""The build cache: plain JSON that cannot run code, the same answers as a fresh build, and never
a reason to fail."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from spasmcheck.knowledge import parsed, validated
from spasmcheck.knowledge.loader import collect
from spasmcheck.knowledge.policy import POLICY_FILES
from spasmcheck.knowledge.schema import ConditionFile, FindingFile, RedFlagFile
from spasmcheck.language import lexicon, tokens
from spasmcheck.reasoning import cache
from spasmcheck.reasoning.engine import Engine
from tests.conftest import TINY_KB

TEXT = "my calves cramp at night for three weeks, no numbness or weakness"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder, in a process that has stemmed nothing yet (as a fresh CLI)."""
    monkeypatch.setenv("SPASMCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SPASMCHECK_NO_CACHE", raising=False)
    monkeypatch.setattr(tokens, "_STEMS", {})
    monkeypatch.setattr(tokens, "_PHRASES", {})
    monkeypatch.setattr(parsed, "_PARSED", {})
    monkeypatch.setattr(validated, "_FORMS", {})
    monkeypatch.setattr(validated, "_RECORDING", [False])
    monkeypatch.setattr(lexicon, "_TABLES", {})
    monkeypatch.setattr(lexicon, "_RECORDING", [False])
    monkeypatch.setattr(lexicon, "_OWN_PHRASES", set())
    # One key for the whole test: the package's files may change while the suite runs.
    monkeypatch.setattr(cache, "data_digest", lambda: "0123456789abcdef")
    tokens.fold.cache_clear()
    yield tmp_path
    tokens.fold.cache_clear()


def build() -> Engine:
    kb, problems = collect()  # not the process-wide cached one: the build must really run
    assert kb is not None, problems
    return Engine(kb)


def tiny_build() -> Engine:
    """A cold build over the tiny knowledge base (tests/data/tiny_kb), for the tests of what
    happens to the cache's files rather than of the answers: it goes through the same steps
    (its files validated, the language data's phrases stemmed, all recorded for the cache), a
    tenth of the packaged build's CPU."""
    kb, problems = collect(TINY_KB)
    assert kb is not None, problems
    return Engine(kb)


def cache_file(folder: Path) -> Path:
    return folder / "build-0123456789abcdef.json"


def test_the_cache_is_json_and_answers_like_a_fresh_build(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cache.load_cached_engine(build)
    saved = json.loads(cache_file(cache_dir).read_text(encoding="utf-8"))
    assert saved["format"] == cache.FORMAT
    assert saved["stems"]["cramping"] == tokens.fold("cramping") == "cramp"
    red_flags = resources.files("spasmcheck") / "knowledge/data/red_flags/red_flags.yaml"
    content = parsed.content_key(red_flags.read_bytes())
    # the knowledge base's files are kept validated, in plain form, not as parsed YAML
    assert f"{validated.model_key(RedFlagFile)}:{content}" in saved["models"]
    assert content not in saved["files"]
    # a fresh process: nothing in memory, everything from the file; YAML is never parsed, and
    # the knowledge base and the policy files are never validated again
    monkeypatch.setattr(tokens, "_STEMS", {})
    monkeypatch.setattr(parsed, "_PARSED", {})
    monkeypatch.setattr(validated, "_FORMS", {})
    tokens.fold.cache_clear()
    monkeypatch.setattr(yaml, "load", lambda *a, **k: pytest.fail("YAML parsed again"))
    for model in (ConditionFile, FindingFile, RedFlagFile, *POLICY_FILES.values()):
        monkeypatch.setattr(model, "model_validate", lambda *a, **k: pytest.fail("validated"))
    second = cache.load_cached_engine(build)
    assert second.assess(TEXT, 60, "female").as_dict() == first.assess(TEXT, 60, "female").as_dict()


def test_a_pickle_in_the_cache_folder_is_never_loaded(cache_dir: Path) -> None:
    """The old format could run code on loading; its files are removed unread."""

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (pytest.fail, ("a pickle from the cache folder was loaded",))

    planted = cache_dir / "engine-0123456789abcdef.pickle"
    planted.write_bytes(pickle.dumps(Boom()))
    assert cache.load_cached_engine(tiny_build).assess(TEXT).conditions
    assert not planted.exists()


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"format": 99, "stems": {}, "files": {}}',
        '{"format": 2, "stems": ["cramp"], "files": {}}',
        '{"format": 2, "stems": {"cramping": 3}, "files": {}}',
        '{"format": 2, "stems": {"cramping": "' + "x" * 500 + '"}, "files": {}}',
        '{"format": 2, "stems": {}, "files": {"not-a-hash": {}}}',
        '{"format": 2, "stems": {}}',
        "[" * 100_000,
    ],
)
def test_an_odd_file_is_ignored(tmp_path: Path, content: str) -> None:
    path = tmp_path / "stems.json"
    path.write_text(content, encoding="utf-8")
    assert cache.read_cache(path) == cache.Saved()
    assert cache.read_cache(tmp_path / "missing.json") == cache.Saved()


def test_unwritable_cache_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("SPASMCHECK_CACHE_DIR", str(blocker / "sub"))
    assert cache.load_cached_engine(tiny_build).assess(TEXT).conditions


def test_cache_can_be_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPASMCHECK_NO_CACHE", "1")
    cache.load_cached_engine(tiny_build)
    assert not list(cache_dir.iterdir())


def test_digest_changes_with_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.data_digest()
    monkeypatch.setattr(cache, "__version__", "9.9.9")
    assert cache.data_digest() != before


def test_digest_covers_code_and_data() -> None:
    names = {entry.name for entry in cache._walk(resources.files("spasmcheck"))}
    assert {"engine.py", "lexicon.py", "red_flags.yaml", "context_rules.yaml"} <= names


def test_stale_entries_are_removed(cache_dir: Path) -> None:
    stale = [cache_dir / "stems-0000000000000000.json", cache_dir / "build-0000000000000000.json"]
    for path in stale:
        path.write_text('{"format": 1, "stems": {}}', encoding="utf-8")
    cache.load_cached_engine(tiny_build)
    assert not any(path.exists() for path in stale)
    assert [p.name for p in cache_dir.iterdir()] == [cache_file(cache_dir).name]


def test_words_of_a_description_are_never_saved(cache_dir: Path) -> None:
    """Stems of text the process read before the build are health data: they stay in memory."""
    tokens.fold("zzquinine")  # as if a description had been read first
    cache.load_cached_engine(tiny_build)
    saved = json.loads(cache_file(cache_dir).read_text(encoding="utf-8"))["stems"]
    assert "zzquinine" not in saved
    assert saved  # the build's own words are there


def test_a_parsed_file_that_json_cannot_hold_is_not_saved(cache_dir: Path) -> None:
    """A YAML date does not come back from JSON as a date: such a file is parsed every time."""
    parsed.load_yaml(b"when: 2026-12-05\n", yaml.SafeLoader)
    before = set(parsed.known())
    cache.load_cached_engine(tiny_build)
    saved = json.loads(cache_file(cache_dir).read_text(encoding="utf-8"))["files"]
    assert not before & set(saved)  # parsed before the build, and not plain data either
    assert all(cache._plain(data) for data in saved.values())
    assert not cache._plain({"when": date(2026, 12, 5)})


def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in memory but what the next start reads from the file."""
    monkeypatch.setattr(tokens, "_STEMS", {})
    monkeypatch.setattr(tokens, "_PHRASES", {})
    monkeypatch.setattr(parsed, "_PARSED", {})
    monkeypatch.setattr(validated, "_FORMS", {})
    monkeypatch.setattr(lexicon, "_TABLES", {})
    monkeypatch.setattr(lexicon, "_OWN_PHRASES", set())
    tokens.fold.cache_clear()
    tokens.canonical.cache_clear()


def test_the_lexicons_come_ready_made_and_tokenise_nothing(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parser's lexicons are kept whole (issue 16 item 8): a cached start tokenises none of
    their 14,000 phrases, and the file keeps only the phrases something else reads."""
    first = cache.load_cached_engine(build)
    saved = json.loads(cache_file(cache_dir).read_text(encoding="utf-8"))
    main = first.parser.lexicon
    assert main._table_key in saved["lexicons"]
    assert "night cramps" in lexicon.own_phrases()  # a synonym (findings/timing.yaml)
    assert "night cramps" not in saved["phrases"]
    assert len(saved["phrases"]) < 2_000
    _fresh_process(monkeypatch)
    cache.load_cached_engine(build)  # (may tokenise a phrase a lexicon and a rule share)
    _fresh_process(monkeypatch)
    real = tokens.tokenize
    monkeypatch.setattr(tokens, "tokenize", lambda text: pytest.fail(f"tokenised {text!r}"))
    third = cache.load_cached_engine(build)
    monkeypatch.setattr(tokens, "tokenize", real)
    assert third.parser.lexicon._unread  # phrases decoded only for the words of a text
    assert third.assess(TEXT, 60, "female").as_dict() == first.assess(TEXT, 60, "female").as_dict()
    fresh = Engine(first.kb)
    for text in (TEXT, "my calfs are swolen and my leg is twitchng", "ankle and wrist spasms"):
        assert third.parse(text)[0] == fresh.parse(text)[0]


@pytest.mark.parametrize(
    ("spoil", "checked_at_start"),
    [
        (lambda t: t["by_first"].update({k: "nonsense" for k in t["by_first"]}), False),
        (lambda t: t["by_first"].update({k: "other\tx" for k in t["by_first"]}), False),
        (lambda t: t["by_first"].update({k: ["a", "list"] for k in t["by_first"]}), True),
        (lambda t: t.update(vocabulary=["a", "list"]), True),
        (lambda t: t.update(concepts=[["x", "not a bool", 0, [], []]]), True),
        (lambda t: t.pop("surface"), True),
    ],
)
def test_a_spoilt_lexicon_table_is_built_again(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, spoil: Any, checked_at_start: bool
) -> None:
    """A table not of a lexicon's shape is never trusted: the lexicon is built from its inputs
    (the same readings), and the file gets the table built. A first word's phrases are
    decoded when a text holds the word, after the file was read: then the readings are the
    build's all the same."""
    first = cache.load_cached_engine(build)
    path = cache_file(cache_dir)
    document = json.loads(path.read_text(encoding="utf-8"))
    key = first.parser.lexicon._table_key
    good = json.loads(json.dumps(document["lexicons"][key]))
    spoil(document["lexicons"][key])
    path.write_text(json.dumps(document), encoding="utf-8")
    _fresh_process(monkeypatch)
    second = cache.load_cached_engine(build)
    text = "my calfs are swolen, no fever, calf cramps at night"
    assert second.parse(text)[0] == Engine(first.kb).parse(text)[0]
    if checked_at_start:
        assert json.loads(path.read_text(encoding="utf-8"))["lexicons"][key] == good
    else:
        assert not second.parser.lexicon._unread  # built from its inputs


def test_ready_made_phrases_are_decoded_safely_by_threads(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first word's phrases are decoded on first use: threads that meet it at once all find
    them (the library's engine may serve several threads)."""
    first = cache.load_cached_engine(build)
    _fresh_process(monkeypatch)
    ready = cache.load_cached_engine(build).parser.lexicon
    eager = Engine(first.kb).parser.lexicon
    words = sorted(ready._unread)
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(ready._candidates, words * 4))
    assert found == [eager._candidates(word) for word in words * 4]
    assert not ready._unread
