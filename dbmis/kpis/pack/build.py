"""Build the stocktake pack's :class:`~dbmis.kpis.pack.model.PackData` from the warehouse.

Everything comes from named functions, never from SQL here:

- stored KPI values (:func:`dbmis.warehouse.queries.rollup.kpi_values`, as last recomputed from
  the approved data): each KPI's figure for the stocktake, its province series and its
  districts;
- the catalog's targets and :func:`dbmis.kpis.trajectory.trajectories`: baseline, target and
  the planned trajectory; :func:`dbmis.kpis.forecast.forecast` for the trend line;
- :func:`dbmis.kpis.stocktake.summary`: the DU's judgements, problems, actions, decisions;
- :mod:`dbmis.warehouse.queries.pack`: monthly returns for the data-quality annex, demo data;
- :func:`dbmis.warehouse.queries.releases.latest_release`: the latest published release;
- :func:`dbmis.kpis.pack.plan.plan_lines`: the action plan's activities behind each KPI.

Which figure a KPI is judged on follows its province target's period: a KPI whose target is
a month or a quarter is judged on the quarter of the stocktake (its value over the quarter, a
ratio of sums; stocks at the quarter's last month); a KPI whose target is a calendar or fiscal
year (yearly counts, fiscal-year-to-date funds) on the year or fiscal year holding the
quarter's last month, to date while it runs. When that period has no value yet, the latest
earlier period of the same type that has one is shown, with its own label.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from dbmis.catalog import Catalog
from dbmis.catalog.models import Kpi, Target
from dbmis.errors import NotFoundError
from dbmis.kpis import stocktake
from dbmis.kpis.forecast import forecast
from dbmis.kpis.pack import fmt
from dbmis.kpis.pack.model import (
    ActionItem,
    Criterion,
    DataQuality,
    DecisionItem,
    ForecastLine,
    InstitutionReporting,
    Judgement,
    KpiSection,
    League,
    LeagueRow,
    PackData,
    SeriesPoint,
)
from dbmis.kpis.pack.plan import plan_lines
from dbmis.kpis.status import Status, status_for_period
from dbmis.kpis.trajectory import PROVINCE, Trajectory, planned_for_period, trajectories
from dbmis.periods import (
    Period,
    PeriodType,
    add_months,
    months_between,
    parse_period,
    period_of,
    split_month,
)
from dbmis.warehouse import Database
from dbmis.warehouse.queries import pack as pack_queries
from dbmis.warehouse.queries.releases import latest_release
from dbmis.warehouse.queries.rollup import kpi_values

LEAGUE_SIZE = 5
"""Best and worst districts shown; with at most twice as many ranked, all are shown."""


# --- small helpers ---------------------------------------------------------------------------


def _num(value: Any) -> float | None:
    """A stored number as float, None for NULL/NaN."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _str(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def judged_period_type(target: Target | None, fiscal_start_month: int = 7) -> PeriodType:
    """The period type a KPI is judged on at a stocktake, from its province target."""
    if target is None:
        return PeriodType.quarter
    kind = parse_period(target.target.period, fiscal_start_month).type
    if kind in (PeriodType.year, PeriodType.fiscal_year):
        return kind
    return PeriodType.quarter


def judged_period(quarter: Period, kind: PeriodType, fiscal_start_month: int = 7) -> Period:
    """The period of ``kind`` a stocktake of ``quarter`` judges: the quarter itself, or the
    (fiscal) year holding its last month."""
    if kind is PeriodType.quarter:
        return quarter
    return period_of(quarter.last, kind, fiscal_start_month)


def deadline(month: int, days: int) -> date:
    """The day by which a month's return is due: ``days`` after the month's last day."""
    year, mon = split_month(month)
    return date(year, mon, calendar.monthrange(year, mon)[1]) + timedelta(days=days)


def _months_covered(row: pd.Series, districts: int) -> int:
    """How many months of its period a stored value covers (expected = districts x months)."""
    expected = int(row["expected"])
    return expected // districts if districts else 0


