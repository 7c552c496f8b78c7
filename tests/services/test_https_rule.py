"""One rule decides whether the server is on HTTPS (Secure cookies, HSTS): Settings.https."""

from __future__ import annotations

from pathlib import Path

import pytest

from spasmcheck.config import Settings

SRC = Path(__file__).resolve().parents[2] / "src" / "spasmcheck"


@pytest.mark.parametrize(("environment", "https"), [("development", False), ("test", True)])
def test_https_everywhere_but_development(environment: str, https: bool) -> None:
    assert Settings(environment=environment, fast_password_hashing=True).https is https


def test_no_module_decides_it_again() -> None:
    others = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "config.py" and 'environment != "development"' in path.read_text()
    ]
    assert others == []
