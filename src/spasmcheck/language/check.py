"""Checks of the language data against a knowledge base, for ``spasmcheck kb check``.

The knowledge layer validates each file on its own; what only the language layer can see is
checked here, after normalisation and stemming:

* no two findings share a phrase once stemmed ("cramping" and "cramps" are one phrase), and
  no finding lists one phrase twice once normalised ("he can't" and "she couldn't" are one
  phrase through the match classes);
* every concept and denial compiles to word groups that are not empty;
* every phrase of ``data/hpo_synonyms.yaml`` belongs to a finding that still exists and
  still carries that HPO id;
* the parser's word lists (``data/word_lists.yaml``) are valid, and every finding id in
  ``data/attributes.yaml``, ``data/onset.yaml`` and the word lists' ``one_side_readings``
  exists.
"""

from __future__ import annotations

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.language.concepts import canonical, compile_concept
from spasmcheck.language.parser import _attributes, _onset, hpo_terms
from spasmcheck.language.tokens import phrase_keys
from spasmcheck.language.wordlists import word_list_problems, word_lists

__all__ = ["language_problems"]


def language_problems(kb: KnowledgeBase) -> list[str]:
    problems: list[str] = word_list_problems()
    owner: dict[tuple[str, ...], str] = {}
    for finding in kb.findings:
        own: dict[tuple[str, ...], str] = {}
        for phrase in (*finding.synonyms, *finding.misspellings):
            keys = phrase_keys(phrase)
            if not keys:
                problems.append(f"finding {finding.id}: phrase {phrase!r} has no words")
                continue
            same = tuple(canonical(keys))
            copied = own.setdefault(same, phrase)
            if copied != phrase:
                problems.append(
                    f"finding {finding.id}: phrase {phrase!r} reads the same as its phrase "
                    f"{copied!r} once normalised (a copy: the match classes, the stems and the "
                    "spelling table already make them one)"
                )
            first = owner.setdefault(keys, finding.id)
            if first != finding.id:
                problems.append(
                    f"finding {finding.id}: phrase {phrase!r} reads the same as a phrase of "
                    f"finding {first!r} once stemmed"
                )
        for kind, concepts in (
            ("concept", finding.concepts),
            ("denial", finding.denials),
            ("figure", finding.figures),
        ):
            for groups in concepts:
                compiled = compile_concept(finding.id, groups, denies=kind == "denial")
                if not compiled.groups or not all(compiled.groups):
                    problems.append(f"finding {finding.id}: {kind} {groups!r} has an empty group")
    by_id = kb.finding_by_id
    attribute_ids = {i for a in _attributes() for pair in a.binds.items() for i in pair}
    for finding_id in sorted(attribute_ids - set(by_id)):
        problems.append(f"language/data/attributes.yaml: unknown finding {finding_id!r}")
    readings = {} if problems else word_lists().lexicon.one_side_readings
    for finding_id in sorted({i for pair in readings.items() for i in pair} - set(by_id)):
        problems.append(f"language/data/word_lists.yaml: unknown finding {finding_id!r}")
    for finding_id in sorted(set(_onset().applies_to) - set(by_id)):
        problems.append(f"language/data/onset.yaml: unknown finding {finding_id!r}")
    for finding_id, (hpo, _) in hpo_terms().items():
        known = by_id.get(finding_id)
        if known is None:
            problems.append(f"language/data/hpo_synonyms.yaml: unknown finding {finding_id!r}")
        elif known.codes.hpo != hpo:
            problems.append(
                f"language/data/hpo_synonyms.yaml: {finding_id} is listed under {hpo}, but the "
                f"finding's HPO id is {known.codes.hpo}; run scripts/build_hpo_synonyms.py"
            )
    return problems
