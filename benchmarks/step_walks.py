"""The interview step on real walks, in process: CPU per step and what the step writes.

``benchmarks/test_step.py`` times two fixed evidence states; the steps of real interviews
carry more evidence and reach the emergency paths. This records every step of the public
vignettes' interviews (the simulated patient of ``spasmcheck eval --mode interview`` answering
from each vignette's facts), then replays those evidence states through a fresh
``Interviewer`` and the API's ``step_json`` — the work of one ``POST /v1/interview`` after its
body is read — and prints the CPU time (``time.process_time``) per step: the step alone, and
the step with its JSON. ``--profile N`` prints cProfile's top functions instead; ``--dump
FILE`` writes the SHA-256 of every step's JSON, one a line, so that two source trees can be
compared byte for byte (``PYTHONPATH=<tree>/src``), as docs/benchmarks.md does.

    .venv/bin/python benchmarks/step_walks.py --rounds 3
    .venv/bin/python benchmarks/step_walks.py --profile 40
    PYTHONPATH=/tmp/other/src .venv/bin/python benchmarks/step_walks.py --dump /tmp/other.txt
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import pstats
import statistics
import time
from pathlib import Path

from spasmcheck.api.routes.engine import step_json
from spasmcheck.evaluation.vignettes import SimulatedPatient, load_vignettes
from spasmcheck.knowledge.loader import load_knowledge_base
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet
from spasmcheck.reasoning.interview import MAX_QUESTIONS, Interviewer, answer_evidence

ROOT = Path(__file__).resolve().parent.parent
State = tuple[list[Evidence], int | None, str | None]


def record(engine: Engine, paths: list[Path]) -> list[State]:
    """Every step's evidence, age and sex over the vignettes' interviews."""
    interviewer = Interviewer(engine, max_questions=MAX_QUESTIONS)
    states: list[State] = []
    for path in paths:
        for vignette in load_vignettes(path):
            patient = SimulatedPatient(engine, vignette.facts)
            evidence = EvidenceSet(engine.parse(vignette.text)[1])
            while True:
                states.append((list(evidence), vignette.age, vignette.sex))
                step = interviewer.step(evidence, vignette.age, vignette.sex)
                if step.should_stop or step.question is None:
                    break
                for item in answer_evidence(step.question, patient.answer(step.question)):
                    evidence.add(item)
    return states


def replay(engine: Engine, states: list[State], *, write: bool) -> list[float]:
    """CPU seconds of each state's step (and its JSON with ``write``), a fresh Interviewer
    per step as the API makes one per request."""
    times = []
    clock = time.process_time
    for items, age, sex in states:
        evidence = EvidenceSet(items)
        started = clock()
        step = Interviewer(engine, max_questions=MAX_QUESTIONS).step(evidence, age, sex)
        if write:
            step_json(step, engine)
        times.append(clock() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--vignettes", nargs="*", type=Path, default=[ROOT / "vignettes" / "public.yaml"]
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", type=int, default=0, help="print this many functions")
    parser.add_argument("--dump", type=Path, help="write each step's JSON SHA-256 here")
    args = parser.parse_args(argv)

    engine = Engine(load_knowledge_base())
    states = record(engine, args.vignettes)
    if args.dump:
        with args.dump.open("w") as out:
            for items, age, sex in states:
                step = Interviewer(engine).step(EvidenceSet(items), age, sex)
                out.write(hashlib.sha256(step_json(step, engine)).hexdigest() + "\n")
        print(json.dumps({"dumped": len(states), "to": str(args.dump)}))  # noqa: T201
        return 0
    replay(engine, states, write=True)  # warm-up
    gc.collect()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        replay(engine, states, write=True)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
        return 0
    for round_ in range(1, args.rounds + 1):
        for write in (False, True):
            times = sorted(replay(engine, states, write=write))
            line = {
                "round": round_,
                "what": "step+json" if write else "step",
                "steps": len(times),
                "mean_ms": round(1000 * statistics.fmean(times), 3),
                "p50_ms": round(1000 * times[len(times) // 2], 3),
                "p90_ms": round(1000 * times[int(len(times) * 0.9)], 3),
            }
            print(json.dumps(line), flush=True)  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
