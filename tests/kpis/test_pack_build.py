"""The stocktake pack's figures are the warehouse's: a small warehouse (mini catalog) with known
returns, approvals and a stocktake, on SQLite and PostgreSQL."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from dbmis.catalog import Catalog
from dbmis.cli import app
from dbmis.ingest import workflow
from dbmis.kpis import stocktake
from dbmis.kpis.pack import build_pack_data, render_html, render_xlsx
from dbmis.kpis.pack.build import deadline, judged_period_type
from dbmis.kpis.pack.model import KpiSection, PackData
from dbmis.kpis.rollup import recompute
from dbmis.periods import PeriodType
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries.dimensions import district_ids, indicator_ids, institution_ids
from dbmis.warehouse.queries.observations import insert_observations
from dbmis.warehouse.queries.rollup import kpi_values
from dbmis.warehouse.queries.submissions import NewSubmission, insert_submission
from dbmis.warehouse.schema import submission
from tests.conftest import BACKENDS, DatabaseFactory
from tests.warehouse.conftest import (  # noqa: F401
    CATALOG_MINI,
    make_submission,
    mini_catalog,
    synced_db,
)

TODAY = date(2026, 11, 1)
COMPUTED = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
Q3 = (202607, 202608, 202609)

# district -> (cases decided a month, convictions a month, months reported)
PROSECUTION = {
    "ALPHA": (10.0, 3.0, Q3),  # 30%
    "BETA": (20.0, 4.0, Q3),  # 20%
    "GAMMA": (10.0, 1.0, Q3[:2]),  # 10%, September missing: 2 of 3 months
}


def _rows(sub: Any, ind: dict[str, int], values: dict[str, float], months: tuple[int, ...]) -> list:
    return [
        {
            "submission_id": sub.id,
            "indicator_id": ind[code],
            "district_id": sub.district_id,
            "institution_id": sub.institution_id,
            "month": month,
            "value": value,
            "cell": None,
        }
        for month in months
        for code, value in values.items()
    ]


def _upload(
    db: Database, district: str, institution: str, sha: str, values: dict, months: tuple
) -> int:
    with db.write() as conn:
        new = NewSubmission(
            district_id=district_ids(conn)[district],
            institution_id=institution_ids(conn)[institution],
            year=2026,
            sha256=sha * 64,
            source_kind="xlsx",
            filename=f"{district}-{institution}-2026.xlsx",
            size_bytes=1234,
        )
        sub = insert_submission(conn, new)
        insert_observations(conn, _rows(sub, indicator_ids(conn), values, months))
    return sub.id


def _uploaded_on(db: Database, submission_id: int, day: date) -> None:
    with db.write() as conn:
        conn.execute(
            update(submission)
            .where(submission.c.id == submission_id)
            .values(uploaded_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
        )


def _fill(db: Database, catalog: Catalog) -> None:
    """Prosecution returns of three districts (approved), prisons of Alpha (approved) and of
    Gamma (waiting for review), KPI values recomputed, stocktakes 2026Q2 and 2026Q3."""
    sync_catalog(db, catalog)
    approved = []
    for i, (district, (decided, convicted, months)) in enumerate(PROSECUTION.items()):
        values = {"PRO_CASES_DECIDED": decided, "PRO_CONVICTIONS": convicted}
        approved.append(_upload(db, district, "PROSECUTION", "abc"[i], values, months))
    prisons = {"PRS_PRISONERS_TOTAL": 100.0, "PRS_UNDERTRIAL": 70.0, "PRS_CAPACITY": 80.0}
    approved.append(_upload(db, "ALPHA", "PRISONS", "d", prisons, Q3))
    pending = _upload(db, "GAMMA", "PRISONS", "e", prisons, Q3)
    # Alpha's prosecution file came on 10 October: July and August late, September on time
    _uploaded_on(db, approved[0], date(2026, 10, 10))
    for sub_id in (*approved[1:], pending):
        _uploaded_on(db, sub_id, date(2026, 8, 10))  # July on time; Aug/Sep "arrived" early
    workflow.approve(db, approved, reviewer="ana", reviewer_id=None)
    recompute(db, catalog, now=COMPUTED)

    stocktake.create(db, "2026Q2", None, "ana", meeting_date=date(2026, 7, 20))
    stocktake.judge(db, "2026Q2", "CONVICTION_RATE", "amber_red", "Vacancies.", None, "ana")
    stocktake.add_action(
        db, "2026Q2", "Fill posts", "Prosecutor General", due_date=date(2026, 9, 30),
        kpi="CONVICTION_RATE", created_by="ana",
    )  # fmt: skip
    stocktake.create(db, "2026Q3", "Stocktake Q3 2026", "ana", meeting_date=date(2026, 11, 5))
    stocktake.judge(
        db, "2026Q3", "CONVICTION_RATE", "amber_green", "=Better: posts filled.",
        {"planning": "strong", "progress": "weak"}, "ana",
    )  # fmt: skip
    stocktake.add_problem(
        db, "2026Q3", "Few review boards.", kpi="UNDERTRIAL_SHARE", raised_by="ana"
    )
    stocktake.add_action(
        db, "2026Q3", "Hold review boards", "IG Prisons", due_date=date(2026, 10, 15),
        kpi="UNDERTRIAL_SHARE", created_by="ana",
    )  # fmt: skip
    stocktake.add_action(
        db, "2026Q3", "Train focal points", "Delivery Unit", due_date=date(2026, 12, 1),
        created_by="ana",
    )  # fmt: skip
    stocktake.add_decision(
        db, "2026Q3", "asked", "Approve 5 prosecutor posts.", kpi="CONVICTION_RATE",
        recorded_by="ana",
    )  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def warehouse(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    _db_templates: Any,
    mini_catalog: Catalog,
) -> Iterator[Database]:
    """The filled warehouse, once per module and backend: the tests below only read it."""
    factory = DatabaseFactory(request, tmp_path_factory.mktemp("pack"), _db_templates)
    try:
        db = factory(request.param)
        _fill(db, mini_catalog)
        yield db
    finally:
        factory.close()


@pytest.fixture
def pack(warehouse: Database, mini_catalog: Catalog) -> PackData:
    return build_pack_data(warehouse, mini_catalog, "2026Q3", today=TODAY)


def _section(pack: PackData, code: str) -> KpiSection:
    return next(k for k in pack.kpis if k.code == code)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and math.isclose(a, b, rel_tol=1e-12)


# --- pure rules ----------------------------------------------------------------------------------


def test_kpis_with_yearly_targets_are_judged_by_year(mini_catalog: Catalog) -> None:
    target = mini_catalog.province_target("CONVICTION_RATE")
    assert judged_period_type(target) is PeriodType.quarter
    yearly = target.model_copy(
        update={"target": target.target.model_copy(update={"period": "2027"})}
    )
    assert judged_period_type(yearly) is PeriodType.year
    fiscal = target.model_copy(
        update={"target": target.target.model_copy(update={"period": "FY2026-27"})}
    )
    assert judged_period_type(fiscal) is PeriodType.fiscal_year
    assert judged_period_type(None) is PeriodType.quarter


def test_a_return_is_due_days_after_its_month() -> None:
    assert deadline(202609, 15) == date(2026, 10, 15)
    assert deadline(202602, 15) == date(2026, 3, 15)


# --- figures -------------------------------------------------------------------------------------


def test_pack_figures_equal_the_warehouse(warehouse: Database, pack: PackData) -> None:
    with warehouse.read() as conn:
        stored = kpi_values(conn, geo_level="province")
    for section in pack.kpis:
        assert section.period is not None
        row = stored[
            (stored["kpi"] == section.code)
            & (stored["period_type"] == section.period_type)
            & (stored["period"] == section.period)
        ].iloc[0]
        assert _same(section.value, row["value"]), section.code
        assert _same(section.planned, row["planned"]), section.code
        assert section.status == (row["status"] or "no_data"), section.code
        assert section.completeness == pytest.approx(row["completeness"])
        assert section.flagged == bool(row["flagged"])
        # the monthly series is the stored monthly values
        months = stored[(stored["kpi"] == section.code) & (stored["period_type"] == "month")]
        by_month = dict(zip(months["period_end"], months["value"], strict=True))
        for point in section.series:
            assert _same(point.actual, by_month[point.period_end]), (section.code, point.period)


def test_conviction_rate_is_a_ratio_of_sums(pack: PackData) -> None:
    k = _section(pack, "CONVICTION_RATE")
    assert k.period == "2026Q3" and k.period_type == "quarter"
    assert k.value == pytest.approx((9 + 12 + 2) / (30 + 60 + 20) * 100)
    assert k.target_value == 20 and k.target_period == "2027-12"
    assert k.baseline_value == 7.5 and k.baseline_month == 202412
    assert [p.period_end for p in k.series] == list(Q3)
    assert k.series_type == "month"
    assert k.trajectory[0] == (202412, 7.5) and k.trajectory[-1] == (202712, 20.0)
    assert k.forecast is None  # three months are too few for a trend
    assert k.denominator_name == "criminal cases decided"


def test_league_ranks_districts_and_flags_incomplete_ones(pack: PackData) -> None:
    league = _section(pack, "CONVICTION_RATE").league
    assert league is not None and league.period == "2026Q3"
    assert league.shows_all
    assert [(r.rank, r.district) for r in league.best] == [(1, "ALPHA"), (2, "BETA"), (3, "GAMMA")]
    assert [r.value for r in league.best] == pytest.approx([30.0, 20.0, 10.0])
    gamma = league.best[2]
    assert gamma.completeness == pytest.approx(2 / 3) and gamma.flagged
    assert not league.best[0].flagged
    assert league.unranked == ("Delta",)
    assert league.flagged_count >= 1
    assert league.best[0].division_name == "North"


def test_lower_is_better_ranks_lowest_first(pack: PackData) -> None:
    k = _section(pack, "UNDERTRIAL_SHARE")
    assert k.value == pytest.approx(70.0)  # Gamma's prisons are not approved yet
    assert k.league is not None and [r.district for r in k.league.best] == ["ALPHA"]


def test_judgements_actions_and_decisions(pack: PackData) -> None:
    k = _section(pack, "CONVICTION_RATE")
    assert k.judgement is not None
    assert k.judgement.likelihood == "amber_green"
    assert k.judgement.rationale == "=Better: posts filled."
    assert k.judgement.previous == "amber_red" and k.judgement.previous_quarter == "2026Q2"
    assert k.judgement.change == "improved"
    ratings = {c.name: c.rating for c in k.judgement.criteria}
    assert ratings["Quality of planning and implementation"] == "strong"
    assert ratings["Progress against trajectory"] == "weak"
    assert ratings["Capacity to drive progress"] is None
    # the Q2 action is still open and overdue: carried into Q3
    carried = [a for a in k.actions if a.carried_from == "2026Q2"]
    assert len(carried) == 1 and carried[0].overdue
    assert [d.text for d in k.decisions_asked] == ["Approve 5 prosecutor posts."]

    u = _section(pack, "UNDERTRIAL_SHARE")
    assert u.judgement is None
    assert u.problems == ("Few review boards.",)
    assert [(a.description, a.overdue) for a in u.actions] == [("Hold review boards", True)]
    assert [(a.description, a.overdue) for a in pack.actions] == [("Train focal points", False)]
    assert pack.stocktake_status == "draft"
    assert pack.meeting_date == date(2026, 11, 5)
    assert pack.previous_quarter == "2026Q2"


def test_cover_facts(pack: PackData) -> None:
    assert pack.title == "Testland Rule of Law Roadmap"
    assert pack.province == "Testland"
    assert pack.quarter_label == "July–September 2026"
    assert pack.data_through == 202609
    assert pack.release_number is None
    assert not pack.is_demo
    assert pack.computed_at == COMPUTED


def test_data_quality_counts_returns_by_institution(pack: PackData) -> None:
    dq = pack.data_quality
    assert dq is not None and dq.months == Q3 and dq.not_due_months == ()
    by = {r.institution: r for r in dq.institutions}
    pro = by["PROSECUTION"]
    assert pro.expected == 12  # 4 districts x 3 months
    assert (pro.on_time, pro.late, pro.pending, pro.missing) == (6, 2, 0, 4)
    assert pro.late_districts == (("Alpha", 2),)
    assert pro.missing_districts == (("Delta", 3), ("Gamma", 1))
    assert pro.rate == pytest.approx(8 / 12)
    prs = by["PRISONS"]
    assert (prs.on_time, prs.late, prs.pending, prs.missing) == (3, 0, 3, 6)
    assert prs.pending_districts == (("Gamma", 3),)


def test_months_not_yet_due_are_left_out(warehouse: Database, mini_catalog: Catalog) -> None:
    early = build_pack_data(warehouse, mini_catalog, "2026Q3", today=date(2026, 9, 20))
    assert early.data_quality is not None
    assert early.data_quality.months == (202607, 202608)
    assert early.data_quality.not_due_months == (202609,)


def test_a_quarter_without_stocktake_or_data(warehouse: Database, mini_catalog: Catalog) -> None:
    pack = build_pack_data(warehouse, mini_catalog, "2026Q4", today=TODAY)
    assert pack.stocktake_status is None
    k = _section(pack, "CONVICTION_RATE")
    assert k.judgement is None
    # no value for 2026Q4 yet: the latest quarter with one is shown, with its own label
    assert k.period == "2026Q3" and k.value is not None
    html = render_html(pack)
    assert "No stocktake has been recorded" in html
    assert render_xlsx(pack)[:2] == b"PK"


def test_an_empty_warehouse_gives_a_pack_without_figures(
    synced_db: Database, mini_catalog: Catalog
) -> None:
    pack = build_pack_data(synced_db, mini_catalog, "2026Q3", today=TODAY)
    assert pack.data_through is None and pack.computed_at is None
    assert [k.status for k in pack.kpis] == ["no_data", "no_data"]
    assert all(k.value is None and k.series == () and k.league is None for k in pack.kpis)
    assert pack.data_quality is not None
    assert all(r.missing == r.expected == 12 for r in pack.data_quality.institutions)
    assert "No approved data yet" in render_html(pack)
    assert render_xlsx(pack)[:2] == b"PK"


def test_demo_data_is_labelled(
    synced_db: Database, mini_catalog: Catalog, make_submission: Any
) -> None:
    with synced_db.write() as conn:
        make_submission(
            conn, district="DELTA", institution="PRISONS", sha256="f" * 64, is_demo=True
        )
    pack = build_pack_data(synced_db, mini_catalog, "2026Q3", today=TODAY)
    assert pack.is_demo
    assert "DEMO DATA — synthetic" in render_html(pack)


def test_built_pack_renders(pack: PackData) -> None:
    html = render_html(pack)
    for k in pack.kpis:
        assert k.name in html
    assert "=Better: posts filled." in html
    assert "agreed at 2026Q2" in html  # the carried action


def test_cli_writes_the_pack(warehouse: Database, tmp_path: Path) -> None:
    url = warehouse.url.render_as_string(hide_password=False)
    base = ["--database-url", url, "--catalog", str(CATALOG_MINI), "stocktake", "pack"]
    out = tmp_path / "packs" / "q3.html"
    result = CliRunner().invoke(
        app, [*base, "--quarter", "2026Q3", "--out", str(out), "--today", "2026-11-01"]
    )
    assert result.exit_code == 0, result.output
    assert "2 KPIs, 1 judged" in result.output
    assert "Testland Rule of Law Roadmap" in out.read_text(encoding="utf-8")
    xlsx = tmp_path / "q3.bin"
    result = CliRunner().invoke(
        app, [*base, "--quarter", "2026Q3", "--out", str(xlsx), "--format", "xlsx"]
    )
    assert result.exit_code == 0, result.output
    assert xlsx.read_bytes()[:2] == b"PK"
    result = CliRunner().invoke(
        app, [*base, "--quarter", "2026Q3", "--out", str(tmp_path / "x.doc")]
    )
    assert result.exit_code == 2 and "--format" in result.output
    result = CliRunner().invoke(app, [*base, "--quarter", "2026Q7", "--out", str(out)])
    assert result.exit_code == 2 and "not a quarter" in result.output
