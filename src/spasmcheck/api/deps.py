"""Request dependencies of the API, as ``Annotated`` aliases (the Full Stack FastAPI Template's
layering).

``SessionDep``, ``SettingsDep`` and ``EngineDep`` are the application's own
(:mod:`spasmcheck.services.deps`, shared with the web pages); ``CurrentUser`` is the signed-in
account (bearer token or session cookie, with CSRF checked for cookie-authenticated writes), or
a 401/403 JSON error; ``CurrentToken`` the token that authenticated the request;
:func:`same_origin` refuses a cross-site sign-in or sign-up.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from spasmcheck.api.errors import ApiError
from spasmcheck.services.deps import EngineDep, SessionDep, SettingsDep
from spasmcheck.services.security import AuthError, authenticate, check_same_origin
from spasmcheck.storage import repository
from spasmcheck.storage.models import AuthToken, User

__all__ = [
    "CurrentToken",
    "CurrentUser",
    "EngineDep",
    "SessionDep",
    "SettingsDep",
    "same_origin",
]


def get_current_token(request: Request, session: SessionDep, settings: SettingsDep) -> AuthToken:
    try:
        return authenticate(request, session, settings)
    except AuthError as error:
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        raise ApiError(error.status, error.code, error.message, headers) from error


CurrentToken = Annotated[AuthToken, Depends(get_current_token)]


def get_current_user(session: SessionDep, token: CurrentToken) -> User:
    user = repository.get_user(session, user_id=token.user_id)
    if user is None:
        raise ApiError(401, "unauthorized", "the account no longer exists")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def same_origin(request: Request) -> None:
    """403 for a sign-in or sign-up a browser sent from another site (login CSRF: it would
    set the attacker's session cookie in the person's browser)."""
    try:
        check_same_origin(request)
    except AuthError as error:
        raise ApiError(error.status, error.code, error.message) from error
