"""Accounts: register, sign in (bearer token + cookie session + CSRF token), sign out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status

from spasmcheck.api.account_schemas import LoginResponse
from spasmcheck.api.deps import CurrentToken, SessionDep, SettingsDep, same_origin
from spasmcheck.api.errors import ApiRoute
from spasmcheck.services import accounts
from spasmcheck.services.schemas import AccountCreate, AccountPublic, LoginRequest
from spasmcheck.services.security import (
    clear_session_cookies,
    client_address,
    set_session_cookies,
)

router = APIRouter(prefix="/accounts", tags=["accounts"], route_class=ApiRoute)


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    dependencies=[Depends(same_origin)],
    responses={
        403: {"description": "Sent by a browser from another site"},
        409: {"description": "An account with this email address already exists"},
        429: {"description": "Too many new accounts from this address"},
        503: {"description": "Busy: every password-hashing turn is taken; retry shortly"},
    },
)
def register(
    body: AccountCreate, request: Request, session: SessionDep, settings: SettingsDep
) -> AccountPublic:
    client = client_address(request, settings)
    return accounts.public(
        accounts.register(session, account=body, client=client, settings=settings)
    )


@router.post(
    "/login",
    summary="Sign in: a bearer token, a session cookie and its CSRF token",
    dependencies=[Depends(same_origin)],
    responses={
        403: {"description": "Sent by a browser from another site"},
        401: {"description": "Wrong email or password"},
        429: {"description": "Too many attempts in the last minute"},
        503: {"description": "Busy: every password-hashing turn is taken; retry shortly"},
    },
)
def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> LoginResponse:
    user, issued = accounts.log_in(
        session, credentials=body, client=client_address(request, settings), settings=settings
    )
    set_session_cookies(response, issued=issued, settings=settings)
    return LoginResponse(
        access_token=issued.bearer_token,
        csrf_token=issued.csrf_token,
        expires_at=issued.expires_at,
        account=accounts.public(user),
    )


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out: ends this sign-in's token and cookie session",
)
def logout(token: CurrentToken, session: SessionDep, settings: SettingsDep) -> Response:
    accounts.log_out(session, token=token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookies(response, settings=settings)
    return response
