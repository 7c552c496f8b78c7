"""My account: read it, export everything of mine as JSON, erase everything of mine."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from spasmcheck.api.deps import CurrentUser, SessionDep, SettingsDep
from spasmcheck.api.errors import ApiRoute
from spasmcheck.services import accounts
from spasmcheck.services.schemas import AccountPublic, EraseRequest, ExportPublic
from spasmcheck.services.security import clear_session_cookies, client_address

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
    summary="Erase my account and everything of mine (asks for the password)",
    responses={
        401: {"description": "Not signed in, or the password is wrong: nothing was erased"},
        429: {"description": "Too many password attempts: nothing was erased"},
    },
)
def erase(
    body: EraseRequest,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The password is asked again, and counts against the sign-in limits: a stolen token
    alone cannot erase a diary."""
    accounts.check_password(
        session,
        user=user,
        email=user.email,
        password=body.password,
        client=client_address(request, settings),
        settings=settings,
    )
    accounts.erase(session, user=user)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookies(response, settings=settings)
    return response
