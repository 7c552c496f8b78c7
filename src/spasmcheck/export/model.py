"""What every export is made from: one saved assessment and the person's diary.

The storage layer and the command line build a :class:`ReportInput`; the PDF, FHIR and CSV
writers read it and nothing else, so they never touch the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeAlias

from spasmcheck.diary.model import Episode
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic

# A JSON document as the FHIR export builds it: FHIR's resources are JSON by definition (and
# validated against fhir.resources' models before they leave), so they are typed as JSON, not
# as Any. Read-only containers, so a list of objects is a JSON value too.
JsonValue: TypeAlias = (
    "str | int | float | bool | Sequence[JsonValue] | Mapping[str, JsonValue] | None"
)
JsonObject: TypeAlias = dict[str, JsonValue]


@dataclass(frozen=True)
class ReportInput:
    assessment_id: int
    created_at: datetime  # timezone-aware (UTC)
    # What the person gave: the description, age, sex and the answers.
    input: AssessmentInput
    # The engine's answer as saved: docs/contract.md's assess object.
    result: AssessmentPublic
    episodes: Sequence[Episode] = ()
    start: date | None = None  # diary range, inclusive; None: no diary section
    end: date | None = None
    timezone: str = "UTC"
    diary_began: date | None = None  # the local day the diary was started (weeks before: unknown)
    person_label: str | None = None  # only when the person adds a name; never required
    generated_at: datetime | None = None  # defaults to now (UTC)
