"""What a request needs from the application, as ``Annotated`` FastAPI dependencies.

The application factory (:func:`spasmcheck.server.create_app`) puts the settings, the engine
and the database session factory on ``app.state``; the API's and the web's routes both take
them from here, so neither front reads the other's modules to get them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from spasmcheck.config import Settings
from spasmcheck.reasoning.engine import Engine


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
