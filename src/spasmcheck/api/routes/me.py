"""My account: read it, export everything of mine as JSON, erase everything of mine."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from spasmcheck.api.account_schemas import AccountPublic, EpisodePublic, ExportPublic
from spasmcheck.api.deps import CurrentUser, SessionDep, SettingsDep
from spasmcheck.api.routes.assessments import public
from spasmcheck.api.security import clear_session_cookies
from spasmcheck.storage import repository
from spasmcheck.storage.models import utcnow

router = APIRouter(prefix="/me", tags=["me"])


@router.get("", summary="My account")
def me(user: CurrentUser) -> AccountPublic:
    return AccountPublic.model_validate(user, from_attributes=True)


@router.get("/export", summary="Everything stored about me, as JSON")
def export(user: CurrentUser, session: SessionDep) -> ExportPublic:
    return ExportPublic(
        exported_at=utcnow(),
        account=AccountPublic.model_validate(user, from_attributes=True),
        episodes=[EpisodePublic.of(e) for e in repository.list_episodes(session, user_id=user.id)],
        assessments=[public(a) for a in repository.list_assessments(session, user_id=user.id)],
    )


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase my account and everything of mine; every token of mine stops working",
)
def erase(user: CurrentUser, session: SessionDep, settings: SettingsDep) -> Response:
    repository.delete_user(session, user_id=user.id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookies(response, settings=settings)
    return response
