"""Trajectories: every shape pinned on hand-computed values, periods, and monotonicity."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dbmis.catalog import Catalog, load_catalog
from dbmis.catalog.models import Shape, Target
from dbmis.kpis.trajectory import (
    SHAPE_FORMULAS,
    build_trajectory,
    planned_for_period,
    planned_value,
    shape_fraction,
    trajectories,
)
from dbmis.periods import add_months, month_label, month_range, parse_period


@cache
def catalog() -> Catalog:
    return load_catalog()


def make_target(
    shape: str = "linear",
    *,
    baseline: tuple[str, float] = ("2022", 10.0),
    target: tuple[str, float] = ("2024-12", 50.0),
    milestones: tuple[tuple[str, float], ...] = (),
    scope: Any = "province",
    tolerance: float = 1.0,
) -> Target:
    return Target.model_validate(
        {
            "kpi": "TEST_KPI",
            "scope": scope,
            "baseline": {"period": baseline[0], "value": baseline[1]},
            "target": {"period": target[0], "value": target[1]},
            "shape": shape,
            "tolerance": tolerance,
            "milestones": [{"period": p, "value": v} for p, v in milestones],
        }
    )


# Baseline 10 at 2022-12 (the last month of calendar 2022), target 50 at 2024-12: 24 months.
# u = 0 at 2022-12, 0.25 at 2023-06, 0.5 at 2023-12, 1 at 2024-12; value = 10 + f(u) x 40.
HAND = {
    # shape: (u=0, u=0.25, u=0.5, u=1)
    "linear": (10.0, 20.0, 30.0, 50.0),  # f = u: 0.25 -> 10 + 10, 0.5 -> 10 + 20
    "front-loaded": (10.0, 27.5, 40.0, 50.0),  # f = 1-(1-u)^2: 0.4375 -> 17.5, 0.75 -> 30
    "back-loaded": (10.0, 12.5, 20.0, 50.0),  # f = u^2: 0.0625 -> 2.5, 0.25 -> 10
    "s-curve": (10.0, 16.25, 30.0, 50.0),  # f = 3u^2-2u^3: 0.15625 -> 6.25, 0.5 -> 20
}


@pytest.mark.parametrize("shape", sorted(HAND))
def test_every_shape_at_hand_computed_points(shape: str) -> None:
    traj = build_trajectory(make_target(shape))
    at0, at25, at50, at100 = HAND[shape]
    assert traj.start_month == 202212
    assert traj.end_month == 202412
    assert traj.values[202212] == at0
    assert traj.values[202306] == pytest.approx(at25, abs=1e-12)
    assert traj.values[202312] == pytest.approx(at50, abs=1e-12)
    assert traj.values[202412] == at100
    assert traj.baseline_value == 10.0
    assert traj.target_value == 50.0
    assert traj.shape is Shape(shape)


def test_shape_fraction_by_hand() -> None:
    assert shape_fraction("linear", 0.3) == pytest.approx(0.3)
    assert shape_fraction("front-loaded", 0.3) == pytest.approx(1 - 0.7**2)  # 0.51
    assert shape_fraction("back-loaded", 0.3) == pytest.approx(0.09)
    assert shape_fraction("s-curve", 0.3) == pytest.approx(3 * 0.09 - 2 * 0.027)  # 0.216
    for shape in ("linear", "front-loaded", "back-loaded", "s-curve"):
        assert shape_fraction(shape, 0) == 0
        assert shape_fraction(shape, 1) == 1
        assert shape_fraction(shape, -1) == 0  # clipped
        assert shape_fraction(shape, 2) == 1
    with pytest.raises(ValueError, match="milestones"):
        shape_fraction("milestones", 0.5)
    assert set(SHAPE_FORMULAS) == set(Shape)


@given(st.floats(0, 1))
def test_s_curve_is_symmetric(u: float) -> None:
    assert shape_fraction("s-curve", 1 - u) == pytest.approx(1 - shape_fraction("s-curve", u))


def test_a_falling_target_uses_the_same_formula() -> None:
    # UNDERTRIAL_SHARE: 74 at 2022-12 -> 55 at 2027-12 (60 months), linear.
    traj = build_trajectory(
        make_target(baseline=("2022", 74.0), target=("2027-12", 55.0), tolerance=1.5)
    )
    assert traj.values[202506] == pytest.approx(74 - 19 * 30 / 60)  # 64.5
    # back-loaded: little of the fall at first: u = 0.5 -> 74 - 0.25 x 19 = 69.25
    back = build_trajectory(
        make_target("back-loaded", baseline=("2022", 74.0), target=("2027-12", 55.0))
    )
    assert back.values[202506] == pytest.approx(69.25)


def test_every_month_is_present_across_year_ends() -> None:
    traj = build_trajectory(make_target())
    assert traj.months == month_range(202212, 202412)
    assert len(traj.values) == 25
    assert 202213 not in traj.values


def test_milestones_interpolate_between_two_milestones() -> None:
    target = make_target(
        "milestones",
        baseline=("2022", 20.0),
        target=("2027-12", 70.0),
        milestones=(("2023-12", 30.0), ("2025-06", 45.0), ("2026-12", 60.0)),
    )
    traj = build_trajectory(target)
    # at the milestones exactly
    assert traj.values[202212] == 20.0
    assert traj.values[202312] == 30.0
    assert traj.values[202506] == 45.0
    assert traj.values[202612] == 60.0
    assert traj.values[202712] == 70.0
    # between 2023-12 (30) and 2025-06 (45): 18 months, 15 points, 5/6 per month
    assert traj.values[202409] == pytest.approx(30 + 15 * 9 / 18)  # 37.5
    assert traj.values[202406] == pytest.approx(35.0)  # 6 of 18 months
    # between the baseline and the first milestone: 10 points over 12 months
    assert traj.values[202306] == pytest.approx(25.0)
    # between the last milestone and the target
    assert traj.values[202706] == pytest.approx(65.0)


def test_milestone_periods_sit_at_their_last_month() -> None:
    target = make_target(
        "milestones",
        baseline=("2022", 0.0),
        target=("2024-12", 100.0),
        milestones=(("2023Q2", 60.0),),  # June 2023, 6 months in
    )
    traj = build_trajectory(target)
    assert traj.values[202306] == 60.0
    assert traj.values[202303] == pytest.approx(30.0)
    assert traj.values[202309] == pytest.approx(60 + 40 * 3 / 18)


def test_default_catalog_milestones() -> None:
    traj = trajectories(catalog())[("CRIME_SCENE_ATTENDANCE", "province")]
    assert traj.shape is Shape.milestones
    assert traj.values[202409] == pytest.approx(37.5)


def test_milestones_out_of_order_are_refused() -> None:
    target = make_target("milestones", milestones=(("2024-06", 30.0), ("2023-06", 20.0)))
    with pytest.raises(ValueError, match="milestone"):
        build_trajectory(target)
    late = make_target("milestones", milestones=(("2024-12", 30.0),))  # at the target date
    with pytest.raises(ValueError, match="milestone"):
        build_trajectory(late)


def test_fiscal_year_baseline_ends_in_june() -> None:
    # LEGAL_AID_FUND_USE: 5 in FY2021-22 (-> 2022-06), 60 in FY2026-27 (-> 2027-06), front-loaded
    traj = trajectories(catalog())[("LEGAL_AID_FUND_USE", "province")]
    assert traj.start_month == 202206
    assert traj.end_month == 202706
    assert len(traj.values) == 61
    assert traj.values[202206] == 5.0
    assert traj.values[202412] == pytest.approx(5 + 0.75 * 55)  # u = 30/60: 46.25
    assert planned_value(traj, 202205) is None
    # a fiscal year is read at its June
    fy = parse_period("FY2024-25")
    assert planned_for_period(traj, fy) == traj.values[202506]
    # a fiscal year starting in another month moves the anchor
    other = build_trajectory(
        make_target(baseline=("FY2021-22", 0.0), target=("FY2023-24", 24.0)), 1
    )
    assert other.start_month == 202112  # FY2021-22 = Jan 2021 .. Dec 2021 with start month 1
    assert other.end_month == 202312


def test_planned_value_before_during_after() -> None:
    traj = build_trajectory(make_target())
    assert planned_value(traj, 202211) is None
    assert planned_value(traj, 202212) == 10.0
    assert planned_value(traj, 202301) == pytest.approx(10 + 40 / 24)
    assert planned_value(traj, 202412) == 50.0
    assert planned_value(traj, 202501) == 50.0  # after the target date: hold the target
    assert planned_value(traj, 203012) == 50.0
    with pytest.raises(ValueError, match="not a month"):
        planned_value(traj, 202313)


def test_planned_for_period_is_the_value_at_its_last_month() -> None:
    traj = build_trajectory(make_target())  # linear, 10 -> 50 over 2023-01..2024-12
    q1 = parse_period("2023Q1")
    assert planned_for_period(traj, q1) == traj.values[202303]
    assert planned_for_period(traj, q1) == pytest.approx(15.0)  # 3 of 24 months
    assert planned_for_period(traj, parse_period("2023")) == pytest.approx(30.0)
    assert planned_for_period(traj, parse_period("FY2022-23")) == pytest.approx(20.0)
    assert planned_for_period(traj, parse_period("2023-08")) == pytest.approx(10 + 40 * 8 / 24)
    assert planned_for_period(traj, parse_period("2022Q4")) == 10.0  # ends at the start
    assert planned_for_period(traj, parse_period("2022Q3")) is None  # ends before it
    assert planned_for_period(traj, parse_period("2026")) == 50.0


def test_yearly_counts_read_the_plan_at_december() -> None:
    # PERSONNEL_TRAINED: 1,200 a year in 2022, 3,000 a year in 2027, linear over 60 months
    traj = trajectories(catalog())[("PERSONNEL_TRAINED", "province")]
    assert (traj.start_month, traj.end_month) == (202212, 202712)
    assert planned_for_period(traj, parse_period("2025")) == pytest.approx(1200 + 1800 * 36 / 60)


def test_trajectories_of_the_default_catalog() -> None:
    cat = catalog()
    trajs = trajectories(cat)
    n_expected = sum(1 if t.is_province else len(t.scope) for t in cat.targets)
    assert len(trajs) == n_expected
    for kpi in cat.kpis:
        assert (kpi.code, "province") in trajs
    # a shared district target gives one entry per district, each with its own scope
    for district in ("KECH", "GWADAR", "PANJGUR"):
        traj = trajs[("CONVICTION_RATE", district)]
        assert traj.scope == district
        assert traj.baseline_value == 6.0
    assert trajs[("CONVICTION_RATE", "QUETTA")].target_value == 28.0
    assert ("CONVICTION_RATE", "ZHOB") not in trajs
    for (code, scope), traj in trajs.items():
        assert (traj.kpi, traj.scope) == (code, scope)
        assert traj.months == month_range(traj.start_month, traj.end_month)


def test_scope_of_a_shared_target() -> None:
    shared = make_target(scope=["KECH", "GWADAR"])
    assert build_trajectory(shared).scope == "KECH,GWADAR"
    assert build_trajectory(shared, district="GWADAR").scope == "GWADAR"
    with pytest.raises(ValueError, match="not in the target's scope"):
        build_trajectory(shared, district="QUETTA")
    with pytest.raises(ValueError, match="province target"):
        build_trajectory(make_target(), district="QUETTA")


def test_a_target_not_after_its_baseline_is_refused() -> None:
    with pytest.raises(ValueError, match="must end after"):
        build_trajectory(make_target(baseline=("2022", 1.0), target=("2022-12", 2.0)))


SMOOTH = st.sampled_from(["linear", "front-loaded", "back-loaded", "s-curve"])


@given(
    shape=SMOOTH,
    baseline=st.floats(-1e6, 1e6),
    rise=st.floats(1e-3, 1e6),
    months=st.integers(1, 240),
)
def test_smooth_shapes_rise_steadily_between_baseline_and_target(
    shape: str, baseline: float, rise: float, months: int
) -> None:
    start = 202012
    goal = baseline + rise
    target = make_target(
        shape,
        baseline=(month_label(start), baseline),
        target=(month_label(add_months(start, months)), goal),
    )
    values = [
        build_trajectory(target).values[m] for m in month_range(start, add_months(start, months))
    ]
    assert values[0] == baseline
    assert values[-1] == goal
    assert all(a <= b for a, b in itertools.pairwise(values))
    assert all(baseline <= v <= goal for v in values)


@given(shape=SMOOTH, fall=st.floats(1e-3, 1e3), months=st.integers(1, 120))
def test_smooth_shapes_fall_steadily_for_a_falling_target(
    shape: str, fall: float, months: int
) -> None:
    target = make_target(
        shape,
        baseline=("2020-12", 100.0),
        target=(month_label(add_months(202012, months)), 100.0 - fall),
    )
    traj = build_trajectory(target)
    values = [traj.values[m] for m in traj.months]
    assert all(a >= b for a, b in itertools.pairwise(values))
    assert all(100.0 - fall <= v <= 100.0 for v in values)