def _point(row: pd.Series, districts: int, fiscal_start_month: int) -> SeriesPoint:
    period = parse_period(str(row["period"]), fiscal_start_month)
    covered = _months_covered(row, districts)
    return SeriesPoint(
        period=str(row["period"]),
        period_end=int(row["period_end"]),
        actual=_num(row["value"]),
        planned=_num(row["planned"]),
        completeness=_num(row["completeness"]),
        flagged=bool(row["flagged"]),
        partial=covered < len(period.months),
        numerator=_num(row["numerator"]),
        denominator=_num(row["denominator"]),
        status=_str(row["status"]),
    )


# --- one KPI ---------------------------------------------------------------------------------


def _province_target(catalog: Catalog, code: str) -> Target | None:
    return next((t for t in catalog.targets_of(code) if t.is_province), None)


def _indicator_names(catalog: Catalog, codes: Sequence[str]) -> str | None:
    names = [catalog.indicator_by_code[c].name.en for c in codes if c in catalog.indicator_by_code]
    if not names:
        return None
    text = " + ".join(names)
    return text[0].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _series(
    rows: pd.DataFrame,
    kind: PeriodType,
    traj: Trajectory | None,
    target: Target | None,
    districts: int,
    fiscal_start_month: int,
) -> tuple[SeriesPoint, ...]:
    """The province series to chart: monthly for a KPI judged by quarter, else by (fiscal) year,
    from the first period with data; yearly series go on to the target period with the plan."""
    series_type = PeriodType.month if kind is PeriodType.quarter else kind
    own = rows[rows["period_type"] == series_type.value].sort_values("period_end")
    with_data = own[own["received"] > 0]
    if with_data.empty:
        own = own.iloc[0:0]
    else:
        first = int(with_data["period_end"].min())
        last = int(with_data["period_end"].max())
        own = own[(own["period_end"] >= first) & (own["period_end"] <= last)]
    points = [_point(row, districts, fiscal_start_month) for _, row in own.iterrows()]
    if series_type is not PeriodType.month and traj is not None and target is not None:
        end = parse_period(target.target.period, fiscal_start_month).last
        month = add_months(points[-1].period_end, 1) if points else traj.start_month
        while month <= end:
            period = period_of(month, series_type, fiscal_start_month)
            if not points or period.last > points[-1].period_end:
                points.append(
                    SeriesPoint(
                        period=period.label,
                        period_end=period.last,
                        actual=None,
                        planned=planned_for_period(traj, period),
                    )
                )
            month = add_months(period.last, 1)
    return tuple(points)


def _forecast(
    series: Sequence[SeriesPoint], traj: Trajectory | None, kpi: Kpi
) -> ForecastLine | None:
    if traj is None:
        return None
    data = [(p.period_end, p.actual) for p in series if p.actual is not None]
    if not data or data[-1][0] >= traj.end_month:
        return None
    result = forecast(
        [(m, float(v)) for m, v in data],
        target_month=traj.end_month,
        target_value=traj.target_value,
        direction=kpi.direction,
    )
    if (
        result.value_at_target is None
        or result.slope_per_month is None
        or result.intercept is None
        or result.first_month is None
        or result.last_month is None
    ):
        return None
    start = result.intercept + result.slope_per_month * months_between(
        result.first_month, result.last_month
    )
    return ForecastLine(
        start_month=result.last_month,
        start_value=start,
        end_month=result.target_month,
        end_value=result.value_at_target,
        meets_target=result.meets_target,
        points_used=result.points_used,
        method=result.method,
    )


