"""Errors are part of the interface: JSON with a code, a clear message and the right status.

Every error body is ``{"error": {"code": "...", "message": "..."}}``. Routes raise
:class:`ApiError` or let a service's typed error (:mod:`spasmcheck.services.errors`) through;
validation failures become 422 with a one-line message naming the field; a method a path does
not take 405; unknown routes under the API 404; bodies over the limit 413. Nothing a client
sends produces a 5xx.

The API's routes are :class:`ApiRoute` routes, which turn whatever their handler or its
dependencies raise into JSON themselves: the error's format is chosen by the router that raised
it, never by looking at the request's path.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spasmcheck.services.errors import (
    Busy,
    Conflict,
    Invalid,
    NotConfirmed,
    NotFound,
    ServiceError,
    TooManyAttempts,
    WrongPassword,
    validation_message,
)

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
}


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def service_error_response(error: ServiceError) -> JSONResponse:
    """A service's typed error as the API answers it."""
    if isinstance(error, NotFound):
        return error_response(404, "not_found", error.message)
    if isinstance(error, Conflict):
        return error_response(409, "conflict", error.message)
    if isinstance(error, NotConfirmed):
        return error_response(403, "email_not_confirmed", error.message)
    if isinstance(error, WrongPassword):
        return error_response(401, "unauthorized", error.message)
    if isinstance(error, TooManyAttempts):
        return error_response(
            429, "too_many_requests", error.message, {"Retry-After": str(error.retry_after_s)}
        )
    if isinstance(error, Invalid):
        return error_response(422, "invalid_request", error.message)
    if isinstance(error, Busy):
        return error_response(503, "busy", error.message, {"Retry-After": str(error.retry_after_s)})
    return error_response(400, "bad_request", error.message)


def http_error_response(error: StarletteHTTPException, path: str) -> JSONResponse:
    code = STATUS_CODES.get(error.status_code, "error")
    message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
    if error.status_code == 404 and message == "Not Found":
        message = f"no such resource: {path}"
    headers = dict(error.headers) if error.headers else None
    return error_response(error.status_code, code, message, headers)


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def json_errors(handler: Handler) -> Handler:
    """``handler`` with whatever it raises answered as the API's JSON errors."""

    async def answered(request: Request) -> Response:
        try:
            return await handler(request)
        except Exception as error:
            return error_answer(error, request)

    return answered


def error_answer(error: Exception, request: Request) -> Response:
    """The API's JSON answer to what a route raised; anything else is raised again (a bug:
    :class:`spasmcheck.server.UnexpectedErrors` answers it)."""
    if isinstance(error, ApiError):
        return error_response(error.status, error.code, error.message, error.headers)
    if isinstance(error, ServiceError):
        return service_error_response(error)
    if isinstance(error, RequestValidationError):
        return error_response(422, "invalid_request", validation_message(error))
    if isinstance(error, StarletteHTTPException):
        return http_error_response(error, request.url.path)
    raise error


class ApiRoute(APIRoute):
    """A route of the API: its errors are JSON, whoever raised them."""

    def get_route_handler(self) -> Handler:
        return json_errors(super().get_route_handler())

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            response = error_response(
                405,
                "method_not_allowed",
                f"{scope['method']} is not allowed here",
                {"Allow": ", ".join(sorted(self.methods))},
            )
            await response(scope, receive, send)
            return
        await super().handle(scope, receive, send)


