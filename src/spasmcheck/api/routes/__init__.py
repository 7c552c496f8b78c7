"""Every router of the HTTP API, mounted under /v1 by :func:`spasmcheck.api.app.create_app`."""

from fastapi import APIRouter

from spasmcheck.api.routes import engine

ROUTERS: list[APIRouter] = [engine.router]
