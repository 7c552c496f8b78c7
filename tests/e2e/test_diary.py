"""The diary in a real browser: sign up, log episodes, see the list, charts and summary; and
one person's diary stays invisible to another."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory
from tests.e2e.flows import days_ago, log_episode, new_email, sign_up


def test_sign_up_log_three_episodes_and_see_the_charts(phone: Page) -> None:
    sign_up(phone, new_email("diary"))
    log_episode(
        phone,
        started_at=days_ago(9),
        kind="cramp",
        severity=6,
        region="loc_calf",
        context=["exercise"],
    )
    log_episode(
        phone,
        started_at=days_ago(5),
        kind="cramp",
        severity=4,
        location="loc_foot",
        context=["exercise", "dehydration"],
    )
    log_episode(
        phone,
        started_at=days_ago(2, hour=7),
        kind="twitch",
        severity=2,
        location="loc_eyelid",
        context=["caffeine", "poor_sleep"],
    )

    phone.goto("/diary")
    expect(phone.locator("li.episode")).to_have_count(3)
    expect(phone.locator("li.episode").first).to_be_visible()
    # Newest first; the oldest was placed with the body map.
    expect(phone.locator("li.episode").last).to_contain_text("Calf")
    expect(phone.locator("li.episode").first).to_contain_text("Eyelid")
    charts = phone.locator("figure.chart")
    assert charts.count() >= 2, f"only {charts.count()} charts"
    expect(charts.first.locator("svg[role=img]")).to_be_visible()
    for figure in charts.all():
        assert (
            figure.locator("svg").get_attribute("aria-label")
            or figure.locator("figcaption").count()
        ), "a chart has neither a label nor a caption"
    expect(phone.locator("#summary")).to_be_visible()
    expect(phone.locator("#summary")).to_contain_text(re.compile(r"\b3 episodes\b"))


def test_a_second_person_cannot_see_or_open_the_first_persons_diary(
    new_context: ContextFactory,
) -> None:
    first = new_context(**PHONE).new_page()
    sign_up(first, new_email("owner"))
    log_episode(first, started_at=days_ago(1), kind="cramp", severity=7, location="loc_calf")
    first.goto("/diary")
    expect(first.locator("li.episode")).to_have_count(1)
    edit = first.locator("li.episode a[href$='/edit']").first.get_attribute("href")
    assert edit is not None and re.fullmatch(r"/diary/\d+/edit", edit), edit

    second = new_context(**DESKTOP).new_page()
    sign_up(second, new_email("other"))
    second.goto("/diary")
    expect(second.locator("li.episode")).to_have_count(0)
    expect(second.locator("main")).not_to_contain_text("Calf")

    response = second.goto(edit)
    assert response is not None and response.status == 404
    assert "text/html" in response.headers.get("content-type", "")
    expect(second.locator("main h1")).to_be_visible()
    expect(second.locator("input[name=severity]")).to_have_count(0)

    # The owner still has it.
    again = first.goto(edit)
    assert again is not None and again.status == 200
