"""The shapes of accounts, the diary, saved assessments and export, shared by the API and web.

``XCreate`` is what a client (or a web form) sends to make an X, ``XUpdate`` a partial change
(every field optional), ``XPublic`` what the API answers and the web's export downloads.
Everything a client sends is strict (unknown keys are errors) and bounded (string lengths, list
lengths, integer and date ranges), so no input can reach storage in a shape it cannot hold.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from spasmcheck.diary.model import (
    MAX_CONTEXT,
    MAX_DURATION_SECONDS,
    MAX_LOCATIONS,
    MAX_MEDICINE_NAME_CHARS,
    MAX_NOTES_CHARS,
    MAX_REMEDIES,
    ContextFactor,
    Episode,
    EpisodeKind,
    Remedy,
    episode_context,
    known_places,
)
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic
from spasmcheck.storage.models import Assessment as SavedAssessment

if TYPE_CHECKING:
    from spasmcheck.knowledge.loader import KnowledgeBase

# email-validator is not a dependency: a deliberately plain shape check, then lower case.
EMAIL_PATTERN = re.compile(r"^[^@\s\x00-\x1f]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
PASSWORD_MIN = 12  # OWASP ASVS 4.0 2.1.1
PASSWORD_MAX = 256
FIRST_YEAR = 1900
LAST_YEAR = 2200
MAX_ID = 2_147_483_647  # the id columns are 32-bit on PostgreSQL
MAX_TEXT = 5000  # characters of a description, in the API and the web form alike


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


# Zero-width characters, the byte-order mark and the bidi controls: invisible, so an address
# with them looks like another one (issue 15).
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _email(value: str) -> str:
    """The address as one spelling: NFKC (full-width and compatibility letters become plain
    ones), invisible characters removed, surrounding spaces stripped, lower case."""
    value = INVISIBLE.sub("", unicodedata.normalize("NFKC", value)).strip()
    if not EMAIL_PATTERN.match(value):
        raise ValueError("not an email address")
    return value.lower()


def _timezone(value: str) -> str:
    if value not in _timezones():
        raise ValueError("not an IANA timezone such as 'Europe/London' or 'UTC'")
    return value


def no_nul(value: str) -> str:
    """Refuse the NUL character: PostgreSQL cannot store it in text (a 500 there, issue 15),
    and no description, note or name needs it. Every stored text type carries this check."""
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


def _sane_moment(value: datetime) -> datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return value


def _sane_day(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return value


Email = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(_email)]
Password = Annotated[str, Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)]
Timezone = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_timezone)]
Moment = Annotated[AwareDatetime, AfterValidator(_sane_moment)]
Day = Annotated[date, AfterValidator(_sane_day)]
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
LocationId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
MedicineName = Annotated[
    str, Field(min_length=1, max_length=MAX_MEDICINE_NAME_CHARS), AfterValidator(no_nul)
]
Duration = Annotated[int, Field(ge=0, le=MAX_DURATION_SECONDS)]
Severity = Annotated[int, Field(ge=0, le=10)]
Locations = Annotated[list[LocationId], Field(min_length=1, max_length=MAX_LOCATIONS)]
Context = Annotated[list[ContextFactor], Field(max_length=MAX_CONTEXT)]
Remedies = Annotated[list[Remedy], Field(max_length=MAX_REMEDIES)]
Notes = Annotated[str, Field(max_length=MAX_NOTES_CHARS), AfterValidator(no_nul)]


def episode_problem(error: ValidationError) -> str:
    """A one-line message for the first problem the diary's Episode found."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


# -- accounts --------------------------------------------------------------------------------
class AccountCreate(_Strict):
    email: Email
    password: Password
    timezone: Timezone = "UTC"


class EraseRequest(_Strict):
    """Erasing an account asks for its password again, as the web form does."""

    password: Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX)]


class LoginRequest(_Strict):
    email: Email
    password: Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX)]


class AccountPublic(BaseModel):
    id: int
    email: str
    timezone: str
    created_at: datetime


