"""The Chromium the browser tests drive runs with the features Playwright turns off still off.

``CHROMIUM_ARGS`` repeats Playwright's ``--disable-features`` list with one more name
(``tests/e2e/server.py``); Chromium keeps only the last such switch, so a name Playwright adds
in a later release and the list here lacks would silently come back on.
"""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.e2e.server import EXTRA_DISABLED_FEATURES


def test_the_last_disable_features_switch_keeps_playwrights_own(browser: Browser) -> None:
    page = browser.new_page()
    try:
        page.goto("chrome://version")
        command_line = page.locator("#command_line").inner_text()
    finally:
        page.close()
    lists = [
        set(switch.removeprefix("--disable-features=").split(","))
        for switch in command_line.split()
        if switch.startswith("--disable-features=")
    ]
    assert len(lists) >= 2, f"Playwright's and ours expected: {command_line}"
    effective = lists[-1]
    missing = set().union(*lists[:-1]) - effective
    assert not missing, (
        f"add {sorted(missing)} to PLAYWRIGHT_DISABLED_FEATURES (tests/e2e/server.py)"
    )
    assert set(EXTRA_DISABLED_FEATURES) <= effective
