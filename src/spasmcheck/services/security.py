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
- Password hashing is bounded: argon2id takes 64 MiB and half a second a hash, so at most
  ``Settings.max_concurrent_hashes`` run at once; a request that cannot get a turn within
  :data:`HASH_WAIT_S` is refused at once (:class:`Busy`, a 503) instead of queueing until the
  server runs out of memory, and no other request waits behind it.
- Sign-in and sign-up are limited before any hashing (OWASP ASVS 4.0 2.2.1): per email and
  client address, per client address whatever the email, per account whatever the address,
  and sign-ups per address. Each limit is a counter in the database bumped by one atomic
  upsert (:func:`spasmcheck.storage.repository.count_hit`), so it holds across threads,
  workers and instances.
- Signing in and signing up are CSRF-checked too (login CSRF: a hostile page must not sign the
  browser into the attacker's account, where the person would then log their diary). They
  have no session yet to hold a token, so :func:`check_same_origin` reads what the browser
  says about where the request comes from: ``Sec-Fetch-Site``, else ``Origin``.
- The client's address is the connection's, unless the connection comes from one of
  ``Settings.trusted_proxies`` (empty by default): only then is ``X-Forwarded-For`` read.

Nothing here logs: tokens, passwords and email addresses never reach the log.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TypeVar

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Request, Response
from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy.orm import Session

from spasmcheck.config import Settings
from spasmcheck.services.errors import Busy, TooManyAttempts
from spasmcheck.storage import repository
from spasmcheck.storage.models import AuthToken, User, utcnow

T = TypeVar("T")
SESSION_COOKIE = "spasmcheck_session"
CSRF_COOKIE = "spasmcheck_csrf"
# In production the cookies carry the __Host- prefix: the browser then keeps them only when
# they are Secure, for the whole site and for this host alone (no Domain), so a sibling
# subdomain or a plain-http page cannot plant or overwrite them.
HOST_PREFIX = "__Host-"


def session_cookie(settings: Settings) -> str:
    return (
        f"{HOST_PREFIX}{SESSION_COOKIE}" if settings.environment == "production" else SESSION_COOKIE
    )


def csrf_cookie(settings: Settings) -> str:
    return f"{HOST_PREFIX}{CSRF_COOKIE}" if settings.environment == "production" else CSRF_COOKIE


CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_BYTES = 32
HASH_WAIT_S = 0.5  # the longest a request waits for a turn to hash before a 503
BUSY = "the server is busy: try again in a few seconds"
TOO_MANY = "too many sign-in attempts: wait a minute and try again"
TOO_MANY_SIGN_UPS = "too many new accounts from this address: try again later"
MINUTE = 60
HOUR = 3600


@cache
def _hasher(fast: bool) -> tuple[PasswordHasher, str]:
    """The hasher, and a hash of a random password made with it: verified against when the
    email is unknown, so both answers take the same time."""
    hasher = PasswordHasher.from_parameters(profiles.CHEAPEST) if fast else PasswordHasher()
    return hasher, hasher.hash(secrets.token_urlsafe(16))


@cache
def _hash_turns(size: int) -> threading.BoundedSemaphore:
    """One semaphore per process (per size, so that tests can choose theirs)."""
    return threading.BoundedSemaphore(size)


@contextmanager
def hashing_turn(settings: Settings) -> Iterator[None]:
    """A turn to hash, or :class:`Busy` when none frees up within :data:`HASH_WAIT_S`."""
    turns = _hash_turns(settings.max_concurrent_hashes)
    if not turns.acquire(timeout=HASH_WAIT_S):
        raise Busy(BUSY)
    try:
        yield
    finally:
        turns.release()


# Hashing threads run at the lowest CPU priority: argon2id hashes on four lanes (threads of
# their own, which inherit it), enough to starve every other request of the CPU during a
# flood of sign-ins; niced, they take only what the other requests leave.
HASH_NICE = 19


def _lower_priority() -> None:
    with suppress(OSError, AttributeError):  # not Linux, or not allowed: run as we are
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICE)