def _league(catalog: Catalog, rows: pd.DataFrame, period: str | None, kpi: Kpi) -> League | None:
    """Districts ranked best first. Rates rank on their value; totals (no denominator: counts,
    hours, rupees) rank on their value as a share of the district's own plan when every ranked
    district has one, else on the value."""
    if period is None:
        return None
    own = rows[rows["period"] == period]
    if own.empty:
        return League(period=period)
    ranked = own[own["value"].notna()].copy()
    ranked["name"] = [catalog.district_by_code[c].name.en for c in ranked["geo_code"]]
    total = not kpi.denominator and str(kpi.unit) in ("count", "hours", "pkr")
    by_plan = total and not ranked.empty and bool((ranked["planned"] > 0).all())
    ranked["key"] = ranked["value"] / ranked["planned"] if by_plan else ranked["value"]
    ranked = ranked.sort_values(
        ["key", "name"], ascending=[kpi.direction != "up", True], kind="mergesort"
    )
    out: list[LeagueRow] = []
    for rank, (_, row) in enumerate(ranked.iterrows(), start=1):
        d = catalog.district_by_code[str(row["geo_code"])]
        out.append(
            LeagueRow(
                rank=rank,
                district=d.code,
                district_name=d.name.en,
                division_name=catalog.division_by_code[d.division].name.en,
                value=_num(row["value"]),
                completeness=float(row["completeness"]),
                flagged=bool(row["flagged"]),
                status=_str(row["status"]),
                numerator=_num(row["numerator"]),
                denominator=_num(row["denominator"]),
                planned=_num(row["planned"]),
            )
        )
    unranked = tuple(
        sorted(
            catalog.district_by_code[c].name.en
            for c in own.loc[own["value"].isna(), "geo_code"]
            if c in catalog.district_by_code
        )
    )
    best: tuple[LeagueRow, ...]
    worst: tuple[LeagueRow, ...]
    if len(out) <= 2 * LEAGUE_SIZE:
        best, worst = tuple(out), ()
    else:
        best, worst = tuple(out[:LEAGUE_SIZE]), tuple(out[-LEAGUE_SIZE:])
    return League(
        period=period,
        basis="plan" if by_plan else "value",
        best=best,
        worst=worst,
        ranked=len(out),
        unranked=unranked,
        flagged_count=sum(1 for r in out if r.flagged),
    )


def _judgement(item: stocktake.KpiStocktake | None) -> Judgement | None:
    if item is None or item.judgement is None:
        return None
    j = item.judgement
    return Judgement(
        likelihood=j.likelihood,
        rationale=j.rationale,
        criteria=tuple(Criterion(name=label, rating=r) for label, r in j.criteria_labelled()),
        previous=item.previous.likelihood if item.previous else None,
        previous_quarter=item.previous.quarter if item.previous else None,
        change=item.arrow,
        assessed_on=j.assessed_at.date() if j.assessed_at else None,
    )


def _actions(items: Sequence[stocktake.ActionItem], quarter: str) -> tuple[ActionItem, ...]:
    return tuple(
        ActionItem(
            description=a.description,
            owner=a.owner,
            due=a.due_date,
            status=a.status,
            overdue=a.overdue,
            kpi=a.kpi,
            carried_from=a.quarter if a.carried or a.quarter != quarter else None,
        )
        for a in items
    )


def _decisions(items: Sequence[stocktake.DecisionItem]) -> tuple[DecisionItem, ...]:
    return tuple(
        DecisionItem(kind=d.kind, text=d.text, decided_on=d.decided_at, kpi=d.kpi) for d in items
    )


