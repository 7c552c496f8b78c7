"""The semantic fallback: the index's arithmetic on a hand-made model, then the packaged model.

The arithmetic tests use a bag-of-words "model" (one dimension per word), so each expected
similarity is a cosine a reviewer can work out on paper. The packaged-model tests use rows of
``data/semantic_probes.yaml`` whose answer is clear by a wide margin (see docs/language.md,
"Semantic fallback", for the measured scores), and check that nothing reaches the network,
a log or the terminal.
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from spasmcheck.knowledge import KnowledgeBase
from spasmcheck.language.semantic import (
    SIMILARITY_THRESHOLD,
    WORDLLAMA_TOKENIZER_SHA256,
    WORDLLAMA_WEIGHTS_SHA256,
    SemanticIndex,
    SemanticModelError,
    StaticEmbedding,
    knowledge_base_phrases,
)
from spasmcheck.reasoning.engine import Engine

PROBES: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "semantic_probes.yaml").read_text(encoding="utf-8")
)


class BagOfWords:
    """One dimension per vocabulary word; a text is its normalised word-count vector."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        self.index = {word: i for i, word in enumerate(vocabulary)}
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> Any:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), len(self.index)), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.split():
                if word in self.index:
                    out[row, self.index[word]] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=out, where=norms > 0)


PHRASES = [
    ("hard to swallow", "trouble_swallowing"),
    ("food stuck", "trouble_swallowing"),
    ("face drooping", "face_droop"),
    ("pee dark", "dark_urine"),
]
VOCABULARY = ["hard", "to", "swallow", "food", "stuck", "face", "drooping", "pee", "dark"]


@pytest.fixture
def toy() -> tuple[SemanticIndex, BagOfWords]:
    model = BagOfWords(VOCABULARY)
    return SemanticIndex(PHRASES, model=model, threshold=0.5), model


# --- the index's arithmetic ----------------------------------------------------------------

# (clause, expected ranking with cosines written as the arithmetic that gives them)
RANKINGS = [
    # "food stuck" vs "food stuck": 1; vs "hard to swallow": no shared word.
    ("food stuck", [("trouble_swallowing", 1.0)]),
    # "food dark": vs "food stuck" 1/(√2·√2) = 0.5; vs "pee dark" 1/(√2·√2) = 0.5 (tie → id order).
    ("food dark", [("dark_urine", 0.5), ("trouble_swallowing", 0.5)]),
    # "hard food": vs "hard to swallow" 1/(√2·√3); vs "food stuck" 1/2 — max over phrasings is 1/2.
    ("hard food", [("trouble_swallowing", 0.5), ("dark_urine", 0.0)]),
]


@pytest.mark.parametrize(("clause", "expected"), RANKINGS)
def test_nearest_is_the_max_cosine_over_a_findings_phrasings(
    toy: tuple[SemanticIndex, BagOfWords], clause: str, expected: list[tuple[str, float]]
) -> None:
    index, _ = toy
    got = index.nearest(clause, k=len(expected))
    assert [fid for fid, _ in got] == [fid for fid, _ in expected]
    for (_, score), (_, want) in zip(got, expected, strict=True):
        assert score == pytest.approx(want, abs=1e-6)


def test_scores_cover_every_finding_once(toy: tuple[SemanticIndex, BagOfWords]) -> None:
    index, _ = toy
    scores = index.scores("face drooping")
    assert set(scores) == {"trouble_swallowing", "face_droop", "dark_urine"}
    assert scores["face_droop"] == pytest.approx(1.0)
    assert scores["trouble_swallowing"] == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("clause", "threshold", "expected"),
    [
        # "hard food": best cosine 1/2 (against "food stuck").
        ("hard food", 0.45, "trouble_swallowing"),
        ("hard food", 0.55, None),
        # "hard": 1/√3 ≈ 0.577 against "hard to swallow".
        ("hard", 0.55, "trouble_swallowing"),
        ("hard", 0.60, None),
        ("nothing in the vocabulary", -1.0, None),  # the zero vector has no neighbour
        ("", -1.0, None),  # an empty clause has no scores at all
        ("   ", -1.0, None),
    ],
)
def test_best_applies_the_threshold(clause: str, threshold: float, expected: str | None) -> None:
    index = SemanticIndex(PHRASES, model=BagOfWords(VOCABULARY), threshold=threshold)
    got = index.best(clause)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert got[0] == expected
        assert got[1] >= threshold


