"""Accounts: register, sign in (bearer token + cookie session + CSRF token), sign out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from spasmcheck.api.account_schemas import LoginResponse
from spasmcheck.api.deps import CurrentToken, SessionDep, SettingsDep, same_origin
from spasmcheck.api.errors import ApiRoute
from spasmcheck.services import account_links, accounts
from spasmcheck.services.link_schemas import ConfirmRequest, Notice, ResetConfirm, ResetRequest
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
    response_model=AccountPublic,
    responses={
        202: {
            "model": Notice,
            "description": (
                "E-mail confirmation is on (production): the same answer whether or not the "
                "address has an account; a link to confirm it, or a notice, was mailed to it"
            ),
        },
        403: {"description": "Sent by a browser from another site"},
        409: {"description": "Confirmation off only: the address already has an account"},
        429: {"description": "Too many new accounts from this address"},
        503: {"description": "Busy: every password-hashing turn is taken; retry shortly"},
    },
)
def register(
    body: AccountCreate, request: Request, session: SessionDep, settings: SettingsDep
) -> AccountPublic | Response:
    client = client_address(request, settings)
    if settings.confirms_email:
        account_links.sign_up(
            session,
            account=body,
            client=client,
            base_url=account_links.link_base(request, settings),
            settings=settings,
        )
        return notice(account_links.SENT)
    return accounts.public(
        accounts.register(session, account=body, client=client, settings=settings)
    )


def notice(detail: str) -> Response:
    return JSONResponse(Notice(detail=detail).model_dump(), status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/confirm",
    summary="Confirm an e-mail address with the token of the mailed link",
    responses={422: {"description": "The link has expired or was already used"}},
)
def confirm(body: ConfirmRequest, session: SessionDep) -> AccountPublic:
    return accounts.public(account_links.confirm(session, token=body.token))


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ask for a password-reset link (one answer, whether or not the address is known)",
    dependencies=[Depends(same_origin)],
    responses={429: {"description": "Too many messages asked for from here or to this address"}},
)
def request_reset(
    body: ResetRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> Notice:
    account_links.request_reset(
        session,
        email=body.email,
        client=client_address(request, settings),
        base_url=account_links.link_base(request, settings),
        settings=settings,
    )
    return Notice(detail=account_links.SENT)


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Choose a new password with the token of the mailed link; every sign-in ends",
    dependencies=[Depends(same_origin)],
    responses={
        422: {"description": "The link has expired or was used, or the password is too weak"},
        503: {"description": "Busy: every password-hashing turn is taken; retry shortly"},
    },
)
def reset(body: ResetConfirm, session: SessionDep, settings: SettingsDep) -> Response:
    account_links.reset(session, token=body.token, password=body.password, settings=settings)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/login",
    summary="Sign in: a bearer token, a session cookie and its CSRF token",
    dependencies=[Depends(same_origin)],
    responses={
        401: {"description": "Wrong email or password"},
        403: {"description": "Sent from another site, or the address is not confirmed yet"},
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
    user, issued = account_links.log_in(
        session,
        credentials=body,
        client=client_address(request, settings),
        base_url=account_links.link_base(request, settings),
        settings=settings,
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
