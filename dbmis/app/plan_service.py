"""The action plan pages' work as plain functions: what their callbacks and layouts call.

- :func:`submit_report` (the progress page's callback): reads what the browser sent (a plain
  mapping of form fields, untrusted), decodes the optional evidence file (bounded by
  ``settings.max_upload_bytes`` before and after decoding) and calls
  :func:`dbmis.ingest.progress.report_progress` as the signed-in account (never anyone named in
  the request). A focal point reporting on an activity their institution does not lead is
  refused there (audited, nothing recorded).
- :func:`my_reports`, :func:`quarter_choices`: what the progress page shows.

The tracker's work is in :mod:`dbmis.app.plan_tracker_service`.

Business rules stay in :mod:`dbmis.ingest.progress` and :mod:`dbmis.kpis.plan`; this module
only parses, composes and catches.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from dbmis.app.auth import ANALYST, UPLOADERS, Account
from dbmis.app.context import AppState
from dbmis.app.portal_service import UploadInputError, decode_contents, safe_filename
from dbmis.catalog.plan import Activity
from dbmis.errors import DbmisError, PermissionDeniedError
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.progress import (
    EvidenceUpload,
    ProgressIssue,
    ProgressResult,
    may_report,
    report_progress,
    reportable_activities,
)
from dbmis.ingest.progress.checks import QUARTERS_AFTER_END
from dbmis.ingest.safety import Limits
from dbmis.kpis.plan_data import plan_reports
from dbmis.periods import PeriodType, add_months, period_of
from dbmis.settings import Mode
from dbmis.warehouse.queries.plan import PlanReport

log = logging.getLogger(__name__)

TEXT_MAX = 20_000
"""Longest text taken from the browser (a longer narrative still gets the checks' message)."""
MILESTONES_MAX = 200
QUARTERS_SHOWN = 8
REPORTS_SHOWN = 40
_SPEND = re.compile(r"-?[0-9]{1,15}")


# --- the form ------------------------------------------------------------------------------------


def _quarter(day_or_month: int) -> str:
    return period_of(day_or_month, PeriodType.quarter).label


def quarter_choices(activity: Activity, today: date, limit: int = QUARTERS_SHOWN) -> list[str]:
    """The quarters a report on ``activity`` may be for as of ``today``, newest first: begun,
    not ending before the activity starts, at most :data:`QUARTERS_AFTER_END` after the quarter
    of its planned end (the checks of :mod:`dbmis.ingest.progress.checks` decide in the end)."""
    first = period_of(activity.start.year * 100 + activity.start.month, PeriodType.quarter)
    end = period_of(activity.end.year * 100 + activity.end.month, PeriodType.quarter)
    latest = add_months(end.first, 3 * QUARTERS_AFTER_END)
    month = min(today.year * 100 + today.month, latest)
    out: list[str] = []
    while month >= first.first and len(out) < limit:
        quarter = period_of(month, PeriodType.quarter)
        out.append(quarter.label)
        month = add_months(quarter.first, -3)
    return out


def default_quarter(choices: list[str], today: date) -> str | None:
    """The quarter just ended when it may be reported on (reports come after a quarter ends),
    else the newest one offered."""
    month = today.year * 100 + today.month
    ended = _quarter(add_months(period_of(month, PeriodType.quarter).first, -1))
    if ended in choices:
        return ended
    return choices[0] if choices else None


@dataclass(frozen=True)
class ReportInput:
    """The form's fields as the browser sent them (text, trimmed and bounded)."""

    activity: str
    quarter: str
    status: str
    spend: str
    narrative: str
    milestones: dict[str, str] = field(default_factory=dict)


def _text(value: object, limit: int = TEXT_MAX) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int | float | str):
        return str(value).strip()[:limit]
    return ""


def parse_payload(data: object) -> ReportInput | None:
    """The fields of the progress form; None when ``data`` is not a mapping of them.
    Milestones left empty are not done (dropped here)."""
    if not isinstance(data, Mapping):
        return None
    raw = data.get("milestones")
    milestones: dict[str, str] = {}
    if isinstance(raw, Mapping):
        for code, day in list(raw.items())[:MILESTONES_MAX]:
            text = _text(day, 40)
            if isinstance(code, str) and code.strip() and text:
                milestones[code.strip()[:40]] = text
    return ReportInput(
        activity=_text(data.get("activity"), 40).upper(),
        quarter=_text(data.get("quarter"), 20).upper(),
        status=_text(data.get("status"), 40),
        spend=_text(data.get("spend"), 40),
        narrative=_text(data.get("narrative")),
        milestones=milestones,
    )


