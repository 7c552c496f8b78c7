"""Keeping a result and taking it to the doctor, in the browser: save a result across sign-up,
then download the clinician report (PDF and FHIR) and the diary CSV with the page's buttons."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from playwright.sync_api import Page

from tests.e2e.flows import (
    PASSWORD,
    answer_until_result,
    answers,
    days_ago,
    log_episode,
    new_email,
    start_check,
)


def download(page: Page, name: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).first.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def test_save_a_result_by_signing_up_then_download_the_reports(
    desktop: Page, tmp_path: Path
) -> None:
    page = desktop
    start_check(page, "calf cramps at night after running", age=45, sex="male")
    answer_until_result(page, answers(choose=["calf"]))
    with page.expect_navigation():
        page.get_by_role("button", name="Save to my account").click()
    assert "/signin" in page.url
    assert "Your result is waiting" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("link", name="Create an account").click()
    assert "Your result is waiting" in page.inner_text("main")
    page.get_by_label("Email").fill(new_email("saver"))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    # The person chose "Save to my account" already: no second "Save this result?" page.
    assert "/assessments/" in page.url, page.url
    assert page.locator(".notice.success").count() == 1

    pdf = download(page, "Download report (PDF)", tmp_path)
    assert pdf.startswith(b"%PDF")
    bundle = json.loads(download(page, "For your doctor's system (FHIR)", tmp_path))
    assert bundle["resourceType"] == "Bundle"
    assert any(e["resource"]["resourceType"] == "RiskAssessment" for e in bundle["entry"])

    for days in (3, 10):
        log_episode(
            page,
            started_at=days_ago(days),
            kind="cramp",
            severity=5,
            location="loc_calf",
            context=["exercise"],
        )
    page.goto("/diary")
    rows = list(
        csv.DictReader(
            io.StringIO(download(page, "Download diary (CSV)", tmp_path).decode("utf-8-sig"))
        )
    )
    assert len(rows) == 2
    assert download(page, "Clinician report (PDF)", tmp_path).startswith(b"%PDF")
