"""Benchmark: the diary summary of a heavy year, read from the database (issue 16 item 7).

One account with 20,000 episodes spread over 365 days (about 55 a day: far more than a person
logs, so the figure is a ceiling) in a SQLite file, summarised over the whole year by
:func:`spasmcheck.services.diary.summary` — the query, the rows turned into episodes, every
part of the summary and the engine's re-triage, as ``GET /v1/diary/summary`` does. Goal: at
most 200 ms. Run it with

    .venv/bin/pytest benchmarks/test_diary_summary.py --benchmark-only -p no:randomly

Figures are in docs/benchmarks.md ("Diary summary").
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from spasmcheck.diary.model import ContextFactor, EpisodeKind, RemedyName
from spasmcheck.reasoning.engine import Engine, default_engine
from spasmcheck.services import diary
from spasmcheck.storage import models
from spasmcheck.storage.db import make_session_factory

EPISODES = 20_000
DAYS = 365
START = date(2025, 1, 1)
END = START + timedelta(days=DAYS - 1)
LOCATIONS = ("loc_calf", "loc_foot", "loc_thigh", "loc_hand", "loc_eyelid")


def _rows(user_id: int) -> list[dict[str, object]]:
    rng = random.Random(16)  # a fixed diary: every run times the same data
    first = datetime.combine(START, datetime.min.time(), UTC)
    rows: list[dict[str, object]] = []
    for _ in range(EPISODES):
        context = rng.sample(
            [ContextFactor.EXERCISE, ContextFactor.CAFFEINE, ContextFactor.POOR_SLEEP],
            rng.randint(0, 2),
        )
        remedies = [
            {"name": name.value, "helped": rng.choice([True, False, None])}
            for name in rng.sample(
                [RemedyName.STRETCHING, RemedyName.HEAT, RemedyName.WALKING], rng.randint(0, 2)
            )
        ]
        rows.append(
            {
                "user_id": user_id,
                "started_at": first + timedelta(seconds=rng.randrange(DAYS * 86_400)),
                "duration_seconds": rng.randrange(10, 900),
                "locations": rng.sample(LOCATIONS, rng.randint(1, 2)),
                "kind": rng.choice([EpisodeKind.CRAMP, EpisodeKind.TWITCH]).value,
                "severity": rng.randint(0, 10),
                "context": [c.value for c in context],
                "medicine_name": None,
                "remedies": remedies,
                "notes": "",
            }
        )
    return rows


@pytest.fixture(scope="module")
def heavy_diary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, int]]:
    path: Path = tmp_path_factory.mktemp("diary") / "db.sqlite3"
    factory = make_session_factory(f"sqlite:///{path}")
    with factory() as session:
        user = models.User(email="heavy@example.org", password_hash="x", timezone="Europe/London")
        session.add(user)
        session.commit()
        session.execute(insert(models.Episode), _rows(user.id))
        session.commit()
        yield session, user.id
    factory.kw["bind"].dispose()


@pytest.fixture(scope="module")
def engine() -> Engine:
    return default_engine()


def test_diary_summary_benchmark(benchmark, heavy_diary, engine) -> None:  # type: ignore[no-untyped-def]
    session, user_id = heavy_diary

    def summarise() -> int:
        session.expire_all()  # nothing from the last round is reused
        user = session.get(models.User, user_id)
        assert user is not None
        result = diary.summary(session, user=user, engine=engine, start=START, end=END)
        return result.episodes

    summarise()  # warm: the first call in a process also imports the statistics libraries
    assert benchmark(summarise) == EPISODES


def test_diary_summary_in_a_served_worker_benchmark(benchmark, heavy_diary, engine) -> None:  # type: ignore[no-untyped-def]
    """The same, as a served worker runs it: after start-up, ``spasmcheck.server._warm_up``
    has frozen what was loaded out of the garbage collector's sweeps (``gc.freeze``)."""
    import gc

    session, user_id = heavy_diary

    def summarise() -> int:
        session.expire_all()
        user = session.get(models.User, user_id)
        assert user is not None
        return diary.summary(session, user=user, engine=engine, start=START, end=END).episodes

    summarise()
    gc.freeze()
    try:
        assert benchmark.pedantic(summarise, rounds=10, iterations=1) == EPISODES
    finally:
        gc.unfreeze()
