"""The web app: server-rendered pages (Jinja2), next to the HTTP API in one application.

Pages work without JavaScript; small scripts (the body map, the diary form) only make them
quicker to use. :func:`install_web` adds the static files and the page routers to an
application made by :func:`spasmcheck.server.create_app`. The pages call the service layer
(:mod:`spasmcheck.services`), never the API; their errors are pages (:mod:`.errors`).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from spasmcheck.web.templating import STATIC_DIR


def install_web(app: FastAPI) -> None:
    from spasmcheck.web import accounts, diary, pages

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (pages, accounts, diary):
        app.include_router(module.router)
