"""The diary's SVG charts: well-formed, labelled, one bar per week, escaped, sane when empty."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from spasmcheck.diary.model import Episode, Remedy
from spasmcheck.diary.summary import DiarySummary, fitted_weekly_rates, summarise
from spasmcheck.web import charts

SVG = "{http://www.w3.org/2000/svg}"
MONDAY = date(2026, 1, 5)  # a Monday


def diary_episode(
    day: date,
    *,
    hour: int = 14,
    severity: int = 5,
    locations: tuple[str, ...] = ("loc_calf",),
    context: tuple[str, ...] = (),
    remedies: tuple[Remedy, ...] = (),
) -> Episode:
    return Episode.model_validate(
        {
            "started_at": datetime(day.year, day.month, day.day, hour, tzinfo=UTC),
            "duration_seconds": 60,
            "locations": list(locations),
            "kind": "cramp",
            "severity": severity,
            "context": list(context),
            "remedies": list(remedies),
        }
    )


def diary_summary(episodes: list[Episode], weeks: int = 8) -> DiarySummary:
    return summarise(episodes, start=MONDAY, end=MONDAY + timedelta(weeks=weeks, days=-1))


def parse(chart: charts.Chart) -> ET.Element:
    root = ET.fromstring(str(chart.svg))
    assert root.tag == f"{SVG}svg"
    return root


def bars(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}rect") if e.get("class") == "chart-bar"]


def texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


EMPTY = diary_summary([])
NAMES = {"loc_calf": "Calf", "loc_thigh": "Thigh"}
ALL_CHARTS: list[Callable[[DiarySummary], charts.Chart]] = [
    charts.episodes_per_week,
    lambda s: charts.severity_over_time(s, []),
    lambda s: charts.body_areas(s, NAMES),
    lambda s: charts.context_associations(s, NAMES),
    lambda s: charts.what_helped(s, {}),
]


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_every_chart_is_an_accessible_image_that_scales(
    make: Callable[[DiarySummary], charts.Chart],
) -> None:
    summary = diary_summary([diary_episode(MONDAY + timedelta(days=d)) for d in (0, 9, 20)])
    chart = make(summary)
    root = parse(chart)
    assert root.get("role") == "img"
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    assert root.find(f"{SVG}title[@id='{title_id}']") is not None
    desc = root.find(f"{SVG}desc[@id='{desc_id}']")
    assert desc is not None and desc.text == chart.description
    assert (root.get("viewBox") or "").startswith(f"0 0 {charts.WIDTH} ")
    assert (
        "<image" not in chart.svg
        and "font-face" not in chart.svg
        and "http" not in (chart.svg.replace("http://www.w3.org/2000/svg", ""))
    )


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_an_empty_diary_draws_a_message_not_an_error(
    make: Callable[[DiarySummary], charts.Chart],
) -> None:
    chart = make(EMPTY)
    root = parse(chart)
    assert chart.description
    if make is charts.episodes_per_week:  # a row of zero bars still says "none"
        assert [t for t in texts(root) if t == "0"]
    else:
        assert chart.empty
        assert bars(root) == []
        assert any(t.startswith(("No ", "Nothing", "Not enough")) for t in texts(root))


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_text_stays_readable_on_a_phone(make: Callable[[DiarySummary], charts.Chart]) -> None:
    """The viewBox is about as wide as a chart's card on a 360-px phone, so font sizes are
    close to pixels there: none under 13."""
    names = {**NAMES, "loc_calf": "Upper right belly, under the ribs, and the calf"}
    episodes = [
        diary_episode(
            MONDAY + timedelta(days=d),
            context=("caffeine",) if d % 2 else (),
            remedies=(Remedy(name="electrolyte_drink", helped=True),),
        )
        for d in range(20)
    ]
    root = parse(make(diary_summary(episodes)))
    assert charts.WIDTH <= 320
    sizes = [int(e.get("font-size") or 0) for e in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 13
    chart = charts.body_areas(diary_summary(episodes), names)
    lines = texts(parse(chart))
    assert "Upper right belly, under the ribs, and the calf" not in lines  # wrapped
    assert all(charts._width(t, 14) <= charts.WIDTH for t in lines)


@pytest.mark.parametrize("weeks", [4, 8, 12, 26])
def test_one_numbered_bar_per_week(weeks: int) -> None:
    episodes = [diary_episode(MONDAY + timedelta(days=3 * i)) for i in range(weeks * 2)]
    summary = diary_summary(episodes, weeks)
    root = parse(charts.episodes_per_week(summary))
    assert len(bars(root)) == weeks == len(summary.weeks)
    counts = [str(w.episodes) for w in summary.weeks]
    labels = texts(root)
    assert all(c in labels for c in counts)  # every bar carries its number
    assert len(charts.episodes_per_week(summary).rows) == weeks


def test_the_counts_sit_under_the_axis_out_of_the_trend_lines_way() -> None:
    rising = [
        diary_episode(MONDAY + timedelta(weeks=w, days=d)) for w in range(8) for d in range(w)
    ]
    root = parse(charts.episodes_per_week(diary_summary(rising)))
    baseline = max(float(e.get("y") or 0) + float(e.get("height") or 0) for e in bars(root))
    counts = [e for e in root.iter(f"{SVG}text") if e.get("font-weight") == "700"]
    assert [e.text for e in counts] == [str(w) for w in range(8)]
    assert all(float(e.get("y") or 0) > baseline + 10 for e in counts)


def test_many_weeks_of_two_digit_counts_stagger_their_numbers() -> None:
    busy = [
        diary_episode(MONDAY + timedelta(days=d), hour=h) for d in range(26 * 7) for h in (1, 2)
    ]
    root = parse(charts.episodes_per_week(diary_summary(busy, 26)))
    counts = [e for e in root.iter(f"{SVG}text") if e.get("font-weight") == "700"]
    assert [e.text for e in counts] == ["14"] * 26
    assert len({e.get("y") for e in counts}) == 2  # two rows, so neighbours do not touch


def test_the_trend_line_is_drawn_when_the_fit_exists() -> None:
    rising = [
        diary_episode(MONDAY + timedelta(weeks=w, days=d)) for w in range(6) for d in range(w)
    ]
    summary = diary_summary(rising, 6)
    assert summary.trend.fit.rate_ratio is not None
    chart = charts.episodes_per_week(summary)
    trend = [e for e in parse(chart).iter(f"{SVG}polyline") if e.get("class") == "trend"]
    assert len(trend) == 1
    assert len((trend[0].get("points") or "").split()) == 6
    assert "trend line" in chart.description

    empty = parse(charts.episodes_per_week(EMPTY))
    assert not [e for e in empty.iter(f"{SVG}polyline") if e.get("class") == "trend"]


def test_the_fitted_trend_adds_up_to_the_episodes_counted() -> None:
    # The Poisson fit has an intercept: Σ fitted count = Σ observed count, where a week's
    # fitted count is its rate per 7 days × its days in range / 7.
    episodes = [diary_episode(MONDAY + timedelta(days=d)) for d in (0, 1, 8, 15, 16, 17, 18)]
    summary = summarise(episodes, start=MONDAY, end=MONDAY + timedelta(days=19))
    rates = fitted_weekly_rates(summary)
    assert rates is not None
    fitted = sum(r * w.days_in_range / 7 for r, w in zip(rates, summary.weeks, strict=True))
    assert fitted == pytest.approx(7)
    assert fitted_weekly_rates(EMPTY) is None


def test_text_is_escaped_everywhere() -> None:
    evil = '<script>alert("x")</script> & co'
    summary = diary_summary(
        [
            diary_episode(MONDAY, locations=("loc_calf",), context=("caffeine",)),
            diary_episode(
                MONDAY + timedelta(days=1),
                remedies=(Remedy(name="stretching", helped=True),),
            ),
        ]
    )
    names = {"loc_calf": evil, "caffeine": evil, "stretching": evil}
    for chart in (
        charts.body_areas(summary, names),
        charts.context_associations(summary, names),
        charts.what_helped(summary, names),
    ):
        assert "<script>" not in chart.svg
        assert "&lt;script&gt;" in chart.svg
        root = parse(chart)  # still well-formed XML
        assert any(evil in t for t in [*texts(root), root.findtext(f"{SVG}desc") or ""])


def test_severity_draws_a_dot_per_episode_and_the_weekly_means() -> None:
    episodes = [
        diary_episode(MONDAY + timedelta(days=d), severity=s)
        for d, s in ((0, 2), (1, 4), (8, 7), (20, 9))
    ]
    summary = diary_summary(episodes, 4)
    chart = charts.severity_over_time(summary, episodes)
    root = parse(chart)
    dots = [e for e in root.iter(f"{SVG}circle") if e.get("class") == "dot"]
    assert len(dots) == 4
    mean = [e for e in root.iter(f"{SVG}polyline") if e.get("class") == "mean"]
    assert len((mean[0].get("points") or "").split()) == 3  # three weeks have episodes
    assert ("week of 5 Jan", "2", "3") in chart.rows  # (2 + 4) / 2


def test_body_areas_mark_new_places_in_words() -> None:
    episodes = [diary_episode(MONDAY + timedelta(days=d)) for d in range(0, 40, 3)]
    episodes.append(diary_episode(MONDAY + timedelta(days=45), locations=("loc_thigh",)))
    summary = diary_summary(episodes)
    assert summary.body_areas.new == ["loc_thigh"]
    chart = charts.body_areas(summary, NAMES)
    labels = texts(parse(chart))
    assert "Thigh (new)" in labels and "Calf" in labels
    assert len(bars(parse(chart))) == 2
    assert ("Thigh", "1", "19 Feb", "yes") in chart.rows


def test_context_bars_only_for_circumstances_with_enough_days() -> None:
    days = range(12)
    episodes = [
        diary_episode(MONDAY + timedelta(days=d), context=("caffeine",) if d % 2 else ())
        for d in days
    ]
    episodes.append(diary_episode(MONDAY, hour=15, context=("alcohol",)))
    summary = diary_summary(episodes)
    chart = charts.context_associations(summary, {"caffeine": "Coffee", "alcohol": "Alcohol"})
    root = parse(chart)
    assert len(bars(root)) == 2  # coffee: with and without; alcohol has 1 day only
    assert "Alcohol: not enough days yet" in chart.description
    assert ("Alcohol", "1 / 11", "2 / 11", "not enough days yet", "–") in chart.rows


def test_what_helped_shows_the_share_and_the_counts() -> None:
    episodes = [
        diary_episode(
            MONDAY + timedelta(days=d), remedies=(Remedy(name="stretching", helped=d != 2),)
        )
        for d in range(4)
    ]
    episodes.append(diary_episode(MONDAY + timedelta(days=5), remedies=(Remedy(name="heat"),)))
    chart = charts.what_helped(diary_summary(episodes), {"stretching": "Stretching"})
    labels = texts(parse(chart))
    # both outcomes named, not only the share that helped (issue 14 item 13)
    assert labels[:3] == ["Stretching:", "helped 3 of 4 times, did not help 1", "75 %"]
    # Too long for one line at phone width: it breaks after the name, not inside the counts.
    assert labels[-2:] == ["heat:", "tried 1 time, outcome not recorded"]
    assert "Stretching helped 3 of 4 times, did not help 1; heat tried 1 time," in (
        chart.description
    )
    assert len(bars(parse(chart))) == 1  # nothing recorded: no share to draw


@pytest.mark.parametrize("top", [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 35, 40, 50, 100, 300, 1000])
def test_the_y_axis_has_evenly_spaced_whole_number_ticks(top: int) -> None:
    ticks = charts.y_ticks(top)
    assert ticks[0] == 0 and ticks[-1] == top
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1, ticks  # never 0, 1, 2, 4, 5
    assert 1 <= len(ticks) - 1 <= charts.MAX_TICKS


def test_the_nice_tops_all_get_even_ticks() -> None:
    for value in range(1, 2000):
        ticks = charts.y_ticks(charts._nice_top(value))
        assert len({b - a for a, b in itertools.pairwise(ticks)}) == 1, (value, ticks)
