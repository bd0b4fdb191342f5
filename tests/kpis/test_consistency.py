"""Do the district trajectories add up to the province's?"""

from __future__ import annotations

import dataclasses
import math
from functools import cache

import pytest

from dbmis.catalog import Catalog, load_catalog
from dbmis.catalog.models import PeriodValue, Target
from dbmis.kpis.consistency import SumCheck, district_sum_check


@cache
def catalog() -> Catalog:
    return load_catalog()


def with_targets(cat: Catalog, targets: list[Target]) -> Catalog:
    return dataclasses.replace(cat, targets=tuple(targets))


def edit_district(cat: Catalog, kpi: str, district: str, **update: object) -> Catalog:
    targets = [
        t.model_copy(update=update) if (t.kpi == kpi and t.scope == [district]) else t
        for t in cat.targets
    ]
    assert targets != list(cat.targets), "nothing was edited"
    return with_targets(cat, targets)


def only(checks: list[SumCheck], kpi: str = "PERSONNEL_TRAINED") -> SumCheck:
    [check] = [c for c in checks if c.kpi == kpi]
    return check


def test_default_personnel_trained_targets_add_up() -> None:
    cat = catalog()
    checks = district_sum_check(cat)
    assert [c.kpi for c in checks] == ["PERSONNEL_TRAINED"]  # the only flagged KPI
    check = checks[0]
    assert check.adds_up, check.summary()
    assert check.missing_districts == ()
    assert len(check.districts) == len(cat.districts)
    assert check.province_baseline == 1200
    assert check.districts_baseline == pytest.approx(1200)
    assert check.province_target == 3000
    assert check.districts_target == pytest.approx(3000)
    assert check.months_checked == 61  # 2022-12 .. 2027-12
    assert check.worst_relative_gap < 1e-9
    assert check.notes == ()
    assert "add up" in check.summary()


def test_perturbing_one_district_target_breaks_the_sum() -> None:
    cat = edit_district(
        catalog(), "PERSONNEL_TRAINED", "QUETTA", target=PeriodValue(period="2027", value=600)
    )
    check = only(district_sum_check(cat))
    assert not check.adds_up
    assert check.worst_month == 202712  # the gap grows linearly to the target date
    assert check.worst_gap == pytest.approx(25.0)  # 3,025 against 3,000
    assert check.worst_relative_gap == pytest.approx(25 / 3000)
    assert check.districts_target == pytest.approx(3025)
    assert check.districts_baseline == pytest.approx(1200)
    assert "do NOT add up" in check.summary()


def test_a_small_gap_passes_the_default_tolerance_but_not_a_tighter_one() -> None:
    # QUETTA 575 -> 580: 3,005 against 3,000 is 0.17%
    cat = edit_district(
        catalog(), "PERSONNEL_TRAINED", "QUETTA", target=PeriodValue(period="2027", value=580)
    )
    assert only(district_sum_check(cat)).adds_up
    assert not only(district_sum_check(cat, rel_tolerance=0.001)).adds_up


def test_a_district_without_a_target_is_missing_and_breaks_the_sum() -> None:
    cat = catalog()
    targets = [
        t for t in cat.targets if not (t.kpi == "PERSONNEL_TRAINED" and t.scope == ["SHERANI"])
    ]
    check = only(district_sum_check(with_targets(cat, targets)))
    assert check.missing_districts == ("SHERANI",)
    assert not check.adds_up
    assert check.districts_baseline == pytest.approx(1190)
    assert check.districts_target == pytest.approx(2975)
    assert "SHERANI" in check.summary()


