"""The diary pages: log an episode in a few taps, see the list, the patterns and the charts.

``GET /diary`` summarises the last 4, 8, 12 or 26 weeks in the person's own timezone: whole
Monday-to-Sunday weeks ending with the current one (still running, so its counts are "so
far"), which gives one bar per week. The summary and its re-triage come from
:func:`spasmcheck.diary.summary.summarise` with the same engine as the interview; when a
saved check exists, its age and sex go in too, so the re-triage speaks about the same person.

The episode form needs no JavaScript: every control is a real input, the body map's regions
mirror checkboxes, and the time defaults to now in the person's timezone. Nothing else is
preset (issue 14 item 12): a severity or duration left untouched is saved as "not recorded",
never as a number the person did not choose. "It's happening now" starts a timer: the start
time goes into a signed, HTTP-only cookie of the account, and "Stop" fills in the start and
the measured length (the script only shows the time running). Everything posted
is read as text and checked here against the diary's closed vocabularies before the
:class:`~spasmcheck.diary.model.Episode` validates it again, so a bad value comes back as the
form with a message in plain words (status 422), never a traceback. Episode ids outside the
id range, or someone else's, are a 404 page: the diary never says whether an id exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from spasmcheck.config import Settings
from spasmcheck.diary.model import (
    MAX_DURATION_SECONDS,
    MAX_MEDICINE_NAME_CHARS,
    MAX_NOTES_CHARS,
    MEDICINE_FACTORS,
    ContextFactor,
    Episode,
    EpisodeKind,
    Remedy,
    RemedyName,
    episode_context,
    kb_location_ids,
    name_places,
)
from spasmcheck.diary.summary import (
    NIGHT_END_HOUR,
    NIGHT_START_HOUR,
    DiarySummary,
    Direction,
    summarise,
)
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.reasoning.engine import Engine, InputError
from spasmcheck.services import assessments, diary
from spasmcheck.services.deps import EngineDep, SessionDep
from spasmcheck.services.errors import NotFound
from spasmcheck.services.schemas import FIRST_YEAR, LAST_YEAR, MAX_ID
from spasmcheck.storage import repository
from spasmcheck.storage.models import User
from spasmcheck.web import charts
from spasmcheck.web.bodymap import location_options
from spasmcheck.web.errors import PageError, WebRoute
from spasmcheck.web.session import form_user, require_user
from spasmcheck.web.templating import render

router = APIRouter(include_in_schema=False, route_class=WebRoute)

WEEK_CHOICES = (4, 8, 12, 26)
DEFAULT_WEEKS = 8
ALL_WEEKS = "all"  # ?weeks=all: back to the oldest episode (issue 14 item 11)
MAX_ALL_WEEKS = 520  # ten years of weekly bars; older entries stay in the list's count
EPISODES_SHOWN = 60  # the list stays quick to scroll on a phone; the CSV has every episode
FUTURE_SLACK = timedelta(minutes=10)  # a phone's clock may run a little ahead
NOT_FOUND = "There is no such episode in your diary."
NOTICES = {  # ?done=... after a change, shown once on the diary page
    "saved": "Episode saved.",
    "updated": "Episode updated.",
    "deleted": "Episode deleted.",
}

KIND_LABELS: dict[EpisodeKind, tuple[str, str]] = {
    EpisodeKind.CRAMP: ("Cramp", "a hard, painful tightening of a muscle"),
    EpisodeKind.TWITCH: ("Twitch", "a small flicker under the skin"),
    EpisodeKind.JERK: ("Jerk", "a sudden jump you cannot stop"),
    EpisodeKind.SUSTAINED_PULL: ("Pulling or twisting", "holds a body part in a position"),
    EpisodeKind.INTERNAL_COLICKY: ("Cramping pain inside", "in the belly or pelvis, in waves"),
}
CONTEXT_LABELS: dict[ContextFactor, str] = {
    ContextFactor.EXERCISE: "Exercise",
    ContextFactor.HEAT: "Hot weather",
    ContextFactor.CAFFEINE: "Coffee or caffeine",
    ContextFactor.ALCOHOL: "Alcohol",
    ContextFactor.POOR_SLEEP: "Poor sleep",
    ContextFactor.STRESS: "Stress",
    ContextFactor.DEHYDRATION: "Not drinking enough",
    ContextFactor.NEW_MEDICINE: "New medicine",
    ContextFactor.CHANGED_MEDICINE: "Changed medicine",
    ContextFactor.PERIOD: "Period",
    ContextFactor.PREGNANCY: "Pregnant",
}
REMEDY_LABELS: dict[RemedyName, str] = {
    RemedyName.STRETCHING: "Stretching",
    RemedyName.HEAT: "Heat",
    RemedyName.COLD: "Cold",
    RemedyName.MASSAGE: "Massage",
    RemedyName.WALKING: "Walking about",
    RemedyName.HYDRATION: "Drinking water",
    RemedyName.ELECTROLYTE_DRINK: "Electrolyte drink",
    RemedyName.MAGNESIUM: "Magnesium",
    RemedyName.REST: "Rest",
    RemedyName.PAINKILLER: "Painkiller",
    RemedyName.OTHER: "Something else",
}
# The duration choices: the value stored for each is a typical length inside its band, and
# ``duration_words`` maps any stored value back to the band, so the list reads the same.
DURATIONS: tuple[tuple[int, str], ...] = (
    (5, "Under 10 seconds"),
    (30, "Under a minute"),
    (180, "A few minutes"),
    (600, "10 minutes or more"),
    (3600, "An hour or more"),
)
SEVERITIES = tuple(range(11))
NOT_RECORDED = "not recorded"


def duration_words(seconds: int | None) -> str:
    if seconds is None:
        return f"duration {NOT_RECORDED}"
    if seconds < 10:
        return "under 10 seconds"
    if seconds < 60:
        return "under a minute"
    if seconds < 600:
        return "a few minutes"
    if seconds < 3600:
        return "10 minutes or more"
    return "an hour or more"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _parse_id(value: str) -> int:
    """A path id, or a 404 page: only plain digits within the id columns' range."""
    if not (value.isascii() and value.isdigit() and len(value) <= 10):
        raise PageError(404, NOT_FOUND)
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise PageError(404, NOT_FOUND)
    return number


