"""The rules of a progress report (pure): one case per problem code, and carried-forward
milestones. Activities are those of the mini catalog's plan (see tests/kpis/test_plan_derived)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from dbmis.catalog import Catalog
from dbmis.ingest.progress import CODES, check_report
from dbmis.ingest.progress.checks import CheckedReport, parse_quarter, too_many_files
from dbmis.warehouse.queries.plan import PlanReport
from tests.warehouse.conftest import mini_catalog  # noqa: F401

TODAY = date(2025, 1, 15)
M = 1_000_000


def previous(**kw: Any) -> PlanReport:
    """An approved report of SCRUTINY for 2024Q3 (override any field)."""
    at = datetime(2024, 10, 20, tzinfo=UTC)
    values: dict[str, Any] = {
        "id": 1,
        "activity": "SCRUTINY",
        "lead": "PROSECUTION",
        "quarter": "2024Q3",
        "revision": 1,
        "progress": "on_schedule",
        "spend_pkr": 3 * M,
        "narrative": "",
        "state": "approved",
        "is_current": True,
        "reported_by": None,
        "reporter": "fp",
        "reported_at": at,
        "reviewed_by": None,
        "reviewer": "du",
        "reviewed_at": at,
        "review_reason": None,
        "approved_at": at,
        "warnings": None,
        "is_demo": False,
        "milestones": {"SOP": date(2024, 3, 25)},
    }
    values.update(kw)
    return PlanReport(**values)


@pytest.fixture
def check(mini_catalog: Catalog) -> Callable[..., CheckedReport]:  # noqa: F811
    def run(activity: str = "SCRUTINY", **kw: Any) -> CheckedReport:
        args: dict[str, Any] = {
            "quarter": "2024Q4",
            "status": "on_schedule",
            "spend_pkr": 3 * M,
            "milestones": {"SOP": "2024-03-25", "CELLS": date(2024, 12, 20)},
            "narrative": "Cells at work in two districts.",
            "previous": None,
            "today": TODAY,
        }
        args.update(kw)
        return check_report(mini_catalog.activity_by_code[activity], **args)

    return run


def codes(result: CheckedReport) -> dict[str, str]:
    return {i.code: i.severity for i in result.issues}


def test_a_good_report_has_no_issue(check: Callable[..., CheckedReport]) -> None:
    result = check()
    assert result.ok and result.issues == ()
    assert result.milestones == {"CELLS": date(2024, 12, 20), "SOP": date(2024, 3, 25)}
    assert result.quarter is not None and result.quarter.label == "2024Q4"


CASES: dict[str, dict[str, Any]] = {
    "PLAN_BAD_QUARTER": {"quarter": "2024-Q4"},
    "PLAN_QUARTER_NOT_STARTED": {"quarter": "2025Q2", "milestones": {}},
    "PLAN_QUARTER_OUTSIDE_SPAN": {"quarter": "2023Q4", "milestones": {}},
    "PLAN_BAD_STATUS": {"status": "fine"},
    "PLAN_UNKNOWN_MILESTONE": {
        "milestones": {"SOP": "2024-03-25", "CELLS": "2024-12-20", "X": "2024-11-01"}
    },
    "PLAN_BAD_DATE": {"milestones": {"SOP": "25/03/2024", "CELLS": "2024-12-20"}},
    "PLAN_MILESTONE_FUTURE": {
        "quarter": "2025Q1",
        "milestones": {"SOP": "2024-03-25", "CELLS": "2025-02-01"},
    },
    "PLAN_MILESTONE_AFTER_QUARTER": {
        "quarter": "2024Q3",
        "milestones": {"SOP": "2024-03-25", "CELLS": "2024-12-20"},
    },
    "PLAN_SPEND_NEGATIVE": {"spend_pkr": -1},
    "PLAN_SPEND_IMPLAUSIBLE": {"spend_pkr": 15 * M + 1},
    "PLAN_NARRATIVE_TOO_LONG": {"narrative": "x" * 2001},
    "PLAN_NARRATIVE_REQUIRED": {"status": "delayed", "narrative": "   "},
    "PLAN_COMPLETED_OPEN_MILESTONES": {"status": "completed"},
    "PLAN_SPEND_OVER_BUDGET": {"spend_pkr": 15 * M},
    "PLAN_SPEND_DECREASED": {"spend_pkr": 2 * M, "previous": previous()},
    "PLAN_MILESTONE_EARLY": {"milestones": {"SOP": "2023-12-20", "CELLS": "2024-12-20"}},
    "PLAN_OVERDUE_ON_SCHEDULE": {"milestones": {"SOP": "2024-03-25"}},
    "PLAN_NOT_STARTED_WITH_PROGRESS": {"status": "not_started", "milestones": {}, "spend_pkr": 5},
    "PLAN_REOPENED": {"previous": previous(progress="completed"), "status": "delayed"},
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_problem_has_its_code_and_severity(
    check: Callable[..., CheckedReport], code: str
) -> None:
    result = check(**CASES[code])
    found = codes(result)
    assert code in found, result.issues
    assert found[code] == CODES[code].severity
    assert result.ok == (CODES[code].severity == "warning" and "error" not in found.values())
    issue = next(i for i in result.issues if i.code == code)
    assert issue.message and issue.field and issue.as_dict()["code"] == code


def test_every_code_has_a_case_here_or_in_the_workflow_tests() -> None:
    elsewhere = {"PLAN_UNKNOWN_ACTIVITY", "PLAN_TOO_MANY_FILES"}  # see test_progress_workflow
    assert set(CASES) | elsewhere == set(CODES)


def test_all_problems_are_reported_in_one_pass(check: Callable[..., CheckedReport]) -> None:
    result = check(
        quarter="2024Q9",
        status="late",
        spend_pkr=-5,
        milestones={"NOPE": "2024-01-01", "SOP": "soon"},
        narrative="y" * 2500,
    )
    assert set(codes(result)) >= {
        "PLAN_BAD_QUARTER",
        "PLAN_BAD_STATUS",
        "PLAN_SPEND_NEGATIVE",
        "PLAN_UNKNOWN_MILESTONE",
        "PLAN_BAD_DATE",
        "PLAN_NARRATIVE_TOO_LONG",
    }


def test_milestones_are_carried_forward_and_a_new_date_replaces_the_old(
    check: Callable[..., CheckedReport],
) -> None:
    earlier = previous(milestones={"SOP": date(2024, 3, 25)})
    result = check(milestones={"CELLS": "2024-12-20"}, previous=earlier)
    assert result.ok and result.milestones == {
        "CELLS": date(2024, 12, 20),
        "SOP": date(2024, 3, 25),
    }
    fixed = check(milestones={"SOP": "2024-03-28", "CELLS": "2024-12-20"}, previous=earlier)
    assert fixed.milestones["SOP"] == date(2024, 3, 28)
    # completed needs every milestone, counting those carried forward
    done = check(
        quarter="2025Q4",
        status="completed",
        milestones={"ALL": "2025-12-01"},
        previous=previous(
            quarter="2025Q3", milestones={"SOP": date(2024, 3, 25), "CELLS": date(2024, 12, 1)}
        ),
        today=date(2026, 1, 10),
    )
    assert done.ok and "PLAN_COMPLETED_OPEN_MILESTONES" not in codes(done)


def test_a_late_activity_may_report_for_four_quarters_after_its_end(
    check: Callable[..., CheckedReport],
) -> None:
    late = {"status": "delayed", "narrative": "late", "milestones": {}, "today": date(2027, 3, 1)}
    assert "PLAN_QUARTER_OUTSIDE_SPAN" not in codes(check(quarter="2026Q4", **late))
    assert "PLAN_QUARTER_OUTSIDE_SPAN" in codes(check(quarter="2027Q1", **late))
    assert "PLAN_QUARTER_OUTSIDE_SPAN" not in codes(check(quarter="2024Q1", **late))


def test_quarters_and_file_counts() -> None:
    assert parse_quarter("2026Q3") is not None
    assert parse_quarter("2026-07") is None and parse_quarter("FY2025-26") is None
    assert too_many_files(5, 5) is None
    many = too_many_files(6, 5)
    assert many is not None and many.code == "PLAN_TOO_MANY_FILES" and many.severity == "error"


def test_the_doc_lists_every_code() -> None:
    from pathlib import Path

    from dbmis.ingest.progress.codes import as_markdown

    doc = (Path(__file__).parents[2] / "docs" / "action-plan.md").read_text(encoding="utf-8")
    assert as_markdown() in doc, "regenerate the tables of docs/action-plan.md from as_markdown()"
    for code in ("PLAN_NOT_LEAD", "PLAN_NOT_ALLOWED", "PLAN_NOT_REVIEWER", "PLAN_REVIEW_REFUSED"):
        assert f"| {code} |" in doc