def test_nothing_is_embedded_before_the_first_lookup_and_clauses_are_cached(
    toy: tuple[SemanticIndex, BagOfWords],
) -> None:
    index, model = toy
    assert not index.built and model.calls == []
    index.nearest("Food  STUCK")
    index.nearest("food stuck")  # the same clause once normalised: served from the cache
    index.nearest("pee dark")
    assert index.built
    phrase_call, *clause_calls = model.calls
    assert sorted(phrase_call) == sorted({p for p, _ in PHRASES})
    assert clause_calls == [["food stuck"], ["pee dark"]]


def test_the_clause_cache_is_bounded() -> None:
    model = BagOfWords(VOCABULARY)
    index = SemanticIndex(PHRASES, model=model, cache_size=2)
    for clause in ("food", "stuck", "dark", "food"):  # "food" was evicted by "dark"
        index.nearest(clause)
    assert [c for call in model.calls[1:] for c in call] == ["food", "stuck", "dark", "food"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"phrases": []}, "at least one phrase"),
        ({"phrases": [("  ", "x")]}, "at least one phrase"),
        ({"phrases": PHRASES, "threshold": 1.5}, "threshold"),
    ],
)
def test_bad_construction_is_refused(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SemanticIndex(model=BagOfWords(VOCABULARY), **arguments)


def test_k_must_be_positive(toy: tuple[SemanticIndex, BagOfWords]) -> None:
    with pytest.raises(ValueError, match="k must be"):
        toy[0].nearest("food", k=0)


def test_missing_model_files_give_a_typed_error(tmp_path: Path) -> None:
    model = StaticEmbedding(tmp_path / "none.safetensors", tmp_path / "none.json")
    with pytest.raises(SemanticModelError, match="cannot read"):
        model.embed(["food"])


def test_phrases_come_from_synonyms_name_and_question(kb: KnowledgeBase) -> None:
    pairs = knowledge_base_phrases(kb)
    finding = kb.findings[0]
    mine = [p for p, fid in pairs if fid == finding.id]
    assert mine == [*finding.synonyms, finding.name, finding.question]
    assert {fid for _, fid in pairs} == {f.id for f in kb.findings if f.by_resemblance}
    # a bystander's report is read by its own words only, never by resemblance
    assert "stroke_suspected_by_onlooker" not in {fid for _, fid in pairs}


# --- the probe set ---------------------------------------------------------------------------


def test_probe_set_has_the_size_the_measurement_reports(kb: KnowledgeBase) -> None:
    assert len(PROBES["match"]) >= 120
    assert len(PROBES["nothing"]) >= 60
    known = {f.id for f in kb.findings}
    assert {fid for row in PROBES["match"] for fid in row["accept"]} <= known
    texts = [row["text"] for row in PROBES["match"]] + PROBES["nothing"]
    assert len(texts) == len(set(texts))


# --- the packaged model ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase) -> SemanticIndex:
    return SemanticIndex.from_knowledge_base(kb)


CLEAR_MATCHES = [  # each scored at least 0.83 when measured; the threshold is 0.75
    ("swallowing has become really hard", "trouble_swallowing"),
    ("my smile has gone crooked", "face_droop"),
    ("my pee looks like cola", "dark_urine"),
    ("I can't get enough air in", "trouble_breathing"),
    ("I can't feel anything when I wipe", "saddle_numbness"),
]


@pytest.mark.parametrize(("clause", "finding"), CLEAR_MATCHES)
def test_clear_paraphrases_reach_their_finding(
    index: SemanticIndex, clause: str, finding: str
) -> None:
    got = index.best(clause)
    assert got is not None, index.nearest(clause)
    assert got[0] == finding


def test_a_pronoun_needs_no_copy_of_a_phrase(index: SemanticIndex, engine: Engine) -> None:
    """ "she cant find her words" scored 0.83+ only while the knowledge base held "she can't
    find her words" beside "can't find my words"; kb check now refuses such copies. The lexicon
    reads it through its match classes, and the index still puts slurred speech far first."""
    assert "slurred_speech" in {
        m.finding_id for m in engine.parser.parse("she cant find her words")
    }
    (first, score), (_, second) = index.nearest("she cant find her words")[:2]
    assert first == "slurred_speech" and score > 0.7 and score - second > 0.3


CLEAR_NOTHING = [  # each scored below 0.45 against every finding when measured
    "any advice would be great",
    "I looked it up online",
    "it is what it is",
    "my son is at university",
    "I'm not sure what to do",
    "I tried googling it",
]


@pytest.mark.parametrize("clause", CLEAR_NOTHING)
def test_ordinary_clauses_name_no_finding(index: SemanticIndex, clause: str) -> None:
    assert index.best(clause) is None, index.nearest(clause)


def test_threshold_is_the_documented_constant(index: SemanticIndex) -> None:
    assert index.threshold == SIMILARITY_THRESHOLD
    docs = (Path(__file__).resolve().parents[2] / "docs" / "language.md").read_text()
    assert f"{SIMILARITY_THRESHOLD:.2f}" in docs.split("## Semantic fallback", 1)[1]


def test_no_network_no_log_no_output(
    kb: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the semantic fallback opened a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    caplog.set_level(logging.DEBUG)
    secret = "my wee went brown after the spin class"
    fresh = SemanticIndex.from_knowledge_base(kb)  # loads the weights under the patch
    assert fresh.nearest(secret)[0][0] == "dark_urine"
    out, err = capsys.readouterr()
    assert secret not in out + err
    assert not [r for r in caplog.records if secret in r.getMessage()]
    assert caplog.records == []


def test_loading_does_not_import_wordllama_or_configure_logging() -> None:
    # A fresh interpreter: wordllama's `inference` module calls logging.basicConfig on import.
    code = (
        "import logging, sys\n"
        "from spasmcheck.knowledge import load_knowledge_base\n"
        "from spasmcheck.language.semantic import SemanticIndex\n"
        "print(SemanticIndex.from_knowledge_base(load_knowledge_base()).best('I blacked out'))\n"
        "print('wordllama' in sys.modules, 'requests' in sys.modules,"
        " len(logging.getLogger().handlers))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stderr == ""
    assert done.stdout.splitlines()[-1] == "False False 0"


def test_embeddings_equal_wordllamas_own(tmp_path: Path) -> None:
    """Same vectors as ``WordLlama.load(...).embed(norm=True)``, loaded the documented way."""
    root = StaticEmbedding.from_wordllama()._tokenizer_path.parent.parent
    (tmp_path / "tokenizers").mkdir()
    (tmp_path / "tokenizers" / "l2_supercat_tokenizer_config.json").write_bytes(
        (root / "tokenizers" / "l2_supercat_tokenizer_config.json").read_bytes()
    )
    texts = ["my pee looks like cola", "trouble swallowing", "it started last tuesday"]
    code = (
        "import json, sys, pathlib\n"
        "from wordllama import WordLlama\n"
        "m = WordLlama.load(cache_dir=pathlib.Path(sys.argv[1]), disable_download=True)\n"
        "print(json.dumps(m.embed(json.loads(sys.argv[2]), norm=True).tolist()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), json.dumps(texts)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    theirs = np.array(json.loads(done.stdout.splitlines()[-1]), dtype=np.float32)
    ours = StaticEmbedding.from_wordllama().embed(texts)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_the_weights_are_the_recorded_files() -> None:
    model = StaticEmbedding.from_wordllama()
    for path, digest in (
        (model._weights_path, WORDLLAMA_WEIGHTS_SHA256),
        (model._tokenizer_path, WORDLLAMA_TOKENIZER_SHA256),
    ):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path.name
    notes = (
        Path(__file__).resolve().parents[2]
        / "src" / "spasmcheck" / "language" / "data" / "SEMANTIC_MODEL.md"
    ).read_text(encoding="utf-8")  # fmt: skip
    assert WORDLLAMA_WEIGHTS_SHA256 in notes and WORDLLAMA_TOKENIZER_SHA256 in notes


def test_nearest_benchmark(benchmark, index: SemanticIndex) -> None:  # type: ignore[no-untyped-def]
    clauses = iter(f"my pee looks like cola number {i}" for i in range(10_000_000))
    index.nearest("warm up")
    benchmark(lambda: index.nearest(next(clauses)))  # a new clause each round: no cache hit
