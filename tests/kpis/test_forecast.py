"""Forecasts: Theil-Sen on exact lines, with an outlier, with gaps, and with too few points."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dbmis.kpis.forecast import Forecast, forecast, theil_sen
from dbmis.periods import add_months, month_range

MONTHS_2023 = month_range(202301, 202312)


def line(months: list[int], a: float = 10.0, b: float = 0.5) -> list[tuple[int, float]]:
    """y = a + b x, x counted in months from the first month."""
    return [(m, a + b * i) for i, m in enumerate(months)]


def test_a_perfect_line_is_extended_exactly() -> None:
    # y = 10 + 0.5 x from 2023-01 (x = 0) to 2023-12 (x = 11); 2024-12 is x = 23: 21.5
    fc = forecast(line(MONTHS_2023), target_month=202412, target_value=21.0, direction="up")
    assert fc.slope_per_month == 0.5
    assert fc.intercept == 10.0
    assert fc.value_at_target == 21.5
    assert fc.points_used == 12
    assert fc.first_month == 202301
    assert fc.last_month == 202312
    assert fc.target_month == 202412
    assert fc.method == "theil-sen"
    assert fc.meets_target is True
    miss = forecast(line(MONTHS_2023), target_month=202412, target_value=22.0, direction="up")
    assert miss.meets_target is False
    # lower is better: 21.5 is at or below 22
    down = forecast(line(MONTHS_2023), target_month=202412, target_value=22.0, direction="down")
    assert down.meets_target is True
    exact = forecast(line(MONTHS_2023), target_month=202412, target_value=21.5, direction="down")
    assert exact.meets_target is True


def test_a_falling_line() -> None:
    series = line(MONTHS_2023, a=74.0, b=-0.25)
    fc = forecast(series, target_month=202712, target_value=55.0, direction="down")
    # 2027-12 is x = 59: 74 - 14.75 = 59.25, above the target of 55
    assert fc.slope_per_month == -0.25
    assert fc.value_at_target == pytest.approx(59.25)
    assert fc.meets_target is False


def test_one_wild_outlier_moves_ordinary_least_squares_but_not_theil_sen() -> None:
    series = line(MONTHS_2023)
    series[11] = (202312, 0.0)  # December 2023: 0 (a month not reported, typed as zero)
    fc = forecast(series, target_month=202412, target_value=21.0, direction="up")
    # Theil-Sen: 55 of the 66 pairwise slopes are exactly 0.5 and the 11 with the outlier
    # are negative, so the median (the 33rd and 34th of 66) is 0.5; median(y - 0.5 x) is 10.
    assert fc.slope_per_month == 0.5
    assert fc.intercept == 10.0
    assert fc.value_at_target == 21.5
    assert fc.meets_target is True
    # Ordinary least squares on the same points is pulled down by the outlier: the slope
    # moves by (0 - 15.5) x (11 - 5.5) / 143 (143 = sum of (x - 5.5)^2) and turns negative.
    x = np.arange(12, dtype=float)
    y = np.array([v for _, v in series])
    ols_slope, ols_intercept = np.polyfit(x, y, 1)
    ols_at_target = ols_intercept + ols_slope * 23
    assert ols_slope == pytest.approx(0.5 - 15.5 * 5.5 / 143)  # -0.096
    assert ols_at_target == pytest.approx(21.5 - 15.5 * (1 / 12 + 17.5 * 5.5 / 143))  # 9.78
    assert ols_at_target < 21.0  # OLS would say the target is missed


def test_months_without_values_are_skipped_and_x_counts_calendar_months() -> None:
    months = [202301, 202303, 202304, 202308, 202309, 202311, 202402]
    series: list[tuple[int, float | None]] = [
        (m, 3.0 + 2.0 * (m // 100 * 12 + m % 100 - (2023 * 12 + 1))) for m in months
    ]
    series += [(202302, None), (202305, math.nan)]
    fc = forecast(series, target_month=202412, target_value=0.0, direction="up")
    assert fc.points_used == 7
    assert fc.slope_per_month == 2.0
    assert fc.intercept == 3.0
    assert fc.value_at_target == 3.0 + 2.0 * 23


def test_only_the_last_window_months_are_used() -> None:
    early = line(month_range(202201, 202212), a=0.0, b=5.0)  # steep, then flat
    late = line(MONTHS_2023, a=100.0, b=1.0)
    fc = forecast(early + late, target_month=202312, target_value=0.0, direction="up")
    assert fc.points_used == 12
    assert fc.first_month == 202301
    assert fc.slope_per_month == 1.0
    assert fc.value_at_target == 111.0
    wider = forecast(early + late, target_month=202312, target_value=0.0, direction="up", window=24)
    assert wider.points_used == 24
    assert wider.first_month == 202201


def test_order_of_the_series_does_not_matter() -> None:
    series = line(MONTHS_2023)
    a = forecast(series, target_month=202412, target_value=0, direction="up")
    b = forecast(series[::-1], target_month=202412, target_value=0, direction="up")
    assert a == b


def test_too_few_points() -> None:
    fc = forecast(line(MONTHS_2023[:5]), target_month=202412, target_value=1.0, direction="up")
    assert fc == Forecast(
        value_at_target=None,
        slope_per_month=None,
        intercept=None,
        points_used=5,
        target_month=202412,
        meets_target=None,
    )
    six = forecast(line(MONTHS_2023[:6]), target_month=202412, target_value=1.0, direction="up")
    assert six.value_at_target is not None
    assert forecast([], target_month=202412, target_value=1.0, direction="up").points_used == 0
    nones = [(m, None) for m in MONTHS_2023]
    empty = forecast(nones, target_month=202412, target_value=1.0, direction="up")
    assert empty.meets_target is None
    three = forecast(
        line(MONTHS_2023[:3]), target_month=202412, target_value=1.0, direction="up", min_points=3
    )
    assert three.slope_per_month == 0.5


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="twice"):
        forecast(
            [(202301, 1.0), (202301, 2.0)], target_month=202412, target_value=1, direction="up"
        )
    with pytest.raises(ValueError, match="min_points"):
        forecast([], target_month=202412, target_value=1, direction="up", window=4, min_points=6)
    with pytest.raises(ValueError):
        forecast([], target_month=202412, target_value=1, direction="sideways")
    with pytest.raises(ValueError, match="different x"):
        theil_sen([1, 1], [1, 2])


@settings(deadline=None)  # the first example imports scipy
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=6, max_size=12),
    st.floats(-10, 10),
)
def test_theil_sen_matches_scipy(noise: list[float], slope: float) -> None:
    stats = pytest.importorskip("scipy.stats")
    x = np.arange(len(noise), dtype=float)
    y = slope * x + np.array(noise)
    ours = theil_sen(x, y)
    ref = stats.theilslopes(y, x, method="joint")
    assert ours[0] == pytest.approx(ref.slope, rel=1e-9, abs=1e-9)
    assert ours[1] == pytest.approx(ref.intercept, rel=1e-9, abs=1e-6)


@given(st.floats(-100, 100), st.floats(-5, 5), st.integers(0, 60))
def test_any_exact_line_is_recovered(a: float, b: float, ahead: int) -> None:
    series = [(m, a + b * i) for i, m in enumerate(MONTHS_2023)]
    target = add_months(202312, ahead)
    fc = forecast(series, target_month=target, target_value=0, direction="up")
    assert fc.slope_per_month == pytest.approx(b, abs=1e-9)
    assert fc.value_at_target == pytest.approx(a + b * (11 + ahead), abs=1e-6)
