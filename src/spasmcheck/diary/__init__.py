"""The spasm diary: logged episodes, their summary, and re-triage from diary patterns."""

from spasmcheck.diary.model import ContextFactor, Episode, EpisodeKind, Remedy, RemedyName
from spasmcheck.diary.summary import DiaryError, DiarySummary, summarise

__all__ = [
    "ContextFactor",
    "DiaryError",
    "DiarySummary",
    "Episode",
    "EpisodeKind",
    "Remedy",
    "RemedyName",
    "summarise",
]
