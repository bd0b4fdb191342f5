"""Forecasts: where a KPI is heading, from a robust straight-line trend of its recent months.

Methodology (quoted on the public methodology page)
----------------------------------------------------

- Take the last ``window`` months (12 by default) that have a value. With fewer than
  ``min_points`` such months (6 by default) there is no forecast.
- Count time in months from the first of those months: x = 0, 1, 2, ... (a month without a
  value is skipped, not filled in).
- Fit a straight line with the **Theil-Sen** method: the slope is the median of the slopes
  between every pair of months, ``(y_j - y_i) / (x_j - x_i)``, and the intercept is the median
  of ``y - slope x``. Unlike an ordinary least-squares line, one wild month (a data-entry slip,
  a one-off event) barely moves it: up to about 29% of the months can be outliers.
- Extend the line to the target date: ``forecast = intercept + slope x months(first month ->
  target month)``. The forecast **meets the target** when it is at or above the target where
  higher is better (at or below where lower is better), allowing for floating-point rounding
  (one part in 10^9).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from dbmis.catalog.models import Direction
from dbmis.periods import months_between


@dataclass(frozen=True)
class Forecast:
    """A trend forecast; ``value_at_target``, the slope and ``meets_target`` are None when
    there were too few points."""

    value_at_target: float | None
    slope_per_month: float | None
    intercept: float | None
    points_used: int
    target_month: int
    meets_target: bool | None
    method: str = "theil-sen"
    first_month: int | None = None
    """The month at x = 0: the intercept is the trend's value at this month."""
    last_month: int | None = None


def theil_sen(x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    """(slope, intercept) of the Theil-Sen line: the median of the pairwise slopes, and the
    median of ``y - slope x``. Needs at least two distinct x values."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise ValueError("x and y must be two sequences of the same length")
    i, j = np.triu_indices(len(xs), k=1)
    dx = xs[j] - xs[i]
    keep = dx != 0
    if not keep.any():
        raise ValueError("a trend needs at least two different x values")
    slope = float(np.median((ys[j] - ys[i])[keep] / dx[keep]))
    intercept = float(np.median(ys - slope * xs))
    return slope, intercept


def forecast(
    series: Sequence[tuple[int, float | None]],
    *,
    target_month: int,
    target_value: float,
    direction: Direction | str,
    window: int = 12,
    min_points: int = 6,
) -> Forecast:
    """Forecast the value at ``target_month`` from ``series`` of (month YYYYMM, value).

    Months with a value of None or NaN are skipped; the order of ``series`` does not matter;
    a month given twice is an error.
    """
    direction = Direction(direction)
    if min_points < 2 or window < min_points:
        raise ValueError(f"need 2 <= min_points <= window (got {min_points=}, {window=})")
    points: dict[int, float] = {}
    for month, value in series:
        if value is None or math.isnan(value):
            continue
        if month in points:
            raise ValueError(f"month {month} appears twice in the series")
        points[month] = float(value)
    used = sorted(points)[-window:]
    if len(used) < min_points:
        return Forecast(
            value_at_target=None,
            slope_per_month=None,
            intercept=None,
            points_used=len(used),
            target_month=target_month,
            meets_target=None,
        )
    first = used[0]
    slope, intercept = theil_sen(
        [months_between(first, m) for m in used], [points[m] for m in used]
    )
    value = intercept + slope * months_between(first, target_month)
    sign = 1.0 if direction is Direction.up else -1.0
    meets = sign * (value - target_value) >= -1e-9 * max(1.0, abs(target_value))
    return Forecast(
        value_at_target=value,
        slope_per_month=slope,
        intercept=intercept,
        points_used=len(used),
        target_month=target_month,
        meets_target=bool(meets),
        first_month=first,
        last_month=used[-1],
    )
