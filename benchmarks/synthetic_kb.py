"""A synthetic knowledge base k times the size of the packaged one, for benchmarks only.

Issue 16 item 5 asks that the interview step stay fast as the knowledge base grows. This
builds one ``scale`` times as large in conditions and in findings, with the same link
density (the share of condition × finding pairs that a link ties), from the packaged one:

- findings, red flags and families are ``scale`` copies of the packaged ones; copy m > 0
  renames every id ``<id>__m`` and points at its own copy's findings, so every rule keeps its
  shape (``all_of``, ``any_of``, ``screen_when``, ages, level) and every family its members;
- a finding of any copy keeps its question group: a group's choice question offers ``scale``
  times as many options, as a broader knowledge base's would;
- conditions are ``scale`` copies, each keeping its own links (moved to its copy's
  findings) and drawing ``scale − 1`` times as many more at random among all findings, so
  that the density stays the packaged one (``scale``² times the links over ``scale``² times
  the pairs) — ``p`` and ``absence_informative`` drawn from the packaged links (a seeded
  generator: the same knowledge base every time). At ``scale=1`` it is the packaged one;
- the emergency screen, sources, guidance and priors are the packaged ones.

It is not medical knowledge: no text reads it and nothing but benchmarks uses it. Findings
keep no phrases (the text parser is never built for it). Built with ``model_copy``: the
packaged data it starts from was validated when it loaded.
"""

from __future__ import annotations

import random
from typing import Any

from spasmcheck.knowledge.loader import KnowledgeBase, load_knowledge_base
from spasmcheck.knowledge.schema import Condition, Finding, FindingFamily, RedFlag

# Red-flag fields that name findings (a field the schema does not have is skipped).
RULE_FIELDS = ("all_of", "any_of", "screen_when", "unless", "unless_any")


def link_density(kb: KnowledgeBase) -> float:
    links = sum(len(c.findings) for c in kb.conditions)
    return links / (len(kb.conditions) * len(kb.findings))


def synthetic_kb(scale: int, *, seed: int = 16, base: KnowledgeBase | None = None) -> KnowledgeBase:
    """The packaged knowledge base (or ``base``) grown ``scale`` times (see the module)."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, got {scale}")
    base = base or load_knowledge_base()
    rng = random.Random(seed)

    def renamed(finding_id: str, copy: int) -> str:
        return finding_id if copy == 0 else f"{finding_id}__{copy}"

    findings: list[Finding] = []
    red_flags: list[RedFlag] = []
    families: list[FindingFamily] = []
    for copy in range(scale):
        for finding in base.findings:
            findings.append(
                finding.model_copy(
                    update={
                        "id": renamed(finding.id, copy),
                        "synonyms": [],
                        "misspellings": [],
                        "concepts": [],
                        "denials": [],
                        "implies": [renamed(f, copy) for f in finding.implies],
                    }
                )
            )
        for rule in base.red_flags:
            update: dict[str, Any] = {"id": renamed(rule.id, copy)}
            for name in RULE_FIELDS:
                if hasattr(rule, name):
                    update[name] = [renamed(f, copy) for f in getattr(rule, name)]
            red_flags.append(rule.model_copy(update=update))
        for family in base.families:
            families.append(
                family.model_copy(
                    update={
                        "id": renamed(family.id, copy),
                        "members": [renamed(f, copy) for f in family.members],
                    }
                )
            )

    all_ids = [f.id for f in findings]
    packaged_links = [link for c in base.conditions for link in c.findings]
    conditions: list[Condition] = []
    for copy in range(scale):
        for condition in base.conditions:
            links = [
                link.model_copy(update={"id": renamed(link.id, copy)})
                for link in condition.findings
            ]
            linked = {link.id for link in links}
            wanted = scale * len(links)
            while len(links) < wanted:
                finding_id = rng.choice(all_ids)
                if finding_id in linked:
                    continue
                model = rng.choice(packaged_links)
                # a packaged link's p, absence and citations under another finding's id (a
                # record's copy is not validated, as the model's construct was not)
                links.append(model.model_copy(update={"id": finding_id}))
                linked.add(finding_id)
            conditions.append(
                condition.model_copy(
                    update={
                        "id": renamed(condition.id, copy),
                        "findings": links,
                        "is_other": condition.is_other and copy == 0,
                    }
                )
            )
    return KnowledgeBase(
        conditions=tuple(conditions),
        findings=tuple(findings),
        red_flags=tuple(red_flags),
        sources=base.sources,
        groups=base.groups,
        guidance=base.guidance,
        version=f"{base.version}+synthetic-{scale}x",
        families=tuple(families),
        screen=base.screen,
    )
