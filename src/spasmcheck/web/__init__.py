"""The web app: server-rendered pages (Jinja2) served by the same FastAPI app as the API.

Pages work without JavaScript; small scripts (the body map, the diary form) only make them
quicker to use. :func:`install_web` mounts the static files and the page routers and turns
"sign in first" and "form expired" into a redirect and an error page.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spasmcheck.web.errors import PageError, error_page, is_web_path, sign_in_redirect
from spasmcheck.web.session import FormExpired, SignInRequired
from spasmcheck.web.templating import STATIC_DIR

# Pages load only their own scripts and styles, are never framed, and send no referrer
# elsewhere. Inline style attributes (bar widths) are allowed; inline scripts are not.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """ASGI middleware: the headers above on every response, the CSP on the web pages.

    Pure ASGI rather than ``@app.middleware("http")``, which would add a task hand-off to
    every API request (the interview step is measured in docs/benchmarks.md).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        web_page = is_web_path(scope["path"])  # /docs loads Swagger UI's scripts: no CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [h for h in COMMON_HEADERS if h[0] not in present]
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html") and web_page:
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def install_web(app: FastAPI) -> None:
    from spasmcheck.web import accounts, diary, pages

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(SecurityHeaders)
    for module in (pages, accounts, diary):
        app.include_router(module.router)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        return sign_in_redirect(exc.next_path)

    @app.exception_handler(FormExpired)
    async def _expired(request: Request, exc: FormExpired) -> Response:
        return error_page(
            request,
            403,
            "This form was opened in an earlier sign-in or on another site. "
            "Nothing was changed. Go back, reload the page and try again.",
        )

    @app.exception_handler(PageError)
    async def _page_error(request: Request, exc: PageError) -> Response:
        return error_page(request, exc.status, exc.message)
