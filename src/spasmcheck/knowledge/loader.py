"""Load the knowledge base from the YAML files shipped inside the package.

``load_knowledge_base()`` reads every file, validates it against :mod:`.schema`, checks
the cross references (finding ids, source ids, seed sections, groups) and returns a
:class:`KnowledgeBase`. Problems are collected, not raised one at a time, so that
``spasmcheck kb check`` can list every problem at once; loading for use raises
:class:`KnowledgeBaseError` carrying the whole list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

from spasmcheck._lazy import package_files
from spasmcheck.knowledge.ids import FINDINGS as NAMED_FINDINGS
from spasmcheck.knowledge.ids import GROUPS as NAMED_GROUPS
from spasmcheck.knowledge.parsed import YamlError
from spasmcheck.knowledge.policy import POLICY_FILES, POLICY_FOLDER, RefKind, validate_policy
from spasmcheck.knowledge.schema import (
    Citation,
    Condition,
    ConditionFile,
    EmergencyScreen,
    EmergencyScreenFile,
    FamilyFile,
    Finding,
    FindingFamily,
    FindingFile,
    FindingKind,
    GuidanceFile,
    LevelGuidance,
    QuestionGroup,
    QuestionGroupFile,
    RedFlag,
    RedFlagFile,
    Source,
    SourceFile,
    SourceKind,
    TriageLevel,
)
from spasmcheck.knowledge.validated import Record, is_validation_error, validated

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DATA_PACKAGE = "spasmcheck.knowledge.data"

M = TypeVar("M", bound=Record)


class KnowledgeBaseError(Exception):
    """The knowledge base failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge base: {problems[0]}")


@dataclass(frozen=True)
class KnowledgeBase:
    """A validated, read-only knowledge base with lookups by id."""

    conditions: tuple[Condition, ...]
    findings: tuple[Finding, ...]
    red_flags: tuple[RedFlag, ...]
    sources: tuple[Source, ...]
    groups: tuple[QuestionGroup, ...]
    guidance: GuidanceFile
    version: str
    families: tuple[FindingFamily, ...] = ()
    condition_by_id: dict[str, Condition] = field(init=False, repr=False)
    finding_by_id: dict[str, Finding] = field(init=False, repr=False)
    source_by_id: dict[str, Source] = field(init=False, repr=False)
    group_by_id: dict[str, QuestionGroup] = field(init=False, repr=False)
    level_guidance: dict[TriageLevel, LevelGuidance] = field(init=False, repr=False)
    # Each condition's usual level as its urgency (triage sums the posterior by it).
    condition_urgency: npt.NDArray[np.int64] = field(init=False, repr=False, compare=False)
    # finding id → the positions in red_flags of the rules whose all_of or any_of name it
    red_flags_naming: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    # (source, section) → the rendered citation: every result cites its advice again, and the
    # knowledge base's citations are finite
    _cited: dict[tuple[str, str | None], str] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    # The interview's first question (screen/emergency_screen.yaml); None: no screen.
    screen: EmergencyScreen | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "condition_by_id", {c.id: c for c in self.conditions})
        object.__setattr__(self, "finding_by_id", {f.id: f for f in self.findings})
        object.__setattr__(self, "source_by_id", {s.id: s for s in self.sources})
        object.__setattr__(self, "group_by_id", {g.id: g for g in self.groups})
        object.__setattr__(self, "level_guidance", {g.level: g for g in self.guidance.levels})
        urgency = np.array([c.triage.urgency for c in self.conditions], dtype=np.int64)
        urgency.setflags(write=False)
        object.__setattr__(self, "condition_urgency", urgency)
        naming: dict[str, list[int]] = {}
        for i, flag in enumerate(self.red_flags):
            for finding_id in dict.fromkeys(flag.finding_ids):
                naming.setdefault(finding_id, []).append(i)
        object.__setattr__(self, "red_flags_naming", {f: tuple(i) for f, i in naming.items()})

    def condition_summary(self, condition_id: str) -> dict[str, Any]:
        """A condition's public summary: names, category, codes, usual triage and sources."""
        c = self.condition_by_id[condition_id]
        return {
            "id": c.id,
            "name": c.name,
            "clinical_name": c.clinical_name,
            "category": c.category.value,
            "icd10": list(c.icd10),
            "snomed": c.snomed,
            "triage": c.triage.value,
            "acuteness": c.acuteness.value,
            "sources": [self.cite(s) for s in c.sources],
        }

    def cite(self, citation: Citation) -> str:
        """Render a citation for people: the seed's file name and section, or title and year."""
        key = (citation.source, citation.section)
        if (rendered := self._cited.get(key)) is not None:
            return rendered
        source = self.source_by_id[citation.source]
        if source.kind is SourceKind.SEED and source.file:
            label = source.file
        else:
            who = f"{source.publisher}, " if source.publisher else ""
            label = f"{who}{source.title} ({source.year})"
        rendered = f"{label} § {citation.section}" if citation.section else label
        self._cited[key] = rendered
        return rendered


