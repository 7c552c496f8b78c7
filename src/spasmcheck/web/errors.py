"""Errors on web pages are pages: a clear message in plain words and a way on, never JSON.

The API's handlers (:mod:`spasmcheck.api.errors`) ask :func:`is_web_path` first and hand web
requests here, so a mistyped address, an expired form or a bad value shows a page with the
site's navigation, with the right status code.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

API_PREFIXES = ("/v1/", "/openapi.json", "/docs")

TITLES = {
    400: "That did not work",
    403: "This form has expired",
    404: "Page not found",
    405: "That did not work",
    413: "That is too long",
    422: "Please check what you entered",
    429: "Too many attempts",
}


class PageError(Exception):
    """Raise from a web route to show an error page with ``status`` and ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_web_path(path: str) -> bool:
    return not (path == "/v1" or path.startswith(API_PREFIXES))


def error_page(request: Request, status: int, message: str) -> Response:
    from spasmcheck.web.templating import render

    title = TITLES.get(status, "Something went wrong")
    return render(
        request,
        "error.html",
        {"title": title, "message": message, "status": status},
        status_code=status,
    )


def sign_in_redirect(next_path: str) -> Response:
    from spasmcheck.web.session import sign_in_url

    return RedirectResponse(sign_in_url(next_path), status_code=303)
