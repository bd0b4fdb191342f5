"""Recompute every stored KPI value: each KPI x (district, division, province) x (month,
quarter, calendar year, fiscal year), from approved observations only.

:func:`recompute` replaces the whole ``kpi_value`` table in one write transaction, so pages
read stored values and never compute per view (on SQLite readers keep the previous values
until the commit; on PostgreSQL a reader of ``kpi_value`` waits for it, see
:func:`~dbmis.warehouse.queries.rollup.replacing_kpi_values`). The arithmetic runs in the
database (:func:`dbmis.warehouse.queries.rollup.replace_kpi_values`, one ``INSERT ... SELECT``):

- **Ratio of sums.** ``value = factor x N / D`` where N and D are first added over districts
  and months; a KPI without a denominator is ``factor x N``. Each side may add several
  indicators.
- **Over time.** Flows (``sum``) add the months of the period. Stocks (``last``) take, for each
  district and indicator, the value of the last month of the period that the district reported,
  then add the districts. Averages are weighted: ``sum(value x weight)`` goes to N and
  ``sum(weight)`` to D, over the district-months where both were reported, so a KPI whose
  numerator is an average (and which has no denominator) is the weighted average. An average
  in a denominator, or an average KPI with a denominator, is refused (it has no meaning).
- **Completeness.** ``expected`` = the (district, month) pairs of the place and period, months
  from ``first_month`` up to ``through_month`` only (a running quarter does not expect its
  future months); ``received`` = those pairs in which every indicator of the KPI (and the
  weight of an average) was reported; ``completeness = received / expected``; ``flagged`` when
  it is below ``roadmap.completeness_threshold``. ``value`` is NULL when D is 0 or nothing
  was received; N and D still hold what was reported.
- **Range.** ``first_month`` is January of ``roadmap.first_reporting_year``, or January of the
  earliest year with approved data if that is earlier; ``through_month`` is the argument, else
  the latest approved month of the KPIs' indicators. Every KPI x place x period in that range gets a row, also
  where nothing was reported (``received = 0``, ``value`` NULL).
- **Plan and status.** A value gets the plan of *its own* trajectory: the province's for the
  province, a district's own target for a district that has one. Divisions, and districts
  without a target of their own, get ``planned`` and ``status`` NULL (the province plan is not
  a plan for a district). ``status`` comes from :func:`dbmis.kpis.status.status_for_period`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from dbmis.catalog import Catalog
from dbmis.catalog.models import Kpi, Temporal
from dbmis.errors import WarehouseError
from dbmis.periods import Period, PeriodType, month_range, parse_period, period_of, split_month
from dbmis.warehouse.engine import Database
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries import rollup as q
from dbmis.warehouse.schema import kpi_value
from dbmis.warehouse.types import utcnow

PERIOD_TYPES: tuple[PeriodType, ...] = (
    PeriodType.month,
    PeriodType.quarter,
    PeriodType.year,
    PeriodType.fiscal_year,
)


@dataclass
class RecomputeReport:
    """What :func:`recompute` stored."""

    rows: int = 0
    first_month: int | None = None
    through_month: int | None = None
    with_plan: int = 0
    seconds: float = 0.0
    computed_at: datetime | None = None
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds by stage: ``range`` (finding the months), ``rollup`` (the whole store, of which
    ``compute_insert`` is the ``INSERT ... SELECT`` and ``keys`` emptying the table and
    restoring its keys), ``status`` (plan and status, of which ``plan`` is the Python part)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "first_month": self.first_month,
            "through_month": self.through_month,
            "with_plan": self.with_plan,
            "seconds": round(self.seconds, 3),
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
        }


# --- catalog -> spec -------------------------------------------------------------------------


def kpi_members(catalog: Catalog, k: Kpi, indicator_ids: dict[str, int]) -> tuple[q.Member, ...]:
    """The indicators of a KPI with their side, temporal and (for averages) weight."""
    out: list[q.Member] = []
    for side, codes in (("numerator", k.numerator), ("denominator", k.denominator)):
        for code in codes:
            ind = catalog.indicator_by_code[code]
            weight = indicator_ids[ind.weight] if ind.weight else None
            out.append(
                q.Member(
                    indicator_id=indicator_ids[code],
                    side=side,  # type: ignore[arg-type]
                    temporal=str(ind.temporal),  # type: ignore[arg-type]
                    weight_id=weight if ind.temporal is Temporal.average else None,
                )
            )
    return tuple(out)


def periods_between(first: int, through: int, fiscal_start_month: int = 7) -> list[q.PeriodSpec]:
    """Every month, quarter, year and fiscal year that overlaps ``first..through``, each with
    the number of its months inside that range (the months expected so far)."""
    months = month_range(first, through)
    out: list[q.PeriodSpec] = []
    for period_type in PERIOD_TYPES:
        counts: dict[str, int] = {}
        ends: dict[str, int] = {}
        for month in months:
            period = period_of(month, period_type, fiscal_start_month)
            counts[period.label] = counts.get(period.label, 0) + 1
            ends[period.label] = period.last
        out += [
            q.PeriodSpec(str(period_type), ends[label], label, n) for label, n in counts.items()
        ]
    return out


def _ids(conn: Connection, kind: str, codes: list[str]) -> dict[str, int]:
    getter: Callable[[Connection], dict[str, int]] = getattr(dimensions, f"{kind}_ids")
    found = getter(conn)
    missing = sorted(set(codes) - set(found))
    if missing:
        raise WarehouseError(
            f"{kind} codes missing from the warehouse: {', '.join(missing[:5])}: "
            "sync the catalog first",
            code="WAREHOUSE_NOT_SYNCED",
        )
    return found


def build_spec(
    conn: Connection,
    catalog: Catalog,
    *,
    first_month: int,
    through_month: int,
) -> q.RollupSpec:
    """The roll-up of ``catalog`` from ``first_month`` to ``through_month`` as ids and periods."""
    kpi_ids = _ids(conn, "kpi", [k.code for k in catalog.kpis])
    indicator_ids = _ids(conn, "indicator", [i.code for i in catalog.indicators])
    district_ids = _ids(conn, "district", [d.code for d in catalog.districts])
    roadmap = catalog.roadmap
    return q.RollupSpec(
        kpis=tuple(
            q.KpiSpec(kpi_ids[k.code], k.factor, kpi_members(catalog, k, indicator_ids))
            for k in catalog.kpis
        ),
        districts=tuple(
            q.DistrictSpec(district_ids[d.code], d.code, d.division) for d in catalog.districts
        ),
        periods=tuple(periods_between(first_month, through_month, roadmap.fiscal_year_start_month)),
        province_code=roadmap.province_code,
        first_month=first_month,
        through_month=through_month,
        fiscal_start_month=roadmap.fiscal_year_start_month,
        threshold=roadmap.completeness_threshold,
    )


def month_range_of(
    conn: Connection, catalog: Catalog, *, through_month: int | None = None
) -> tuple[int, int] | None:
    """(first, through) months of the roll-up (see the module doc); None when there is none."""
    if through_month is not None:
        year, month = split_month(through_month)
        if not 1 <= month <= 12 or year < 1:
            raise ValueError(f"through_month must be YYYYMM, not {through_month!r}")
    indicator_ids = _ids(conn, "indicator", [i.code for i in catalog.indicators])
    used: set[int] = set()
    for k in catalog.kpis:
        for code in k.indicators:
            used.add(indicator_ids[code])
            weight = catalog.indicator_by_code[code].weight
            if weight:
                used.add(indicator_ids[weight])
    found = q.effective_month_range(conn, used)
    first = catalog.roadmap.first_reporting_year * 100 + 1
    if found is not None:
        first = min(first, found[0])
    through = through_month if through_month is not None else (found[1] if found else None)
    if through is None or through < first:
        return None
    return first, through


# --- plan and status -------------------------------------------------------------------------


def plan_and_status(conn: Connection, catalog: Catalog, spec: q.RollupSpec) -> list[dict[str, Any]]:
    """``planned`` and ``status`` of every stored value whose place has its own trajectory,
    at the period types the KPI is judged on (``Kpi.assessed_on``)."""
    from dbmis.kpis.status import status_for_period
    from dbmis.kpis.trajectory import PROVINCE, planned_for_period, trajectories

    plans = trajectories(catalog)
    if not plans:
        return []
    code_of = {k.kpi_id: c.code for k, c in zip(spec.kpis, catalog.kpis, strict=True)}
    id_of = {code: kpi_id for kpi_id, code in code_of.items()}
    fiscal_start = catalog.roadmap.fiscal_year_start_month
    rows = q.values_for_status(
        conn,
        [
            (id_of[k], "province", spec.province_code)
            if scope == PROVINCE
            else (id_of[k], "district", scope)
            for k, scope in plans
            if k in id_of
        ],
    )
    periods: dict[str, Period] = {}
    out = []
    for row in rows:
        code = code_of.get(row["kpi_id"])
        scope = PROVINCE if row["geo_level"] == "province" else row["geo_code"]
        traj = plans.get((code, scope)) if code else None
        if traj is None:
            continue
        period = periods.get(row["period"])
        if period is None:
            period = periods[row["period"]] = parse_period(row["period"], fiscal_start)
        kpi = catalog.kpi_by_code[traj.kpi]
        if row["period_type"] not in kpi.assessed_on:
            continue  # e.g. a yearly total is not judged against its plan quarter by quarter
        status = status_for_period(traj, row["value"], period, direction=kpi.direction)
        out.append({**row, "planned": planned_for_period(traj, period), "status": str(status)})
    return out


# --- entry points ----------------------------------------------------------------------------


def recompute_on(
    conn: Connection,
    catalog: Catalog,
    *,
    through_month: int | None = None,
    now: datetime | None = None,
) -> RecomputeReport:
    """:func:`recompute` on a connection whose write transaction the caller owns."""
    started = time.perf_counter()
    report = RecomputeReport(computed_at=now or utcnow())
    span = month_range_of(conn, catalog, through_month=through_month)
    report.timings["range"] = time.perf_counter() - started
    if span is None:
        conn.execute(kpi_value.delete())
        report.seconds = time.perf_counter() - started
        return report
    report.first_month, report.through_month = span
    spec = build_spec(conn, catalog, first_month=span[0], through_month=span[1])
    mark = time.perf_counter()
    assert report.computed_at is not None
    report.rows = q.replace_kpi_values(
        conn, spec, computed_at=report.computed_at, timings=report.timings
    )
    report.timings["rollup"] = time.perf_counter() - mark
    mark = time.perf_counter()
    planned = plan_and_status(conn, catalog, spec)
    report.timings["plan"] = time.perf_counter() - mark
    report.with_plan = q.set_planned_status(conn, planned)
    report.timings["status"] = time.perf_counter() - mark
    report.seconds = time.perf_counter() - started
    return report


def recompute(
    db: Database,
    catalog: Catalog,
    *,
    through_month: int | None = None,
    now: datetime | None = None,
) -> RecomputeReport:
    """Replace every stored KPI value with a fresh roll-up, in one write transaction.

    ``through_month`` (YYYYMM) ends the roll-up; by default the latest approved month. The
    catalog must have been synced into the warehouse (``WAREHOUSE_NOT_SYNCED`` otherwise).
    """
    with db.write() as conn:
        return recompute_on(conn, catalog, through_month=through_month, now=now)


__all__ = [
    "PERIOD_TYPES",
    "RecomputeReport",
    "build_spec",
    "kpi_members",
    "month_range_of",
    "periods_between",
    "plan_and_status",
    "recompute",
    "recompute_on",
]
