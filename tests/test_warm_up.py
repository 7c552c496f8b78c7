"""A served worker warms up off the request path: the diary's statistics libraries are
imported and what is loaded is frozen out of the garbage collector's sweeps."""

from __future__ import annotations

import gc
import sys

import pytest

from spasmcheck import server
from spasmcheck.diary.stats import preload


def test_preload_imports_the_statistics_libraries() -> None:
    preload()
    for module in ("scipy.special", "statsmodels.stats.proportion"):
        assert module in sys.modules


def test_the_warm_up_freezes_after_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(
        "spasmcheck.diary.stats.preload", lambda: calls.append("preload"), raising=True
    )
    server._warm_up()
    assert calls == ["preload", "freeze"]
