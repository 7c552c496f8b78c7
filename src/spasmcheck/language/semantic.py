"""Semantic fallback: the nearest finding to a clause that no rule explained.

The model. Every phrasing of every finding of the knowledge base (its synonyms, its lay name
and its interview question) is embedded once; a clause is embedded the same way, and a
finding's similarity to the clause is the largest cosine similarity over its phrasings
(nearest neighbour, "max over phrasings"). ``best`` returns the top finding only when that
similarity reaches a threshold; below it the clause is read as naming no finding. Polarity
is not decided here: the caller runs ConText on the clause as for any other match.

The embedding. WordLlama's ``l2_supercat`` 256-d static token embeddings (D. Lee Miller,
2024, MIT licence; token embeddings taken from the input layers of Llama-2-family models
and trained for sentence similarity), which ship inside the ``wordllama`` wheel. A text is
the mean of its token vectors, L2-normalised: the same arithmetic as
``WordLlamaInference.embed`` (a test checks they agree). The files are read from the
installed package directly — with ``tokenizers`` and ``safetensors`` — and ``wordllama``
itself is never imported, because its loader looks for the tokenizer in a folder that does
not exist and then downloads it, and its ``inference`` module calls
``logging.basicConfig(level=INFO)`` on import, which would switch on INFO logging for the
whole process. Nothing is downloaded and nothing is logged: no network, no text in a log.

Cost. Nothing is loaded until the first clause needs the fallback (the CLI's cold start
stays untouched); then the weights (16 MB) and the phrase matrix are built once per index.
Clause embeddings are kept in a bounded LRU cache. ``docs/language.md`` ("Semantic
fallback") gives the measured accuracy, threshold, load time and time per clause, and
``scripts/measure_semantic.py`` reproduces them.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from spasmcheck.knowledge import KnowledgeBase

__all__ = [
    "SIMILARITY_THRESHOLD",
    "WORDLLAMA_TOKENIZER_SHA256",
    "WORDLLAMA_WEIGHTS_SHA256",
    "EmbeddingModel",
    "SemanticIndex",
    "SemanticModelError",
    "StaticEmbedding",
    "knowledge_base_phrases",
]

# Chosen by `scripts/measure_semantic.py` on tests/language/data/semantic_probes.yaml
# (132 lay paraphrases, 62 clauses that name nothing): the threshold that maximises F1 of
# "right finding returned" — see docs/language.md, "Semantic fallback", for the curve. The
# lead re-chooses it on the corpus dev half; it is a module constant so that choice is one
# line with its measurement beside it.
SIMILARITY_THRESHOLD: Final = 0.60

# sha256 of the files read from wordllama 0.4.0.post1 (recorded 2026-12-05; see
# language/data/SEMANTIC_MODEL.md). A test fails if the installed wheel holds other files.
WORDLLAMA_WEIGHTS_SHA256: Final = "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5"
WORDLLAMA_TOKENIZER_SHA256: Final = (
    "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68"
)
_WEIGHTS_FILE: Final = "weights/l2_supercat_256.safetensors"
_TOKENIZER_FILE: Final = "tokenizers/l2_supercat_tokenizer_config.json"
_TENSOR_KEY: Final = "embedding.weight"

# Clauses are short; a long one is cut to this many characters before embedding, so one
# pasted essay cannot make a single lookup slow.
MAX_CLAUSE_CHARS: Final = 500

Vectors = NDArray[np.float32]


class SemanticModelError(RuntimeError):
    """The packaged embedding model cannot be found or read."""


class EmbeddingModel(Protocol):
    """Turns texts into L2-normalised row vectors (one row per text)."""

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def _normalise(text: str) -> str:
    # The lexicon is lower-case with straight apostrophes; the tokenizer is case-sensitive.
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").lower().split())


class StaticEmbedding:
    """Mean-pooled static token embeddings, read from a safetensors matrix and a tokenizer.

    Loads lazily: the files are read on the first call to ``embed``.
    """

    def __init__(self, weights: Path, tokenizer: Path, *, tensor_key: str = _TENSOR_KEY) -> None:
        self._weights_path = weights
        self._tokenizer_path = tokenizer
        self._tensor_key = tensor_key
        self._lock = threading.Lock()
        self._loaded: tuple[Vectors, Tokenizer] | None = None

    @classmethod
    def from_wordllama(cls) -> StaticEmbedding:
        """The ``l2_supercat`` 256-d model inside the installed ``wordllama`` wheel.

        ``find_spec`` locates the package without importing it (see the module docstring).
        """
        spec = importlib.util.find_spec("wordllama")
        if spec is None or not spec.submodule_search_locations:
            raise SemanticModelError("the wordllama package is not installed")
        root = Path(next(iter(spec.submodule_search_locations)))
        return cls(root / _WEIGHTS_FILE, root / _TOKENIZER_FILE)

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def _load(self) -> tuple[Vectors, Tokenizer]:
        with self._lock:
            if self._loaded is None:
                from safetensors.numpy import load_file
                from tokenizers import Tokenizer

                try:
                    tensors = load_file(str(self._weights_path))
                    tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
                except (OSError, ValueError, RuntimeError) as error:
                    raise SemanticModelError(
                        f"cannot read the embedding model at {self._weights_path.parent}: "
                        f"{type(error).__name__}"
                    ) from error
                if self._tensor_key not in tensors:
                    raise SemanticModelError(f"no tensor {self._tensor_key!r} in the weights")
                matrix = np.ascontiguousarray(tensors[self._tensor_key], dtype=np.float32)
                tokenizer.no_padding()
                tokenizer.no_truncation()
                self._loaded = (matrix, tokenizer)
            return self._loaded

    def embed(self, texts: Sequence[str]) -> Vectors:
        matrix, tokenizer = self._load()
        encodings = tokenizer.encode_batch([_normalise(t) for t in texts], add_special_tokens=False)
        out = np.zeros((len(texts), matrix.shape[1]), dtype=np.float32)
        vocabulary = matrix.shape[0]
        for row, encoding in enumerate(encodings):
            ids = [i for i in encoding.ids if 0 <= i < vocabulary]
            if ids:
                out[row] = matrix[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


def knowledge_base_phrases(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Every ``(phrase, finding_id)`` of the knowledge base: synonyms, name and question."""
    pairs: list[tuple[str, str]] = []
    for finding in kb.findings:
        for phrase in (*finding.synonyms, finding.name, finding.question):
            pairs.append((phrase, finding.id))
    return pairs


