"""The stable codes of progress-report problems, documented for people.

A code never changes meaning once released; new codes may be added. ``CODES`` maps each code
to a :class:`ProgressCode`: whether it stops the report (``error``) or is shown and kept
(``warning``), and a plain explanation. Problems with evidence files carry the codes of
:data:`EVIDENCE_CODES` (PDF and images) or the upload safety codes (``FILE_...``, see
``docs/issue-codes.md``) for spreadsheets.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple


class ProgressCode(NamedTuple):
    severity: str
    """``error`` (nothing is recorded) or ``warning`` (shown, and kept with the report)"""
    explanation: str


def _e(text: str) -> ProgressCode:
    return ProgressCode("error", text)


def _w(text: str) -> ProgressCode:
    return ProgressCode("warning", text)


CODES: Mapping[str, ProgressCode] = MappingProxyType(
    {
        "PLAN_UNKNOWN_ACTIVITY": _e("The activity code is not in the action plan."),
        "PLAN_BAD_QUARTER": _e("The quarter is not written as a quarter, e.g. 2026Q3."),
        "PLAN_QUARTER_NOT_STARTED": _e("The quarter has not begun yet."),
        "PLAN_QUARTER_OUTSIDE_SPAN": _e(
            "The quarter ends before the activity starts, or begins more than four quarters "
            "after the activity's planned end (a late activity may keep reporting for a year)."
        ),
        "PLAN_BAD_STATUS": _e(
            "The status is not one of not_started, on_schedule, delayed, completed, dropped."
        ),
        "PLAN_UNKNOWN_MILESTONE": _e("The milestone is not one of this activity's milestones."),
        "PLAN_BAD_DATE": _e("A milestone's date is not a date (write it as 2026-08-15)."),
        "PLAN_MILESTONE_FUTURE": _e("A milestone is reported done on a date still to come."),
        "PLAN_MILESTONE_AFTER_QUARTER": _e(
            "A milestone is reported done after the end of the quarter the report is for."
        ),
        "PLAN_SPEND_NEGATIVE": _e("The spend to date is below zero."),
        "PLAN_SPEND_IMPLAUSIBLE": _e(
            "The spend to date is more than one and a half times the activity's whole budget: "
            "probably a typing slip (an extra zero?)."
        ),
        "PLAN_NARRATIVE_TOO_LONG": _e("The narrative is longer than 2,000 characters."),
        "PLAN_NARRATIVE_REQUIRED": _e(
            "A delayed or dropped activity needs a narrative saying why and what happens next."
        ),
        "PLAN_COMPLETED_OPEN_MILESTONES": _e(
            "The activity is reported completed while some of its milestones are not done."
        ),
        "PLAN_TOO_MANY_FILES": _e("More evidence files than a report accepts (at most 5)."),
        "PLAN_SPEND_OVER_BUDGET": _w("The spend to date is above the activity's whole budget."),
        "PLAN_SPEND_DECREASED": _w(
            "The spend to date is lower than in the last approved report of an earlier quarter "
            "(spend to date only grows, unless an earlier figure was wrong)."
        ),
        "PLAN_MILESTONE_EARLY": _w("A milestone is reported done before the activity's start."),
        "PLAN_OVERDUE_ON_SCHEDULE": _w(
            "The activity is reported on schedule although milestones due by the end of the "
            "quarter are not done."
        ),
        "PLAN_NOT_STARTED_WITH_PROGRESS": _w(
            "The activity is reported not started although it shows spend or milestones done."
        ),
        "PLAN_REOPENED": _w(
            "An earlier quarter's approved report said the activity was completed or dropped."
        ),
    }
)

EVIDENCE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "EVIDENCE_EMPTY": "The evidence file is empty.",
        "EVIDENCE_TOO_LARGE": "The evidence file is larger than the system accepts.",
        "EVIDENCE_TYPE": (
            "Evidence must be a PDF, a PNG or JPEG picture, an Excel workbook (.xlsx) or a CSV "
            "file; the file is none of these, whatever its name says."
        ),
        "EVIDENCE_PDF_DAMAGED": "The PDF file is damaged or incomplete.",
        "EVIDENCE_PDF_ENCRYPTED": "The PDF file is protected with a password or encrypted.",
        "EVIDENCE_PDF_ACTIVE": (
            "The PDF file contains scripts, automatic actions, attachments or forms that run "
            "code. Print it to a new PDF (Microsoft Print to PDF, Save as PDF) and attach that."
        ),
        "EVIDENCE_IMAGE_DAMAGED": "The picture is damaged or incomplete.",
        "EVIDENCE_IMAGE_TOO_LARGE": "The picture has too many pixels: resize it and attach again.",
    }
)


def as_markdown() -> str:
    """Markdown tables of every code, for docs/action-plan.md."""
    lines = ["| code | severity | meaning |", "|---|---|---|"]
    lines += [f"| {code} | {doc.severity} | {doc.explanation} |" for code, doc in CODES.items()]
    lines += ["", "| code | meaning |", "|---|---|"]
    lines += [f"| {code} | {text} |" for code, text in EVIDENCE_CODES.items()]
    return "\n".join(lines) + "\n"
