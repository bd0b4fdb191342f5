"""KPI roll-ups, hand-computed, on SQLite and PostgreSQL: ratio of sums, flows and stocks over
quarters, years and fiscal years, weighted averages, completeness, approved revisions only,
plan and status."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

import dataclasses
import math
import shutil
from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import Connection

from dbmis.catalog import Catalog, load_catalog
from dbmis.errors import WarehouseError
from dbmis.kpis.rollup import periods_between, recompute
from dbmis.kpis.status import status_for_period
from dbmis.kpis.trajectory import trajectories
from dbmis.periods import parse_period
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries import submissions as subs
from dbmis.warehouse.queries.approved import effective_submission_ids
from dbmis.warehouse.queries.observations import insert_observations
from dbmis.warehouse.queries.rollup import effective_ids, kpi_values, period_end_sql
from tests.warehouse.conftest import CATALOG_MINI, mini_catalog, synced_db  # noqa: F401

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PROVINCE = "TESTLAND"

Values = Mapping[tuple[str, str, int], float]
"""(district, indicator, month) -> value"""


def approve_values(
    db: Database, catalog: Catalog, values: Values, *, approve: bool = True, tag: str = "a"
) -> dict[tuple[str, str, int], int]:
    """One new revision per (district, institution, year) holding these values; approved
    unless ``approve=False``. Returns the submission ids by key."""
    groups: dict[tuple[str, str, int], list[tuple[str, int, float]]] = {}
    for (district, code, month), value in values.items():
        institution = catalog.indicator_by_code[code].institution
        groups.setdefault((district, institution, month // 100), []).append((code, month, value))
    ids = {}
    with db.write() as conn:
        district_ids = dimensions.district_ids(conn)
        institution_ids = dimensions.institution_ids(conn)
        indicator_ids = dimensions.indicator_ids(conn)
        for n, ((district, institution, year), rows) in enumerate(sorted(groups.items())):
            new = subs.NewSubmission(
                district_id=district_ids[district],
                institution_id=institution_ids[institution],
                year=year,
                sha256=f"{tag}{n:063x}"[:64].ljust(64, "0"),
                source_kind="csv",
                filename=f"{district}-{institution}-{year}.csv",
                size_bytes=1,
            )
            sub = subs.insert_submission(conn, new)
            insert_observations(
                conn,
                (
                    {
                        "submission_id": sub.id,
                        "indicator_id": indicator_ids[code],
                        "district_id": sub.district_id,
                        "institution_id": sub.institution_id,
                        "month": month,
                        "value": value,
                    }
                    for code, month, value in rows
                ),
            )
            if approve:
                subs.set_status(conn, sub.id, "approved", reviewer_id=None)
            ids[(district, institution, year)] = sub.id
    return ids


def values_of(db: Database, **filters: object) -> pd.DataFrame:
    with db.read() as conn:
        return kpi_values(conn, **filters)  # type: ignore[arg-type]


def one(frame: pd.DataFrame, **key: object) -> pd.Series:
    """The single row of ``frame`` matching ``key`` (column=value)."""
    mask = pd.Series(True, index=frame.index)
    for column, wanted in key.items():
        mask &= frame[column] == wanted
    rows = frame[mask]
    assert len(rows) == 1, f"{len(rows)} rows for {key}"
    return rows.iloc[0]


def row(db: Database, kpi: str, level: str, code: str, period: str) -> pd.Series:
    period_type = str(parse_period(period).type)
    frame = values_of(db, kpi=kpi, geo_level=level, geo_code=code, period_type=period_type)
    return one(frame, period=period)


def conv(conv: float, decided: float) -> dict[str, float]:
    return {"PRO_CONVICTIONS": conv, "PRO_CASES_DECIDED": decided}


def prisons(undertrial: float, total: float) -> dict[str, float]:
    return {"PRS_UNDERTRIAL": undertrial, "PRS_PRISONERS_TOTAL": total}


def grid(*entries: tuple[str, int, dict[str, float]]) -> dict[tuple[str, str, int], float]:
    out = {}
    for district, month, values in entries:
        for code, value in values.items():
            out[(district, code, month)] = value
    return out


# --- ratio of sums ---------------------------------------------------------------------------


def test_ratio_of_sums_not_mean_of_ratios(synced_db: Database, mini_catalog: Catalog):
    # ALPHA: 1 of 10 convicted (10%), BETA: 90 of 100 (90%); the mean of ratios would be 50%
    approve_values(
        synced_db,
        mini_catalog,
        grid(("ALPHA", 202601, conv(1, 10)), ("BETA", 202601, conv(90, 100))),
    )
    report = recompute(synced_db, mini_catalog, through_month=202601, now=NOW)
    assert report.first_month == 202401 and report.through_month == 202601

    province = row(synced_db, "CONVICTION_RATE", "province", PROVINCE, "2026-01")
    assert (province.numerator, province.denominator) == (91.0, 110.0)
    assert province.value == pytest.approx(100 * 91 / 110)
    north = row(synced_db, "CONVICTION_RATE", "division", "NORTH", "2026-01")
    assert north.value == pytest.approx(100 * 91 / 110)
    assert (north.received, north.expected, north.completeness, north.flagged) == (2, 2, 1.0, False)
    alpha = row(synced_db, "CONVICTION_RATE", "district", "ALPHA", "2026-01")
    assert alpha.value == pytest.approx(10.0)
    # nothing reported in the south: a row all the same, no value, completeness 0
    south = row(synced_db, "CONVICTION_RATE", "division", "SOUTH", "2026-01")
    assert (south.numerator, south.denominator, south.received, south.expected) == (0, 0, 0, 2)
    assert math.isnan(south.value) and south.flagged
    assert (province.received, province.expected, province.completeness) == (2, 4, 0.5)
    assert bool(province.flagged)


def test_every_kpi_place_and_period_gets_one_row(synced_db: Database, mini_catalog: Catalog):
    approve_values(synced_db, mini_catalog, grid(("ALPHA", 202602, conv(1, 2))))
    report = recompute(synced_db, mini_catalog, now=NOW)
    assert (report.first_month, report.through_month) == (202401, 202602)
    periods = periods_between(202401, 202602)
    places = 4 + 2 + 1
    assert report.rows == len(mini_catalog.kpis) * places * len(periods)
    frame = values_of(synced_db)
    assert len(frame) == report.rows
    assert not frame.duplicated(["kpi", "geo_level", "geo_code", "period_type", "period"]).any()
    assert set(frame["computed_at"]) == {NOW}
    # FY2023-24 overlaps the range by six months (January to June 2024)
    fy = row(synced_db, "CONVICTION_RATE", "district", "ALPHA", "FY2023-24")
    assert (fy.expected, fy.period_end) == (6, 202406)


# --- flows and stocks over time --------------------------------------------------------------


def test_flows_add_months_and_stocks_take_each_districts_last_reported_month(
    synced_db: Database, mini_catalog: Catalog
):
    approve_values(
        synced_db,
        mini_catalog,
        grid(
            ("ALPHA", 202601, conv(1, 10) | prisons(70, 100)),
            ("ALPHA", 202602, conv(2, 10) | prisons(60, 100)),
            ("ALPHA", 202603, conv(3, 10) | prisons(50, 100)),
            # BETA's prison return for March never came: its quarter is February's stock
            ("BETA", 202601, prisons(10, 20)),
            ("BETA", 202602, prisons(30, 40)),
        ),
    )
    recompute(synced_db, mini_catalog, through_month=202603, now=NOW)

    q1 = row(synced_db, "CONVICTION_RATE", "district", "ALPHA", "2026Q1")
    assert (q1.numerator, q1.denominator, q1.value) == (6.0, 30.0, pytest.approx(20.0))

    alpha = row(synced_db, "UNDERTRIAL_SHARE", "district", "ALPHA", "2026Q1")
    assert (alpha.numerator, alpha.denominator) == (50.0, 100.0)
    beta = row(synced_db, "UNDERTRIAL_SHARE", "district", "BETA", "2026Q1")
    assert (beta.numerator, beta.denominator) == (30.0, 40.0)
    assert (beta.received, beta.expected) == (2, 3)
    province = row(synced_db, "UNDERTRIAL_SHARE", "province", PROVINCE, "2026Q1")
    assert (province.numerator, province.denominator) == (80.0, 140.0)
    assert province.value == pytest.approx(100 * 80 / 140)
    assert (province.received, province.expected) == (5, 12)
    # the running year expects only the months up to the last one (4 districts x 3 months)
    year = row(synced_db, "UNDERTRIAL_SHARE", "province", PROVINCE, "2026")
    assert (year.numerator, year.denominator, year.expected) == (80.0, 140.0, 12)
    # a month is itself
    feb = row(synced_db, "UNDERTRIAL_SHARE", "province", PROVINCE, "2026-02")
    assert (feb.numerator, feb.denominator) == (90.0, 140.0)


def test_fiscal_years_run_july_to_june(synced_db: Database, mini_catalog: Catalog):
    approve_values(
        synced_db,
        mini_catalog,
        grid(
            ("ALPHA", 202606, conv(5, 10)),
            ("ALPHA", 202607, conv(7, 10)),
            ("BETA", 202606, prisons(40, 80)),
            ("BETA", 202607, prisons(45, 90)),
        ),
    )
    recompute(synced_db, mini_catalog, through_month=202607, now=NOW)

    def nd(kpi: str, district: str, period: str) -> tuple[float, float]:
        r = row(synced_db, kpi, "district", district, period)
        return r.numerator, r.denominator

    assert nd("CONVICTION_RATE", "ALPHA", "FY2025-26") == (5, 10)
    assert nd("CONVICTION_RATE", "ALPHA", "FY2026-27") == (7, 10)
    assert nd("CONVICTION_RATE", "ALPHA", "2026") == (12, 20)
    assert nd("CONVICTION_RATE", "ALPHA", "2026Q2") == (5, 10)
    assert nd("CONVICTION_RATE", "ALPHA", "2026Q3") == (7, 10)
    assert nd("UNDERTRIAL_SHARE", "BETA", "FY2025-26") == (40, 80)
    assert nd("UNDERTRIAL_SHARE", "BETA", "FY2026-27") == (45, 90)
    assert nd("UNDERTRIAL_SHARE", "BETA", "2026") == (45, 90)
    fy = row(synced_db, "CONVICTION_RATE", "district", "ALPHA", "FY2025-26")
    assert (fy.period_end, fy.expected) == (202606, 12)
    running = row(synced_db, "CONVICTION_RATE", "district", "ALPHA", "FY2026-27")
    assert (running.period_end, running.expected, running.received) == (202706, 1, 1)


# --- weighted averages ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def average_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The mini catalog plus an average (days to decision, weighted by cases decided)."""
    folder = tmp_path_factory.mktemp("catalog") / "mini_avg"
    shutil.copytree(CATALOG_MINI, folder)
    with (folder / "indicators.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "- code: PRO_DAYS_TO_DECISION\n"
            "  institution: PROSECUTION\n"
            "  name: {en: Days to decision, ur: فیصلے تک دن}\n"
            "  definition: {en: Mean days from filing to decision., ur: اوسط دن۔}\n"
            "  unit: days\n"
            "  temporal: average\n"
            "  weight: PRO_CASES_DECIDED\n"
            "  integer: false\n"
        )
    with (folder / "kpis.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "- code: DAYS_TO_DECISION\n"
            "  priority: JUSTICE\n"
            "  name: {en: Days to decision, ur: فیصلے تک دن}\n"
            "  short_name: {en: Days, ur: دن}\n"
            "  definition: {en: Mean days to decision., ur: اوسط دن۔}\n"
            "  numerator: PRO_DAYS_TO_DECISION\n"
            "  unit: days\n"
            "  direction: down\n"
            "  source: {en: Prosecution returns, ur: استغاثہ}\n"
        )
    with (folder / "targets.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "- kpi: DAYS_TO_DECISION\n"
            "  scope: province\n"
            "  baseline: {period: 2024, value: 300}\n"
            "  target: {period: 2027-12, value: 200}\n"
            "  shape: linear\n"
            "  tolerance: 10\n"
        )
    return load_catalog(folder)


