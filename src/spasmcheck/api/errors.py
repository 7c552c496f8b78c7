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
from starlette.types import Receive, Scope, Send

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
        except ApiError as error:
            return error_response(error.status, error.code, error.message, error.headers)
        except ServiceError as error:
            return service_error_response(error)
        except RequestValidationError as error:
            return error_response(422, "invalid_request", validation_message(error))
        except StarletteHTTPException as error:
            return http_error_response(error, request.url.path)

    return answered


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

    def get_route_handler(self) -> Handler:
        standard = super(ApiRoute, self).get_route_handler()  # FastAPI's, errors not yet JSON
        params = self.dependant.body_params
        model = params[0].field_info.annotation if len(params) == 1 else None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"{self.path}: a JsonBodyRoute takes one pydantic body")
        endpoint = self.endpoint

        async def short_way(request: Request) -> Response:
            if request.headers.get("content-type") != "application/json":
                return await standard(request)
            try:
                body = model.model_validate_json(await request.body())
            except ValidationError:
                return await standard(request)  # the same body, read again from its cache
            response = await endpoint(body, request)
            if not isinstance(response, Response):
                raise TypeError(f"{self.path}: a JsonBodyRoute's endpoint answers a Response")
            return response

        return json_errors(short_way)
