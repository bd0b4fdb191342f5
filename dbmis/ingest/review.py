"""What a reviewer reads about a submission: its validation summary and what changed.

Pure functions over what the warehouse already holds (no SQL, no I/O):

- :func:`summarise_report`: the errors, warnings and outliers of a stored validation report
  (``submission.report``: ``{"counts": {...}, "issues": [...]}``, as the loader writes it).
- :func:`report_issues`: its issues as :class:`~dbmis.ingest.result.Issue` objects, in cell order.
- :func:`diff_values`: the figures of a revision against the previous revision of the same
  district x institution x year, cell by cell (indicator x month): changed, added (reported now,
  not before) and removed (reported before, blank now). Unchanged figures are left out.
- :func:`outliers_to_follow`: the outliers flagged in current submissions, for follow-up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dbmis.ingest.read import cell_position
from dbmis.ingest.result import Issue, Severity
from dbmis.warehouse.queries.quality import CurrentReport

OUTLIER = "OUTLIER"
"""The issue code of a figure far from the district's own history (a warning)."""

TOLERANCE = 1e-9
"""Two figures closer than this (relative to their size) are the same figure."""


@dataclass(frozen=True)
class ReportSummary:
    """The counts a reviewer scans first. ``known`` is False when no report was stored."""

    errors: int = 0
    warnings: int = 0
    outliers: int = 0
    values: int | None = None
    not_reported: int | None = None
    known: bool = True


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _issues(report: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    raw = (report or {}).get("issues")
    return [i for i in raw if isinstance(i, Mapping)] if isinstance(raw, list) else []


def summarise_report(report: Mapping[str, Any] | None) -> ReportSummary:
    """The summary of a stored report. Counts come from ``report["counts"]`` (every issue of
    the file, even past the issues kept in the report); outliers are counted among the kept
    issues (code ``OUTLIER``). A missing report gives a summary with ``known=False``."""
    if not report:
        return ReportSummary(known=False)
    counts = report.get("counts")
    counts = counts if isinstance(counts, Mapping) else {}
    issues = _issues(report)
    errors = _count(counts.get("errors"))
    warnings = _count(counts.get("warnings"))
    return ReportSummary(
        errors=errors if errors is not None else sum(i.get("severity") == "error" for i in issues),
        warnings=warnings
        if warnings is not None
        else sum(i.get("severity") == "warning" for i in issues),
        outliers=sum(i.get("code") == OUTLIER for i in issues),
        values=_count(counts.get("values")),
        not_reported=_count(counts.get("not_reported")),
    )


def _issue(raw: Mapping[str, Any]) -> Issue:
    def text(name: str) -> str | None:
        value = raw.get(name)
        return None if value is None else str(value)

    severity = Severity.error if raw.get("severity") == "error" else Severity.warning
    return Issue(
        code=str(raw.get("code") or "UNKNOWN"),
        severity=severity,
        message=str(raw.get("message") or ""),
        sheet=text("sheet"),
        cell=text("cell"),
        indicator=text("indicator"),
        period=text("period"),
        value=text("value"),
    )


def report_issues(report: Mapping[str, Any] | None, *, code: str | None = None) -> list[Issue]:
    """The issues kept in a stored report (only those of ``code`` if given), errors first,
    then in cell order (sheet, row, column)."""
    issues = [_issue(i) for i in _issues(report) if code is None or i.get("code") == code]
    return sorted(
        issues, key=lambda i: (i.severity is not Severity.error, cell_position(i.cell), i.code)
    )


# --- what changed between two revisions ----------------------------------------------------------


class ChangeKind(StrEnum):
    changed = "changed"
    added = "added"  # reported in the new revision, blank (not reported) in the old one
    removed = "removed"  # reported in the old revision, blank in the new one


@dataclass(frozen=True)
class Change:
    """One cell (indicator x month) whose figure differs between two revisions."""

    indicator: str
    month: int  # YYYYMM
    kind: ChangeKind
    old: float | None
    new: float | None

    @property
    def difference(self) -> float | None:
        """new - old (None unless both are figures)."""
        if self.old is None or self.new is None:
            return None
        return self.new - self.old


Cell = tuple[str, int]
"""(indicator code, month YYYYMM)"""


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def diff_values(
    old: Mapping[Cell, float],
    new: Mapping[Cell, float],
    *,
    indicator_order: Iterable[str] = (),
) -> list[Change]:
    """Every cell whose figure differs between ``old`` and ``new`` (each maps (indicator,
    month) to the figure reported; a cell left blank is absent). Sorted by indicator (in
    ``indicator_order``, then by code for any other) and month. Equal figures are left out."""
    rank = {code: i for i, code in enumerate(indicator_order)}
    changes: list[Change] = []
    for cell in set(old) | set(new):
        before, after = old.get(cell), new.get(cell)
        if before is None and after is not None:
            kind = ChangeKind.added
        elif after is None and before is not None:
            kind = ChangeKind.removed
        elif before is not None and after is not None and not _same(before, after):
            kind = ChangeKind.changed
        else:
            continue
        changes.append(Change(cell[0], cell[1], kind, before, after))
    return sorted(changes, key=lambda c: (rank.get(c.indicator, len(rank)), c.indicator, c.month))


@dataclass(frozen=True)
class DiffCounts:
    changed: int
    added: int
    removed: int

    @property
    def total(self) -> int:
        return self.changed + self.added + self.removed


def diff_counts(changes: Iterable[Change]) -> DiffCounts:
    kinds = [c.kind for c in changes]
    return DiffCounts(
        changed=kinds.count(ChangeKind.changed),
        added=kinds.count(ChangeKind.added),
        removed=kinds.count(ChangeKind.removed),
    )


# --- outliers to follow up ---------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """An outlier flagged by validation in a current submission, for the DU to follow up."""

    submission_id: int
    district: str
    institution: str
    indicator: str | None
    period: str | None  # YYYY-MM
    value: str | None
    cell: str | None
    message: str


def outliers_to_follow(reports: Iterable[CurrentReport]) -> list[FollowUp]:
    """The OUTLIER issues kept in these submissions' reports, by district, institution,
    indicator and month."""
    rows = [
        FollowUp(r.id, r.district, r.institution, i.indicator, i.period, i.value, i.cell, i.message)
        for r in reports
        for i in report_issues(r.report, code=OUTLIER)
    ]
    return sorted(
        rows,
        key=lambda f: (f.district, f.institution, f.indicator or "", f.period or "", f.cell or ""),
    )
