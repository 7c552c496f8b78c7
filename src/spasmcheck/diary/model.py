"""The diary's domain object: one logged spasm episode, and its closed vocabularies.

:class:`Episode` is shared by storage, the HTTP API and the summary (docs/plan contract,
issue 4). It is frozen and validated: every field is bounded, unknown fields are refused, and
body locations must be finding ids of kind ``location`` of the knowledge base given in the
validation context (:func:`episode_context`), so the diary speaks the same vocabulary as the
engine it feeds. Every path of the app gives one: the API and the web form the app's engine's,
storage :func:`known_places` (a stored row was checked when written). Only a caller that gives
none, which is direct construction in tests and scripts, falls back to the packaged knowledge
base (:func:`location_ids`).

Times are timezone-aware and normalised to UTC; the summary converts them to the person's own
timezone when it asks "was this at night?" or "which day was this?".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from spasmcheck.knowledge.policy import PolicyError, retriage_policy
from spasmcheck.knowledge.schema import FindingKind

if TYPE_CHECKING:
    from spasmcheck.knowledge.loader import KnowledgeBase

MAX_LOCATIONS = 10
MAX_CONTEXT = 11  # every factor at most once
MAX_REMEDIES = 11  # every remedy at most once
MAX_NOTES_CHARS = 2000
MAX_MEDICINE_NAME_CHARS = 200
MAX_DURATION_SECONDS = 86_400


class EpisodeKind(StrEnum):
    """What the episode felt like."""

    CRAMP = "cramp"
    TWITCH = "twitch"
    JERK = "jerk"
    SUSTAINED_PULL = "sustained_pull"
    INTERNAL_COLICKY = "internal_colicky"


class ContextFactor(StrEnum):
    """Circumstances around an episode, logged with one tap each."""

    EXERCISE = "exercise"
    HEAT = "heat"
    CAFFEINE = "caffeine"
    ALCOHOL = "alcohol"
    POOR_SLEEP = "poor_sleep"
    STRESS = "stress"
    DEHYDRATION = "dehydration"
    NEW_MEDICINE = "new_medicine"
    CHANGED_MEDICINE = "changed_medicine"
    PERIOD = "period"
    PREGNANCY = "pregnancy"


MEDICINE_FACTORS = frozenset({ContextFactor.NEW_MEDICINE, ContextFactor.CHANGED_MEDICINE})


def name_places(text: str, names: Mapping[str, str]) -> str:
    """``text`` with each body-location id of ``names`` in words: "New body areas: loc_calf."
    becomes "New body areas: calf.". Whole ids only, so "loc_calf" is never found inside a
    longer id, and only the ids given (the diary's own places), so no ordinary word is taken
    for an id. The web's diary page and the clinician report both word the re-triage so."""
    if not names:
        return text
    ids = sorted(names, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, ids)) + r")(?![A-Za-z0-9_])"
    )
    return pattern.sub(lambda m: names[m[1]].lower(), text)


def _kind_findings() -> dict[EpisodeKind, str]:
    """Each episode kind's finding, from ``policy/retriage.yaml`` (which names every kind)."""
    table = retriage_policy().kind_findings
    kinds = {kind.value for kind in EpisodeKind}
    if set(table) != kinds:
        raise PolicyError(
            f"policy/retriage.yaml: kind_findings must name exactly the episode kinds "
            f"{sorted(kinds)}, not {sorted(table)}"
        )
    return {kind: table[kind.value] for kind in EpisodeKind}


# The knowledge-base finding that describes each kind of episode: the one map, read by the
# summary's re-triage and by the FHIR export (kb check confirms the findings exist).
KIND_FINDINGS: dict[EpisodeKind, str] = _kind_findings()


class RemedyName(StrEnum):
    """What was tried to ease the episode."""

    STRETCHING = "stretching"
    HEAT = "heat"
    COLD = "cold"
    MASSAGE = "massage"
    WALKING = "walking"
    HYDRATION = "hydration"
    ELECTROLYTE_DRINK = "electrolyte_drink"
    MAGNESIUM = "magnesium"
    REST = "rest"
    PAINKILLER = "painkiller"
    OTHER = "other"


