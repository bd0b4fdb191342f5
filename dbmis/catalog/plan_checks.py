"""Reading and checking ``action_plan.yaml``.

:func:`parse_plan` validates the plan's header and each activity on its own (a broken activity
does not hide the problems of the others) and records where each activity sits in the file, so
that :func:`check_plan`'s findings get a line number. :func:`check_plan` checks, for every
activity:

- its code is unique in the plan, and its milestone codes are unique within it;
- its KPIs, lead and partner institutions exist in the catalog (no repeats; the lead is not
  also a partner);
- ``start`` is not after ``end``, and every milestone is due within those dates;
- every budget line names a valid fiscal year (``FY2025-26``) that overlaps the activity's
  dates, has an amount of zero or more, and no two lines share a fiscal year and source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from pydantic import ValidationError

from dbmis.catalog.checks import Finding
from dbmis.catalog.plan import PLAN_FILE, ActionPlan, Activity, PlanHeader, fiscal_year_dates

if TYPE_CHECKING:
    from dbmis.catalog.catalog import Catalog
    from dbmis.catalog.yamlio import YamlDoc


class _Out(Protocol):
    """What the loader's problem collector offers (see ``dbmis.catalog.loader``)."""

    def add(self, file: str, key: str, message: str, line: int | None = None) -> None: ...

    def from_validation(
        self, doc: YamlDoc, exc: ValidationError, prefix: tuple[str | int, ...], label: str
    ) -> None: ...


def parse_plan(
    doc: YamlDoc, out: _Out, positions: dict[int, tuple[str | int, ...]]
) -> ActionPlan | None:
    """The plan in ``doc``, or None when its header is unusable. Problems go to ``out``;
    ``positions`` gets the key path of every activity parsed (by ``id``)."""
    data = doc.data
    if not isinstance(data, dict):
        out.add(doc.file, "", "must be a mapping with 'title' and 'activities'", doc.line_of(()))
        return None
    header_data = {k: v for k, v in data.items() if k != "activities"}
    header: PlanHeader | None
    try:
        header = PlanHeader.model_validate(header_data)
    except ValidationError as exc:
        out.from_validation(doc, exc, (), "")
        header = None
    entries = data.get("activities")
    if entries is None:
        out.add(doc.file, "activities", "required key is missing", doc.line_of(()))
        entries = []
    elif not isinstance(entries, list):
        out.add(
            doc.file,
            "activities",
            "must be a list of activities, each starting with '- code:'",
            doc.line_of(("activities",)),
        )
        entries = []
    activities: list[Activity] = []
    for index, entry in enumerate(entries):
        label = f"activities[{index}]"
        if isinstance(entry, dict) and isinstance(entry.get("code"), str):
            label = entry["code"]
        try:
            activity = Activity.model_validate(entry)
        except ValidationError as exc:
            out.from_validation(doc, exc, ("activities", index), label)
            continue
        activities.append(activity)
        positions[id(activity)] = ("activities", index)
    if header is None:
        return None
    return ActionPlan(title=header.title, summary=header.summary, activities=tuple(activities))


def check_plan(cat: Catalog) -> Iterator[Finding]:
    """Every problem of the catalog's action plan (nothing when it has none)."""
    activities = cat.plan.activities
    for code, n in Counter(a.code for a in activities).items():
        if n > 1:
            yield Finding(PLAN_FILE, code, f"duplicate activity code {code!r} ({n} entries)")
    for activity in activities:
        yield from _references(cat, activity)
        yield from _dates(activity)
        yield from _budget(cat, activity)


def _finding(a: Activity, key: str, message: str, *sub: str | int) -> Finding:
    return Finding(PLAN_FILE, f"{a.code}.{key}" if key else a.code, message, a, tuple(sub))


def _references(cat: Catalog, a: Activity) -> Iterator[Finding]:
    for i, kpi in enumerate(a.kpis):
        if kpi not in cat.kpi_by_code:
            yield _finding(a, "kpis", f"unknown KPI {kpi!r}", "kpis", i)
    for kpi, n in Counter(a.kpis).items():
        if n > 1:
            yield _finding(a, "kpis", f"KPI {kpi!r} is listed {n} times", "kpis")
    if a.lead not in cat.institution_by_code:
        yield _finding(a, "lead", f"unknown institution {a.lead!r}", "lead")
    for i, partner in enumerate(a.partners):
        if partner not in cat.institution_by_code:
            yield _finding(a, "partners", f"unknown institution {partner!r}", "partners", i)
        elif partner == a.lead:
            yield _finding(
                a, "partners", f"{partner!r} leads the activity: not also a partner", "partners", i
            )
    for partner, n in Counter(a.partners).items():
        if n > 1:
            yield _finding(a, "partners", f"partner {partner!r} is listed {n} times", "partners")


def _dates(a: Activity) -> Iterator[Finding]:
    if a.start > a.end:
        yield _finding(a, "end", f"the end ({a.end}) is before the start ({a.start})", "end")
    for code, n in Counter(m.code for m in a.milestones).items():
        if n > 1:
            yield _finding(a, "milestones", f"duplicate milestone code {code!r} ({n} entries)")
    for i, m in enumerate(a.milestones):
        if not a.start <= m.due <= a.end:
            yield _finding(
                a,
                f"milestones.{m.code}.due",
                f"due {m.due}, outside the activity's dates ({a.start} to {a.end})",
                "milestones",
                i,
                "due",
            )


def _budget(cat: Catalog, a: Activity) -> Iterator[Finding]:
    start_month = cat.roadmap.fiscal_year_start_month
    for i, line in enumerate(a.budget):
        span = fiscal_year_dates(line.fiscal_year, start_month)
        if span is None:
            yield _finding(
                a,
                f"budget[{i}].fiscal_year",
                f"{line.fiscal_year!r} is not a fiscal year: write it as FY2025-26",
                "budget",
                i,
                "fiscal_year",
            )
        elif span[1] < a.start or span[0] > a.end:
            yield _finding(
                a,
                f"budget[{i}].fiscal_year",
                f"{line.fiscal_year} ({span[0]} to {span[1]}) is outside the activity's dates "
                f"({a.start} to {a.end})",
                "budget",
                i,
                "fiscal_year",
            )
        if line.amount_pkr < 0:
            yield _finding(
                a,
                f"budget[{i}].amount_pkr",
                f"a budget cannot be negative ({line.amount_pkr})",
                "budget",
                i,
                "amount_pkr",
            )
    pairs = Counter((line.fiscal_year, str(line.source)) for line in a.budget)
    for (fy, source), n in pairs.items():
        if n > 1:
            yield _finding(
                a, "budget", f"{n} budget lines for {fy} from {source}: add them up in one line"
            )


__all__ = ["check_plan", "parse_plan"]
