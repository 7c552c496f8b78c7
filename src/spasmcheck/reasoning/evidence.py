"""Evidence: what is known about each finding, and where it came from.

An evidence item says a finding is present, absent or unknown ("don't know"), and whether it
came from typed text, an interview answer or the diary. ``possible`` marks a finding the
person mentioned with doubt ("not sure if my face drooped"): the model treats it as unknown,
but red-flag screening treats it as a reason to act (see :mod:`.triage`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import ClassVar

from spasmcheck.knowledge.ids import FAMILY_HISTORY
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.language.context import Polarity
from spasmcheck.language.parser import Mention


class Status(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class Origin(StrEnum):
    TEXT = "text"
    ANSWER = "answer"
    DIARY = "diary"


@dataclass(frozen=True, slots=True)
class Evidence:
    finding_id: str
    status: Status
    origin: Origin = Origin.ANSWER
    possible: bool = False  # mentioned with doubt; counts for red-flag screening only
    text: str | None = None  # the words that produced it, for typed text
    question: str | None = None  # the interview question that this answers
    screening: bool = False  # the question screened for a warning sign
    escalation: bool = False  # asked after an emergency sign: does it need an ambulance?

    def as_dict(self) -> dict[str, object]:
        item: dict[str, object] = {
            "finding": self.finding_id,
            "status": _VALUE[self.status],
            "origin": _VALUE[self.origin],
        }
        if self.possible:
            item["possible"] = True
        if self.text is not None:
            item["text"] = self.text
        if self.question is not None:
            item["question"] = self.question
        if self.screening:
            item["screening"] = True
        if self.escalation:
            item["escalation"] = True
        return item


def _slot_init() -> Callable[..., None]:
    """:class:`Evidence`'s ``__init__``: the dataclass's own (same parameters, same defaults,
    same fields set) with each field written through its slot, where the frozen dataclass's
    goes through ``object.__setattr__`` by name: 0.7 instead of 1.1 µs an item, and every
    question page replays a few dozen (issue 16, seventh pass;
    tests/reasoning/test_evidence_init.py holds it to the dataclass's)."""
    # in the fields' order (a field more or fewer fails here, on import)
    (
        set_finding,
        set_status,
        set_origin,
        set_possible,
        set_text,
        set_question,
        set_screening,
        set_escalation,
    ) = [getattr(Evidence, f.name).__set__ for f in fields(Evidence)]

    def __init__(
        self: Evidence,
        finding_id: str,
        status: Status,
        origin: Origin = Origin.ANSWER,
        possible: bool = False,
        text: str | None = None,
        question: str | None = None,
        screening: bool = False,
        escalation: bool = False,
    ) -> None:
        set_finding(self, finding_id)
        set_status(self, status)
        set_origin(self, origin)
        set_possible(self, possible)
        set_text(self, text)
        set_question(self, question)
        set_screening(self, screening)
        set_escalation(self, escalation)

    __init__.__qualname__ = "Evidence.__init__"
    return __init__


_DATACLASS_INIT = Evidence.__init__  # the dataclass's own, which the tests compare with
Evidence.__init__ = _slot_init()  # type: ignore[method-assign]


# ``member.value`` by a dict look-up (the enum's descriptor is slow): every interview step
# writes each evidence item's dict (docs/benchmarks.md, issue 16).
_VALUE: dict[Status | Origin, str] = {m: m.value for e in (Status, Origin) for m in e}


class EvidenceSet:
    """The current state of knowledge: at most one evidence item per finding.

    Merging follows a fixed precedence so that the order evidence arrives in never matters:
    present beats absent beats unknown (an affirmed sign is never overwritten by a denial —
    the safe choice when the person contradicts themselves), and among equal statuses an
    answer beats typed text beats the diary.
    """

    _STATUS_RANK: ClassVar[dict[Status, int]] = {
        Status.PRESENT: 2,
        Status.ABSENT: 1,
        Status.UNKNOWN: 0,
    }
    _ORIGIN_RANK: ClassVar[dict[Origin, int]] = {Origin.ANSWER: 2, Origin.TEXT: 1, Origin.DIARY: 0}

    def __init__(self, items: Iterable[Evidence] = ()) -> None:
        self._items: dict[str, Evidence] = {}
        for item in items:
            self.add(item)

    def add(self, item: Evidence) -> None:
        current = self._items.get(item.finding_id)
        if current is not None:
            # "Don't know" to a sign mentioned with doubt, in either order: still a doubt that
            # triage acts on, but answered, so that the interview does not ask it again.
            pair = (current, item)
            doubt = next((e for e in pair if e.possible and e.status is Status.UNKNOWN), None)
            answer = next(
                (
                    e
                    for e in pair
                    if e is not doubt and e.origin is Origin.ANSWER and e.status is Status.UNKNOWN
                ),
                None,
            )
            if doubt is not None and answer is not None:
                self._items[item.finding_id] = replace(answer, possible=True, text=doubt.text)
                return
        if current is None or self._rank(item) > self._rank(current):
            self._items[item.finding_id] = item

    def _rank(self, item: Evidence) -> tuple[int, int, int]:
        return (self._STATUS_RANK[item.status], int(item.possible), self._ORIGIN_RANK[item.origin])

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, finding_id: object) -> bool:
        return finding_id in self._items

    def get(self, finding_id: str) -> Evidence | None:
        return self._items.get(finding_id)

    def ids(self, status: Status) -> list[str]:
        return [i.finding_id for i in self._items.values() if i.status is status]

    @property
    def present(self) -> list[str]:
        return self.ids(Status.PRESENT)

    @property
    def absent(self) -> list[str]:
        return self.ids(Status.ABSENT)

    @property
    def possible(self) -> list[str]:
        return [i.finding_id for i in self._items.values() if i.possible]

    def copy(self) -> EvidenceSet:
        return EvidenceSet(self._items.values())


def evidence_from_mentions(kb: KnowledgeBase, mentions: Iterable[Mention]) -> list[Evidence]:
    """Turn parsed mentions into evidence, adding implied findings and family history.

    A past mention ("used to get cramps") is not current evidence; the parser already reads a
    past mention of a history finding ("had thyroid surgery years ago") as present.
    """
    items: list[Evidence] = []
    for mention in mentions:
        finding = kb.finding_by_id[mention.finding_id]
        polarity = mention.polarity
        if polarity is Polarity.PRESENT:
            items.append(Evidence(finding.id, Status.PRESENT, Origin.TEXT, text=mention.text))
            items.extend(
                Evidence(implied, Status.PRESENT, Origin.TEXT, text=mention.text)
                for implied in finding.implies
            )
        elif polarity is Polarity.ABSENT:
            items.append(Evidence(finding.id, Status.ABSENT, Origin.TEXT, text=mention.text))
        elif polarity is Polarity.POSSIBLE:
            items.append(
                Evidence(finding.id, Status.UNKNOWN, Origin.TEXT, possible=True, text=mention.text)
            )
        elif polarity is Polarity.FAMILY and FAMILY_HISTORY in kb.finding_by_id:
            items.append(Evidence(FAMILY_HISTORY, Status.PRESENT, Origin.TEXT, text=mention.text))
    return items
