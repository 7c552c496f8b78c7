"""The result page on a 360-px phone (issue 14 item 8): the actions within the first screen
and a half, the top three causes shown and the rest folded, and a page of a few screens."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE
from tests.e2e.flows import answer_until_result, answers, start_check

SCREEN = PHONE["viewport"]["height"]
MAX_SCREENS = 6  # about nine before issue 14; the folded parts closed, as a page first opens


def test_the_result_fits_a_few_phone_screens_with_the_actions_near_the_top(phone: Page) -> None:
    start_check(phone, "I get calf cramps at night after running", age=34)
    answer_until_result(phone, answers(choose=("lasts seconds", "going on for weeks")))

    save = phone.get_by_role("button", name="Save to my account")
    expect(save).to_be_visible()
    top = phone.evaluate(
        "b => b.getBoundingClientRect().top + window.scrollY", save.element_handle()
    )
    assert top < 1.5 * SCREEN, f"'Save to my account' is {top:.0f} px down"
    report = phone.get_by_role("button", name="Download report (PDF)")
    expect(report).to_be_visible()

    shown = phone.locator("ol.causes").first.locator(":scope > li.cause")
    assert 1 <= shown.count() <= 3
    expect(phone.locator("details.other-causes li.cause").first).to_be_hidden()

    height = phone.evaluate("() => document.documentElement.scrollHeight")
    assert height <= MAX_SCREENS * SCREEN, f"the result is {height / SCREEN:.1f} screens long"
