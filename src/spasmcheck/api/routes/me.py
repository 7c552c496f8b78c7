"""My account: read it, export everything of mine as JSON, erase everything of mine."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from spasmcheck.api.deps import CurrentToken, CurrentUser, SessionDep, SettingsDep
from spasmcheck.api.errors import ApiRoute
from spasmcheck.services import account_links, accounts
from spasmcheck.services.link_schemas import PasswordChange, SettingsResult, SettingsUpdate
from spasmcheck.services.schemas import AccountPublic, EraseRequest, ExportPublic
from spasmcheck.services.security import clear_session_cookies, client_address

router = APIRouter(prefix="/me", tags=["me"], route_class=ApiRoute)


@router.get("", summary="My account")
def me(user: CurrentUser) -> AccountPublic:
    return accounts.public(user)


@router.patch(
    "",
    summary="Change my time zone or e-mail address (a new address asks for the password)",
    responses={
        401: {"description": "Not signed in, or the password is wrong: nothing changed"},
        409: {"description": "Confirmation off only: the new address has an account"},
        422: {"description": "A bad value, or a new address without the password"},
        429: {"description": "Too many attempts"},
    },
)
def change_settings(
    body: SettingsUpdate,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> SettingsResult:
    """With e-mail confirmation on, a new address is used once the link mailed to it is
    opened (``email_pending`` says where it went); the time zone changes at once."""
    change = account_links.change_settings(
        session,
        user=user,
        timezone=body.timezone,
        email=body.email,
        password=body.password,
        client=client_address(request, settings),
        base_url=account_links.link_base(request, settings),
        settings=settings,
    )
    return SettingsResult(
        id=change.user.id,
        email=change.user.email,
        timezone=change.user.timezone,
        email_pending=change.email_pending,
    )


@router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change my password; every other sign-in ends",
    responses={
        401: {"description": "Not signed in, or the current password is wrong"},
        422: {"description": "The new password is too short or too easy to guess"},
        429: {"description": "Too many password attempts"},
        503: {"description": "Busy: every password-hashing turn is taken; retry shortly"},
    },
)
def change_password(
    body: PasswordChange,
    request: Request,
    user: CurrentUser,
    token: CurrentToken,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    account_links.change_password(
        session,
        user=user,
        current=body.current_password,
        new=body.new_password,
        keep_family=token.family,
        client=client_address(request, settings),
        settings=settings,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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
