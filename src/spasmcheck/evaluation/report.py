"""The markdown evaluation report: summary, triage confusion matrix, and every miss."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from spasmcheck.evaluation.metrics import confusion
from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Engine

if TYPE_CHECKING:
    from spasmcheck.evaluation.runner import Evaluation


def _pct(value: object) -> str:
    return f"{value * 100:.1f} %" if isinstance(value, float) else str(value)


def markdown_report(engine: Engine, evaluation: Evaluation, path: Path) -> str:
    s = evaluation.summary
    lines = [
        f"# Evaluation: `{path.name}`, {evaluation.mode.value} mode",
        "",
        f"Knowledge base {engine.kb.version}, run on {date.today().isoformat()}.",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    for key, value in s.items():
        shown = (
            _pct(value)
            if isinstance(value, float) and not key.startswith(("questions", "brier"))
            else value
        )
        lines.append(f"| {key} | {shown} |")
    lines += ["", "## Triage confusion (rows: expected, columns: given)", ""]
    levels = [lv.value for lv in TriageLevel]
    lines.append("| expected \\ given | " + " | ".join(levels) + " |")
    lines.append("|---" * (len(levels) + 1) + "|")
    for expected, row in confusion(evaluation.cases).items():
        lines.append(f"| {expected} | " + " | ".join(str(row[g]) for g in levels) + " |")
    lines += ["", "## Misses", ""]
    misses = [
        c
        for c in evaluation.cases
        if c.scored and (c.rank_of_gold() != 1 or c.triage is not c.expected_triage)
    ]
    if not misses:
        lines.append("None.")
    for case in misses:
        rank = case.rank_of_gold()
        ranked = ", ".join(f"{c['id']} ({c['probability']:.2f})" for c in case.conditions[:3])
        lines.append(f"### {case.id}")
        lines.append("")
        lines.append(
            f"- expected {', '.join(case.expected_icd10 or [])} / {case.expected_triage}; "
            f"gold rank {rank if rank else 'not in list'}; triage given {case.triage.value}"
        )
        lines.append(f"- ranking: {ranked}")
        if case.red_flags:
            lines.append(f"- red flags: {', '.join(case.red_flags)}")
        present = [e["finding"] for e in case.evidence if e["status"] == "present"]
        absent = [e["finding"] for e in case.evidence if e["status"] == "absent"]
        lines.append(f"- evidence present: {', '.join(present) or 'none'}")
        lines.append(f"- evidence absent: {', '.join(absent) or 'none'}")
        if case.questions is not None:
            lines.append(f"- questions asked: {case.questions}")
        lines.append("")
    return "\n".join(lines) + "\n"
