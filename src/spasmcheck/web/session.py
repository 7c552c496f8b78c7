"""Who is signed in, for the web pages: the session cookie only, CSRF from a form field.

Pages call :func:`page_user` (``None`` when signed out; :func:`visitor` from an ``async``
page, which reads nothing for a visitor without a session cookie) or :func:`require_user`,
which raises :class:`SignInRequired`; the web app turns that into a redirect to the sign-in
page that returns to where the person was. A form that changes something repeats the sign-in's CSRF
token in a hidden ``csrf_token`` field (:func:`form_user`), checked against the digest stored
with the session, exactly as the API checks its header.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spasmcheck.config import Settings
from spasmcheck.services.deps import get_session
from spasmcheck.services.security import AuthError, authenticate, session_cookie
from spasmcheck.storage import repository
from spasmcheck.storage.models import AuthToken, User


class SignInRequired(Exception):
    """The page needs an account; ``next`` is where to come back to after signing in."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class FormExpired(Exception):
    """A signed-in form came without a valid CSRF token (an old tab, or another site)."""


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _token(request: Request, session: Session, csrf: str | None) -> AuthToken | None:
    """The cookie session's token; with ``csrf`` None, only reading (no CSRF check)."""
    # The web app reads the cookie only; an Authorization header is the API's business.
    settings = _settings(request)
    if not request.cookies.get(session_cookie(settings)) or "authorization" in request.headers:
        return None
    try:
        return authenticate(
            request, session, settings, csrf_sent=csrf, verify_csrf=csrf is not None
        )
    except AuthError as error:
        if error.code == "csrf_failed":
            raise FormExpired(error.message) from error
        return None


def _remember(request: Request, token: AuthToken | None, session: Session) -> User | None:
    user = repository.get_user(session, user_id=token.user_id) if token else None
    request.state.user = user
    request.state.token = token if user else None
    return user


def page_user(request: Request, session: Session) -> User | None:
    """The signed-in account, for showing a page (never for changing anything), or None."""
    return _remember(request, _token(request, session, None), session)


async def visitor(request: Request) -> User | None:
    """:func:`page_user` for a page that runs on the event loop: without a session cookie
    nothing is opened or read (no database session, no thread, no connection); with one, a
    session is opened for it alone and the account read on a thread, as the database is.

    The page takes no ``SessionDep``: a dependency that yields costs FastAPI an exit stack
    on every request, a tenth of a millisecond on the interview's question page, which most
    people answer signed out (issue 16). The account is read in full before the session
    closes; a page only asks whether there is one."""
    if not request.cookies.get(session_cookie(_settings(request))) or (
        "authorization" in request.headers
    ):
        request.state.user = None
        request.state.token = None
        return None
    async with _session_for(request) as session:
        return await run_in_threadpool(page_user, request, session)


_session_for = asynccontextmanager(get_session)  # the same bound and closing as SessionDep


def next_target(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def require_user(request: Request, session: Session) -> User:
    user = page_user(request, session)
    if user is None:
        raise SignInRequired(next_target(request))
    return user


def form_user(request: Request, session: Session, csrf_token: str) -> User:
    """The signed-in account behind a form post, with its CSRF token checked."""
    user = _remember(request, _token(request, session, csrf_token or ""), session)
    if user is None:
        raise SignInRequired(next_target(request) if request.method == "GET" else "/")
    return user


def safe_next(value: str | None, default: str = "/") -> str:
    """A same-site path to return to: never another host or a scheme-relative URL."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value[:512]


def sign_in_url(next_path: str) -> str:
    return f"/signin?next={quote(next_path, safe='/')}"
