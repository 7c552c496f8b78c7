"""The start page in a browser (issue 14 items 6 and 7): an empty description moves focus to
the problem, in full view on a 360-px phone; a long paste is kept whole, with its length."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE

SCREEN = PHONE["viewport"]["height"]


def test_an_empty_description_focuses_the_problem_in_view_on_a_phone(phone: Page) -> None:
    phone.goto("/")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Start").click()
    summary = phone.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Describe your spasms in a few words")
    box = phone.evaluate(
        "() => { const r = document.activeElement.getBoundingClientRect();"
        " return [r.top, r.bottom, r.left, r.right]; }"
    )
    assert box[0] >= 0 and box[1] <= SCREEN, f"the problem is not fully on screen: {box}"
    assert box[2] >= 0 and box[3] <= PHONE["viewport"]["width"]
    assert phone.title().startswith("Error:")
    # its link takes the person to the box
    summary.get_by_role("link").click()
    expect(phone.locator("#description")).to_be_in_viewport()


def test_a_long_paste_is_kept_whole_with_its_length(phone: Page) -> None:
    text = " ".join(f"cramp {i} in my calf at night" for i in range(800))[:20_000]
    phone.goto("/")
    phone.get_by_label("Describe your spasms").fill(text)
    assert phone.get_by_label("Describe your spasms").input_value() == text  # not cut on paste
    with phone.expect_navigation():
        phone.get_by_role("button", name="Start").click()
    expect(phone.locator("#error-summary")).to_contain_text("20,000 characters long")
    expect(phone.locator("#error-summary")).to_be_focused()
    assert phone.get_by_label("Describe your spasms").input_value() == text