def _zone(user: User) -> ZoneInfo:
    return ZoneInfo(user.timezone)


def _names(engine: Engine) -> dict[str, str]:
    """Plain names for every id the diary shows: body areas, circumstances, remedies."""
    names: dict[str, str] = {f.id: f.name for f in engine.kb.findings}
    names.update({k.value: v for k, v in CONTEXT_LABELS.items()})
    return names


def _remedy_names() -> dict[str, str]:
    return {k.value: v for k, v in REMEDY_LABELS.items()}


# -- the form ------------------------------------------------------------------------------------
class EpisodeForm(BaseModel):
    """The episode form as posted: all text, so that nothing is refused before it is read."""

    model_config = ConfigDict(extra="ignore")

    csrf_token: str = ""
    locations: list[str] = Field(default_factory=list)
    kind: str = ""
    severity: str = ""  # "": not recorded
    duration_seconds: str = ""  # "": not recorded
    started_at: str = ""
    context: list[str] = Field(default_factory=list)
    helped: list[str] = Field(default_factory=list)
    tried: list[str] = Field(default_factory=list)
    unsure: list[str] = Field(default_factory=list)
    medicine_name: str = ""
    notes: str = ""
    date_confirmed: str = ""  # "yes": a start more than a year ago is meant (not a typo)
    timer: str = ""  # "stop": the timer's button, which does not save

    @classmethod
    def of(cls, episode: Episode, zone: ZoneInfo) -> EpisodeForm:
        return cls(
            date_confirmed="yes",  # saved before: its date was accepted then
            locations=list(episode.locations),
            kind=episode.kind.value,
            severity="" if episode.severity is None else str(episode.severity),
            duration_seconds=(
                "" if episode.duration_seconds is None else str(episode.duration_seconds)
            ),
            started_at=_local_input(episode.started_at.astimezone(zone)),
            context=[c.value for c in episode.context],
            helped=[r.name.value for r in episode.remedies if r.helped is True],
            tried=[r.name.value for r in episode.remedies if r.helped is False],
            unsure=[r.name.value for r in episode.remedies if r.helped is None],
            medicine_name=episode.medicine_name or "",
            notes=episode.notes,
        )


