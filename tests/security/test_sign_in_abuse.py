"""Issue 15, items 2 and 3: a sign-in flood cannot take the service down, and the limits on
guessing hold under concurrency, across e-mails and across addresses (OWASP ASVS 4.0 2.2.1).

The service-level tests run on SQLite and on PostgreSQL (``session_factory``); the HTTP-level
ones check the status codes and headers a client sees.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import PlainTextResponse
from starlette.types import Message, Receive, Scope, Send

from spasmcheck.config import Settings, SettingsError
from spasmcheck.server import SignInGate
from spasmcheck.services import account_links, accounts
from spasmcheck.services.errors import Busy, EmailTaken, ServiceError, TooManyAttempts
from spasmcheck.services.schemas import AccountCreate, LoginRequest
from spasmcheck.services.security import (
    HASH_NICE,
    HASH_WAIT_S,
    _hashing_threads,
    client_address,
    hashing_turn,
)
from tests.api.conftest import BASE_URL, PASSWORD, TestClient, error_of, make_app


def settings(**overrides: object) -> Settings:
    fields: dict[str, object] = {"environment": "test", "fast_password_hashing": True}
    return Settings(**{**fields, **overrides})  # type: ignore[arg-type]


def create(session: Session, email: str, config: Settings, client: str = "192.0.2.1") -> None:
    account = AccountCreate(email=email, password=PASSWORD)
    accounts.register(session, account=account, client=client, settings=config)


def attempt(session: Session, email: str, password: str, client: str, config: Settings) -> str:
    """What one sign-in attempt comes to: ok, wrong, or limited."""
    credentials = LoginRequest(email=email, password=password)
    try:
        account_links.log_in(
            session, credentials=credentials, client=client, base_url=BASE_URL, settings=config
        )
    except TooManyAttempts:
        return "limited"
    except ServiceError:
        return "wrong"
    return "ok"


# -- item 3: login throttling that holds --------------------------------------------------------
def test_concurrent_guesses_get_exactly_the_budget(
    session_factory: sessionmaker[Session],
) -> None:
    """Twenty guesses at once with a budget of five: exactly five are heard (the old
    count-then-insert let 5 to 11 through)."""
    config = settings(login_rate_limit=5, max_concurrent_hashes=20)
    with session_factory() as session:
        create(session, "ann@example.org", config)
    start = threading.Barrier(20)

    def guess(n: int) -> str:
        with session_factory() as own:
            start.wait()
            return attempt(own, "ann@example.org", f"wrong guess {n}", "198.51.100.7", config)

    with ThreadPoolExecutor(20) as pool:
        outcomes = list(pool.map(guess, range(20)))
    assert outcomes.count("wrong") == 5
    assert outcomes.count("limited") == 15


def test_many_addresses_cannot_guess_one_account_without_limit(
    session_factory: sessionmaker[Session],
) -> None:
    config = settings(login_rate_limit=5, account_login_rate_limit=4)
    with session_factory() as session:
        create(session, "ann@example.org", config)
        outcomes = [
            attempt(session, "ann@example.org", "wrong guess", f"203.0.113.{n}", config)
            for n in range(6)
        ]
        assert outcomes == ["wrong"] * 4 + ["limited"] * 2
        # the account's budget is spent for everyone, the right password included
        assert attempt(session, "ann@example.org", PASSWORD, "192.0.2.50", config) == "limited"


def test_one_address_cannot_spray_one_password_over_many_emails(
    session_factory: sessionmaker[Session],
) -> None:
    config = settings(address_login_rate_limit=3)
    with session_factory() as session:
        outcomes = [
            attempt(session, f"user{n}@example.org", "Summer2026!", "198.51.100.7", config)
            for n in range(5)
        ]
        assert outcomes == ["wrong"] * 3 + ["limited"] * 2
        assert attempt(session, "user9@example.org", "x", "198.51.100.8", config) == "wrong"


def request_from(peer: str, forwarded: str | None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (peer, 4321), "headers": headers})


@pytest.mark.parametrize(
    ("proxies", "peer", "forwarded", "client"),
    [
        # by default the header is nobody's word, not even from 127.0.0.1
        ((), "127.0.0.1", "203.0.113.5", "127.0.0.1"),
        ((), "198.51.100.7", "203.0.113.5", "198.51.100.7"),
        # a trusted proxy's word is taken, the nearest untrusted hop is the client
        (("127.0.0.1",), "127.0.0.1", "203.0.113.5", "203.0.113.5"),
        (("127.0.0.1", "10.0.0.0/8"), "127.0.0.1", "6.6.6.6, 203.0.113.5, 10.1.2.3", "203.0.113.5"),
        # an untrusted peer cannot speak for anyone
        (("10.0.0.0/8",), "198.51.100.7", "203.0.113.5", "198.51.100.7"),
        # a trusted proxy that forwards nothing is itself the client
        (("127.0.0.1",), "127.0.0.1", None, "127.0.0.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    proxies: tuple[str, ...], peer: str, forwarded: str | None, client: str
) -> None:
    assert (
        client_address(request_from(peer, forwarded), settings(trusted_proxies=proxies)) == client
    )


def test_trusted_proxies_are_checked_at_start_up() -> None:
    with pytest.raises(SettingsError, match="not an IP address"):
        settings(trusted_proxies=("proxy.example.org",))
    assert Settings(environment="development").trusted_proxies == ()


# -- item 2: a sign-in flood ---------------------------------------------------------------------
def test_sign_ups_are_limited_per_address_whatever_the_email(
    session_factory: sessionmaker[Session],
) -> None:
    config = settings(register_rate_limit=2)
    with session_factory() as session:
        create(session, "a@example.org", config)
        create(session, "b@example.org", config)
        with pytest.raises(TooManyAttempts):
            create(session, "c@example.org", config)
        create(session, "c@example.org", config, client="192.0.2.99")  # another address


def test_a_taken_address_is_refused_before_any_hashing(
    session_factory: sessionmaker[Session],
) -> None:
    config = settings(max_concurrent_hashes=1)
    with session_factory() as session:
        create(session, "ann@example.org", config)
        # the only hashing turn is taken, so a sign-up that hashed would be refused as Busy
        with hashing_turn(config), pytest.raises(EmailTaken):
            create(session, "ann@example.org", config, client="192.0.2.2")


def test_a_saturated_server_answers_503_at_once(tmp_path: Path) -> None:
    app = make_app(tmp_path, max_concurrent_hashes=1)
    config: Settings = app.state.settings
    with TestClient(app, base_url=BASE_URL) as client, hashing_turn(config):
        for path, body in (
            ("/v1/accounts/register", {"email": "new@example.org", "password": PASSWORD}),
            ("/v1/accounts/login", {"email": "new@example.org", "password": PASSWORD}),
        ):
            began = time.monotonic()
            response = client.post(path, json=body)
            assert time.monotonic() - began < HASH_WAIT_S + 1
            assert response.status_code == 503, response.text
            assert error_of(response)["code"] == "busy"
            assert response.headers["retry-after"] == str(Busy.retry_after_s)
        page = client.post("/signup", data={"email": "w@example.org", "password": PASSWORD})
        assert page.status_code == 503
        assert "text/html" in page.headers["content-type"]
    with TestClient(app, base_url=BASE_URL) as client:  # the turn is free again
        created = client.post(
            "/v1/accounts/register", json={"email": "new@example.org", "password": PASSWORD}
        )
        assert created.status_code == 201


def test_the_register_limit_is_a_429_with_retry_after(tmp_path: Path) -> None:
    app = make_app(tmp_path, register_rate_limit=1)
    with TestClient(app, base_url=BASE_URL) as client:
        first = {"email": "one@example.org", "password": PASSWORD}
        assert client.post("/v1/accounts/register", json=first).status_code == 201
        second = {"email": "two@example.org", "password": PASSWORD}
        refused = client.post("/v1/accounts/register", json=second)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        page = client.post("/signup", data=second)
        assert page.status_code == 429
        assert "Too many new accounts" in page.text


def test_sign_ins_beyond_the_gate_are_refused_before_any_work(tmp_path: Path) -> None:
    """With ``limit`` sign-ins in flight, the next one is a 503 at once, JSON from the API and
    a page from the web; other requests pass, and a finished sign-in frees its place."""
    app = make_app(tmp_path)
    release = asyncio.Event()
    reached: list[str] = []

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append(scope["path"])
        if scope["path"] == "/v1/accounts/login":
            await release.wait()
        await PlainTextResponse("ok")(scope, receive, send)

    gate = SignInGate(slow, limit=1)

    async def call(method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        sent: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            sent.append(message)

        scope: Scope = {
            "type": "http",
            "method": method,
            "path": path,
            "headers": [],
            "query_string": b"",
            "app": app,
        }
        await gate(scope, receive, send)
        start = sent[0]
        headers = {k.decode(): v.decode() for k, v in start["headers"]}
        return start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])

    async def scenario() -> None:
        first = asyncio.create_task(call("POST", "/v1/accounts/login"))
        await asyncio.sleep(0.01)
        status, headers, body = await call("POST", "/v1/accounts/register")
        assert status == 503 and headers["retry-after"] == "5" and b'"busy"' in body
        status, headers, body = await call("POST", "/signin")
        assert status == 503 and headers["content-type"].startswith("text/html")
        assert (await call("POST", "/v1/triage"))[0] == 200  # not a sign-in: not gated
        release.set()
        assert (await first)[0] == 200
        assert (await call("POST", "/v1/accounts/register"))[0] == 200  # its place is free

    # A fresh loop in its own thread: an earlier test (Playwright's sync API) may have left a
    # loop running on this one, and asyncio.run refuses to start inside it.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result()
    assert reached == ["/v1/accounts/login", "/v1/triage", "/v1/accounts/register"]


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="thread priorities are POSIX only")
def test_hashing_runs_at_the_lowest_cpu_priority() -> None:
    """argon2id's lanes inherit the hashing thread's priority, so a flood of sign-ins takes
    only the CPU that other requests leave."""

    def own_priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    threads = _hashing_threads(settings().max_concurrent_hashes)
    assert threads.submit(own_priority).result() == HASH_NICE
    assert own_priority() < HASH_NICE  # the request threads keep theirs


def test_a_right_password_does_not_spend_the_limit_on_guesses(tmp_path: Path) -> None:
    """Usability walkthrough C8: signing in, changing a setting and deleting the account in
    one minute, each with the right password, answered "Too many attempts" at the delete.
    The limits count wrong guesses; a right password gives its count back."""
    app = make_app(tmp_path, login_rate_limit=3)
    with TestClient(app, base_url=BASE_URL) as client:
        email = "right.every.time@example.org"
        body = {"email": email, "password": PASSWORD}
        assert client.post("/v1/accounts/register", json=body).status_code == 201
        for _ in range(6):
            assert client.post("/v1/accounts/login", json=body).status_code == 200
        wrong = {"email": email, "password": "not the password at all"}
        codes = [client.post("/v1/accounts/login", json=wrong).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
