"""Report exports over HTTP and the command line: PDF, FHIR, CSV, and the Questionnaire."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spasmcheck.cli.main import main
from spasmcheck.config import Settings
from spasmcheck.server import create_app

EPISODES = [
    {
        "started_at": f"2026-11-{day:02d}T02:{day:02d}:00Z",
        "duration_seconds": 60 + day,
        "locations": ["loc_calf"],
        "kind": "cramp",
        "severity": 3 + day % 5,
        "context": ["exercise"] if day % 2 else [],
        "remedies": [{"name": "stretching", "helped": day % 3 != 0}],
        "notes": f"night {day}, woke up",
    }
    for day in range(1, 21)
]


@pytest.fixture
def signed_in(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    # Opened as a context: one event loop for all the test's requests (outside one, the test
    # client starts a thread and a loop for each request, about 4 ms).
    with TestClient(
        create_app(Settings(environment="test", database_url=url, fast_password_hashing=True)),
        base_url="https://testserver",
    ) as client:
        client.post(
            "/v1/accounts/register",
            json={"email": "ann@example.org", "password": "a long passphrase"},
        )
        token = client.post(
            "/v1/accounts/login", json={"email": "ann@example.org", "password": "a long passphrase"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for episode in EPISODES:
            assert client.post("/v1/episodes", json=episode, headers=headers).status_code == 201
        yield client, headers, url


def saved_assessment(client: TestClient, headers: dict[str, str]) -> int:
    response = client.post(
        "/v1/assessments",
        json={"text": "calf cramps at night for three weeks", "age": 64, "sex": "female"},
        headers=headers,
    )
    assert response.status_code == 201
    return int(response.json()["id"])


def test_pdf_fhir_and_csv_over_http(signed_in: tuple[TestClient, dict[str, str], str]) -> None:
    client, headers, _ = signed_in
    ident = saved_assessment(client, headers)
    params = {"from": "2026-11-01", "to": "2026-11-21"}
    pdf = client.get(
        f"/v1/assessments/{ident}/report", params={**params, "format": "pdf"}, headers=headers
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    fhir = client.get(
        f"/v1/assessments/{ident}/report", params={**params, "format": "fhir"}, headers=headers
    )
    assert fhir.status_code == 200 and fhir.headers["content-type"].startswith(
        "application/fhir+json"
    )
    bundle = fhir.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    types = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert {
        "Patient",
        "QuestionnaireResponse",
        "Observation",
        "Condition",
        "RiskAssessment",
    } <= types
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/v1/diary/export.csv", params=params, headers=headers).text)
        )
    )
    assert len(rows) == len(EPISODES)
    questionnaire = client.get("/v1/fhir/Questionnaire").json()
    assert questionnaire["resourceType"] == "Questionnaire"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"format": "docx"}, 422),
        ({"from": "2026-11-01"}, 422),
        ({"from": "2026-11-21", "to": "2026-11-01"}, 422),
        ({"from": "not-a-date", "to": "2026-11-01"}, 422),
    ],
)
def test_bad_report_requests(
    signed_in: tuple[TestClient, dict[str, str], str], params: dict[str, str], status: int
) -> None:
    client, headers, _ = signed_in
    ident = saved_assessment(client, headers)
    response = client.get(f"/v1/assessments/{ident}/report", params=params, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["message"]


def test_report_command_line(
    signed_in: tuple[TestClient, dict[str, str], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client, headers, url = signed_in
    ident = saved_assessment(client, headers)
    monkeypatch.setenv("SPASMCHECK_DATABASE_URL", url)
    for fmt in ("pdf", "fhir", "csv"):
        out = tmp_path / f"report.{fmt}"
        with pytest.raises(SystemExit) as done:
            main(
                [
                    "report",
                    "--assessment",
                    str(ident),
                    "--from",
                    "2026-11-01",
                    "--to",
                    "2026-11-21",
                    "--format",
                    fmt,
                    "-o",
                    str(out),
                ]
            )
        assert done.value.code == 0, capsys.readouterr().err
        assert out.stat().st_size > 100
    assert json.loads((tmp_path / "report.fhir").read_text())["resourceType"] == "Bundle"
    with pytest.raises(SystemExit) as done:
        main(["report", "--assessment", "999", "-o", str(tmp_path / "x.pdf")])
    assert done.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
