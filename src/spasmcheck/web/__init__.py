"""The web app: server-rendered pages (Jinja2), next to the HTTP API in one application.

Pages work without JavaScript; small scripts (the body map, the diary form) only make them
quicker to use. :func:`install_web` adds the static files and the page routers to an
application made by :func:`spasmcheck.server.create_app`. The pages call the service layer
(:mod:`spasmcheck.services`), never the API; their errors are pages (:mod:`.errors`).
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from spasmcheck.web.templating import STATIC_DIR


def web_routers() -> list[APIRouter]:
    """The web's page routers: the check and its interview first, then accounts, the diary."""
    from spasmcheck.web import accounts, diary, pages

    return [pages.router, accounts.router, diary.router]


def install_web(
    app: FastAPI, routers: Sequence[APIRouter] | None = None, *, static: bool = True
) -> None:
    """Add ``routers`` (by default every one of :func:`web_routers`) and, with ``static``,
    the static files to ``app``; the application may add them in parts, around the API's."""
    if static:
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in web_routers() if routers is None else routers:
        app.include_router(router)