def test_weighted_average_weights_each_district_month(db: Database, average_catalog: Catalog):
    sync_catalog(db, average_catalog)
    days = "PRO_DAYS_TO_DECISION"
    approve_values(
        db,
        average_catalog,
        grid(
            ("ALPHA", 202601, {days: 10.0, "PRO_CASES_DECIDED": 1}),
            ("BETA", 202601, {days: 40.0, "PRO_CASES_DECIDED": 3}),
            ("ALPHA", 202602, {days: 20.0, "PRO_CASES_DECIDED": 1}),
            # an average without its weight adds nothing and is not a full report
            ("GAMMA", 202601, {days: 100.0}),
        ),
    )
    recompute(db, average_catalog, through_month=202602, now=NOW)
    jan = row(db, "DAYS_TO_DECISION", "province", PROVINCE, "2026-01")
    # (10 x 1 + 40 x 3) / (1 + 3) = 32.5, not the mean of the averages (25)
    assert (jan.numerator, jan.denominator, jan.value) == (130.0, 4.0, 32.5)
    assert (jan.received, jan.expected) == (2, 4)
    q1 = row(db, "DAYS_TO_DECISION", "province", PROVINCE, "2026Q1")
    assert (q1.numerator, q1.denominator, q1.value) == (150.0, 5.0, 30.0)
    gamma = row(db, "DAYS_TO_DECISION", "district", "GAMMA", "2026-01")
    assert (gamma.numerator, gamma.denominator, gamma.received) == (0.0, 0.0, 0)
    assert math.isnan(gamma.value)
    # the ratio KPI over the same weight is untouched by the average
    rate = row(db, "CONVICTION_RATE", "district", "ALPHA", "2026-01")
    assert (rate.denominator, rate.received) == (1.0, 0)


