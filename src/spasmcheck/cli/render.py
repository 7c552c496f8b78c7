"""Human-readable output for the terminal (rich): banner, causes with bars, advice.

One story: at an emergency level the causes that explain it are listed first and the rest
under "Other possibilities", and the advice panel is "What to do now" (the engine gives only
the emergency's own advice then).
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.chance import chance_words
from spasmcheck.reasoning.engine import Assessment, RankedCondition

LEVEL_STYLE = {
    TriageLevel.EMERGENCY_AMBULANCE: "bold white on red",
    TriageLevel.EMERGENCY: "bold white on dark_orange3",
    TriageLevel.CONSULTATION_24: "bold black on yellow",
    TriageLevel.CONSULTATION: "bold white on blue",
    TriageLevel.SELF_CARE: "bold white on green4",
}
BAR_WIDTH = 20


SHOWN_CAUSES = 5


def _bar(probability: float) -> Text:
    filled = round(probability * BAR_WIDTH)
    return Text("█" * filled + "░" * (BAR_WIDTH - filled), style="cyan")


def render_assessment(result: Assessment, console: Console | None = None) -> None:
    console = console or Console()
    level = result.triage.level
    banner = Text(f" {result.level_label.upper()} ", style=LEVEL_STYLE[level])
    lines: list[Text] = [banner, Text(result.level_action)]
    for step in result.triage.do_now:
        lines.append(Text(f"▶ {step}", style="bold"))
    for reason in result.triage.reasons:
        lines.append(Text(f"• {reason}"))
    console.print(
        Panel(Group(*lines), title="How urgently", border_style=LEVEL_STYLE[level].split()[-1])
    )

    shown = result.conditions[:SHOWN_CAUSES]
    explaining = [r for r in shown if r.explains_level]
    others = [r for r in shown if not r.explains_level]
    if explaining:
        console.print(_causes_table("Causes that need this level of care", explaining))
        if others:
            console.print(_causes_table("Other possibilities", others))
    else:
        console.print(_causes_table("Possible causes (estimates, not a diagnosis)", others))
    console.print(Text(result.estimate_note, style="italic dim"))

    advice = Text()
    for item in result.advice:
        advice.append(f"• {item.text}\n")
        if item.sources:
            advice.append(f"  ({'; '.join(item.sources)})\n", style="dim")
    title = "What to do now" if level.is_emergency else "What to do meanwhile"
    console.print(Panel(advice, title=title))
    if result.not_understood:
        unread = "; ".join(f"“{fragment}”" for fragment in result.not_understood)
        console.print(
            Text(
                f"We could not read: {unread}. If it matters, run the check again and say it "
                "in other words (for example what you feel, where, and since when).",
                style="yellow",
            )
        )
    console.print(Text(result.disclaimer, style="bold"))


def _causes_table(title: str, causes: list[RankedCondition]) -> Table:
    table = Table(title=title, show_lines=True)
    table.add_column("Cause")
    table.add_column("Chance", no_wrap=True)
    table.add_column("Evidence")
    for ranked in causes:
        evidence = Text()
        for note in ranked.evidence_for[:3]:
            evidence.append(f"+ {note.describe()}\n", style="green")
        for note in ranked.evidence_against[:2]:
            evidence.append(f"− {note.describe()}\n", style="red")
        name = Text(ranked.condition.name, style="bold")
        name.append(
            f"\n{ranked.condition.clinical_name} ({', '.join(ranked.condition.icd10)})", style="dim"
        )
        chance = _bar(ranked.probability)
        chance.append(f"\n{chance_words(ranked.probability)}")
        table.add_row(name, chance, evidence)
    return table
