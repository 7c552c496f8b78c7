"""Issue 15 item 10 (sign-up does not tell whether an address is registered) and issue 14
item 16 (password reset by e-mail through a real SMTP client, a password change that ends
every other sign-in, settings for the e-mail address and time zone), over the API.

Mail goes to a local SMTP server the tests start (:mod:`.smtp_sink`); the links in it are
followed as a person would.
"""

from __future__ import annotations

import logging
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import Request

from spasmcheck.services import account_links
from tests.api.conftest import BASE_URL, PASSWORD, TestClient, error_of, make_app
from tests.security.smtp_sink import Sink

NEW_PASSWORD = "purple walrus tuesday lantern"
LINK = re.compile(r"https://testserver(/[a-z/]+)\?token=([A-Za-z0-9_.\-]+)")


def client_for(tmp_path: Path, sink: Sink, **overrides: Any) -> TestClient:
    settings: dict[str, Any] = {"smtp_url": sink.url, "verify_email": True, **overrides}
    return TestClient(make_app(tmp_path, **settings), base_url=BASE_URL)


def link_in(sink: Sink, to: str, path: str) -> str:
    """The token of the newest link to ``path`` mailed to ``to``."""
    for received in reversed(sink.received):
        if received.recipients == [to]:
            match = LINK.search(received.body)
            if match and match.group(1) == path:
                return match.group(2)
    raise AssertionError(f"no {path} link mailed to {to}")


