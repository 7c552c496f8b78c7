"""The web app: server-rendered pages (Jinja2) served by the same FastAPI app as the API.

Pages work without JavaScript; small scripts (the body map, the diary form) only make them
quicker to use. :func:`install_web` mounts the static files and the page routers and turns
"sign in first" and "form expired" into a redirect and an error page.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from spasmcheck.web.errors import PageError, error_page, sign_in_redirect
from spasmcheck.web.session import FormExpired, SignInRequired
from spasmcheck.web.templating import STATIC_DIR


def install_web(app: FastAPI) -> None:
    from spasmcheck.web import accounts, diary, pages

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
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