FUTURE = "That time is in the future. Enter when the episode started."
# A start this long ago is more often a slip of the year than a memory: asked once to confirm.
PLAUSIBLE_PAST = timedelta(days=366)
OLD_DATE = "That is more than a year ago ({day})."
# The database cannot store the NUL character (PostgreSQL); the API refuses it too.
NUL_PROBLEM = "Remove the invisible control character (NUL) from this text."


def _local_input(moment: datetime) -> str:
    """The value of a ``datetime-local`` input: local wall-clock time to the minute."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def _started_at(value: str, zone: ZoneInfo, now: datetime) -> datetime | str:
    """The moment typed in the person's timezone, or the problem with it in words."""
    try:
        local = datetime.fromisoformat(value.strip())
    except ValueError:
        return "Enter the date and time it started, for example 2025-03-14 21:30."
    # Checked before the conversion to UTC, which overflows at the calendar's edges (year
    # 9999 west of UTC, year 1 east of it); the API's schemas hold the same bounds.
    if local.year < FIRST_YEAR:
        return f"Enter a date after {FIRST_YEAR}."
    if local.year > LAST_YEAR:
        return FUTURE
    moment = (local if local.tzinfo else local.replace(tzinfo=zone)).astimezone(UTC)
    if moment > now + FUTURE_SLACK:
        return FUTURE
    return moment


def _closed(values: list[str], allowed: set[str]) -> list[str] | None:
    """The values in first-seen order without repeats, or None if any is not allowed."""
    if any(v not in allowed for v in values):
        return None
    return list(dict.fromkeys(values))


def parse_episode(
    form: EpisodeForm,
    zone: ZoneInfo,
    now: datetime,
    episode_id: int | None = None,
    *,
    kb: KnowledgeBase,
) -> tuple[Episode | None, dict[str, str]]:
    """The episode the form describes, or the problems field by field, in plain words; its
    places are those of ``kb``, the engine's knowledge base."""
    errors: dict[str, str] = {}
    locations = _closed(form.locations, set(kb_location_ids(kb)))
    if not form.locations:
        errors["locations"] = "Choose where you felt it."
    elif locations is None:
        errors["locations"] = "Choose where you felt it from the list."

    if form.kind not in {k.value for k in EpisodeKind}:
        errors["kind"] = "Choose what it felt like."

    text = form.severity.strip()
    severity = None if not text else int(text) if text.isdigit() and len(text) <= 2 else -1
    if severity is not None and not 0 <= severity <= 10:
        errors["severity"] = "Choose how strong it was, from 0 to 10, or leave it out."

    text = form.duration_seconds.strip()
    duration = None if not text else int(text) if text.isdigit() and len(text) <= 6 else -1
    if duration is not None and not 0 <= duration <= MAX_DURATION_SECONDS:
        errors["duration_seconds"] = "Choose how long it lasted, or leave it out."

    started = _started_at(form.started_at, zone, now)
    if isinstance(started, str):
        errors["started_at"] = started
    elif now - started > PLAUSIBLE_PAST and form.date_confirmed != "yes":
        day = started.astimezone(zone).strftime("%d %B %Y")
        errors["started_at"] = (
            OLD_DATE.format(day=day) + " Check the year, or tick “Yes, this date is right”."
        )

    context = _closed(form.context, {c.value for c in ContextFactor})
    if context is None:
        errors["context"] = "Choose what was going on from the list."

    remedy_values = {r.value for r in RemedyName}
    outcomes: dict[str, bool | None] = {}
    for values, outcome in ((form.helped, True), (form.tried, False), (form.unsure, None)):
        for value in values:
            if value not in remedy_values:
                errors["remedies"] = "Choose what you tried from the list."
            elif value in outcomes and outcomes[value] is not outcome:
                name = REMEDY_LABELS[RemedyName(value)]
                errors["remedies"] = f"{name} is marked in more than one way. Choose one."
            else:
                outcomes[value] = outcome

    medicine = form.medicine_name.strip() or None
    if medicine is not None:
        if len(medicine) > MAX_MEDICINE_NAME_CHARS:
            errors["medicine_name"] = (
                f"Shorten the medicine name to {MAX_MEDICINE_NAME_CHARS} characters."
            )
        elif "\x00" in medicine:
            errors["medicine_name"] = NUL_PROBLEM
        elif context is not None and not MEDICINE_FACTORS & set(context):
            errors["medicine_name"] = (
                "Tick “New medicine” or “Changed medicine” as well, or leave the name empty."
            )
    if len(form.notes) > MAX_NOTES_CHARS:
        errors["notes"] = f"Shorten the notes to {MAX_NOTES_CHARS} characters."
    elif "\x00" in form.notes:
        errors["notes"] = NUL_PROBLEM

    if errors:
        return None, errors
    try:
        episode = Episode.model_validate(
            {
                "id": episode_id,
                "started_at": started,
                "duration_seconds": duration,
                "locations": locations,
                "kind": form.kind,
                "severity": severity,
                "context": context,
                "medicine_name": medicine,
                "remedies": [
                    Remedy(name=RemedyName(name), helped=helped)
                    for name, helped in outcomes.items()
                ],
                "notes": form.notes,
            },
            context=episode_context(kb),
        )
    except ValidationError as error:  # the checks above should leave nothing for the model
        field = str(error.errors()[0].get("loc", ("form",))[0])
        return None, {field: "Please check this answer."}
    return episode, {}


