"""Run vignettes through the product in text or interview mode and score them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from spasmcheck.evaluation.corpus import select_half
from spasmcheck.evaluation.metrics import CaseResult, summarise
from spasmcheck.evaluation.report import markdown_report
from spasmcheck.evaluation.vignettes import (
    SimulatedPatient,
    Vignette,
    VignetteError,
    load_vignettes,
)
from spasmcheck.reasoning.engine import Assessment, Engine, InputError
from spasmcheck.reasoning.evidence import EvidenceSet
from spasmcheck.reasoning.interview import MAX_QUESTIONS, Interviewer, answer_evidence


class Mode(StrEnum):
    TEXT = "text"
    INTERVIEW = "interview"


@dataclass(frozen=True)
class Evaluation:
    mode: Mode
    summary: dict[str, Any]
    cases: list[CaseResult]

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "summary": self.summary,
            "cases": [c.as_dict() for c in self.cases],
        }


def _case(vignette: Vignette, result: Assessment, questions: int | None) -> CaseResult:
    return CaseResult(
        id=vignette.id,
        conditions=[
            {
                "id": r.condition.id,
                "name": r.condition.name,
                "icd10": list(r.condition.icd10),
                "probability": round(r.probability, 4),
                "level": r.condition.triage.value,
            }
            for r in result.conditions
        ],
        triage=result.triage.level,
        expected_icd10=list(vignette.expect.icd10) if vignette.expect else None,
        expected_triage=vignette.expect.triage if vignette.expect else None,
        questions=questions,
        red_flags=[f.flag.id for f in result.triage.red_flags],
        evidence=[e.as_dict() for e in result.evidence],
    )


def run_text(engine: Engine, vignette: Vignette) -> CaseResult:
    """The product sees the text and every fact at once and asks nothing."""
    text = "\n".join([vignette.text, *vignette.facts])
    return _case(vignette, engine.assess(text, vignette.age, vignette.sex), None)


def run_interview(engine: Engine, interviewer: Interviewer, vignette: Vignette) -> CaseResult:
    """The product sees the text, then asks; a simulated patient answers from the facts."""
    patient = SimulatedPatient(engine, vignette.facts)
    _, from_text = engine.parse(vignette.text)
    evidence = EvidenceSet(from_text)
    step = interviewer.step(evidence, vignette.age, vignette.sex)
    while not step.should_stop and step.question is not None:
        for item in answer_evidence(step.question, patient.answer(step.question)):
            evidence.add(item)
        step = interviewer.step(evidence, vignette.age, vignette.sex)
    return _case(vignette, step.assessment, step.questions_asked)


def evaluate(engine: Engine, vignettes: Sequence[Vignette], mode: Mode) -> Evaluation:
    interviewer = Interviewer(engine, max_questions=MAX_QUESTIONS)
    cases = [
        run_text(engine, v) if mode is Mode.TEXT else run_interview(engine, interviewer, v)
        for v in vignettes
    ]
    return Evaluation(mode, summarise(cases, mode is Mode.INTERVIEW), cases)


def run_cli(
    engine: Engine,
    path: Path,
    mode: str,
    as_json: bool,
    report: Path | None,
    half: str | None = None,
) -> None:
    try:
        chosen = Mode(mode)
    except ValueError as error:
        raise InputError(f"--mode must be 'text' or 'interview', got {mode!r}") from error
    try:
        vignettes = load_vignettes(path)
    except VignetteError as error:
        raise InputError(str(error)) from error
    if half is not None:
        try:
            vignettes = select_half(vignettes, half)
        except ValueError as error:
            raise InputError(str(error)) from error
    evaluation = evaluate(engine, vignettes, chosen)
    if report is not None:
        try:
            report.write_text(markdown_report(engine, evaluation, path), encoding="utf-8")
        except OSError as error:
            raise InputError(f"cannot write the report to {report}: {error.strerror}") from error
    if as_json:
        typer.echo(json.dumps(evaluation.as_dict(), ensure_ascii=False, indent=2))
        return
    for key, value in evaluation.summary.items():
        typer.echo(f"{key:22} {value}")
