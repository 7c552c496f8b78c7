"""The diary's title row: on a desktop the "Log an episode" button sits level with the
"My spasm diary" heading instead of riding up against the site header (usability walk-through
of 5 Dec 2026); on a phone it wraps below the heading, still clear of the header."""

from __future__ import annotations

from playwright.sync_api import FloatRect, Page

from tests.e2e.flows import new_email, sign_up

TOLERANCE_PX = 3


def _boxes(page: Page) -> tuple[FloatRect, FloatRect, FloatRect]:
    page.goto("/diary")
    header = page.locator("header.site-header").bounding_box()
    heading = page.locator(".diary-head h1").bounding_box()
    button = page.locator(".diary-head a.button").bounding_box()
    assert header and heading and button
    return header, heading, button


def test_log_button_is_level_with_the_heading_on_a_desktop(desktop: Page) -> None:
    sign_up(desktop, new_email("head"))
    header, heading, button = _boxes(desktop)
    heading_middle = heading["y"] + heading["height"] / 2
    button_middle = button["y"] + button["height"] / 2
    assert abs(heading_middle - button_middle) <= TOLERANCE_PX, (heading, button)
    assert button["y"] >= header["y"] + header["height"] + 12, (header, button)


def test_log_button_wraps_under_the_heading_on_a_phone(phone: Page) -> None:
    sign_up(phone, new_email("head"))
    header, heading, button = _boxes(phone)
    assert heading["y"] >= header["y"] + header["height"] + 12, (header, heading)
    assert button["y"] >= heading["y"] + heading["height"], (heading, button)
