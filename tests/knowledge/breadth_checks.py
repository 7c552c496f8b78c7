"""Checks shared by the breadth-batch test modules (test_breadth_c to test_breadth_g and
test_breadth_conditions): each batch lists its conditions with a code prefix and a level, and
its own estimation note; each tests that its rules fire, stay quiet, and are explained."""

from __future__ import annotations

from pathlib import Path

import yaml

from spasmcheck import assess
from spasmcheck.knowledge.codes import icd10cm_problem
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import TriageLevel

DATA = Path(__file__).resolve().parents[2] / "src" / "spasmcheck" / "knowledge" / "data"


def flag_ids(batch: str) -> set[str]:
    """The ids of the red flags in ``red_flags/<batch>.yaml``."""
    data = yaml.safe_load((DATA / "red_flags" / f"{batch}.yaml").read_text(encoding="utf-8"))
    return {flag["id"] for flag in data["red_flags"]}


def assert_coded_at_level(
    kb: KnowledgeBase, condition_id: str, code_prefix: str, level: TriageLevel
) -> None:
    """Present, with a code under ``code_prefix``, every code billable, at ``level``."""
    condition = kb.condition_by_id[condition_id]
    assert any(code.startswith(code_prefix) for code in condition.icd10)
    for code in condition.icd10:
        assert icd10cm_problem(code) is None, f"{condition_id}: {code}"
    assert condition.triage is level


def assert_cited_beyond(kb: KnowledgeBase, condition_id: str, method: str) -> None:
    """The prior, the sources and every advice rest on a published source, not only on the
    batch's estimation note ``method``; so does every finding that argues for the cause
    (p >= 0.3): only the low values that argue against it may rest on the note alone."""
    condition = kb.condition_by_id[condition_id]
    assert any(c.source != method for c in condition.prior.cite)
    assert any(c.source != method for c in condition.sources)
    for advice in condition.advice:
        assert any(c.source != method for c in advice.cite), condition_id
    for link in condition.findings:
        if link.p >= 0.3:
            assert any(c.source != method for c in link.cite), f"{condition_id}: {link.id}"


def findings_read(text: str, age: int = 30) -> set[tuple[str, str]]:
    """(finding, status) pairs the product reads from ``text``."""
    return {(f["finding"], f["status"]) for f in assess(text, age=age).as_dict()["findings"]}


def assert_fires(text: str, age: int, flag: str, level: TriageLevel) -> None:
    """``flag`` fires on ``text`` and the result is at least ``level``."""
    triage = assess(text, age=age).triage
    assert flag in {fired.flag.id for fired in triage.red_flags}
    assert triage.level.urgency >= level.urgency


def assert_quiet(text: str, age: int, batch: str) -> None:
    """None of the rules of ``red_flags/<batch>.yaml`` fires on ``text``."""
    fired = {f.flag.id for f in assess(text, age=age).triage.red_flags}
    assert not fired & flag_ids(batch)


def assert_explained_by(text: str, age: int, sex: str, condition_id: str) -> None:
    """``text`` is an emergency and the first cause shown is ``condition_id``."""
    result = assess(text, age=age, sex=sex)
    assert result.triage.level.is_emergency
    assert result.conditions[0].condition.id == condition_id
