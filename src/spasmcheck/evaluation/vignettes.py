"""Vignettes in the YAML format of docs/contract.md, and the simulated patient who answers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from spasmcheck.knowledge.parsed import FAST_SAFE_LOADER
from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import EvidenceSet, Status
from spasmcheck.reasoning.interview import Answer, Question, QuestionKind


class VignetteError(ValueError):
    """The vignette file is missing, unreadable or not in the format of docs/contract.md."""


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    icd10: list[str] = Field(min_length=1)
    triage: TriageLevel


class Vignette(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    id: str = Field(min_length=1)
    age: int | None = Field(default=None, ge=0, le=120)
    sex: Literal["female", "male"] | None = None
    text: str = Field(min_length=1)
    facts: list[str] = Field(default_factory=list)
    expect: Expectation | None = None


def load_vignettes(path: Path) -> list[Vignette]:
    """The vignettes of one YAML file, or of every YAML file in a folder (by name)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        if not files:
            raise VignetteError(f"no vignette files (*.yaml) in {path}")
        vignettes = [v for file in files for v in _load_file(file)]
        _check_unique(vignettes)
        return vignettes
    vignettes = _load_file(path)
    _check_unique(vignettes)
    return vignettes


def _load_file(path: Path) -> list[Vignette]:
    try:
        # libyaml's safe loader: several times faster on the vignette files (issue 16 item 8)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_SAFE_LOADER)
    except FileNotFoundError as error:
        raise VignetteError(f"no such vignette file: {path}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise VignetteError(f"cannot read {path}: {error}") from error
    except yaml.YAMLError as error:
        raise VignetteError(f"{path} is not valid YAML: {' '.join(str(error).split())}") from error
    if not isinstance(raw, list):
        raise VignetteError(f"{path} must hold a YAML list of vignettes")
    vignettes = []
    for index, item in enumerate(raw):
        try:
            vignettes.append(Vignette.model_validate(item))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise VignetteError(f"vignette #{index + 1}: {where}: {first['msg']}") from error
    return vignettes


def _check_unique(vignettes: list[Vignette]) -> None:
    ids = Counter(v.id for v in vignettes)
    duplicated = sorted(i for i, n in ids.items() if n > 1)
    if duplicated:
        raise VignetteError(f"duplicate vignette ids: {', '.join(duplicated)}")


class SimulatedPatient:
    """Answers interview questions from a vignette's facts, through the product's own parser.

    As docs/contract.md says: yes where a fact states the finding, no where a fact denies it, "don't
    know" otherwise. A choice question (the emergency screen included) is answered by
    ticking the options the facts state; with none stated, "None of these" when the facts
    deny every option shown, and "don't know" when they are silent on any of them.

    Silent facts are deliberately not read as "None of these", although a real person who
    has none of the signs on the emergency screen would tick it: the facts were written
    before the screen existed and are read by our own parser, which misses some ways of
    stating a sign (a Guillain-Barré patient's "my legs are getting weaker each day" is not
    read as weakness spreading quickly). A real person reading the list would tick it; a
    simulated one answering "None" would turn each parser miss into a denial. Measured on
    vignettes/public.yaml in interview mode (docs/model.md): silence as "don't know" keeps
    emergency sensitivity at 1.0 (under-triage 0.017); silence as "None" drops it to 0.974
    (under-triage 0.034), by that one case.
    """

    def __init__(self, engine: Engine, facts: list[str]) -> None:
        known = EvidenceSet()
        for fact in facts:
            _, items = engine.parse(fact)
            for item in items:
                known.add(item)
        self.known = known

    def status(self, finding_id: str) -> Status:
        item = self.known.get(finding_id)
        return Status.UNKNOWN if item is None else item.status

    def answer(self, question: Question) -> str | list[str]:
        if question.kind is QuestionKind.YES_NO:
            return {
                Status.PRESENT: Answer.YES.value,
                Status.ABSENT: Answer.NO.value,
                Status.UNKNOWN: Answer.DONT_KNOW.value,
            }[self.status(question.id)]
        statuses = [self.status(o.finding_id) for o in question.options]
        chosen = [
            o.finding_id
            for o, status in zip(question.options, statuses, strict=True)
            if status is Status.PRESENT
        ]
        if question.kind is QuestionKind.SINGLE:
            chosen = chosen[:1]
        if chosen:
            return chosen
        if all(s is Status.ABSENT for s in statuses):
            return Answer.NONE.value
        return Answer.DONT_KNOW.value
