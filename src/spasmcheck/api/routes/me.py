"""My account: read it, export everything of mine as JSON, erase everything of mine."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from spasmcheck.api.deps import CurrentUser, SessionDep, SettingsDep
from spasmcheck.api.errors import ApiRoute
from spasmcheck.services import accounts
from spasmcheck.services.schemas import AccountPublic, ExportPublic
from spasmcheck.services.security import clear_session_cookies

router = APIRouter(prefix="/me", tags=["me"], route_class=ApiRoute)


@router.get("", summary="My account")
def me(user: CurrentUser) -> AccountPublic:
    return accounts.public(user)


@router.get("/export", summary="Everything stored about me, as JSON")
def export(user: CurrentUser, session: SessionDep) -> ExportPublic:
    return accounts.export(session, user=user)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase my account and everything of mine; every token of mine stops working",
)
def erase(user: CurrentUser, session: SessionDep, settings: SettingsDep) -> Response:
    accounts.erase(session, user=user)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookies(response, settings=settings)
    return response
