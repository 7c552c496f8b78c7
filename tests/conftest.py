"""Shared fixtures: the packaged knowledge base and engine, and a tiny hand-made one.

Also two collection rules for the whole suite:

- ``kbdata`` marks the knowledge-base data tables — the parametrised cases of the modules in
  :data:`KB_TABLE_MODULES`, each a row of a YAML table (phrases, paraphrases, red-flag
  phrasings, public vignettes) run through the packaged knowledge base. Run them apart with
  ``pytest -m kbdata``, or leave them out with ``-m "not kbdata"`` while changing code.
- With ``SPASMCHECK_NO_SKIPS=1`` (``.ci/run`` sets it) a skipped test fails instead: CI runs
  every browser, PDF and PostgreSQL test. Only pytest-benchmark's own skip (the benchmarks run
  with ``scripts/bench``) stays a skip.

And two settings of the process:

- The garbage collector sweeps less often (:data:`GC_THRESHOLD`) and, once the tests are
  collected, leaves what is loaded by then out of its sweeps (``gc.freeze``, as a served worker
  does after its warm-up, see ``spasmcheck.server``). Its full sweeps over the collected tests,
  the knowledge base and the engines were about a sixth of the suite's time
  (docs/benchmarks.md, "Test suite time").
- While the tests are collected, bytecode is written even where ``PYTHONDONTWRITEBYTECODE`` is
  set: pytest keeps each test module, rewritten for its assertions, as a ``.pyc`` in
  ``__pycache__`` only when it may write bytecode, and otherwise every xdist worker rewrites
  and compiles all of them again on every run (about 1.4 s of CPU a worker).
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _pytest.reports import TestReport

if TYPE_CHECKING:
    import coverage

# Tests never touch the user's real engine cache.
os.environ.setdefault("SPASMCHECK_CACHE_DIR", tempfile.mkdtemp(prefix="spasmcheck-cache-"))

from spasmcheck.knowledge.loader import KnowledgeBase, collect, load_knowledge_base
from spasmcheck.reasoning.engine import Engine, default_engine

TINY_KB = Path(__file__).parent / "data" / "tiny_kb"
REPO = Path(__file__).resolve().parents[1]
KB_TABLE_MODULES = (
    "tests/language/test_parser.py",
    "tests/language/test_paraphrases.py",
    "tests/language/test_generalisation.py",
    "tests/reasoning/test_triage.py",
    "tests/reasoning/test_red_flag_phrases_2.py",
    "tests/evaluation/test_public_vignettes.py",
)
BENCHMARK_SKIP = "Skipping benchmark"
# Python's default is (700, 10, 10): a young sweep every 700 new container objects, a full one
# every hundred of those. The tests make millions (parsed texts, requests, pages), so ten times
# fewer sweeps; what a sweep frees is the same, only later.
GC_THRESHOLD = (7_000, 10, 10)
# Whether this process may write bytecode, as started; restored once the tests are collected.
_WRITE_BYTECODE_AT_START = not sys.dont_write_bytecode


def _coverage() -> coverage.Coverage | None:
    """The coverage measurement running in this process, if any (``coverage run``, or its
    ``.pth`` file started by ``COVERAGE_PROCESS_START``)."""
    module = sys.modules.get("coverage")
    return None if module is None else module.Coverage.current()


def pytest_configure(config: pytest.Config) -> None:
    gc.set_threshold(*GC_THRESHOLD)
    sys.dont_write_bytecode = False  # until collection ends: pytest's rewritten test modules
    config.addinivalue_line(
        "markers", "kbdata: a row of a knowledge-base data table (see tests/conftest.py)"
    )
    # Coverage under xdist (scripts/test runs ``coverage run -m pytest``): the controller runs
    # no test, so each worker measures itself, started by coverage's .pth file from this
    # variable, and writes a .coverage.* file of its own (``parallel`` in pyproject) that
    # scripts/test combines. The servers and commands that tests start in processes of their
    # own are not measured, as before the tests ran in workers.
    if hasattr(config, "workerinput"):
        os.environ.pop("COVERAGE_PROCESS_START", None)
    elif _coverage() is not None and config.getoption("numprocesses", None):
        os.environ["COVERAGE_PROCESS_START"] = str(REPO / "pyproject.toml")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep what collection loaded (test modules, their tables, the items) out of the
    collector's sweeps for the rest of the run: it lives until the end anyway. Freed garbage
    first, so that nothing dead is kept. And bytecode writing back as the process started."""
    sys.dont_write_bytecode = not _WRITE_BYTECODE_AT_START
    gc.collect()
    gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """A worker saves its coverage data before it tells the controller it is done: xdist kills
    a worker that has not exited 10 s later, and the exit (garbage collection of a large heap,
    on a busy machine) can take longer, which lost that worker's data."""
    measuring = _coverage()
    if measuring is not None and hasattr(session.config, "workerinput"):
        measuring.save()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its hook would run first)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.as_posix().removeprefix(f"{REPO.as_posix()}/")
        if module in KB_TABLE_MODULES and hasattr(item, "callspec"):
            item.add_marker(pytest.mark.kbdata)
        # pytest-xdist (``--dist loadgroup``, see pyproject's addopts) hands a worker one group
        # at a time: a module, so its module-scoped fixtures are built once, and the browser
        # tests as one, so they share one app server and one Chromium.
        group = "tests/e2e" if module.startswith("tests/e2e/") else module
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """How many xdist workers ``-n auto`` (pyproject's addopts) starts: one per core (xdist's
    own count, None here), but none for benchmarks (pytest-benchmark times nothing under xdist)
    or for a single test module, which is one xdist group and would only pay the workers'
    start-up."""
    if config.getoption("benchmark_only", False):
        return 0
    modules = {arg.split("::")[0] for arg in config.args}
    if len(modules) == 1 and Path(next(iter(modules))).is_file():
        return 0
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, TestReport, TestReport]:
    report: TestReport = yield
    if (
        report.skipped
        and os.environ.get("SPASMCHECK_NO_SKIPS") == "1"
        and not hasattr(report, "wasxfail")
        and BENCHMARK_SKIP not in str(report.longrepr)
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped, and SPASMCHECK_NO_SKIPS=1 forbids skips: {report.longrepr}"
    return report


@pytest.fixture(scope="session")
def tiny_kb() -> KnowledgeBase:
    kb, problems = collect(TINY_KB)
    assert kb is not None, problems
    return kb


@pytest.fixture(scope="session")
def tiny_engine(tiny_kb: KnowledgeBase) -> Engine:
    return Engine(tiny_kb)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return default_engine()
