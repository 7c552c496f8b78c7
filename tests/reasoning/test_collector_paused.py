"""The engine is built with the garbage collector paused (issue 16 item 8: three full sweeps
were a fifth of a cold start); the collector must come back exactly as it was."""

from __future__ import annotations

import gc

import pytest

from spasmcheck.reasoning.cache import collector_paused, load_cached_engine
from spasmcheck.reasoning.engine import Engine


def test_the_collector_is_paused_and_restored() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_build_runs_paused(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPASMCHECK_NO_CACHE", "1")
    seen: list[bool] = []

    def build() -> Engine:
        seen.append(gc.isenabled())
        return engine

    assert load_cached_engine(build) is engine
    assert seen == [False]
    assert gc.isenabled()