FIELD_ORDER = (
    "locations",
    "kind",
    "severity",
    "started_at",
    "duration_seconds",
    "context",
    "remedies",
    "medicine_name",
    "notes",
)


def _duration_options(current: str) -> list[tuple[str, str]]:
    options = [("", "Not recorded"), *((str(seconds), label) for seconds, label in DURATIONS)]
    if current not in {value for value, _ in options} and current.isdigit():
        # Logged elsewhere (the API) with an exact length: keep it unless changed.
        seconds = int(current)
        minutes, rest = divmod(seconds, 60)
        exact = f"{minutes} min {rest} s" if minutes else f"{rest} seconds"
        options.insert(0, (current, f"As logged: {exact}"))
    return options


def _form_page(
    request: Request,
    engine: Engine,
    user: User,
    form: EpisodeForm,
    *,
    episode_id: int | None,
    errors: dict[str, str] | None = None,
    timer: datetime | None = None,
    notice: str = "",
    status_code: int | None = None,
) -> Response:
    errors = errors or {}
    ordered = [(name, errors[name]) for name in FIELD_ORDER if name in errors]
    ordered += [(name, text) for name, text in errors.items() if name not in FIELD_ORDER]
    now = datetime.now(_zone(user))
    context: dict[str, Any] = {
        "nav": "diary",
        "confirm_date": errors.get("started_at", "").startswith(OLD_DATE.split("(")[0]),
        "form": form,
        "episode_id": episode_id,
        "action": f"/diary/{episode_id}/edit" if episode_id else "/diary/new",
        "errors": errors,
        "error_list": ordered,
        "location_options": location_options(engine.kb),
        "kinds": [(k.value, *KIND_LABELS[k]) for k in EpisodeKind],
        "contexts": [(c.value, CONTEXT_LABELS[c]) for c in ContextFactor],
        "medicine_factors": sorted(f.value for f in MEDICINE_FACTORS),
        "remedies": [(r.value, REMEDY_LABELS[r]) for r in RemedyName],
        "durations": _duration_options(form.duration_seconds),
        "severities": [str(n) for n in SEVERITIES],
        "timer_since": _local_input(timer.astimezone(_zone(user))) if timer else "",
        "timer_since_words": f"{timer.astimezone(_zone(user)):%H:%M}" if timer else "",
        "timer_epoch_ms": int(timer.timestamp() * 1000) if timer else 0,
        "notice": notice,
        "max_started_at": _local_input(now + FUTURE_SLACK),
        "timezone": user.timezone,
        "max_notes": MAX_NOTES_CHARS,
        "max_medicine": MAX_MEDICINE_NAME_CHARS,
    }
    status = status_code if status_code is not None else 422 if errors else 200
    return render(request, "diary_form.html", context, status_code=status)


