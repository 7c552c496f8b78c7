"""The check in a real browser: emergency, self-care, negation, keyboard only, no JavaScript.

The descriptions and answers were chosen by walking the packaged knowledge base's interview
(``spasmcheck assess --json`` and ``/v1/interview``); the helpers answer whatever questions
it asks, so a changed knowledge base changes the path, not the test.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, ContextFactory
from tests.e2e.flows import (
    EMERGENCY,
    answer,
    answer_until_result,
    answers,
    current_question,
    start_check,
    tab_to,
)

STROKE = "sudden weakness in my left arm and my face is drooping, with muscle spasms"
NIGHT_CRAMPS = "I get calf cramps at night after running"
NEGATED = "calf cramps at night, no weakness, no trouble breathing, no numbness"
JAW = "my jaw is stiff and my neck muscles spasm"
SENSIBLE = answers(choose=("lasts seconds", "going on for weeks"))


def test_stroke_signs_end_at_the_emergency_screen_with_numbers_to_call(desktop: Page) -> None:
    start_check(desktop, STROKE, age=67, sex="male")
    answer_until_result(desktop, answers())

    banner = desktop.locator(EMERGENCY)
    expect(banner).to_be_visible()
    expect(banner.locator("a[href='tel:999']")).to_be_visible()
    expect(banner.locator("a[href^='tel:']")).to_have_count(3)
    expect(banner.locator(".do-now")).to_be_visible()
    expect(banner.locator(".do-now")).not_to_be_empty()
    expect(banner).to_contain_text("Call your emergency number now")
    expect(banner).to_contain_text("stroke")


def test_the_emergency_check_comes_first_and_a_tick_shows_the_emergency_screen(phone: Page) -> None:
    start_check(phone, JAW)
    question = current_question(phone)
    assert question is not None and question.kind == "multiple" and question.screening
    expect(phone.locator(".question-kind")).to_contain_text("Emergency check")
    expect(phone.get_by_role("button", name="None of these")).to_be_visible()
    expect(phone.locator(EMERGENCY)).to_have_count(0)
    breathing = [v for v, label in question.options if "breathing" in label.lower()]
    assert breathing, f"no breathing sign on the emergency check: {question.options}"

    answer(phone, question, breathing[:1])

    banner = phone.locator(EMERGENCY)
    expect(banner).to_be_visible()
    expect(banner.locator("a[href^='tel:']").first).to_be_visible()
    # The banner is the first thing on the page: nothing to scroll past to see it.
    box = banner.bounding_box()
    assert box is not None and box["y"] < PHONE["viewport"]["height"]


def test_none_of_these_moves_on_and_back_keeps_the_check(phone: Page) -> None:
    start_check(phone, NIGHT_CRAMPS)
    question = current_question(phone)
    assert question is not None and question.kind == "multiple"
    answer(phone, question, "none")
    following = current_question(phone)
    assert following is not None and following.text != question.text
    expect(phone.locator(EMERGENCY)).to_have_count(0)
    with phone.expect_navigation():
        phone.get_by_role("button", name="← Previous question").click()
    again = current_question(phone)
    assert again is not None and again.text == question.text
    expect(phone.locator(".earlier")).to_contain_text("None of these")  # the answer is kept


def test_browser_back_reload_and_an_old_link_land_on_a_page(desktop: Page) -> None:
    desktop.goto("/interview")  # no check started: the start page, not a 405
    expect(desktop.get_by_label("Describe your spasms")).to_be_visible()
    start_check(desktop, NIGHT_CRAMPS)
    first = current_question(desktop)
    assert first is not None
    answer(desktop, first, "none")
    second = current_question(desktop)
    assert second is not None and second.text != first.text
    desktop.reload()  # no "Confirm Form Resubmission"
    reloaded = current_question(desktop)
    assert reloaded is not None and reloaded.text == second.text
    desktop.go_back()
    back = current_question(desktop)
    assert back is not None and back.text == first.text
    expect(desktop.locator(".earlier")).to_contain_text("None of these")
    desktop.goto("/interview?step=40")  # an old or made-up link: the latest step
    latest = current_question(desktop)
    assert latest is not None and latest.text == second.text


def test_night_cramps_answered_no_end_in_self_care_with_sourced_advice(desktop: Page) -> None:
    start_check(desktop, NIGHT_CRAMPS, age=34, sex="female")
    asked = answer_until_result(desktop, SENSIBLE)

    assert len(asked) >= 2
    assert any(q.screening for q, _ in asked), "no safety check was asked"
    expect(desktop.locator(".banner[data-level=self_care]")).to_be_visible()
    expect(desktop.locator(EMERGENCY)).to_have_count(0)
    advice = desktop.locator("#advice li")
    assert advice.count() >= 1
    expect(desktop.locator("#advice .refs").first).to_contain_text("Sources: [1]")
    expect(desktop.locator("#warning-signs li").first).to_be_visible()

    causes = desktop.locator("li.cause")
    assert causes.count() >= 2
    second = causes.nth(1)
    expect(second.locator(".cause-body")).to_be_hidden()
    second.locator("summary").click()
    expect(second.locator(".cause-body")).to_be_visible()
    expect(second.locator(".cause-odds")).to_contain_text("in 10")
    expect(desktop.get_by_role("button", name="Save to my account")).to_be_visible()


def test_a_negated_warning_sign_never_alarms(phone: Page) -> None:
    def calm(page: Page) -> None:
        expect(page.locator(EMERGENCY)).to_have_count(0)

    start_check(phone, NEGATED)
    asked = answer_until_result(phone, SENSIBLE, on_each_page=calm)

    calm(phone)
    expect(phone.locator(".banner[data-level=self_care]")).to_be_visible()
    texts = [q.text.lower() for q, _ in asked]
    for denied in ("difficulty breathing", "weak", "numbness"):
        assert not any(denied in t for t in texts), f"asked again about {denied!r}: {texts}"


def test_the_whole_check_can_be_done_with_the_keyboard_alone(desktop: Page) -> None:
    desktop.goto("/")
    tab_to(desktop, "#description")
    desktop.keyboard.type(NEGATED)
    tab_to(desktop, "form.start-form button[type=submit]")
    with desktop.expect_navigation():
        desktop.keyboard.press("Enter")

    tab_to(desktop, "button[name=answer][value=none]")  # the emergency check comes first
    outline = desktop.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"""
    )
    assert outline[0] != "none" or outline[2] != "none", f"no visible focus: {outline}"

    policy = answers(choose=("lasts minutes", "going on for weeks", "foot"))
    asked = answer_until_result(desktop, policy, by_keyboard=True)

    kinds = {q.kind for q, _ in asked}
    assert {"yes_no", "single"} <= kinds, f"only {kinds} questions were asked"
    expect(desktop.locator(".banner[data-level]")).to_be_visible()
    expect(desktop.locator("li.cause").first).to_be_visible()


def test_the_check_works_with_javascript_off(new_context: ContextFactory) -> None:
    page = new_context(java_script_enabled=False, **PHONE).new_page()
    start_check(page, NIGHT_CRAMPS)
    first = current_question(page)
    assert first is not None

    asked = answer_until_result(page, answers(choose=("lasts seconds", "weeks", "foot")))

    assert any(q.kind != "yes_no" for q, _ in asked), "no choice question was answered"
    expect(page.locator(".banner[data-level=self_care]")).to_be_visible()
    expect(page.locator("#advice li").first).to_be_visible()
