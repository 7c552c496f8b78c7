"""spasmcheck: decision support for muscle spasms. Not a diagnosis.

>>> from spasmcheck import assess
>>> result = assess("my calves cramp at night", age=60)  # doctest: +SKIP

The names below are imported on first use: ``import spasmcheck.cli`` (or any other module of
the package) does not load the engine, so the command line can read its build cache before the
language layer loads its data (issue 16 item 8).
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING

from spasmcheck._lazy import lazy_names as _lazy_names
from spasmcheck._version import __version__

if _TYPE_CHECKING:
    from spasmcheck.knowledge.loader import (
        KnowledgeBase,
        KnowledgeBaseError,
        load_knowledge_base,
    )
    from spasmcheck.knowledge.schema import TriageLevel
    from spasmcheck.reasoning.engine import (
        Assessment,
        Engine,
        InputError,
        RankedCondition,
        assess,
    )
    from spasmcheck.reasoning.evidence import Evidence, Origin, Status

_HOMES = {
    "Assessment": "spasmcheck.reasoning.engine",
    "Engine": "spasmcheck.reasoning.engine",
    "Evidence": "spasmcheck.reasoning.evidence",
    "InputError": "spasmcheck.reasoning.errors",
    "KnowledgeBase": "spasmcheck.knowledge.loader",
    "KnowledgeBaseError": "spasmcheck.knowledge.loader",
    "Origin": "spasmcheck.reasoning.evidence",
    "RankedCondition": "spasmcheck.reasoning.engine",
    "Status": "spasmcheck.reasoning.evidence",
    "TriageLevel": "spasmcheck.knowledge.schema",
    "assess": "spasmcheck.reasoning.engine",
    "load_knowledge_base": "spasmcheck.knowledge.loader",
}

__all__ = [
    "Assessment",
    "Engine",
    "Evidence",
    "InputError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Origin",
    "RankedCondition",
    "Status",
    "TriageLevel",
    "__version__",
    "assess",
    "load_knowledge_base",
]


__getattr__, __dir__ = _lazy_names("spasmcheck", globals(), _HOMES, __all__)
