"""Human-readable output for the terminal (rich): banner, causes with bars, advice."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Assessment

LEVEL_STYLE = {
    TriageLevel.EMERGENCY_AMBULANCE: "bold white on red",
    TriageLevel.EMERGENCY: "bold white on dark_orange3",
    TriageLevel.CONSULTATION_24: "bold black on yellow",
    TriageLevel.CONSULTATION: "bold white on blue",
    TriageLevel.SELF_CARE: "bold white on green4",
}
BAR_WIDTH = 20


def in_ten(probability: float) -> str:
    """Plain words for a probability: "about 4 in 10", "less than 1 in 10"."""
    tenths = round(probability * 10)
    if tenths == 0:
        return "less than 1 in 10"
    if tenths == 10:
        return "about 9 in 10 or more"
    return f"about {tenths} in 10"


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

    table = Table(title="Possible causes (estimates, not a diagnosis)", show_lines=True)
    table.add_column("Cause")
    table.add_column("Chance", no_wrap=True)
    table.add_column("Evidence")
    for ranked in result.conditions[:5]:
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
        chance.append(f"\n{in_ten(ranked.probability)}")
        table.add_row(name, chance, evidence)
    console.print(table)
    console.print(Text(result.estimate_note, style="italic dim"))

    advice = Text()
    for item in result.advice:
        advice.append(f"• {item.text}\n")
        if item.sources:
            advice.append(f"  ({'; '.join(item.sources)})\n", style="dim")
    console.print(Panel(advice, title="What to do meanwhile"))
    console.print(Text(result.disclaimer, style="bold"))