@dataclass(frozen=True)
class _Matrix:
    vectors: Vectors  # one row per distinct phrase, grouped by finding
    starts: NDArray[np.intp]  # first row of each finding's group
    finding_ids: tuple[str, ...]


class SemanticIndex:
    """Nearest findings to a clause by cosine similarity, max over each finding's phrasings.

    ``phrases`` are ``(phrase, finding_id)`` pairs; ``model`` is the embedding (the packaged
    WordLlama model unless a test or a measurement passes another). Nothing is embedded until
    the first lookup.
    """

    def __init__(
        self,
        phrases: Iterable[tuple[str, str]],
        *,
        model: EmbeddingModel | None = None,
        threshold: float = SIMILARITY_THRESHOLD,
        cache_size: int = 2048,
    ) -> None:
        grouped: dict[str, dict[str, None]] = {}
        for phrase, finding_id in phrases:
            key = _normalise(phrase)
            if key:
                grouped.setdefault(finding_id, {})[key] = None
        if not grouped:
            raise ValueError("a semantic index needs at least one phrase")
        if not -1.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be a cosine similarity in [-1, 1], got {threshold}")
        self._grouped = {fid: list(texts) for fid, texts in grouped.items()}
        self._model: EmbeddingModel = (
            model if model is not None else (StaticEmbedding.from_wordllama())
        )
        self.threshold = threshold
        self._lock = threading.Lock()
        self._matrix: _Matrix | None = None
        self._embed_clause = lru_cache(maxsize=cache_size)(self._embed_one)

    @classmethod
    def from_knowledge_base(
        cls,
        kb: KnowledgeBase,
        *,
        model: EmbeddingModel | None = None,
        threshold: float = SIMILARITY_THRESHOLD,
        cache_size: int = 2048,
    ) -> SemanticIndex:
        return cls(
            knowledge_base_phrases(kb), model=model, threshold=threshold, cache_size=cache_size
        )

    @property
    def finding_ids(self) -> tuple[str, ...]:
        return tuple(self._grouped)

    @property
    def built(self) -> bool:
        return self._matrix is not None

    def _build(self) -> _Matrix:
        with self._lock:
            if self._matrix is None:
                ids = tuple(self._grouped)
                texts = [text for fid in ids for text in self._grouped[fid]]
                sizes = [len(self._grouped[fid]) for fid in ids]
                starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)
                vectors = np.ascontiguousarray(self._model.embed(texts), dtype=np.float32)
                self._matrix = _Matrix(vectors=vectors, starts=starts, finding_ids=ids)
            return self._matrix

    def _embed_one(self, clause: str) -> Vectors:
        vector: Vectors = np.array(self._model.embed([clause])[0], dtype=np.float32)
        vector.setflags(write=False)  # shared through the cache
        return vector

    def scores(self, clause: str) -> dict[str, float]:
        """Every finding's similarity to ``clause`` (max over its phrasings).

        Empty when the clause is empty or holds nothing the model can embed.
        """
        matrix = self._build()
        key = _normalise(clause)[:MAX_CLAUSE_CHARS]
        if not key:
            return {}
        vector = self._embed_clause(key)
        if not vector.any():  # no token the model knows: no direction, no neighbour
            return {}
        similarities = matrix.vectors @ vector
        per_finding = np.maximum.reduceat(similarities, matrix.starts)
        return {fid: float(s) for fid, s in zip(matrix.finding_ids, per_finding, strict=True)}

    def nearest(self, clause: str, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most similar findings with their cosine similarity, best first.

        Ties are broken by finding id, so the order is stable.
        """
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        scores = self.scores(clause)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:k]

    def best(self, clause: str) -> tuple[str, float] | None:
        """The most similar finding if its similarity reaches the threshold, else ``None``."""
        top = self.nearest(clause, k=1)
        if top and top[0][1] >= self.threshold:
            return top[0]
        return None
