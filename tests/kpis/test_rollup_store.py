"""How the roll-up is stored: the PostgreSQL key-ordered form gives the same rows as the plain
join, the recompute reports its stages, and the options refuse what they cannot do."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from benchmarks.kpis import national_warehouse
from dbmis.kpis.rollup import build_spec, month_range_of, recompute
from dbmis.warehouse import Database
from dbmis.warehouse.queries import rollup as q

KEY = ["kpi_id", "geo_level", "geo_code", "period_type", "period"]


def _rows(db: Database, sql: str) -> pd.DataFrame:
    with db.read() as conn:
        rows = conn.execute(text(sql)).all()
    return pd.DataFrame(rows, columns=list(q.INSERT_COLUMNS))


@pytest.mark.postgres
def test_the_key_skeleton_gives_the_rows_of_the_plain_join(new_database):
    db = new_database("postgres")
    warehouse = national_warehouse(districts=5, divisions=2, years=2, missing=0.1)
    warehouse.load(db)
    with db.read() as conn:
        span = month_range_of(conn, warehouse.catalog)
        assert span is not None
        spec = build_spec(conn, warehouse.catalog, first_month=span[0], through_month=span[1])
    plain = _rows(db, q.rollup_select_sql(spec, "postgresql"))
    skeleton = _rows(db, q.rollup_select_sql(spec, "postgresql", key_skeleton=True))
    assert len(plain) == len(spec.kpis) * (5 + 2 + 1) * len(spec.periods)
    assert plain["value"].notna().any() and (plain["received"] < plain["expected"]).any()
    pd.testing.assert_frame_equal(
        skeleton.sort_values(KEY, ignore_index=True), plain.sort_values(KEY, ignore_index=True)
    )


def test_recompute_reports_its_stages(db: Database):
    warehouse = national_warehouse(districts=3, divisions=1, years=1)
    warehouse.load(db)
    report = recompute(db, warehouse.catalog)
    assert report.rows > 0
    stages = report.timings
    assert set(stages) == {"range", "rollup", "compute_insert", "keys", "plan", "status"}
    # the parts are measured inside their whole
    assert stages["compute_insert"] + stages["keys"] <= stages["rollup"]
    assert stages["plan"] <= stages["status"]
    assert report.seconds >= stages["range"] + stages["rollup"] + stages["status"]


def test_the_key_skeleton_is_for_postgresql_only():
    spec = q.RollupSpec(
        kpis=(q.KpiSpec(1, 100.0, (q.Member(1, "numerator", "sum"),)),),
        districts=(q.DistrictSpec(1, "ALPHA", "NORTH"),),
        periods=(q.PeriodSpec("month", 202601, "2026-01", 1),),
        province_code="TESTLAND",
        first_month=202601,
        through_month=202601,
        fiscal_start_month=7,
        threshold=0.8,
    )
    assert "OFFSET 0" in q.rollup_select_sql(spec, "postgresql", key_skeleton=True)
    assert "OFFSET 0" not in q.rollup_select_sql(spec, "postgresql")
    with pytest.raises(ValueError, match="key_skeleton"):
        q.rollup_select_sql(spec, "sqlite", key_skeleton=True)
    with pytest.raises(ValueError, match="key_skeleton"):
        q.rollup_select_sql(spec, "postgresql", key_skeleton=True, in_key_order=True)
