"""Request dependencies, as ``Annotated`` aliases (the Full Stack FastAPI Template's layering).

``SessionDep`` is a database session for the request; ``CurrentUser`` the signed-in account
(bearer token or session cookie, with CSRF checked for cookie-authenticated writes), or a
401/403 JSON error; ``CurrentToken`` the token that authenticated the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from spasmcheck.api.errors import ApiError
from spasmcheck.api.security import AuthError, authenticate
from spasmcheck.config import Settings
from spasmcheck.reasoning.engine import Engine
from spasmcheck.storage import repository
from spasmcheck.storage.models import AuthToken, User


def get_session(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]


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
