"""The synthetic demo data: deterministic, complete, consistent with the catalog, realistic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dbmis.catalog import Catalog, load_catalog
from dbmis.catalog.models import Severity, Temporal, Unit
from dbmis.demo import FAULT_KINDS, DemoData, generate
from dbmis.demo.checks import bound_violations, province_kpis, rule_violations
from dbmis.demo.facts import CHRONIC_LATE, FLOOD_DISTRICTS, FLOOD_MONTHS
from dbmis.periods import month_range
from tests.demo.conftest import FIRST, LAST

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"


@pytest.fixture(scope="module")
def kpis(catalog: Catalog, demo: DemoData) -> dict[tuple[str, str], float]:
    """Province KPIs by calendar and fiscal year: {(kpi, period): value}."""
    out = {}
    for by in ("year", "fiscal_year"):
        for row in province_kpis(catalog, demo, by=by).itertuples():
            out[(row.kpi, row.period)] = float(row.value)
    return out


# --- determinism -------------------------------------------------------------------------------


def test_same_seed_same_data_and_another_seed_other_data(catalog: Catalog, demo: DemoData) -> None:
    again = generate(catalog, first_month=FIRST, last_month=LAST, seed=2022)
    pd.testing.assert_frame_equal(demo.values, again.values)
    pd.testing.assert_frame_equal(demo.missing, again.missing)
    pd.testing.assert_frame_equal(demo.late, again.late)
    pd.testing.assert_frame_equal(demo.outliers, again.outliers)
    assert demo.broken_files == again.broken_files
    other = generate(catalog, first_month=FIRST, last_month=LAST, seed=7)
    assert not demo.values["value"].equals(other.values["value"])
    assert not demo.missing.equals(other.missing)


# --- shape -------------------------------------------------------------------------------------


def test_every_district_indicator_and_month(catalog: Catalog, demo: DemoData) -> None:
    months = month_range(FIRST, LAST)
    v = demo.values
    assert list(v.columns) == ["district", "institution", "indicator", "month", "value"]
    assert len(v) == len(catalog.districts) * len(catalog.indicators) * len(months)
    assert not v.duplicated(["district", "indicator", "month"]).any()
    assert set(v["district"]) == {d.code for d in catalog.districts}
    assert set(v["indicator"]) == {i.code for i in catalog.indicators}
    assert set(v["institution"]) == {i.code for i in catalog.institutions}
    assert sorted(set(v["month"])) == months
    # only an average with no weight that month is blank
    blank = v[v["value"].isna()]
    assert set(blank["indicator"]) <= {
        i.code for i in catalog.indicators if i.temporal is Temporal.average
    }


def test_missing_returns_are_few_and_clustered(catalog: Catalog, demo: DemoData) -> None:
    cells = len(catalog.districts) * len(catalog.institutions) * len(demo.months)
    share = len(demo.missing) / cells
    assert 0.03 <= share <= 0.06
    by_district = demo.missing.groupby("district").size() / (
        len(catalog.institutions) * len(demo.months)
    )
    chronic = by_district.reindex(list(CHRONIC_LATE)).fillna(0)
    others = by_district.drop(list(CHRONIC_LATE)).reindex(
        [d.code for d in catalog.districts if d.code not in CHRONIC_LATE]
    )
    assert chronic.min() > 3 * others.fillna(0).median()
    flood = demo.missing[demo.missing["reason"] == "2022 floods"]
    assert set(flood["district"]) == set(FLOOD_DISTRICTS)
    assert set(flood["month"]) == set(FLOOD_MONTHS)
    # a missing return is blank for every indicator of the institution
    reported = demo.reported()
    key = ["district", "institution", "month"]
    assert reported.merge(demo.missing[key], on=key).empty


# --- rules and bounds --------------------------------------------------------------------------


def test_every_error_rule_holds_on_every_row(catalog: Catalog, demo: DemoData) -> None:
    errors = [r for r in catalog.rules if r.severity is Severity.error]
    assert errors, "the catalog has error rules"
    assert rule_violations(catalog, demo.values).empty
    assert rule_violations(catalog, demo.reported()).empty


def test_the_rule_check_finds_a_broken_row(catalog: Catalog, demo: DemoData) -> None:
    """The check is not vacuous: break each error rule once and it is found."""
    for rule in (r for r in catalog.rules if r.severity is Severity.error):
        values = demo.values.copy()
        hit = (
            (values["indicator"] == rule.left[0])
            & (values["district"] == "QUETTA")
            & (values["month"] == LAST)
        )
        right = values[
            values["indicator"].isin(rule.right)
            & (values["district"] == "QUETTA")
            & (values["month"] == LAST)
        ]["value"].sum()
        values.loc[hit, "value"] = right * rule.factor + 1e6
        found = rule_violations(catalog, values)
        assert (found["rule"] == rule.code).sum() == 1, rule.code


def test_warning_rules_fail_now_and_then(catalog: Catalog, demo: DemoData) -> None:
    found = rule_violations(catalog, demo.values, severity=Severity.warning)
    district_months = len(catalog.districts) * len(demo.months)
    assert len(found) > 0
    assert found.groupby("rule").size().max() < 0.25 * district_months


def test_bounds_whole_numbers_and_no_negative_stock(catalog: Catalog, demo: DemoData) -> None:
    assert bound_violations(catalog, demo.values).empty
    stocks = {i.code for i in catalog.indicators if i.temporal is Temporal.last}
    assert (demo.values[demo.values["indicator"].isin(stocks)]["value"] >= 0).all()
    counts = {i.code for i in catalog.indicators if i.unit is Unit.count}
    v = demo.values[demo.values["indicator"].isin(counts)]["value"]
    assert (v == np.round(v)).all()
    # zeros are real zeros (reported), e.g. a district without a jail
    assert (demo.values["value"] == 0).any()


def test_stocks_move_smoothly(demo: DemoData) -> None:
    v = demo.values
    for code in ("PRS_PRISONERS_TOTAL", "CRT_CASES_PENDING", "PRO_CASES_PENDING_TRIAL"):
        wide = v[v["indicator"] == code].pivot(index="district", columns="month", values="value")
        wide = wide[wide.iloc[:, 0] > 50]
        change = (wide.diff(axis=1).abs() / wide.shift(axis=1)).iloc[:, 1:]
        assert change.median().median() < 0.05, code


def test_flows_have_seasons(demo: DemoData) -> None:
    """Courts dispose of fewer cases in their vacation months."""
    v = demo.values
    quetta = v[(v["indicator"] == "CRT_CASES_DISPOSED") & (v["district"] == "QUETTA")]
    by_month = quetta.groupby(quetta["month"] % 100)["value"].mean()
    assert by_month[1] < 0.75 * by_month[4]


def test_legal_aid_funds_are_fiscal_year_to_date(catalog: Catalog, demo: DemoData) -> None:
    v = demo.values
    start = catalog.roadmap.fiscal_year_start_month
    for code in ("LAD_FUNDS_ALLOCATED", "LAD_FUNDS_SPENT"):
        wide = v[v["indicator"] == code].pivot(index="district", columns="month", values="value")
        step = wide.diff(axis=1).iloc[:, 1:]
        new_year = np.array([m % 100 == start for m in step.columns])
        assert (step.loc[:, ~new_year] >= 0).all().all(), code
        if code == "LAD_FUNDS_SPENT":  # spending starts again in July
            assert (step.loc[:, new_year] < 0).to_numpy().mean() > 0.9
    amounts = v[v["indicator"] == "LAD_FUNDS_ALLOCATED"]["value"]
    assert 1e6 < amounts.median() < 2e7  # rupees: millions a district


def test_districts_without_a_jail_report_zeros(catalog: Catalog, demo: DemoData) -> None:
    v = demo.values
    prisons = v[v["institution"] == "PRISONS"]
    without = prisons[~prisons["district"].isin(demo.jails)]
    assert 5 <= len(demo.jails) < len(catalog.districts)
    assert (without["value"] == 0).all()
    # some prisons are overcrowded, some are not
    last = prisons[prisons["month"] == LAST].pivot(
        index="district", columns="indicator", values="value"
    )
    occupancy = (last["PRS_PRISONERS_TOTAL"] / last["PRS_CAPACITY"]).dropna()
    assert (occupancy > 1).any() and (occupancy < 1).any()


# --- KPIs --------------------------------------------------------------------------------------


def test_kpis_start_near_their_baselines(catalog: Catalog, kpis: dict) -> None:
    conviction = kpis[("CONVICTION_RATE", "2022")]
    assert 5 <= conviction <= 10
    assert abs(conviction - catalog.province_target("CONVICTION_RATE").baseline.value) < 1.5
    undertrial = kpis[("UNDERTRIAL_SHARE", "2022")]
    assert 70 <= undertrial <= 76
    fund_use = kpis[("LEGAL_AID_FUND_USE", "FY2021-22")]
    assert fund_use < 10
    # every KPI within 15% of its catalog baseline in the baseline year
    for kpi in catalog.kpis:
        baseline = catalog.province_target(kpi.code).baseline
        value = kpis[(kpi.code, baseline.period)]
        assert abs(value - baseline.value) <= 0.15 * abs(baseline.value), kpi.code


def test_rates_move_towards_their_targets(catalog: Catalog, kpis: dict) -> None:
    last_year = str(LAST // 100)
    for kpi in catalog.kpis:
        if not kpi.denominator or kpi.code == "LEGAL_AID_FUND_USE":
            continue
        target = catalog.province_target(kpi.code)
        start = kpis[(kpi.code, target.baseline.period)]
        now = kpis[(kpi.code, last_year)]
        assert abs(target.target.value - now) < abs(target.target.value - start), kpi.code
    early = kpis[("LEGAL_AID_FUND_USE", "FY2021-22")]
    late = kpis[("LEGAL_AID_FUND_USE", "FY2025-26")]
    assert late > early + 20


def test_districts_progress_unevenly(demo: DemoData) -> None:
    v = demo.reported()
    year = v[v["month"] // 100 == 2025]
    sums = year.pivot_table(index="district", columns="indicator", values="value", aggfunc="sum")
    rate = 100 * sums["PRO_CONVICTIONS"] / sums["PRO_CASES_DECIDED"]
    assert rate.max() - rate.min() > 8
    assert rate.std() > 2


# --- slips, delays, broken files ---------------------------------------------------------------


def test_outliers_are_slips_of_ten_within_bounds(catalog: Catalog, demo: DemoData) -> None:
    out = demo.outliers
    assert 10 <= len(out) <= 40
    for row in out.itertuples():
        expected = row.true_value * 10 if row.factor == 10 else np.round(row.true_value / 10)
        assert row.value == expected
        got = demo.values[
            (demo.values["district"] == row.district)
            & (demo.values["indicator"] == row.indicator)
            & (demo.values["month"] == row.month)
        ]["value"]
        assert got.item() == row.value
    assert bound_violations(catalog, demo.values).empty


def test_most_returns_arrive_on_time(catalog: Catalog, demo: DemoData) -> None:
    late = demo.late
    assert len(late) + len(demo.missing) == demo.sent.size
    assert 0.8 <= late["on_time"].mean() <= 0.97
    assert (late["delay_days"] >= 1).all()
    assert (late["submitted_on"] > late["due_on"] - pd.Timedelta(days=16)).all()
    slow = late[late["district"].isin(CHRONIC_LATE)]["delay_days"].median()
    assert slow > late[~late["district"].isin(CHRONIC_LATE)]["delay_days"].median()
    subs = demo.submissions
    assert set(subs.columns) >= {"district", "institution", "year", "submitted_on"}
    assert (subs["submitted_on"] >= subs["first_submitted_on"]).all()


def test_broken_files_cover_every_fault(catalog: Catalog, demo: DemoData) -> None:
    broken = demo.broken_files
    assert 5 <= len(broken) <= 8
    assert {b.kind for b in broken} == set(FAULT_KINDS)
    assert len({(b.district, b.institution, b.year) for b in broken}) == len(broken)
    for b in broken:
        assert b.district in catalog.district_by_code
        assert b.cell.startswith("Data!")
        if b.kind == "future_month":
            assert b.month is not None and b.month > LAST


# --- another catalog ---------------------------------------------------------------------------


def test_another_provinces_catalog() -> None:
    mini = load_catalog(MINI)
    first = mini.roadmap.first_reporting_year * 100 + 1
    data = generate(mini, first_month=first, last_month=first + 200)
    assert len(data.values) == len(mini.districts) * len(mini.indicators) * 25
    assert rule_violations(mini, data.values).empty
    assert bound_violations(mini, data.values).empty
    assert data.broken_files


def test_bad_month_range(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="before"):
        generate(catalog, first_month=202301, last_month=202212)
