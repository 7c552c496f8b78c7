"""summarise(): weeks, trend, persistence, night, body areas, severity, context, remedies."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import pytest

from spasmcheck.diary import DiaryError, summarise
from spasmcheck.diary.stats import Z95, newcombe_difference, wilson_interval
from tests.diary.builders import at, ep


def test_empty_diary() -> None:
    s = summarise([], start=date(2024, 1, 1), end=date(2024, 1, 28))
    d = s.as_dict()
    assert d["episodes"] == 0
    assert [w["episodes"] for w in d["weeks"]] == [0, 0, 0, 0]
    assert d["trend"]["rising"] is False and d["trend"]["note"] == "no episodes"
    assert d["persistence"] == {
        "weeks_with_episodes": 0,
        "weeks": 4,
        "share": 0.0,
        "longest_run_weeks": 0,
    }
    assert d["night"]["share"] is None
    assert d["body_areas"] == {"counts": {}, "baseline_until": None, "new": []}
    assert d["severity"]["mean"] is None and d["severity"]["rising"] is False
    assert d["context"] == [] and d["remedies"] == []
    assert d["retriage"]["patterns"] == [] and d["retriage"]["level"] is None


def test_single_episode() -> None:
    s = summarise(
        [ep(at(2024, 1, 10, 23))], start=date(2024, 1, 1), end=date(2024, 1, 28)
    ).as_dict()
    assert [w["episodes"] for w in s["weeks"]] == [0, 1, 0, 0]
    assert s["trend"]["rising"] is False and s["trend"]["p_value"] > 0.05
    assert s["night"] == {"window": "22:00-06:00", "episodes": 1, "share": 1.0}
    assert s["severity"]["slope_per_week"] is None
    assert s["persistence"]["longest_run_weeks"] == 1


def test_range_of_one_day() -> None:
    episodes = [ep(at(2024, 3, 6, h)) for h in (1, 9, 15, 23)]
    s = summarise(episodes, start=date(2024, 3, 6), end=date(2024, 3, 6)).as_dict()
    assert s["range"]["days"] == 1
    assert s["weeks"] == [
        {
            "week": "2024-W10",
            "monday": "2024-03-04",
            "days_in_range": 1,
            "episodes": 4,
            "mean_severity": 5.0,
        }
    ]
    assert s["trend"]["note"] == "needs at least two weeks" and s["trend"]["rising"] is False
    assert s["night"]["share"] == 2 / 4
    assert s["body_areas"]["new"] == []


def test_episodes_outside_the_range_are_ignored() -> None:
    episodes = [
        ep(at(2024, 1, 31, 23, 59)),
        ep(at(2024, 2, 1, 0, 0)),
        ep(at(2024, 2, 29, 23, 59)),
        ep(at(2024, 3, 1, 0, 0)),
    ]
    s = summarise(episodes, start=date(2024, 2, 1), end=date(2024, 2, 29))
    assert s.episodes == 2
    assert sum(w.episodes for w in s.weeks) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": date(2024, 2, 2), "end": date(2024, 2, 1)}, "before it starts"),
        ({"start": date(2000, 1, 1), "end": date(2024, 1, 1)}, "longer than"),
        (
            {"start": date(2024, 1, 1), "end": date(2024, 1, 2), "timezone": "Mars/Olympus"},
            "unknown timezone",
        ),
        (
            {"start": date(2024, 1, 1), "end": date(2024, 1, 2), "timezone": "../etc"},
            "unknown timezone",
        ),
    ],
)
def test_bad_requests_raise_diary_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(DiaryError, match=message):
        summarise([], **kwargs)  # type: ignore[arg-type]


# -- weeks -------------------------------------------------------------------------------------
def test_every_iso_week_is_listed_with_its_days_in_range() -> None:
    # Wednesday 2024-01-03 to Sunday 2024-01-21: W01 has 5 days in range (Wed-Sun), W02 and W03 seven.
    episodes = [ep(at(2024, 1, 20)), ep(at(2024, 1, 21))]
    s = summarise(episodes, start=date(2024, 1, 3), end=date(2024, 1, 21)).as_dict()
    assert [(w["week"], w["days_in_range"], w["episodes"]) for w in s["weeks"]] == [
        ("2024-W01", 5, 0),
        ("2024-W02", 7, 0),
        ("2024-W03", 7, 2),
    ]


def test_iso_week_label_across_the_new_year() -> None:
    s = summarise([], start=date(2024, 12, 30), end=date(2025, 1, 5))
    assert [w.iso_week for w in s.weeks] == ["2025-W01"]


def test_persistence_and_longest_run() -> None:
    # episodes in weeks 1, 2, 4, 5, 6 of 6 (Mondays from 2024-01-01): share 5/6, longest run 3
    weeks_with = [0, 1, 3, 4, 5]
    episodes = [ep(at(2024, 1, 1) + timedelta(weeks=k)) for k in weeks_with]
    p = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 2, 11)).as_dict()["persistence"]
    assert p == {
        "weeks_with_episodes": 5,
        "weeks": 6,
        "share": round(5 / 6, 4),
        "longest_run_weeks": 3,
    }


def test_rising_weekly_counts_are_called_rising() -> None:
    # 1, 2, 4, 8 episodes in four full weeks: x̄ = 1.5, U = -1.5 - 1 + 2 + 12 = 11.5,
    # V = 15 * (2.25 + 0.25 + 0.25 + 2.25) / 4 = 18.75, z = 11.5 / sqrt(18.75)
    episodes = [
        ep(at(2024, 1, 1, 12) + timedelta(weeks=w, hours=i))
        for w, n in enumerate([1, 2, 4, 8])
        for i in range(n)
    ]
    t = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 1, 28)).as_dict()["trend"]
    assert t["p_value"] == pytest.approx(
        math.erfc(11.5 / math.sqrt(18.75) / math.sqrt(2)), abs=1e-6
    )
    assert t["rising"] is True
    assert t["rate_ratio_per_week"] > 1


def test_flat_noisy_diary_is_not_rising() -> None:
    counts = [3, 5, 2, 4, 3, 6, 2, 4]  # no direction, just noise
    episodes = [
        ep(at(2024, 1, 1, 12) + timedelta(weeks=w, hours=i))
        for w, n in enumerate(counts)
        for i in range(n)
    ]
    s = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 2, 25))
    assert s.trend.rising is False
    assert s.trend.fit.p_value is not None and s.trend.fit.p_value > 0.05


def test_a_rise_over_two_weeks_is_not_enough() -> None:
    episodes = [ep(at(2024, 1, 8, 12) + timedelta(hours=i)) for i in range(20)]
    s = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 1, 14))
    assert s.trend.fit.p_value is not None and s.trend.fit.p_value < 0.05
    assert s.trend.rising is False  # fewer than 3 weeks


# -- night and daylight saving -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("hour", "minute", "night"),
    [
        (21, 59, False),
        (22, 0, True),
        (23, 30, True),
        (0, 0, True),
        (5, 59, True),
        (6, 0, False),
        (12, 0, False),
    ],
)
def test_night_window(hour: int, minute: int, night: bool) -> None:
    s = summarise([ep(at(2024, 6, 5, hour, minute))], start=date(2024, 6, 5), end=date(2024, 6, 5))
    assert s.night.episodes == int(night)


def test_night_uses_local_time_across_the_spring_dst_change() -> None:
    # London moves to BST on 2024-03-31. 05:30 UTC is 05:30 local on the 30th but 06:30 local on the 31st.
    episodes = [ep(at(2024, 3, 30, 5, 30)), ep(at(2024, 3, 31, 5, 30))]
    london = summarise(
        episodes, start=date(2024, 3, 30), end=date(2024, 3, 31), timezone="Europe/London"
    )
    utc = summarise(episodes, start=date(2024, 3, 30), end=date(2024, 3, 31))
    assert (london.night.episodes, utc.night.episodes) == (1, 2)


def test_local_dates_decide_the_range_across_the_dst_change() -> None:
    # New York: 2024-03-10 04:30 UTC is 23:30 EST on the 9th (outside a range from the 10th);
    # after the change 2024-03-11 03:30 UTC is 23:30 EDT on the 10th (inside).
    episodes = [ep(at(2024, 3, 10, 4, 30)), ep(at(2024, 3, 11, 3, 30))]
    s = summarise(
        episodes, start=date(2024, 3, 10), end=date(2024, 3, 10), timezone="America/New_York"
    )
    assert s.episodes == 1 and s.night.episodes == 1


def test_the_repeated_hour_in_autumn_counts_twice() -> None:
    # 01:30 happens twice in New York on 2024-11-03 (05:30 and 06:30 UTC): two night episodes.
    episodes = [ep(at(2024, 11, 3, 5, 30)), ep(at(2024, 11, 3, 6, 30))]
    s = summarise(
        episodes, start=date(2024, 11, 3), end=date(2024, 11, 3), timezone="America/New_York"
    )
    assert (s.episodes, s.night.episodes) == (2, 2)


# -- body areas --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("foot_day", "end_day", "new", "baseline_until"),
    [
        (20, 28, ["loc_foot"], date(2024, 1, 14)),  # 28-day span: baseline the first 14 days
        (14, 28, [], date(2024, 1, 14)),  # first seen on the last baseline day
        (12, 20, ["loc_foot"], date(2024, 1, 10)),  # 20-day span: baseline the first half, 10 days
        (10, 10, [], date(2024, 1, 10)),  # 10-day span: too short to call anything new
    ],
)
def test_new_body_areas(foot_day: int, end_day: int, new: list[str], baseline_until: date) -> None:
    episodes = [ep(at(2024, 1, 1)), ep(at(2024, 1, foot_day), locations=["loc_foot", "loc_calf"])]
    areas = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 1, end_day)).body_areas
    assert areas.counts == {"loc_calf": 2, "loc_foot": 1}
    assert (areas.new, areas.baseline_until) == (new, baseline_until)


# -- severity ----------------------------------------------------------------------------------
def test_severity_trend_by_hand() -> None:
    # one episode at the start of each of 4 weeks, severity 2, 3, 5, 6: slope 7/5 a week,
    # t² = 98 on 2 df -> p = 1 - sqrt(98)/10 (see test_stats.test_ols_slope_by_hand)
    episodes = [
        ep(at(2024, 1, 1, 0) + timedelta(weeks=w), severity=s) for w, s in enumerate([2, 3, 5, 6])
    ]
    sev = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 1, 28)).as_dict()["severity"]
    assert sev["mean"] == (2 + 3 + 5 + 6) / 4
    assert sev["slope_per_week"] == pytest.approx(7 / 5)
    assert sev["p_value"] == pytest.approx(1 - math.sqrt(98) / 10, abs=1e-6)
    assert sev["rising"] is True


def test_weekly_mean_severity() -> None:
    episodes = [ep(at(2024, 1, 1), severity=2), ep(at(2024, 1, 2), severity=5)]
    s = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 1, 14))
    assert [w.mean_severity for w in s.weeks] == [(2 + 5) / 2, None]


# -- context -----------------------------------------------------------------------------------
def test_evening_coffee_counts_for_the_nights_cramp() -> None:
    # Four diary days: coffee logged on an episode at 20:00, and a cramp at 02:00 that night
    # (logged without context) -> 2 episodes on each coffee day.
    # Four other diary days: one afternoon episode, no coffee.
    episodes = []
    for day in (2, 4, 6, 8):
        episodes += [ep(at(2024, 1, day, 20), context=["caffeine"]), ep(at(2024, 1, day + 1, 2))]
    episodes += [ep(at(2024, 1, day, 15)) for day in (11, 12, 13, 14)]
    (coffee,) = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 1, 14)).as_dict()[
        "context"
    ]
    assert (coffee["days_with"], coffee["episodes_with"]) == (4, 8)
    assert (coffee["days_without"], coffee["episodes_without"]) == (4, 4)
    assert coffee["rate_ratio"] == pytest.approx((8 / 4) / (4 / 4))
    low, high = wilson_interval(8, 12)  # 8 of the 12 episodes fell on coffee days
    assert coffee["ci95"] == pytest.approx(
        [low / (1 - low) * 4 / 4, high / (1 - high) * 4 / 4], abs=1e-4
    )
    assert coffee["note"] == ""


def test_a_factor_on_fewer_than_three_days_is_not_reported() -> None:
    episodes = [ep(at(2024, 1, d), context=["alcohol"] if d <= 2 else []) for d in range(1, 11)]
    (alcohol,) = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 1, 10)).as_dict()[
        "context"
    ]
    assert (alcohol["days_with"], alcohol["days_without"]) == (2, 8)
    assert alcohol["rate_ratio"] is None and alcohol["note"] == "not enough days yet"


def test_days_without_episodes_say_nothing_about_a_factor() -> None:
    # stress on 3 days, no stress on 3 days; 8 days with no episode at all are not "without"
    episodes = [ep(at(2024, 1, d), context=["stress"] if d <= 3 else []) for d in range(1, 7)]
    (stress,) = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 1, 14)).context
    assert (stress.days_with, stress.days_without) == (3, 3)


# -- remedies ------------------------------------------------------------------------------------
def test_what_helped() -> None:
    stretching = [True, True, True, True, False]
    heat = [True, False, False, None]
    episodes = [
        ep(at(2024, 1, 1 + i), remedies=[("stretching", h)]) for i, h in enumerate(stretching)
    ]
    episodes += [ep(at(2024, 1, 10 + i), remedies=[("heat", h)]) for i, h in enumerate(heat)]
    episodes += [ep(at(2024, 1, 20 + i), remedies=[("massage", True)]) for i in range(2)]
    rows = {
        r["remedy"]: r
        for r in summarise(episodes, start=date(2024, 1, 1), end=date(2024, 1, 31)).as_dict()[
            "remedies"
        ]
    }
    s = rows["stretching"]
    assert (s["tried"], s["helped"], s["not_helped"], s["unknown"], s["share_helped"]) == (
        5,
        4,
        1,
        0,
        4 / 5,
    )
    # others: heat 1 of 3 recorded + massage 2 of 2 = 3 of 5
    _, low, high = newcombe_difference(4, 5, 3, 5)
    assert s["vs_others"] == {
        "share_helped_others": 3 / 5,
        "difference": pytest.approx(4 / 5 - 3 / 5),
        "ci95": [round(low, 4), round(high, 4)],
    }
    h = rows["heat"]
    assert (h["tried"], h["helped"], h["unknown"], h["share_helped"]) == (4, 1, 1, round(1 / 3, 4))
    assert h["vs_others"]["share_helped_others"] == round((4 + 2) / (5 + 2), 4)
    m = rows["massage"]
    assert m["vs_others"] is None and m["note"] == "not enough tries yet"


def test_as_dict_is_strict_json() -> None:
    episodes = [
        ep(
            at(2024, 1, d, 23),
            context=["caffeine"] if d % 2 else [],
            remedies=[("rest", d % 3 == 0)],
        )
        for d in range(1, 29)
    ]
    s = summarise(episodes, start=date(2024, 1, 1), end=date(2024, 1, 28), timezone="Europe/Berlin")
    text = json.dumps(s.as_dict(), allow_nan=False)
    assert set(json.loads(text)) == {
        "range",
        "episodes",
        "weeks",
        "trend",
        "persistence",
        "night",
        "body_areas",
        "severity",
        "context",
        "context_rule",
        "remedies",
        "retriage",
    }


def test_z95_is_used_for_intervals() -> None:
    assert round(Z95, 2) == 1.96
