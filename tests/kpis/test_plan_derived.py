"""Derived figures of the action plan, on hand-computed cases over the mini catalog's plan.

The mini plan (tests/fixtures/catalog_mini/action_plan.yaml):

- SCRUTINY (PROSECUTION; CONVICTION_RATE), 2024-01-01..2025-12-31, milestones SOP 2024-03-31,
  CELLS 2024-12-31, ALL 2025-12-31; budget 1m FY2023-24, 4m FY2024-25, 5m FY2025-26.
- LEGAL_AID_PANEL (PRISONS; UNDERTRIAL_SHARE), 2024-07-01..2025-06-30, milestones PANEL
  2024-09-30, HUNDRED 2025-06-30; budget 2m FY2024-25.
- VIDEO_LINKS (PRISONS; UNDERTRIAL_SHARE and CONVICTION_RATE), 2025-01-01..2026-06-30,
  milestones ROOMS 2025-06-30, RULES 2026-03-31; budget 0.5m FY2024-25, 1.5m FY2025-26.
"""

from __future__ import annotations

from datetime import date

import pytest

from dbmis.catalog import Catalog
from dbmis.kpis.plan import (
    STATUSES,
    ReportFacts,
    activity_status,
    allocated_to_date,
    budget_use,
    milestone_markers,
    overdue_milestones,
    plan_statuses,
    rollup,
    rollup_by_institution,
    rollup_by_kpi,
)
from tests.warehouse.conftest import mini_catalog  # noqa: F401

