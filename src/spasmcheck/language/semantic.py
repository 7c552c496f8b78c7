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
installed package directly — the tokenizer with ``tokenizers``, the weights memory-mapped
from their safetensors file — and ``wordllama`` itself is never imported, because its
loader looks for the tokenizer in a folder that does not exist and then downloads it, and
its ``inference`` module calls ``logging.basicConfig(level=INFO)`` on import, which would
switch on INFO logging for the whole process. Nothing is downloaded and nothing is logged:
no network, no text in a log.

Cost. Nothing is loaded until the first clause needs the fallback (the CLI's cold start
stays untouched); then the tokenizer is read, the weights (16 MB) are memory-mapped and
every phrase is embedded, once per index.
Clause embeddings are kept in a bounded LRU cache. ``docs/language.md`` ("Semantic
fallback") gives the measured accuracy, threshold, load time and time per clause, and
``scripts/measure_semantic.py`` reproduces them.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

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

# Chosen by `scripts/measure_semantic.py` on tests/language/data/semantic_probes.yaml (132 lay
# paraphrases, 62 ordinary clauses that name nothing), by the rule in its `best_threshold`:
# the best recall among thresholds that give a finding to at most 10 % of the nothing
# clauses. At 0.75: recall 0.62, precision 0.90, 6 of 62 nothing clauses answered; best F1
# would be 0.65, which answers 35 % of them. docs/language.md, "Semantic fallback", has the
# curve. It is the threshold for an index of the whole knowledge base: scores shift with the
# kinds an index holds (symptom + movement only: the same rule picks 0.575). The lead
# re-chooses it on the corpus dev half.
SIMILARITY_THRESHOLD: Final = 0.75

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
    """Mean-pooled static token embeddings, from a safetensors matrix and a tokenizer.

    Loads lazily: the files are opened on the first call to ``embed``, and the matrix is
    memory-mapped, not read.
    """

    def __init__(self, weights: Path, tokenizer: Path, *, tensor_key: str = _TENSOR_KEY) -> None:
        self._weights_path = weights
        self._tokenizer_path = tokenizer
        self._tensor_key = tensor_key
        self._lock = threading.Lock()
        self._loaded: tuple[NDArray[np.floating[Any]], Tokenizer] | None = None

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

    def _load(self) -> tuple[NDArray[np.floating[Any]], Tokenizer]:
        with self._lock:
            if self._loaded is None:
                from tokenizers import Tokenizer

                try:
                    table = _map_tensor(self._weights_path, self._tensor_key)
                    tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
                except (OSError, ValueError, RuntimeError, KeyError) as error:
                    raise SemanticModelError(
                        f"cannot read the embedding model at {self._weights_path.parent}: "
                        f"{type(error).__name__}"
                    ) from error
                tokenizer.no_padding()
                tokenizer.no_truncation()
                self._loaded = (table, tokenizer)
            return self._loaded

    def embed(self, texts: Sequence[str]) -> Vectors:
        table, tokenizer = self._load()
        normalised = [_normalise(t) for t in texts]
        # One clause: `encode`, which stays on this thread; `encode_batch` wakes a thread pool.
        encodings = (
            [tokenizer.encode(normalised[0], add_special_tokens=False)]
            if len(normalised) == 1
            else tokenizer.encode_batch(normalised, add_special_tokens=False)
        )
        vocabulary, width = table.shape
        rows = [[i for i in encoding.ids if 0 <= i < vocabulary] for encoding in encodings]
        out = np.zeros((len(texts), width), dtype=np.float32)
        used = [i for ids in rows for i in ids]
        if not used:
            return out
        # Converting float16 rows is the slow part: convert each distinct token once, then
        # average texts of the same length together (a few dozen vectorised sums for the
        # knowledge base's ~10,000 phrases: ~0.1 s, against ~0.7 s text by text).
        distinct = np.unique(np.array(used, dtype=np.intp))
        vectors = np.asarray(table[distinct], dtype=np.float32)
        where = np.zeros(vocabulary, dtype=np.intp)
        where[distinct] = np.arange(len(distinct))
        by_length: dict[int, list[int]] = {}
        for r, ids in enumerate(rows):
            if ids:
                by_length.setdefault(len(ids), []).append(r)
        for length, members in by_length.items():
            block = where[np.array([rows[r] for r in members], dtype=np.intp)]
            out[members] = vectors[block].sum(axis=1) / length
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


_SAFETENSORS_DTYPES: Final = {"F16": np.float16, "F32": np.float32}
_MAX_HEADER: Final = 1 << 20


def _map_tensor(path: Path, key: str) -> NDArray[np.floating[Any]]:
    """One 2-d tensor of a safetensors file, memory-mapped read-only (nothing is copied).

    The format: an 8-byte little-endian header length, a JSON header naming each tensor's
    dtype, shape and byte range, then the data. Mapping instead of loading makes the first
    fallback ~0.4 s cheaper: a clause needs a handful of the 32,000 rows.
    """
    with path.open("rb") as handle:
        size = int.from_bytes(handle.read(8), "little")
        if not 0 < size <= _MAX_HEADER:
            raise ValueError("not a safetensors file")
        header = json.loads(handle.read(size))
    entry = header[key]
    dtype = _SAFETENSORS_DTYPES[entry["dtype"]]
    rows, width = (int(n) for n in entry["shape"])
    begin, end = (int(n) for n in entry["data_offsets"])
    if end - begin != rows * width * np.dtype(dtype).itemsize:
        raise ValueError("the tensor's byte range does not match its shape")
    return np.memmap(path, dtype=dtype, mode="r", offset=8 + size + begin, shape=(rows, width))


def knowledge_base_phrases(
    kb: KnowledgeBase, kinds: Collection[str] | None = None
) -> list[tuple[str, str]]:
    """Every ``(phrase, finding_id)`` of the knowledge base: synonyms, name and question.

    ``kinds`` keeps only findings of those kinds (``FindingKind`` values, e.g. ``symptom``).
    """
    pairs: list[tuple[str, str]] = []
    for finding in kb.findings:
        if kinds is not None and finding.kind.value not in kinds:
            continue
        if not finding.by_resemblance:
            continue
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
        kinds: Collection[str] | None = None,
    ) -> SemanticIndex:
        return cls(
            knowledge_base_phrases(kb, kinds),
            model=model,
            threshold=threshold,
            cache_size=cache_size,
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
                # Sorted ids: a stable sort on the scores then breaks ties by id.
                ids = tuple(sorted(self._grouped))
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

    def _per_finding(self, clause: str) -> Vectors | None:
        matrix = self._build()
        key = _normalise(clause)[:MAX_CLAUSE_CHARS]
        if not key:
            return None
        vector = self._embed_clause(key)
        if not vector.any():  # no token the model knows: no direction, no neighbour
            return None
        # einsum, not `@`: the product is small (~10k x 256), and OpenBLAS's threaded gemv
        # stalls when the cores are busy — measured on 2 shared cores, p50 24 ms with `@`
        # against 0.4 ms with this single-threaded loop (docs/language.md).
        similarities = np.einsum("ij,j->i", matrix.vectors, vector)
        per_finding: Vectors = np.maximum.reduceat(similarities, matrix.starts)
        return per_finding

    def scores(self, clause: str) -> dict[str, float]:
        """Every finding's similarity to ``clause`` (max over its phrasings).

        Empty when the clause is empty or holds nothing the model can embed.
        """
        per_finding = self._per_finding(clause)
        if per_finding is None:
            return {}
        ids = self._build().finding_ids
        return {fid: float(s) for fid, s in zip(ids, per_finding, strict=True)}

    def nearest(self, clause: str, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most similar findings with their cosine similarity, best first.

        Ties are broken by finding id, so the order is stable.
        """
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        per_finding = self._per_finding(clause)
        if per_finding is None:
            return []
        ids = self._build().finding_ids
        order = np.argsort(-per_finding, kind="stable")[:k]
        return [(ids[i], float(per_finding[i])) for i in order]

    def best_phrase(self, clause: str) -> tuple[str, str, float] | None:
        """The most similar phrasing if it reaches the threshold: (finding, phrasing, score).

        The phrasing lets a caller compare what the clause and the phrasing say beyond their
        topic (a negation in one and not the other).
        """
        matrix = self._build()
        key = _normalise(clause)[:MAX_CLAUSE_CHARS]
        if not key:
            return None
        vector = self._embed_clause(key)
        if not vector.any():
            return None
        similarities = np.einsum("ij,j->i", matrix.vectors, vector)
        row = int(np.argmax(similarities))
        score = float(similarities[row])
        if score < self.threshold:
            return None
        group = int(np.searchsorted(matrix.starts, row, side="right")) - 1
        finding_id = matrix.finding_ids[group]
        phrase = self._grouped[finding_id][row - int(matrix.starts[group])]
        return finding_id, phrase, score

    def best(self, clause: str) -> tuple[str, float] | None:
        """The most similar finding if its similarity reaches the threshold, else ``None``."""
        top = self.nearest(clause, k=1)
        if top and top[0][1] >= self.threshold:
            return top[0]
        return None
