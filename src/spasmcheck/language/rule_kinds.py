"""The closed vocabularies of a ConText rule (``data/context_rules.yaml``): its category and
its direction. Kept apart from :mod:`spasmcheck.language.context` so that the files' models
(:mod:`spasmcheck.language.schema`, imported only to validate) can name them without
importing the context analyser, which reads the word lists at import."""

from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"
    BIDIRECTIONAL = "bidirectional"
    PSEUDO = "pseudo"
    TERMINATE = "terminate"


class RuleCategory(StrEnum):
    NEGATED = "negated"
    POSSIBLE = "possible"
    HISTORICAL = "historical"
    HYPOTHETICAL = "hypothetical"
    FAMILY = "family"