M = 1_000_000
AS_OF = date(2025, 1, 15)
LATEST = {
    "SCRUTINY": ReportFacts("2024Q4", "on_schedule", 3 * M, {"SOP": date(2024, 3, 20)}, 11),
    "LEGAL_AID_PANEL": ReportFacts("2024Q4", "delayed", M // 2, {}, 12),
}


@pytest.fixture
def catalog(mini_catalog: Catalog) -> Catalog:  # noqa: F811
    return mini_catalog


def test_allocated_to_date_counts_whole_fiscal_years_once_begun(catalog: Catalog) -> None:
    scrutiny = catalog.activity_by_code["SCRUTINY"]
    assert allocated_to_date(scrutiny, date(2023, 6, 30)) == 0
    assert allocated_to_date(scrutiny, date(2023, 7, 1)) == 1 * M
    assert allocated_to_date(scrutiny, AS_OF) == 5 * M
    assert allocated_to_date(scrutiny, date(2025, 7, 1)) == 10 * M
    # a fiscal year starting in January: FY2024-25 is calendar 2024
    assert allocated_to_date(scrutiny, date(2024, 1, 1), fiscal_start_month=1) == 5 * M


def test_overdue_milestones_are_due_before_the_date_and_not_done(catalog: Catalog) -> None:
    scrutiny = catalog.activity_by_code["SCRUTINY"]
    done = {"SOP": date(2024, 3, 20)}
    assert overdue_milestones(scrutiny, done, date(2024, 12, 31)) == []  # due that day: not yet
    assert [m.code for m in overdue_milestones(scrutiny, done, date(2025, 1, 1))] == ["CELLS"]
    assert [m.code for m in overdue_milestones(scrutiny, {}, date(2026, 1, 1))] == [
        "SOP",
        "CELLS",
        "ALL",
    ]
    assert overdue_milestones(scrutiny, {}, date(2026, 1, 1), status="dropped") == []


def test_budget_use() -> None:
    assert budget_use(3 * M, 5 * M) == pytest.approx(0.6)
    assert budget_use(0, 0) is None
    assert budget_use(7 * M, 5 * M) == pytest.approx(1.4)


def test_activity_status_from_the_latest_approved_report(catalog: Catalog) -> None:
    by_code = {s.code: s for s in plan_statuses(catalog, LATEST, AS_OF)}
    s = by_code["SCRUTINY"]
    assert (s.status, s.quarter, s.report_id, s.spend_pkr) == ("on_schedule", "2024Q4", 11, 3 * M)
    assert (s.allocated_pkr, s.budget_pkr, s.milestones_total) == (5 * M, 10 * M, 3)
    assert s.overdue == ("CELLS",) and s.milestones_done == {"SOP": date(2024, 3, 20)}
    assert s.budget_use == pytest.approx(0.6) and s.reported
    legal = by_code["LEGAL_AID_PANEL"]
    assert (legal.status, legal.overdue, legal.allocated_pkr) == ("delayed", ("PANEL",), 2 * M)
    assert legal.budget_use == pytest.approx(0.25)
    video = by_code["VIDEO_LINKS"]
    assert (video.status, video.reported, video.spend_pkr, video.spent) == (
        "not_reported",
        False,
        None,
        0,
    )
    assert video.overdue == () and video.allocated_pkr == M // 2 and video.budget_use == 0


def test_not_started_before_the_start_and_no_overdue_when_dropped(catalog: Catalog) -> None:
    video = catalog.activity_by_code["VIDEO_LINKS"]
    assert activity_status(video, None, date(2024, 12, 31)).status == "not_started"
    assert activity_status(video, None, date(2025, 1, 1)).status == "not_reported"
    dropped = ReportFacts("2025Q2", "dropped", 100_000, {})
    s = activity_status(video, dropped, date(2026, 12, 31))
    assert s.status == "dropped" and s.overdue == ()
    done = ReportFacts(
        "2026Q1", "completed", 2 * M, {"ROOMS": date(2025, 6, 1), "RULES": date(2026, 3, 1)}
    )
    s = activity_status(video, done, date(2026, 12, 31))
    assert s.status == "completed" and s.overdue == () and s.budget_use == pytest.approx(1.0)


def test_rollup_by_kpi(catalog: Catalog) -> None:
    statuses = plan_statuses(catalog, LATEST, AS_OF)
    by_kpi = rollup_by_kpi(statuses, [k.code for k in catalog.kpis])
    conv = by_kpi["CONVICTION_RATE"]
    assert conv.activities == ("SCRUTINY", "VIDEO_LINKS") and conv.total == 2
    assert dict(conv.counts) == {**dict.fromkeys(STATUSES, 0), "on_schedule": 1, "not_reported": 1}
    assert (conv.overdue_milestones, conv.activities_overdue) == (1, 1)
    assert (conv.spent_pkr, conv.allocated_pkr, conv.budget_pkr) == (3 * M, 5_500_000, 12 * M)
    assert conv.budget_use == pytest.approx(3 / 5.5)
    under = by_kpi["UNDERTRIAL_SHARE"]
    assert under.activities == ("LEGAL_AID_PANEL", "VIDEO_LINKS")
    assert (under.counts["delayed"], under.counts["not_reported"]) == (1, 1)
    assert (under.spent_pkr, under.allocated_pkr, under.budget_pkr) == (M // 2, 2_500_000, 4 * M)
    assert under.budget_use == pytest.approx(0.2)


def test_rollup_by_institution_counts_what_it_leads(catalog: Catalog) -> None:
    statuses = plan_statuses(catalog, LATEST, AS_OF)
    by_inst = rollup_by_institution(statuses)
    assert list(by_inst) == ["PROSECUTION", "PRISONS"]
    assert by_inst["PROSECUTION"].activities == ("SCRUTINY",)
    assert by_inst["PROSECUTION"].budget_use == pytest.approx(0.6)
    prisons = by_inst["PRISONS"]
    assert prisons.activities == ("LEGAL_AID_PANEL", "VIDEO_LINKS")
    assert prisons.overdue_milestones == 1 and prisons.budget_use == pytest.approx(0.2)
    assert rollup_by_institution(statuses, ["PRISONS", "COURTS"])["COURTS"].total == 0


def test_an_empty_rollup() -> None:
    empty = rollup("NONE", [])
    assert empty.total == 0 and empty.budget_use is None and set(empty.counts.values()) == {0}


def test_milestone_markers_for_a_kpi_chart(catalog: Catalog) -> None:
    statuses = plan_statuses(catalog, LATEST, AS_OF)
    markers = milestone_markers(catalog, statuses, "CONVICTION_RATE")
    assert [(m.activity, m.code, m.done_on, m.overdue) for m in markers] == [
        ("SCRUTINY", "SOP", date(2024, 3, 20), False),
        ("SCRUTINY", "CELLS", None, True),
        ("VIDEO_LINKS", "ROOMS", None, False),
        ("SCRUTINY", "ALL", None, False),
        ("VIDEO_LINKS", "RULES", None, False),
    ]
    assert markers[1].title.en == "Cells in two districts" and markers[1].due == date(2024, 12, 31)
    assert milestone_markers(catalog, statuses, "NO_KPI") == []