def _data_root() -> Traversable:
    return package_files(DATA_PACKAGE)


def _yaml_files(folder: Traversable) -> Iterator[Traversable]:
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir(), key=lambda t: t.name):
        if entry.is_file() and entry.name.endswith((".yaml", ".yml")):
            yield entry


def _load_file(
    entry: Traversable, label: str, model: type[M], problems: list[str], digest: Any
) -> M | None:
    raw = entry.read_bytes()
    digest.update(label.encode())
    digest.update(raw)
    try:
        return validated(raw, model)  # a safe loader: plain data only
    except YamlError as error:
        problems.append(f"{label}: not valid YAML: {error}".replace("\n", " "))
        return None
    except Exception as error:
        if not is_validation_error(error):
            raise
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"])
            problems.append(f"{label}: {where}: {item['msg']}")
        return None


def collect(
    root: Traversable | None = None, *, codes: bool = False
) -> tuple[KnowledgeBase | None, list[str]]:
    """Load and validate everything; return the knowledge base (if it loaded) and problems.

    With ``codes=True`` also check every ICD-10-CM code and HPO id against the code tables
    (:mod:`.codes`); ``kb check`` and the tests do, loading for use does not (it is slower).
    """
    root = root or _data_root()
    problems: list[str] = []
    digest = hashlib.sha256()

    def load_folder(name: str, model: type[M]) -> list[tuple[str, M]]:
        loaded = []
        for entry in _yaml_files(root / name):
            label = f"{name}/{entry.name}"
            parsed = _load_file(entry, label, model, problems, digest)
            if parsed is not None:
                loaded.append((label, parsed))
        return loaded

    conditions = [
        (lbl, c) for lbl, f in load_folder("conditions", ConditionFile) for c in f.conditions
    ]
    findings = [(lbl, x) for lbl, f in load_folder("findings", FindingFile) for x in f.findings]
    red_flags = [(lbl, r) for lbl, f in load_folder("red_flags", RedFlagFile) for r in f.red_flags]
    sources = [(lbl, s) for lbl, f in load_folder("sources", SourceFile) for s in f.sources]
    groups = [(lbl, g) for lbl, f in load_folder("groups", QuestionGroupFile) for g in f.groups]
    families = [(lbl, x) for lbl, f in load_folder("families", FamilyFile) for x in f.families]
    screens = [s.screen for _, s in load_folder("screen", EmergencyScreenFile)]
    guidance_files = load_folder("guidance", GuidanceFile)
    guidance = guidance_files[0][1] if len(guidance_files) == 1 else None
    if guidance is None:
        problems.append("guidance: exactly one guidance file is needed")
    else:
        _check_guidance(guidance, sources, problems)

    _check_references(conditions, findings, red_flags, sources, groups, problems)
    _check_screen(screens, findings, red_flags, sources, problems)
    _check_families(families, findings, problems)
    _check_policy(root, findings, groups, sources, problems, digest)
    if codes:
        from spasmcheck.knowledge.codes import check_codes

        problems.extend(check_codes(conditions, findings))
        problems.extend(duplicate_keys(root))
    if problems or guidance is None:
        return None, problems
    kb = KnowledgeBase(
        conditions=tuple(c for _, c in conditions),
        findings=tuple(f for _, f in findings),
        red_flags=tuple(r for _, r in red_flags),
        sources=tuple(s for _, s in sources),
        groups=tuple(g for _, g in groups),
        guidance=guidance,
        screen=screens[0] if screens else None,
        families=tuple(x for _, x in families),
        version=f"{_package_version()}+{digest.hexdigest()[:10]}",
    )
    return kb, problems


