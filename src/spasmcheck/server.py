"""The application factory: the HTTP API and the web pages side by side in one FastAPI app.

:func:`create_app` takes its settings, engine and database session factory as arguments (the
seams the tests swap), puts them on ``app.state`` for :mod:`spasmcheck.services.deps`, and adds
the API's routers under ``/v1`` (:func:`spasmcheck.api.install_api`) and the web's pages
(:func:`spasmcheck.web.install_web`). Each layer turns its own errors into its own format: JSON
from the API's routes, pages from the web's. Only a request that no route matched — an unknown
address — is answered here, in the format of the layer that owns the address's prefix.

Without an engine it builds one from the packaged knowledge base, once per process, and
never from the command line's stem cache (:mod:`spasmcheck.reasoning.cache`): nothing another
account can write to the cache folder reaches the server.

:func:`serve` runs it (``spasmcheck serve``): one process, or several worker processes that
each listen on a socket of their own with ``SO_REUSEPORT``, so the kernel spreads the
connections over them (issue 16; docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import signal
import socket
import threading
import time
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from spasmcheck._version import __version__
from spasmcheck.api import DESCRIPTION, PREFIX, install_api
from spasmcheck.api.errors import JsonBodyShortcut, error_response, http_error_response
from spasmcheck.config import Settings
from spasmcheck.knowledge.loader import load_knowledge_base
from spasmcheck.reasoning.cache import collector_paused
from spasmcheck.reasoning.engine import Engine
from spasmcheck.services.security import client_address
from spasmcheck.web import install_web, web_routers
from spasmcheck.web.errors import PageShortcut, error_page, http_error_page, with_policy

COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
API_PATHS = (f"{PREFIX}/", "/openapi.json", "/docs")
STATIC_PREFIX = "/static/"
INTERVIEW = f"{PREFIX}/interview"
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """The worker threads are exactly the threads the database pool was sized for
    (:data:`spasmcheck.storage.db.THREADS`): no thread waits for a connection."""
    from spasmcheck.storage.db import THREADS

    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    session_factory: Any = None,
) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="spasmcheck",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        # Swagger UI loads its script from a CDN without an integrity check: not in production.
        docs_url=None if settings.environment == "production" else "/docs",
        redoc_url=None,
        lifespan=_lifespan,
        # FastAPI's own OpenTelemetry, off: the project sends no telemetry, and FastAPI's
        # would hand any provider the environment configures each request's address (a
        # mailed link's token in its query) and an exception's message, which can hold health
        # data (see UnexpectedErrors). Off, nothing is asked per request: on, finding out that
        # no provider is configured cost 5 µs of every request (issue 16, seventh pass).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    hide_query_strings()
    app.state.engine = engine or server_engine()
    if session_factory is None:
        from spasmcheck.storage.db import make_session_factory

        session_factory = make_session_factory(settings.database_url)
    app.state.session_factory = session_factory
    # Starlette tries the routes one by one (a regular expression each) in the order they
    # were added: the two interviews' routers first — the web's check pages, then the API's
    # engine routes — so that neither scans the other layer's forty-odd routes on every answer
    # (a tenth of a millisecond of the question page's CPU; docs/benchmarks.md, issue 16). The
    # pages come first because the API's interview does not reach the router at all (its
    # well-formed requests are answered by JsonBodyShortcut, below). No path is in both
    # layers, so the order changes no answer; the OpenAPI document keeps the API's own order.
    from spasmcheck.api.routes import ROUTERS
    from spasmcheck.api.routes import engine as engine_routes
    from spasmcheck.web import pages

    install_web(app, [pages.router], static=False)
    install_api(app, [engine_routes.router])
    install_api(app, [r for r in ROUTERS if r is not engine_routes.router])
    install_web(app, [r for r in web_routers() if r is not pages.router])

    @app.exception_handler(StarletteHTTPException)
    async def _unmatched(request: Request, exc: StarletteHTTPException) -> Response:
        """No route took the request (the routes answer their own errors): an unknown
        address, or a missing static file."""
        path = request.url.path
        if path == PREFIX or path.startswith(API_PATHS):
            return http_error_response(exc, path)
        return http_error_page(request, exc)

    # Innermost: the interview's well-formed requests skip FastAPI's routing and exit stacks;
    # the limits and headers around it apply as before.
    app.add_middleware(JsonBodyShortcut, route=engine_routes.interview_route(), path=INTERVIEW)
    # The same for the web's question page, where every answer lands (issue 16, fifth pass).
    app.add_middleware(PageShortcut, route=pages.current_page_route(), path="/interview")
    app.add_middleware(SecurityHeaders, https=settings.https)
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    # Outside the others: a refused request costs no body read, thread or database write.
    app.add_middleware(SignInGate, limit=2 * settings.max_concurrent_hashes)
    if settings.engine_rate_limit:
        app.add_middleware(EngineRateLimit, settings=settings)
    app.add_middleware(UnexpectedErrors)
    return app


@cache
def server_engine() -> Engine:
    """The engine over the packaged knowledge base, built here (no cache file is read), with
    the garbage collector paused while it is (a worker starts sooner)."""
    with collector_paused():
        return Engine(load_knowledge_base())


class SecurityHeaders:
    """ASGI middleware: the headers above on every response (the web's pages add their own
    Content-Security-Policy, :mod:`spasmcheck.web.errors`); ``Cache-Control: no-store`` on
    everything but the static files, since answers and pages carry health data and account
    details (OWASP ASVS 4.0 8.2.1), unless the route chose its own; and, served over https
    (outside development), ``Strict-Transport-Security``.

    Pure ASGI rather than ``@app.middleware("http")``, which would add a task hand-off to
    every API request (the interview step is measured in docs/benchmarks.md).
    """

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        static = scope["path"].startswith(STATIC_PREFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [h for h in COMMON_HEADERS if h[0] not in present]
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                if self.https:
                    headers.append(HSTS)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodySizeLimit:
    """ASGI middleware: refuse request bodies larger than ``limit`` bytes with a 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = True
            if too_big:
                await self._refuse(scope, receive, send, read=True)
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(scope, receive, send, read=False)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, *, read: bool) -> None:
        response: Response
        if scope["path"].startswith(f"{PREFIX}/"):
            response = error_response(
                413, "payload_too_large", f"the request body is larger than {self.limit} bytes"
            )
        else:  # a web page: HTML that keeps what it can of the text (issue 14 item 6)
            from spasmcheck.web.pages import too_large_page

            response = await too_large_page(Request(scope, receive), self.limit, read=read)
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


