"""Every router of the HTTP API, mounted under /v1 by :func:`spasmcheck.api.install_api`."""

from fastapi import APIRouter

from spasmcheck.api.routes import accounts, assessments, engine, episodes, me, reports

ROUTERS: list[APIRouter] = [
    engine.router,
    accounts.router,
    episodes.router,
    assessments.router,
    me.router,
    reports.router,
]
