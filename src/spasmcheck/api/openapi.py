"""The error responses of every API operation, in the OpenAPI document, with one shared model.

Every error body is :class:`ErrorPublic` (``{"error": {"code": ..., "message": ...}}``,
:mod:`spasmcheck.api.errors`). :func:`document_errors` adds to each route of a router the
errors it can answer, read from the route itself, before the router is mounted:

- 400 and 413 for an operation that takes a body (a body that cannot be read; one over the
  size limit, ``spasmcheck.server``);
- 401 for one that needs a signed-in user (it depends on ``get_current_token``);
- 404 for one with a path parameter (no such item, or not yours);
- 422 for one with any parameter or body (the message names the field);
- 429 where the route says it is rate limited (the engine routes: ``install_api``).

A status the route documents itself keeps its own description and gains the model.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from spasmcheck.api.deps import get_current_token


class ErrorDetail(BaseModel):
    code: str  # a stable machine-readable code, e.g. "not_found", "invalid_request"
    message: str  # one clear line for a person


class ErrorPublic(BaseModel):
    """Every error the API answers (4xx, and 503 when busy)."""

    error: ErrorDetail


DESCRIPTIONS: dict[int, str] = {
    400: "The request could not be read",
    401: "Not signed in, or the session or token is not valid (nothing was done)",
    404: "No such item, or not one of yours",
    413: "The request body is larger than the server accepts",
    422: "Invalid request: the message names the field",
}


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for child in dependant.dependencies:
        yield child
        yield from _dependencies(child)


def error_statuses(route: APIRoute) -> list[int]:
    """The 4xx statuses ``route`` can answer besides those it documents itself."""
    statuses = []
    takes_body = route.body_field is not None
    if takes_body:
        statuses += [400, 413]
    if any(d.call is get_current_token for d in _dependencies(route.dependant)):
        statuses.append(401)
    if route.dependant.path_params:
        statuses.append(404)
    if takes_body or route.dependant.query_params or route.dependant.path_params:
        statuses.append(422)
    return statuses


def document_errors(router: APIRouter) -> None:
    """Give every route of ``router`` its error responses, each with :class:`ErrorPublic`.

    Runs before the router is included, as FastAPI reads a response's model when it makes the
    mounted route; running it again changes nothing."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        responses = dict(route.responses)
        for status in error_statuses(route):
            responses.setdefault(status, {"description": DESCRIPTIONS[status]})
        for code, response in list(responses.items()):
            if 400 <= int(code) < 600 and "model" not in response:
                responses[code] = {**response, "model": ErrorPublic}
        route.responses = responses