def _after_save(episode: Episode, zone: ZoneInfo, done: str) -> RedirectResponse:
    """Back to the diary, over a range long enough to show the episode just saved."""
    query = {"done": done}
    day = episode.started_at.astimezone(zone).date()
    today = datetime.now(zone).date()
    weeks = next((w for w in WEEK_CHOICES if range_for(today, w)[0] <= day), None)
    if range_for(today, DEFAULT_WEEKS)[0] > day:
        # older than every listed range: the whole diary, so it never "saves" out of sight
        query["weeks"] = str(weeks) if weeks is not None else ALL_WEEKS
    return RedirectResponse(f"/diary?{urlencode(query)}", status_code=303)


def _own_episode(session: Session, user: User, episode_id: int) -> Episode:
    """One of ``user``'s episodes, or the diary's 404 page (whoever else's it may be)."""
    try:
        return diary.get_episode(session, user=user, episode_id=episode_id)
    except NotFound as error:
        raise PageError(404, NOT_FOUND) from error


# -- "it is happening now": the timer ----------------------------------------------------------
TIMER_COOKIE = "spasmcheck_diary_timer"
TIMER_NOT_RUNNING = "The timer was not running (or ran for more than a day). Start it again."


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _timer_serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="spasmcheck.diary-timer")


def running_timer(request: Request, user: User, now: datetime) -> datetime | None:
    """When this account's timer was started in this browser, or None: no cookie, a forged or
    another account's one, or one older than the longest episode the diary keeps."""
    cookie = request.cookies.get(TIMER_COOKIE)
    if not cookie:
        return None
    try:
        data = _timer_serializer(_settings(request)).loads(cookie, max_age=MAX_DURATION_SECONDS)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != user.id:
        return None
    try:
        started = datetime.fromisoformat(str(data.get("start")))
    except ValueError:
        return None
    if started.tzinfo is None or started > now:
        return None
    return started.astimezone(UTC)


def _timer_cookie(response: Response, request: Request, value: str | None) -> Response:
    if value is None:
        response.delete_cookie(TIMER_COOKIE, path="/diary")
        return response
    settings = _settings(request)
    response.set_cookie(
        TIMER_COOKIE,
        value,
        max_age=MAX_DURATION_SECONDS,
        httponly=True,
        secure=settings.https,
        samesite="lax",
        path="/diary",
    )
    return response


