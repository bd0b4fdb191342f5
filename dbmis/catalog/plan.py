"""The Roadmap's action plan: what the departments committed to do to move each KPI.

``action_plan.yaml`` (optional in a catalog folder) is a mapping with a ``title`` and a list
of ``activities``. Each :class:`Activity` names the KPI(s) it is meant to move, a lead
institution (whose focal points report its progress) and partners, its dates, milestones with
due dates, and its budget in PKR by fiscal year and funding source. Like every catalog model,
unknown keys are errors; cross-references, dates and budgets are checked by
:mod:`dbmis.catalog.plan_checks` once every file is read.

Fiscal years are labelled as in the rest of the catalog (``FY2025-26``) and start in the
roadmap's ``fiscal_year_start_month`` (July in Pakistan).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from pydantic import Field

from dbmis.catalog.models import Code, Strict, Text
from dbmis.periods import PeriodType, parse_period, split_month

PLAN_FILE = "action_plan.yaml"


class FundingSource(StrEnum):
    """Where the money of a budget line comes from."""

    provincial_adp = "provincial_adp"  # the provincial Annual Development Programme
    federal_psdp = "federal_psdp"  # the federal Public Sector Development Programme
    donor = "donor"  # a development partner's grant or loan
    non_development = "non_development"  # the department's recurrent (non-development) budget
    other = "other"


FUNDING_SOURCE_LABELS: Mapping[str, Text] = MappingProxyType(
    {
        "provincial_adp": Text(en="Provincial ADP", ur="صوبائی سالانہ ترقیاتی پروگرام"),
        "federal_psdp": Text(en="Federal PSDP", ur="وفاقی ترقیاتی پروگرام"),
        "donor": Text(en="Development partner", ur="ترقیاتی شراکت دار"),
        "non_development": Text(en="Non-development budget", ur="غیر ترقیاتی بجٹ"),
        "other": Text(en="Other", ur="دیگر"),
    }
)


class Milestone(Strict):
    """A checkable step of an activity, due by a date."""

    code: Code
    title: Text
    due: date


class BudgetLine(Strict):
    """Money for an activity in one fiscal year from one source (whole PKR)."""

    fiscal_year: str = Field(description="a fiscal year label, e.g. FY2025-26")
    amount_pkr: int
    source: FundingSource
    note: str | None = None


class Activity(Strict):
    """One cross-departmental intervention of the action plan."""

    code: Code
    title: Text
    description: Text
    kpis: list[Code] = Field(min_length=1, description="the KPI(s) it is meant to move")
    lead: Code = Field(description="the institution that leads it and reports its progress")
    partners: list[Code] = Field(default_factory=list)
    start: date
    end: date
    milestones: list[Milestone] = Field(default_factory=list)
    budget: list[BudgetLine] = Field(default_factory=list)
    illustrative: bool = Field(
        False, description="true where the activity is not drawn from the Roadmap's facts"
    )
    note: str | None = None

    @property
    def institutions(self) -> list[str]:
        """The lead first, then the partners."""
        return [self.lead, *(p for p in self.partners if p != self.lead)]

    @property
    def budget_total(self) -> int:
        return sum(line.amount_pkr for line in self.budget)

    def milestone(self, code: str) -> Milestone | None:
        return next((m for m in self.milestones if m.code == code), None)


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def fiscal_year_dates(label: str, start_month: int = 7) -> tuple[date, date] | None:
    """First and last day of the fiscal year ``FY2025-26``; None if ``label`` is not one."""
    try:
        period = parse_period(label, start_month)
    except ValueError:
        return None
    if period.type is not PeriodType.fiscal_year:
        return None
    first_year, first_month = split_month(period.first)
    return date(first_year, first_month, 1), month_end(*split_month(period.last))


def fiscal_year_of(day: date, start_month: int = 7) -> str:
    """The label of the fiscal year that contains ``day`` (``FY2025-26``)."""
    start = day.year if day.month >= start_month else day.year - 1
    return f"FY{start}-{(start + 1) % 100:02d}"


class PlanHeader(Strict):
    """The keys of ``action_plan.yaml`` besides its activities."""

    title: Text
    summary: Text | None = None


class ActionPlan(Strict):
    """The whole plan; empty (no title, no activities) when a catalog has no plan file."""

    title: Text | None = None
    summary: Text | None = None
    activities: tuple[Activity, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.activities


__all__ = [
    "FUNDING_SOURCE_LABELS",
    "PLAN_FILE",
    "ActionPlan",
    "Activity",
    "BudgetLine",
    "FundingSource",
    "Milestone",
    "PlanHeader",
    "fiscal_year_dates",
    "fiscal_year_of",
    "month_end",
]
