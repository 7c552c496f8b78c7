"""What a person does in the browser, as reusable steps: start a check, read the question on
screen, answer it (by mouse or by keyboard alone), sign up, log a diary episode.

Answers come from a *policy*: a function from the question on screen to a response, so one
helper can walk any interview the knowledge base produces, however many questions it asks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from playwright.sync_api import Locator, Page

PASSWORD = "correct horse battery staple"
EMERGENCY = ".banner[data-level^=emergency]"
MAX_STEPS = 25  # the interview asks at most 18 questions; more means a loop

# "yes", "no" or "dont_know" for a yes/no question; the chosen option values for a choice
# question, where an empty list means "Don't know", or "none" (None of these) or "dont_know".
Response = str | list[str]


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # "yes_no", "single" or "multiple"
    options: tuple[tuple[str, str], ...]  # (value, visible label)
    screening: bool


Policy = Callable[[Question], Response]


def answers(yes: Iterable[str] = (), choose: Iterable[str] = ()) -> Policy:
    """Yes to questions containing any of ``yes``, No to the rest; for choices, the options
    whose label contains any of ``choose``, else the first option (single) or None of these
    (multiple, the emergency check included)."""
    yes_words = [w.lower() for w in yes]
    choose_words = [w.lower() for w in choose]

    def policy(question: Question) -> Response:
        if question.kind == "yes_no":
            return "yes" if any(w in question.text.lower() for w in yes_words) else "no"
        picked = [
            v for v, label in question.options if any(w in label.lower() for w in choose_words)
        ]
        if question.kind == "single":
            return picked[:1] or [question.options[0][0]]
        return picked or "none"

    return policy


def start_check(page: Page, text: str, *, age: int | None = None, sex: str | None = None) -> None:
    page.goto("/")
    page.get_by_label("Describe your spasms").fill(text)
    if age is not None:
        page.get_by_label("Age").fill(str(age))
    if sex is not None:
        page.locator(f'input[name=sex][value="{sex}"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Start").click()


def shown(page: Page) -> str:
    """The page's text, for a failure message (an error page may have no <main>)."""
    text: str = page.evaluate("() => (document.body || document.documentElement).innerText")
    return text[:1500]


# The screen read in one round trip to the browser (a locator call is one each; an interview
# walk read every question with six of them).
_READ_SCREEN = """() => {
    const headings = document.querySelectorAll('h1.question');
    if (headings.length === 0) {
        return {headings: 0, result: !!document.querySelector('.banner[data-level]')
                                     && !!document.querySelector('#advice')};
    }
    const inputs = [...document.querySelectorAll('input[name=answer]')];
    return {
        headings: headings.length,
        text: headings[0].innerText.trim(),
        yesNo: !!document.querySelector('button[name=answer][value=yes]'),
        options: inputs.map(i => [i.value, i.type,
            ((i.labels && i.labels[0]) || i.closest('label') || i).innerText.trim()]),
        screening: !!document.querySelector('.question-kind'),
    };
}"""


def current_question(page: Page) -> Question | None:
    """The question on screen, or None on a result page; fails on anything else."""
    screen = page.evaluate(_READ_SCREEN)
    if screen["headings"] == 0:
        if not screen["result"]:
            raise AssertionError(f"neither a question nor a result at {page.url}:\n{shown(page)}")
        return None
    assert screen["headings"] == 1, f"{screen['headings']} question headings at {page.url}"
    options = screen["options"]
    kind = (
        "yes_no" if screen["yesNo"] else ("multiple" if options[0][1] == "checkbox" else "single")
    )
    return Question(
        text=screen["text"],
        kind=kind,
        options=tuple((value, label) for value, _, label in options),
        screening=screen["screening"],
    )


def _choice_input(page: Page, value: str) -> Locator:
    return page.locator(f'input[name=answer][value="{value}"]')


def answer(page: Page, question: Question, response: Response) -> None:
    """Answer by mouse (or touch): click the answer button, or tick the options and Continue."""
    with page.expect_navigation():
        if isinstance(response, str):
            page.locator(f'button[name=answer][value="{response}"]').click()
        elif not response:
            page.locator("button[name=answer][value=dont_know]").click()
        else:
            for value in response:
                _choice_input(page, value).check()
            page.get_by_role("button", name="Continue").click()


def answer_until_result(
    page: Page,
    policy: Policy,
    *,
    by_keyboard: bool = False,
    on_each_page: Callable[[Page], None] | None = None,
) -> list[tuple[Question, Response]]:
    """Answer every question by ``policy`` until the result page; return what was asked."""
    asked: list[tuple[Question, Response]] = []
    for _ in range(MAX_STEPS):
        if on_each_page is not None:
            on_each_page(page)
        question = current_question(page)
        if question is None:
            return asked
        response = policy(question)
        asked.append((question, response))
        (answer_by_keyboard if by_keyboard else answer)(page, question, response)
    raise AssertionError(f"no result after {MAX_STEPS} answers: {[q.text for q, _ in asked]}")


