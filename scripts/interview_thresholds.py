"""Move each interview threshold one at a time and print the public set's interview scores.

Run: .venv/bin/python scripts/interview_thresholds.py [NAME...]. One JSON line per setting:
the current values first, then each threshold at the values docs/model.md ("The interview")
reports. It measures; it changes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import spasmcheck.reasoning.interview as interview
from spasmcheck.evaluation.metrics import summarise
from spasmcheck.evaluation.runner import run_interview
from spasmcheck.evaluation.vignettes import load_vignettes
from spasmcheck.reasoning.engine import default_engine

PUBLIC = Path(__file__).resolve().parents[1] / "vignettes" / "public.yaml"
SHOWN = (
    "top1",
    "top3",
    "triage_exact",
    "under_triage",
    "over_triage",
    "emergency_sensitivity",
    "questions_median",
    "questions_p90",
)
TRIED: dict[str, tuple[Any, ...]] = {
    "STOP_TOP_PROBABILITY": (0.8, 0.95),
    "MIN_GAIN_BITS": (0.01, 0.06, 0.1),
    "MAX_SCREENING": (4, 8, 10),
    "SCREEN_LIFT": (2.0, 5.0),
    "SCREEN_MIN_PROBABILITY": (0.08, 0.2),
    "STABILITY_CANDIDATES": (4, 16),
    "MAX_UNKNOWN_ANSWERS": (6, 12),
    "MIN_QUESTIONS": (1, 4),
    "MAX_ESCALATION": (0, 1, 3),
    "MAX_QUESTIONS": (12, 25),
}


def measure(name: str | None = None, value: Any = None) -> dict[str, Any]:
    engine = default_engine()
    vignettes = load_vignettes(PUBLIC)
    saved = getattr(interview, name) if name else None
    if name:
        setattr(interview, name, value)
    try:
        cap = value if name == "MAX_QUESTIONS" else interview.MAX_QUESTIONS
        interviewer = interview.Interviewer(engine, max_questions=cap)
        summary = summarise([run_interview(engine, interviewer, v) for v in vignettes], True)
    finally:
        if name:
            setattr(interview, name, saved)
    label = f"{name}={value}" if name else "current"
    return {"setting": label, **{key: summary[key] for key in SHOWN}}


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in TRIED]
    if unknown:
        sys.stderr.write(f"unknown threshold(s): {', '.join(unknown)}\n")
        return 2
    sys.stdout.write(json.dumps(measure()) + "\n")
    for name, values in TRIED.items():
        if names and name not in names:
            continue
        for value in values:
            sys.stdout.write(json.dumps(measure(name, value)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
