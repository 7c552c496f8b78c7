"""The diary CSV: parsed back with the csv module, it gives the same episodes and values."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from spasmcheck.diary.model import Episode, Remedy
from spasmcheck.export.csv import COLUMNS, diary_csv, guard, unguard
from spasmcheck.knowledge.loader import KnowledgeBase

TZ = "America/New_York"
HELPED = {"yes": True, "no": False, "unknown": None}


def local(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=ZoneInfo(TZ))


EPISODES = [
    Episode(
        id=2,
        started_at=local(2026, 11, 3, 23, 45),
        duration_seconds=90,
        locations=["loc_calf", "loc_foot"],
        kind="cramp",
        severity=8,
        context=["exercise", "new_medicine"],
        medicine_name="Amlodipine, 5 mg",
        remedies=[
            {"name": "stretching", "helped": True},
            {"name": "heat", "helped": False},
            {"name": "massage", "helped": None},
        ],
        notes='Woke me up, "worst yet"\nhad to stand; then walked',
    ),
    Episode(
        id=1,
        started_at=local(2026, 11, 1, 1, 30),  # the night daylight saving ends in New York
        duration_seconds=0,
        locations=["loc_eyelid"],
        kind="twitch",
        severity=0,
    ),
    Episode(
        started_at=local(2026, 11, 5, 8, 0),
        duration_seconds=86_400,
        locations=["loc_back"],
        kind="sustained_pull",
        severity=10,
        context=["changed_medicine"],
        medicine_name='=HYPERLINK("http://evil.example","x")',
        notes="-1+2 looks like a formula",
    ),
]


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def episode_from_row(row: dict[str, str]) -> Episode:
    """Rebuild an episode from its row: the inverse the documented columns allow."""
    cells = {key: unguard(value) for key, value in row.items()}
    remedies = []
    for part in filter(None, cells["remedies"].split(";")):
        name, helped = part.split(":")
        remedies.append(Remedy(name=name, helped=HELPED[helped]))
    return Episode(
        id=int(cells["id"]) if cells["id"] else None,
        started_at=datetime.fromisoformat(cells["started_at_utc"]),
        duration_seconds=int(cells["duration_seconds"]),
        locations=cells["locations"].split(";"),
        kind=cells["kind"],
        severity=int(cells["severity"]),
        context=[c for c in cells["context"].split(";") if c],
        medicine_name=cells["medicine_name"] or None,
        remedies=remedies,
        notes=cells["notes"],
    )


def test_header_is_the_documented_columns(kb: KnowledgeBase) -> None:
    text = diary_csv(EPISODES, timezone=TZ, kb=kb)
    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)
    assert text.startswith(",".join(COLUMNS) + "\r\n")  # RFC 4180: CRLF line ends


def test_parsed_back_gives_the_same_episodes_oldest_first(kb: KnowledgeBase) -> None:
    rows = parse(diary_csv(EPISODES, timezone=TZ, kb=kb))
    assert len(rows) == len(EPISODES)
    expected = sorted(EPISODES, key=lambda e: e.started_at)
    assert [episode_from_row(row) for row in rows] == expected


def test_values_of_one_row(kb: KnowledgeBase) -> None:
    rows = parse(diary_csv(EPISODES, timezone=TZ, kb=kb))
    row = next(r for r in rows if r["id"] == "2")
    assert row["started_at_utc"] == "2026-11-04T04:45:00+00:00"
    assert row["started_at_local"] == "2026-11-03T23:45:00-05:00"
    assert row["duration_seconds"] == "90"
    assert row["kind"] == "cramp"
    assert row["severity"] == "8"
    assert row["locations"] == "loc_calf;loc_foot"
    assert row["location_names"] == ";".join(
        kb.finding_by_id[i].name for i in ("loc_calf", "loc_foot")
    )
    assert row["context"] == "exercise;new_medicine"
    assert row["medicine_name"] == "Amlodipine, 5 mg"
    assert row["remedies"] == "stretching:yes;heat:no;massage:unknown"
    first = next(r for r in rows if r["id"] == "1")
    assert first["started_at_local"] == "2026-11-01T01:30:00-04:00"  # still summer time
    assert first["context"] == first["remedies"] == first["notes"] == first["medicine_name"] == ""
    assert next(r for r in rows if r["id"] == "")["duration_seconds"] == "86400"


def test_commas_quotes_and_newlines_are_quoted(kb: KnowledgeBase) -> None:
    text = diary_csv(EPISODES, timezone=TZ, kb=kb)
    assert '"Woke me up, ""worst yet""\nhad to stand; then walked"' in text
    assert '"Amlodipine, 5 mg"' in text
    rows = parse(text)
    assert next(r for r in rows if r["id"] == "2")["notes"] == (
        'Woke me up, "worst yet"\nhad to stand; then walked'
    )


def test_formula_cells_get_a_leading_apostrophe(kb: KnowledgeBase) -> None:
    rows = parse(diary_csv(EPISODES, timezone=TZ, kb=kb))
    row = next(r for r in rows if r["id"] == "")
    assert row["medicine_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["notes"] == "'-1+2 looks like a formula"
    for each in rows:
        for value in each.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'quoted", "''quoted"),
        ("plain = text", "plain = text"),
        ("", ""),
    ],
)
def test_guard_and_unguard(cell: str, guarded: str) -> None:
    assert guard(cell) == guarded
    assert unguard(guard(cell)) == cell


def test_notes_starting_with_an_apostrophe_round_trip(kb: KnowledgeBase) -> None:
    episode = EPISODES[1].model_copy(update={"notes": "'tis the season"})
    (row,) = parse(diary_csv([episode], kb=kb))
    assert row["notes"] == "''tis the season"
    assert episode_from_row(row) == episode


def test_empty_diary_is_the_header_only(kb: KnowledgeBase) -> None:
    assert diary_csv([], kb=kb) == ",".join(COLUMNS) + "\r\n"


def test_default_timezone_is_utc(kb: KnowledgeBase) -> None:
    (row,) = parse(diary_csv([EPISODES[1]], kb=kb))
    assert row["started_at_local"] == row["started_at_utc"] == "2026-11-01T05:30:00+00:00"


def test_unknown_timezone_is_an_error(kb: KnowledgeBase) -> None:
    with pytest.raises(Exception, match="No time zone"):
        diary_csv(EPISODES, timezone="Mars/Olympus", kb=kb)


def test_the_places_are_named_by_the_knowledge_base_given(tiny_kb: KnowledgeBase) -> None:
    # The tiny knowledge base has no body places: any finding shows whose names are used.
    finding = tiny_kb.findings[0]
    episode = EPISODES[0].model_copy(update={"locations": [finding.id]})
    (row,) = parse(diary_csv([episode], kb=tiny_kb))
    assert row["location_names"] == finding.name
