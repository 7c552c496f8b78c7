"""The spasm diary: log, list, read, change and delete episodes, and the diary summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response, status

from spasmcheck.api.deps import CurrentUser, EngineDep, SessionDep
from spasmcheck.api.errors import ApiError, ApiRoute
from spasmcheck.api.schemas import Age, Sex
from spasmcheck.diary.model import Episode
from spasmcheck.diary.public import DiarySummaryPublic
from spasmcheck.reasoning.engine import Engine
from spasmcheck.services import diary
from spasmcheck.services.schemas import (
    MAX_ID,
    Day,
    EpisodeCreate,
    EpisodeList,
    EpisodePublic,
    EpisodeUpdate,
    Moment,
)
from spasmcheck.storage import repository

router = APIRouter(tags=["diary"], route_class=ApiRoute)

MAX_PAGE = 500
EpisodeId = Annotated[int, Path(ge=1, le=MAX_ID)]


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description=(
            "Any unique string of printable ASCII (a UUID, say) for this episode. A retry with "
            "the same key after a lost response returns the episode logged the first time "
            "(200) instead of logging it twice; the same key with a different episode is a 409."
        ),
    ),
]


def _episode(body: EpisodeCreate, engine: Engine) -> Episode:
    """The body as an episode, its places checked against the app's knowledge base. The
    message is worded as request parsing words the body's other problems."""
    try:
        return body.to_episode(engine.kb)
    except ValueError as error:
        raise ApiError(422, "invalid_request", f"Value error, {error}") from error


@router.post(
    "/episodes",
    status_code=status.HTTP_201_CREATED,
    summary="Log an episode (send an Idempotency-Key to make retries safe)",
    responses={
        200: {"model": EpisodePublic, "description": "Already logged with this Idempotency-Key"},
        409: {"description": "This Idempotency-Key was used for a different episode"},
    },
)
def create_episode(
    body: EpisodeCreate,
    user: CurrentUser,
    session: SessionDep,
    engine: EngineDep,
    response: Response,
    key: IdempotencyKey = None,
) -> EpisodePublic:
    if key is None:
        episode = diary.add_episode(session, user=user, episode=_episode(body, engine))
        return EpisodePublic.of(episode)
    episode, created = diary.add_episode_once(
        session, user=user, episode=_episode(body, engine), key=key
    )
    if not created:
        response.status_code = status.HTTP_200_OK
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
    return EpisodePublic.of(diary.get_episode(session, user=user, episode_id=episode_id))


@router.patch("/episodes/{episode_id}", summary="Change some fields of one of my episodes")
def update_episode(
    episode_id: EpisodeId,
    body: EpisodeUpdate,
    user: CurrentUser,
    session: SessionDep,
    engine: EngineDep,
) -> EpisodePublic:
    episode = diary.get_episode(session, user=user, episode_id=episode_id)
    try:
        changed = body.apply(episode, engine.kb)
    except ValueError as error:
        raise ApiError(422, "invalid_request", str(error)) from error
    return EpisodePublic.of(diary.replace_episode(session, user=user, episode=changed))


@router.delete(
    "/episodes/{episode_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete one of my episodes",
)
def delete_episode(episode_id: EpisodeId, user: CurrentUser, session: SessionDep) -> Response:
    diary.delete_episode(session, user=user, episode_id=episode_id)
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
) -> DiarySummaryPublic:
    result = diary.summary(
        session, user=user, engine=engine, start=start, end=end, age=age, sex=sex
    )
    return DiarySummaryPublic.of(result)
