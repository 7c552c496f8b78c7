"""The web side of issue 14 item 16 and issue 15 item 10: sign-up with confirmation, "Forgot
your password?", the reset form, and the account page's password and settings forms.

The app runs in development mode (plain http, so the test client keeps its cookies) with
confirmation switched on and mail sent to a local SMTP server the test starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spasmcheck.config import Settings
from spasmcheck.server import create_app
from spasmcheck.services.security import CSRF_COOKIE
from tests.security.smtp_sink import Sink

PASSWORD = "correct horse battery"
NEW_PASSWORD = "purple walrus tuesday lantern"
LINK = re.compile(r"http://testserver(/[a-z/]+)\?token=([A-Za-z0-9_.\-]+)")


@pytest.fixture
def client(tmp_path: Path, sink: Sink) -> Iterator[TestClient]:
    settings = Settings(
        environment="development",
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        fast_password_hashing=True,
        smtp_url=sink.url,
        verify_email=True,
    )
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


def token_for(sink: Sink, to: str, path: str) -> str:
    for received in reversed(sink.received):
        match = LINK.search(received.body)
        if received.recipients == [to] and match and match.group(1) == path:
            return match.group(2)
    raise AssertionError(f"no {path} link to {to}")


def sign_up(client: TestClient, email: str, password: str = PASSWORD) -> str:
    response = client.post(
        "/signup", data={"email": email, "password": password, "timezone": "UTC"}
    )
    assert response.status_code == 200, response.text
    return response.text


def confirm(client: TestClient, sink: Sink, email: str) -> None:
    token = token_for(sink, email, "/confirm")
    page = client.get(f"/confirm?token={token}")
    assert page.status_code == 200 and "Confirm my address" in page.text
    done = client.post("/confirm", data={"token": token})
    assert done.status_code == 303 and done.headers["location"] == "/diary"


def csrf(client: TestClient) -> str:
    return str(client.cookies.get(CSRF_COOKIE))


def test_sign_up_shows_the_same_page_for_a_new_and_a_taken_address(
    client: TestClient, sink: Sink
) -> None:
    sign_up(client, "kim@example.org")
    confirm(client, sink, "kim@example.org")
    client.cookies.clear()
    taken = sign_up(client, "kim@example.org", NEW_PASSWORD)
    new = sign_up(client, "lee@example.org", NEW_PASSWORD)
    assert "Check your e-mail" in taken and "Check your e-mail" in new
    assert taken.replace("kim@", "lee@") == new
    assert "already exists" not in taken


def test_signing_in_before_confirming_says_so_and_sends_a_new_link(
    client: TestClient, sink: Sink
) -> None:
    sign_up(client, "ann@example.org")
    before = len(sink.received)
    page = client.post("/signin", data={"email": "ann@example.org", "password": PASSWORD})
    assert page.status_code == 403
    assert "Confirm your email address first" in page.text
    assert len(sink.received) == before + 1
    confirm(client, sink, "ann@example.org")
    assert client.get("/diary").status_code == 200


def test_a_mail_scanner_opening_the_link_confirms_nothing(client: TestClient, sink: Sink) -> None:
    sign_up(client, "ann@example.org")
    token = token_for(sink, "ann@example.org", "/confirm")
    assert client.get(f"/confirm?token={token}").status_code == 200  # the scanner's GET
    refused = client.post("/signin", data={"email": "ann@example.org", "password": PASSWORD})
    assert refused.status_code == 403
    assert client.get("/confirm?token=not-a-real-token-at-all").status_code == 410


def test_forgot_password_then_reset_then_signed_in(client: TestClient, sink: Sink) -> None:
    sign_up(client, "kim@example.org")
    confirm(client, sink, "kim@example.org")
    client.cookies.clear()
    signin = client.get("/signin")
    assert 'href="/forgot"' in signin.text
    unknown = client.post("/forgot", data={"email": "nobody@example.org"})
    known = client.post("/forgot", data={"email": "kim@example.org"})
    assert unknown.status_code == known.status_code == 200
    assert unknown.text.replace("nobody@", "kim@") == known.text
    token = token_for(sink, "kim@example.org", "/reset")
    form = client.get(f"/reset?token={token}")
    assert form.status_code == 200 and "kim@example.org" in form.text
    weak = client.post("/reset", data={"token": token, "password": "password1234"})
    assert weak.status_code == 422 and "too easy to guess" in weak.text
    done = client.post("/reset", data={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 303
    account = client.get(done.headers["location"])
    assert "Your password was changed" in account.text
    again = client.get(f"/reset?token={token}")
    assert again.status_code == 410 and 'href="/forgot"' in again.text


def test_the_account_page_changes_the_password_and_ends_other_sign_ins(
    client: TestClient, sink: Sink, tmp_path: Path
) -> None:
    sign_up(client, "kim@example.org")
    confirm(client, sink, "kim@example.org")
    other = TestClient(client.app, follow_redirects=False)
    assert (
        other.post("/signin", data={"email": "kim@example.org", "password": PASSWORD}).status_code
        == 303
    )
    assert other.get("/account").status_code == 200
    wrong = client.post(
        "/account/password",
        data={
            "csrf_token": csrf(client),
            "current_password": "not my password",
            "new_password": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422 and "not your current password" in wrong.text
    assert '<details id="password-section" open' in wrong.text
    done = client.post(
        "/account/password",
        data={
            "csrf_token": csrf(client),
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
        },
    )
    assert done.status_code == 303
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 303  # sent to sign in


def test_the_account_page_changes_the_zone_and_the_address_by_link(
    client: TestClient, sink: Sink
) -> None:
    sign_up(client, "kim@example.org")
    confirm(client, sink, "kim@example.org")
    zone = client.post(
        "/account/settings",
        data={"csrf_token": csrf(client), "email": "kim@example.org", "timezone": "Asia/Tokyo"},
    )
    assert zone.status_code == 303
    assert "Asia/Tokyo".replace("_", " ") in client.get("/account").text
    no_password = client.post(
        "/account/settings",
        data={"csrf_token": csrf(client), "email": "kim.new@example.org", "timezone": "Asia/Tokyo"},
    )
    assert no_password.status_code == 422
    assert 'value="kim.new@example.org"' in no_password.text  # what was typed is kept
    pending = client.post(
        "/account/settings",
        data={
            "csrf_token": csrf(client),
            "email": "kim.new@example.org",
            "timezone": "Asia/Tokyo",
            "password": PASSWORD,
        },
    )
    assert (
        pending.status_code == 200 and "We have sent a link to kim.new@example.org" in pending.text
    )
    token = token_for(sink, "kim.new@example.org", "/account/email")
    moved = client.get(f"/account/email?token={token}")
    assert moved.status_code == 303
    assert "kim.new@example.org" in client.get("/account").text


def test_a_production_server_never_shows_its_outbox_folder(tmp_path: Path) -> None:
    """The "Check your e-mail" page names the outbox folder for a local trial only: on a
    public server it would tell every visitor a path on the machine."""
    outbox = tmp_path / "secret-outbox"
    settings = Settings(
        environment="production",
        secret_key="x" * 40,
        public_url="https://testserver",
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        fast_password_hashing=False,
        mail_dir=str(outbox),
    )
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        page = client.post(
            "/signup",
            data={"email": "pat@example.org", "password": PASSWORD, "timezone": "UTC"},
            headers={"Sec-Fetch-Site": "same-origin"},
        )
    assert page.status_code == 200 and "Check your e-mail" in page.text
    assert str(outbox) not in page.text and "outbox" not in page.text
    assert list(outbox.glob("*.eml"))  # the mail was still written
