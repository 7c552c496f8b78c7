"""Issue 12, batch a: the new movement, muscle, face, child and spine conditions are present,
coded, cited, linked to enough findings, listed by the CLI, and each has its public cases."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from spasmcheck.cli.main import app
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.reasoning.engine import Engine

from ..conftest import REPO

VIGNETTES = REPO / "vignettes" / "breadth-breadth_a.yaml"
DATA = REPO / "src" / "spasmcheck" / "knowledge" / "data"

# The issue's groups for this batch, each with the condition ids that cover it.
GROUPS = {
    "movement look-alikes": [
        "tic_disorder",
        "essential_tremor",
        "functional_movement_disorder",
        "tardive_dyskinesia",
        "drug_induced_parkinsonism",
        "chorea_huntington",
        "wilson_disease",
        "myotonia",
        "cramp_fasciculation_syndrome",
    ],
    "neuromuscular junction and muscle": [
        "myasthenia_gravis",
        "lambert_eaton",
        "botulism",
        "inflammatory_myositis",
        "inclusion_body_myositis",
        "benign_acute_childhood_myositis",
        "polymyalgia_rheumatica",
        "fibromyalgia",
        "myofascial_pain",
        "primary_periodic_paralysis",
    ],
    "head, face and voice": [
        "bells_palsy",
        "trigeminal_neuralgia",
        "hemiplegic_migraine",
        "spasmodic_dysphonia",
        "temporomandibular_disorder",
        "bruxism",
        "dental_abscess_trismus",
    ],
    "children": ["infantile_spasms", "febrile_seizure", "infant_colic"],
    "spine and cord": ["spinal_cord_compression", "cervical_myelopathy"],
}
BATCH = [c for ids in GROUPS.values() for c in ids]

# Codes the issue names for these groups; each must be carried by some condition.
ISSUE_CODES = """
F95.1 F95.2 G25.0 F44.4 G24.01 G21.11 G25.5 G10 E83.01 G71.11 G71.12 G25.89 G71.19 G70.00
G73.1 A05.1 M33.20 M33.90 G72.41 M60.80 M35.3 M79.7 M79.18 G72.3 G51.0 G50.0 G43.409 G24.8
R49.8 M26.609 G47.63 K04.7 K12.2 G40.822 R56.00 R10.83 G95.20 M47.12
""".split()

# Conditions with a single public case so far (the search found one usable account).
ONE_CASE = {
    "tardive_dyskinesia",
    "myotonia",
    "primary_periodic_paralysis",
    "spasmodic_dysphonia",
    "temporomandibular_disorder",
    "infantile_spasms",
    "infant_colic",
}


def _vignettes() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(VIGNETTES.read_text(encoding="utf-8"))
    return cases


@pytest.mark.parametrize("condition_id", BATCH)
def test_condition_has_the_depth_of_the_others(kb: KnowledgeBase, condition_id: str) -> None:
    c = kb.condition_by_id[condition_id]
    assert c.name != c.clinical_name
    assert len(c.findings) >= 10
    assert len(c.advice) >= 3
    assert c.prior.cite and c.sources
    # Evidence against the cause as well as for it.
    assert any(link.p <= 0.05 for link in c.findings)
    assert any(link.p >= 0.7 for link in c.findings)


def test_batch_files_hold_exactly_the_batch() -> None:
    ids = []
    for path in sorted((DATA / "conditions").glob("breadth_a_*.yaml")):
        ids += [c["id"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))["conditions"]]
    assert sorted(ids) == sorted(BATCH)


@pytest.mark.parametrize("code", ISSUE_CODES)
def test_issue_code_is_carried(kb: KnowledgeBase, code: str) -> None:
    assert any(code in c.icd10 for c in kb.conditions), code


def test_conditions_command_lists_the_batch() -> None:
    result = CliRunner().invoke(app, ["conditions", "--json"])
    assert result.exit_code == 0, result.output
    listed = {c["id"]: c for c in json.loads(result.output)}
    for condition_id in BATCH:
        assert listed[condition_id]["icd10"] and listed[condition_id]["sources"]


def test_every_case_cites_a_public_source_and_has_gold() -> None:
    for case in _vignettes():
        assert case["source"].startswith("http"), case["id"]
        assert case["expect"]["icd10"] and case["expect"]["triage"], case["id"]


def test_every_gold_code_names_a_batch_condition(kb: KnowledgeBase) -> None:
    codes = [code for c in BATCH for code in kb.condition_by_id[c].icd10]
    for case in _vignettes():
        assert any(code.startswith(p) for p in case["expect"]["icd10"] for code in codes), case[
            "id"
        ]


def test_every_condition_has_its_cases(kb: KnowledgeBase) -> None:
    per_condition: Counter[str] = Counter()
    for case in _vignettes():
        for condition_id in BATCH:
            codes = kb.condition_by_id[condition_id].icd10
            if any(code.startswith(p) for p in case["expect"]["icd10"] for code in codes):
                per_condition[condition_id] += 1
    for condition_id in BATCH:
        assert per_condition[condition_id] >= (1 if condition_id in ONE_CASE else 2), condition_id


@pytest.mark.parametrize(
    ("text", "age", "expected"),
    [
        (
            "my son keeps blinking and shrugging his shoulders, he says he can hold it back for a bit",
            8,
            "tic_disorder",
        ),
        (
            "my hands shake when I hold a cup and I spill my tea, my mother had it too",
            66,
            "essential_tremor",
        ),
        (
            "after flu my son refuses to walk and walks on his tiptoes, both calves hurt",
            6,
            "benign_acute_childhood_myositis",
        ),
        (
            "my baby has clusters of head nods and his arms fling up when he wakes",
            0,
            "infantile_spasms",
        ),
        (
            "both shoulders and hips are so stiff every morning I can't lift my arms above my head",
            72,
            "polymyalgia_rheumatica",
        ),
        (
            "electric shock in my face when I brush my teeth, lasts seconds, only the left side",
            60,
            "trigeminal_neuralgia",
        ),
        ("I grind my teeth at night and my jaw aches in the morning", 35, "bruxism"),
        (
            "my tongue keeps moving side to side and I'm smacking my lips, I've taken an antipsychotic for years",
            58,
            "tardive_dyskinesia",
        ),
    ],
)
def test_typical_story_ranks_its_cause_first(
    engine: Engine, text: str, age: int, expected: str
) -> None:
    result = engine.assess(text, age=age)
    assert result.conditions[0].condition.id == expected, [
        c.condition.id for c in result.conditions[:3]
    ]


def test_new_finding_phrases_are_unique_to_their_file() -> None:
    # Guard against copying an existing finding's phrase into the batch file (kb check
    # reports it too; this names the file).
    ours = yaml.safe_load((DATA / "findings" / "breadth_a.yaml").read_text(encoding="utf-8"))[
        "findings"
    ]
    phrases = [p.lower() for f in ours for p in (*f["synonyms"], *f.get("misspellings", []))]
    assert len(phrases) == len(set(phrases))
