"""Start the real app in a subprocess and a headless Chromium, for the browser tests and
``scripts/screenshots``.

The server is started exactly as a person would run it (uvicorn with the app factory; the
browser tests give the factory of tests/e2e/app.py, the same with cheap hashing) on a
free local port and a fresh SQLite file, in the "development" environment so that its
cookies are not marked Secure on plain http. The browser is Debian's Chromium headless shell
(``chromium-headless-shell``: the same Blink and V8 as ``chromium``, without the desktop
browser around them; it is what Playwright itself runs for headless Chromium), driven by
Playwright without ``playwright install`` (that would download a browser build, which this
project's machines cannot fetch).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

# The headless shell, not the full browser (``/usr/bin/chromium``): the same pages, laid out,
# scripted and checked by axe the same way, for about half the CPU a navigation
# (docs/benchmarks.md, "Test suite time"); the browser tests navigate about 300 times.
CHROMIUM = Path("/usr/bin/chromium-headless-shell")
# The features Playwright 1.65 disables in every Chromium it launches (its ``chromiumSwitches``).
# Chromium keeps only the last ``--disable-features`` of a command line, so to disable one more
# the list is given again in full; tests/e2e/test_browser_flags.py fails when Playwright's own
# list holds a name this one lacks.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
# RenderDocument makes Chromium build a new render frame host for every navigation, even
# within the site; the browser tests navigate about 300 times, and without it Chromium spends
# about a fifth less CPU on an interview walk (docs/benchmarks.md, "Test suite time"). Nothing
# a page can observe changes.
EXTRA_DISABLED_FEATURES = ("RenderDocument",)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + EXTRA_DISABLED_FEATURES),
]
INSTALL_HINT = (
    f"The browser tests need Debian's Chromium headless shell at {CHROMIUM}. Install it with "
    "`apt-get update && apt-get install -y chromium-headless-shell fonts-dejavu-core` "
    "(.ci/run does this), or set SPASMCHECK_SKIP_BROWSER=1 to skip them."
)
START_TIMEOUT_S = 30.0
PRODUCT_FACTORY = "spasmcheck.server:create_app"
# The product's factory with cheap password hashing, for the browser tests (tests/e2e/app.py).
TEST_FACTORY = "tests.e2e.app:create_app"
REPO = Path(__file__).resolve().parents[2]


class ServerError(RuntimeError):
    """The app did not start, or stopped answering."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    """True once the server sends any HTTP response (a 404 still means it is up)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def _read(log: IO[bytes]) -> str:
    log.flush()
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-4000:]


@contextmanager
def running_server(
    database_dir: Path, *, quiet: bool = True, factory: str = PRODUCT_FACTORY
) -> Iterator[str]:
    """Run the app made by ``factory`` on a fresh SQLite file in ``database_dir``; yield its
    base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SPASMCHECK_ENV": "development",
        "SPASMCHECK_DATABASE_URL": f"sqlite:///{database_dir / 'e2e.db'}",
        "SPASMCHECK_ENGINE_RATE_LIMIT": "0",  # one browser runs every interview
        # ... and every sign-up (more than the 10 an hour one address may make; the limit
        # itself is tested in tests/api and tests/security)
        "SPASMCHECK_REGISTER_RATE_LIMIT": "1000",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        factory,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    if quiet:
        command += ["--log-level", "warning"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # from the repository, where ``tests`` is importable
            command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not _answers(base_url + "/"):
                if process.poll() is not None:
                    raise ServerError(
                        f"the app exited with status {process.returncode} before answering "
                        f"GET /; its output:\n{_read(log)}"
                    )
                if time.monotonic() > deadline:
                    raise ServerError(
                        f"the app did not answer GET {base_url}/ within {START_TIMEOUT_S:.0f} s; "
                        f"its output:\n{_read(log)}"
                    )
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