# --- completeness ----------------------------------------------------------------------------


def test_completeness_counts_full_reports_and_flags_below_the_threshold(
    synced_db: Database, mini_catalog: Catalog
):
    assert mini_catalog.roadmap.completeness_threshold == 0.8
    approve_values(
        synced_db,
        mini_catalog,
        grid(
            *((("ALPHA", m, conv(1, 4))) for m in (202601, 202602, 202603, 202604)),
            # May: convictions reported, cases decided left blank: counted, but not received
            ("ALPHA", 202605, {"PRO_CONVICTIONS": 2}),
        ),
    )
    recompute(synced_db, mini_catalog, through_month=202605, now=NOW)
    year = row(synced_db, "CONVICTION_RATE", "district", "ALPHA", "2026")
    # 4 of 5 months: exactly the threshold, not flagged
    assert (year.received, year.expected, year.completeness) == (4, 5, 0.8)
    assert not year.flagged
    assert (year.numerator, year.denominator) == (6.0, 16.0)
    q2 = row(synced_db, "CONVICTION_RATE", "district", "ALPHA", "2026Q2")
    assert (q2.received, q2.expected, q2.completeness, q2.flagged) == (1, 2, 0.5, True)
    may = row(synced_db, "CONVICTION_RATE", "district", "ALPHA", "2026-05")
    assert (may.received, may.numerator, may.denominator) == (0, 2.0, 0.0)
    assert math.isnan(may.value)  # nothing received
    province = row(synced_db, "CONVICTION_RATE", "province", PROVINCE, "2026-01")
    assert (province.received, province.expected, province.completeness) == (1, 4, 0.25)


