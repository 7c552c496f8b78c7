"""The diary charts of the clinician report, drawn with matplotlib as PNG bytes.

Charts are drawn on a bare :class:`~matplotlib.figure.Figure`, which renders through the Agg
canvas without touching pyplot's global backend. Each chart has a fixed size and resolution
and is saved without metadata (no timestamps, no software version), so the same diary gives
byte-identical images.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from matplotlib.figure import Figure

from spasmcheck.diary.model import Episode
from spasmcheck.diary.summary import DiarySummary, fitted_weekly_rates

WIDTH_IN = 2.6
HEIGHT_IN = 1.9
DPI = 200
FONT_SIZE = 7.0
BAR = "#4c78a8"
NEW = "#e45756"
LINE = "#222222"


def _figure(width: float = WIDTH_IN, height: float = HEIGHT_IN) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.set_layout_engine("constrained")
    return fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _style(ax: object) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    ax.tick_params(labelsize=FONT_SIZE - 0.5, length=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.title.set_fontsize(FONT_SIZE + 0.5)
    ax.xaxis.label.set_fontsize(FONT_SIZE)
    ax.yaxis.label.set_fontsize(FONT_SIZE)


def episodes_per_week(summary: DiarySummary) -> bytes:
    """Bars: episodes per week (per 7 days for partial weeks); line: the fitted trend."""
    fig = _figure()
    ax = fig.add_subplot()
    weeks = summary.weeks
    x = list(range(len(weeks)))
    rates = [w.episodes / w.days_in_range * 7 if w.days_in_range else 0.0 for w in weeks]
    ax.bar(x, rates, color=BAR, width=0.7, label="episodes")
    fitted = fitted_weekly_rates(summary)
    if fitted is not None:
        ax.plot(x, fitted, color=LINE, linewidth=1.2, linestyle="--", label="trend")
        ax.legend(fontsize=FONT_SIZE - 1, frameon=False, loc="upper left")
    ax.set_xticks(x, [w.monday.strftime("%d %b") for w in weeks], rotation=60, ha="right")
    step = max(1, math.ceil(len(weeks) / 8))
    for i, label in enumerate(ax.get_xticklabels()):
        label.set_visible(i % step == 0)
    ax.set_ylabel("per week")
    ax.set_ylim(0, max([*rates, *(fitted or []), 1.0]) * 1.25)
    ax.set_title("Episodes per week")
    _style(ax)
    return _png(fig)


def severity_over_time(
    episodes: Sequence[Episode], summary: DiarySummary, timezone: str = "UTC"
) -> bytes:
    """Dots: each episode's severity on its local date (none for a severity not recorded);
    line: the weekly mean."""
    fig = _figure()
    ax = fig.add_subplot()
    zone = ZoneInfo(timezone)
    points = [
        (e.started_at.astimezone(zone).date(), e.severity)
        for e in episodes
        if e.severity is not None
        and summary.start <= e.started_at.astimezone(zone).date() <= summary.end
    ]
    points.sort()

    def days(day: date) -> int:
        return (day - summary.start).days

    if points:
        ax.scatter(
            [days(d) for d, _ in points],
            [s for _, s in points],
            s=8,
            color=BAR,
            alpha=0.6,
            linewidths=0,
            label="episode",
        )
    means = [
        (max(days(w.monday), 0) + 3, w.mean_severity)
        for w in summary.weeks
        if w.mean_severity is not None
    ]
    if means:
        ax.plot(
            [m[0] for m in means],
            [m[1] for m in means],
            color=LINE,
            linewidth=1.2,
            marker="o",
            markersize=2.5,
            label="weekly mean",
        )
        ax.legend(fontsize=FONT_SIZE - 1, frameon=False, loc="lower left", ncols=2)
    total = max(days(summary.end), 1)
    step = 7 if total <= 70 else 14 * math.ceil(total / 140)
    ticks = list(range(0, total + 1, step))
    ax.set_xticks(ticks, [(summary.start + timedelta(days=t)).strftime("%d %b") for t in ticks])
    ax.tick_params(axis="x", labelrotation=60)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.set_xlim(-1, total + 1)
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks([0, 2, 4, 6, 8, 10])
    ax.set_ylabel("severity (0–10)")
    ax.set_title("Severity over time")
    _style(ax)
    return _png(fig)


def body_areas(
    counts: Mapping[str, int],
    names: Mapping[str, str],
    new: Sequence[str] = (),
    limit: int = 7,
) -> bytes:
    """Horizontal bars: episodes per body area, the most frequent on top; new areas in red."""
    fig = _figure()
    ax = fig.add_subplot()
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    if items:
        labels = [
            names.get(loc, loc) + (" (new)" if loc in new else "") for loc, _ in reversed(items)
        ]
        values = [n for _, n in reversed(items)]
        colours = [NEW if loc in new else BAR for loc, _ in reversed(items)]
        ax.barh(range(len(items)), values, color=colours, height=0.6)
        ax.set_yticks(range(len(items)), labels)
        for i, v in enumerate(values):
            ax.text(v, i, f" {v}", va="center", fontsize=FONT_SIZE - 1)
        ax.set_xlim(0, max(values) * 1.2)
    else:
        ax.text(0.5, 0.5, "no episodes", ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
    ax.set_xlabel("episodes")
    ax.set_title("Body areas")
    _style(ax)
    return _png(fig)