def parse_spend(text: str) -> int | None:
    """Whole rupees as people type them (``1,200,000`` or ``1200000``); None if not that."""
    cleaned = re.sub(r"[\s,_]", "", text)
    return int(cleaned) if _SPEND.fullmatch(cleaned) else None


@dataclass(frozen=True)
class LocalProblem:
    """A problem found before the report could be checked (a message key of the plan area)."""

    field: str
    key: str


@dataclass(frozen=True)
class SubmitOutcome:
    """What the progress page shows after a report was sent."""

    report: ReportInput | None = None
    result: ProgressResult | None = None
    local: tuple[LocalProblem, ...] = ()
    message_key: str | None = None
    """a refusal or a failure instead of a check (``plan.error.*``)"""
    detail: str = ""
    filename: str = ""

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.ok and not self.local

    @property
    def issues(self) -> tuple[ProgressIssue, ...]:
        return self.result.issues if self.result is not None else ()


def _evidence(
    state: AppState, contents: object, filename: object
) -> tuple[list[EvidenceUpload], LocalProblem | None, str]:
    if contents in (None, ""):
        return [], None, ""
    name = safe_filename(filename or "evidence")
    try:
        data = decode_contents(contents, state.settings.max_upload_bytes)
    except UploadInputError as exc:
        key = "plan.error.evidence_too_large" if "too_large" in exc.key else "plan.error.evidence"
        return [], LocalProblem("evidence", key), name
    return [EvidenceUpload(data, name)], None, name


def submit_report(
    state: AppState,
    account: Account | None,
    data: object,
    contents: object = None,
    filename: object = None,
    *,
    today: date | None = None,
) -> SubmitOutcome:
    """Check and record the progress report sent by ``account`` (see the module's notes).
    Every problem is reported in one pass; with any error nothing is recorded."""
    if account is None or account.role not in UPLOADERS:
        return SubmitOutcome(message_key="plan.error.no_account")
    report = parse_payload(data)
    if report is None or not report.activity:
        return SubmitOutcome(message_key="plan.error.unreadable")
    local: list[LocalProblem] = []
    spend = parse_spend(report.spend)
    if spend is None:
        key = "plan.error.spend" if report.spend else "plan.error.spend_missing"
        local.append(LocalProblem("spend", key))
    evidence, problem, name = _evidence(state, contents, filename)
    if problem is not None:
        local.append(problem)
    settings = state.settings
    activity = state.catalog.activity_by_code.get(report.activity)
    # a refusal is always audited: never a dry run for an activity the account may not report on
    dry_run = bool(local) and (activity is None or may_report(account, activity))
    try:
        result = report_progress(
            state.db,
            state.catalog,
            account,
            report.activity,
            report.quarter,
            status=report.status,
            spend_pkr=spend if spend is not None else 0,
            milestones=report.milestones,
            narrative=report.narrative,
            evidence=evidence,
            evidence_store=EvidenceStore(settings.resolved_evidence_dir) if evidence else None,
            limits=Limits(max_file_bytes=settings.max_upload_bytes),
            today=today,
            is_demo=settings.mode is Mode.demo,
            dry_run=dry_run,  # a problem found here: check the rest, record nothing
        )
    except PermissionDeniedError as exc:
        return SubmitOutcome(report, message_key="plan.error.not_allowed", detail=exc.message)
    except (DbmisError, SQLAlchemyError, OSError) as exc:
        log.warning("progress report by %s could not be recorded: %s", account.username, exc)
        return SubmitOutcome(report, message_key="plan.error.unavailable")
    if local:
        result = ProgressResult(ok=False, report_id=None, issues=result.issues)
    return SubmitOutcome(report, result, tuple(local), filename=name)


def reportable(state: AppState, account: Account | None) -> list[Activity]:
    """The activities ``account`` may report on (none for anyone but uploaders)."""
    if account is None or account.role not in UPLOADERS:
        return []
    return reportable_activities(state.catalog, account)


def my_reports(
    state: AppState, account: Account | None, limit: int = REPORTS_SHOWN
) -> list[PlanReport]:
    """Report revisions on the activities ``account`` reports on, newest first: a focal
    point's institutions' activities; an analyst's, every one."""
    if account is None or account.role not in UPLOADERS:
        return []
    if account.role == ANALYST:
        return plan_reports(state.db, limit=limit)
    return plan_reports(state.db, leads=sorted(account.institutions), limit=limit)


__all__ = [
    "LocalProblem",
    "ReportInput",
    "SubmitOutcome",
    "default_quarter",
    "my_reports",
    "parse_payload",
    "parse_spend",
    "quarter_choices",
    "reportable",
    "submit_report",
]
