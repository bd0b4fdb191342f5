"""The action plan in the stocktake pack: per KPI, the activities behind it.

Each activity's status, milestones and spend come from its latest approved progress report of
the stocktake's quarter or earlier (:func:`dbmis.kpis.plan_data.plan_status`); overdue
milestones and the budget allocated to date are as of the pack's date.
"""

from __future__ import annotations

from datetime import date

from dbmis.catalog import Catalog
from dbmis.kpis.pack.model import OverdueMilestone, PlanActivityLine
from dbmis.kpis.plan import ActivityStatus
from dbmis.kpis.plan_data import plan_status
from dbmis.warehouse import Database


def activity_line(catalog: Catalog, status: ActivityStatus) -> PlanActivityLine:
    """One activity as the pack shows it (English names from the catalog)."""
    activity = catalog.activity_by_code[status.code]
    lead = catalog.institution_by_code.get(status.lead)
    overdue = []
    for code in status.overdue:
        milestone = activity.milestone(code)
        if milestone is not None:
            overdue.append(OverdueMilestone(code, milestone.title.en, milestone.due))
    return PlanActivityLine(
        code=status.code,
        title=activity.title.en,
        lead=status.lead,
        lead_name=lead.short.en if lead else status.lead,
        status=status.status,
        quarter=status.quarter,
        milestones_done=len(status.milestones_done),
        milestones_total=status.milestones_total,
        overdue=tuple(overdue),
        spent_pkr=status.spend_pkr,
        allocated_pkr=status.allocated_pkr,
        budget_pkr=status.budget_pkr,
        illustrative=activity.illustrative,
    )


def plan_lines(
    db: Database, catalog: Catalog, quarter: str, today: date
) -> dict[str, tuple[PlanActivityLine, ...]]:
    """KPI code -> the activities behind it, in plan order (empty without a plan)."""
    if catalog.plan.is_empty:
        return {}
    statuses = plan_status(db, catalog, as_of=today, through_quarter=quarter)
    lines = [activity_line(catalog, s) for s in statuses]
    by_code = dict(zip((s.code for s in statuses), lines, strict=True))
    return {
        kpi.code: tuple(by_code[a.code] for a in catalog.activities_of_kpi(kpi.code))
        for kpi in catalog.kpis
    }
