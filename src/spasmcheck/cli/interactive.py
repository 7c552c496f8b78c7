"""The interview in the terminal: one question at a time, with "why?" and undo."""

from __future__ import annotations

import json

import typer
from rich.console import Console

from spasmcheck.cli.render import render_assessment
from spasmcheck.reasoning.engine import Engine, InputError
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet
from spasmcheck.reasoning.interview import (
    Answer,
    Interviewer,
    Question,
    QuestionKind,
    answer_evidence,
)

HELP = (
    "Answer y (yes), n (no) or d (don't know); w = why are you asking?; u = undo the last answer."
)
YES_NO = {"y": "yes", "yes": "yes", "n": "no", "no": "no", "d": "dont_know", "dk": "dont_know",
          "don't know": "dont_know", "dont know": "dont_know", "?": "dont_know"}  # fmt: skip


def _read(console: Console, prompt: str) -> str:
    try:
        return console.input(prompt).strip().lower()
    except EOFError as error:
        raise InputError("the interview ended before it was finished (no more input)") from error


def _ask(
    console: Console, question: Question, number: int, screen_id: str | None = None
) -> str | list[str] | None:
    """The answer, or None for undo."""
    if question.id == screen_id:
        label = "Emergency check"
    else:
        label = "Safety check" if question.screening else f"Question {number}"
    console.print(f"\n[bold]{label}:[/bold] {question.text}")
    if question.kind is QuestionKind.YES_NO:
        while True:
            reply = _read(console, "[y/n/d, w=why, u=undo] > ")
            if reply in ("u", "undo"):
                return None
            if reply in ("w", "why"):
                console.print(f"[italic]{question.why}[/italic]")
                continue
            if reply in YES_NO:
                return YES_NO[reply]
            console.print(HELP)
    for index, option in enumerate(question.options, start=1):
        console.print(f"  {index}. {option.label}")
    many = question.kind is QuestionKind.MULTIPLE
    if many:
        console.print("  0. None of these")
    hint = "numbers separated by commas" if many else "one number"
    extra = ", 0 for none of these" if many else ""
    while True:
        reply = _read(console, f"[{hint}{extra}, d=don't know, w=why, u=undo] > ")
        if reply in ("u", "undo"):
            return None
        if reply in ("w", "why"):
            console.print(f"[italic]{question.why}[/italic]")
            continue
        if reply in ("d", "dk", "?"):
            return Answer.DONT_KNOW.value
        if many and reply in ("0", "none", "none of these"):
            return Answer.NONE.value
        try:
            picks = [int(part) for part in reply.replace(" ", ",").split(",") if part]
        except ValueError:
            picks = []
        if (
            picks
            and all(1 <= p <= len(question.options) for p in picks)
            and (many or len(picks) == 1)
        ):
            return [question.options[p - 1].finding_id for p in picks]
        console.print(f"Please give {hint} from the list{extra}, or d if you don't know.")


def run_interview(
    engine: Engine, text: str | None, age: int | None, sex: str | None, as_json: bool
) -> None:
    console = Console(stderr=as_json)
    console.print(
        "[bold]spasmcheck[/bold] — decision support, not a diagnosis. "
        "If you have trouble breathing or other emergency signs, call your emergency number now."
    )
    if text is None:
        text = _read(console, "Describe your spasms in your own words: ")
        if not text:
            raise InputError("the description is empty: describe the spasms in a few words")
    interviewer = Interviewer(engine)
    screen_id = engine.kb.screen.id if engine.kb.screen is not None else None
    mentions, from_text = engine.parse(text)
    unread = engine.parser.not_understood(text, mentions)
    if not mentions:
        # Nothing at all was read: say so before asking anything (issue 10 §5).
        console.print(
            "[yellow]We could not read anything we know about in that description"
            + (f" ({'; '.join(unread)})" if unread else "")
            + ". The questions below will find out; next time, say what you feel, where, "
            "and since when.[/yellow]"
        )
    elif unread:
        console.print(f"[dim]We could not read: {'; '.join(unread)}[/dim]")
    history: list[list[Evidence]] = [list(from_text)]
    while True:
        evidence = EvidenceSet(item for batch in history for item in batch)
        step = interviewer.step(evidence, age, sex)
        if step.should_stop or step.question is None:
            break
        console.print(f"[dim]Progress: {step.questions_asked} answered[/dim]")
        response = _ask(console, step.question, step.questions_asked + 1, screen_id)
        if response is None:
            if len(history) > 1:
                history.pop()
                console.print("[dim]Last answer undone.[/dim]")
            else:
                console.print("[dim]Nothing to undo.[/dim]")
            continue
        history.append(answer_evidence(step.question, response))
    if as_json:
        typer.echo(json.dumps(step.assessment.as_dict(), ensure_ascii=False, indent=2))
    else:
        render_assessment(step.assessment, console)
