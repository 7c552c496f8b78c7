"""Screenshots of the main screens at phone and desktop widths, for docs/screenshots/.

Run by ``scripts/screenshots``: it starts the app on a fresh database exactly as the browser
tests do, walks each screen as a person would (the diary is first filled with ten weeks of
episodes through the JSON API, with past dates the form would not make quick to enter), and
writes full-page PNGs named ``<screen>-<phone|desktop>.png``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.flows import (
    PASSWORD,
    answer,
    answer_until_result,
    answers,
    click_region,
    current_question,
    start_check,
)
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, INSTALL_HINT, running_server


def _shrink(path: Path) -> None:
    """Store the PNG with a 256-colour palette: a third of the size, the same to the eye
    (flat colours and anti-aliased text), so the README's pictures stay light in git."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


REPO = Path(__file__).resolve().parents[2]
WIDTHS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
TIMEZONE = "Europe/London"
STROKE = "sudden weakness in my left arm and my face is drooping, with muscle spasms"
NIGHT_CRAMPS = "calf cramps at night after running, no weakness, no numbness"
SENSIBLE = answers(choose=("lasts seconds", "going on for weeks"))

# Ten weeks of a runner's diary: (days ago, hour, kind, severity, locations, context, remedies).
EPISODES: list[tuple[int, int, str, int, list[str], list[str], list[tuple[str, bool]]]] = [
    (68, 23, "cramp", 7, ["loc_calf"], ["exercise"], [("stretching", True)]),
    (61, 2, "cramp", 6, ["loc_calf"], ["exercise", "dehydration"], [("stretching", True)]),
    (54, 22, "cramp", 8, ["loc_calf", "loc_foot"], ["exercise", "heat"], [("massage", False)]),
    (47, 1, "cramp", 5, ["loc_foot"], ["poor_sleep"], [("walking", True)]),
    (40, 23, "twitch", 2, ["loc_eyelid"], ["caffeine", "stress"], []),
    (33, 3, "cramp", 6, ["loc_calf"], ["exercise"], [("stretching", True), ("hydration", False)]),
    (26, 22, "cramp", 4, ["loc_thigh"], ["exercise", "dehydration"], [("stretching", True)]),
    (19, 0, "cramp", 5, ["loc_calf"], ["alcohol"], [("heat", True)]),
    (12, 23, "twitch", 1, ["loc_eyelid"], ["caffeine", "poor_sleep"], [("rest", True)]),
    (5, 2, "cramp", 3, ["loc_calf"], ["exercise"], [("stretching", True)]),
    (1, 22, "cramp", 4, ["loc_foot"], ["exercise", "heat"], [("electrolyte_drink", True)]),
]


def api(base_url: str, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        base_url + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def seed_diary(base_url: str, email: str) -> None:
    """An account with ten weeks of episodes, made through the public JSON API."""
    account = {"email": email, "password": PASSWORD, "timezone": TIMEZONE}
    api(base_url, "/v1/accounts/register", account)
    token = api(base_url, "/v1/accounts/login", {"email": email, "password": PASSWORD})[
        "access_token"
    ]
    now = datetime.now(UTC).replace(minute=15, second=0, microsecond=0)
    for days, hour, kind, severity, locations, context, remedies in EPISODES:
        episode = {
            "started_at": (now - timedelta(days=days)).replace(hour=hour).isoformat(),
            "duration_seconds": 60 * (1 + severity // 2),
            "locations": locations,
            "kind": kind,
            "severity": severity,
            "context": context,
            "remedies": [{"name": name, "helped": helped} for name, helped in remedies],
        }
        api(base_url, "/v1/episodes", episode, token)


def sign_in(page: Page, email: str) -> None:
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


class Camera:
    """Writes each screen of one width and remembers the files."""

    def __init__(self, out: Path, width: str) -> None:
        self.out = out
        self.width = width
        self.files: list[Path] = []

    def shoot(self, page: Page, screen: str) -> None:
        path = self.out / f"{screen}-{self.width}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
        _shrink(path)
        self.files.append(path)


def interview_screens(page: Page, camera: Camera) -> None:
    start_check(page, NIGHT_CRAMPS, age=41, sex="female")
    why_shown = map_shown = screen_shown = False
    for _ in range(20):
        question = current_question(page)
        if question is None:
            break
        if not screen_shown and page.get_by_text("Emergency check").count() > 0:
            camera.shoot(page, "question-emergency-check")
            screen_shown = True
        if not why_shown and question.kind == "yes_no":
            page.locator("details.why summary").click()
            camera.shoot(page, "question-why")
            why_shown = True
        if not map_shown and page.locator("svg [data-value]").count() > 0:
            if page.locator('svg [data-value="loc_foot"]').count() > 0:
                click_region(page, "loc_foot")
            camera.shoot(page, "question-bodymap")
            map_shown = True
        answer(page, question, SENSIBLE(question))
    if not (why_shown and map_shown and screen_shown):
        raise SystemExit(
            f"the interview showed emergency check={screen_shown}, why={why_shown}, "
            f"body map={map_shown}"
        )
    camera.shoot(page, "result-self-care")


def emergency_screen(page: Page, camera: Camera) -> None:
    start_check(page, STROKE, age=67, sex="male")
    answer_until_result(page, answers())
    camera.shoot(page, "result-emergency")


def walk(browser: Browser, base_url: str, width: str, out: Path) -> list[Path]:
    camera = Camera(out, width)
    context = browser.new_context(base_url=base_url, timezone_id=TIMEZONE, **WIDTHS[width])
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/")
    camera.shoot(page, "start")
    interview_screens(page, camera)
    emergency_screen(page, camera)
    page.goto("/signup")
    camera.shoot(page, "signup")

    email = f"screenshots-{width}@example.org"
    seed_diary(base_url, email)
    sign_in(page, email)
    page.goto("/diary/new")
    camera.shoot(page, "diary-new")
    page.goto("/diary")
    camera.shoot(page, "diary")
    page.goto("/account")
    camera.shoot(page, "account")
    context.close()
    return camera.files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    with (
        tempfile.TemporaryDirectory() as database_dir,
        running_server(Path(database_dir)) as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for width in WIDTHS:
            files += walk(browser, url, width, out)
        browser.close()
    for path in files:
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