def _section(
    catalog: Catalog,
    kpi: Kpi,
    quarter: Period,
    province: pd.DataFrame,
    district_rows: pd.DataFrame,
    plans: dict[tuple[str, str], Trajectory],
    item: stocktake.KpiStocktake | None,
) -> KpiSection:
    fy = catalog.roadmap.fiscal_year_start_month
    n_districts = len(catalog.districts)
    target = _province_target(catalog, kpi.code)
    traj = plans.get((kpi.code, PROVINCE))
    kind = judged_period_type(target, fy)
    wanted = judged_period(quarter, kind, fy)

    rows = province[province["kpi"] == kpi.code]
    typed = rows[(rows["period_type"] == kind.value) & (rows["period_end"] <= wanted.last)]
    typed = typed.sort_values("period_end")
    chosen = typed[typed["period"] == wanted.label]
    if chosen.empty or chosen["value"].isna().all():
        earlier = typed[typed["value"].notna()]
        if not earlier.empty:
            chosen = earlier.tail(1)
    period_label: str | None = wanted.label
    value = planned = completeness = None
    flagged = partial = False
    through: int | None = None
    status: str = Status.no_data.value
    if not chosen.empty:
        row = chosen.iloc[-1]
        period_label = str(row["period"])
        period = parse_period(period_label, fy)
        value = _num(row["value"])
        planned = _num(row["planned"])
        completeness = _num(row["completeness"])
        flagged = bool(row["flagged"])
        covered = _months_covered(row, n_districts)
        partial = 0 < covered < len(period.months)
        through = add_months(period.first, covered - 1) if partial else None
        status = _str(row["status"]) or Status.no_data.value
        if _str(row["status"]) is None and traj is not None:
            status = str(status_for_period(traj, value, period, direction=kpi.direction))
            planned = planned if planned is not None else planned_for_period(traj, period)

    series = _series(rows, kind, traj, target, n_districts, fy)
    league_rows = district_rows[
        (district_rows["kpi"] == kpi.code) & (district_rows["period_type"] == kind.value)
    ]
    league = _league(catalog, league_rows, period_label if not chosen.empty else None, kpi)
    baseline_month = traj.start_month if traj else None
    target_month = traj.end_month if traj else None
    return KpiSection(
        code=kpi.code,
        name=kpi.name.en,
        short_name=kpi.short_name.en,
        priority=next(
            (p.name.en for p in catalog.roadmap.priorities if p.code == kpi.priority), kpi.priority
        ),
        definition=kpi.definition.en,
        source=kpi.source.en,
        unit=str(kpi.unit),
        decimals=kpi.decimals,
        direction=str(kpi.direction),
        headline=kpi.headline,
        period=period_label,
        period_type=kind.value,
        period_partial=partial,
        period_through=through,
        value=value,
        planned=planned,
        status=status,
        completeness=completeness,
        flagged=flagged,
        baseline_value=target.baseline.value if target else None,
        baseline_period=target.baseline.period if target else None,
        baseline_month=baseline_month,
        target_value=target.target.value if target else None,
        target_period=target.target.period if target else None,
        target_month=target_month,
        tolerance=target.tolerance if target else None,
        shape=str(target.shape) if target else None,
        target_note=target.note if target else None,
        denominator_name=_indicator_names(catalog, kpi.denominator) if kpi.denominator else None,
        series_type=PeriodType.month.value if kind is PeriodType.quarter else kind.value,
        series=series,
        trajectory=tuple(sorted(traj.values.items())) if traj else (),
        forecast=_forecast(series, traj, kpi) if kind is PeriodType.quarter else None,
        league=league,
        judgement=_judgement(item),
        problems=tuple(p.description for p in item.problems) if item else (),
        actions=_actions(item.actions, quarter.label) if item else (),
        decisions=_decisions(item.decisions) if item else (),
    )


# --- data quality ----------------------------------------------------------------------------


