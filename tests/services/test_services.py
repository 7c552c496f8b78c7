"""The service layer on its own: typed errors instead of status codes, the same rules for both
fronts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from spasmcheck.config import Settings
from spasmcheck.diary.model import Episode, EpisodeKind
from spasmcheck.reasoning.engine import Engine
from spasmcheck.services import account_links, accounts, diary
from spasmcheck.services.errors import (
    EmailTaken,
    Invalid,
    NotFound,
    TooManyAttempts,
    WrongPassword,
)
from spasmcheck.services.reports import check_range
from spasmcheck.services.schemas import AccountCreate, LoginRequest
from spasmcheck.storage.db import make_session_factory
from spasmcheck.storage.models import User
from tests.api.conftest import migrated_database

PASSWORD = "correct horse battery"
SETTINGS = Settings(environment="test", fast_password_hashing=True, login_rate_limit=2)
BASE = "https://testserver"  # where mailed links would point (confirmation is off in tests)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    database = tmp_path / "db.sqlite3"
    database.write_bytes(migrated_database().read_bytes())
    with make_session_factory(f"sqlite:///{database}")() as opened:
        yield opened


@pytest.fixture
def ann(session: Session) -> User:
    account = AccountCreate(email="ann@example.org", password=PASSWORD, timezone="Europe/London")
    return accounts.register(session, account=account, client="192.0.2.1", settings=SETTINGS)


def log_in(session: Session, password: str, client: str = "198.51.100.7") -> User:
    credentials = LoginRequest(email="ann@example.org", password=password)
    user, _ = account_links.log_in(
        session, credentials=credentials, client=client, base_url=BASE, settings=SETTINGS
    )
    return user


def test_an_address_is_registered_once(session: Session, ann: User) -> None:
    again = AccountCreate(email="ANN@example.org", password=PASSWORD)
    with pytest.raises(EmailTaken):
        accounts.register(session, account=again, client="192.0.2.1", settings=SETTINGS)


def test_signing_in_needs_the_password_and_counts_the_guesses(session: Session, ann: User) -> None:
    assert log_in(session, PASSWORD).id == ann.id  # a right password gives its attempt back
    for _ in range(2):
        with pytest.raises(WrongPassword):
            log_in(session, "not the password")
    # login_rate_limit=2 wrong guesses a minute per address and client: the next try is
    # refused unheard
    with pytest.raises(TooManyAttempts):
        log_in(session, PASSWORD)
    assert log_in(session, PASSWORD, client="203.0.113.9").id == ann.id  # another client


def test_an_unknown_address_is_a_wrong_password_not_a_hint(session: Session) -> None:
    credentials = LoginRequest(email="nobody@example.org", password=PASSWORD)
    with pytest.raises(WrongPassword):
        account_links.log_in(
            session, credentials=credentials, client="x", base_url=BASE, settings=SETTINGS
        )


def test_the_export_holds_the_account_and_its_diary(session: Session, ann: User) -> None:
    diary.add_episode(session, user=ann, episode=episode())
    document = accounts.export(session, user=ann)
    assert document.account.email == "ann@example.org"
    assert [e.severity for e in document.episodes] == [6]


def episode(episode_id: int | None = None) -> Episode:
    return Episode(
        id=episode_id,
        started_at=datetime(2026, 11, 2, 2, 30, tzinfo=UTC),
        duration_seconds=90,
        locations=["loc_calf"],
        kind=EpisodeKind.CRAMP,
        severity=6,
    )


def test_someone_elses_episode_is_not_found(session: Session, ann: User) -> None:
    other = accounts.register(
        session,
        account=AccountCreate(email="bo@example.org", password=PASSWORD),
        client="192.0.2.1",
        settings=SETTINGS,
    )
    saved = diary.add_episode(session, user=ann, episode=episode())
    assert saved.id is not None
    with pytest.raises(NotFound):
        diary.get_episode(session, user=other, episode_id=saved.id)
    with pytest.raises(NotFound):
        diary.delete_episode(session, user=other, episode_id=saved.id)
    with pytest.raises(NotFound):
        diary.replace_episode(session, user=other, episode=episode(saved.id))
    assert diary.get_episode(session, user=ann, episode_id=saved.id) == saved


def test_the_days_are_the_persons_own(session: Session, ann: User) -> None:
    """02:30 UTC on 2 November is 02:30 in London (GMT): that day, not the one before."""
    diary.add_episode(session, user=ann, episode=episode())
    on_the_day = diary.episodes_between(
        session, user=ann, start=date(2026, 11, 2), end=date(2026, 11, 2)
    )
    before = diary.episodes_between(
        session, user=ann, start=date(2026, 11, 1), end=date(2026, 11, 1)
    )
    assert len(on_the_day) == 1 and before == []


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2026, 11, 2), date(2026, 11, 1)), (date(2000, 1, 1), date(2026, 1, 1))],
)
def test_a_summary_range_it_cannot_summarise_is_invalid(
    session: Session, ann: User, tiny_engine: Engine, start: date, end: date
) -> None:
    with pytest.raises(Invalid):
        diary.summary(session, user=ann, engine=tiny_engine, start=start, end=end)


@pytest.mark.parametrize(
    ("start", "end", "valid"),
    [
        (None, None, True),
        (date(2026, 1, 1), date(2026, 1, 31), True),
        (date(2026, 1, 1), None, False),
        (date(2026, 2, 1), date(2026, 1, 1), False),
        (date(2000, 1, 1), date(2026, 1, 1), False),
    ],
)
def test_report_ranges(start: date | None, end: date | None, valid: bool) -> None:
    if valid:
        assert check_range(start, end) == (start, end)
    else:
        with pytest.raises(Invalid):
            check_range(start, end)
