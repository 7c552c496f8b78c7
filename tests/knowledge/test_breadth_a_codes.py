"""The code guards of issue 12: ICD-10-CM codes exist and are billable, HPO ids exist."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spasmcheck.cli.main import app
from spasmcheck.knowledge.codes import hpo_problem, icd10cm_problem
from spasmcheck.knowledge.loader import collect

from ..conftest import TINY_KB


def test_packaged_knowledge_base_codes_are_valid() -> None:
    kb, problems = collect(codes=True)
    assert problems == []
    assert kb is not None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("E83.42", None),  # hypomagnesemia: a billable leaf
        ("T50.2X5A", None),  # seventh-character code
        ("E83.4", "is not billable"),  # the category above E83.42
        ("G70.0", "is not billable"),  # myasthenia: needs G70.00 / G70.01
        ("G25.99", "does not exist"),  # right shape, no such code
        ("A05.99", "does not exist"),
    ],
)
def test_icd10cm_problem(code: str, problem: str | None) -> None:
    found = icd10cm_problem(code)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and code in found


@pytest.mark.parametrize(
    ("hpo_id", "problem"),
    [
        ("HP:0000508", None),  # Ptosis
        ("HP:0001337", None),  # Tremor
        ("HP:9999999", "does not exist"),
        ("HP:0000001", None),  # the root term "All" is a real term
    ],
)
def test_hpo_problem(hpo_id: str, problem: str | None) -> None:
    found = hpo_problem(hpo_id)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_an_obsolete_hpo_id_is_named_obsolete() -> None:
    from spasmcheck.knowledge.codes import _hpo_terms

    _, obsolete = _hpo_terms()
    some = min(obsolete)
    assert f"{some!r} is obsolete" in (hpo_problem(some) or "")


@pytest.fixture
def broken_kb(tmp_path: Path) -> Path:
    """The tiny knowledge base with a non-billable code and a made-up HPO id."""
    broken = tmp_path / "kb"
    shutil.copytree(TINY_KB, broken)
    conditions = broken / "conditions" / "conditions.yaml"
    conditions.write_text(
        conditions.read_text(encoding="utf-8").replace('icd10: ["E83.51"]', 'icd10: ["E83.5"]'),
        encoding="utf-8",
    )
    findings = broken / "findings" / "findings.yaml"
    text = findings.read_text(encoding="utf-8")
    line = "synonyms: [cramp, cramping, charley horse],"
    assert line in text
    findings.write_text(
        text.replace(line, f"{line} codes: {{hpo: 'HP:9999999'}},"), encoding="utf-8"
    )
    return broken


def test_broken_codes_are_named_with_their_entry(broken_kb: Path) -> None:
    kb, problems = collect(broken_kb, codes=True)
    assert kb is None
    icd = [p for p in problems if "'E83.5'" in p]
    hpo = [p for p in problems if "'HP:9999999'" in p]
    assert len(icd) == 1 and "conditions/conditions.yaml: condition " in icd[0]
    assert "is not billable" in icd[0]
    assert len(hpo) == 1 and "findings/findings.yaml: finding " in hpo[0]


def test_loading_for_use_skips_the_code_tables(broken_kb: Path) -> None:
    # The structural load still accepts the shapes; only the code check rejects them.
    kb, problems = collect(broken_kb)
    assert problems == [] and kb is not None


def test_kb_check_command_runs_the_code_check() -> None:
    result = CliRunner().invoke(app, ["kb", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