def _ranked(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def data_quality(
    catalog: Catalog, returns: pd.DataFrame, quarter: Period, today: date
) -> DataQuality:
    """Monthly returns of each institution for the quarter's months due by ``today``."""
    days = catalog.roadmap.reporting_deadline_days
    due = tuple(m for m in quarter.months if deadline(m, days) < today)
    not_due = tuple(m for m in quarter.months if m not in due)
    index: dict[tuple[str, str, int], Any] = {}
    for row in returns.itertuples(index=False):
        index[(str(row.district), str(row.institution), int(row.month))] = row
    out = []
    for inst in catalog.institutions:
        on_time = late = pending = missing = 0
        late_d: dict[str, int] = {}
        missing_d: dict[str, int] = {}
        pending_d: dict[str, int] = {}
        for d in catalog.districts:
            for m in due:
                row = index.get((d.code, inst.code, m))
                name = d.name.en
                if row is not None and row.approved:
                    received = row.first_received_at
                    if isinstance(received, datetime) and received.date() > deadline(m, days):
                        late += 1
                        late_d[name] = late_d.get(name, 0) + 1
                    else:
                        on_time += 1
                elif row is not None and row.pending:
                    pending += 1
                    pending_d[name] = pending_d.get(name, 0) + 1
                else:
                    missing += 1
                    missing_d[name] = missing_d.get(name, 0) + 1
        out.append(
            InstitutionReporting(
                institution=inst.code,
                name=inst.name.en,
                expected=len(catalog.districts) * len(due),
                on_time=on_time,
                late=late,
                pending=pending,
                missing=missing,
                late_districts=_ranked(late_d),
                missing_districts=_ranked(missing_d),
                pending_districts=_ranked(pending_d),
            )
        )
    return DataQuality(
        quarter=quarter.label,
        months=due,
        deadline_days=days,
        institutions=tuple(out),
        not_due_months=not_due,
    )


# --- the pack --------------------------------------------------------------------------------


def build_pack_data(db: Database, catalog: Catalog, quarter: str, *, today: date) -> PackData:
    """Everything the stocktake pack of ``quarter`` (e.g. ``2026Q3``) shows, as of ``today``.

    Reads the stored KPI values as last recomputed: recompute (``dbmis kpis recompute``) after
    approving data. A quarter without a recorded stocktake gives a pack without judgements.
    """
    quarter = stocktake.check_quarter(quarter)
    q = parse_period(quarter)
    fy = catalog.roadmap.fiscal_year_start_month
    codes = [k.code for k in catalog.kpis]
    kinds = {judged_period_type(_province_target(catalog, c), fy).value for c in codes}
    with db.read() as conn:
        province = kpi_values(conn, kpi=codes, geo_level="province")
        district_rows = kpi_values(conn, kpi=codes, geo_level="district", period_type=sorted(kinds))
        returns = pack_queries.month_returns(conn, first_month=q.first, last_month=q.last)
        is_demo = pack_queries.holds_demo_data(conn)
        release = latest_release(conn)
    try:
        summary: stocktake.StocktakeSummary | None = stocktake.summary(
            db, quarter, today, kpis=codes
        )
    except NotFoundError:
        summary = None

    months = province[(province["period_type"] == "month") & (province["received"] > 0)]
    data_through = int(months["period_end"].max()) if not months.empty else None
    computed = province["computed_at"].dropna()
    computed_at = pd.Timestamp(computed.max()).to_pydatetime() if not computed.empty else None

    plans = trajectories(catalog)
    items = {i.kpi: i for i in summary.kpis} if summary else {}
    activities = plan_lines(db, catalog, quarter, today)
    sections = tuple(
        replace(
            _section(catalog, k, q, province, district_rows, plans, items.get(k.code)),
            activities=activities.get(k.code, ()),
        )
        for k in catalog.kpis
    )
    notes = []
    if computed_at is not None:
        notes.append(
            f"KPI values as recomputed from the approved data on {fmt.day(computed_at.date())}."
        )
    return PackData(
        title=catalog.roadmap.title.en,
        province=catalog.roadmap.province.en,
        quarter=quarter,
        quarter_label=fmt.quarter_label(quarter),
        generated_on=today,
        data_through=data_through,
        is_demo=is_demo or bool(release and release.is_demo),
        release_number=release.number if release else None,
        release_published_on=release.published_at.date() if release else None,
        release_through=release.through_month if release else None,
        stocktake_title=summary.title if summary else None,
        stocktake_status=summary.status if summary else None,
        meeting_date=summary.meeting_date if summary else None,
        previous_quarter=summary.previous_quarter if summary else None,
        completeness_threshold=catalog.roadmap.completeness_threshold,
        kpis=sections,
        data_quality=data_quality(catalog, returns, q, today),
        problems=tuple(p.description for p in summary.problems) if summary else (),
        actions=_actions(summary.actions, quarter) if summary else (),
        decisions=_decisions(summary.decisions) if summary else (),
        notes=tuple(notes),
        computed_at=computed_at,
        plan_as_of=None if catalog.plan.is_empty else today,
    )