@router.post("/diary/timer")
def start_timer(
    request: Request, session: SessionDep, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """Start the timer now, and back to the form, which shows it running."""
    user = form_user(request, session, csrf_token)
    now = datetime.now(UTC)
    value = _timer_serializer(_settings(request)).dumps({"user": user.id, "start": now.isoformat()})
    return _timer_cookie(RedirectResponse("/diary/new", status_code=303), request, value)


def _stop_timer(
    request: Request, engine: Engine, user: User, form: EpisodeForm, now: datetime
) -> Response:
    """The form with its start and measured length (to the second) set from the timer, which
    ends. It does not save: the person still says where it was and what it felt like."""
    zone = _zone(user)
    started = running_timer(request, user, now)
    if started is None:
        return _form_page(
            request, engine, user, form, episode_id=None, errors={"timer": TIMER_NOT_RUNNING}
        )
    seconds = min(int((now - started).total_seconds()), MAX_DURATION_SECONDS)
    form = form.model_copy(
        update={
            "started_at": _local_input(started.astimezone(zone)),
            "duration_seconds": str(seconds),
        }
    )
    page = _form_page(
        request,
        engine,
        user,
        form,
        episode_id=None,
        notice=f"It lasted {_exact(seconds)}. Say where it was and what it felt like, then save.",
    )
    return _timer_cookie(page, request, None)


def _exact(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {rest} s" if minutes else f"{rest} seconds"


@router.get("/diary/new")
def new_episode_page(request: Request, session: SessionDep, engine: EngineDep) -> Response:
    user = require_user(request, session)
    now = datetime.now(UTC)
    timer = running_timer(request, user, now)
    form = EpisodeForm(started_at=_local_input((timer or now).astimezone(_zone(user))))
    return _form_page(request, engine, user, form, episode_id=None, timer=timer)


@router.post("/diary/new")
def new_episode(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    form: Annotated[EpisodeForm, Form()],
) -> Response:
    user = form_user(request, session, form.csrf_token)
    zone = _zone(user)
    now = datetime.now(UTC)
    if form.timer == "stop":
        return _stop_timer(request, engine, user, form, now)
    episode, errors = parse_episode(form, zone, now, kb=engine.kb)
    if episode is None:
        timer = running_timer(request, user, now)
        return _form_page(request, engine, user, form, episode_id=None, errors=errors, timer=timer)
    diary.add_episode(session, user=user, episode=episode)
    saved = _after_save(episode, zone, "saved")
    if TIMER_COOKIE in request.cookies:  # the episode it timed is logged now
        _timer_cookie(saved, request, None)
    return saved


@router.get("/diary/{episode_id}/edit")
def edit_episode_page(
    episode_id: str, request: Request, session: SessionDep, engine: EngineDep
) -> Response:
    user = require_user(request, session)
    episode = _own_episode(session, user, _parse_id(episode_id))
    form = EpisodeForm.of(episode, _zone(user))
    return _form_page(request, engine, user, form, episode_id=episode.id)


@router.post("/diary/{episode_id}/edit")
def edit_episode(
    episode_id: str,
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    form: Annotated[EpisodeForm, Form()],
) -> Response:
    user = form_user(request, session, form.csrf_token)
    number = _parse_id(episode_id)
    _own_episode(session, user, number)
    zone = _zone(user)
    episode, errors = parse_episode(form, zone, datetime.now(UTC), number, kb=engine.kb)
    if episode is None:
        return _form_page(request, engine, user, form, episode_id=number, errors=errors)
    try:
        diary.replace_episode(session, user=user, episode=episode)
    except NotFound as error:  # deleted meanwhile, in another tab
        raise PageError(404, NOT_FOUND) from error
    return _after_save(episode, zone, "updated")


@router.post("/diary/{episode_id}/delete")
def delete_episode(
    episode_id: str,
    request: Request,
    session: SessionDep,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    user = form_user(request, session, csrf_token)
    try:
        diary.delete_episode(session, user=user, episode_id=_parse_id(episode_id))
    except NotFound as error:
        raise PageError(404, NOT_FOUND) from error
    return RedirectResponse("/diary?done=deleted", status_code=303)


# -- the diary page ------------------------------------------------------------------------------
def range_for(today: date, weeks: int) -> tuple[date, date]:
    """``weeks`` whole weeks from a Monday, the last one being the current (running) week."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=weeks - 1), today


@dataclass(frozen=True)
class EpisodeView:
    """One line of the episode list, in the person's local time and plain words."""

    id: int
    when: str
    iso: str
    kind: str
    severity: str  # "7/10", or "not recorded"
    places: str
    duration: str
    context: str
    remedies: str
    notes: str


def _episode_view(episode: Episode, zone: ZoneInfo, names: dict[str, str]) -> EpisodeView:
    local = episode.started_at.astimezone(zone)
    remedies = [
        REMEDY_LABELS[r.name] + {True: " (helped)", False: " (did not help)", None: ""}[r.helped]
        for r in episode.remedies
    ]
    context = [CONTEXT_LABELS[c] for c in episode.context]
    if episode.medicine_name:
        context.append(f"medicine: {episode.medicine_name}")
    return EpisodeView(
        id=episode.id or 0,
        when=f"{local:%a} {local.day} {local:%b %Y, %H:%M}",
        iso=local.isoformat(timespec="minutes"),
        kind=KIND_LABELS[episode.kind][0],
        severity=NOT_RECORDED if episode.severity is None else f"{episode.severity}/10",
        places=", ".join(names.get(loc, loc) for loc in episode.locations),
        duration=duration_words(episode.duration_seconds),
        context=", ".join(context),
        remedies=", ".join(remedies),
        notes=episode.notes,
    )


@dataclass(frozen=True)
class RetriageView:
    """The re-triage message: a banner when the pattern needs a doctor, else a calm line."""

    needs_doctor: bool
    level: str
    label: str
    action: str
    patterns: list[str]
    reasons: list[str]


# A pattern's statistics in brackets ("(about 1.31 times as many each week, p = 0.012)"):
# for the clinician's report, not for the person (issue 14 item 14).
STATISTICS = re.compile(r"\s*\([^()]*\bp\s*[=<][^()]*\)")
REAL_CHANGE = " — likely a real change, not chance"


def plain_words(reason: str) -> str:
    """A diary pattern for the person: its test statistics replaced by what they mean (a
    pattern with statistics is only reported when its test says it is unlikely to be chance)."""
    return STATISTICS.sub(REAL_CHANGE, reason)


def _retriage(summary: DiarySummary, names: dict[str, str]) -> RetriageView | None:
    r = summary.retriage
    if not summary.episodes or r.level is None:
        return None
    places = {loc: names.get(loc, loc) for loc in summary.body_areas.counts}
    return RetriageView(
        needs_doctor=r.level != "self_care",
        level=r.level,
        label=r.label or "",
        action=r.action or "",
        patterns=[name_places(plain_words(p.reason), places) for p in r.patterns],
        reasons=list(r.reasons),
    )


def summary_lines(summary: DiarySummary, names: dict[str, str]) -> list[str]:
    """The summary in plain words, one sentence (or two) per finding."""
    n = summary.episodes
    lines = [
        f"{_plural(n, 'episode')} from {_day(summary.start)} to {_day(summary.end)}:"
        f" about {n / summary.days * 7:.1f} a week,"
        f" in {summary.persistence.weeks_with_episodes} of {summary.persistence.weeks} weeks."
    ]
    if not n:
        return lines

    caution = (
        " A few weeks of a diary can change by chance, and bad spells make a trend look"
        " stronger than it is: take it as a hint, not a measurement."
    )
    # The one rule the PDF and FHIR word too (diary.summary.Direction); plain words for the
    # person, the rate ratio and its interval are in the report.
    direction = summary.trend.direction
    if direction is Direction.TOO_FEW_WEEKS:
        lines.append("Too few weeks yet to tell whether episodes are becoming more frequent.")
    elif direction is Direction.RISING:
        lines.append(f"Episodes are becoming more frequent{REAL_CHANGE}.{caution}")
    elif direction is Direction.FALLING:
        lines.append(f"Episodes are becoming less frequent{REAL_CHANGE}.{caution}")
    else:
        lines.append(
            "No clear change in how often episodes come: the ups and downs so far could"
            " be chance." + caution
        )

    night = summary.night
    lines.append(
        f"{night.episodes} of {_plural(n, 'episode')} ({(night.share or 0) * 100:.0f} %)"
        f" started at night, between {NIGHT_START_HOUR:02d}:00 and {NIGHT_END_HOUR:02d}:00."
    )

    areas = summary.body_areas
    if areas.new:
        new = [f"{names.get(loc, loc)} (from {_day(areas.first_seen[loc])})" for loc in areas.new]
        lines.append(f"New body areas after the first weeks: {_join(new)}.")
    elif areas.baseline_until is not None and areas.baseline_until >= summary.end:
        lines.append("Too early to tell whether the spasms are spreading to new places.")
    else:
        lines.append("No new body areas.")

    severity = summary.severity
    if severity.mean is not None:
        text = f"Average severity {severity.mean:.1f} out of 10"
        slope, strength = severity.fit, severity.direction
        if slope is None or strength is Direction.TOO_FEW_WEEKS:
            text += "; too few episodes or weeks to tell a change."
        elif strength is Direction.RISING:
            text += f"; episodes are getting stronger, about {slope.slope:+.2f} points a week."
        elif strength is Direction.FALLING:
            text += f"; episodes are getting milder, about {slope.slope:+.2f} points a week."
        else:
            text += "; no clear change in strength."
        lines.append(text.replace("-", "−"))

    short: list[str] = []
    for item in summary.context:
        name = names.get(item.factor.value, item.factor.value)
        if not item.enough:
            short.append(name.lower())
            continue
        with_rate = item.episodes_with / item.days_with
        without_rate = item.episodes_without / item.days_without
        lines.append(
            f"{name}: {with_rate:.1f} episodes a day on days with it, {without_rate:.1f} on"
            " days without. This is a pattern in your diary, not proof that one causes the other."
        )
    if short:
        lines.append(f"{_join(short).capitalize()}: not enough days yet to compare.")

    for remedy in summary.remedies:
        name = REMEDY_LABELS[remedy.remedy]
        if remedy.recorded:
            lines.append(f"{name} helped {remedy.helped} of {_plural(remedy.recorded, 'time')}.")
        else:
            lines.append(f"{name}: tried {_plural(remedy.tried, 'time')}, outcome not noted.")
    return lines


def _weeks_param(value: str | None, today: date, oldest: date | None) -> int:
    """The range asked for in the query; anything but a listed choice or "all" gets the
    default. "all" is every whole week back to the oldest episode's (at least the default)."""
    if value == ALL_WEEKS:
        if oldest is None or oldest >= today:
            return DEFAULT_WEEKS
        monday = today - timedelta(days=today.weekday())
        back = (monday - (oldest - timedelta(days=oldest.weekday()))).days // 7 + 1
        return max(DEFAULT_WEEKS, min(back, MAX_ALL_WEEKS))
    choices = {str(w): w for w in WEEK_CHOICES}
    return choices.get(value or "", DEFAULT_WEEKS)


def _person(session: Session, user: User) -> tuple[int | None, int | None, str | None]:
    """The latest saved check's id, and the age and sex it was made for."""
    latest = repository.list_assessments(session, user_id=user.id, limit=1)
    if not latest:
        return None, None, None
    asked = assessments.input_of(latest[0])
    return latest[0].id, asked.age, asked.sex


@router.get("/diary")
def diary_page(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    weeks: str | None = None,
    done: str | None = None,
) -> Response:
    user = require_user(request, session)
    zone = _zone(user)
    today = datetime.now(zone).date()
    oldest = diary.oldest_day(session, user=user)
    span = _weeks_param(weeks, today, oldest)
    start, end = range_for(today, span)
    episodes = diary.episodes_between(session, user=user, start=start, end=end)
    # every saved entry stays findable: say how many are older than this range
    older = (
        0
        if oldest is None or oldest >= start
        else repository.count_episodes(
            session, user_id=user.id, end=diary.day_bounds(start, start, user.timezone)[0]
        )
    )
    assessment_id, age, sex = _person(session, user)
    began = diary.began_on(user, oldest)
    try:
        summary = summarise(
            episodes,
            start=start,
            end=end,
            timezone=user.timezone,
            engine=engine,
            age=age,
            sex=sex,
            began=began,
        )
    except InputError:  # an old saved check with an age the engine no longer accepts
        summary = summarise(
            episodes, start=start, end=end, timezone=user.timezone, engine=engine, began=began
        )
    names = _names(engine)
    newest = episodes[::-1]
    remedy_names = _remedy_names()
    chart_list = [
        charts.episodes_per_week(summary),
        charts.severity_over_time(summary, episodes),
        charts.body_areas(summary, names),
        charts.context_associations(summary, names),
        charts.what_helped(summary, remedy_names),
    ]
    dates = {"from": start.isoformat(), "to": end.isoformat()}
    report = f"/v1/assessments/{assessment_id}/report"
    context: dict[str, Any] = {
        "nav": "diary",
        "weeks": span,
        "all_weeks": weeks == ALL_WEEKS,
        "older": older,
        "week_choices": WEEK_CHOICES,
        "start": _day(start),
        "end": _day(end),
        "has_any": bool(episodes) or repository.count_episodes(session, user_id=user.id) > 0,
        "summary": summary,
        "lines": summary_lines(summary, names),
        "retriage": _retriage(summary, names),
        "charts": chart_list,
        "episodes": [_episode_view(e, zone, names) for e in newest[:EPISODES_SHOWN]],
        "more_episodes": max(0, len(newest) - EPISODES_SHOWN),
        "notice": NOTICES.get(done or "", ""),
        "csv_url": f"/v1/diary/export.csv?{urlencode(dates)}",
        "assessment_id": assessment_id,
        "pdf_url": f"{report}?{urlencode({'format': 'pdf', **dates})}",
        "fhir_url": f"{report}?{urlencode({'format': 'fhir', **dates})}",
        "timezone": user.timezone,
    }
    return render(request, "diary.html", context)