# --- approved revisions only ----------------------------------------------------------------


def test_only_the_effective_approved_revision_counts(synced_db: Database, mini_catalog: Catalog):
    def alpha_jan() -> float:
        recompute(synced_db, mini_catalog, through_month=202601, now=NOW)
        return float(row(synced_db, "CONVICTION_RATE", "district", "ALPHA", "2026-01").value)

    approve_values(synced_db, mini_catalog, grid(("ALPHA", 202601, conv(1, 10))), tag="a")
    assert alpha_jan() == pytest.approx(10.0)
    # a newer upload waiting for review supersedes the approved one but does not count yet
    newer = approve_values(
        synced_db, mini_catalog, grid(("ALPHA", 202601, conv(5, 10))), approve=False, tag="b"
    )
    assert alpha_jan() == pytest.approx(10.0)
    sub_id = newer[("ALPHA", "PROSECUTION", 2026)]
    with synced_db.write() as conn:
        subs.set_status(conn, sub_id, "approved", reviewer_id=None)
    assert alpha_jan() == pytest.approx(50.0)
    # returning approved data un-approves it: the previous approved revision counts again
    with synced_db.write() as conn:
        subs.set_status(conn, sub_id, "returned", reviewer_id=None, reason="typo")
    assert alpha_jan() == pytest.approx(10.0)
    # a rejected file never counts
    approve_values(
        synced_db, mini_catalog, grid(("BETA", 202601, conv(9, 9))), approve=False, tag="c"
    )
    beta = row(synced_db, "CONVICTION_RATE", "district", "BETA", "2026-01")
    assert beta.received == 0 and math.isnan(beta.value)