def sign_up(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/v1/accounts/register", json={"email": email, "password": password})


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/v1/accounts/login", json={"email": email, "password": password})


def confirmed_account(client: TestClient, sink: Sink, email: str) -> str:
    assert sign_up(client, email).status_code == 202
    token = link_in(sink, email, "/confirm")
    assert client.post("/v1/accounts/confirm", json={"token": token}).status_code == 200
    signed_in = log_in(client, email)
    assert signed_in.status_code == 200, signed_in.text
    return str(signed_in.json()["access_token"])


def test_sign_up_answers_the_same_for_a_new_and_a_taken_address(tmp_path: Path, sink: Sink) -> None:
    with client_for(tmp_path, sink) as client:
        confirmed_account(client, sink, "kim@example.org")
        sink.received.clear()
        taken = sign_up(client, "kim@example.org", NEW_PASSWORD)
        new = sign_up(client, "lee@example.org", NEW_PASSWORD)
        assert taken.status_code == new.status_code == 202
        assert taken.json() == new.json() == {"detail": account_links.SENT}
        assert set(taken.headers) - {"content-length", "date"} == set(new.headers) - {
            "content-length",
            "date",
        }
        # Each owner learns what happened; nobody else does.
        to_kim = [r for r in sink.received if r.recipients == ["kim@example.org"]]
        assert len(to_kim) == 1 and "you already have one" in to_kim[0].body
        assert "/forgot" in to_kim[0].body
        link_in(sink, "lee@example.org", "/confirm")
        # The taken address kept its password.
        assert log_in(client, "kim@example.org").status_code == 200
        assert log_in(client, "kim@example.org", NEW_PASSWORD).status_code == 401


def test_a_weak_password_is_refused_the_same_on_both_paths(tmp_path: Path, sink: Sink) -> None:
    with client_for(tmp_path, sink) as client:
        confirmed_account(client, sink, "kim@example.org")
        taken = sign_up(client, "kim@example.org", "password1234")
        new = sign_up(client, "ann@example.org", "password1234")
        assert taken.status_code == new.status_code == 422
        assert error_of(taken) == error_of(new)


def test_an_unconfirmed_account_cannot_sign_in_until_the_link_is_opened(
    tmp_path: Path, sink: Sink
) -> None:
    with client_for(tmp_path, sink) as client:
        assert sign_up(client, "ann@example.org").status_code == 202
        first = link_in(sink, "ann@example.org", "/confirm")
        refused = log_in(client, "ann@example.org")
        assert refused.status_code == 403
        assert error_of(refused)["code"] == "email_not_confirmed"
        assert log_in(client, "ann@example.org", "wrong password here").status_code == 401
        again = link_in(sink, "ann@example.org", "/confirm")  # a fresh link came with the 403
        assert again != first
        assert client.post("/v1/accounts/confirm", json={"token": again}).status_code == 200
        assert log_in(client, "ann@example.org").status_code == 200
        # Every confirmation link is spent once the address is confirmed.
        used = client.post("/v1/accounts/confirm", json={"token": first})
        assert used.status_code == 422
        assert "expired or was already used" in error_of(used)["message"]


def test_a_second_sign_up_cannot_take_over_a_pending_account(tmp_path: Path, sink: Sink) -> None:
    with client_for(tmp_path, sink) as client:
        assert sign_up(client, "ann@example.org").status_code == 202  # the owner
        assert sign_up(client, "ann@example.org", NEW_PASSWORD).status_code == 202  # someone
        token = link_in(sink, "ann@example.org", "/confirm")
        assert client.post("/v1/accounts/confirm", json={"token": token}).status_code == 200
        assert log_in(client, "ann@example.org", NEW_PASSWORD).status_code == 401
        assert log_in(client, "ann@example.org").status_code == 200


def test_password_reset_by_mail_ends_every_sign_in(tmp_path: Path, sink: Sink) -> None:
    with client_for(tmp_path, sink) as client:
        bearer = confirmed_account(client, sink, "kim@example.org")
        sink.received.clear()
        unknown = client.post("/v1/accounts/password-reset", json={"email": "nobody@example.org"})
        known = client.post("/v1/accounts/password-reset", json={"email": "kim@example.org"})
        assert unknown.status_code == known.status_code == 202
        assert unknown.json() == known.json()
        assert [r.recipients for r in sink.received] == [["kim@example.org"]]
        token = link_in(sink, "kim@example.org", "/reset")
        weak = client.post(
            "/v1/accounts/password-reset/confirm", json={"token": token, "password": "password1234"}
        )
        assert weak.status_code == 422  # and the link still works
        done = client.post(
            "/v1/accounts/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        )
        assert done.status_code == 204
        assert (
            client.get("/v1/me", headers={"Authorization": f"Bearer {bearer}"}).status_code == 401
        )
        assert log_in(client, "kim@example.org").status_code == 401
        assert log_in(client, "kim@example.org", NEW_PASSWORD).status_code == 200
        reused = client.post(
            "/v1/accounts/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        )
        assert reused.status_code == 422


def test_an_expired_reset_link_is_refused(
    tmp_path: Path, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_for(tmp_path, sink) as client:
        confirmed_account(client, sink, "kim@example.org")
        monkeypatch.setattr(account_links, "RESET_LIFETIME", -account_links.RESET_LIFETIME)
        client.post("/v1/accounts/password-reset", json={"email": "kim@example.org"})
        token = link_in(sink, "kim@example.org", "/reset")
        late = client.post(
            "/v1/accounts/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        )
        assert late.status_code == 422


def test_mail_to_one_address_is_limited(tmp_path: Path, sink: Sink) -> None:
    """At most MAILS_PER_ADDRESS_HOUR messages an hour to one address, whatever asks for
    them: the confirmation of the sign-up counts, then reset links, then 429s."""
    with client_for(tmp_path, sink) as client:
        confirmed_account(client, sink, "kim@example.org")
        codes = [
            client.post(
                "/v1/accounts/password-reset", json={"email": "kim@example.org"}
            ).status_code
            for _ in range(account_links.MAILS_PER_ADDRESS_HOUR + 1)
        ]
        assert codes.count(202) == account_links.MAILS_PER_ADDRESS_HOUR - 1
        assert codes[-2:] == [429, 429]
        to_kim = [r for r in sink.received if r.recipients == ["kim@example.org"]]
        assert len(to_kim) == account_links.MAILS_PER_ADDRESS_HOUR


def test_a_password_change_ends_every_other_sign_in(tmp_path: Path, sink: Sink) -> None:
    with client_for(tmp_path, sink, login_rate_limit=20) as client:
        other = confirmed_account(client, sink, "kim@example.org")
        this = log_in(client, "kim@example.org").json()["access_token"]
        mine, theirs = (
            {"Authorization": f"Bearer {this}"},
            {"Authorization": f"Bearer {other}"},
        )
        wrong = client.post(
            "/v1/me/password",
            json={"current_password": "not it at all", "new_password": NEW_PASSWORD},
            headers=mine,
        )
        assert wrong.status_code == 401
        weak = client.post(
            "/v1/me/password",
            json={"current_password": PASSWORD, "new_password": "password1234"},
            headers=mine,
        )
        assert weak.status_code == 422
        done = client.post(
            "/v1/me/password",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            headers=mine,
        )
        assert done.status_code == 204
        assert client.get("/v1/me", headers=mine).status_code == 200
        assert client.get("/v1/me", headers=theirs).status_code == 401
        assert log_in(client, "kim@example.org", NEW_PASSWORD).status_code == 200


def test_settings_change_the_zone_at_once_and_the_address_by_link(
    tmp_path: Path, sink: Sink
) -> None:
    with client_for(tmp_path, sink) as client:
        bearer = {"Authorization": f"Bearer {confirmed_account(client, sink, 'kim@example.org')}"}
        zone = client.patch("/v1/me", json={"timezone": "Europe/Paris"}, headers=bearer)
        assert zone.status_code == 200 and zone.json()["timezone"] == "Europe/Paris"
        no_password = client.patch("/v1/me", json={"email": "kim2@example.org"}, headers=bearer)
        assert no_password.status_code == 422
        moved = client.patch(
            "/v1/me", json={"email": "kim2@example.org", "password": PASSWORD}, headers=bearer
        )
        assert moved.status_code == 200
        assert moved.json()["email"] == "kim@example.org"  # not before the link is opened
        assert moved.json()["email_pending"] == "kim2@example.org"
        token = link_in(sink, "kim2@example.org", "/account/email")
        opened = client.get(f"/account/email?token={token}", follow_redirects=False)
        assert opened.status_code in (200, 303)
        assert client.get("/v1/me", headers=bearer).json()["email"] == "kim2@example.org"
        bad = client.patch("/v1/me", json={"timezone": "Mars/Olympus"}, headers=bearer)
        assert bad.status_code == 422


def test_without_confirmation_a_taken_address_is_a_conflict(tmp_path: Path, sink: Sink) -> None:
    with client_for(tmp_path, sink, verify_email=False) as client:
        for email in ("kim@example.org", "lee@example.org"):
            assert sign_up(client, email).status_code == 201
        bearer = {
            "Authorization": f"Bearer {log_in(client, 'kim@example.org').json()['access_token']}"
        }
        clash = client.patch(
            "/v1/me", json={"email": "lee@example.org", "password": PASSWORD}, headers=bearer
        )
        assert clash.status_code == 409
        moved = client.patch(
            "/v1/me", json={"email": "kim3@example.org", "password": PASSWORD}, headers=bearer
        )
        assert moved.json()["email"] == "kim3@example.org" and sink.received == []


def test_without_an_smtp_server_mail_goes_to_a_private_outbox_and_the_log_names_no_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outbox = tmp_path / "outbox"
    app = make_app(tmp_path, mail_dir=str(outbox), verify_email=True)
    caplog.set_level(logging.DEBUG)
    with TestClient(app, base_url=BASE_URL) as client:
        assert sign_up(client, "secret.person@example.org").status_code == 202
    files = list(outbox.glob("*.eml"))
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    written = files[0].read_text()
    assert "secret.person@example.org" in written
    # The link is whole in the file, as a person copies it from a text editor.
    assert re.search(r"^https://testserver/confirm\?token=[A-Za-z0-9_.\-]+$", written, re.M)
    assert "=3D" not in written
    assert str(outbox) in caplog.text
    assert "secret.person" not in caplog.text


def test_production_needs_the_public_address_for_links() -> None:
    from spasmcheck.config import Settings, SettingsError

    with pytest.raises(SettingsError, match="SPASMCHECK_PUBLIC_URL"):
        Settings(environment="production", secret_key="x" * 40)
    production = Settings(
        environment="production", secret_key="x" * 40, public_url="https://example.org"
    )
    assert production.confirms_email
    assert not Settings(environment="development").confirms_email
    forged = Request(
        {
            "type": "http",
            "scheme": "https",
            "server": ("evil.example", 443),
            "path": "/forgot",
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"evil.example")],
        }
    )
    assert str(forged.base_url) == "https://evil.example/"
    assert account_links.link_base(forged, production) == "https://example.org"
