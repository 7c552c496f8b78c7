"""Logging an episode on a phone is quick (issue 14 item 12): "Save now" is on the first screen,
three taps — where (on the body map), what it felt like, "Save now" — log an episode, nothing
the person did not choose is saved as if chosen, and "it is happening now" times an episode,
with JavaScript and without.

Counted in taps rather than timed (a timed test would measure the machine, not the form)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, ContextFactory
from tests.e2e.flows import click_region, new_email, sign_up


def save_now_in_first_screen(page: Page) -> None:
    """The "Save now" button is inside the viewport without scrolling, and nothing covers it."""
    button = page.get_by_role("button", name="Save now")
    box = button.bounding_box()
    assert box is not None
    height = PHONE["viewport"]["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.textContent?.trim()",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit == "Save now"


def test_save_now_is_on_the_first_screen_of_a_phone(phone: Page) -> None:
    sign_up(phone, new_email("first-screen"))
    phone.goto("/diary/new")
    assert phone.evaluate("window.scrollY") == 0
    save_now_in_first_screen(phone)


def test_an_episode_takes_three_taps_and_presets_nothing(phone: Page) -> None:
    page = phone
    sign_up(page, new_email("quick"))
    page.goto("/diary/new")
    click_region(page, "loc_calf")  # tap 1: where
    page.locator("input[name=kind][value=cramp]").tap()  # tap 2: what it felt like
    with page.expect_navigation():
        page.get_by_role("button", name="Save now").tap()  # tap 3
    assert "/diary" in page.url
    episodes = page.locator("li.episode")
    assert episodes.count() == 1
    text = episodes.first.inner_text()
    assert "Calf" in text
    # severity and duration were never touched: not a 5, not "under a minute"
    assert "severity not recorded" in text and "duration not recorded" in text


def time_an_episode(page: Page) -> None:
    """Start the timer, stop it, then where, what and save: the length comes from the timer."""
    page.goto("/diary/new")
    with page.expect_navigation():
        page.get_by_role("button", name="It is happening now — start a timer").tap()
    expect(page.locator(".timer-status")).to_contain_text("Timing since")
    save_now_in_first_screen(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Stop — it is over").tap()
    expect(page.locator("#timer-notice")).to_contain_text("It lasted")
    # the body map's own inputs: its picture is drawn live only with the script
    page.locator("input[name=locations][value=loc_calf]").tap()
    page.locator("input[name=kind][value=twitch]").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Save now").tap()
    text = page.locator("li.episode").first.inner_text()
    assert "Twitch" in text
    assert re.search(r"under 10 seconds|under a minute", text), text


def test_the_timer_times_an_episode_with_javascript(phone: Page) -> None:
    sign_up(phone, new_email("timer-js"))
    phone.goto("/diary/new")
    with phone.expect_navigation():
        phone.get_by_role("button", name="It is happening now — start a timer").tap()
    # the script shows the minutes and seconds running; the server keeps the start
    expect(phone.locator(".timer-clock")).to_have_text(re.compile(r"\(0:0[1-9]\)"), timeout=5000)
    phone.reload()
    expect(phone.locator(".timer-status")).to_contain_text("Timing since")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Stop — it is over").tap()
    expect(phone.locator("#timer-notice")).to_contain_text("It lasted")
    time_an_episode(phone)


def test_the_timer_works_without_javascript(new_context: ContextFactory) -> None:
    page = new_context(**PHONE, java_script_enabled=False).new_page()
    sign_up(page, new_email("timer-nojs"))
    time_an_episode(page)
