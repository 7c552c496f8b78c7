"""What every export is made from: one saved assessment and the person's diary.

The storage layer and the command line build a :class:`ReportInput`; the PDF, FHIR and CSV
writers read it and nothing else, so they never touch the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from spasmcheck.diary.model import Episode


@dataclass(frozen=True)
class ReportInput:
    assessment_id: int
    created_at: datetime  # timezone-aware (UTC)
    # What the person gave: {"text": str, "age": int | None, "sex": str | None, ...}
    input: dict[str, Any]
    # The engine's answer as saved: docs/contract.md's assess object (Assessment.as_dict()).
    result: dict[str, Any]
    episodes: Sequence[Episode] = ()
    start: date | None = None  # diary range, inclusive; None: no diary section
    end: date | None = None
    timezone: str = "UTC"
    person_label: str | None = None  # only when the person adds a name; never required
    generated_at: datetime | None = None  # defaults to now (UTC)
    extra: dict[str, Any] = field(default_factory=dict)