# The requests that hash a password: sign-up, sign-in, a new or reset password, and the
# changes that ask for it again (erasure, a new e-mail address).
SIGN_IN_ROUTES = frozenset(
    {
        ("POST", f"{PREFIX}/accounts/register"),
        ("POST", f"{PREFIX}/accounts/login"),
        ("DELETE", f"{PREFIX}/me"),
        ("PATCH", f"{PREFIX}/me"),
        ("POST", f"{PREFIX}/me/password"),
        ("POST", f"{PREFIX}/accounts/password-reset/confirm"),
        ("POST", "/signup"),
        ("POST", "/signin"),
        ("POST", "/account/delete"),
        ("POST", "/account/password"),
        ("POST", "/account/settings"),
        ("POST", "/reset"),
    }
)
BUSY_MESSAGE = "the server is busy: try again in a few seconds"
BUSY_RETRY_AFTER_S = "5"


class SignInGate:
    """ASGI middleware: at most ``limit`` password-hashing requests in flight per process; the
    next one is answered 503 at once.

    The hashing turns (:func:`spasmcheck.services.security.hashing_turn`) bound the memory, but
    a flood of sign-ins waiting for a turn, or writing their rate-limit counters, would still
    hold the worker threads and the database's write lock that every other request needs (a
    triage request took seconds during a 100-connection flood). Refused here, before the body
    is read, a flood costs the others nothing. The event loop is single-threaded, so a plain
    counter is exact.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) not in SIGN_IN_ROUTES:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            await self._refuse(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {"Retry-After": BUSY_RETRY_AFTER_S}
        response: Response
        if scope["path"].startswith(f"{PREFIX}/"):
            response = error_response(503, "busy", BUSY_MESSAGE, headers)
        else:
            page = error_page(
                Request(scope, receive), 503, "The server is busy. Try again in a few seconds."
            )
            page.headers.update(headers)
            response = with_policy(page)
        await response(scope, receive, send)


# The anonymous requests that run the engine or draw a PDF: the costly ones anyone may send.
ENGINE_ROUTES = frozenset(
    {("POST", f"{PREFIX}/{name}") for name in ("parse", "assess", "interview", "triage", "explain")}
    | {("POST", "/interview"), ("POST", "/result/report")}
)
ENGINE_PERIOD_S = 60


class EngineRateLimit:
    """ASGI middleware: at most ``Settings.engine_rate_limit`` engine requests a minute per
    client address (the address as :func:`spasmcheck.services.security.client_address` reads
    it), per process; the next is a 429 with ``Retry-After`` before its body is read.

    In memory rather than in the database: these are the hot routes (hundreds a second), and
    the limit only has to stop one address from taking every worker (200 connections of
    maximum-length texts brought triage to 16 requests/s, issue 15). Estimated over a sliding
    minute from two fixed ones, like the sign-in limits; only two minutes of counts are kept.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.limit = settings.engine_rate_limit
        self.period = -1
        self.current: dict[str, int] = {}
        self.previous: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) not in ENGINE_ROUTES:
            await self.app(scope, receive, send)
            return
        now = time.time()
        period, into = divmod(now, ENGINE_PERIOD_S)
        if int(period) != self.period:
            self.previous = self.current if int(period) == self.period + 1 else {}
            self.current = {}
            self.period = int(period)
        address = client_address(Request(scope), self.settings)
        count = self.current.get(address, 0) + 1
        self.current[address] = count
        weight = 1 - into / ENGINE_PERIOD_S
        if count + self.previous.get(address, 0) * weight <= self.limit:
            await self.app(scope, receive, send)
            return
        retry_after = str(int(ENGINE_PERIOD_S - into) + 1)
        message = "too many requests from this address: wait a minute and try again"
        response: Response
        if scope["path"].startswith(f"{PREFIX}/"):
            response = error_response(
                429, "too_many_requests", message, {"Retry-After": retry_after}
            )
        else:
            page = error_page(
                Request(scope, receive), 429, "Too many checks from this address. Wait a minute."
            )
            page.headers["Retry-After"] = retry_after
            response = with_policy(page)
        await response(scope, receive, send)


