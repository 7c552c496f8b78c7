"""scripts/system-deps, the set-up scripts/test and .ci/run share: it installs what is missing
with apt-get as root, and otherwise stops with one line saying what to run.

The script runs with a PATH of stand-ins: ``id`` says who we are, ``apt-get`` records what it
was asked (``env`` is the real one), and the poppler tools are absent, so poppler-utils is what is missing (Chromium and
PostgreSQL are found, or asked for too: the assertions name poppler-utils only).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

SCRIPT = REPO / "scripts" / "system-deps"


def stand_ins(folder: Path, *, uid: int, apt: bool) -> Path:
    folder.mkdir()
    (folder / "env").symlink_to("/usr/bin/env")
    (folder / "id").write_text(f"#!/bin/sh\necho {uid}\n", encoding="utf-8")
    if apt:
        log = folder / "apt.log"
        (folder / "apt-get").write_text(f'#!/bin/sh\necho "$@" >> {log}\n', encoding="utf-8")
    for tool in folder.iterdir():
        if not tool.is_symlink():
            tool.chmod(0o755)
    return folder


def run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        env={"PATH": str(path)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_as_root_it_installs_what_is_missing_with_apt_get(tmp_path: Path) -> None:
    path = stand_ins(tmp_path / "bin", uid=0, apt=True)
    done = run(path)
    assert done.returncode == 0, done.stderr
    asked = (path / "apt.log").read_text(encoding="utf-8").splitlines()
    assert asked[0] == "update -qq"
    assert asked[1].startswith("install -y -qq --no-install-recommends")
    assert "poppler-utils" in asked[1].split()


@pytest.mark.parametrize(
    ("apt", "says"),
    [
        (True, "run 'sudo apt-get install -y"),  # not root, no password-less sudo
        (False, "no apt-get here"),  # not a Debian-like system
    ],
)
def test_without_a_way_to_install_it_stops_with_one_line(
    tmp_path: Path, apt: bool, says: str
) -> None:
    path = stand_ins(tmp_path / "bin", uid=1000, apt=apt)
    done = run(path)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("scripts/system-deps: missing ")
    assert says in lines[0] and "poppler-utils" in lines[0]
    assert not (path / "apt.log").exists()  # nothing was attempted


def test_with_everything_there_it_does_nothing() -> None:
    done = subprocess.run(["/bin/bash", str(SCRIPT)], capture_output=True, text=True, timeout=60)
    if done.returncode == 2:  # this machine lacks something and cannot install it
        assert done.stderr.count("\n") == 1
        return
    assert done.returncode == 0 and done.stderr == ""
