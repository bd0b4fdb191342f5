"""The action plan from the warehouse: approved status for the DU and the Steering Committee,
report histories, and the plan status published with each release.

Thin loaders over :mod:`dbmis.warehouse.queries.plan` that hand plain data to the pure
functions of :mod:`dbmis.kpis.plan`:

- :func:`plan_status`: every activity as of a date from the **approved** reports (approved but
  unpublished: the DU workspace and the Steering Committee only);
- :func:`activity_history` / :func:`plan_reports`: report revisions (the DU's inbox, drill-down);
- :func:`snapshot_plan_on`: called by :func:`dbmis.kpis.releases.publish` in its transaction,
  copies the approved status of every activity into the release (``release_plan_status``);
- :func:`published_plan`: what a release published (the public site; never unapproved or
  unpublished reports).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from dbmis.catalog import Catalog
from dbmis.catalog.plan import month_end
from dbmis.kpis.plan import ActivityStatus, ReportFacts, plan_statuses
from dbmis.periods import PeriodType, add_months, period_of, split_month
from dbmis.warehouse import Database
from dbmis.warehouse.queries import plan as q
from dbmis.warehouse.queries import releases as rq
from dbmis.warehouse.queries.audit import append_event


def facts_of(report: q.PlanReport) -> ReportFacts:
    """The plain facts of a report that derived figures use."""
    return ReportFacts(
        quarter=report.quarter,
        progress=report.progress,
        spend_pkr=report.spend_pkr,
        milestones=dict(report.milestones),
        report_id=report.id,
    )


def quarter_of(day: date) -> str:
    """The calendar quarter containing ``day`` (``2026Q3``)."""
    return period_of(day.year * 100 + day.month, PeriodType.quarter).label


def last_quarter_through(month: int) -> str:
    """The latest quarter that has ended by the end of ``month`` (YYYYMM)."""
    quarter = period_of(month, PeriodType.quarter)
    if quarter.last > month:
        quarter = period_of(add_months(quarter.first, -1), PeriodType.quarter)
    return quarter.label


def latest_facts_on(conn: Connection, *, through_quarter: str | None) -> dict[str, ReportFacts]:
    """Activity code -> facts of its latest approved report of ``through_quarter`` or earlier."""
    reports = q.approved_reports(conn, through_quarter=through_quarter)
    return {code: facts_of(r) for code, r in q.latest_approved(reports).items()}


def plan_status(
    db: Database,
    catalog: Catalog,
    *,
    as_of: date,
    through_quarter: str | None = None,
) -> list[ActivityStatus]:
    """Every activity of the plan as of ``as_of`` from the approved reports of
    ``through_quarter`` or earlier (default: the quarter containing ``as_of``), in plan order.
    Approved but unpublished: for the DU and the Steering Committee only."""
    with db.read() as conn:
        latest = latest_facts_on(conn, through_quarter=through_quarter or quarter_of(as_of))
    return plan_statuses(catalog, latest, as_of)


def activity_history(db: Database, activity_code: str) -> list[q.PlanReport]:
    """Every report revision of an activity (any state), newest first."""
    with db.read() as conn:
        return q.list_reports(conn, activities=[activity_code], limit=100_000)


def plan_reports(
    db: Database,
    *,
    activities: Collection[str] | None = None,
    leads: Collection[str] | None = None,
    states: Collection[str] | None = None,
    current_only: bool = False,
    limit: int = 500,
) -> list[q.PlanReport]:
    """Report revisions matching every given filter (codes), newest first."""
    with db.read() as conn:
        return q.list_reports(
            conn,
            activities=activities,
            leads=leads,
            states=states,
            current_only=current_only,
            limit=limit,
        )


def get_plan_report(db: Database, report_id: int) -> q.PlanReport:
    """One report revision with its milestones and evidence; NotFoundError if none."""
    with db.read() as conn:
        return q.get_report(conn, report_id)


# --- releases ------------------------------------------------------------------------------------


def snapshot_plan_on(
    conn: Connection,
    catalog: Catalog,
    release_id: int,
    through_month: int,
    *,
    actor: str,
    at: datetime,
) -> int:
    """Copy every activity's approved status into the release being published (in the
    caller's transaction); returns how many rows. Status as of the last day of
    ``through_month``, from approved reports of quarters ended by then."""
    q.lock_plan_for_publish(conn)
    as_of = month_end(*split_month(through_month))
    through_quarter = last_quarter_through(through_month)
    statuses = plan_statuses(catalog, latest_facts_on(conn, through_quarter=through_quarter), as_of)
    rows = [
        {
            "activity": s.code,
            "lead": s.lead,
            "kpis": list(s.kpis),
            "status": s.status,
            "quarter": s.quarter,
            "report_id": s.report_id,
            "spend_pkr": s.spend_pkr,
            "allocated_pkr": s.allocated_pkr,
            "budget_pkr": s.budget_pkr,
            "milestones_total": s.milestones_total,
            "milestones_done": {k: v.isoformat() for k, v in s.milestones_done.items()},
            "overdue": list(s.overdue),
            "as_of": as_of,
        }
        for s in statuses
    ]
    count = q.insert_release_plan(conn, release_id, rows)
    if count:
        reported = [s for s in statuses if s.reported]
        append_event(
            conn,
            actor=actor,
            action="release.plan_published",
            entity="release",
            entity_id=release_id,
            detail={
                "release_id": release_id,
                "activities": count,
                "reported": len(reported),
                "through_quarter": through_quarter,
                "reports": sorted(s.report_id for s in reported if s.report_id is not None),
            },
            at=at,
        )
    return count


@dataclass(frozen=True)
class PublishedPlan:
    """The plan status a release published."""

    release_number: int
    release_id: int
    as_of: date
    activities: tuple[ActivityStatus, ...]


def _status(row: q.PublishedActivity) -> ActivityStatus:
    return ActivityStatus(
        code=row.activity,
        lead=row.lead,
        kpis=row.kpis,
        status=row.status,
        as_of=row.as_of,
        allocated_pkr=row.allocated_pkr,
        budget_pkr=row.budget_pkr,
        milestones_total=row.milestones_total,
        milestones_done=dict(row.milestones_done),
        overdue=row.overdue,
        quarter=row.quarter,
        report_id=row.report_id,
        spend_pkr=row.spend_pkr,
    )


def published_plan_on(
    conn: Connection,
    *,
    kpi: str | None = None,
    institution: str | None = None,
    release_number: int | None = None,
) -> PublishedPlan | None:
    """The plan status of a release (default: the latest), optionally only the activities
    behind one KPI or led by one institution; None before the first release (NotFoundError for
    an unknown release number)."""
    if release_number is None:
        release = rq.latest_release(conn)
        if release is None:
            return None
    else:
        release = rq.get_release(conn, release_number)
    rows = q.release_plan(conn, release.id, kpi=kpi, lead=institution)
    as_of = rows[0].as_of if rows else month_end(*split_month(release.through_month))
    return PublishedPlan(
        release_number=release.number,
        release_id=release.id,
        as_of=as_of,
        activities=tuple(_status(r) for r in rows),
    )


def published_plan(
    db: Database,
    *,
    kpi: str | None = None,
    institution: str | None = None,
    release_number: int | None = None,
) -> PublishedPlan | None:
    """:func:`published_plan_on` in its own read transaction."""
    with db.read() as conn:
        return published_plan_on(
            conn, kpi=kpi, institution=institution, release_number=release_number
        )


__all__ = [
    "PublishedPlan",
    "activity_history",
    "facts_of",
    "get_plan_report",
    "last_quarter_through",
    "latest_facts_on",
    "plan_reports",
    "plan_status",
    "published_plan",
    "published_plan_on",
    "quarter_of",
    "snapshot_plan_on",
]
