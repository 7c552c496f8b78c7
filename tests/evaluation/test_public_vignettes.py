"""The public vignette set, in both modes: one test per emergency case, floors on the summary.

The floors live in vignettes/floors.yaml: raise them as the product improves, never lower
them to make a change pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from spasmcheck.cli.main import main
from spasmcheck.evaluation.runner import Evaluation, Mode, evaluate, run_interview, run_text
from spasmcheck.evaluation.vignettes import load_vignettes
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.interview import Interviewer

from ..conftest import REPO

PUBLIC = REPO / "vignettes" / "public.yaml"
FLOORS = yaml.safe_load((REPO / "vignettes" / "floors.yaml").read_text(encoding="utf-8"))
VIGNETTES = load_vignettes(PUBLIC)
EMERGENCIES = [v for v in VIGNETTES if v.expect is not None and v.expect.triage.is_emergency]


@pytest.fixture(scope="module")
def results(engine: Engine) -> dict[Mode, Evaluation]:
    return {mode: evaluate(engine, VIGNETTES, mode) for mode in Mode}


def test_public_set_shape() -> None:
    assert len(VIGNETTES) >= 120
    levels = {v.expect.triage for v in VIGNETTES if v.expect}
    assert len(levels) == 5


def test_every_condition_is_covered_by_a_vignette(engine: Engine) -> None:
    # Issue 12's conditions have their vignettes, written from cited public cases, in the
    # breadth files beside the public set.
    breadth = [
        v for path in sorted(PUBLIC.parent.glob("breadth-*.yaml")) for v in load_vignettes(path)
    ]
    gold = [code for v in [*VIGNETTES, *breadth] if v.expect for code in v.expect.icd10]
    for condition in engine.kb.conditions:
        if condition.is_other:
            continue
        assert any(code.startswith(g) for code in condition.icd10 for g in gold), condition.id


@pytest.mark.parametrize("vignette", EMERGENCIES, ids=[v.id for v in EMERGENCIES])
def test_emergency_caught_in_text_mode(engine: Engine, vignette) -> None:  # type: ignore[no-untyped-def]
    assert run_text(engine, vignette).triage.is_emergency


@pytest.mark.parametrize("vignette", EMERGENCIES, ids=[v.id for v in EMERGENCIES])
def test_emergency_caught_in_interview_mode(engine: Engine, vignette) -> None:  # type: ignore[no-untyped-def]
    result = run_interview(engine, Interviewer(engine), vignette)
    assert result.triage.is_emergency


@pytest.mark.parametrize("mode", list(Mode))
def test_floors(results: dict[Mode, Evaluation], mode: Mode) -> None:
    summary = results[mode].summary
    floors = FLOORS[mode.value]
    assert summary["emergency_sensitivity"] == 1.0
    for metric, floor in floors.items():
        if metric.endswith("_max"):
            assert summary[metric.removesuffix("_max")] <= floor, (metric, summary)
        else:
            assert summary[metric] >= floor, (metric, summary)


def test_eval_cli_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subset = tmp_path / "subset.yaml"
    raw = yaml.safe_load(PUBLIC.read_text(encoding="utf-8"))[:5]
    raw[0].pop("expect", None)
    subset.write_text(yaml.safe_dump(raw), encoding="utf-8")
    report = tmp_path / "report.md"
    for mode in ("text", "interview"):
        with pytest.raises(SystemExit) as done:
            main(["eval", str(subset), "--mode", mode, "--json", "--report", str(report)])
        assert done.value.code == 0
        data = json.loads(capsys.readouterr().out)
        for key in (
            "n",
            "top1",
            "top3",
            "triage_exact",
            "under_triage",
            "over_triage",
            "emergency_sensitivity",
        ):
            assert key in data["summary"]
        assert data["summary"]["n"] == 4
        assert len(data["cases"]) == 5
        for case in data["cases"]:
            assert {"id", "conditions", "triage"} <= set(case)
            assert all({"id", "icd10"} <= set(c) for c in case["conditions"])
            if mode == "interview":
                assert isinstance(case["questions"], int)
        if mode == "interview":
            assert "questions_median" in data["summary"]
        assert "confusion" in report.read_text(encoding="utf-8")
