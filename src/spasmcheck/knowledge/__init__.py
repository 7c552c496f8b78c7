"""Knowledge layer: the schema, the loader and the packaged YAML data."""

from spasmcheck.knowledge.loader import (
    KnowledgeBase,
    KnowledgeBaseError,
    collect,
    load_knowledge_base,
)
from spasmcheck.knowledge.schema import Condition, Finding, RedFlag, TriageLevel

__all__ = [
    "Condition",
    "Finding",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "RedFlag",
    "TriageLevel",
    "collect",
    "load_knowledge_base",
]
