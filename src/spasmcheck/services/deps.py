"""What a request needs from the application, as ``Annotated`` FastAPI dependencies.

The application factory (:func:`spasmcheck.server.create_app`) puts the settings, the engine
and the database session factory on ``app.state``; the API's and the web's routes both take
them from here, so neither front reads the other's modules to get them.

Every dependency here is ``async def``: none of them waits on anything, so none takes one of
the worker threads (issue 16). A session opens no connection until a query needs one (an
anonymous page never does), and is closed on the event loop when it holds none; one that holds
a connection is closed on a thread of its own, outside the shared thread limiter, so releasing
a connection never waits for a thread that may itself be waiting for that connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from spasmcheck.config import Settings
from spasmcheck.reasoning.engine import Engine


async def get_session(request: Request) -> AsyncIterator[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    session = factory()
    try:
        yield session
    finally:
        await close_session(session)


async def close_session(session: Session) -> None:
    """Close ``session``: at once when it never connected, else on a thread of its own (a
    rollback is a round trip to PostgreSQL, which must not hold the event loop)."""
    if not session.in_transaction():
        session.close()
        return
    with CancelScope(shield=True):
        await anyio.to_thread.run_sync(session.close, limiter=CapacityLimiter(1))


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
