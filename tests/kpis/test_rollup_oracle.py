"""KPI roll-ups against independent computations: the pandas implementation of the benchmark on
random warehouses (the default catalog's KPIs: ratios, stocks, a weighted average, sides adding
indicators of two institutions), and a property: places add up. SQLite and PostgreSQL."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.kpis import (
    compare,
    fetch_observations,
    national_warehouse,
    recompute_pandas,
    rollup_pandas,
)
from dbmis.catalog import Catalog
from dbmis.kpis.rollup import build_spec, month_range_of, recompute
from dbmis.warehouse import Database
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries import submissions as subs
from dbmis.warehouse.queries.observations import insert_observations
from dbmis.warehouse.queries.rollup import kpi_values, rollup_rows
from tests.warehouse.conftest import mini_catalog, synced_db  # noqa: F401

KEY = ["kpi", "geo_level", "geo_code", "period_type", "period"]


def _oracle(db: Database, catalog: Catalog) -> pd.DataFrame:
    with db.read() as conn:
        span = month_range_of(conn, catalog)
        assert span is not None
        obs = fetch_observations(conn, catalog, *span)
    return rollup_pandas(catalog, obs, first_month=span[0], through_month=span[1])


def test_sql_equals_the_pandas_oracle_on_a_random_warehouse(db: Database):
    # 6 districts in 2 divisions, 2 years, 10% of returns missing, and for 1% of the files a
    # newer revision waiting for review (its doubled values must not count)
    warehouse = national_warehouse(districts=6, divisions=2, years=2, missing=0.1)
    warehouse.load(db)
    report = recompute(db, warehouse.catalog)
    with db.read() as conn:
        stored = kpi_values(conn)
    oracle = _oracle(db, warehouse.catalog)
    assert report.rows == len(stored) == len(oracle)
    assert compare(stored, oracle) == []
    # the checks bite: a changed value is noticed
    broken = oracle.copy()
    broken.loc[broken.index[7], "numerator"] += 1
    assert compare(stored, broken)
    # some values are really missing, flagged and averaged
    assert stored["flagged"].any() and not stored["flagged"].all()
    assert stored["value"].notna().mean() > 0.5
    # the pandas path stores the same numbers, plan and status included
    recompute_pandas(db, warehouse.catalog)
    with db.read() as conn:
        via_pandas = kpi_values(conn)
    assert compare(via_pandas, oracle) == []
    columns = [*KEY, "planned", "status"]
    pd.testing.assert_frame_equal(stored[columns], via_pandas[columns])


@pytest.mark.parametrize("fiscal_start", [1, 2])
def test_other_fiscal_years_match_the_oracle(new_database, fiscal_start: int):
    """Fiscal years made of whole quarters are added up from quarters, others from months."""
    warehouse = national_warehouse(districts=3, divisions=1, years=2, missing=0.05)
    roadmap = warehouse.catalog.roadmap.model_copy(update={"fiscal_year_start_month": fiscal_start})
    catalog = dataclasses.replace(warehouse.catalog, roadmap=roadmap)
    db = new_database("sqlite")
    dataclasses.replace(warehouse, catalog=catalog).load(db)
    recompute(db, catalog)
    with db.read() as conn:
        stored = kpi_values(conn)
    assert compare(stored, _oracle(db, catalog)) == []
    fiscal = stored[stored["period_type"] == "fiscal_year"]
    assert set(fiscal["period_end"] % 100) == {(fiscal_start + 10) % 12 + 1}


# --- a property: places add up ---------------------------------------------------------------

DISTRICTS = ("ALPHA", "BETA", "GAMMA", "DELTA")
MONTHS = (202505, 202506, 202507, 202512, 202601, 202602, 202603)

reports = st.dictionaries(
    st.tuples(st.sampled_from(DISTRICTS), st.sampled_from(MONTHS)),
    st.tuples(st.integers(0, 50), st.integers(0, 60)),
    max_size=20,
)


class _Rollback(Exception):
    pass


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # every example rolls back
)
@given(reports=reports)
def test_places_add_up_for_a_flow_kpi(
    synced_db: Database, mini_catalog: Catalog, reports: dict[tuple[str, int], tuple[int, int]]
):
    """Province N and D (and received, expected) are the sums of their districts', and each
    division's of its districts', for every period."""
    try:
        with synced_db.write() as conn:
            district_ids = dimensions.district_ids(conn)
            institution_id = dimensions.institution_ids(conn)["PROSECUTION"]
            indicator_ids = dimensions.indicator_ids(conn)
            files: dict[tuple[str, int], int] = {}
            rows = []
            for (district, month), (convictions, decided) in sorted(reports.items()):
                key = (district, month // 100)
                if key not in files:
                    sub = subs.insert_submission(
                        conn,
                        subs.NewSubmission(
                            district_ids[district],
                            institution_id,
                            key[1],
                            f"{len(files):064x}",
                            "csv",
                            "f.csv",
                            1,
                        ),
                    )
                    subs.set_status(conn, sub.id, "approved", reviewer_id=None)
                    files[key] = sub.id
                for code, value in (
                    ("PRO_CONVICTIONS", convictions),
                    ("PRO_CASES_DECIDED", decided),
                ):
                    rows.append(
                        {
                            "submission_id": files[key],
                            "indicator_id": indicator_ids[code],
                            "district_id": district_ids[district],
                            "institution_id": institution_id,
                            "month": month,
                            "value": value,
                        }
                    )
            insert_observations(conn, rows)
            spec = build_spec(conn, mini_catalog, first_month=202501, through_month=202603)
            frame = rollup_rows(conn, spec)
            raise _Rollback
    except _Rollback:
        pass
    kpi_id = next(
        k.kpi_id
        for k, c in zip(spec.kpis, mini_catalog.kpis, strict=True)
        if c.code == "CONVICTION_RATE"
    )
    frame = frame[frame["kpi_id"] == kpi_id]
    division_of = {d.code: d.division for d in mini_catalog.districts}
    districts = frame[frame["geo_level"] == "district"].assign(
        division=lambda f: f["geo_code"].map(division_of)
    )
    sums = ["numerator", "denominator", "received", "expected"]
    by_period = districts.groupby(["period_type", "period"])[sums].sum()
    province = frame[frame["geo_level"] == "province"].set_index(["period_type", "period"])[sums]
    pd.testing.assert_frame_equal(province.sort_index(), by_period.sort_index(), check_dtype=False)
    by_division = districts.groupby(["division", "period_type", "period"])[sums].sum()
    divisions = (
        frame[frame["geo_level"] == "division"]
        .rename(columns={"geo_code": "division"})
        .set_index(["division", "period_type", "period"])[sums]
    )
    pd.testing.assert_frame_equal(
        divisions.sort_index(), by_division.sort_index(), check_dtype=False
    )
    # and the province's numbers are those reported
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (_, month), (convictions, decided) in reports.items():
        totals[str(month // 100)][0] += convictions
        totals[str(month // 100)][1] += decided
    for year, (n, d) in totals.items():
        assert province.loc[("year", year), "numerator"] == n
        assert province.loc[("year", year), "denominator"] == d