class SlowHeadersTimeout(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for a request's headers.

    uvicorn has none: 2,000 connections that sent their headers a byte at a time were all held
    open (issue 15). A connection must finish each request's headers within
    :data:`HEADER_TIMEOUT_S` of opening, or of its previous response; otherwise it is closed.
    A request whose headers are in is never cut (its body is bounded by
    :class:`BodySizeLimit`). ``spasmcheck serve`` uses this protocol (``http=``)."""

    header_timeout_s = 10.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_deadline()

    def _arm_header_deadline(self) -> None:
        self.loop.call_later(self.header_timeout_s, self._headers_deadline, self.cycle)

    def _headers_deadline(self, cycle_then: object) -> None:
        """Close unless a new request's headers arrived since the deadline was set."""
        if self.transport.is_closing():
            return
        started_since = self.cycle is not None and self.cycle is not cycle_then
        if not started_since:
            self.transport.close()


LOG = logging.getLogger("spasmcheck.server")


class PathOnlyAccessLog(logging.Filter):
    """Drop the query string from uvicorn's access log: it can hold a mailed link's one-time
    token (``/reset?token=…``), a range of dates, or words a page put there."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def hide_query_strings() -> None:
    """Install :class:`PathOnlyAccessLog` once on uvicorn's access logger."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(known, PathOnlyAccessLog) for known in access.filters):
        access.addFilter(PathOnlyAccessLog())


class UnexpectedErrors:
    """ASGI middleware: a bug's exception becomes a plain 500, and the log gets where it was
    raised (the exception types and the stack's files and lines) but never its message.

    An exception's message can hold health data: a database error quotes the failing row
    (PostgreSQL's DETAIL), a validation error its input. Uvicorn would log it whole, so the
    exception is not let through to it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:
            LOG.error(
                "unexpected error in %s %s\n%s", scope["method"], _route(scope), _where(error)
            )
            if not started:
                await _server_error(scope, receive, send)


async def _server_error(scope: Scope, receive: Receive, send: Send) -> None:
    """A 500 in the format of the layer that owns the address: JSON for the API, a page for
    the web (plain text if even the page cannot be drawn)."""
    path = scope["path"]
    response: Response
    if path == PREFIX or path.startswith(API_PATHS):
        response = error_response(500, "internal_error", "something went wrong on our side")
    else:
        try:
            response = with_policy(
                error_page(
                    Request(scope, receive),
                    500,
                    "Something went wrong on our side. Go back and try again.",
                )
            )
        except Exception:  # the page itself failed: say it plainly
            response = PlainTextResponse("Something went wrong on our side.", status_code=500)
    await response(scope, receive, send)


def _route(scope: Scope) -> str:
    """The route's pattern (``/v1/episodes/{episode_id}``), never the address asked for."""
    route = scope.get("route")
    return str(getattr(route, "path", "(no route)"))


def _where(error: BaseException) -> str:
    """The exception chain as types and stack frames, without any message."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        summary = traceback.extract_tb(current.__traceback__)
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}")
        lines += [f"  {frame.filename}:{frame.lineno} in {frame.name}" for frame in summary]
        current = current.__cause__ or current.__context__
    return "\n".join(lines)


# -- serving -----------------------------------------------------------------------------------

APP = "spasmcheck.server:create_app"
# uvicorn's exit status for a worker that failed before serving (uvicorn.config.STARTUP_FAILURE).
STARTUP_FAILURE = 3
STOP_TIMEOUT_S = 30.0


class ListenError(Exception):
    """The address cannot be listened on (in use, not ours, not an address)."""


def serve(host: str, port: int, workers: int = 1, *, app: str = APP, factory: bool = True) -> int:
    """Serve ``app`` on ``host``:``port`` until SIGINT or SIGTERM; the exit status.

    One worker runs in this process. Several are processes of their own, each listening on
    its own socket bound with ``SO_REUSEPORT``: the kernel hashes each new connection to one
    of the sockets, so keep-alive clients spread over the workers. With one shared socket
    (``uvicorn --workers``) whichever worker woke first took every connection and the other
    sat idle (518 steps/s with 2 workers, against 949-980 when the connections happened to
    split; issue 16). A worker that dies is started again; one that cannot start stops all."""
    _check_free(host, port)
    if workers == 1:
        _worker(app, factory, host, port, reuse_port=False)
        return 0
    return _Supervisor(app, factory, host, port, workers).run()


def _listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A TCP socket bound to ``host``:``port``. ``IPPROTO_TCP`` so that asyncio sets
    ``TCP_NODELAY`` on its connections (without it every keep-alive response waited ~40 ms
    for the client's delayed ACK: docs/load-benchmark.md)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    return sock


def _check_free(host: str, port: int) -> None:
    """:class:`ListenError` unless the address is free. Bound *without* ``SO_REUSEPORT``: a
    socket with it would join another server of ours already listening there."""
    _listening_socket(host, port, reuse_port=False).close()


def _worker(app: str, factory: bool, host: str, port: int, *, reuse_port: bool = True) -> None:
    """One uvicorn server on a socket of its own (run in each worker process)."""
    import uvicorn

    config = uvicorn.Config(
        app,
        factory=factory,
        host=host,
        port=port,
        log_level="warning",
        # At "warning" uvicorn drops its access records anyway, but only after formatting
        # each one's address and path: off, that work is not done on every request.
        access_log=False,
        # The app reads X-Forwarded-For itself, from SPASMCHECK_TRUSTED_PROXIES only;
        # uvicorn's own handling would trust it from 127.0.0.1 by default.
        proxy_headers=False,
        http=SlowHeadersTimeout,  # uvicorn has no deadline for a request's headers
    )
    try:
        sock = _listening_socket(host, port, reuse_port=reuse_port)
    except ListenError as error:
        LOG.error("%s", error)
        raise SystemExit(STARTUP_FAILURE) from error
    threading.Thread(target=_warm_up, name="spasmcheck-warm-up", daemon=True).start()
    uvicorn.Server(config).run(sockets=[sock])


def _warm_up() -> None:
    """In a served worker, off the request path: import the diary's statistics libraries so
    the first summary does not wait for them, then move everything loaded so far (the
    knowledge base, the engine's tables, the libraries) out of the garbage collector's
    sweeps, which were half the time of a large diary summary (docs/benchmarks.md)."""
    from spasmcheck.diary.stats import preload

    preload()
    gc.freeze()


class _Supervisor:
    """Start ``workers`` worker processes, start again any that dies, stop them all on
    SIGINT or SIGTERM (each finishes its requests in flight)."""

    def __init__(self, app: str, factory: bool, host: str, port: int, workers: int) -> None:
        self.args = (app, factory, host, port)
        self.workers = workers
        self.context = multiprocessing.get_context("spawn")
        self.stopping = threading.Event()

    def _start(self) -> multiprocessing.process.BaseProcess:
        process = self.context.Process(target=_worker, args=self.args, daemon=False)
        process.start()
        return process

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self.stopping.set())
        status = 0
        processes = [self._start() for _ in range(self.workers)]
        while not self.stopping.wait(0.5):
            for index, process in enumerate(processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    LOG.error("a worker could not start: stopping")
                    status = 1
                    self.stopping.set()
                    break
                LOG.warning(
                    "worker %s ended (status %s): starting another", index, process.exitcode
                )
                processes[index] = self._start()
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(STOP_TIMEOUT_S)
            if process.is_alive():
                process.kill()
                process.join()
        return status