# The validation context's key for the body locations an episode may name.
LOCATIONS_CONTEXT = "locations"


def kb_location_ids(kb: KnowledgeBase) -> frozenset[str]:
    """The finding ids of kind ``location`` in ``kb``."""
    return frozenset(f.id for f in kb.findings if f.kind is FindingKind.LOCATION)


def episode_context(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """The validation context that checks an episode's places against ``kb``:
    ``Episode.model_validate(data, context=episode_context(engine.kb))``."""
    return {LOCATIONS_CONTEXT: kb_location_ids(kb)}


def known_places(locations: Iterable[str]) -> dict[str, frozenset[str]]:
    """A validation context that takes ``locations`` as known: for places already checked
    against the app's knowledge base (a stored row, checked when it was written), or about to
    be (a request body, checked everywhere else before its route checks the places with
    :func:`episode_context`)."""
    return {LOCATIONS_CONTEXT: frozenset(locations)}


@cache
def location_ids() -> frozenset[str]:
    """The location ids of the packaged knowledge base: only for a caller that gives no
    validation context, which no path of the app is (direct construction in tests and
    scripts)."""
    from spasmcheck.knowledge.loader import load_knowledge_base

    return kb_location_ids(load_knowledge_base())


class Remedy(BaseModel):
    """One thing tried, and whether it helped (``None``: not recorded)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: RemedyName
    helped: bool | None = None


def _no_duplicates(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is listed twice")
        seen.add(value)


class Episode(BaseModel):
    """One spasm episode as the person logged it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int | None = None
    started_at: AwareDatetime
    # None: not recorded. Required all the same, so a caller says so: a form left untouched
    # must not become "5 out of 10, under a minute" (issue 14 item 12).
    duration_seconds: Annotated[int, Field(strict=True, ge=0, le=MAX_DURATION_SECONDS)] | None
    locations: Annotated[list[str], Field(min_length=1, max_length=MAX_LOCATIONS)]
    kind: EpisodeKind
    severity: Annotated[int, Field(strict=True, ge=0, le=10)] | None  # None: not recorded
    context: Annotated[list[ContextFactor], Field(max_length=MAX_CONTEXT)] = Field(
        default_factory=list
    )
    medicine_name: (
        Annotated[str, Field(min_length=1, max_length=MAX_MEDICINE_NAME_CHARS)] | None
    ) = None
    remedies: Annotated[list[Remedy], Field(max_length=MAX_REMEDIES)] = Field(default_factory=list)
    notes: Annotated[str, Field(max_length=MAX_NOTES_CHARS)] = ""

    @field_validator("medicine_name", "notes")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:  # PostgreSQL cannot store it in text
            raise ValueError("must not contain the NUL character")
        return value

    @field_validator("started_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @field_validator("locations")
    @classmethod
    def _known_locations(cls, value: list[str], info: ValidationInfo) -> list[str]:
        given = info.context.get(LOCATIONS_CONTEXT) if isinstance(info.context, dict) else None
        known = given if given is not None else location_ids()
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ValueError(
                f"unknown body location {unknown[0]!r}; use a location id such as 'loc_calf'"
            )
        _no_duplicates(value, "location")
        return value

    @field_validator("context")
    @classmethod
    def _unique_context(cls, value: list[ContextFactor]) -> list[ContextFactor]:
        _no_duplicates([v.value for v in value], "context factor")
        return value

    @field_validator("remedies")
    @classmethod
    def _unique_remedies(cls, value: list[Remedy]) -> list[Remedy]:
        _no_duplicates([r.name.value for r in value], "remedy")
        return value

    @model_validator(mode="after")
    def _medicine_name_needs_medicine_context(self) -> Episode:
        if self.medicine_name is not None and not MEDICINE_FACTORS & set(self.context):
            raise ValueError(
                "medicine_name is only for an episode with 'new_medicine' or 'changed_medicine'"
                " in its context"
            )
        return self
