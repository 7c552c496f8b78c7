"""Score the real-world corpus half by half and write the table into docs/evaluation.md.

Usage: .venv/bin/python scripts/eval_realworld.py [BASELINE.json]

Runs `spasmcheck eval vignettes/realworld --half dev|sealed --mode text|interview --json`
and replaces the part of docs/evaluation.md between the realworld markers. Only the
summaries are used: the sealed half is scored as a whole and never listed case by case.
BASELINE.json (optional) holds the same summaries measured on an earlier commit, keyed
"dev text", "dev interview", "sealed text", "sealed interview"; the 2026-12-05 baseline
(commit e3ad59e, before issue 10) is kept in docs/evaluation-baseline.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "evaluation.md"
START, END = "<!-- realworld:start -->", "<!-- realworld:end -->"
ROWS = [
    ("emergency sensitivity", "emergency_sensitivity"),
    ("under-triage", "under_triage"),
    ("over-triage", "over_triage"),
    ("triage exact", "triage_exact"),
    ("top-1 cause", "top1"),
    ("top-3 cause", "top3"),
]


def summary(half: str, mode: str) -> dict[str, float]:
    command = [str(ROOT / ".venv/bin/spasmcheck"), "eval", "vignettes/realworld"]
    command += ["--half", half, "--mode", mode, "--json"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(out)["summary"]
    return result


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def main() -> None:
    base = json.loads(Path(sys.argv[1]).read_text()) if len(sys.argv) > 1 else {}
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    now = {f"{h} {m}": summary(h, m) for h in ("dev", "sealed") for m in ("text", "interview")}
    lines = [
        START,
        f"Measured at commit {commit} with `.venv/bin/python scripts/eval_realworld.py "
        "docs/evaluation-baseline.json` (it runs `spasmcheck eval vignettes/realworld --half "
        "dev|sealed --mode text|interview --json`). Cases: dev "
        f"{now['dev text']['n']:g} ({now['dev text']['emergency_cases']:g} emergencies), sealed "
        f"{now['sealed text']['n']:g} ({now['sealed text']['emergency_cases']:g} emergencies).",
    ]
    for mode in ("text", "interview"):
        lines += ["", f"**{mode} mode** (before: commit e3ad59e, the day's start)", ""]
        lines += ["| metric | dev: before → now | sealed: before → now | dev − sealed, now |"]
        lines += ["|---|---|---|---|"]
        for name, key in ROWS:
            d, s = now[f"dev {mode}"][key], now[f"sealed {mode}"][key]
            bd = base.get(f"dev {mode}", {}).get(key)
            bs = base.get(f"sealed {mode}", {}).get(key)
            before_d = f"{pct(bd)} → " if bd is not None else ""
            before_s = f"{pct(bs)} → " if bs is not None else ""
            lines.append(
                f"| {name} | {before_d}**{pct(d)}** | {before_s}**{pct(s)}** | "
                f"{100 * (d - s):+.1f} points |"
            )
        if mode == "interview":
            qd = now["dev interview"]["questions_median"]
            qs = now["sealed interview"]["questions_median"]
            bqd = base.get("dev interview", {}).get("questions_median")
            bqs = base.get("sealed interview", {}).get("questions_median")
            lines.append(
                f"| questions, median | {'' if bqd is None else f'{bqd:g} → '}**{qd:g}** | "
                f"{'' if bqs is None else f'{bqs:g} → '}**{qs:g}** | |"
            )
    lines.append(END)
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(head + "\n".join(lines) + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
