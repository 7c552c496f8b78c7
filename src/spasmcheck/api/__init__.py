"""The HTTP API under /v1: JSON in, JSON out, errors as JSON (:mod:`.errors`).

:func:`install_api` adds its routers to an application made by
:func:`spasmcheck.server.create_app`, next to the web pages; the API never imports the web.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

PREFIX = "/v1"
DESCRIPTION = (
    "Decision support for muscle spasms — not a diagnosis. Stateless engine routes (parse, "
    "assess, interview, triage, explain, conditions, findings) and, for signed-in users, the "
    "spasm diary and saved assessments. Errors are JSON: "
    '`{"error": {"code": "...", "message": "..."}}`.'
)


def install_api(app: FastAPI) -> None:
    from spasmcheck.api.errors import ERROR_SCHEMA
    from spasmcheck.api.routes import ROUTERS

    invalid = {
        "description": "Invalid request",
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    }
    for router in ROUTERS:
        app.include_router(router, prefix=PREFIX, responses={422: invalid})
