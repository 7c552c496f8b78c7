"""The packaged knowledge base: valid, big enough, coded, cited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spasmcheck.knowledge.loader import KnowledgeBase, collect
from spasmcheck.knowledge.schema import FindingKind, SourceKind, TriageLevel

from ..conftest import TINY_KB

# The ICD-10-CM codes outside tools look for (issue 2); alternatives separated by "|".
REQUIRED_CODES = """
R25.2 M62.83 E86 G47.62 R25.3 F41 F15|T43.61 F10 M62.830 O26.89 N94.4|N94.5|N94.6 E87.6 E87.5
E83.42 E83.51 E83.52 E87.1 E55 E53.8|D51 E20|E89.2 R06.4 T50.1|T50.2 G72.0|T46.6 T48.6 G24.02
G25.71 G90.81 G21.0 A35 T63.31 T65.1 G62 E11.4|E10.4 M54.1|M51.1|M50.1 M48.0 G25.81 G47.61 G35
G20 G24 G51.3 G25.3 G12.2 I63|G45 R56|G40 G25.82 E03 E05 N18 E74.04 M62.82 K74 E16 K58 K31.84
K22.4 K80 N20|N23 N32.89 R06.6 I73.9 I82.4 J38.5
""".split()


def test_kb_check_finds_no_problems() -> None:
    kb, problems = collect()
    assert problems == []
    assert kb is not None


def test_sizes(kb: KnowledgeBase) -> None:
    assert len(kb.conditions) >= 70
    assert len(kb.findings) >= 150
    assert len(kb.red_flags) >= 30


@pytest.mark.parametrize("alternatives", REQUIRED_CODES)
def test_required_code_is_covered(kb: KnowledgeBase, alternatives: str) -> None:
    codes = [code for c in kb.conditions for code in c.icd10]
    assert any(code.startswith(prefix) for code in codes for prefix in alternatives.split("|"))


def test_exactly_one_other_cause(kb: KnowledgeBase) -> None:
    assert [c.id for c in kb.conditions if c.is_other] == ["other_unlisted"]


def test_every_finding_kind_is_represented(kb: KnowledgeBase) -> None:
    kinds = {f.kind for f in kb.findings}
    assert kinds >= set(FindingKind) - {FindingKind.DEMOGRAPHIC}


def test_both_seeds_are_cited_in_every_section(kb: KnowledgeBase) -> None:
    cited: set[tuple[str, str | None]] = set()
    for c in kb.conditions:
        for citation in [
            *c.sources,
            *c.prior.cite,
            *(x for a in c.advice for x in a.cite),
            *(x for link in c.findings for x in link.cite),
        ]:
            cited.add((citation.source, citation.section))
    for flag in kb.red_flags:
        cited.update((x.source, x.section) for x in flag.cite)
    for source in kb.sources:
        if source.kind is SourceKind.SEED:
            for section in source.sections:
                if section == "Introduction":
                    continue
                assert (source.id, section) in cited, (source.id, section)


def test_every_triage_level_is_someones_usual_level(kb: KnowledgeBase) -> None:
    assert {c.triage for c in kb.conditions} == set(TriageLevel)


def test_finding_codes_are_common(kb: KnowledgeBase) -> None:
    clinical = [f for f in kb.findings if f.kind in (FindingKind.MOVEMENT, FindingKind.SYMPTOM)]
    coded = [f for f in clinical if f.codes.snomed or f.codes.hpo]
    assert len(coded) / len(clinical) >= 0.5


def test_medicines_have_brand_and_generic_names(kb: KnowledgeBase) -> None:
    names = {
        f.id: {s.lower() for s in f.synonyms} for f in kb.findings if f.kind is FindingKind.MEDICINE
    }
    assert {"furosemide", "lasix"} <= names["med_diuretic"]
    assert {"atorvastatin", "lipitor"} <= names["med_statin"]
    assert {"salbutamol", "ventolin"} <= names["med_beta2_agonist"]
    assert "omeprazole" in names["med_ppi"]
    assert "metoclopramide" in names["med_antiemetic"]


def test_check_lists_every_problem_at_once(tmp_path: Path) -> None:
    broken = tmp_path / "kb"
    shutil.copytree(TINY_KB, broken)
    conditions = broken / "conditions" / "conditions.yaml"
    text = conditions.read_text(encoding="utf-8")
    text = text.replace('icd10: ["G47.62"]', 'icd10: ["G4762"]').replace(
        "{id: at_night, p: 0.8", "{id: at_nite, p: 0.8"
    )
    conditions.write_text(text, encoding="utf-8")
    (broken / "red_flags" / "red_flags.yaml").write_text(
        (broken / "red_flags" / "red_flags.yaml")
        .read_text(encoding="utf-8")
        .replace("{source: aha_asa_stroke_2019}", "{source: nowhere}"),
        encoding="utf-8",
    )
    kb, problems = collect(broken)
    assert kb is None
    joined = "\n".join(problems)
    assert "not an ICD-10-CM code" in joined
    assert "unknown source 'nowhere'" in joined
    assert len(problems) >= 2


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "kb"
    shutil.copytree(TINY_KB, broken)
    path = broken / "findings" / "findings.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "base_rate: 0.5}", "base_rate: 0.5, basse_rate: 0.4}"
        ),
        encoding="utf-8",
    )
    _, problems = collect(broken)
    assert any("basse_rate" in p and "Extra inputs" in p for p in problems)


def test_a_key_written_twice_is_an_error(tmp_path: Path) -> None:
    """YAML keeps the last of two equal keys without a word: a second ``base_rate`` (or a
    second ``concepts:`` list) would silently replace the first, so ``kb check`` refuses it."""
    broken = tmp_path / "kb"
    shutil.copytree(TINY_KB, broken)
    path = broken / "findings" / "findings.yaml"
    text = path.read_text(encoding="utf-8")
    assert "base_rate: 0.5}" in text
    path.write_text(
        text.replace("base_rate: 0.5}", "base_rate: 0.5, base_rate: 0.4}", 1), encoding="utf-8"
    )
    assert collect(broken)[1] == []  # the run-time load cannot see it
    _, problems = collect(broken, codes=True)
    assert any(
        p.startswith("findings/findings.yaml: line") and "'base_rate' is written twice" in p
        for p in problems
    ), problems


def test_seed_section_must_exist(tmp_path: Path) -> None:
    broken = tmp_path / "kb"
    shutil.copytree(TINY_KB, broken)
    path = broken / "conditions" / "conditions.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'section: "Approaches to Management"', 'section: "Made Up"'
        ),
        encoding="utf-8",
    )
    _, problems = collect(broken)
    assert any("no section 'Made Up'" in p for p in problems)


@pytest.mark.parametrize(
    ("phrase", "shared"),
    [("At  Night", True), ("cramping", True), ("charley horses", False), ("", False)],
)
def test_a_phrase_may_mean_one_finding_only(tmp_path: Path, phrase: str, shared: bool) -> None:
    """Case and spacing aside, two findings never share a phrase; each one shared is named
    where it occurs, after the first finding that has it."""
    broken = tmp_path / "kb"
    shutil.copytree(TINY_KB, broken)
    findings = broken / "findings" / "findings.yaml"
    text = findings.read_text(encoding="utf-8")
    extra = f', "{phrase}"' if phrase else ""
    findings.write_text(
        text.replace("synonyms: [neutral thing]", f"synonyms: [neutral thing{extra}]"),
        encoding="utf-8",
    )
    kb, problems = collect(broken)
    expected = [
        f"findings/findings.yaml: finding neutral: phrase {phrase!r} already means finding "
        f"{'at_night' if 'ight' in phrase else 'cramp'!r}"
    ]
    assert problems == (expected if shared else [])
    assert (kb is None) is shared


@pytest.mark.parametrize("owner", ["Codes", "Condition"])
def test_a_snomed_id_is_checked_for_shape_wherever_it_is_given(owner: str) -> None:
    """One annotated type (models.SnomedId) checks a finding's and a condition's SNOMED id."""
    from pydantic import TypeAdapter, ValidationError

    from spasmcheck.knowledge import models

    field = getattr(models, owner).model_fields["snomed"]
    adapter: TypeAdapter[str | None] = TypeAdapter(field.annotation)
    assert adapter.validate_python("26544005") == "26544005"
    assert adapter.validate_python(None) is None
    with pytest.raises(ValidationError, match="not a SNOMED CT concept id: 'abc'"):
        adapter.validate_python("abc")


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (", context_synonyms: [thing]", "context_synonyms and in_context_of go together"),
        (", in_context_of: [cramp]", "context_synonyms and in_context_of go together"),
        (", context_synonyms: [thing], in_context_of: [neutral]", "cannot be its own context"),
        (", context_synonyms: [thing], in_context_of: [nowhere]", "in_context_of unknown finding"),
        (
            ", context_synonyms: [thing], in_context_of: [cramp], context_unless: [two words]",
            "context_unless holds single words",
        ),
        (", context_synonyms: [thing], in_context_of: [cramp], context_unless: [nose]", None),
    ],
)
def test_a_context_phrase_names_its_context(
    tmp_path: Path, fields: str, problem: str | None
) -> None:
    """A phrase read only beside another finding names that finding, which must exist and be
    another one; its guard words are single words."""
    broken = tmp_path / "kb"
    shutil.copytree(TINY_KB, broken)
    findings = broken / "findings" / "findings.yaml"
    text = findings.read_text(encoding="utf-8")
    findings.write_text(
        text.replace(
            "synonyms: [neutral thing], base_rate: 0.3}",
            f"synonyms: [neutral thing], base_rate: 0.3{fields}}}",
        ),
        encoding="utf-8",
    )
    kb, problems = collect(broken)
    if problem is None:
        assert problems == [] and kb is not None
    else:
        assert any(problem in p for p in problems), problems
