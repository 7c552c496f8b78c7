"""Issue 15 item 10: a retry after a lost response does not log the episode twice.

A client that sends ``Idempotency-Key`` gets the first episode back (200) for every retry
with the same key and the same episode, a 409 for the same key with a different episode, and
a new episode for a new key. Keys are per account: two people may use the same key.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.api.conftest import EPISODE, User, error_of


def post(user: User, key: str | None, **changes: Any) -> Any:
    headers = dict(user.bearer)
    if key is not None:
        headers["Idempotency-Key"] = key
    return user.client.post("/v1/episodes", json={**EPISODE, **changes}, headers=headers)


def total(user: User) -> int:
    return int(user.client.get("/v1/episodes", headers=user.bearer).json()["total"])


def test_a_retry_with_the_same_key_returns_the_first_episode(alice: User) -> None:
    first = post(alice, "7d8f6a2e-retry")
    assert first.status_code == 201, first.text
    again = post(alice, "7d8f6a2e-retry")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert total(alice) == 1


def test_the_same_key_with_another_episode_is_a_conflict_and_logs_nothing(alice: User) -> None:
    assert post(alice, "key-1").status_code == 201
    clash = post(alice, "key-1", severity=2)
    assert clash.status_code == 409
    assert "Idempotency-Key" in error_of(clash)["message"]
    assert total(alice) == 1


def test_new_keys_and_no_key_log_new_episodes(alice: User) -> None:
    assert post(alice, "key-a").status_code == 201
    assert post(alice, "key-b").status_code == 201
    assert post(alice, None).status_code == 201
    assert post(alice, None).status_code == 201
    assert total(alice) == 4


def test_keys_belong_to_one_account(alice: User, bob: User) -> None:
    mine = post(alice, "shared-key")
    theirs = post(bob, "shared-key", severity=1)
    assert mine.status_code == theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
    assert total(alice) == total(bob) == 1


def test_long_keys_are_kept_apart_by_their_digest(alice: User) -> None:
    long_a, long_b = "a" * 200, "a" * 199 + "b"
    assert post(alice, long_a).status_code == 201
    assert post(alice, long_b).status_code == 201
    assert post(alice, long_a).status_code == 200
    assert total(alice) == 2


def test_bad_keys_are_422(alice: User) -> None:
    token = alice.bearer["Authorization"].encode("ascii")
    for key in [b"x" * 256, b"with space", "na\xefve".encode("latin-1")]:
        headers = [(b"Authorization", token), (b"Idempotency-Key", key)]
        response = alice.client.post("/v1/episodes", json=EPISODE, headers=headers)
        assert response.status_code == 422, key
        error_of(response)
    assert total(alice) == 0


def test_concurrent_retries_log_one_episode(alice: User) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: post(alice, "burst"), range(6)))
    codes = sorted(answer.status_code for answer in answers)
    assert codes.count(201) == 1 and set(codes) <= {200, 201}, codes
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert total(alice) == 1


def test_the_openapi_document_describes_the_header(alice: User) -> None:
    operation = alice.client.get("/openapi.json").json()["paths"]["/v1/episodes"]["post"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert "Idempotency-Key" in names
    assert {"200", "201", "409"} <= set(operation["responses"])
