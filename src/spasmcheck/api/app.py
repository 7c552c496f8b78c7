"""The FastAPI application: engine routes, accounts, diary; JSON errors; OpenAPI at /openapi.json.

``create_app`` takes its settings and engine as arguments (the seams tests swap); the
storage session factory is built from ``settings.database_url`` and migrates the database
on first use.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from spasmcheck import __version__
from spasmcheck.api.errors import ERROR_SCHEMA, BodySizeLimit, install_error_handlers
from spasmcheck.api.routes import ROUTERS
from spasmcheck.config import Settings
from spasmcheck.reasoning.engine import Engine, default_engine
from spasmcheck.web import install_web

DESCRIPTION = (
    "Decision support for muscle spasms — not a diagnosis. Stateless engine routes (parse, "
    "assess, interview, triage, explain, conditions, findings) and, for signed-in users, the "
    "spasm diary and saved assessments. Errors are JSON: "
    '`{"error": {"code": "...", "message": "..."}}`.'
)


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    session_factory: Any = None,
) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="spasmcheck",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        responses={
            422: {
                "description": "Invalid request",
                "content": {"application/json": {"schema": ERROR_SCHEMA}},
            },
        },
    )
    app.state.settings = settings
    app.state.engine = engine or default_engine()
    if session_factory is None:
        from spasmcheck.storage.db import make_session_factory

        session_factory = make_session_factory(settings.database_url)
    app.state.session_factory = session_factory
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router, prefix="/v1")
    install_web(app)
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    return app
