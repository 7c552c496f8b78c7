"""WCAG 2.2 A/AA checks with axe-core on every main screen, at phone and desktop widths.

axe-core (Deque, MPL-2.0) is vendored in ``vendor/`` — nothing is fetched at run time — and
injected into each page. It checks what a machine can: labels, names, roles, contrast, ARIA,
landmarks, headings, target sizes. Keyboard use, focus visibility and reflow at 360 px are
checked by the other browser tests; judgement calls (plain words, helpful errors) are not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory
from tests.e2e.flows import (
    answer_until_result,
    answers,
    days_ago,
    log_episode,
    new_email,
    sign_up,
    start_check,
)

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# Only the violations are wanted: ``resultTypes`` spares axe the details of the passing and
# inapplicable rules (it still runs every rule), and only the violations cross back to Python.
AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                resultTypes: ['violations']}).then(result => result.violations)"""


def violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result: list[dict[str, Any]] = page.evaluate(AXE_RUN, TAGS)
    found = []
    for v in result:
        where = "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        found.append(f"{page.url} {v['id']} ({v['impact']}): {v['help']} — at {where}")
    return found


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_check_screens_have_no_axe_violations(
    new_context: ContextFactory, size: dict[str, Any]
) -> None:
    page = new_context(**size, bypass_csp=True).new_page()  # axe is injected inline
    problems: list[str] = []
    page.goto("/")
    problems += violations(page)
    page.goto("/about")
    problems += violations(page)
    page.goto("/no-such-page")
    problems += violations(page)

    start_check(page, "cramps in my legs at night")
    seen_choice = False

    def check(each: Page) -> None:
        nonlocal seen_choice
        if each.locator("input[name=answer]").count() and not seen_choice:
            seen_choice = True  # one choice screen (with or without the body map) is enough
            problems.extend(violations(each))

    problems += violations(page)  # the first (yes/no or choice) question
    answer_until_result(page, answers(choose=["calf"]), on_each_page=check)
    page.locator("li.cause details").first.evaluate("d => d.open = true")
    problems += violations(page)

    start_check(page, "my face is drooping and my arm went weak")
    answer_until_result(page, answers())
    problems += violations(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_account_and_diary_screens_have_no_axe_violations(
    new_context: ContextFactory, size: dict[str, Any]
) -> None:
    page = new_context(**size, bypass_csp=True).new_page()  # axe is injected inline
    problems: list[str] = []
    page.goto("/signup")
    problems += violations(page)
    page.goto("/signin")
    problems += violations(page)
    sign_up(page, new_email("axe"))
    problems += violations(page)  # the empty diary
    page.goto("/diary/new")
    problems += violations(page)
    for days, severity in ((2, 4), (9, 6)):
        log_episode(
            page,
            started_at=days_ago(days),
            kind="cramp",
            severity=severity,
            location="loc_calf",
            context=["exercise"],
        )
    page.goto("/diary")
    problems += violations(page)
    page.goto("/account")
    problems += violations(page)
    assert not problems, "\n".join(problems)


def test_the_checker_itself_flags_a_bad_page(new_context: ContextFactory) -> None:
    """So that "no violations" above means something: an unlabelled field and grey text fail."""
    page = new_context(**DESKTOP).new_page()
    page.set_content(
        '<html lang="en"><title>x</title><main><input type="text">'
        '<p style="color:#ccc">faint</p></main></html>'
    )
    found = " ".join(violations(page))
    assert "label" in found
    assert "color-contrast" in found
