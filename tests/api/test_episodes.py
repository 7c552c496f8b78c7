"""The diary over HTTP: log, list, change, delete episodes; the summary; saved assessments."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import EPISODE, User, error_of


def log(user: User, **changes: Any) -> dict[str, Any]:
    response = user.client.post("/v1/episodes", json={**EPISODE, **changes}, headers=user.bearer)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_log_read_and_list(alice: User) -> None:
    created = log(alice)
    assert created["id"] >= 1
    assert created["started_at"].startswith("2026-11-02T02:30:00")
    assert created["remedies"] == [{"name": "stretching", "helped": True}]
    assert alice.client.get(f"/v1/episodes/{created['id']}").json() == created
    listed = alice.client.get("/v1/episodes").json()
    assert listed == {"total": 1, "limit": 100, "offset": 0, "items": [created]}


def test_only_the_required_fields_take_a_few_seconds(alice: User) -> None:
    minimal = {
        "started_at": "2026-11-02T02:30:00Z",
        "duration_seconds": 30,
        "locations": ["loc_eyelid"],
        "kind": "twitch",
        "severity": 2,
    }
    response = alice.client.post("/v1/episodes", json=minimal, headers=alice.bearer)
    assert response.status_code == 201
    assert response.json()["context"] == [] and response.json()["notes"] == ""


def test_list_filters_and_pages(alice: User) -> None:
    for day in (1, 2, 3, 4):
        log(alice, started_at=f"2026-11-0{day}T08:00:00+00:00")
    window = alice.client.get(
        "/v1/episodes", params={"from": "2026-11-02T00:00:00Z", "to": "2026-11-04T00:00:00Z"}
    ).json()
    assert [e["started_at"][:10] for e in window["items"]] == ["2026-11-02", "2026-11-03"]
    page = alice.client.get("/v1/episodes", params={"limit": 1, "offset": 3}).json()
    assert page["total"] == 4 and [e["started_at"][:10] for e in page["items"]] == ["2026-11-04"]


def test_patch_changes_only_what_is_sent(alice: User) -> None:
    created = log(alice)
    path = f"/v1/episodes/{created['id']}"
    patched = alice.client.patch(
        path,
        json={"severity": 9, "context": ["new_medicine"], "medicine_name": "salbutamol"},
        headers=alice.bearer,
    )
    assert patched.status_code == 200
    body = patched.json()
    assert (body["severity"], body["medicine_name"], body["notes"]) == (
        9,
        "salbutamol",
        EPISODE["notes"],
    )
    cleared = alice.client.patch(path, json={"medicine_name": None}, headers=alice.bearer)
    assert cleared.json()["medicine_name"] is None


@pytest.mark.parametrize(
    "change",
    [
        {"kind": None},
        {"severity": 11},
        {"locations": []},
        {"locations": ["loc_moon"]},
        {"medicine_name": "statin"},  # no new/changed medicine in the context
        {"started_at": "2026-11-02T02:30:00"},  # no timezone
        {"id": 5},
        {"user_id": 2},
    ],
)
def test_bad_patches_are_422_and_change_nothing(alice: User, change: dict[str, Any]) -> None:
    created = log(alice)
    path = f"/v1/episodes/{created['id']}"
    response = alice.client.patch(path, json=change, headers=alice.bearer)
    assert response.status_code == 422, response.text
    error_of(response)
    assert alice.client.get(path).json() == created


@pytest.mark.parametrize(
    "change",
    [
        {"duration_seconds": -1},
        {"duration_seconds": 86_401},
        {"duration_seconds": 10**30},
        {"severity": "high"},
        {"kind": "itch"},
        {"locations": ["loc_calf"] * 11},
        {"locations": ["loc_calf", "loc_calf"]},
        {"locations": ["Robert'); DROP TABLE episodes;--"]},
        {"context": ["full_moon"]},
        {"remedies": [{"name": "prayer", "helped": True}]},
        {"remedies": [{"name": "heat", "helped": "yes", "extra": 1}]},
        {"notes": "x" * 2001},
        {"started_at": "0001-01-01T00:00:00+14:00"},
        {"started_at": "9999-12-31T23:59:59-14:00"},
        {"started_at": "yesterday"},
        {"context": ["exercise"], "medicine_name": "statin"},
        {"unknown_field": 1},
    ],
)
def test_bad_episodes_are_422(alice: User, change: dict[str, Any]) -> None:
    response = alice.client.post("/v1/episodes", json={**EPISODE, **change}, headers=alice.bearer)
    assert response.status_code == 422, response.text
    error_of(response)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/episodes/0"),
        ("GET", "/v1/episodes/99999999999999999999999"),
        ("GET", "/v1/episodes/abc"),
        ("DELETE", "/v1/episodes/-1"),
        ("GET", "/v1/episodes?limit=0"),
        ("GET", "/v1/episodes?limit=100000"),
        ("GET", "/v1/episodes?offset=-1"),
        ("GET", "/v1/episodes?from=not-a-time"),
        ("GET", "/v1/episodes?from=0001-01-01T00:00:00%2B14:00"),
        ("GET", "/v1/diary/summary?from=2026-01-01"),
        ("GET", "/v1/diary/summary?from=2026-02-01&to=2026-01-01"),
        ("GET", "/v1/diary/summary?from=1000-01-01&to=2026-01-01"),
        ("GET", "/v1/diary/summary?from=2000-01-01&to=2026-01-01"),
        ("GET", "/v1/diary/summary?from=2026-01-01&to=2026-02-01&age=500"),
        ("GET", "/v1/assessments?limit=1000"),
        ("GET", "/v1/assessments/0"),
    ],
)
def test_bad_paths_and_queries_are_4xx_json(alice: User, method: str, path: str) -> None:
    response = alice.client.request(method, path, headers=alice.bearer)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    error_of(response)


def test_missing_episodes_are_404(alice: User) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        kwargs: dict[str, Any] = {"json": {"severity": 1}} if method == "PATCH" else {}
        response = alice.client.request(
            method, "/v1/episodes/12345", headers=alice.bearer, **kwargs
        )
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"


def test_delete(alice: User) -> None:
    created = log(alice)
    path = f"/v1/episodes/{created['id']}"
    response = alice.client.delete(path, headers=alice.bearer)
    assert response.status_code == 204 and response.content == b""
    assert alice.client.get(path).status_code == 404
    assert alice.client.delete(path, headers=alice.bearer).status_code == 404


def test_summary_counts_the_persons_own_days(alice: User) -> None:
    # Alice lives in London: 23:30 UTC on 1 August is 00:30 on 2 August there (BST).
    log(alice, started_at="2026-08-01T23:30:00+00:00")
    log(alice, started_at="2026-08-03T12:00:00+00:00")
    log(alice, started_at="2026-09-03T12:00:00+00:00")
    response = alice.client.get(
        "/v1/diary/summary", params={"from": "2026-08-02", "to": "2026-08-31"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["episodes"] == 2
    assert body["range"]["timezone"] == "Europe/London"


def test_summary_raises_triage_for_a_worrying_pattern(alice: User) -> None:
    for day in range(1, 29):
        log(
            alice,
            started_at=f"2026-10-{day:02d}T02:00:00+00:00",
            severity=min(10, 3 + day // 4),
            context=["new_medicine"],
            medicine_name="atorvastatin",
        )
    response = alice.client.get(
        "/v1/diary/summary", params={"from": "2026-10-01", "to": "2026-10-28"}
    )
    assert response.status_code == 200
    assert response.json()["episodes"] == 28
    retriage = response.json()["retriage"]
    assert retriage["raised"] is True and retriage["reasons"]


def test_saved_assessments_are_computed_by_the_server(alice: User) -> None:
    body = {
        "text": "my face is drooping and my speech is slurred",
        "age": 70,
        "sex": "male",
        "evidence": [],
    }
    created = alice.client.post("/v1/assessments", json=body, headers=alice.bearer)
    assert created.status_code == 201
    saved = created.json()
    assert saved["input"] == body
    assert saved["result"]["triage"]["level"] == "emergency_ambulance"
    # A client cannot slip in a result of its own.
    forged = alice.client.post(
        "/v1/assessments", json={**body, "result": {"triage": "self_care"}}, headers=alice.bearer
    )
    assert forged.status_code == 422
    assert alice.client.get(f"/v1/assessments/{saved['id']}").json() == saved
    listed = alice.client.get("/v1/assessments").json()
    assert listed["total"] == 1 and listed["items"] == [saved]
    assert (
        alice.client.delete(f"/v1/assessments/{saved['id']}", headers=alice.bearer).status_code
        == 204
    )
    assert alice.client.get(f"/v1/assessments/{saved['id']}").status_code == 404


def test_assessment_evidence_is_used_and_checked(alice: User) -> None:
    finding = alice.client.get("/v1/findings", params={"kind": "symptom"}).json()["items"][0]["id"]
    body = {"text": "cramps", "evidence": [{"finding": finding, "status": "present"}]}
    response = alice.client.post("/v1/assessments", json=body, headers=alice.bearer)
    assert response.status_code == 201
    assert finding in {item["finding"] for item in response.json()["result"]["findings"]}
    unknown = alice.client.post(
        "/v1/assessments",
        json={"text": "cramps", "evidence": [{"finding": "made_up", "status": "present"}]},
        headers=alice.bearer,
    )
    assert unknown.status_code == 422
    assert error_of(unknown)["code"] == "unknown_finding"
    blank = alice.client.post("/v1/assessments", json={"text": "   "}, headers=alice.bearer)
    assert blank.status_code == 422
