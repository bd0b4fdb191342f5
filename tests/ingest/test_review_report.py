"""What a reviewer reads: the validation summary of a stored report, the diff between two
revisions and the outliers to follow up (pure functions, hand-computed cases)."""

from __future__ import annotations

import pytest

from dbmis.ingest.result import Severity
from dbmis.ingest.review import (
    Change,
    ChangeKind,
    ReportSummary,
    diff_counts,
    diff_values,
    outliers_to_follow,
    report_issues,
    summarise_report,
)
from dbmis.warehouse.queries.quality import CurrentReport


def _issue(code: str, severity: str, cell: str, **extra: str) -> dict[str, str]:
    return {
        "code": code,
        "severity": severity,
        "cell": cell,
        "message": f"{code} at {cell}",
        **extra,
    }


REPORT = {
    "counts": {"values": 70, "not_reported": 2, "errors": 0, "warnings": 4},
    "issues": [
        _issue("OUTLIER", "warning", "Data!F12", indicator="PRO_CONVICTIONS", period="2026-03",
               value="900"),
        _issue("RULE_WARNING", "warning", "Data!D9"),
        _issue("OUTLIER", "warning", "Data!D12", indicator="PRO_CONVICTIONS", period="2026-01",
               value="5"),
        _issue("VALUE_NOT_REPORTED", "warning", "Data!E10"),
    ],
}  # fmt: skip


def test_summary_counts_come_from_the_report():
    assert summarise_report(REPORT) == ReportSummary(
        errors=0, warnings=4, outliers=2, values=70, not_reported=2
    )


def test_summary_without_counts_counts_the_kept_issues():
    report = {"issues": [_issue("X", "error", "Data!A1"), _issue("OUTLIER", "warning", "Data!B2")]}
    summary = summarise_report(report)
    assert (summary.errors, summary.warnings, summary.outliers) == (1, 1, 1)
    assert summary.values is None and summary.known


@pytest.mark.parametrize("report", [None, {}])
def test_no_report_is_an_unknown_summary(report: dict | None):
    assert summarise_report(report).known is False


def test_issues_come_errors_first_then_in_cell_order():
    report = {
        "issues": [
            _issue("B", "warning", "Data!C10"),
            _issue("A", "warning", "Data!B10"),
            _issue("E", "error", "Data!Z99"),
            _issue("C", "warning", "Data!A11"),
        ]
    }
    issues = report_issues(report)
    assert [i.code for i in issues] == ["E", "A", "B", "C"]
    assert issues[0].severity is Severity.error
    assert [i.cell for i in report_issues(REPORT, code="OUTLIER")] == ["Data!D12", "Data!F12"]


def test_diff_lists_only_changed_added_and_removed_cells():
    old = {
        ("PRO_CASES_DECIDED", 202601): 100.0,
        ("PRO_CASES_DECIDED", 202602): 120.0,
        ("PRO_CONVICTIONS", 202601): 10.0,
        ("PRO_CONVICTIONS", 202602): 12.0,
    }
    new = {
        ("PRO_CASES_DECIDED", 202601): 100.0,  # unchanged: left out
        ("PRO_CASES_DECIDED", 202602): 102.0,  # changed: -18
        ("PRO_CONVICTIONS", 202601): 10.0 + 1e-12,  # the same figure
        ("PRO_CONVICTIONS", 202603): 0.0,  # added (0 is a reported zero)
        # PRO_CONVICTIONS 2026-02 removed (blank now)
    }
    changes = diff_values(old, new, indicator_order=["PRO_CONVICTIONS", "PRO_CASES_DECIDED"])
    assert changes == [
        Change("PRO_CONVICTIONS", 202602, ChangeKind.removed, 12.0, None),
        Change("PRO_CONVICTIONS", 202603, ChangeKind.added, None, 0.0),
        Change("PRO_CASES_DECIDED", 202602, ChangeKind.changed, 120.0, 102.0),
    ]
    assert changes[2].difference == -18.0
    assert changes[0].difference is None and changes[1].difference is None
    counts = diff_counts(changes)
    assert (counts.changed, counts.added, counts.removed, counts.total) == (1, 1, 1, 3)


def test_diff_of_identical_or_empty_revisions_is_empty():
    figures = {("X", 202601): 5.0}
    assert diff_values(figures, dict(figures)) == []
    assert diff_values({}, {}) == []
    assert [c.kind for c in diff_values({}, figures)] == [ChangeKind.added]


def test_outliers_to_follow_across_submissions():
    reports = [
        CurrentReport(7, "BETA", "PROSECUTION", 2026, 2, "submitted", REPORT),
        CurrentReport(3, "ALPHA", "PRISONS", 2026, 1, "approved", {"issues": [
            _issue("OUTLIER", "warning", "Data!G9", indicator="PRS_UNDERTRIAL",
                   period="2026-04", value="4000"),
        ]}),
        CurrentReport(9, "GAMMA", "PRISONS", 2026, 1, "approved", None),
    ]  # fmt: skip
    rows = outliers_to_follow(reports)
    assert [(r.submission_id, r.district, r.indicator, r.period, r.value) for r in rows] == [
        (3, "ALPHA", "PRS_UNDERTRIAL", "2026-04", "4000"),
        (7, "BETA", "PRO_CONVICTIONS", "2026-01", "5"),
        (7, "BETA", "PRO_CONVICTIONS", "2026-03", "900"),
    ]
    assert rows[0].cell == "Data!G9" and rows[0].message == "OUTLIER at Data!G9"