def _ids(conn: Connection, query: object) -> set[int]:
    return {r[0] for r in conn.execute(query)}  # type: ignore[call-overload]


def test_effective_ids_equal_the_warehouse_definition(synced_db: Database, mini_catalog: Catalog):
    """The roll-up's anti-join form selects the same revisions as approved.py."""
    cases = [
        ("ALPHA", 2025, ["approved"]),
        ("ALPHA", 2026, ["approved", "submitted"]),
        ("BETA", 2026, ["approved", "approved"]),
        ("BETA", 2025, ["approved", "approved", "returned"]),
        ("GAMMA", 2026, ["submitted"]),
        ("DELTA", 2026, ["approved", "returned", "approved", "submitted"]),
    ]
    with synced_db.write() as conn:
        district_ids = dimensions.district_ids(conn)
        institution_id = dimensions.institution_ids(conn)["PROSECUTION"]
        n = 0
        for district, year, steps in cases:
            for step in steps:
                n += 1
                sub = subs.insert_submission(
                    conn,
                    subs.NewSubmission(
                        district_ids[district], institution_id, year, f"{n:064x}", "csv", "f", 1
                    ),
                )
                if step in ("approved", "returned"):
                    subs.set_status(conn, sub.id, "approved", reviewer_id=None)
                if step == "returned":
                    subs.set_status(conn, sub.id, "returned", reviewer_id=None, reason="r")
        expected = _ids(conn, effective_submission_ids())
        assert _ids(conn, effective_ids()) == expected
        assert len(expected) == 5  # GAMMA has nothing approved


# --- plan and status -------------------------------------------------------------------------


def test_plan_and_status_only_where_the_place_has_its_own_trajectory(
    synced_db: Database, mini_catalog: Catalog
):
    approve_values(synced_db, mini_catalog, grid(("ALPHA", 202603, conv(2, 10))))
    report = recompute(synced_db, mini_catalog, through_month=202603, now=NOW)
    frame = values_of(synced_db)
    province = frame[frame["geo_level"] == "province"]
    others = frame[frame["geo_level"] != "province"]
    assert province["status"].notna().all()
    assert others["planned"].isna().all() and others["status"].isna().all()
    assert report.with_plan == len(province)

    plan = trajectories(mini_catalog)[("CONVICTION_RATE", "province")]
    q1 = one(province, kpi="CONVICTION_RATE", period="2026Q1")
    period = parse_period("2026Q1")
    assert q1.value == pytest.approx(20.0)
    assert q1.planned == pytest.approx(plan.values[202603])
    assert q1.status == status_for_period(plan, 20.0, period, direction="up")
    empty = one(province, kpi="CONVICTION_RATE", period="2025Q1")
    assert empty.status == "no_data" and empty.received == 0


# --- the stored table ------------------------------------------------------------------------


def test_recompute_replaces_everything_and_respects_through_month(
    synced_db: Database, mini_catalog: Catalog
):
    assert recompute(synced_db, mini_catalog, now=NOW).rows == 0  # no approved data: no values
    approve_values(
        synced_db,
        mini_catalog,
        grid(("ALPHA", 202601, conv(1, 10)), ("ALPHA", 202603, conv(3, 10))),
    )
    full = recompute(synced_db, mini_catalog, now=NOW)
    assert full.through_month == 202603
    short = recompute(synced_db, mini_catalog, through_month=202602, now=NOW)
    assert short.rows < full.rows
    frame = values_of(synced_db)
    assert len(frame) == short.rows and frame["period_end"].max() == 202612  # the year 2026
    assert "2026-03" not in set(frame["period"])
    q1 = row(synced_db, "CONVICTION_RATE", "district", "ALPHA", "2026Q1")
    assert (q1.numerator, q1.expected) == (1.0, 2)
    with pytest.raises(ValueError, match="YYYYMM"):
        recompute(synced_db, mini_catalog, through_month=202613)


