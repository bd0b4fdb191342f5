"""What the KPI page draws, computed once and shared by each figure and its table: the
series of a place against its trajectory (with baseline, target and a forecast), and the
districts compared for one period. Plain data: the figure and the table are both built from
it, so they always show the same numbers."""

from __future__ import annotations

from dataclasses import dataclass

from dbmis.app.context import PageContext
from dbmis.app.pages.common import value_text
from dbmis.catalog.models import Kpi
from dbmis.kpis.forecast import Forecast, forecast
from dbmis.kpis.public import DistrictComparison, KpiSeries, Point, province_target
from dbmis.kpis.trajectory import Trajectory, planned_for_period
from dbmis.periods import months_between

from . import charts

MAX_AT_CHOICES = 40
"""How many periods the "period compared" chooser lists at most (newest first)."""


@dataclass(frozen=True)
class Row:
    """One period of the chart and its table."""

    period: str
    """the period's label (2026Q1)"""
    label: str
    """the period as the reader says it, in the page's language (also the chart's x)"""
    end: int
    point: Point | None
    planned: float | None
    forecast: float | None
    notes: tuple[str, ...] = ()

    @property
    def actual(self) -> float | None:
        return self.point.value if self.point is not None else None


@dataclass(frozen=True)
class TrajectoryView:
    kind: str
    geo_level: str
    geo_code: str
    series: KpiSeries
    rows: tuple[Row, ...]
    plan: Trajectory | None
    """the trajectory drawn (None: no plan shown)"""
    no_plan_reason: str | None
    """why no plan is shown: division, district, target, assessed (None when one is)"""
    baseline: Row | None
    target: Row | None
    forecast: Forecast | None

    @property
    def actual_rows(self) -> list[Row]:
        """The rows of the published series (from its first to its last value)."""
        return [r for r in self.rows if r.point is not None]

    @property
    def planned_rows(self) -> list[Row]:
        return [r for r in self.rows if r.planned is not None]

    @property
    def forecast_rows(self) -> list[Row]:
        return [r for r in self.rows if r.forecast is not None]


def _forecast(
    ctx: PageContext, kpi: Kpi, geo_level: str, geo_code: str, plan: Trajectory
) -> Forecast | None:
    """A Theil-Sen trend of the last monthly figures, to the target month; None when it
    cannot be computed (too few months, or the target date has passed)."""
    monthly = ctx.site.kpi_series(kpi.code, geo_level, geo_code, "month")
    if monthly is None:
        return None
    months = [(charts.period(ctx, p.period).last, p.value) for p in monthly.points]
    if not months or max(m for m, _ in months) >= plan.end_month:
        return None
    result = forecast(
        months,
        target_month=plan.end_month,
        target_value=plan.target_value,
        direction=kpi.direction,
    )
    return result if result.value_at_target is not None else None


def trajectory_view(ctx: PageContext, kpi: Kpi) -> TrajectoryView | None:
    """The series of the page's place and period type against its trajectory; None before
    the first release."""
    q = ctx.query
    series = ctx.site.kpi_series(kpi.code, q.geo_level, q.geo_code, q.period)
    if series is None:
        return None
    kind = series.period_type
    plan = ctx.site.trajectory(kpi.code, series.geo_level, series.geo_code)
    reason: str | None = None
    if plan is None:
        if series.geo_level == "division":
            reason = "division"
        elif series.geo_level == "district":
            reason = "district"
        else:
            reason = "target"
    elif kind not in kpi.assessed_on:
        plan, reason = None, "assessed"

    by_period: dict[str, Point] = {p.period: p for p in series.points}
    planned: dict[str, float | None] = {}
    forecasts: dict[str, float] = {}
    baseline_period = target_period = None
    fc: Forecast | None = None
    if plan is not None:
        for p in charts.periods_between(ctx, plan.start_month, plan.end_month, kind):
            planned[p.label] = planned_for_period(plan, p)
        for label in by_period:  # after the target date the plan holds at the target
            if label not in planned:
                planned[label] = planned_for_period(plan, charts.period(ctx, label))
        baseline_period = charts.period_at(ctx, plan.start_month, kind).label
        target_period = charts.period_at(ctx, plan.end_month, kind).label
        if "month" in kpi.assessed_on:
            fc = _forecast(ctx, kpi, series.geo_level, series.geo_code, plan)
        if fc is not None and fc.last_month is not None and fc.first_month is not None:
            slope, intercept = fc.slope_per_month or 0.0, fc.intercept or 0.0
            for p in charts.periods_between(ctx, fc.last_month, plan.end_month, kind):
                month = min(p.last, plan.end_month)
                forecasts[p.label] = intercept + slope * months_between(fc.first_month, month)

    labels = {*by_period, *planned, *forecasts}
    parsed = {label: charts.period(ctx, label) for label in labels}
    lang = ctx.lang
    rows: list[Row] = []
    for label in sorted(labels, key=lambda x: (parsed[x].last, parsed[x].first)):
        value = planned.get(label)
        notes: list[str] = []
        if plan is not None and label == baseline_period:
            notes.append(ctx.t("note.baseline", value=value_text(kpi, plan.baseline_value, lang)))
        if plan is not None and label == target_period:
            notes.append(ctx.t("note.target", value=value_text(kpi, plan.target_value, lang)))
        rows.append(
            Row(
                period=label,
                label=ctx.period(label),
                end=parsed[label].last,
                point=by_period.get(label),
                planned=value,
                forecast=forecasts.get(label),
                notes=tuple(notes),
            )
        )
    row_of = {r.period: r for r in rows}
    return TrajectoryView(
        kind=kind,
        geo_level=series.geo_level,
        geo_code=series.geo_code,
        series=series,
        rows=tuple(rows),
        plan=plan,
        no_plan_reason=reason,
        baseline=row_of.get(baseline_period) if baseline_period else None,
        target=row_of.get(target_period) if target_period else None,
        forecast=fc,
    )


def chosen_at(ctx: PageContext, kind: str) -> str | None:
    """The page's ``at`` when it is a period of ``kind`` (else None: the latest)."""
    at = ctx.query.at
    if at is None:
        return None
    return at if charts.period(ctx, at).type.value == kind else None


def comparison(ctx: PageContext, kpi: Kpi, kind: str) -> DistrictComparison | None:
    return ctx.site.district_comparison(kpi.code, kind, chosen_at(ctx, kind))


def district_periods(ctx: PageContext, kpi: Kpi, kind: str) -> list[str]:
    """Periods of ``kind`` with at least one district figure, newest first."""
    frame = ctx.site.values(kpi=kpi.code, geo_level="district", period_type=kind).frame
    if frame.empty:
        return []
    with_value = frame[frame["value"].notna()]
    ordered = with_value.sort_values("period_end", ascending=False)["period"]
    return list(dict.fromkeys(str(p) for p in ordered))[:MAX_AT_CHOICES]


def bars_target(ctx: PageContext, kpi: Kpi, kind: str) -> float | None:
    """The province's target value, drawn on the bars when the period type is judged and
    the KPI is a ratio (a province total is no yardstick for a district's count)."""
    target = province_target(ctx.catalog, kpi.code)
    if target is None or kind not in kpi.assessed_on or not kpi.denominator:
        return None
    return float(target.target.value)


__all__ = [
    "Row",
    "TrajectoryView",
    "bars_target",
    "chosen_at",
    "comparison",
    "district_periods",
    "trajectory_view",
]
