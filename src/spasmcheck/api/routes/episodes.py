"""The spasm diary: log, list, read, change and delete episodes, and the diary summary."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Response, status

from spasmcheck.api.account_schemas import (
    MAX_ID,
    Day,
    EpisodeCreate,
    EpisodeList,
    EpisodePublic,
    EpisodeUpdate,
    Moment,
)
from spasmcheck.api.deps import CurrentUser, EngineDep, SessionDep
from spasmcheck.api.errors import ApiError
from spasmcheck.api.schemas import Age, Sex
from spasmcheck.diary.summary import MAX_RANGE_DAYS, DiaryError, summarise
from spasmcheck.reasoning.engine import InputError
from spasmcheck.storage import repository

router = APIRouter(tags=["diary"])

MAX_PAGE = 500
NOT_FOUND = "no such episode"
EpisodeId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/episodes", status_code=status.HTTP_201_CREATED, summary="Log an episode")
def create_episode(body: EpisodeCreate, user: CurrentUser, session: SessionDep) -> EpisodePublic:
    episode = repository.add_episode(session, user_id=user.id, episode=body.to_episode())
    return EpisodePublic.of(episode)


@router.get("/episodes", summary="My episodes, oldest first, optionally from/to a time")
def list_episodes(
    user: CurrentUser,
    session: SessionDep,
    start: Annotated[Moment | None, Query(alias="from")] = None,
    end: Annotated[Moment | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> EpisodeList:
    items = repository.list_episodes(
        session, user_id=user.id, start=start, end=end, limit=limit, offset=offset
    )
    total = repository.count_episodes(session, user_id=user.id, start=start, end=end)
    return EpisodeList(
        total=total, limit=limit, offset=offset, items=[EpisodePublic.of(e) for e in items]
    )


@router.get("/episodes/{episode_id}", summary="One of my episodes")
def get_episode(episode_id: EpisodeId, user: CurrentUser, session: SessionDep) -> EpisodePublic:
    episode = repository.get_episode(session, user_id=user.id, episode_id=episode_id)
    if episode is None:
        raise ApiError(404, "not_found", NOT_FOUND)
    return EpisodePublic.of(episode)


@router.patch("/episodes/{episode_id}", summary="Change some fields of one of my episodes")
def update_episode(
    episode_id: EpisodeId, body: EpisodeUpdate, user: CurrentUser, session: SessionDep
) -> EpisodePublic:
    episode = repository.get_episode(session, user_id=user.id, episode_id=episode_id)
    if episode is None:
        raise ApiError(404, "not_found", NOT_FOUND)
    try:
        changed = body.apply(episode)
    except ValueError as error:
        raise ApiError(422, "invalid_request", str(error)) from error
    stored = repository.replace_episode(session, user_id=user.id, episode=changed)
    if stored is None:  # deleted meanwhile
        raise ApiError(404, "not_found", NOT_FOUND)
    return EpisodePublic.of(stored)


@router.delete(
    "/episodes/{episode_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete one of my episodes",
)
def delete_episode(episode_id: EpisodeId, user: CurrentUser, session: SessionDep) -> Response:
    if not repository.delete_episode(session, user_id=user.id, episode_id=episode_id):
        raise ApiError(404, "not_found", NOT_FOUND)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/diary/summary",
    summary="Patterns in my diary between two dates (inclusive), with re-triage",
)
def diary_summary(
    user: CurrentUser,
    session: SessionDep,
    engine: EngineDep,
    start: Annotated[Day, Query(alias="from")],
    end: Annotated[Day, Query(alias="to")],
    age: Annotated[Age | None, Query()] = None,
    sex: Annotated[Sex | None, Query()] = None,
) -> dict[str, Any]:
    if end < start:
        raise ApiError(422, "invalid_request", "to: must not be before from")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ApiError(422, "invalid_request", f"the range is limited to {MAX_RANGE_DAYS} days")
    zone = ZoneInfo(user.timezone)
    # The dates are the person's own days: from local midnight to the next day's midnight.
    first = datetime.combine(start, time.min, zone)
    after = datetime.combine(end + timedelta(days=1), time.min, zone)
    episodes = repository.list_episodes(session, user_id=user.id, start=first, end=after)
    try:
        result = summarise(
            episodes, start=start, end=end, timezone=user.timezone, engine=engine, age=age, sex=sex
        )
    except (DiaryError, InputError) as error:
        raise ApiError(422, "invalid_request", str(error)) from error
    summary: dict[str, Any] = result.as_dict()
    return summary
