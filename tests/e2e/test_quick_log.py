"""Logging an episode on a phone is quick: three taps — where (on the body map), what it felt
like, "Save now" — with the time defaulting to now and severity and duration preset.

Counted in taps rather than timed (a timed test would measure the machine, not the form)."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.flows import click_region, new_email, sign_up


def test_an_episode_takes_three_taps_on_a_phone(phone: Page) -> None:
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
    assert "Calf" in episodes.first.inner_text()