def _small_catalog(district_targets: list[dict[str, object]]) -> Catalog:
    """The default geography cut to three districts, one province target 100 -> 200."""
    cat = catalog()
    three = list(cat.geography.districts[:3])
    geography = cat.geography.model_copy(update={"districts": three})
    province = Target.model_validate(
        {
            "kpi": "PERSONNEL_TRAINED",
            "scope": "province",
            "baseline": {"period": "2022", "value": 100},
            "target": {"period": "2024", "value": 200},
            "shape": "s-curve",
            "tolerance": 10,
        }
    )
    targets = [province]
    for spec in district_targets:
        targets.append(
            Target.model_validate(
                {
                    "kpi": "PERSONNEL_TRAINED",
                    "shape": "s-curve",
                    "tolerance": 5,
                    "adds_up_to_province": True,
                    "baseline": {"period": "2022", "value": spec["baseline"]},
                    "target": {
                        "period": spec.get("target_period", "2024"),
                        "value": spec["target"],
                    },
                    "scope": spec["scope"],
                    **({"adds_up_to_province": spec["flag"]} if "flag" in spec else {}),
                }
            )
        )
    return dataclasses.replace(cat, geography=geography, targets=tuple(targets))


def test_a_missing_district_with_a_zero_share_still_adds_up() -> None:
    cat = _small_catalog(
        [
            {"scope": [cat_code(0)], "baseline": 60, "target": 120},
            {"scope": [cat_code(1)], "baseline": 40, "target": 80},
        ]
    )
    check = only(district_sum_check(cat))
    assert check.adds_up  # the same shape and dates: shares 60% + 40% add up every month
    assert check.missing_districts == (cat_code(2),)
    assert check.districts == (cat_code(0), cat_code(1))
    assert check.months_checked == 25


def test_a_shared_district_target_counts_once_per_district() -> None:
    cat = _small_catalog(
        [
            {"scope": [cat_code(0)], "baseline": 40, "target": 80},
            {"scope": [cat_code(1), cat_code(2)], "baseline": 30, "target": 60},
        ]
    )
    check = only(district_sum_check(cat))
    assert check.adds_up
    assert check.districts == (cat_code(0), cat_code(1), cat_code(2))
    assert check.missing_districts == ()


def test_different_shapes_or_dates_do_not_add_up() -> None:
    # same baseline and target sums, but one district reaches its target a year later
    cat = _small_catalog(
        [
            {"scope": [cat_code(0)], "baseline": 60, "target": 120},
            {
                "scope": [cat_code(1), cat_code(2)],
                "baseline": 20,
                "target": 40,
                "target_period": "2025",
            },
        ]
    )
    check = only(district_sum_check(cat))
    assert not check.adds_up
    assert check.districts_baseline == pytest.approx(100)
    # at 2024-12 the late districts are 24 of 36 months in: u = 2/3, f(u) = 3u^2 - 2u^3 = 20/27
    assert check.districts_target == pytest.approx(120 + 2 * (20 + 20 * 20 / 27))
    assert any("ends at 2025-12" in n for n in check.notes)


def test_a_district_baseline_for_another_period_does_not_add_up() -> None:
    cat = catalog()
    moved = edit_district(
        cat, "PERSONNEL_TRAINED", "ZHOB", baseline=PeriodValue(period="2023", value=30)
    )
    check = only(district_sum_check(moved))
    assert not check.adds_up
    assert math.isnan(check.districts_baseline)  # ZHOB has no plan at 2022-12
    assert any("ZHOB's trajectory starts at 2023-12" in n for n in check.notes)


def test_unflagged_district_targets_are_counted_and_named() -> None:
    cat = _small_catalog(
        [
            {"scope": [cat_code(0)], "baseline": 60, "target": 120},
            {"scope": [cat_code(1)], "baseline": 40, "target": 80, "flag": False},
        ]
    )
    check = only(district_sum_check(cat))
    assert check.adds_up
    assert any(cat_code(1) in n and "adds_up_to_province" in n for n in check.notes)


def test_kpis_without_the_flag_are_not_checked() -> None:
    cat = catalog()
    unflagged = [t.model_copy(update={"adds_up_to_province": False}) for t in cat.targets]
    assert district_sum_check(with_targets(cat, unflagged)) == []


def cat_code(i: int) -> str:
    return catalog().geography.districts[i].code
