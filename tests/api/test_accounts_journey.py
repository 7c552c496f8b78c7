"""A new user's whole journey over HTTP, and a log that holds no health data or secrets."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .conftest import BASE_URL, EPISODE, PASSWORD

EMAIL = "journey.person@example.org"
NOTE = "cramp after the evening espresso, very sore"


def journey(app: FastAPI) -> dict[str, Any]:
    """Register, sign in, log, list, patch, summarise, assess, export, erase; what was seen."""
    seen: dict[str, Any] = {}
    with TestClient(app, base_url=BASE_URL) as web, TestClient(app, base_url=BASE_URL) as api:
        created = web.post(
            "/v1/accounts/register",
            json={"email": EMAIL, "password": PASSWORD, "timezone": "America/New_York"},
        )
        assert created.status_code == 201
        signed_in = web.post("/v1/accounts/login", json={"email": EMAIL, "password": PASSWORD})
        assert signed_in.status_code == 200
        token, csrf = signed_in.json()["access_token"], signed_in.json()["csrf_token"]
        seen["secrets"] = [token, csrf, web.cookies["spasmcheck_session"]]
        bearer = {"Authorization": f"Bearer {token}"}

        # The web app logs by cookie (with the CSRF header), an API client by bearer token.
        ids = []
        for day in range(1, 8):
            body = {
                **EPISODE,
                "started_at": f"2026-10-{day:02d}T03:00:00Z",
                "notes": NOTE,
                "context": ["caffeine"],
            }
            client, headers = (web, {"X-CSRF-Token": csrf}) if day % 2 else (api, bearer)
            response = client.post("/v1/episodes", json=body, headers=headers)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        listed = api.get("/v1/episodes", headers=bearer).json()
        assert listed["total"] == 7 and [e["id"] for e in listed["items"]] == ids

        patched = web.patch(
            f"/v1/episodes/{ids[0]}", json={"severity": 9}, headers={"X-CSRF-Token": csrf}
        )
        assert patched.status_code == 200 and patched.json()["severity"] == 9
        assert (
            web.delete(f"/v1/episodes/{ids[-1]}", headers={"X-CSRF-Token": csrf}).status_code == 204
        )

        summary = web.get("/v1/diary/summary", params={"from": "2026-09-28", "to": "2026-10-31"})
        assert summary.status_code == 200, summary.text
        # 03:00 UTC is 23:00 the evening before in New York.
        assert summary.json()["episodes"] == 6
        assert summary.json()["range"]["timezone"] == "America/New_York"

        assessed = api.post(
            "/v1/assessments", json={"text": "calf cramps at night", "age": 58}, headers=bearer
        )
        assert assessed.status_code == 201
        assert assessed.json()["result"]["conditions"]

        export = web.get("/v1/me/export")
        assert export.status_code == 200
        data = export.json()
        assert data["account"]["email"] == EMAIL and "password_hash" not in data["account"]
        assert len(data["episodes"]) == 6 and len(data["assessments"]) == 1
        assert token not in export.text and "argon2" not in export.text
        seen["export"] = data

        erased = api.request("DELETE", "/v1/me", headers=bearer, json={"password": PASSWORD})
        assert erased.status_code == 204
        assert api.get("/v1/me", headers=bearer).status_code == 401
        assert web.get("/v1/me").status_code == 401
        again = web.post("/v1/accounts/login", json={"email": EMAIL, "password": PASSWORD})
        assert again.status_code == 401
        # The address is free again: nothing of the account is left.
        fresh = web.post("/v1/accounts/register", json={"email": EMAIL, "password": PASSWORD})
        assert fresh.status_code == 201
    return seen


def test_the_whole_journey(app: FastAPI) -> None:
    journey(app)


def test_the_log_holds_no_health_data_or_secrets(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        seen = journey(app)
    text = caplog.text + "".join(str(record.args) for record in caplog.records)
    for secret in [NOTE, EMAIL, PASSWORD, "journey.person", *seen["secrets"]]:
        assert secret not in text, secret
