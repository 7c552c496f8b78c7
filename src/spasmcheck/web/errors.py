"""Errors on web pages are pages: a clear message in plain words and a way on, never JSON.

The web's routes are :class:`WebRoute` routes, which turn whatever their handler or its
dependencies raise into a page themselves — a mistyped value, an expired form, a record that is
not there, "sign in first" (a redirect) — with the right status code and the site's navigation.
The format of an error is chosen by the router that raised it, never by looking at the path.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from spasmcheck.services.errors import (
    Busy,
    Conflict,
    Invalid,
    NotConfirmed,
    NotFound,
    ServiceError,
    TooManyAttempts,
)

# Pages load only their own scripts and styles, are never framed, and send no referrer
# elsewhere. Inline style attributes (bar widths) are allowed; inline scripts are not.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)

TITLES = {
    400: "That did not work",
    403: "This form has expired",
    404: "Page not found",
    405: "That did not work",
    409: "That did not work",
    413: "That is too long",
    422: "Please check what you entered",
    429: "Too many attempts",
    503: "Busy right now",
}
FORM_EXPIRED = (
    "This form was opened in an earlier sign-in or on another site. "
    "Nothing was changed. Go back, reload the page and try again."
)
NO_PAGE = "There is no page at this address."


class PageError(Exception):
    """Raise from a web route to show an error page with ``status`` and ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# A refused form field in words a person knows: the field's label, not its name in the code.
FIELD_WORDS = {
    "text": "The description",
    "notes": "The notes",
    "state": "This form",
    "answer": "The answer",
    "age": "The age",
    "email": "The e-mail address",
    "password": "The password",
}


def plain_validation_message(error: RequestValidationError) -> str:
    """What was wrong with a web form, in plain words: never pydantic's own message, which
    speaks of types and models, and never the value (it may be a password or symptoms)."""
    problems = error.errors()
    first = problems[0] if problems else {}
    field = next((str(p) for p in reversed(first.get("loc", ())) if isinstance(p, str)), "")
    what = FIELD_WORDS.get(field, "One of the fields")
    kind = str(first.get("type", ""))
    limit = (first.get("ctx") or {}).get("max_length")
    if kind == "string_too_long" and isinstance(limit, int):
        problem = f"is too long: keep it under {limit:,} characters"
    elif kind == "missing":
        problem = "is missing"
    else:
        problem = "is not in a form this page can use"
    return f"{what} {problem}. Go back to change it and send it again."


def with_policy(response: Response) -> Response:
    """The page's Content-Security-Policy, on an HTML response."""
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers.setdefault("content-security-policy", CONTENT_SECURITY_POLICY)
    return response


def error_page(request: Request, status: int, message: str) -> Response:
    from spasmcheck.web.templating import render

    title = TITLES.get(status, "Something went wrong")
    return with_policy(
        render(
            request,
            "error.html",
            {"title": title, "message": message, "status": status},
            status_code=status,
        )
    )


def not_found_page(request: Request) -> Response:
    return error_page(request, 404, NO_PAGE)


def sign_in_redirect(next_path: str) -> Response:
    from spasmcheck.web.session import sign_in_url

    return RedirectResponse(sign_in_url(next_path), status_code=303)


SERVICE_STATUS: list[tuple[type[ServiceError], int]] = [
    (NotFound, 404),
    (Conflict, 409),
    (NotConfirmed, 403),
    (TooManyAttempts, 429),
    (Invalid, 422),
    (Busy, 503),
]


def service_error_page(request: Request, error: ServiceError) -> Response:
    status = next((code for kind, code in SERVICE_STATUS if isinstance(error, kind)), 400)
    message = error.message[:1].upper() + error.message[1:]
    page = error_page(request, status, message if message.endswith(".") else f"{message}.")
    retry_after = getattr(error, "retry_after_s", None)
    if retry_after is not None:
        page.headers["Retry-After"] = str(retry_after)
    return page


def http_error_page(request: Request, error: StarletteHTTPException) -> Response:
    if error.status_code == 404:
        return not_found_page(request)
    message = error.detail if isinstance(error.detail, str) else "That did not work."
    return error_page(request, error.status_code, message)


class WebRoute(APIRoute):
    """A route of the web app: its errors are pages, whoever raised them, and its pages carry
    the Content-Security-Policy."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return self._pages(super().get_route_handler())

    def request_only_handler(self) -> Handler:
        """The route's endpoint called with the request alone, its errors pages as on the
        route's own way: for :class:`PageShortcut`. Only for an endpoint that takes nothing
        but the request (no parameter, body or dependency for FastAPI to resolve)."""
        dependant = self.dependant
        if (
            dependant.path_params
            or dependant.query_params
            or dependant.header_params
            or dependant.cookie_params
            or dependant.body_params
            or dependant.dependencies
            or dependant.request_param_name is None
        ):
            raise TypeError(f"{self.path}: the endpoint takes more than the request")
        endpoint, name = self.endpoint, dependant.request_param_name

        async def call(request: Request) -> Response:
            response = await endpoint(**{name: request})
            if not isinstance(response, Response):
                raise TypeError(f"{self.path}: the endpoint answers a Response")
            return response

        return self._pages(call)

    def _pages(self, handler: Handler) -> Handler:
        """``handler`` with the route's errors answered as pages and the page's policy."""
        from spasmcheck.web.session import FormExpired, SignInRequired

        async def pages(request: Request) -> Response:
            try:
                return with_policy(await handler(request))
            except SignInRequired as error:
                return sign_in_redirect(error.next_path)
            except FormExpired:
                return error_page(request, 403, FORM_EXPIRED)
            except PageError as error:
                return error_page(request, error.status, error.message)
            except ServiceError as error:
                return service_error_page(request, error)
            except RequestValidationError as error:
                return error_page(request, 422, plain_validation_message(error))
            except StarletteHTTPException as error:
                return http_error_page(request, error)

        return pages

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            request = Request(scope, receive)
            response = error_page(request, 405, "This address does not take that request.")
            response.headers["Allow"] = ", ".join(sorted(self.methods))
            await response(scope, receive, send)
            return
        await super().handle(scope, receive, send)


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class PageShortcut:
    """ASGI middleware: ``GET`` requests for one page answered here, before FastAPI's layers.

    The interview's question page (``GET /interview``) is where every answer lands. Between
    the application's middleware and its endpoint, FastAPI and Starlette add an exception
    middleware, an exit stack, the router's search (each included router's routes, twice in
    FastAPI 0.165), the resolution of the endpoint's parameters and two more exit stacks:
    about a tenth of the page's CPU (docs/benchmarks.md, "fifth pass"), with nothing to do for
    an endpoint that takes only the request. Here a ``GET`` to ``path`` is handed to the
    route's endpoint with the route's own error pages and policy
    (:meth:`WebRoute.request_only_handler`). Any other method or path goes on to the
    application, and so does a request with a ``root_path``. Installed inside the
    application's other middleware, as :class:`spasmcheck.api.errors.JsonBodyShortcut`: the
    limits and headers apply as before (``tests/web/test_page_shortcut.py``).
    """

    def __init__(self, app: ASGIApp, *, route: WebRoute, path: str) -> None:
        self.app = app
        self.route = route
        self.path = path
        self.handler = route.request_only_handler()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"] != self.path
            or scope.get("root_path")
        ):
            await self.app(scope, receive, send)
            return
        # as the router sets them (the error log names the route)
        scope["route"] = self.route
        scope["endpoint"] = self.route.endpoint
        scope["path_params"] = {}
        response = await self.handler(Request(scope, receive, send))
        await response(scope, receive, send)
