"""The simulated patient of interview mode: the rule of docs/contract.md, and its choice on the screen."""

from __future__ import annotations

import pytest

from spasmcheck.evaluation.runner import run_interview
from spasmcheck.evaluation.vignettes import SimulatedPatient, Vignette
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.interview import Interviewer, Option, Question, QuestionKind

SCREEN = Question(
    "emergency_screen",
    QuestionKind.MULTIPLE,
    "Any of these?",
    "why",
    True,
    (
        Option("seizure", "A fit"),
        Option("chest_pain", "Chest pain"),
        Option("fainting", "Fainting"),
    ),
)


@pytest.mark.parametrize(
    ("facts", "answer"),
    [
        (["I had a fit this morning"], ["seizure"]),  # stated: ticked
        (["no chest pain", "I have not fainted", "I never had a seizure"], "none"),  # all denied
        (["no chest pain"], "dont_know"),  # silent on some: the contract's "don't know otherwise"
        ([], "dont_know"),
    ],
)
def test_the_patient_answers_the_screen_from_the_facts(
    engine: Engine, facts: list[str], answer: str | list[str]
) -> None:
    assert SimulatedPatient(engine, facts).answer(SCREEN) == answer


@pytest.mark.parametrize(
    ("facts", "answer"),
    [
        (["I had a fit"], "yes"),
        (["I never had a seizure"], "no"),
        (["my calves cramp"], "dont_know"),
    ],
)
def test_the_patient_answers_yes_no_as_the_spec_says(
    engine: Engine, facts: list[str], answer: str
) -> None:
    question = Question("seizure", QuestionKind.YES_NO, "A fit?", "why", True)
    assert SimulatedPatient(engine, facts).answer(question) == answer


def test_interview_mode_asks_the_screen_first(engine: Engine) -> None:
    vignette = Vignette(
        id="calf", text="my calves cramp at night", facts=["I had a fit last night"]
    )
    result = run_interview(engine, Interviewer(engine), vignette)
    # the screen is the first question; the fit the facts state is ticked and ends the interview
    assert result.questions == 1 and result.triage.value == "emergency_ambulance"
    assert "seizure_fit" in result.red_flags
