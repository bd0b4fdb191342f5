"""Derived figures of the action plan: status, overdue milestones, budget use and roll-ups.

Pure functions over plain data (:class:`ReportFacts`, catalog activities), plus thin loaders
that read approved reports (:func:`plan_status`) or a release's published snapshot
(:func:`published_plan`). Definitions:

- **status** of an activity as of a date: the status of its latest approved report (the highest
  quarter with an approval; in it, the newest approved revision). Without one:
  ``not_started`` when the activity starts after the date, else ``not_reported``.
- **overdue milestones** as of a date: milestones due *before* that date and not done according
  to the latest approved report (every milestone due before the date when there is none).
  A dropped activity has no overdue milestones (they will not be done).
- **allocated to date**: the budget of every fiscal year that has begun by the date (a year's
  whole allocation counts from its first day). **spent**: the spend to date of the latest
  approved report (0 without one). **budget use** = spent / allocated to date (None when
  nothing is allocated yet).
- **roll-ups** per KPI (every activity meant to move it) and per institution (the activities it
  leads): how many activities in each status, overdue milestones (and activities with any),
  spent, allocated to date and whole budget, and budget use of the sums.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from dbmis.catalog import Catalog
from dbmis.catalog.models import Text
from dbmis.catalog.plan import Activity, Milestone, fiscal_year_dates

STATUSES: tuple[str, ...] = (
    "on_schedule",
    "delayed",
    "completed",
    "dropped",
    "not_started",
    "not_reported",
)
"""Every status an activity can have, in the order roll-ups list them: the five a report can
give, then ``not_reported`` (no approved report although the activity has begun)."""


@dataclass(frozen=True)
class ReportFacts:
    """What derived figures need from an activity's latest approved progress report."""

    quarter: str
    progress: str
    spend_pkr: int
    milestones: Mapping[str, date] = field(default_factory=dict)
    report_id: int | None = None


@dataclass(frozen=True)
class ActivityStatus:
    """One activity as of a date: its status, milestones and money."""

    code: str
    lead: str
    kpis: tuple[str, ...]
    status: str
    as_of: date
    allocated_pkr: int
    budget_pkr: int
    milestones_total: int
    milestones_done: Mapping[str, date] = field(default_factory=dict)
    overdue: tuple[str, ...] = ()
    """codes of the overdue milestones, by due date"""
    quarter: str | None = None
    """the quarter of the approved report behind the status; None without one"""
    report_id: int | None = None
    spend_pkr: int | None = None
    """spend to date of the approved report; None without one"""

    @property
    def reported(self) -> bool:
        return self.quarter is not None

    @property
    def spent(self) -> int:
        return self.spend_pkr or 0

    @property
    def budget_use(self) -> float | None:
        return budget_use(self.spent, self.allocated_pkr)


@dataclass(frozen=True)
class PlanRollup:
    """The activities behind one KPI (or led by one institution), summed up."""

    key: str
    activities: tuple[str, ...]
    counts: Mapping[str, int]
    """status -> number of activities, for every status in :data:`STATUSES`"""
    overdue_milestones: int
    activities_overdue: int
    spent_pkr: int
    allocated_pkr: int
    budget_pkr: int

    @property
    def total(self) -> int:
        return len(self.activities)

    @property
    def budget_use(self) -> float | None:
        return budget_use(self.spent_pkr, self.allocated_pkr)


@dataclass(frozen=True)
class MilestoneMarker:
    """A milestone of an activity behind a KPI, for a marker on the KPI's trajectory chart."""

    activity: str
    code: str
    title: Text
    due: date
    done_on: date | None
    overdue: bool


# --- pure functions ------------------------------------------------------------------------------


def budget_use(spent: int, allocated: int) -> float | None:
    """spent / allocated (1.0 is all of it), or None when nothing is allocated."""
    return spent / allocated if allocated > 0 else None


def allocated_to_date(activity: Activity, as_of: date, fiscal_start_month: int = 7) -> int:
    """The budget of every fiscal year of the activity that has begun by ``as_of``."""
    total = 0
    for line in activity.budget:
        span = fiscal_year_dates(line.fiscal_year, fiscal_start_month)
        if span is not None and span[0] <= as_of:
            total += line.amount_pkr
    return total


def overdue_milestones(
    activity: Activity,
    done: Mapping[str, date],
    as_of: date,
    *,
    status: str | None = None,
) -> list[Milestone]:
    """Milestones due before ``as_of`` and not in ``done``, by due date; none for a dropped
    activity."""
    if status == "dropped":
        return []
    late = [m for m in activity.milestones if m.due < as_of and m.code not in done]
    return sorted(late, key=lambda m: (m.due, m.code))


