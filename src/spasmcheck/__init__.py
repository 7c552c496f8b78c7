"""spasmcheck: decision support for muscle spasms. Not a diagnosis.

>>> from spasmcheck import assess
>>> result = assess("my calves cramp at night", age=60)  # doctest: +SKIP
"""

from spasmcheck._version import __version__
from spasmcheck.knowledge.loader import KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Assessment, Engine, InputError, RankedCondition, assess
from spasmcheck.reasoning.evidence import Evidence, Origin, Status

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
