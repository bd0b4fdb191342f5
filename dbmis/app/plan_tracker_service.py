"""The action plan tracker's work as plain functions: what its layout and callback call.

- :func:`tracker_data`: the plan's approved status as of a date, its roll-ups by KPI and by
  institution, which activities the latest release does not show yet, and (for reviewers) the
  reports waiting for review;
- :func:`review_report` (the callback): approve or return, as the signed-in analyst.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from dbmis.app.auth import REVIEWERS, Account
from dbmis.app.context import AppState
from dbmis.errors import DbmisError
from dbmis.ingest.progress import approve_reports, pending_reports, return_report
from dbmis.kpis.plan import ActivityStatus, PlanRollup, rollup_by_institution, rollup_by_kpi
from dbmis.kpis.plan_data import PublishedPlan, plan_status, published_plan
from dbmis.warehouse.queries.plan import PlanReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrackerData:
    """Everything the tracker shows, from the approved reports as of a date."""

    as_of: date
    statuses: tuple[ActivityStatus, ...]
    published: PublishedPlan | None
    by_kpi: Mapping[str, PlanRollup]
    by_institution: Mapping[str, PlanRollup]
    unpublished: frozenset[str]
    """activities whose approved status is newer than what the latest release published"""
    pending: tuple[PlanReport, ...] = ()

    def status(self, code: str) -> ActivityStatus | None:
        return next((s for s in self.statuses if s.code == code), None)


def unpublished_codes(
    statuses: tuple[ActivityStatus, ...], published: PublishedPlan | None
) -> frozenset[str]:
    """Activities with an approved report the latest release does not hold."""
    shown = {a.code: a.report_id for a in published.activities} if published else {}
    return frozenset(
        s.code for s in statuses if s.report_id is not None and shown.get(s.code) != s.report_id
    )


def tracker_data(state: AppState, today: date, *, with_pending: bool) -> TrackerData:
    """The plan's approved status as of ``today``, its roll-ups, what is not yet published
    and (``with_pending``: for reviewers) the reports waiting for review."""
    catalog = state.catalog
    statuses = tuple(plan_status(state.db, catalog, as_of=today))
    published = published_plan(state.db)
    kpis = [k.code for k in catalog.kpis if any(k.code in s.kpis for s in statuses)]
    leads = [i.code for i in catalog.institutions if any(s.lead == i.code for s in statuses)]
    return TrackerData(
        as_of=today,
        statuses=statuses,
        published=published,
        by_kpi=rollup_by_kpi(statuses, kpis),
        by_institution=rollup_by_institution(statuses, leads),
        unpublished=unpublished_codes(statuses, published),
        pending=tuple(pending_reports(state.db)) if with_pending else (),
    )


@dataclass(frozen=True)
class ReviewOutcome:
    ok: bool
    key: str
    """``plan.review.*`` message key"""
    detail: str = ""


def review_report(
    state: AppState, account: Account | None, action: str, report_id: int, reason: str
) -> ReviewOutcome:
    """Approve (``action="approve"``) or return (``"return"``, with ``reason``) a report as
    the signed-in analyst; anyone else is refused and nothing changes."""
    if account is None or account.role not in REVIEWERS:
        return ReviewOutcome(False, "plan.review.refused")
    try:
        if action == "approve":
            approve_reports(state.db, [report_id], account)
            return ReviewOutcome(True, "plan.review.approved")
        return_report(state.db, report_id, account, reason=reason)
        return ReviewOutcome(True, "plan.review.returned")
    except DbmisError as exc:
        if exc.code == "REASON_REQUIRED":
            return ReviewOutcome(False, "plan.review.reason_required")
        return ReviewOutcome(False, "plan.review.failed", exc.message)
    except SQLAlchemyError as exc:
        log.warning("review of progress report %s failed: %s", report_id, exc)
        return ReviewOutcome(False, "plan.error.unavailable")


__all__ = ["ReviewOutcome", "TrackerData", "review_report", "tracker_data", "unpublished_codes"]
