"""Passwords, sign-in tokens, cookie sessions, CSRF and login rate limiting.

- Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second choice). The
  test suite sets ``Settings.fast_password_hashing``, argon2-cffi's cheapest profile, so that
  hundreds of sign-ups take milliseconds; production refuses that setting (``config.py``).
- A sign-in issues two random tokens, stored only as SHA-256 digests: a bearer token for API
  clients and a cookie session for the web app. The cookie value is the session token signed
  with the server's secret (itsdangerous, timestamped), so a cookie older than
  ``session_max_age_s`` or not made by this server is refused before the database is asked;
  the database expiry ends it too, and signing out deletes it.
- CSRF: a request authenticated by the cookie that changes something (POST, PATCH, PUT,
  DELETE) must repeat the sign-in's CSRF token in the ``X-CSRF-Token`` header. The token is
  also set as a readable cookie for the web app's scripts (double submit), and the server
  compares it with the digest stored with the session. A bearer request needs none: a
  browser never attaches an Authorization header on its own.
- Login attempts are counted per digest of email and client address, in the database, so the
  limit holds across several app instances.

Nothing here logs: tokens, passwords and email addresses never reach the log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Request, Response
from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy.orm import Session

from spasmcheck.config import Settings
from spasmcheck.storage import repository
from spasmcheck.storage.models import AuthToken, User, utcnow

SESSION_COOKIE = "spasmcheck_session"
CSRF_COOKIE = "spasmcheck_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RATE_WINDOW = timedelta(minutes=1)
TOKEN_BYTES = 32


@cache
def _hasher(fast: bool) -> tuple[PasswordHasher, str]:
    """The hasher, and a hash of a random password made with it: verified against when the
    email is unknown, so both answers take the same time."""
    hasher = PasswordHasher.from_parameters(profiles.CHEAPEST) if fast else PasswordHasher()
    return hasher, hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str, *, settings: Settings) -> str:
    hasher, _ = _hasher(settings.fast_password_hashing)
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str, *, settings: Settings) -> bool:
    """Whether ``password`` matches; with no hash, spend the same time and say no.

    The parameters are read from the stored hash itself, so a hash made with other
    parameters still verifies."""
    hasher, dummy = _hasher(settings.fast_password_hashing)
    try:
        return hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _signer(settings: Settings) -> TimestampSigner:
    return TimestampSigner(settings.secret_key, salt="spasmcheck.session")


@dataclass(frozen=True)
class SignIn:
    """What a successful sign-in hands out (the raw values exist only here)."""

    bearer_token: str
    session_token: str
    csrf_token: str
    expires_at: datetime


def sign_in(session: Session, *, user: User, settings: Settings) -> SignIn:
    now = utcnow()
    expires_at = now + timedelta(seconds=settings.session_max_age_s)
    issued = SignIn(new_token(), new_token(), new_token(), expires_at)
    family = digest(new_token())
    repository.delete_expired_tokens(session, now=now)
    repository.create_token(
        session,
        user_id=user.id,
        token_hash=digest(issued.bearer_token),
        kind="bearer",
        family=family,
        expires_at=expires_at,
    )
    repository.create_token(
        session,
        user_id=user.id,
        token_hash=digest(issued.session_token),
        kind="session",
        family=family,
        expires_at=expires_at,
        csrf_hash=digest(issued.csrf_token),
    )
    return issued


def set_session_cookies(response: Response, *, issued: SignIn, settings: Settings) -> None:
    secure = settings.environment != "development"
    cookie = _signer(settings).sign(issued.session_token).decode("ascii")
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=settings.session_max_age_s,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        issued.csrf_token,
        max_age=settings.session_max_age_s,
        httponly=False,
        secure=secure,
        samesite="lax",
        path="/",
    )


def clear_session_cookies(response: Response, *, settings: Settings) -> None:
    secure = settings.environment != "development"
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(
            name, path="/", secure=secure, httponly=name == SESSION_COOKIE, samesite="lax"
        )


class AuthError(Exception):
    """Why a request is not authenticated (401) or not allowed (403)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def authenticate(
    request: Request,
    session: Session,
    settings: Settings,
    *,
    csrf_sent: str | None = None,
    verify_csrf: bool = True,
) -> AuthToken:
    """The live token behind ``request``: a bearer token, else the session cookie.

    A request with an Authorization header is judged by it alone, never falling back to the
    cookie, so a bad bearer token is always a 401. ``csrf_sent`` is the CSRF token from a web
    form's hidden field; without it, the ``X-CSRF-Token`` header is checked. A web page that
    only reads who is signed in (to draw its header) passes ``verify_csrf=False``.
    """
    now = utcnow()
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, value = header.partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value or len(value) > 512:
            raise AuthError(401, "unauthorized", "use 'Authorization: Bearer <token>'")
        token = repository.get_live_token(session, token_hash=digest(value), kind="bearer", now=now)
        if token is None:
            raise AuthError(401, "unauthorized", "the token is not valid or has expired")
        return token
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise AuthError(401, "unauthorized", "sign in first: no session cookie or bearer token")
    try:
        raw = _signer(settings).unsign(cookie[:1024], max_age=settings.session_max_age_s)
    except BadSignature as error:  # includes SignatureExpired
        raise AuthError(401, "unauthorized", "the session is not valid or has expired") from error
    token = repository.get_live_token(
        session, token_hash=digest(raw.decode("ascii", "replace")), kind="session", now=now
    )
    if token is None:
        raise AuthError(401, "unauthorized", "the session is not valid or has expired")
    if verify_csrf and request.method not in SAFE_METHODS:
        sent = csrf_sent if csrf_sent is not None else request.headers.get(CSRF_HEADER, "")
        if (
            not sent
            or token.csrf_hash is None
            or not hmac.compare_digest(digest(sent[:512]), token.csrf_hash)
        ):
            raise AuthError(
                403, "csrf_failed", f"a signed-in form needs the {CSRF_HEADER} header from sign-in"
            )
    return token


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit_key(email: str, address: str) -> str:
    return digest(f"{email}\x00{address}")


def login_allowed(session: Session, *, key: str, settings: Settings) -> bool:
    """Record one attempt under ``key``; False when the minute's budget is already spent."""
    now = utcnow()
    repository.prune_login_attempts(session, before=now - RATE_WINDOW)
    recent = repository.count_login_attempts(session, key_hash=key, since=now - RATE_WINDOW)
    if recent >= settings.login_rate_limit:
        return False
    repository.record_login_attempt(session, key_hash=key, at=now)
    return True
