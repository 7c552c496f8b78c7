"""The app sends no telemetry: FastAPI's native OpenTelemetry is off, so no provider is asked
for, even when one is configured (a request's address and an error's message would reach it;
and asking cost 5 µs of every request, issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry import _logs, metrics, trace


def test_no_provider_is_asked_for(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def getter(name: str) -> Any:
        def get(*args: Any, **kwargs: Any) -> Any:
            asked.append(name)
            raise AssertionError(f"{name} asked for")

        return get

    monkeypatch.setattr(trace, "get_tracer_provider", getter("tracer provider"))
    monkeypatch.setattr(metrics, "get_meter_provider", getter("meter provider"))
    monkeypatch.setattr(_logs, "get_logger_provider", getter("logger provider"))
    with TestClient(app) as client:
        assert client.get("/v1/info").status_code == 200
        assert client.post("/v1/interview", json={"age": 40}).status_code == 200
        assert client.get("/").status_code == 200
    assert asked == []


def test_a_plain_fastapi_app_would_ask(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: FastAPI's default asks on every request."""
    asked: list[str] = []
    real = trace.get_tracer_provider

    def get() -> Any:
        asked.append("tracer provider")
        return real()

    monkeypatch.setattr(trace, "get_tracer_provider", get)
    plain = FastAPI()

    @plain.get("/")
    def root() -> dict[str, str]:
        return {}

    with TestClient(plain) as client:
        assert client.get("/").status_code == 200
    assert asked
