"""The app the browser tests serve: the product's own factory and settings from the
environment, with argon2-cffi's cheapest profile (``Settings.fast_password_hashing``).

The browser tests sign up about ten people; production hashing costs half a second of CPU
(and 64 MiB) for each, time that checks nothing the browser tests are about. Production
hashing itself is tested in tests/security. The setting is deliberately not read from the
environment, hence this factory rather than a variable.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI

from spasmcheck.config import Settings
from spasmcheck.server import create_app as create_product_app


def create_app() -> FastAPI:
    return create_product_app(replace(Settings.from_env(), fast_password_hashing=True))