@cache
def _hashing_threads(size: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(size, "spasmcheck-hash", initializer=_lower_priority)


def _hashed(settings: Settings, work: Callable[[], T]) -> T:
    """``work`` (a hash or a verification) on a low-priority hashing thread, once it has a
    turn (:func:`hashing_turn`)."""
    with hashing_turn(settings):
        return _hashing_threads(settings.max_concurrent_hashes).submit(work).result()


def hash_password(password: str, *, settings: Settings) -> str:
    hasher, _ = _hasher(settings.fast_password_hashing)
    return _hashed(settings, lambda: hasher.hash(password))


def verify_password(password_hash: str | None, password: str, *, settings: Settings) -> bool:
    """Whether ``password`` matches; with no hash, spend the same time and say no.

    The parameters are read from the stored hash itself, so a hash made with other
    parameters still verifies."""
    hasher, dummy = _hasher(settings.fast_password_hashing)

    def verify() -> bool:
        try:
            return hasher.verify(password_hash or dummy, password) and password_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return _hashed(settings, verify)


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
    repository.prune_counters(session, now=now)
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
    secure = settings.https
    cookie = _signer(settings).sign(issued.session_token).decode("ascii")
    response.set_cookie(
        session_cookie(settings),
        cookie,
        max_age=settings.session_max_age_s,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    response.set_cookie(
        csrf_cookie(settings),
        issued.csrf_token,
        max_age=settings.session_max_age_s,
        httponly=False,
        secure=secure,
        samesite="lax",
        path="/",
    )


def clear_session_cookies(response: Response, *, settings: Settings) -> None:
    secure = settings.https
    for name, httponly in ((session_cookie(settings), True), (csrf_cookie(settings), False)):
        response.delete_cookie(name, path="/", secure=secure, httponly=httponly, samesite="lax")


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
    cookie = request.cookies.get(session_cookie(settings))
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


CROSS_SITE = "this form was sent from another site: open the sign-in page here and try again"


def check_same_origin(request: Request) -> None:
    """Refuse (403) a request that a browser says comes from another site.

    ``Sec-Fetch-Site`` (every current browser sends it) must be ``same-origin`` or ``none`` (typed
    or bookmarked); without it, an ``Origin`` header must name this host. A request with
    neither comes from no browser (curl, an API client), which a hostile page cannot drive."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        if fetch_site.lower() not in ("same-origin", "none"):
            raise AuthError(403, "cross_site", CROSS_SITE)
        return
    origin = request.headers.get("origin")
    if origin is None:
        return
    host = request.headers.get("host", "")
    _scheme, _, rest = origin.partition("://")
    if origin == "null" or not rest or rest.lower() != host.lower():
        raise AuthError(403, "cross_site", CROSS_SITE)


def client_address(request: Request, settings: Settings) -> str:
    """The client's IP address: the connection's own, or, when the connection comes from a
    trusted proxy, the nearest address in ``X-Forwarded-For`` that is not a trusted proxy."""
    peer = request.client.host if request.client else "unknown"
    networks = _networks(settings.trusted_proxies)
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = [
        part.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for part in header.split(",")
    ]
    for hop in reversed(forwarded):
        if not _trusted(hop, networks):
            return hop[:64]
    return peer


@cache
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(
    address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


@dataclass(frozen=True)
class Limit:
    """At most ``budget`` uses of ``key`` per fixed period of ``period_s`` seconds."""

    key: str
    budget: int
    period_s: int


def spend(session: Session, limits: list[Limit], *, message: str) -> None:
    """Count one use against every limit; :class:`TooManyAttempts` if any is spent.

    Each limit is a sliding window estimated from two fixed periods (the current one, and the
    previous one weighted by how much of it the window still covers), so a burst at a
    period's boundary gets no second budget. The current period's count comes from one atomic
    upsert: concurrent requests each see a different number. Every counter is bumped even
    when an earlier one is already spent, so each counts every attempt it covers."""
    now = utcnow().timestamp()
    retry_after: int | None = None
    for limit in limits:
        period, into = divmod(now, limit.period_s)
        key_hash = digest(limit.key)
        current = repository.count_hit(
            session,
            key_hash=key_hash,
            period=int(period),
            # kept for one more period: the next one still weighs it
            expires_at=datetime.fromtimestamp((period + 2) * limit.period_s, tz=UTC),
        )
        previous = repository.read_count(session, key_hash=key_hash, period=int(period) - 1)
        if current + previous * (1 - into / limit.period_s) > limit.budget:
            left = int(limit.period_s - into) + 1
            retry_after = max(retry_after or 0, left)
    if retry_after is not None:
        raise TooManyAttempts(message, retry_after_s=retry_after)


def refund(session: Session, limits: list[Limit]) -> None:
    """Give back the use :func:`spend` counted, once the attempt proved right: the limits are
    on guesses, and a person who types their password correctly several times in a minute
    (sign in, change a setting, delete the account) must not be locked out by it. Counting
    first and refunding after keeps the count atomic, so concurrent wrong guesses still stop
    at the budget."""
    period = int(utcnow().timestamp())
    for limit in limits:
        repository.uncount_hit(session, key_hash=digest(limit.key), period=period // limit.period_s)


def sign_in_limits(email: str, address: str, settings: Settings) -> list[Limit]:
    return [
        Limit(f"login\x00{email}\x00{address}", settings.login_rate_limit, MINUTE),
        Limit(f"login-address\x00{address}", settings.address_login_rate_limit, MINUTE),
        Limit(f"login-account\x00{email}", settings.account_login_rate_limit, HOUR),
    ]


def sign_up_limits(address: str, settings: Settings) -> list[Limit]:
    return [Limit(f"register\x00{address}", settings.register_rate_limit, HOUR)]
