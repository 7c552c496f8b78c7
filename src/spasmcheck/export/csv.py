"""The diary as CSV for spreadsheets: one row per episode, oldest first.

The columns are :data:`COLUMNS`, described in docs/export.md. The file follows RFC 4180: a
header row, comma-separated fields, CRLF line ends, and fields holding a comma, a quote or a
line break quoted with doubled quotes (Python's :mod:`csv` module does the quoting).

Formula-injection guard: a spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or
``@`` (and some also a tab or carriage return) as a formula. Every such cell gets a leading
apostrophe (``'``), which spreadsheets show as text. So that the guard can be undone exactly,
a cell that already begins with an apostrophe gets one more; :func:`unguard` removes it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from spasmcheck.diary.model import Episode, Remedy
from spasmcheck.knowledge.loader import KnowledgeBase

COLUMNS: tuple[str, ...] = (
    "id",
    "started_at_utc",
    "started_at_local",
    "duration_seconds",
    "kind",
    "severity",
    "locations",
    "location_names",
    "context",
    "medicine_name",
    "remedies",
    "notes",
)

# Characters that make a spreadsheet read a cell as a formula, and the guard's own prefix.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'")
LIST_SEPARATOR = ";"
HELPED = {True: "yes", False: "no", None: "unknown"}
# A severity or duration the person did not give: words, not an empty or made-up number (a
# spreadsheet's AVERAGE and SUM skip text cells, so it does not count as 0 either).
NOT_RECORDED = "not recorded"


def guard(cell: str) -> str:
    """The cell with a leading apostrophe when a spreadsheet could take it for a formula."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def unguard(cell: str) -> str:
    """Undo :func:`guard`: drop the one apostrophe it adds."""
    return cell[1:] if cell.startswith("'") else cell


def _remedy(remedy: Remedy) -> str:
    return f"{remedy.name.value}:{HELPED[remedy.helped]}"


def _location_names(locations: Sequence[str], kb: KnowledgeBase) -> str:
    names = []
    for location in locations:
        finding = kb.finding_by_id.get(location)
        names.append(finding.name if finding is not None else location)
    return LIST_SEPARATOR.join(names)


def episode_row(episode: Episode, zone: ZoneInfo, kb: KnowledgeBase) -> dict[str, str]:
    """One episode as the CSV's cells (before the formula guard); ``kb`` names the places."""
    return {
        "id": "" if episode.id is None else str(episode.id),
        "started_at_utc": episode.started_at.isoformat(),
        "started_at_local": episode.started_at.astimezone(zone).isoformat(),
        "duration_seconds": (
            NOT_RECORDED if episode.duration_seconds is None else str(episode.duration_seconds)
        ),
        "kind": episode.kind.value,
        "severity": NOT_RECORDED if episode.severity is None else str(episode.severity),
        "locations": LIST_SEPARATOR.join(episode.locations),
        "location_names": _location_names(episode.locations, kb),
        "context": LIST_SEPARATOR.join(factor.value for factor in episode.context),
        "medicine_name": episode.medicine_name or "",
        "remedies": LIST_SEPARATOR.join(_remedy(remedy) for remedy in episode.remedies),
        "notes": episode.notes,
    }


def diary_csv(episodes: Sequence[Episode], *, kb: KnowledgeBase, timezone: str = "UTC") -> str:
    """The episodes as RFC 4180 CSV text (header row first), oldest episode first.

    ``kb`` is the engine's knowledge base, which names the places (passed in, never the
    packaged one loaded here, so the export can be tested with any); ``timezone`` is the
    person's IANA timezone, used for ``started_at_local``.
    """
    zone = ZoneInfo(timezone)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    ordered = sorted(episodes, key=lambda e: (e.started_at, e.id or 0))
    for episode in ordered:
        row = episode_row(episode, zone, kb)
        writer.writerow([guard(row[column]) for column in COLUMNS])
    return buffer.getvalue()


__all__ = ["COLUMNS", "diary_csv", "episode_row", "guard", "unguard"]
