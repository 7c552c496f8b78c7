"""The app the browser tests serve: the product's own factory and settings from the
environment, with argon2-cffi's cheapest profile (``Settings.fast_password_hashing``), warmed
up as ``spasmcheck serve`` warms up its workers.

The browser tests sign up about ten people; production hashing costs half a second of CPU
(and 64 MiB) for each, time that checks nothing the browser tests are about. Production
hashing itself is tested in tests/security. The setting is deliberately not read from the
environment, hence this factory rather than a variable.

The warm-up (``spasmcheck.server._warm_up``, on a background thread as in a served worker)
imports the diary's statistics libraries off the request path; without it the first diary
page of the run waited seconds for them while the browser tests' clock ran.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from fastapi import FastAPI

from spasmcheck import server
from spasmcheck.config import Settings


def create_app() -> FastAPI:
    app = server.create_app(replace(Settings.from_env(), fast_password_hashing=True))
    threading.Thread(target=server._warm_up, name="spasmcheck-warm-up", daemon=True).start()
    return app
