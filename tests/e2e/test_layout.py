"""Every main page fits a 360-px-wide phone: nothing scrolls sideways."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.flows import (
    answer,
    answer_until_result,
    answers,
    current_question,
    days_ago,
    log_episode,
    new_email,
    sign_up,
    start_check,
)

WIDTH = 360


def assert_fits(page: Page, what: str) -> None:
    widths = page.evaluate(
        """() => [document.documentElement.scrollWidth, document.body.scrollWidth,
                  document.documentElement.clientWidth]"""
    )
    assert widths[2] == WIDTH, f"{what}: the viewport is {widths[2]} px wide, not {WIDTH}"
    assert max(widths[:2]) <= WIDTH, f"{what} scrolls sideways at {WIDTH} px: {widths} ({page.url})"


def test_no_page_scrolls_sideways_on_a_phone(phone: Page) -> None:
    phone.goto("/")
    assert_fits(phone, "the start page")

    start_check(phone, "calf cramps at night, no weakness, no trouble breathing, no numbness")
    seen_location = False
    for _ in range(18):
        question = current_question(phone)
        if question is None:
            break
        assert_fits(phone, f"the question {question.text!r}")
        if question.kind != "yes_no":
            seen_location = seen_location or phone.locator("svg [data-value]").count() > 0
            phone.locator("details.why summary").click()
            assert_fits(phone, f"the question {question.text!r} with 'why' open")
        answer(phone, question, answers(choose=("foot", "weeks"))(question))
    answer_until_result(phone, answers())
    assert_fits(phone, "the result")
    phone.locator("li.cause summary").first.click()
    assert_fits(phone, "the result with a cause open")
    assert seen_location, "no question with the body map was asked"

    sign_up(phone, new_email("narrow"))
    phone.goto("/diary/new")
    assert_fits(phone, "the diary form")
    log_episode(phone, started_at=days_ago(3), kind="cramp", severity=5, location="loc_calf")
    phone.goto("/diary")
    assert_fits(phone, "the diary")
    phone.goto("/account")
    assert_fits(phone, "the account page")
