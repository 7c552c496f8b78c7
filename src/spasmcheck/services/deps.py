"""What a request needs from the application, as ``Annotated`` FastAPI dependencies.

The application factory (:func:`spasmcheck.server.create_app`) puts the settings, the engine
and the database session factory on ``app.state``; the API's and the web's routes both take
them from here, so neither front reads the other's modules to get them.

Every dependency here is ``async def``: none of them waits on anything, so none takes one of
the worker threads (issue 16). At most :data:`~spasmcheck.storage.db.THREADS` sessions are
open at once per process, as many as the database pool has connections: a request holds its
connection from its first query until its session closes, across several thread hand-offs
(each dependency, the route, FastAPI's response check), so without this bound 60 concurrent
signed-in requests held 60 connections, and threads waiting for a connection could stall the
requests holding one, which need a thread to go on. The 41st request now waits here, on the
event loop, before it takes a connection or a thread. A session opens no connection until a
query needs one; it is closed on the event loop when it holds none, otherwise on a thread of
its own, outside the shared thread limiter, so giving a connection back never waits for a
thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from spasmcheck.config import Settings
from spasmcheck.reasoning.engine import Engine
from spasmcheck.storage.db import THREADS


def _session_slots(request: Request) -> asyncio.Semaphore:
    """The app's bound on open sessions, one per event loop (a test client may run several)."""
    loop = asyncio.get_running_loop()
    held: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = getattr(
        request.app.state, "session_slots", None
    )
    if held is None or held[0] is not loop:
        held = (loop, asyncio.Semaphore(THREADS))
        request.app.state.session_slots = held
    return held[1]


async def get_session(request: Request) -> AsyncIterator[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    async with _session_slots(request):
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
