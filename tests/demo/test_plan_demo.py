"""The demo's action plan story: most activities on schedule, some delayed, one dropped, one
completed; reports approved before each release so the releases publish them; one report
waiting for review and one returned."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

from collections import Counter
from datetime import date

from dbmis.catalog import Catalog, load_catalog
from dbmis.demo.plan import RETURN_REASON, choose_fates
from dbmis.demo.routine import run_demo_routine
from dbmis.kpis.plan_data import plan_reports, published_plan
from dbmis.warehouse import Database
from dbmis.warehouse.queries.releases import list_releases
from tests.warehouse.conftest import mini_catalog, synced_db  # noqa: F401

QUARTERS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]


def test_fates_for_the_balochistan_plan(catalog: Catalog) -> None:
    fates = choose_fates(catalog, QUARTERS)
    counts = Counter(fates.values())
    assert counts["dropped"] == 1 and counts["completed"] == 1
    assert 3 <= counts["delayed"] <= len(fates) // 3
    assert counts["on_schedule"] > len(fates) / 2
    assert fates == choose_fates(load_catalog(), QUARTERS)  # deterministic
    completed = next(c for c, f in fates.items() if f == "completed")
    last = max(m.due for m in catalog.activity_by_code[completed].milestones)
    assert last <= date(2026, 9, 30)


def test_the_routine_reports_approves_and_publishes_the_plan(
    synced_db: Database, mini_catalog: Catalog
) -> None:
    report = run_demo_routine(synced_db, mini_catalog, today=date(2025, 3, 10), quarters=4)
    story = report.plan
    assert story is not None and story.notes == []
    assert story.fates == {
        "SCRUTINY": "delayed",
        "LEGAL_AID_PANEL": "on_schedule",
        "VIDEO_LINKS": "on_schedule",
    }
    # SCRUTINY reports on 2024Q1-Q4, LEGAL_AID_PANEL on 2024Q3-Q4 (it starts in July), all
    # approved; then one corrected report waits and one is returned
    assert (story.reports, story.approved, story.waiting, story.returned) == (8, 6, 1, 1)
    with synced_db.read() as conn:
        numbers = [r.number for r in list_releases(conn)][::-1]
    assert len(numbers) == 4
    first = published_plan(synced_db, release_number=numbers[0])
    assert first is not None
    assert {a.code: a.status for a in first.activities} == {
        "SCRUTINY": "on_schedule",  # delayed from the second quarter on
        "LEGAL_AID_PANEL": "not_started",
        "VIDEO_LINKS": "not_started",
    }
    last = published_plan(synced_db)
    assert last is not None and last.release_number == numbers[-1]
    by_code = {a.code: a for a in last.activities}
    assert (by_code["SCRUTINY"].status, by_code["SCRUTINY"].quarter) == ("delayed", "2024Q4")
    # CELLS (due 31 Dec 2024) slipped: not done, but not overdue on the release's last day
    assert "CELLS" not in by_code["SCRUTINY"].milestones_done
    assert by_code["SCRUTINY"].overdue == () and last.as_of == date(2024, 12, 31)
    assert (by_code["LEGAL_AID_PANEL"].status, by_code["LEGAL_AID_PANEL"].quarter) == (
        "on_schedule",
        "2024Q4",
    )
    assert set(by_code["LEGAL_AID_PANEL"].milestones_done) == {"PANEL"}
    assert 0 < (by_code["LEGAL_AID_PANEL"].budget_use or 0) < 1
    states = Counter(r.state for r in plan_reports(synced_db))
    assert states == {"approved": 4, "superseded": 2, "submitted": 1, "returned": 1}
    returned = plan_reports(synced_db, states=["returned"])[0]
    assert returned.review_reason == RETURN_REASON and returned.is_demo
