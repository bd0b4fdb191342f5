"""Status against trajectory: every band edge, for both directions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dbmis.catalog.models import Direction, Target
from dbmis.kpis.status import (
    STATUS_LABELS,
    STATUS_ORDER,
    Status,
    status_for_period,
    status_label,
    status_of,
)
from dbmis.kpis.trajectory import build_trajectory
from dbmis.periods import parse_period

S = Status

# Higher is better: plan 10, target 20, tolerance 1.
#   on track:  gap >= -1      (actual >= 9)
#   at risk:   -2 <= gap < -1 (8 <= actual < 9)
#   off track: gap < -2       (actual < 8)
UP = [
    (25.0, S.target_met),
    (20.0, S.target_met),  # exactly at the target
    (19.99, S.on_track),
    (12.0, S.on_track),  # ahead of the plan
    (10.0, S.on_track),  # on the plan
    (9.0, S.on_track),  # exactly -tolerance
    (8.999, S.at_risk),
    (8.5, S.at_risk),
    (8.0, S.at_risk),  # exactly -2 x tolerance
    (7.999, S.off_track),
    (0.0, S.off_track),
    (None, S.no_data),
    (math.nan, S.no_data),
]

# Lower is better: plan 70, target 55, tolerance 1.5.
#   on track:  gap = plan - actual >= -1.5 (actual <= 71.5)
#   at risk:   -3 <= gap < -1.5            (71.5 < actual <= 73)
#   off track: gap < -3                    (actual > 73)
DOWN = [
    (50.0, S.target_met),
    (55.0, S.target_met),  # exactly at the target
    (55.01, S.on_track),
    (65.0, S.on_track),  # ahead of (below) the plan
    (70.0, S.on_track),
    (71.5, S.on_track),  # exactly -tolerance
    (71.501, S.at_risk),
    (72.0, S.at_risk),
    (73.0, S.at_risk),  # exactly -2 x tolerance
    (73.001, S.off_track),
    (90.0, S.off_track),
    (None, S.no_data),
    (math.nan, S.no_data),
]


@pytest.mark.parametrize(("actual", "expected"), UP)
def test_higher_is_better(actual: float | None, expected: Status) -> None:
    got = status_of(actual, 10.0, target_value=20.0, direction=Direction.up, tolerance=1.0)
    assert got is expected


@pytest.mark.parametrize(("actual", "expected"), DOWN)
def test_lower_is_better(actual: float | None, expected: Status) -> None:
    got = status_of(actual, 70.0, target_value=55.0, direction="down", tolerance=1.5)
    assert got is expected


def test_edges_survive_floating_point_rounding() -> None:
    # 11.3 - 12.3 is -1.0000000000000009 in floating point: still exactly one tolerance
    assert status_of(11.3, 12.3, target_value=30, direction="up", tolerance=1.0) is S.on_track
    assert status_of(10.3, 12.3, target_value=30, direction="up", tolerance=1.0) is S.at_risk
    assert status_of(13.3, 12.3, target_value=0, direction="down", tolerance=1.0) is S.on_track
    assert status_of(14.3, 12.3, target_value=0, direction="down", tolerance=1.0) is S.at_risk
    # 0.1 + 0.2 != 0.3, but it has reached a target of 0.3
    assert status_of(0.1 + 0.2, 0.2, target_value=0.3, direction="up", tolerance=0) is S.target_met


@pytest.mark.parametrize("direction", ["up", "down"])
def test_a_tolerance_of_zero(direction: str) -> None:
    sign = 1 if direction == "up" else -1
    target = 100.0 * sign
    assert (
        status_of(50.0, 50.0, target_value=target, direction=direction, tolerance=0) is S.on_track
    )
    ahead = 50.0 + sign * 0.1
    assert (
        status_of(ahead, 50.0, target_value=target, direction=direction, tolerance=0) is S.on_track
    )
    behind = 50.0 - sign * 0.1
    assert (
        status_of(behind, 50.0, target_value=target, direction=direction, tolerance=0)
        is S.off_track
    )


@given(
    actual=st.floats(-1e6, 1e6),
    planned=st.floats(-1e6, 1e6),
    tolerance=st.floats(0, 1e3),
)
def test_zero_tolerance_has_no_at_risk_band_and_bands_are_ordered(
    actual: float, planned: float, tolerance: float
) -> None:
    status = status_of(actual, planned, target_value=2e6, direction="up", tolerance=tolerance)
    assert status in (S.on_track, S.at_risk, S.off_track)
    if tolerance == 0:
        assert status is not S.at_risk
    # moving the actual up never makes the status worse
    better = status_of(actual + 1, planned, target_value=2e6, direction="up", tolerance=tolerance)
    assert STATUS_ORDER.index(better) <= STATUS_ORDER.index(status)


def test_target_met_wins_over_the_plan() -> None:
    # plan already beyond the target (e.g. a front-loaded plan rounded up): reaching the
    # target is enough
    assert status_of(20.0, 25.0, target_value=20.0, direction="up", tolerance=1.0) is S.target_met
    assert status_of(55.0, 50.0, target_value=55.0, direction="down", tolerance=1.0) is S.target_met


def test_before_the_trajectory_starts_the_baseline_is_the_plan() -> None:
    def status(actual: float | None, planned: float | None) -> Status:
        return status_of(
            actual, planned, target_value=20.0, direction="up", tolerance=1.0, baseline_value=7.5
        )

    assert status(7.5, None) is S.on_track
    assert status(6.5, None) is S.on_track  # exactly -tolerance from the baseline
    assert status(6.0, None) is S.at_risk
    assert status(5.0, None) is S.off_track
    assert status(21.0, None) is S.target_met
    assert status(None, None) is S.no_data
    # without a baseline there is nothing to judge against
    assert status_of(7.5, None, target_value=20.0, direction="up", tolerance=1.0) is S.no_data
    assert status_of(7.5, math.nan, target_value=20.0, direction="up", tolerance=1.0) is S.no_data
    # a plan, when there is one, wins over the baseline
    assert status(8.5, 10.0) is S.at_risk  # 1.5 behind the plan, 1 ahead of the baseline


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        status_of(1.0, 1.0, target_value=2.0, direction="sideways", tolerance=1.0)
    with pytest.raises(ValueError, match="tolerance"):
        status_of(1.0, 1.0, target_value=2.0, direction="up", tolerance=-1.0)


def test_status_values_order_and_labels() -> None:
    assert [s.value for s in Status] == [
        "target_met",
        "on_track",
        "at_risk",
        "off_track",
        "no_data",
    ]
    assert set(STATUS_ORDER) == set(Status)
    assert STATUS_ORDER[0] is S.target_met
    assert STATUS_ORDER[-1] is S.no_data
    assert set(STATUS_LABELS) == set(Status)
    for status, labels in STATUS_LABELS.items():
        assert set(labels) == {"en", "ur"}
        assert labels["en"].strip()
        assert any("\u0600" <= ch <= "\u06ff" for ch in labels["ur"]), status  # Arabic script
    assert STATUS_LABELS[S.on_track] == {"en": "On track", "ur": "ہدف کے راستے پر"}
    assert status_label("at_risk") == "At risk"
    assert status_label(S.at_risk, "ur") == STATUS_LABELS[S.at_risk]["ur"]
    assert status_label(S.at_risk, "fr") == "At risk"


def test_status_for_a_period_of_a_trajectory() -> None:
    target = Target.model_validate(
        {
            "kpi": "CONVICTION_RATE",
            "scope": "province",
            "baseline": {"period": "2022", "value": 10.0},
            "target": {"period": "2024-12", "value": 50.0},
            "shape": "linear",
            "tolerance": 2.0,
        }
    )
    traj = build_trajectory(target)
    q = parse_period("2023Q4")  # plan at 2023-12: 30
    assert status_for_period(traj, 28.0, q, direction="up") is S.on_track
    assert status_for_period(traj, 27.0, q, direction="up") is S.at_risk
    assert status_for_period(traj, 25.0, q, direction="up") is S.off_track
    assert status_for_period(traj, 50.0, q, direction="up") is S.target_met
    assert status_for_period(traj, None, q, direction="up") is S.no_data
    # before the start: judged against the baseline (10)
    early = parse_period("2022Q2")
    assert status_for_period(traj, 9.0, early, direction="up") is S.on_track
    assert status_for_period(traj, 5.0, early, direction="up") is S.off_track