class JsonBodyRoute(ApiRoute):
    """An :class:`ApiRoute` whose endpoint takes ``(body, request)`` and answers a ready
    ``Response``, with a short way in for a well-formed JSON body.

    FastAPI reads a body param by decoding the JSON to Python objects, validating those, and
    resolving the route's dependencies: a tenth of a millisecond for the interview's request
    of 30-odd evidence items (issue 16, docs/benchmarks.md). Here a request sent as
    ``application/json`` is validated from its bytes by the same model
    (``model_validate_json``) and handed to the endpoint. Anything else — another content
    type, a body the model refuses, invalid JSON — goes FastAPI's own way, so every error
    is exactly the one it gave before (``tests/api/test_json_body_route.py`` compares them).
    """

    def body_model(self) -> type[BaseModel]:
        """The pydantic model of the route's one body parameter (found once)."""
        found: type[BaseModel] | None = self.__dict__.get("_body_model")
        if found is None:
            params = self.dependant.body_params
            model = params[0].field_info.annotation if len(params) == 1 else None
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                raise TypeError(f"{self.path}: a JsonBodyRoute takes one pydantic body")
            found = self._body_model = model
        return found

    async def answer_json(self, body: bytes, request: Request) -> Response | None:
        """The endpoint's answer to a JSON ``body`` the route's model accepts, validated from
        its bytes; None for a body the model refuses (FastAPI's own way then gives the error).
        What the endpoint raises is raised."""
        try:
            data = self.body_model().model_validate_json(body)
        except ValidationError:
            return None
        response = await self.endpoint(data, request)
        if not isinstance(response, Response):
            raise TypeError(f"{self.path}: a JsonBodyRoute's endpoint answers a Response")
        return response

    def get_route_handler(self) -> Handler:
        standard = super(ApiRoute, self).get_route_handler()  # FastAPI's, errors not yet JSON
        self.body_model()  # a route without one model body fails when it is defined

        async def short_way(request: Request) -> Response:
            if request.headers.get("content-type") == "application/json":
                response = await self.answer_json(await request.body(), request)
                if response is not None:
                    return response
            return await standard(request)  # the same body, read again from its cache

        return json_errors(short_way)


class JsonBodyShortcut:
    """ASGI middleware: a :class:`JsonBodyRoute`'s well-formed JSON requests answered here,
    before FastAPI's own layers.

    Between the application's middleware and a route, FastAPI and Starlette add an exception
    middleware, an exit stack, the router's search (twice over each included router's routes,
    in FastAPI 0.165) and two more exit stacks around the endpoint: about 45 µs of the
    interview's CPU per answer in process, with nothing to do for an endpoint without
    dependencies (docs/benchmarks.md, "HTTP interview: what is not the engine"). Here a
    ``POST`` to ``path`` sent as ``application/json`` (the header as ``JsonBodyRoute`` reads
    it) is read, validated from its bytes by the route's model and handed to its endpoint; its
    errors are the route's (:func:`error_answer`). Any other request, or a body the model
    refuses, goes on to the application with the body as it was received, so every error is
    the one the route gives (``tests/api/test_json_body_route.py`` compares them). Installed
    inside the application's other middleware: the body limit, the rate limit and the headers
    apply as before.
    """

    def __init__(self, app: ASGIApp, *, route: JsonBodyRoute, path: str) -> None:
        self.app = app
        self.route = route
        self.path = path
        self.methods = route.methods or set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != self.path
            or scope.get("root_path")
            or scope["method"] not in self.methods
            or _content_type(scope) != b"application/json"
        ):
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        if message["type"] != "http.request":  # the client left: as the application would
            await self.app(scope, _replay(received, receive), send)
            return
        body = b"".join(m.get("body", b"") for m in received)
        scope["route"] = self.route  # as the router sets it (the error log names the route)
        request = Request(scope, receive, send)
        try:
            response = await self.route.answer_json(body, request)
        except Exception as error:
            response = error_answer(error, request)
        if response is None:  # a body the model refuses: the route's own error, on its way
            del scope["route"]
            await self.app(scope, _replay(received, receive), send)
            return
        await response(scope, receive, send)


def _content_type(scope: Scope) -> bytes | None:
    """The first Content-Type header's value, as Starlette's ``request.headers`` gives it."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bytes(value)
    return None


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """``receive`` that gives ``messages`` first, then the client's own."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