# -- keyboard only ------------------------------------------------------------------------------


def _is_focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => !!document.activeElement?.matches(s)", selector))


def tab_to(page: Page, selector: str, *, limit: int = 100) -> None:
    """Move focus to ``selector`` with Tab (or Shift+Tab when it lies before the focus)."""
    for _ in range(limit):
        if _is_focused(page, selector):
            return
        before = page.evaluate(
            """s => {
                const target = document.querySelector(s);
                const active = document.activeElement;
                if (!target || !active || active === document.body) return false;
                return !!(active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING);
            }""",
            selector,
        )
        page.keyboard.press("Shift+Tab" if before else "Tab")
    raise AssertionError(f"could not reach {selector} with the keyboard at {page.url}")


def _select_radio(page: Page, value: str) -> None:
    """Radios are one tab stop; the arrow keys move the choice within the group."""
    target = f'input[name=answer][value="{value}"]'
    tab_to(page, "input[name=answer]")
    for _ in range(40):
        if _is_focused(page, target):
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"could not reach option {value} with the arrow keys")
    page.keyboard.press("Space")


def answer_by_keyboard(page: Page, question: Question, response: Response) -> None:
    if isinstance(response, str):
        tab_to(page, f'button[name=answer][value="{response}"]')
    elif not response:
        tab_to(page, "button[name=answer][value=dont_know]")
    else:
        for value in response:
            if question.kind == "single":
                _select_radio(page, value)
            else:
                tab_to(page, f'input[name=answer][value="{value}"]')
                page.keyboard.press("Space")
            assert _choice_input(page, value).is_checked(), f"Space did not choose {value}"
        tab_to(page, "button.answer:not([name])")
    with page.expect_navigation():
        page.keyboard.press("Enter")


# -- accounts and diary -------------------------------------------------------------------------

_emails = itertools.count(1)


def new_email(prefix: str) -> str:
    return f"{prefix}-{next(_emails)}@example.org"


def sign_up(page: Page, email: str) -> None:
    page.goto("/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("button", name="Sign out").count() == 1, (
        f"not signed in after sign-up at {page.url}:\n{shown(page)}"
    )


def days_ago(days: int, hour: int = 21) -> str:
    """A datetime-local value a few days back, in the form a person would type it."""
    moment = (datetime.now() - timedelta(days=days)).replace(hour=hour, minute=30)
    return moment.strftime("%Y-%m-%dT%H:%M")


def click_region(page: Page, value: str) -> None:
    """Click the body map where the region is drawn, as a person aims at it (the middle of a
    region's box may fall between two legs)."""
    region = page.locator(f'svg [data-value="{value}"]').first
    region.scroll_into_view_if_needed()
    point = region.evaluate(
        """g => {
            for (const shape of g.querySelectorAll('path')) {
                const ctm = shape.getScreenCTM();
                if (!ctm || getComputedStyle(shape).display === 'none') continue;
                const box = shape.getBBox(), p = shape.ownerSVGElement.createSVGPoint();
                for (let i = 1; i < 16; i++) for (let j = 1; j < 16; j++) {
                    p.x = box.x + box.width * i / 16; p.y = box.y + box.height * j / 16;
                    if (!shape.isPointInFill(p)) continue;
                    const s = p.matrixTransform(ctm);
                    const hit = document.elementFromPoint(s.x, s.y);
                    if (hit && hit.closest('[data-value]') === g) return [s.x, s.y];
                }
            }
            return null;
        }"""
    )
    assert point is not None, f"no visible spot of the {value} region to click"
    page.mouse.click(point[0], point[1])


def log_episode(
    page: Page,
    *,
    started_at: str,
    kind: str,
    severity: int,
    context: Iterable[str] = (),
    region: str | None = None,
    location: str | None = None,
) -> None:
    """Fill /diary/new as a person would: the body map (``region``, a click on the SVG) or
    the list (``location``), a kind, a severity, chips, a time, Save."""
    page.goto("/diary/new")
    if region is not None:
        click_region(page, region)
        assert page.locator(f'input[name=locations][value="{region}"]').is_checked(), (
            f"clicking the {region} region did not tick its box"
        )
    if location is not None:
        page.locator(f'input[name=locations][value="{location}"]').check()
    page.locator(f'input[name=kind][value="{kind}"]').check()
    # Severity is a 0-10 choice with none made at first (no silent default, issue 14 item 12).
    choice = page.locator(f'input[name=severity][value="{severity}"]')
    choice.check()
    assert choice.is_checked()
    for factor in context:
        page.locator(f'input[name=context][value="{factor}"]').check()
    page.locator("input[name=started_at]").fill(started_at)
    with page.expect_navigation():
        page.get_by_role("button", name="Save episode").click()
