"""Status against trajectory: target met, on track, at risk, off track or no data.

Methodology (quoted on the public methodology page)
----------------------------------------------------

For a KPI, a place and a period, the **actual** value is compared with the **planned** value
of the trajectory for that period (the plan at the period's last month) and with the
**target**. The **tolerance** is set with each target, in the KPI's own unit (for example
1.0 percentage point for the conviction rate). The rules, in this order:

1. **No data**: there is no actual value for the period.
2. **Target met**: the actual value has reached the target: at or above it for a KPI where
   higher is better, at or below it where lower is better.
3. Otherwise the **gap** is the distance from the plan, counted so that a positive gap is
   better than planned: ``gap = actual - planned`` where higher is better,
   ``gap = planned - actual`` where lower is better.

   - **On track**: ``gap >= -tolerance`` (ahead of the plan, or behind it by at most the
     tolerance);
   - **At risk**: ``-2 x tolerance <= gap < -tolerance`` (behind by more than the tolerance
     but at most twice the tolerance);
   - **Off track**: ``gap < -2 x tolerance`` (behind by more than twice the tolerance).

   A value exactly at an edge counts in the better band (a gap of exactly -tolerance is on
   track, exactly -2 x tolerance at risk). With a tolerance of 0, any shortfall is off track.
4. **Before the trajectory starts** (a period ending before the end of the baseline period)
   there is no planned value yet; the plan is then the **baseline** itself, and the same
   bands apply with the baseline in place of the planned value. When the baseline is not
   known either, there is nothing to judge against and the status is **no data**.

Comparisons allow for floating-point rounding (one part in 10^9), so that, for example,
11.3 against a plan of 12.3 with a tolerance of 1.0 is on track, as a person would count it.
"""

from __future__ import annotations

import math
from enum import StrEnum

from dbmis.catalog.models import Direction
from dbmis.kpis.trajectory import Trajectory, planned_for_period
from dbmis.periods import Period


class Status(StrEnum):
    target_met = "target_met"
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    no_data = "no_data"


STATUS_ORDER: tuple[Status, ...] = (
    Status.target_met,
    Status.on_track,
    Status.at_risk,
    Status.off_track,
    Status.no_data,
)
"""Best first; no data last."""

STATUS_LABELS: dict[Status, dict[str, str]] = {
    Status.target_met: {"en": "Target met", "ur": "ہدف حاصل"},
    Status.on_track: {"en": "On track", "ur": "ہدف کے راستے پر"},
    Status.at_risk: {"en": "At risk", "ur": "خطرے میں"},
    Status.off_track: {"en": "Off track", "ur": "ہدف کے راستے سے ہٹا ہوا"},
    Status.no_data: {"en": "No data", "ur": "اعداد و شمار دستیاب نہیں"},
}

_REL_EPS = 1e-9


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def status_label(status: Status | str, lang: str = "en") -> str:
    """The label of a status in ``lang`` ('en' or 'ur'; anything else gives English)."""
    labels = STATUS_LABELS[Status(status)]
    return labels.get(lang, labels["en"])


def status_of(
    actual: float | None,
    planned: float | None,
    *,
    target_value: float,
    direction: Direction | str,
    tolerance: float,
    baseline_value: float | None = None,
) -> Status:
    """The status of an actual value against its plan and target (rules in the module doc).

    ``planned`` is None before the trajectory starts; ``baseline_value`` is then used as the
    plan (without it the status is no data). NaN counts as missing.
    """
    direction = Direction(direction)
    if tolerance < 0 or math.isnan(tolerance):
        raise ValueError(f"tolerance must be 0 or more, not {tolerance!r}")
    if _missing(actual):
        return Status.no_data
    assert actual is not None
    sign = 1.0 if direction is Direction.up else -1.0
    eps = _REL_EPS * max(1.0, abs(actual), abs(target_value))
    if sign * (actual - target_value) >= -eps:
        return Status.target_met
    reference = baseline_value if _missing(planned) else planned
    if _missing(reference):
        return Status.no_data
    assert reference is not None
    eps = _REL_EPS * max(1.0, abs(actual), abs(reference), tolerance)
    gap = sign * (actual - reference)
    if gap >= -tolerance - eps:
        return Status.on_track
    if gap >= -2.0 * tolerance - eps:
        return Status.at_risk
    return Status.off_track


def status_for_period(
    traj: Trajectory,
    actual: float | None,
    period: Period,
    *,
    direction: Direction | str,
) -> Status:
    """:func:`status_of` for a period of a trajectory: plan at the period's last month, the
    trajectory's target and tolerance, and its baseline before it starts."""
    return status_of(
        actual,
        planned_for_period(traj, period),
        target_value=traj.target_value,
        direction=direction,
        tolerance=traj.tolerance,
        baseline_value=traj.baseline_value,
    )
