"""The suite's own collection rules (tests/conftest.py): the data-table marker and no skips in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import KB_TABLE_MODULES, REPO, pytest_collection_modifyitems


def test_every_data_table_module_exists() -> None:
    missing = [module for module in KB_TABLE_MODULES if not (REPO / module).is_file()]
    assert not missing


def _item(module: str, parametrised: bool) -> Any:
    marks: list[Any] = []
    item = SimpleNamespace(path=REPO / module, add_marker=marks.append, marks=marks)
    if parametrised:
        item.callspec = SimpleNamespace(params={"row": {"text": "calf cramps"}})
    return item


@pytest.mark.parametrize(
    ("module", "parametrised", "marked"),
    [
        (KB_TABLE_MODULES[0], True, True),  # a row of a table
        (KB_TABLE_MODULES[0], False, False),  # a plain test beside the table
        ("tests/web/test_pages.py", True, False),  # parametrised, but no data table
    ],
)
def test_the_rows_of_the_data_tables_are_marked(
    module: str, parametrised: bool, marked: bool
) -> None:
    item = _item(module, parametrised)
    pytest_collection_modifyitems([item])
    assert [m.name for m in item.marks if m.name != "xdist_group"] == (["kbdata"] if marked else [])


@pytest.mark.parametrize(
    ("module", "group"),
    [
        ("tests/web/test_pages.py", "tests/web/test_pages.py"),  # a module is one group
        ("tests/e2e/test_layout.py", "tests/e2e"),  # the browser tests are one
        ("tests/e2e/test_diary.py", "tests/e2e"),
    ],
)
def test_each_item_gets_the_xdist_group_of_its_module_or_the_browser_tests(
    module: str, group: str
) -> None:
    item = _item(module, parametrised=False)
    pytest_collection_modifyitems([item])
    assert [(m.name, m.args) for m in item.marks] == [("xdist_group", (group,))]


def test_a_skip_fails_when_skips_are_forbidden(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import pytest\n\n\n"
        "def test_skips() -> None:\n    pytest.skip('no tool here')\n\n\n"
        "@pytest.mark.xfail(reason='known gap', strict=True)\n"
        "def test_known_gap() -> None:\n    raise AssertionError\n",
        encoding="utf-8",
    )
    base = {k: v for k, v in os.environ.items() if k != "SPASMCHECK_NO_SKIPS"}

    def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:randomly"]
        command += ["-p", "no:cacheprovider", "-q", "--rootdir", str(tmp_path), str(probe)]
        return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)

    allowed, forbidden = run(base), run({**base, "SPASMCHECK_NO_SKIPS": "1"})
    assert allowed.returncode == 0, allowed.stdout
    assert "1 skipped, 1 xfailed" in allowed.stdout
    assert forbidden.returncode == 1, forbidden.stdout
    assert "1 failed, 1 xfailed" in forbidden.stdout  # an expected failure is not a skip
    assert "SPASMCHECK_NO_SKIPS=1 forbids skips" in forbidden.stdout