# -- episodes ------------------------------------------------------------------------------------
class EpisodeCreate(_Strict):
    """One episode as logged: only when, how long, where, what kind and how bad are required
    (how long and how bad may be null: not recorded, never a default the person did not
    give).

    Parsing checks everything but whether the places are the knowledge base's: a request model
    has no engine at hand, so :meth:`to_episode` checks them against the one the caller gives.
    """

    started_at: Moment
    duration_seconds: Duration | None
    locations: Locations
    kind: EpisodeKind
    severity: Severity | None
    context: Context = []
    medicine_name: MedicineName | None = None
    remedies: Remedies = []
    notes: Notes = ""

    @model_validator(mode="after")
    def _is_an_episode(self) -> EpisodeCreate:
        self._episode(None, known_places(self.locations))
        return self

    def to_episode(self, kb: KnowledgeBase, episode_id: int | None = None) -> Episode:
        """The episode, its places checked against ``kb`` (ValueError if not)."""
        return self._episode(episode_id, episode_context(kb))

    def _episode(self, episode_id: int | None, context: dict[str, frozenset[str]]) -> Episode:
        try:
            return Episode.model_validate({"id": episode_id, **self.model_dump()}, context=context)
        except ValidationError as error:
            raise ValueError(episode_problem(error)) from error


NULLABLE = frozenset({"medicine_name", "duration_seconds", "severity"})


class EpisodeUpdate(_Strict):
    """A partial change: the fields sent replace the stored ones (``medicine_name`` may be
    null to clear it, ``duration_seconds`` and ``severity`` null for "not recorded"; the other
    fields may not)."""

    started_at: Moment | None = None
    duration_seconds: Duration | None = None
    locations: Locations | None = None
    kind: EpisodeKind | None = None
    severity: Severity | None = None
    context: Context | None = None
    medicine_name: MedicineName | None = None
    remedies: Remedies | None = None
    notes: Notes | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> EpisodeUpdate:
        for name in self.model_fields_set - NULLABLE:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def apply(self, episode: Episode, kb: KnowledgeBase) -> Episode:
        """``episode`` with these changes, validated again as a whole, its places against
        ``kb`` (ValueError if not)."""
        data = episode.model_dump()
        data.update(self.model_dump(include=self.model_fields_set))
        try:
            return Episode.model_validate(data, context=episode_context(kb))
        except ValidationError as error:
            raise ValueError(episode_problem(error)) from error


class EpisodePublic(BaseModel):
    id: int
    started_at: datetime
    duration_seconds: int | None  # None: not recorded
    locations: list[str]
    kind: EpisodeKind
    severity: int | None  # None: not recorded
    context: list[ContextFactor]
    medicine_name: str | None
    remedies: list[Remedy]
    notes: str

    @classmethod
    def of(cls, episode: Episode) -> EpisodePublic:
        return cls.model_validate(episode.model_dump())


class EpisodeList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EpisodePublic]


# -- saved assessments --------------------------------------------------------------------------
class SavedAssessmentPublic(BaseModel):
    """A saved assessment: what was asked and the engine's result, both typed.

    The stored result carries its ``schema_version`` (:class:`StoredAssessment`; migrations
    bring older rows to it); the answer leaves it out, as the client has no use for it.
    """

    id: int
    created_at: datetime
    input: AssessmentInput
    result: AssessmentPublic

    @classmethod
    def of(cls, row: SavedAssessment) -> SavedAssessmentPublic:
        return cls(
            id=row.id,
            created_at=row.created_at,
            input=AssessmentInput.model_validate(row.input),
            # a plain AssessmentPublic: the stored schema_version is not the client's business
            result=AssessmentPublic.model_validate(row.result),
        )


class AssessmentList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[SavedAssessmentPublic]


# -- export ----------------------------------------------------------------------------------------
class ExportPublic(BaseModel):
    """Everything stored about the account (no password hash, no tokens)."""

    exported_at: datetime
    account: AccountPublic
    episodes: list[EpisodePublic]
    assessments: list[SavedAssessmentPublic]
