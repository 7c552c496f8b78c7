"""The HTTP API under /v1: JSON in, JSON out, errors as JSON (:mod:`.errors`).

:func:`install_api` adds its routers to an application made by
:func:`spasmcheck.server.create_app`, next to the web pages; the API never imports the web.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fastapi import APIRouter, FastAPI

PREFIX = "/v1"
DESCRIPTION = (
    "Decision support for muscle spasms — not a diagnosis. Stateless engine routes (parse, "
    "assess, interview, triage, explain, conditions, findings) and, for signed-in users, the "
    "spasm diary and saved assessments. Errors are JSON: "
    '`{"error": {"code": "...", "message": "..."}}`.'
)


def install_api(app: FastAPI, routers: Sequence[APIRouter] | None = None) -> None:
    """Add ``routers`` (by default every router of the API, in :data:`ROUTERS`'s order) to
    ``app`` under :data:`PREFIX`; the application may add them in parts, around the web's."""
    from spasmcheck.api.openapi import ErrorPublic, document_errors
    from spasmcheck.api.routes import ROUTERS, engine

    limited: dict[str, object] = {
        "description": "POST only: too many requests from this address in the last minute "
        "(SPASMCHECK_ENGINE_RATE_LIMIT); see Retry-After",
        "model": ErrorPublic,
    }
    for router in ROUTERS if routers is None else routers:
        # Each route's 400/401/404/413/422, with the one error model (spasmcheck.api.openapi).
        document_errors(router)
        # The engine routes are rate limited per address (spasmcheck.server.EngineRateLimit).
        extra: dict[int | str, dict[str, object]] = (
            {429: limited} if router is engine.router else {}
        )
        app.include_router(router, prefix=PREFIX, responses=extra)
