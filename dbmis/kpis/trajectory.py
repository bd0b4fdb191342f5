"""Trajectories: the planned value of a KPI for every month from its baseline to its target.

Methodology (quoted on the public methodology page)
----------------------------------------------------

A target in ``targets.yaml`` gives a **baseline** (a value for a period, e.g. calendar 2022 or
fiscal year FY2021-22), a **target** (a value to reach by a period) and a **shape**.

- The trajectory starts at the **last month of the baseline period** (``start_month``) with
  the baseline value: a baseline for 2022 is read as the value at December 2022, one for
  FY2021-22 (July to June) as the value at June 2022.
- It ends at the **last month of the target period** (``end_month``) with the target value:
  a target for 2027-12 or for 2027 ends in December 2027, one for FY2026-27 in June 2027.
- For a month ``m`` in between, ``u = months(start_month -> m) / months(start_month ->
  end_month)`` is the share of the time elapsed (0 at the start, 1 at the end), and

      planned(m) = baseline + f(u) x (target - baseline)

  where ``f`` depends on the shape:

  ===============  ======================  ==========================================
  shape            f(u)                    reading
  ===============  ======================  ==========================================
  linear           u                       the same progress every month
  front-loaded     1 - (1 - u)^2           fast at first, slowing down (f(0.5) = 0.75)
  back-loaded      u^2                     slow at first, speeding up (f(0.5) = 0.25)
  s-curve          3u^2 - 2u^3             slow, fast, slow ("smoothstep"; f(0.5) = 0.5,
                                           symmetric: f(1 - u) = 1 - f(u))
  ===============  ======================  ==========================================

  Every ``f`` rises from f(0) = 0 to f(1) = 1 and never falls, so these trajectories move
  steadily from the baseline to the target and never go beyond either.
- **milestones**: the trajectory is a straight line, month by month, from the baseline to
  the first milestone, from each milestone to the next, and from the last milestone to the
  target. A milestone sits at the last month of its period (2025-06 -> June 2025,
  2025Q4 -> December 2025).
- **After the target date** the plan is to hold the target: the planned value is the target.
  **Before the start** there is no plan (None).
- **A period** (a quarter, a year, a fiscal year) is compared with the plan at its last month:
  the planned value for 2025Q1 is the value planned for March 2025, for calendar 2025 the
  value planned for December 2025. Yearly counts (e.g. personnel trained per year) thus read
  the plan for the year at its December, which is where the yearly baseline and target sit.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dbmis.catalog.models import Shape, Target
from dbmis.periods import Period, add_months, months_between, parse_period, split_month

if TYPE_CHECKING:
    from dbmis.catalog.catalog import Catalog

PROVINCE = "province"
"""The scope key of a province-wide trajectory."""


def _linear(u: float) -> float:
    return u


def _front_loaded(u: float) -> float:
    return 1.0 - (1.0 - u) ** 2


def _back_loaded(u: float) -> float:
    return u * u


def _s_curve(u: float) -> float:
    return u * u * (3.0 - 2.0 * u)


SHAPE_FUNCTIONS: dict[Shape, Callable[[float], float]] = {
    Shape.linear: _linear,
    Shape.front_loaded: _front_loaded,
    Shape.back_loaded: _back_loaded,
    Shape.s_curve: _s_curve,
}
"""f(u) of every shape except milestones (which interpolate between explicit points)."""

SHAPE_FORMULAS: dict[Shape, str] = {
    Shape.linear: "f(u) = u",
    Shape.front_loaded: "f(u) = 1 - (1 - u)^2",
    Shape.back_loaded: "f(u) = u^2",
    Shape.s_curve: "f(u) = 3u^2 - 2u^3",
    Shape.milestones: "straight lines from the baseline through each milestone to the target",
}
"""The formulas as text, for the methodology page."""


def shape_fraction(shape: Shape | str, u: float) -> float:
    """f(u): the share of the way from baseline to target planned when a share ``u`` of the
    time has elapsed (``u`` is clipped to [0, 1]). Not defined for milestones."""
    shape = Shape(shape)
    if shape is Shape.milestones:
        raise ValueError("shape 'milestones' has no f(u): it interpolates between its milestones")
    return SHAPE_FUNCTIONS[shape](min(max(float(u), 0.0), 1.0))


@dataclass(frozen=True)
class Trajectory:
    """The plan of one KPI for one scope: a value for every month from start to end.

    ``scope`` is ``"province"``, a district code, or (when a target shared by several
    districts is built without naming one) the district codes joined by commas.
    ``values`` holds every month from ``start_month`` (the baseline value) to ``end_month``
    (the target value), both included.
    """

    kpi: str
    scope: str
    start_month: int
    end_month: int
    values: dict[int, float] = field(hash=False)
    baseline_value: float
    target_value: float
    tolerance: float
    shape: Shape
    baseline_period: str = ""
    target_period: str = ""

    @property
    def months(self) -> list[int]:
        """Every month of the trajectory, in order."""
        return sorted(self.values)


def _check_month(month: int) -> None:
    if not 1 <= split_month(month)[1] <= 12:
        raise ValueError(f"{month!r} is not a month (write YYYYMM, e.g. 202607)")


def _milestone_points(
    target: Target, start: int, end: int, fiscal_start_month: int
) -> list[tuple[int, float]]:
    points = [(start, float(target.baseline.value))]
    for m in target.milestones:
        month = parse_period(m.period, fiscal_start_month).last
        if not points[-1][0] < month < end:
            raise ValueError(
                f"{target.kpi}: milestone {m.period} must come after the baseline and the "
                "previous milestone, and before the target date"
            )
        points.append((month, float(m.value)))
    points.append((end, float(target.target.value)))
    return points


def _interpolate(points: list[tuple[int, float]], month: int) -> float:
    for (m0, v0), (m1, v1) in itertools.pairwise(points):
        if m0 <= month <= m1:
            if month == m1:
                return v1
            return v0 + (v1 - v0) * months_between(m0, month) / months_between(m0, m1)
    raise ValueError(f"month {month} is outside the milestones")  # pragma: no cover


def build_trajectory(
    target: Target, fiscal_start_month: int = 7, *, district: str | None = None
) -> Trajectory:
    """The month-by-month trajectory of a target (see the module docstring for the formulas).

    ``district``: for a district target, the district this trajectory is for (it must be in
    the target's scope); by default the scope is ``"province"``, the single district, or the
    districts joined by commas.
    """
    if target.is_province:
        if district is not None:
            raise ValueError(f"{target.kpi}: a province target has no district {district!r}")
        scope = PROVINCE
    elif district is not None:
        if district not in target.scope:
            raise ValueError(f"{target.kpi}: district {district!r} is not in the target's scope")
        scope = district
    else:
        scope = ",".join(target.scope)
    start = parse_period(target.baseline.period, fiscal_start_month).last
    end = parse_period(target.target.period, fiscal_start_month).last
    n = months_between(start, end)
    if n <= 0:
        raise ValueError(
            f"{target.kpi}: the target period {target.target.period} must end after the "
            f"baseline period {target.baseline.period}"
        )
    base, goal = float(target.baseline.value), float(target.target.value)
    values: dict[int, float] = {}
    if target.shape is Shape.milestones:
        points = _milestone_points(target, start, end, fiscal_start_month)
        for i in range(n + 1):
            month = add_months(start, i)
            values[month] = _interpolate(points, month)
    else:
        f = SHAPE_FUNCTIONS[target.shape]
        low, high = min(base, goal), max(base, goal)
        for i in range(n + 1):
            value = base + f(i / n) * (goal - base)
            values[add_months(start, i)] = min(max(value, low), high)  # no rounding overshoot
    values[start], values[end] = base, goal
    return Trajectory(
        kpi=target.kpi,
        scope=scope,
        start_month=start,
        end_month=end,
        values=values,
        baseline_value=base,
        target_value=goal,
        tolerance=float(target.tolerance),
        shape=target.shape,
        baseline_period=target.baseline.period,
        target_period=target.target.period,
    )


def planned_value(traj: Trajectory, month: int) -> float | None:
    """The planned value at ``month`` (YYYYMM): None before the start, the target after the end."""
    _check_month(month)
    if month < traj.start_month:
        return None
    if month > traj.end_month:
        return traj.target_value
    return traj.values[month]


def planned_for_period(traj: Trajectory, period: Period) -> float | None:
    """The planned value for a period: the plan at the period's last month.

    None when the period ends before the trajectory starts.
    """
    return planned_value(traj, period.last)


def trajectories(catalog: Catalog) -> dict[tuple[str, str], Trajectory]:
    """Every trajectory of the catalog, keyed by (KPI code, scope key).

    The scope key is ``"province"`` or a district code; a district target shared by several
    districts gives one entry per district.
    """
    fy = catalog.roadmap.fiscal_year_start_month
    out: dict[tuple[str, str], Trajectory] = {}
    for target in catalog.targets:
        if target.is_province:
            out[(target.kpi, PROVINCE)] = build_trajectory(target, fy)
        else:
            for district in target.scope:
                out[(target.kpi, district)] = build_trajectory(target, fy, district=district)
    return out