def test_kpi_values_filters_take_one_value_or_a_list(synced_db: Database, mini_catalog: Catalog):
    approve_values(synced_db, mini_catalog, grid(("ALPHA", 202601, conv(1, 10))))
    recompute(synced_db, mini_catalog, through_month=202601, now=NOW)
    frame = values_of(synced_db, kpi="CONVICTION_RATE", geo_level=["province", "division"])
    assert set(frame["kpi"]) == {"CONVICTION_RATE"}
    assert set(frame["geo_code"]) == {PROVINCE, "NORTH", "SOUTH"}
    quarters = values_of(synced_db, geo_code="ALPHA", period_type="quarter")
    assert set(quarters["period_type"]) == {"quarter"} and set(quarters["geo_code"]) == {"ALPHA"}
    assert list(quarters.columns[:6]) == [
        "kpi",
        "geo_level",
        "geo_code",
        "period_type",
        "period",
        "period_end",
    ]
    assert quarters["flagged"].dtype == bool
    assert values_of(synced_db, kpi="NO_SUCH_KPI").empty


def test_recompute_needs_a_synced_catalog(db: Database, mini_catalog: Catalog):
    with pytest.raises(WarehouseError) as info:
        recompute(db, mini_catalog)
    assert info.value.code == "WAREHOUSE_NOT_SYNCED"


# --- pure helpers ----------------------------------------------------------------------------


def test_periods_between_counts_the_months_in_range():
    periods = {
        (p.period_type, p.label): (p.period_end, p.months) for p in periods_between(202605, 202608)
    }
    assert periods[("month", "2026-05")] == (202605, 1)
    assert periods[("quarter", "2026Q2")] == (202606, 2)
    assert periods[("quarter", "2026Q3")] == (202609, 2)
    assert periods[("year", "2026")] == (202612, 4)
    assert periods[("fiscal_year", "FY2025-26")] == (202606, 2)
    assert periods[("fiscal_year", "FY2026-27")] == (202706, 2)
    assert len(periods) == 4 + 2 + 1 + 2


@pytest.mark.parametrize("fiscal_start", [1, 2, 4, 7, 12])
def test_period_end_sql_matches_the_periods_module(fiscal_start: int):
    """The SQL month arithmetic gives every month's period end as dbmis.periods does."""
    import sqlite3

    from dbmis.periods import PeriodType, month_range, period_of

    months = month_range(202301, 202612)
    with sqlite3.connect(":memory:") as conn:
        for period_type in PeriodType:
            expression = period_end_sql("m", str(period_type), fiscal_start)
            for month in months:
                (got,) = conn.execute(
                    f"SELECT {expression} FROM (SELECT ? AS m)", (month,)
                ).fetchone()
                assert got == period_of(month, period_type, fiscal_start).last, (period_type, month)


def test_planned_and_status_only_where_the_kpi_is_judged(
    synced_db: Database, mini_catalog: Catalog
):
    """A KPI judged by year only (a yearly total) gets no plan or status for months or quarters."""
    kpis = tuple(
        k.model_copy(update={"assessed_on": ["year"]}) if k.code == "CONVICTION_RATE" else k
        for k in mini_catalog.kpis
    )
    yearly = dataclasses.replace(mini_catalog, kpis=kpis)
    approve_values(synced_db, yearly, grid(("ALPHA", 202603, conv(2, 10))))
    recompute(synced_db, yearly, through_month=202603, now=NOW)
    province = values_of(synced_db)
    province = province[
        (province["geo_level"] == "province") & (province["kpi"] == "CONVICTION_RATE")
    ]
    judged = province[province["period_type"] == "year"]
    others = province[province["period_type"] != "year"]
    assert judged["status"].notna().all() and len(judged)
    assert others["planned"].isna().all() and others["status"].isna().all() and len(others)


def test_the_bulk_reload_leaves_the_schema_as_migrated(synced_db: Database, mini_catalog: Catalog):
    """PostgreSQL drops and re-adds kpi_value's keys, SQLite drops and re-creates the table."""
    from sqlalchemy import inspect

    from dbmis.warehouse.migrate import schema_diffs

    approve_values(synced_db, mini_catalog, grid(("ALPHA", 202601, conv(1, 10))))
    recompute(synced_db, mini_catalog, through_month=202601, now=NOW)
    assert schema_diffs(synced_db) == []
    with synced_db.read() as conn:
        inspector = inspect(conn)
        assert inspector.get_pk_constraint("kpi_value")["name"] == "pk_kpi_value"
        assert [fk["name"] for fk in inspector.get_foreign_keys("kpi_value")] == [
            "fk_kpi_value_kpi_id_kpi"
        ]