def duplicate_keys(root: Traversable | None = None) -> list[str]:
    """Every mapping key written twice in one YAML file of the knowledge base.

    YAML keeps the last of two equal keys without a word, so a second ``concepts:`` under a
    finding silently drops the first list. Checked with ``kb check`` (and the tests) only:
    composing the node trees costs about 0.4 s, which a start does not need to pay."""
    import yaml  # only here: the run-time loader goes through knowledge.parsed

    def twice(node: Any) -> Iterator[str]:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                if name is not None and name in seen:
                    line = key.start_mark.line + 1
                    yield f"line {line}: key {name!r} is written twice in one mapping"
                seen.add(name)
                yield from twice(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from twice(item)

    root = root or _data_root()
    found: list[str] = []
    # every folder of the data root, so a folder added later is checked too
    for folder in sorted(entry.name for entry in root.iterdir() if entry.is_dir()):
        for entry in _yaml_files(root / folder):
            try:
                node = yaml.compose(
                    entry.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                )
            except yaml.YAMLError:
                continue  # reported as not valid YAML by the loader
            found.extend(f"{folder}/{entry.name}: {message}" for message in twice(node))
    return found


def _package_version() -> str:
    from spasmcheck._version import __version__

    return __version__


def _check_guidance(
    guidance: GuidanceFile, sources: list[tuple[str, Source]], problems: list[str]
) -> None:
    levels = [g.level for g in guidance.levels]
    if sorted(levels) != sorted(TriageLevel) or len(set(levels)) != len(levels):
        problems.append("guidance: every triage level needs exactly one entry")
    known = {s.id for _, s in sources}
    citations = [c for g in guidance.levels for c in g.cite]
    citations += [c for a in guidance.safety_net for c in a.cite]
    for citation in citations:
        if citation.source not in known:
            problems.append(f"guidance: unknown source {citation.source!r}")
    for g in guidance.levels:
        if g.level.is_emergency and not g.do_now:
            problems.append(f"guidance: level {g.level} needs do_now")


def _duplicates(items: list[tuple[str, Any]], what: str, problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for label, item in items:
        if item.id in seen:
            problems.append(f"{label}: duplicate {what} id {item.id!r} (first in {seen[item.id]})")
        else:
            seen[item.id] = label


def _check_references(
    conditions: list[tuple[str, Condition]],
    findings: list[tuple[str, Finding]],
    red_flags: list[tuple[str, RedFlag]],
    sources: list[tuple[str, Source]],
    groups: list[tuple[str, QuestionGroup]],
    problems: list[str],
) -> None:
    for items, what in (
        (conditions, "condition"),
        (findings, "finding"),
        (red_flags, "red flag"),
        (sources, "source"),
        (groups, "group"),
    ):
        _duplicates(items, what, problems)

    finding_ids = {f.id for _, f in findings}
    group_ids = {g.id for _, g in groups}
    source_by_id = {s.id: s for _, s in sources}

    def citation_problems(citation: Citation) -> tuple[str, ...]:
        source = source_by_id.get(citation.source)
        if source is None:
            return (f"unknown source {citation.source!r}",)
        if source.kind is SourceKind.SEED:
            if citation.section is None:
                return ("a seed citation needs its section",)
            if citation.section not in source.sections:
                return (
                    f"{citation.source} has no section {citation.section!r} "
                    f"(sections: {', '.join(source.sections)})",
                )
        return ()

    # A citation's problems do not depend on where it is cited, and a knowledge base from the
    # build cache shares one object per distinct citation (5,800 citations, 300 distinct): each
    # is checked once, and where it is cited is written out only for a problem (issue 16
    # item 8: this check was a quarter of loading the knowledge base).
    verdicts: dict[int, tuple[str, ...]] = {}

    def cited(citations: list[Citation]) -> list[str]:
        found: list[str] = []
        for citation in citations:
            verdict = verdicts.get(id(citation))
            if verdict is None:
                verdict = verdicts[id(citation)] = citation_problems(citation)
            found.extend(verdict)
        return found

    def check_citations(label: str, where: str, citations: list[Citation]) -> None:
        problems.extend(f"{label}: {where}: {problem}" for problem in cited(citations))

    for label, source in sources:
        if source.kind is SourceKind.SEED and (not source.file or not source.sections):
            problems.append(f"{label}: seed source {source.id!r} needs its file and sections")

    others = [c.id for _, c in conditions if c.is_other]
    if len(others) != 1:
        problems.append(f"conditions: exactly one condition must have is_other (found {others})")

    for label, condition in conditions:
        where = f"condition {condition.id}"
        check_citations(label, f"{where}: sources", condition.sources)
        check_citations(label, f"{where}: prior", condition.prior.cite)
        linked: set[str] = set()
        for link in condition.findings:
            if link.id not in finding_ids:
                problems.append(f"{label}: {where}: unknown finding {link.id!r}")
            if link.id in linked:
                problems.append(f"{label}: {where}: finding {link.id!r} linked twice")
            linked.add(link.id)
            if bad := cited(link.cite):
                problems.extend(f"{label}: {where}: finding {link.id}: {p}" for p in bad)
        for exposure in condition.told_with_any:
            # an exposure is one of the cause's own findings, so its presence is also evidence
            if exposure not in linked:
                problems.append(f"{label}: {where}: told_with_any {exposure!r} is not linked")
        for index, advice in enumerate(condition.advice):
            if bad := cited(advice.cite):
                problems.extend(f"{label}: {where}: advice #{index}: {p}" for p in bad)

    phrase_owner: dict[str, str] = {}
    for label, finding in findings:
        where = f"finding {finding.id}"
        if finding.group is not None and finding.group not in group_ids:
            problems.append(f"{label}: {where}: unknown group {finding.group!r}")
        for implied in finding.implies:
            if implied not in finding_ids:
                problems.append(f"{label}: {where}: implies unknown finding {implied!r}")
        for context in finding.in_context_of:
            if context not in finding_ids:
                problems.append(f"{label}: {where}: in_context_of unknown finding {context!r}")
        for phrase in (*finding.synonyms, *finding.misspellings):
            key = " ".join(phrase.lower().split())
            owner = phrase_owner.setdefault(key, finding.id)
            if owner != finding.id:
                problems.append(
                    f"{label}: {where}: phrase {phrase!r} already means finding {owner!r}"
                )

    for label, flag in red_flags:
        where = f"red flag {flag.id}"
        for finding_id in [
            *flag.finding_ids,
            *flag.screen_when,
            *flag.unless,
            *flag.unless_any,
            *flag.still_when_any,
            *flag.unless_alone,
            *flag.alone_still_when_any,
            *flag.unless_still_when_any,
        ]:
            if finding_id not in finding_ids:
                problems.append(f"{label}: {where}: unknown finding {finding_id!r}")
        check_citations(label, where, flag.cite)

    for label, group in groups:
        if group.cite is not None:
            check_citations(label, f"group {group.id}", group.cite)

    cited_seeds: set[str] = set()
    for _, condition in conditions:
        cited_seeds.update(c.source for c in condition.sources)
    for _, source in sources:
        if source.kind is SourceKind.SEED and source.id not in cited_seeds:
            problems.append(f"sources: seed {source.id!r} is cited by no condition")


def _check_families(
    families: list[tuple[str, FindingFamily]],
    findings: list[tuple[str, Finding]],
    problems: list[str],
) -> None:
    """Every member is a known finding, listed once, and in one family only (so that the
    family rule of the inference counts each finding exactly once)."""
    _duplicates(families, "family", problems)
    finding_ids = {f.id for _, f in findings}
    owner: dict[str, str] = {}
    for label, family in families:
        where = f"family {family.id}"
        for member in family.members:
            if member not in finding_ids:
                problems.append(f"{label}: {where}: unknown finding {member!r}")
            elif member in owner:
                problems.append(
                    f"{label}: {where}: finding {member!r} is already in family {owner[member]!r}"
                )
            else:
                owner[member] = family.id


@cache
def load_knowledge_base() -> KnowledgeBase:
    """The packaged knowledge base, validated; raises KnowledgeBaseError on any problem."""
    kb, problems = collect()
    if kb is None:
        raise KnowledgeBaseError(problems)
    return kb


def _check_screen(
    screens: list[EmergencyScreen],
    findings: list[tuple[str, Finding]],
    red_flags: list[tuple[str, RedFlag]],
    sources: list[tuple[str, Source]],
    problems: list[str],
) -> None:
    """The emergency screen lists exactly the signs that need help now on their own.

    Every option must fire an emergency rule by itself at any age (so ticking it ends the
    interview with that result), and every finding that by itself fires an
    ``emergency_ambulance`` rule must be an option (so none is left for later).
    """
    if len(screens) > 1:
        problems.append("screen: at most one emergency screen file")
    if not screens:
        return
    screen = screens[0]
    where = "screen/emergency_screen"
    known = {f.id for _, f in findings}
    source_by_id = {s.id: s for _, s in sources}

    def alone(rule: RedFlag) -> bool:
        return not rule.all_of and rule.min_age is None and rule.max_age is None

    emergency = {f for _, r in red_flags if r.level.is_emergency and alone(r) for f in r.any_of}
    ambulance = {
        f
        for _, r in red_flags
        if r.level is TriageLevel.EMERGENCY_AMBULANCE and alone(r)
        for f in r.any_of
    }
    listed = [o.finding for o in screen.options]
    for finding_id in listed:
        if finding_id not in known:
            problems.append(f"{where}: unknown finding {finding_id!r}")
        elif finding_id not in emergency:
            problems.append(
                f"{where}: {finding_id!r} does not fire an emergency red flag on its own"
            )
    for finding_id in sorted({f for f in listed if listed.count(f) > 1}):
        problems.append(f"{where}: {finding_id!r} is listed twice")
    # A finding that implies a listed one is covered by it: ticking "a fit or seizure" is the
    # general form of "a seizure that goes on for five minutes".
    covered = {f.id for _, f in findings if not set(f.implies).isdisjoint(listed)}
    for finding_id in sorted(ambulance - set(listed) - covered):
        problems.append(f"{where}: {finding_id!r} calls an ambulance on its own but is not listed")
    for citation in screen.cite:
        source = source_by_id.get(citation.source)
        if source is None:
            problems.append(f"{where}: unknown source {citation.source!r}")
        elif source.kind is SourceKind.SEED and citation.section not in source.sections:
            problems.append(f"{where}: {citation.source} has no section {citation.section!r}")


def _check_policy(
    root: Traversable,
    findings: list[tuple[str, Finding]],
    groups: list[tuple[str, QuestionGroup]],
    sources: list[tuple[str, Source]],
    problems: list[str],
    digest: Any,
) -> None:
    """Validate the policy files (:mod:`.policy`) and check what they name against the rest.

    A knowledge base without a ``policy`` folder (the tests' tiny one) has no policy to check;
    one with it must hold every file of :data:`POLICY_FILES` and nothing else, and every id
    that code names (:mod:`.ids`) with the kind the code uses it as. Each reference
    must be a known finding or group, and each citation a known source (a seed with one of its
    sections), exactly as for the medical data.
    """
    folder = root / POLICY_FOLDER
    if not folder.is_dir():
        return
    present = {entry.name for entry in _yaml_files(folder)}
    for name in sorted(present - set(POLICY_FILES)):
        problems.append(f"{POLICY_FOLDER}/{name}: not a known policy file")
    known = {
        RefKind.FINDING: {f.id for _, f in findings},
        RefKind.GROUP: {g.id for _, g in groups},
        RefKind.LOCATION: {f.id for _, f in findings if f.kind is FindingKind.LOCATION},
    }
    source_by_id = {s.id: s for _, s in sources}
    kind_of = {f.id: f.kind for _, f in findings}
    for finding_id, finding_kind in NAMED_FINDINGS.items():
        if kind_of.get(finding_id) is not finding_kind:
            problems.append(
                f"knowledge/ids.py: {finding_id!r} must be a finding of kind {finding_kind}"
            )
    for group_id in NAMED_GROUPS:
        if group_id not in known[RefKind.GROUP]:
            problems.append(f"knowledge/ids.py: unknown group {group_id!r}")
    for name, model in POLICY_FILES.items():
        label = f"{POLICY_FOLDER}/{name}"
        if name not in present:
            problems.append(f"{label}: missing")
            continue
        raw = (folder / name).read_bytes()
        digest.update(label.encode())
        digest.update(raw)
        policy, found = validate_policy(raw, model, label)
        problems.extend(found)
        if policy is None:
            continue
        for kind, ref in policy.references():
            if ref not in known[kind]:
                what = "location finding" if kind is RefKind.LOCATION else kind.value
                problems.append(f"{label}: unknown {what} {ref!r}")
        for citation in policy.citations():
            source = source_by_id.get(citation.source)
            if source is None:
                problems.append(f"{label}: unknown source {citation.source!r}")
            elif source.kind is SourceKind.SEED and citation.section not in source.sections:
                problems.append(f"{label}: {citation.source} has no section {citation.section!r}")
