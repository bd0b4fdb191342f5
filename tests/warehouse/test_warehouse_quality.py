"""Data-quality queries: when monthly returns arrived and which count; current reports
(SQLite and PostgreSQL)."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

from datetime import date

from dbmis.catalog import Catalog
from dbmis.ingest import workflow
from dbmis.kpis.quality import CellState, Tally, year_grid
from dbmis.warehouse import Database
from dbmis.warehouse.queries.quality import current_reports, month_returns
from tests.warehouse.conftest import mini_catalog, synced_db  # noqa: F401
from tests.warehouse.test_warehouse_inbox import _at, _load

JAN, FEB, MAR = 202601, 202602, 202603


def test_month_returns_first_arrival_and_what_counts(synced_db: Database, mini_catalog: Catalog):
    db = synced_db
    # ALPHA prosecution: January on 1 May, then a revision with January and February on 3 May
    _load(db, "ALPHA", "PROSECUTION", 1, {("PRO_CONVICTIONS", JAN): 1.0})
    _load(db, "ALPHA", "PROSECUTION", 3, {("PRO_CONVICTIONS", JAN): 2.0,
                                          ("PRO_CASES_DECIDED", FEB): 5.0})  # fmt: skip
    # BETA prosecution: approved, then a re-upload that is returned: the approved one counts
    b1 = _load(db, "BETA", "PROSECUTION", 4, {("PRO_CONVICTIONS", JAN): 1.0})
    workflow.approve(db, [b1.id], reviewer="ana", reviewer_id=None)
    b2 = _load(db, "BETA", "PROSECUTION", 6, {("PRO_CONVICTIONS", JAN): 3.0,
                                              ("PRO_CONVICTIONS", MAR): 4.0})  # fmt: skip
    workflow.return_submission(db, b2.id, reason="no", reviewer="ana", reviewer_id=None)
    # GAMMA prisons: returned, nothing approved before: does not count
    g1 = _load(db, "GAMMA", "PRISONS", 5, {("PRS_CAPACITY", JAN): 100.0})
    workflow.return_submission(db, g1.id, reason="no", reviewer="ana", reviewer_id=None)
    _load(db, "ALPHA", "PRISONS", 7, {("PRS_CAPACITY", JAN): 1.0}, year=2025)  # another year

    with db.read() as conn:
        found = {(r.district, r.institution, r.month): r for r in month_returns(conn, 2026)}
        assert set(found) == {
            ("ALPHA", "PROSECUTION", JAN), ("ALPHA", "PROSECUTION", FEB),
            ("BETA", "PROSECUTION", JAN), ("BETA", "PROSECUTION", MAR),
            ("GAMMA", "PRISONS", JAN),
        }  # fmt: skip
        assert found[("ALPHA", "PROSECUTION", JAN)].first_at == _at(1)
        assert found[("ALPHA", "PROSECUTION", FEB)].first_at == _at(3)
        assert found[("ALPHA", "PROSECUTION", JAN)].received
        assert found[("BETA", "PROSECUTION", JAN)].received  # the effective approved revision
        assert found[("BETA", "PROSECUTION", JAN)].first_at == _at(4)
        assert not found[("BETA", "PROSECUTION", MAR)].received  # only in the returned one
        assert not found[("GAMMA", "PRISONS", JAN)].received
        only = month_returns(conn, 2026, institution_code="PRISONS")
        assert [(r.district, r.month) for r in only] == [("GAMMA", JAN)]

        # the deadline is the 15th of the next month: every 2026-01 arrival in May is late
        grid = year_grid(conn, mini_catalog, year=2026, institution="PROSECUTION",
                         as_of=date(2026, 5, 10))  # fmt: skip
        assert grid.districts == ("ALPHA", "BETA", "GAMMA", "DELTA")
        assert grid.states[("ALPHA", "PROSECUTION", JAN)] is CellState.late
        assert grid.states[("BETA", "PROSECUTION", MAR)] is CellState.missing
        assert grid.states[("ALPHA", "PROSECUTION", 202604)] is CellState.not_due
        assert grid.total == Tally(late=3, missing=9, not_due=36)


def test_current_reports_of_waiting_and_approved_revisions(synced_db: Database):
    db = synced_db
    report = {"counts": {}, "issues": [{"code": "OUTLIER", "severity": "warning"}]}
    a1 = _load(db, "ALPHA", "PROSECUTION", 1, report={"old": True})
    a2 = _load(db, "ALPHA", "PROSECUTION", 2, report=report)  # supersedes a1
    b1 = _load(db, "BETA", "PRISONS", 3)
    workflow.approve(db, [b1.id], reviewer="ana", reviewer_id=None)
    g1 = _load(db, "GAMMA", "PRISONS", 4)
    workflow.return_submission(db, g1.id, reason="no", reviewer="ana", reviewer_id=None)
    with db.read() as conn:
        rows = current_reports(conn, 2026)
        assert [(r.id, r.district, r.status) for r in rows] == [
            (a2.id, "ALPHA", "submitted"), (b1.id, "BETA", "approved")
        ]  # fmt: skip
        assert rows[0].report == report and a1.id not in {r.id for r in rows}
        assert [r.id for r in current_reports(conn, 2026, institution_code="PRISONS")] == [b1.id]
        assert current_reports(conn, 2025) == []
