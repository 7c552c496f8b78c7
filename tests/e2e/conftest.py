"""Browser-test fixtures: one app server and one Chromium per session, a fresh context per test.

A context is a new browser profile (no cookies, no storage), so nothing a test does leaks
into the next. Chromium is Debian's (see ``server.py``); a machine without it fails these
tests with the install command, unless ``SPASMCHECK_SKIP_BROWSER=1`` says to skip them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, INSTALL_HINT, TEST_FACTORY, running_server

PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
ACTION_TIMEOUT_MS = 10_000

ContextFactory = Callable[..., BrowserContext]


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("e2e"), factory=TEST_FACTORY) as url:
        yield url


# Package scope, not session: Playwright's sync API leaves an asyncio loop marked as running
# on the main thread while it is open, and ``asyncio.run`` refuses to start under it. Closed
# when the last browser test is done, later tests (in this process or an xdist worker that
# ran the browser tests first) get a clean thread.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("SPASMCHECK_SKIP_BROWSER") == "1":
            pytest.skip(f"no Chromium at {CHROMIUM} and SPASMCHECK_SKIP_BROWSER=1")
        pytest.fail(INSTALL_HINT)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser: Browser, server_url: str) -> Iterator[ContextFactory]:
    """Open browser contexts on the test server; all are closed after the test."""
    opened: list[BrowserContext] = []

    def open_context(**options: Any) -> BrowserContext:
        context = browser.new_context(base_url=server_url, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def phone(new_context: ContextFactory) -> Page:
    return new_context(**PHONE).new_page()


@pytest.fixture
def desktop(new_context: ContextFactory) -> Page:
    return new_context(**DESKTOP).new_page()
