"""The diary's places are the knowledge base's the app was built with, not the packaged one's.

An app over the tiny knowledge base (tests/data/tiny_kb, plus one place only it has) accepts an
episode at that place and refuses one at a place only the packaged knowledge base has, through
the API (create and change) and the web's episode form; reading the episode back trusts what
was checked when it was written (issue 13 item 4).
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

import spasmcheck
from spasmcheck.config import Settings
from spasmcheck.diary.model import kb_location_ids
from spasmcheck.knowledge.loader import KnowledgeBase, collect
from spasmcheck.reasoning.engine import Engine
from spasmcheck.server import create_app
from tests.api.conftest import User, error_of, migrated_database, register_and_sign_in
from tests.conftest import TINY_KB
from tests.web.conftest import web_client

TINY_PLACE = "loc_tiny_test_toe"  # a place of this test's knowledge base only
PACKAGED_PLACE = "loc_calf"  # a place of the packaged knowledge base only
EPISODE: dict[str, Any] = {
    "started_at": "2026-11-02T02:30:00+00:00",
    "duration_seconds": 60,
    "kind": "cramp",
    "severity": 5,
}


@pytest.fixture(scope="module")
def place_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The tiny knowledge base with one body location added (it has none of its own)."""
    root = tmp_path_factory.mktemp("kb") / "tiny_kb"
    shutil.copytree(TINY_KB, root)
    findings = root / "findings" / "findings.yaml"
    findings.write_text(
        findings.read_text()
        + f'  - {{id: {TINY_PLACE}, kind: location, name: "Tiny test toe",'
        + ' question: "Is it in the tiny test toe?", synonyms: [tiny test toe]}\n'
    )
    kb, problems = collect(root)
    assert kb is not None, problems
    return kb


def test_the_places_are_apart(place_kb: KnowledgeBase, kb: KnowledgeBase) -> None:
    assert TINY_PLACE in kb_location_ids(place_kb) - kb_location_ids(kb)
    assert PACKAGED_PLACE in kb_location_ids(kb) - kb_location_ids(place_kb)


@pytest.fixture
def app(tmp_path: Path, place_kb: KnowledgeBase) -> FastAPI:
    database = tmp_path / "db.sqlite3"
    shutil.copyfile(migrated_database(), database)
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{database}",
        fast_password_hashing=True,
        engine_rate_limit=0,
        mail_dir=str(tmp_path / "outbox"),
    )
    return create_app(settings, engine=Engine(place_kb))


@pytest.fixture
def alice(app: FastAPI) -> Iterator[User]:
    with web_client(app) as client:
        yield register_and_sign_in(client, "alice@example.org")


def log(alice: User, place: str) -> Any:
    return alice.client.post(
        "/v1/episodes", json={**EPISODE, "locations": [place]}, headers=alice.bearer
    )


def test_the_api_logs_a_place_of_the_apps_knowledge_base(alice: User) -> None:
    created = log(alice, TINY_PLACE)
    assert created.status_code == 201, created.text
    path = f"/v1/episodes/{created.json()['id']}"
    read = alice.client.get(path, headers=alice.bearer)
    assert read.status_code == 200
    assert read.json()["locations"] == [TINY_PLACE]
    listed = alice.client.get("/v1/episodes", headers=alice.bearer).json()["items"]
    assert [item["locations"] for item in listed] == [[TINY_PLACE]]
    patched = alice.client.patch(path, json={"severity": 7}, headers=alice.bearer)
    assert patched.status_code == 200, patched.text
    assert patched.json()["locations"] == [TINY_PLACE]


def test_the_api_refuses_a_place_only_the_packaged_knowledge_base_has(alice: User) -> None:
    refused = log(alice, PACKAGED_PLACE)
    assert refused.status_code == 422
    assert error_of(refused) == {
        "code": "invalid_request",
        "message": (
            "Value error, locations: unknown body location 'loc_calf'; use a location id such"
            " as 'loc_calf'"
        ),
    }
    created = log(alice, TINY_PLACE).json()
    path = f"/v1/episodes/{created['id']}"
    moved = alice.client.patch(path, json={"locations": [PACKAGED_PLACE]}, headers=alice.bearer)
    assert moved.status_code == 422
    assert error_of(moved)["message"].startswith("locations: unknown body location 'loc_calf'")
    assert alice.client.get(path, headers=alice.bearer).json() == created
    assert alice.client.get("/v1/episodes", headers=alice.bearer).json()["total"] == 1


def form(alice: User, place: str) -> dict[str, Any]:
    return {
        "csrf_token": alice.csrf,
        "locations": [place],
        "kind": "cramp",
        "severity": "6",
        "duration_seconds": "30",
        "started_at": "2026-11-02T02:30",
    }


def test_the_web_form_takes_the_apps_places(alice: User) -> None:
    saved = alice.client.post("/diary/new", data=form(alice, TINY_PLACE))
    assert saved.status_code == 303, saved.text
    refused = alice.client.post("/diary/new", data=form(alice, PACKAGED_PLACE))
    assert refused.status_code == 422
    assert "Choose where you felt it from the list." in refused.text
    items = alice.client.get("/v1/episodes", headers=alice.bearer).json()["items"]
    assert [item["locations"] for item in items] == [[TINY_PLACE]]


def unchecked_episodes(source: str) -> list[int]:
    """The lines of ``source`` that validate an :class:`Episode` with no validation context."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        named = isinstance(func, ast.Name) and func.id == "Episode"
        validated = (
            isinstance(func, ast.Attribute)
            and func.attr.startswith("model_validate")
            and isinstance(func.value, ast.Name)
            and func.value.id == "Episode"
        )
        if (named or validated) and not any(k.arg == "context" for k in node.keywords):
            lines.append(node.lineno)
    return lines


def test_the_guard_finds_an_unchecked_episode() -> None:
    assert unchecked_episodes("Episode.model_validate(data)\nEpisode(**data)\n") == [1, 2]
    assert unchecked_episodes("Episode.model_validate(data, context=c)\n") == []


def test_no_path_of_the_app_falls_back_to_the_packaged_places() -> None:
    """Only a caller with no validation context falls back to the packaged knowledge base
    (diary.model.location_ids): tests and scripts, never the package itself."""
    package = Path(spasmcheck.__file__).parent
    found = {
        str(path.relative_to(package)): lines
        for path in sorted(package.rglob("*.py"))
        if (lines := unchecked_episodes(path.read_text(encoding="utf-8")))
    }
    assert found == {}
