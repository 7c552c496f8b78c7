"""The diary's charts for the web pages: inline SVG drawn on the server, no script, no fonts.

Each function turns a :class:`~spasmcheck.diary.summary.DiarySummary` (and, for severity, the
episodes) into a :class:`Chart`: the SVG markup plus the same numbers as a table and a
one-paragraph description, so nothing in a picture is only in the picture. The SVGs use a
``viewBox`` 310 units wide, the width of a chart's card on a 360-px phone, so that they draw
about 1:1 there and their text stays at 13-14 px; wider screens only scale them up. Long
labels wrap onto more lines instead of shrinking. They carry ``role="img"`` with a
``<title>`` and ``<desc>``, and write every number they show as text: colour is never the
only signal. Every piece of text is escaped before it enters the markup, so the result can
be marked safe for Jinja.

The PDF report draws its own charts with matplotlib (:mod:`spasmcheck.export.charts`); the web
draws these instead so that a page needs neither matplotlib nor images.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from spasmcheck.diary.model import Episode
from spasmcheck.diary.summary import DiarySummary, WeekRow, fitted_weekly_rates

WIDTH = 310
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
INK = "#1b1f24"
MUTED = "#4a5561"  # 7.4:1 on white
GRID = "#c9d2db"
BAR = "#1f5f8b"  # 6.6:1 on white
OTHER = "#6b7785"  # 4.6:1 on white: the comparison bar
HELPED = "#1d6b35"  # 6.4:1 on white
TEXT_SIZE = 14
SMALL_SIZE = 13
LINE = 1.25  # line height, in ems
# The server measures no fonts: text widths are estimated from this average glyph width (in
# ems), generous for the widest fallback (DejaVu Sans, bold) so an estimate never falls short.
GLYPH = 0.62


@dataclass(frozen=True)
class Chart:
    """One chart: its SVG and the same data as words and as a table."""

    id: str
    title: str
    description: str
    svg: Markup
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]] = ()
    empty: bool = False  # nothing to draw yet: pages may show the description alone


def _name(names: Mapping[str, str], value: str) -> str:
    return names.get(value, value.replace("_", " "))


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _text(x: float, y: float, content: str, *, size: int = TEXT_SIZE, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra}>{escape(content)}</text>'


def _width(text: str, size: int) -> float:
    """The estimated width of ``text`` at ``size`` (see GLYPH)."""
    return len(text) * size * GLYPH


def _wrap(text: str, size: int, width: float) -> list[str]:
    """``text`` in lines that fit ``width``, broken between words (a longer word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def _label(x: float, y: float, lines: list[str], *, size: int = TEXT_SIZE, **attrs: str) -> str:
    """Lines of text, the first with its baseline at ``y``: one ``<text>`` per line."""
    return "".join(
        _text(x, y + i * size * LINE, line, size=size, **attrs) for i, line in enumerate(lines)
    )


def _times(n: int) -> str:
    return f"{n} time{'' if n == 1 else 's'}"


def _svg(chart_id: str, title: str, description: str, height: float, body: list[str]) -> Markup:
    """The outer ``<svg>``: labelled by its title and description, scaled by its viewBox."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img"'
        f' viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}"'
        f' preserveAspectRatio="xMidYMid meet"'
        f' aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc"'
        f' font-family="{escape(FONT)}" fill="{INK}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
    )
    # Every piece of ``body`` was built from escaped text and formatted numbers only.
    return Markup(head + "".join(body) + "</svg>")


def _message(height: float, message: str) -> list[str]:
    return [
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{height - 1:.0f}" fill="#f3f6f9"'
        f' stroke="{GRID}" rx="8"/>',
        _text(WIDTH / 2, height / 2 + 4, message, text_anchor="middle", fill=MUTED),
    ]


def _row_tops(heights: Sequence[float], *, first: float = 6.0, gap: float = 10.0) -> list[float]:
    """Where each row of a horizontal bar chart starts, then where the picture ends."""
    tops = [first]
    for h in heights:
        tops.append(tops[-1] + h + gap)
    return tops


def _nice_top(value: float) -> int:
    """A round axis maximum at or above ``value`` (at least 1)."""
    if value <= 5:
        return max(1, math.ceil(value))
    step = 2 if value <= 10 else 5 if value <= 40 else 10 ** math.floor(math.log10(value))
    return int(math.ceil(value / step) * step)


MAX_TICKS = 8


def y_ticks(top_value: int) -> list[int]:
    """Evenly spaced whole-number ticks from 0 to ``top_value``: the smallest step of 1, 2, 5,
    10, 20, 25, 50, ... that divides it into at most :data:`MAX_TICKS` intervals (never
    "0, 1, 2, 4, 5": issue 14 item 15)."""
    top_value = max(1, top_value)
    magnitude = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = int(factor * magnitude)
            whole = factor * magnitude == step and top_value % step == 0
            if whole and top_value // step <= MAX_TICKS:
                return list(range(0, top_value + 1, step))
        magnitude *= 10
        if magnitude > top_value:
            return [0, top_value]


def _y_grid(left: float, right: float, top: float, bottom: float, top_value: int) -> list[str]:
    ticks = y_ticks(top_value)
    out = []
    for tick in ticks:
        y = bottom - (bottom - top) * tick / top_value
        out.append(
            f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y:.1f}" y2="{y:.1f}"'
            f' stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            _text(left - 5, y + 4, str(tick), size=SMALL_SIZE, text_anchor="end", fill=MUTED)
        )
    return out


def _week_labels(weeks: Sequence[WeekRow], left: float, slot: float, y: float) -> list[str]:
    """Every week's Monday that fits: as many as leave a gap between neighbours, the first
    and last kept inside the picture."""
    names = [_day(w.monday) for w in weeks]
    widest = max((_width(n, SMALL_SIZE) for n in names), default=0.0)
    every = max(1, math.ceil((widest + 10) / slot))
    out = []
    for i, name in enumerate(names):
        if i % every:
            continue
        x, anchor = left + slot * (i + 0.5), "middle"
        half = _width(name, SMALL_SIZE) / 2
        if x + half > WIDTH:
            x, anchor = WIDTH - 1.0, "end"
        elif x - half < 0:
            x, anchor = 1.0, "start"
        out.append(_text(x, y, name, size=SMALL_SIZE, text_anchor=anchor, fill=MUTED))
    return out


# -- episodes per week -------------------------------------------------------------------------
def _week_name(week: WeekRow) -> str:
    if week.days_in_range < 7:
        return f"week of {_day(week.monday)} ({week.days_in_range} of 7 days)"
    return f"week of {_day(week.monday)}"


def _count_rows(counts: Sequence[int], slot: float) -> int:
    """How many staggered rows the counts under the bars need to stay apart: 1, 2, or 0 when
    even two rows would crowd them (then the y-axis and the table give the numbers)."""
    widest = max((_width(str(c), SMALL_SIZE) for c in counts), default=0.0)
    return next((rows for rows in (1, 2) if widest + 2 <= slot * rows), 0)


def episodes_per_week(summary: DiarySummary, *, chart_id: str = "chart-weeks") -> Chart:
    """Bars: episodes counted in each week, each numbered under the axis, out of the way of
    the dashed line: the fitted trend."""
    title = "Episodes per week"
    weeks = summary.weeks
    fitted = fitted_weekly_rates(summary)
    counts = [w.episodes for w in weeks]
    top, bottom, left, right = 34.0, 164.0, 30.0, WIDTH - 6.0
    top_value = _nice_top(max([*counts, *(fitted or [])], default=0) * 1.1)
    slot = (right - left) / max(1, len(weeks))
    count_rows = _count_rows(counts, slot)
    line = SMALL_SIZE * LINE
    dates_y = bottom + 4 + line * (count_rows + 1)
    height = dates_y + line + 12

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / top_value

    body = _y_grid(left, right, top, bottom, top_value)
    for i, week in enumerate(weeks):
        x = left + slot * i + slot * 0.15
        y = y_of(week.episodes)
        body.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}"'
            f' height="{bottom - y:.1f}" fill="{BAR}"/>'
        )
        if count_rows:
            body.append(
                _text(
                    left + slot * (i + 0.5),
                    bottom + 4 + line * (1 + i % count_rows),
                    str(week.episodes),
                    size=SMALL_SIZE,
                    text_anchor="middle",
                    font_weight="700",
                )
            )
    body += _week_labels(weeks, left, slot, dates_y)
    body.append(_text(left, dates_y + line, "Week starting (Monday)", size=SMALL_SIZE, fill=MUTED))
    if fitted is not None:
        points = " ".join(
            f"{left + slot * (i + 0.5):.1f},{y_of(v):.1f}" for i, v in enumerate(fitted)
        )
        body.append(
            f'<polyline class="trend" points="{points}" fill="none" stroke="{INK}"'
            f' stroke-width="2.5" stroke-dasharray="6 4"/>'
        )
        body.append(
            f'<line x1="{left:.1f}" x2="{left + 26:.1f}" y1="12" y2="12" stroke="{INK}"'
            f' stroke-width="2.5" stroke-dasharray="6 4"/>'
        )
        body.append(_text(left + 32, 17, "trend (fitted, per full week)", size=SMALL_SIZE))

    total = sum(counts)
    words = ", ".join(f"{_day(w.monday)}: {w.episodes}" for w in weeks)
    description = f"{total} episode{'s' if total != 1 else ''} in {len(weeks)} weeks ({words})."
    if fitted is not None:
        description += (
            f" The dashed trend line goes from about {_num(round(fitted[0], 1))} to"
            f" {_num(round(fitted[-1], 1))} episodes a week."
        )
    if weeks and weeks[-1].days_in_range < 7:
        days = weeks[-1].days_in_range
        description += f" The last week has only {days} day{'' if days == 1 else 's'} so far."
    rows = [
        (
            _week_name(w),
            str(w.episodes),
            _num(round(fitted[i], 1)) if fitted is not None else "–",
        )
        for i, w in enumerate(weeks)
    ]
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, title, description, height, body),
        columns=("Week", "Episodes", "Trend (per full week)"),
        rows=rows,
        empty=total == 0,
    )


# -- severity over time ----------------------------------------------------------------------
def severity_over_time(
    summary: DiarySummary,
    episodes: Sequence[Episode],
    *,
    chart_id: str = "chart-severity",
) -> Chart:
    """Dots: each episode's severity on its local day; solid line: the weekly mean. An
    episode logged without a severity has no dot (it is not a 0)."""
    title = "Severity over time"
    zone = ZoneInfo(summary.timezone)
    points = sorted(
        (local.date(), e.severity)
        for e in episodes
        if e.severity is not None
        and summary.start <= (local := e.started_at.astimezone(zone)).date() <= summary.end
    )
    top, bottom, left, right = 34.0, 164.0, 30.0, WIDTH - 6.0
    line_height = SMALL_SIZE * LINE
    height = bottom + 4 + 2 * line_height + 12
    days = max(1, summary.days)
    day_width = (right - left) / days

    def x_of(day: date, offset: float = 0.5) -> float:
        return left + ((day - summary.start).days + offset) * day_width

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / 10

    means = [
        (max(w.monday, summary.start), w.mean_severity)
        for w in summary.weeks
        if w.mean_severity is not None
    ]
    if not points:
        description = "No episodes with a severity in this range, so no severity to show."
        body = _message(height, "No severity recorded in this range")
    else:
        body = []
        for tick in (0, 5, 10):
            y = y_of(tick)
            body.append(
                f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y:.1f}" y2="{y:.1f}"'
                f' stroke="{GRID}" stroke-width="1"/>'
            )
            body.append(
                _text(left - 5, y + 4, str(tick), size=SMALL_SIZE, text_anchor="end", fill=MUTED)
            )
        for day, severity in points:
            body.append(
                f'<circle class="dot" cx="{x_of(day):.1f}" cy="{y_of(severity):.1f}" r="4"'
                f' fill="{BAR}" stroke="#ffffff" stroke-width="1"/>'
            )
        line = " ".join(
            f"{x_of(monday, 3.5 if monday.weekday() == 0 else 0.5):.1f},{y_of(m):.1f}"
            for monday, m in means
        )
        body.append(
            f'<polyline class="mean" points="{line}" fill="none" stroke="{INK}"'
            f' stroke-width="2.5"/>'
        )
        body.append(f'<circle cx="{left + 6:.1f}" cy="12" r="4" fill="{BAR}"/>')
        body.append(_text(left + 14, 17, "an episode", size=SMALL_SIZE))
        key = left + 14 + _width("an episode", SMALL_SIZE) + 12
        body.append(
            f'<line x1="{key:.1f}" x2="{key + 26:.1f}" y1="12" y2="12" stroke="{INK}"'
            f' stroke-width="2.5"/>'
        )
        body.append(_text(key + 32, 17, "weekly average", size=SMALL_SIZE))
        slot = (right - left) / max(1, len(summary.weeks))
        body += _week_labels(summary.weeks, left, slot, bottom + 4 + line_height)
        body.append(
            _text(
                left,
                bottom + 4 + 2 * line_height,
                "Severity 0 (barely) to 10 (worst)",
                size=SMALL_SIZE,
                fill=MUTED,
            )
        )
        average = sum(s for _, s in points) / len(points)
        description = (
            f"{len(points)} episode{'s' if len(points) != 1 else ''} with severity from"
            f" {min(s for _, s in points)} to {max(s for _, s in points)} out of 10,"
            f" {_num(round(average, 1))} on average. Weekly averages: "
            + ", ".join(
                f"{_day(w.monday)}: {_num(round(w.mean_severity, 1))}"
                for w in summary.weeks
                if w.mean_severity is not None
            )
            + "."
        )
    rows = [
        (
            _week_name(w),
            str(w.episodes),
            _num(round(w.mean_severity, 1)) if w.mean_severity is not None else "–",
        )
        for w in summary.weeks
    ]
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, title, description, height, body),
        columns=("Week", "Episodes", "Average severity (0–10)"),
        rows=rows,
        empty=not points,
    )


# -- body areas --------------------------------------------------------------------------------
def body_areas(
    summary: DiarySummary, names: Mapping[str, str], *, chart_id: str = "chart-areas"
) -> Chart:
    """Horizontal bars: episodes per body area, most frequent first; new areas hatched and
    marked "(new)" in words."""
    title = "Where the spasms were"
    counts = summary.body_areas.counts
    new = set(summary.body_areas.new)
    first_seen = summary.body_areas.first_seen
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    left, right = 4.0, WIDTH - 40.0
    labels = [
        _wrap(_name(names, loc) + (" (new)" if loc in new else ""), TEXT_SIZE, WIDTH - left)
        for loc, _ in items
    ]
    line = TEXT_SIZE * LINE
    tops = _row_tops([line * len(lines) + 28 for lines in labels])
    height = max(90.0, tops[-1])
    if not items:
        description = "No episodes in this range, so no body areas to show."
        body = _message(height, "No episodes in this range")
    else:
        most = max(n for _, n in items)
        hatch = f"{chart_id}-new"
        body = [
            f'<defs><pattern id="{escape(hatch)}" width="6" height="6"'
            f' patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="6" height="6" fill="{BAR}"/>'
            f'<rect width="2.5" height="6" fill="#ffffff"/></pattern></defs>'
        ]
        for (loc, n), lines, y in zip(items, labels, tops, strict=False):
            width = max(2.0, (right - left) * n / most)
            fill = f"url(#{escape(hatch)})" if loc in new else BAR
            body.append(_label(left, y + TEXT_SIZE, lines, font_weight="600"))
            bar = y + line * len(lines) + 4
            body.append(
                f'<rect class="chart-bar" x="{left:.1f}" y="{bar:.1f}" width="{width:.1f}"'
                f' height="16" fill="{fill}" stroke="{BAR}" stroke-width="1.5"/>'
            )
            body.append(_text(left + width + 6, bar + 13, str(n), font_weight="700"))
        description = (
            "Episodes by body area: "
            + ", ".join(
                f"{_name(names, loc)} {n}{' (new)' if loc in new else ''}" for loc, n in items
            )
            + "."
        )
    rows = [
        (
            _name(names, loc),
            str(n),
            _day(first_seen[loc]) if loc in first_seen else "–",
            "yes" if loc in new else "no",
        )
        for loc, n in items
    ]
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, title, description, height, body),
        columns=("Body area", "Episodes", "First logged", "New"),
        rows=rows,
        empty=not items,
    )


# -- context associations ----------------------------------------------------------------------
def _ratio_words(value: object, ci: object) -> str:
    if not isinstance(value, int | float):
        return "no episodes on other days to compare"
    text = f"×{value:.1f}"
    if isinstance(ci, list) and len(ci) == 2:
        low, high = ci
        if isinstance(low, int | float):
            upper = f"{high:.1f}" if isinstance(high, int | float) else "no upper limit"
            text += f" (95 % interval {low:.1f} to {upper})"
    return text


def context_associations(
    summary: DiarySummary, names: Mapping[str, str], *, chart_id: str = "chart-context"
) -> Chart:
    """Paired bars per circumstance: episodes a day on days with it and on days without it.

    Only circumstances with enough days on both sides are drawn; the others are named in the
    description as "not enough days yet".
    """
    title = "Circumstances and episodes"
    enough = [c for c in summary.context if c.enough]
    short = [c for c in summary.context if not c.enough]
    left, right = 4.0, WIDTH - 4.0
    rates = [
        (c, c.episodes_with / c.days_with, c.episodes_without / c.days_without) for c in enough
    ]
    labels = [_wrap(_name(names, c.factor.value), TEXT_SIZE, right - left) for c in enough]
    line = TEXT_SIZE * LINE
    tops = _row_tops([line * len(lines) + 48 for lines in labels])
    height = max(90.0, tops[-1])
    # "without" at the left of the bars, "0.0 a day" after the longest one
    bar_left = left + _width("without", SMALL_SIZE) + 6
    bar_room = right - bar_left - _width("00.0 a day", SMALL_SIZE) - 6
    if not rates:
        body = _message(
            height,
            "No circumstances logged yet" if not summary.context else "Not enough days yet",
        )
    else:
        most = max(max(w, wo) for _, w, wo in rates)
        body = []
        for (_, with_rate, without_rate), lines, y in zip(rates, labels, tops, strict=False):
            body.append(_label(left, y + TEXT_SIZE, lines, font_weight="600"))
            for j, (rate, fill, word) in enumerate(
                ((with_rate, BAR, "with"), (without_rate, OTHER, "without"))
            ):
                top = y + line * len(lines) + 4 + j * 22
                width = max(2.0, bar_room * rate / most)
                body.append(_text(left, top + 13, word, size=SMALL_SIZE, fill=MUTED))
                body.append(
                    f'<rect class="chart-bar" x="{bar_left:.1f}" y="{top:.1f}"'
                    f' width="{width:.1f}" height="17" fill="{fill}"/>'
                )
                body.append(
                    _text(
                        bar_left + width + 6,
                        top + 13,
                        f"{rate:.1f} a day",
                        size=SMALL_SIZE,
                        font_weight="700",
                    )
                )
    parts = [
        f"{_name(names, c.factor.value)}: {with_rate:.1f} episodes a day on days with it,"
        f" {without_rate:.1f} on days without"
        for c, with_rate, without_rate in rates
    ]
    if short:
        parts.append(
            ", ".join(_name(names, c.factor.value) for c in short) + ": not enough days yet"
        )
    description = (
        "; ".join(parts) + "." if parts else "No circumstances were logged with the episodes."
    )
    rows = []
    for item in summary.context:
        d = item.as_dict()
        rows.append(
            (
                _name(names, item.factor.value),
                f"{item.days_with} / {item.days_without}",
                f"{item.episodes_with} / {item.episodes_without}",
                (
                    f"{d['rate_with']:.1f} / {d['rate_without']:.1f}"
                    if item.enough
                    else "not enough days yet"
                ),
                _ratio_words(d["rate_ratio"], d["ci95"]) if item.enough else "–",
            )
        )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, title, description, height, body),
        columns=(
            "Circumstance",
            "Days with / without",
            "Episodes with / without",
            "A day with / without",
            "Ratio",
        ),
        rows=rows,
        empty=not rates,
    )


# -- what helped -------------------------------------------------------------------------------
def what_helped(
    summary: DiarySummary, names: Mapping[str, str], *, chart_id: str = "chart-remedies"
) -> Chart:
    """One bar per remedy: the share of recorded tries that helped, with "n of m" in words."""
    title = "What helped"
    remedies = summary.remedies
    left, right = 4.0, WIDTH - 4.0 - _width("100 %", TEXT_SIZE) - 6
    labels = []
    for item in remedies:
        name = _name(names, item.remedy.value)
        if item.recorded:
            outcome = (
                f"helped {item.helped} of {_times(item.recorded)}, "
                f"did not help {item.recorded - item.helped}"
            )
        else:
            outcome = f"tried {_times(item.tried)}, outcome not recorded"
        lines = _wrap(f"{name}: {outcome}", TEXT_SIZE, WIDTH - left)
        if len(lines) > 1:  # break after the name rather than inside the counts
            lines = _wrap(f"{name}:", TEXT_SIZE, WIDTH - left) + _wrap(
                outcome, TEXT_SIZE, WIDTH - left
            )
        labels.append(lines)
    line = TEXT_SIZE * LINE
    tops = _row_tops([line * len(lines) + 22 for lines in labels])
    height = max(90.0, tops[-1])
    if not remedies:
        body = _message(height, "Nothing tried logged yet")
    else:
        body = []
        for item, lines, y in zip(remedies, labels, tops, strict=False):
            body.append(_label(left, y + TEXT_SIZE, lines, font_weight="600"))
            bar = y + line * len(lines) + 4
            body.append(
                f'<rect x="{left:.1f}" y="{bar:.1f}" width="{right - left:.1f}" height="16"'
                f' fill="#ffffff" stroke="{OTHER}" stroke-width="1"/>'
            )
            if item.recorded:
                share = item.helped / item.recorded
                body.append(
                    f'<rect class="chart-bar" x="{left:.1f}" y="{bar:.1f}"'
                    f' width="{max(0.0, (right - left) * share):.1f}" height="16"'
                    f' fill="{HELPED}"/>'
                )
                body.append(_text(right + 6, bar + 13, f"{share * 100:.0f} %", font_weight="700"))
    description = (
        "; ".join(
            f"{_name(names, r.remedy.value)} helped {r.helped} of {_times(r.recorded)}, "
            f"did not help {r.recorded - r.helped}"
            if r.recorded
            else f"{_name(names, r.remedy.value)} tried {_times(r.tried)}, outcome not recorded"
            for r in remedies
        )
        + "."
        if remedies
        else "Nothing tried was logged with the episodes."
    )
    rows = []
    for item in remedies:
        d = item.as_dict()
        vs = d["vs_others"]
        if vs and isinstance(vs["ci95"][0], int | float):
            compared = (
                f"{vs['difference'] * 100:+.0f} points"
                f" ({vs['ci95'][0] * 100:+.0f} to {vs['ci95'][1] * 100:+.0f})"
            ).replace("-", "−")
        else:
            compared = "not enough tries yet"
        rows.append(
            (
                _name(names, item.remedy.value),
                str(item.tried),
                str(item.helped),
                str(item.not_helped),
                str(item.tried - item.recorded),
                f"{item.helped / item.recorded * 100:.0f} %" if item.recorded else "–",
                compared,
            )
        )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        svg=_svg(chart_id, title, description, height, body),
        columns=(
            "Remedy",
            "Tried",
            "Helped",
            "Did not help",
            "Not recorded",
            "Helped (share)",
            "Against the others",
        ),
        rows=rows,
        empty=not remedies,
    )
