"""The Chromium the browser tests drive runs with the features Playwright turns off still off.

``CHROMIUM_ARGS`` repeats Playwright's ``--disable-features`` list with one more name
(``tests/e2e/server.py``); Chromium keeps only the last such switch, so a name Playwright adds
in a later release and the list here lacks would silently come back on.

The command line is read from ``/proc``: the headless shell has no ``chrome://version`` page,
and its DevTools will not give the command line without ``--enable-automation``, which
Playwright does not pass.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser

from tests.e2e.server import CHROMIUM, EXTRA_DISABLED_FEATURES


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The parent is the second field after the command name, which may hold spaces.
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended while the table was read
        children.setdefault(parent, []).append(int(entry.name))
    return children


def browser_command_lines() -> list[list[str]]:
    """The command lines of the Chromium browser processes under this one (not its renderers,
    GPU or utility processes, which carry ``--type=``)."""
    children = _children()
    found: list[list[str]] = []
    pending = list(children.get(os.getpid(), []))
    while pending:
        pid = pending.pop()
        pending += children.get(pid, [])
        try:
            # Split on spaces too: Chromium's child processes rewrite their title as one string.
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().replace("\0", " ").split()
        except OSError:
            continue
        if (
            argv
            and "chromium" in Path(argv[0]).name
            and not any(a.startswith("--type=") for a in argv)
        ):
            found.append(argv)
    return found


def test_the_last_disable_features_switch_keeps_playwrights_own(browser: Browser) -> None:
    assert browser.is_connected()
    command_lines = browser_command_lines()
    assert command_lines, f"no process of {CHROMIUM} under the test process"
    for argv in command_lines:
        lists = [
            set(switch.removeprefix("--disable-features=").split(","))
            for switch in argv
            if switch.startswith("--disable-features=")
        ]
        assert len(lists) >= 2, f"Playwright's and ours expected: {' '.join(argv)}"
        effective = lists[-1]
        missing = set().union(*lists[:-1]) - effective
        assert not missing, (
            f"add {sorted(missing)} to PLAYWRIGHT_DISABLED_FEATURES (tests/e2e/server.py)"
        )
        assert set(EXTRA_DISABLED_FEATURES) <= effective
