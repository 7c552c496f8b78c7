"""Accounts: register, sign in (bearer token + cookie session + CSRF token), sign out."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from spasmcheck.api.account_schemas import (
    AccountCreate,
    AccountPublic,
    LoginRequest,
    LoginResponse,
)
from spasmcheck.api.deps import CurrentToken, SessionDep, SettingsDep
from spasmcheck.api.errors import ApiError
from spasmcheck.api.security import (
    clear_session_cookies,
    client_address,
    hash_password,
    login_allowed,
    rate_limit_key,
    set_session_cookies,
    sign_in,
    verify_password,
)
from spasmcheck.storage import repository

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    responses={409: {"description": "An account with this email address already exists"}},
)
def register(body: AccountCreate, session: SessionDep) -> AccountPublic:
    try:
        user = repository.create_user(
            session,
            email=body.email,
            password_hash=hash_password(body.password),
            timezone=body.timezone,
        )
    except repository.DuplicateEmailError as error:
        raise ApiError(409, "conflict", str(error)) from error
    return AccountPublic.model_validate(user, from_attributes=True)


@router.post(
    "/login",
    summary="Sign in: a bearer token, a session cookie and its CSRF token",
    responses={
        401: {"description": "Wrong email or password"},
        429: {"description": "Too many attempts in the last minute"},
    },
)
def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> LoginResponse:
    key = rate_limit_key(body.email, client_address(request))
    if not login_allowed(session, key=key, settings=settings):
        raise ApiError(
            429,
            "too_many_requests",
            "too many sign-in attempts: wait a minute and try again",
            {"Retry-After": "60"},
        )
    user = repository.get_user_by_email(session, email=body.email)
    if not verify_password(user.password_hash if user else None, body.password) or user is None:
        raise ApiError(401, "unauthorized", "wrong email or password")
    issued = sign_in(session, user=user, settings=settings)
    set_session_cookies(response, issued=issued, settings=settings)
    return LoginResponse(
        access_token=issued.bearer_token,
        csrf_token=issued.csrf_token,
        expires_at=issued.expires_at,
        account=AccountPublic.model_validate(user, from_attributes=True),
    )


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out: ends this sign-in's token and cookie session",
)
def logout(token: CurrentToken, session: SessionDep, settings: SettingsDep) -> Response:
    repository.delete_token_family(session, user_id=token.user_id, family=token.family)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookies(response, settings=settings)
    return response