def activity_status(
    activity: Activity,
    latest: ReportFacts | None,
    as_of: date,
    fiscal_start_month: int = 7,
) -> ActivityStatus:
    """The activity as of ``as_of``, given its latest approved report (None: none yet)."""
    done = dict(latest.milestones) if latest else {}
    if latest is not None:
        status = latest.progress
    else:
        status = "not_started" if activity.start > as_of else "not_reported"
    late = overdue_milestones(activity, done, as_of, status=status)
    return ActivityStatus(
        code=activity.code,
        lead=activity.lead,
        kpis=tuple(activity.kpis),
        status=status,
        as_of=as_of,
        allocated_pkr=allocated_to_date(activity, as_of, fiscal_start_month),
        budget_pkr=activity.budget_total,
        milestones_total=len(activity.milestones),
        milestones_done=dict(sorted(done.items())),
        overdue=tuple(m.code for m in late),
        quarter=latest.quarter if latest else None,
        report_id=latest.report_id if latest else None,
        spend_pkr=latest.spend_pkr if latest else None,
    )


def plan_statuses(
    catalog: Catalog, latest: Mapping[str, ReportFacts], as_of: date
) -> list[ActivityStatus]:
    """Every activity of the catalog's plan as of ``as_of`` (``latest``: activity code -> its
    latest approved report), in plan order."""
    start = catalog.roadmap.fiscal_year_start_month
    return [activity_status(a, latest.get(a.code), as_of, start) for a in catalog.activities]


def milestone_markers(
    catalog: Catalog, statuses: Iterable[ActivityStatus], kpi_code: str
) -> list[MilestoneMarker]:
    """Every milestone of the activities behind ``kpi_code`` (among ``statuses``: approved or
    published ones), with when it was done and whether it is overdue, by due date."""
    out = []
    for s in statuses:
        activity = catalog.activity_by_code.get(s.code)
        if activity is None or kpi_code not in s.kpis:
            continue
        for m in activity.milestones:
            out.append(
                MilestoneMarker(
                    activity=s.code,
                    code=m.code,
                    title=m.title,
                    due=m.due,
                    done_on=s.milestones_done.get(m.code),
                    overdue=m.code in s.overdue,
                )
            )
    return sorted(out, key=lambda k: (k.due, k.activity, k.code))


def rollup(key: str, statuses: Iterable[ActivityStatus]) -> PlanRollup:
    """Sum up some activities under ``key``."""
    items = list(statuses)
    counts = dict.fromkeys(STATUSES, 0)
    for s in items:
        counts[s.status] = counts.get(s.status, 0) + 1
    return PlanRollup(
        key=key,
        activities=tuple(s.code for s in items),
        counts=counts,
        overdue_milestones=sum(len(s.overdue) for s in items),
        activities_overdue=sum(1 for s in items if s.overdue),
        spent_pkr=sum(s.spent for s in items),
        allocated_pkr=sum(s.allocated_pkr for s in items),
        budget_pkr=sum(s.budget_pkr for s in items),
    )


def _grouped(
    statuses: Sequence[ActivityStatus],
    keys: Sequence[str],
    belongs: Callable[[ActivityStatus, str], bool],
) -> dict[str, PlanRollup]:
    return {k: rollup(k, (s for s in statuses if belongs(s, k))) for k in keys}


def rollup_by_kpi(
    statuses: Sequence[ActivityStatus], kpis: Sequence[str] | None = None
) -> dict[str, PlanRollup]:
    """KPI code -> the roll-up of the activities meant to move it (an activity behind two KPIs
    counts under both). ``kpis``: the keys, in order (default: those the activities name)."""
    keys = (
        list(kpis) if kpis is not None else list(dict.fromkeys(k for s in statuses for k in s.kpis))
    )
    return _grouped(statuses, keys, lambda s, k: k in s.kpis)


def rollup_by_institution(
    statuses: Sequence[ActivityStatus], institutions: Sequence[str] | None = None
) -> dict[str, PlanRollup]:
    """Institution code -> the roll-up of the activities it leads."""
    keys = (
        list(institutions)
        if institutions is not None
        else list(dict.fromkeys(s.lead for s in statuses))
    )
    return _grouped(statuses, keys, lambda s, k: s.lead == k)


__all__ = [
    "STATUSES",
    "ActivityStatus",
    "MilestoneMarker",
    "PlanRollup",
    "ReportFacts",
    "activity_status",
    "allocated_to_date",
    "budget_use",
    "milestone_markers",
    "overdue_milestones",
    "plan_statuses",
    "rollup",
    "rollup_by_institution",
    "rollup_by_kpi",
]
