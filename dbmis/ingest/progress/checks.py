"""The rules a quarterly progress report must meet (pure functions, no database).

A report is for one activity and one calendar quarter (``2026Q3``). It gives a status, the
spend to date (whole PKR, cumulative since the activity began), the milestones done since the
last approved report of an earlier quarter, with the date each was done, and a narrative.
Milestones done in earlier approved reports are carried forward (a date given again replaces
the earlier one), so every report holds all the milestones done so far.

Errors (the report is refused and nothing is recorded) and warnings (shown and kept) are listed
in :data:`dbmis.ingest.progress.codes.CODES`. ``today`` is the date of reporting: the quarter
must have begun by then, and no milestone can be done after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from dbmis.catalog.plan import Activity, month_end
from dbmis.ingest.progress.codes import CODES
from dbmis.periods import Period, PeriodType, add_months, parse_period, period_of, split_month
from dbmis.warehouse.queries.plan import PlanReport
from dbmis.warehouse.schema import NARRATIVE_MAX, PROGRESS_STATUSES

QUARTERS_AFTER_END = 4
"""A late activity may report for this many quarters after its planned end."""
SPEND_IMPLAUSIBLE = 1.5
"""Spend to date above this multiple of the whole budget is refused as a typing slip."""


@dataclass(frozen=True)
class ProgressIssue:
    """One problem with a progress report: a stable code, its severity, the field concerned
    (``quarter``, ``status``, ``spend``, ``milestones.CODE``, ``narrative``,
    ``evidence[name]``) and a plain message."""

    code: str
    severity: str
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def issue(code: str, where: str, message: str) -> ProgressIssue:
    return ProgressIssue(code, CODES[code].severity, where, message)


@dataclass(frozen=True)
class CheckedReport:
    """What :func:`check_report` found: the problems, and the milestones the report will hold
    (carried forward and new), when the quarter could be read."""

    issues: tuple[ProgressIssue, ...]
    milestones: Mapping[str, date] = field(default_factory=dict)
    quarter: Period | None = None

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)


def quarter_dates(quarter: Period) -> tuple[date, date]:
    first_year, first_month = split_month(quarter.first)
    return date(first_year, first_month, 1), month_end(*split_month(quarter.last))


def parse_quarter(label: str) -> Period | None:
    """A quarter label (``2026Q3``) as a period, or None when it is not one."""
    try:
        period = parse_period(label)
    except ValueError:
        return None
    return period if period.type is PeriodType.quarter else None


def _date(value: date | str) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _quarter(
    activity: Activity, label: str, today: date
) -> tuple[Period | None, list[ProgressIssue]]:
    quarter = parse_quarter(label)
    if quarter is None:
        return None, [
            issue("PLAN_BAD_QUARTER", "quarter", f"{label!r} is not a quarter: write 2026Q3")
        ]
    first, last = quarter_dates(quarter)
    found = []
    if first > today:
        found.append(
            issue(
                "PLAN_QUARTER_NOT_STARTED", "quarter", f"{label} begins on {first}: report it then"
            )
        )
    end_quarter = period_of(activity.end.year * 100 + activity.end.month, PeriodType.quarter)
    latest = period_of(add_months(end_quarter.first, 3 * QUARTERS_AFTER_END), PeriodType.quarter)
    if last < activity.start or quarter.first > latest.first:
        found.append(
            issue(
                "PLAN_QUARTER_OUTSIDE_SPAN",
                "quarter",
                f"{label} is outside {activity.code}'s reporting span: it runs from "
                f"{activity.start} to {activity.end}, and may report until {latest.label}",
            )
        )
    return quarter, found


def _milestones(
    activity: Activity,
    given: Mapping[str, date | str],
    quarter: Period | None,
    today: date,
) -> tuple[dict[str, date], list[ProgressIssue]]:
    found: list[ProgressIssue] = []
    done: dict[str, date] = {}
    quarter_end = quarter_dates(quarter)[1] if quarter is not None else None
    for code, raw in given.items():
        where = f"milestones.{code}"
        if activity.milestone(code) is None:
            known = ", ".join(m.code for m in activity.milestones) or "none"
            found.append(
                issue(
                    "PLAN_UNKNOWN_MILESTONE",
                    where,
                    f"{code!r} is not a milestone of {activity.code} (its milestones: {known})",
                )
            )
            continue
        day = _date(raw)
        if day is None:
            found.append(issue("PLAN_BAD_DATE", where, f"{raw!r} is not a date: write 2026-08-15"))
            continue
        if day > today:
            found.append(
                issue("PLAN_MILESTONE_FUTURE", where, f"{code} done on {day}, after today")
            )
        elif quarter_end is not None and day > quarter_end:
            found.append(
                issue(
                    "PLAN_MILESTONE_AFTER_QUARTER",
                    where,
                    f"{code} done on {day}, after {quarter.label if quarter else ''} ended "
                    f"({quarter_end}): report it in that later quarter",
                )
            )
        elif day < activity.start:
            found.append(
                issue(
                    "PLAN_MILESTONE_EARLY",
                    where,
                    f"{code} done on {day}, before the activity's start ({activity.start})",
                )
            )
        done[code] = day
    return done, found


def check_report(
    activity: Activity,
    *,
    quarter: str,
    status: str,
    spend_pkr: int,
    milestones: Mapping[str, date | str],
    narrative: str,
    previous: PlanReport | None,
    today: date,
) -> CheckedReport:
    """Every problem of a report, in one pass. ``previous``: the activity's effective approved
    report of the latest earlier quarter, if any (carried-forward milestones, spend)."""
    period, found = _quarter(activity, quarter, today)
    if status not in PROGRESS_STATUSES:
        found.append(
            issue(
                "PLAN_BAD_STATUS",
                "status",
                f"{status!r} is not a status: use one of {', '.join(PROGRESS_STATUSES)}",
            )
        )
    new, problems = _milestones(activity, milestones, period, today)
    found += problems
    done = {**(previous.milestones if previous else {}), **new}
    found += _spend(activity, spend_pkr, previous)
    text = narrative.strip()
    if len(text) > NARRATIVE_MAX:
        found.append(
            issue(
                "PLAN_NARRATIVE_TOO_LONG",
                "narrative",
                f"the narrative has {len(text):,} characters; at most {NARRATIVE_MAX:,}",
            )
        )
    if status in ("delayed", "dropped") and not text:
        found.append(
            issue("PLAN_NARRATIVE_REQUIRED", "narrative", f"say why the activity is {status}")
        )
    open_ = [m.code for m in activity.milestones if m.code not in done]
    if status == "completed" and open_:
        found.append(
            issue(
                "PLAN_COMPLETED_OPEN_MILESTONES",
                "status",
                f"completed, but milestones not done: {', '.join(open_)}",
            )
        )
    if status == "on_schedule" and period is not None:
        end = quarter_dates(period)[1]
        late = [m.code for m in activity.milestones if m.due <= end and m.code not in done]
        if late:
            found.append(
                issue(
                    "PLAN_OVERDUE_ON_SCHEDULE",
                    "status",
                    f"on schedule, but milestones due by {end} are not done: {', '.join(late)}",
                )
            )
    if status == "not_started" and (spend_pkr > 0 or done):
        found.append(
            issue(
                "PLAN_NOT_STARTED_WITH_PROGRESS",
                "status",
                "not started, but the report shows spend or milestones done",
            )
        )
    if previous is not None and previous.progress in ("completed", "dropped"):
        found.append(
            issue(
                "PLAN_REOPENED",
                "status",
                f"the approved report for {previous.quarter} said {previous.progress}",
            )
        )
    return CheckedReport(tuple(found), dict(sorted(done.items())), period)


def _spend(activity: Activity, spend: int, previous: PlanReport | None) -> list[ProgressIssue]:
    total = activity.budget_total
    if spend < 0:
        return [issue("PLAN_SPEND_NEGATIVE", "spend", f"spend to date cannot be {spend:,}")]
    if total > 0 and spend > SPEND_IMPLAUSIBLE * total:
        return [
            issue(
                "PLAN_SPEND_IMPLAUSIBLE",
                "spend",
                f"PKR {spend:,} is more than {SPEND_IMPLAUSIBLE}x the whole budget "
                f"(PKR {total:,}): check the figure",
            )
        ]
    found = []
    if spend > total:
        found.append(
            issue(
                "PLAN_SPEND_OVER_BUDGET",
                "spend",
                f"PKR {spend:,} is above the whole budget (PKR {total:,})",
            )
        )
    if previous is not None and spend < previous.spend_pkr:
        found.append(
            issue(
                "PLAN_SPEND_DECREASED",
                "spend",
                f"PKR {spend:,} is below the PKR {previous.spend_pkr:,} approved for "
                f"{previous.quarter}",
            )
        )
    return found


def too_many_files(count: int, limit: int) -> ProgressIssue | None:
    if count <= limit:
        return None
    return issue("PLAN_TOO_MANY_FILES", "evidence", f"{count} files; at most {limit} per report")


__all__ = [
    "QUARTERS_AFTER_END",
    "SPEND_IMPLAUSIBLE",
    "CheckedReport",
    "ProgressIssue",
    "check_report",
    "issue",
    "parse_quarter",
    "quarter_dates",
    "too_many_files",
]
