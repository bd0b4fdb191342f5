"""One KPI: its definition, formula, target and trajectory; its published figures for a place
and a period type against the plan (chart + table); the districts compared for one period
(bars, map, table); downloads of what is shown.

The state is in the URL: ``?geo=division:CODE&period=quarter&at=2026Q1`` (links and a plain
GET form: no callbacks). Every figure comes from the latest release through
:mod:`dbmis.kpis.public` and is drawn by the pure builders of :mod:`dbmis.app.figures`.
"""

from __future__ import annotations

import plotly.graph_objects as go
from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.figures import (
    FIGURE_CONFIG,
    MAP_CONFIG,
    BarRow,
    catalog_map_inputs,
    district_bars,
    district_map,
    districts_not_drawn,
    trajectory_figure,
)
from dbmis.app.figures import Point as FigPoint
from dbmis.app.i18n import date_label, fmt_number, fmt_percent, month_label, period_type_label
from dbmis.app.pages import charts, kpi_plan
from dbmis.app.pages.common import (
    baseline_text,
    direction_text,
    no_release,
    point_value,
    status_badge,
    status_legend,
    table,
    target_text,
    value_text,
)
from dbmis.app.pages.kpi_view import (
    TrajectoryView,
    bars_target,
    comparison,
    district_periods,
    trajectory_view,
)
from dbmis.catalog.models import Kpi
from dbmis.kpis.public import PERIOD_TYPES, DistrictComparison, Point, province_target


def title(ctx: PageContext, code: str) -> str:
    return ctx.catalog.kpi_by_code[code].name.get(ctx.lang)


# --- facts ---------------------------------------------------------------------------------


def _formula(ctx: PageContext, kpi: Kpi) -> str:
    names = ctx.catalog.indicator_by_code

    def side(codes: list[str]) -> str:
        return " + ".join(names[c].name.get(ctx.lang) if c in names else c for c in codes)

    text = side(kpi.numerator)
    if kpi.denominator:
        text = f"({text}) ÷ ({side(kpi.denominator)})"
    if kpi.factor != 1:
        text = f"{text} × {fmt_number(kpi.factor, 0 if kpi.factor.is_integer() else 2)}"
    return text


def completeness_line(ctx: PageContext, point: Point | None) -> str:
    """Received / expected district returns for a figure's period (and the share)."""
    from dbmis.app.i18n import MISSING

    if point is None:
        return MISSING
    when = ctx.period(point.period)
    share = fmt_percent(point.completeness, ctx.lang)
    if point.received is not None and point.expected:
        text = ctx.t(
            "kpi.completeness_text",
            received=fmt_number(point.received, 0, ctx.lang),
            expected=fmt_number(point.expected, 0, ctx.lang),
            period=when,
            share=share,
        )
    else:
        text = ctx.t("kpi.completeness_share", share=share, period=when)
    if point.flagged:
        text = f"{charts.FLAG} {text} {ctx.t('value.incomplete')}"
    return text


def _facts(ctx: PageContext, kpi: Kpi, view: TrajectoryView | None) -> Component:
    target = province_target(ctx.catalog, kpi.code)
    pairs: list[tuple[str, str]] = [
        ("kpi.definition", kpi.definition.get(ctx.lang)),
        ("kpi.formula", _formula(ctx, kpi)),
        ("kpi.unit", ctx.t(f"unit_name.{kpi.unit.value}")),
        ("kpi.direction", direction_text(ctx, kpi)),
        ("card.target", target_text(ctx, kpi, target)),
        ("card.baseline", baseline_text(ctx, kpi, target)),
        (
            "kpi.assessed_on",
            ctx.t("fig.list_sep").join(period_type_label(k, ctx.lang) for k in kpi.assessed_on),
        ),
        ("kpi.source", kpi.source.get(ctx.lang)),
    ]
    if view is not None:
        release = view.series.release
        pairs.append(("kpi.completeness", completeness_line(ctx, view.series.latest)))
        pairs.append(
            (
                "kpi.updated",
                ctx.t(
                    "kpi.updated_text",
                    number=fmt_number(release.number, 0, ctx.lang),
                    date=date_label(release.published_at, ctx.lang),
                    through=month_label(release.through_month, ctx.lang),
                ),
            )
        )
    children: list[Component] = []
    for key, value in pairs:
        children += [html.Dt(ctx.t(key)), html.Dd(value)]
    return html.Dl(children, className="facts")


# --- choices -------------------------------------------------------------------------------


def _chip(text: str, href: str, current: bool) -> Component:
    return html.Li(
        html.A(
            text,
            href=href,
            className="chip current" if current else "chip",
            **(aria(current="true") if current else {}),
        )
    )


def _places(ctx: PageContext, kind: str) -> Component:
    """Links to every place (the province, each division and its districts), keeping the
    period type; the current place is marked."""
    cat = ctx.catalog
    current = ctx.query.geo or "province"

    def link(text: str, geo: str) -> Component:
        here = geo == current
        return html.A(
            text,
            href=ctx.href(geo=None if geo == "province" else geo, period=kind),
            className="current" if here else None,
            **(aria(current="true") if here else {}),
        )

    groups: list[Component] = [html.Li(link(cat.roadmap.province.get(ctx.lang), "province"))]
    for division in cat.divisions:
        groups.append(
            html.Li(
                [
                    link(division.name.get(ctx.lang), f"division:{division.code}"),
                    html.Ul(
                        [
                            html.Li(link(d.name.get(ctx.lang), f"district:{d.code}"))
                            for d in cat.districts_of(division.code)
                        ]
                    ),
                ]
            )
        )
    return html.Ul(groups, className="places")


def _choices(ctx: PageContext, kpi: Kpi, kind: str, place: str) -> Component:
    period_links = [
        _chip(period_type_label(k, ctx.lang), ctx.href(period=k, at=None), k == kind)
        for k in PERIOD_TYPES
    ]
    return html.Div(
        [
            html.Nav(
                [html.H3(ctx.t("choose.period")), html.Ul(period_links, className="chips")],
                **aria(label=ctx.t("choose.period")),
            ),
            html.P(ctx.t("kpi.place_now", place=place), className="place-now"),
            html.Details(
                [html.Summary(ctx.t("choose.place")), _places(ctx, kind)],
                className="place-chooser",
            ),
        ],
        className="choices",
    )


# --- the series against the plan -----------------------------------------------------------


def _no_plan_note(ctx: PageContext, kpi: Kpi, view: TrajectoryView, place: str) -> str | None:
    reason = view.no_plan_reason
    if reason is None:
        return None
    if reason == "assessed":
        types = ctx.t("fig.list_sep").join(period_type_label(k, ctx.lang) for k in kpi.assessed_on)
        return ctx.t("kpi.not_assessed", types=types)
    return ctx.t(f"kpi.no_plan_{reason}", place=place)


def _forecast_note(ctx: PageContext, kpi: Kpi, view: TrajectoryView) -> str | None:
    fc, plan = view.forecast, view.plan
    if fc is None or plan is None or fc.value_at_target is None:
        return None
    verdict = ctx.t("kpi.forecast_meets" if fc.meets_target else "kpi.forecast_misses")
    return ctx.t(
        "kpi.forecast_text",
        months=fmt_number(fc.points_used, 0, ctx.lang),
        value=value_text(kpi, fc.value_at_target, ctx.lang),
        period=month_label(plan.end_month, ctx.lang),
        verdict=verdict,
    )


def _annotations_by_index(fig: go.Figure, order: list[str]) -> None:
    """Place the baseline and target annotations by category index: plotly.js reads an
    annotation's x of "2022" on a category axis as the number 2022 (not the category), which
    stretches the axis and squeezes every yearly chart into its left edge."""
    position = {label: i for i, label in enumerate(order)}
    for note in fig.layout.annotations:
        if isinstance(note.x, str) and note.x in position:
            note.x = position[note.x]


def trajectory_chart(
    ctx: PageContext,
    kpi: Kpi,
    view: TrajectoryView,
    place: str,
    milestones: list[kpi_plan.ChartMilestone] | None = None,
) -> Component:
    """The chart (actual, plan, baseline, target, forecast, the published action-plan
    milestones) and the same figures as a table."""
    milestones = milestones or []
    kind_name = period_type_label(view.kind, ctx.lang)
    name = kpi.name.get(ctx.lang)
    plan = view.plan
    fig = trajectory_figure(
        [FigPoint(r.label, r.actual) for r in view.actual_rows],
        [FigPoint(r.label, r.planned) for r in view.planned_rows],
        target=FigPoint(view.target.label, plan.target_value) if plan and view.target else None,
        baseline=(
            FigPoint(view.baseline.label, plan.baseline_value) if plan and view.baseline else None
        ),
        forecast=[FigPoint(r.label, r.forecast) for r in view.forecast_rows],
        milestones=[m.marker for m in milestones],
        unit_label=charts.unit_label(ctx, kpi),
        decimals=kpi.decimals,
        labels={**charts.figure_labels(ctx), **kpi_plan.figure_labels(ctx)},
        lang=ctx.lang,
        x_order=[r.label for r in view.rows],
    )
    # long period names ("Jan–Mar 2026"): let plotly tilt them when they would overlap (a phone)
    fig.layout.xaxis.tickangle = None
    fig.layout.xaxis.nticks = 6
    _annotations_by_index(fig, [r.label for r in view.rows])
    label = ctx.t(
        "kpi.chart_label" if plan is not None else "kpi.chart_label_noplan",
        name=name,
        place=place,
        period_type=kind_name,
    )
    columns = [ctx.t("col.period"), ctx.t("col.value")]
    numeric = [1]
    if plan is not None:
        columns.append(ctx.t("col.planned"))
        numeric.append(2)
    has_forecast = bool(view.forecast_rows)
    if has_forecast:
        columns.append(ctx.t("col.forecast"))
        numeric.append(len(columns) - 1)
    columns += [ctx.t("col.status"), ctx.t("col.completeness"), ctx.t("col.note")]
    numeric.append(len(columns) - 2)
    rows = []
    for r in view.rows:
        value = value_text(kpi, r.actual, ctx.lang)
        if r.point is not None and r.point.flagged:
            value = f"{value} {charts.FLAG}"
        cells: list[object] = [r.label, value]
        if plan is not None:
            cells.append(value_text(kpi, r.planned, ctx.lang))
        if has_forecast:
            cells.append(value_text(kpi, r.forecast, ctx.lang))
        cells += [
            status_badge(r.point.status, ctx.lang) if r.point is not None else "",
            fmt_percent(r.point.completeness, ctx.lang) if r.point is not None else "",
            "; ".join(
                [
                    *r.notes,
                    *(kpi_plan.milestone_note(ctx, m) for m in milestones if m.period == r.period),
                ]
            ),
        ]
        rows.append(cells)
    caption = ctx.t(
        "kpi.trajectory_caption" if plan is not None else "kpi.series_table_caption",
        name=name,
        place=place,
        period_type=kind_name,
    )
    notes = [
        n
        for n in (_no_plan_note(ctx, kpi, view, place), _forecast_note(ctx, kpi, view))
        if n is not None
    ]
    return html.Div(
        [
            *[html.P(n, className="notice") for n in notes],
            charts.figure(fig, label=label, config=FIGURE_CONFIG, graph_id="kpi-trajectory"),
            table(columns, rows, caption=caption, numeric=numeric),
            html.P(ctx.t("kpi.flag_note"), className="muted"),
            *([html.P(ctx.t("plan.kpi.chart_note"), className="muted")] if milestones else []),
            charts.download_links(
                ctx,
                ctx.t("kpi.download_series", place=place, period_type=kind_name),
                kpi=kpi.code,
                geo_level=view.geo_level,
                geo_code=view.geo_code,
                period_type=view.kind,
            ),
        ],
        className="trajectory",
    )


# --- districts compared ---------------------------------------------------------------------


def _at_choices(ctx: PageContext, kpi: Kpi, kind: str, current: str | None) -> Component:
    periods = district_periods(ctx, kpi, kind)
    chips = [_chip(ctx.period(p), ctx.href(period=kind, at=p), p == current) for p in periods]
    return html.Details(
        [
            html.Summary(ctx.t("kpi.choose_at") + ": " + ctx.period(current)),
            html.Ul(chips, className="chips"),
        ],
        className="at-chooser",
    )


def district_figures(
    ctx: PageContext, kpi: Kpi, kind: str, highlight: str | None = None
) -> Component:
    """Bars, table and map of every district for one period (``?at=``, default the latest
    period with a district figure)."""
    comp: DistrictComparison | None = comparison(ctx, kpi, kind)
    if comp is None:
        return no_release(ctx)
    if comp.period is None:
        return html.P(ctx.t("kpi.no_values"))
    if all(row.point is None or row.point.value is None for row in comp.rows):
        return html.Div([_at_choices(ctx, kpi, kind, comp.period), html.P(ctx.t("kpi.no_values"))])
    name = kpi.name.get(ctx.lang)
    when = ctx.period(comp.period)
    cat = ctx.catalog
    labels = charts.figure_labels(ctx)
    unit = charts.unit_label(ctx, kpi)
    bar_rows = [
        BarRow(
            code=row.district,
            name=cat.district_by_code[row.district].name.get(ctx.lang),
            value=row.point.value if row.point else None,
            completeness=row.point.completeness if row.point else None,
            flagged=bool(row.point and row.point.flagged),
            status=row.point.status.value if row.point and row.point.status else None,
        )
        for row in comp.rows
    ]
    bars = district_bars(
        bar_rows,
        unit_label=unit,
        decimals=kpi.decimals,
        highlight=highlight,
        target=bars_target(ctx, kpi, kind),
        direction=kpi.direction.value,
        labels=labels,
        lang=ctx.lang,
    )
    outlines, names, missing, attribution = catalog_map_inputs(cat, ctx.lang)
    values = {r.code: r.value for r in bar_rows}
    map_fig = district_map(
        values,
        outlines,
        names=names,
        unit_label=unit,
        decimals=kpi.decimals,
        labels=labels,
        lang=ctx.lang,
        missing_outline=missing,
        attribution=attribution,
    )
    not_drawn = set(districts_not_drawn(names, outlines, missing, values))
    rows = []
    for row in comp.rows:
        d = cat.district_by_code[row.district]
        value = point_value(kpi, row.point, ctx.lang)
        if row.point is not None and row.point.flagged:
            value = f"{value} {charts.FLAG}"
        rows.append(
            [
                html.A(
                    d.name.get(ctx.lang),
                    href=ctx.href(geo=f"district:{d.code}"),
                ),
                fmt_number(row.rank, 0, ctx.lang) if row.rank else "–",
                value,
                status_badge(row.point.status if row.point else None, ctx.lang),
                fmt_percent(row.point.completeness if row.point else None, ctx.lang),
                ctx.t("no") if d.code in not_drawn else ctx.t("yes"),
            ]
        )
    caption = ctx.t(
        "kpi.districts_caption",
        name=name,
        period=when,
        province=point_value(kpi, comp.province, ctx.lang),
    )
    drawn_note = (
        ctx.t(
            "kpi.not_drawn",
            districts=ctx.t("fig.list_sep").join(names.get(c, c) for c in names if c in not_drawn),
        )
        if not_drawn
        else ctx.t("kpi.all_drawn")
    )
    return html.Div(
        [
            _at_choices(ctx, kpi, kind, comp.period),
            html.H3(ctx.t("kpi.bars_title")),
            charts.figure(
                bars,
                label=ctx.t("kpi.bars_label", name=name, period=when),
                config=FIGURE_CONFIG,
                graph_id="kpi-bars",
            ),
            table(
                [
                    ctx.t("col.district"),
                    ctx.t("col.rank"),
                    ctx.t("col.value"),
                    ctx.t("col.status"),
                    ctx.t("col.completeness"),
                    ctx.t("col.on_map"),
                ],
                rows,
                caption=caption,
                numeric=(1, 2, 4),
            ),
            html.P(ctx.t("kpi.rank_note"), className="muted"),
            html.H3(ctx.t("kpi.map_title")),
            charts.figure(
                map_fig,
                label=ctx.t("kpi.map_label", name=name, period=when),
                config=MAP_CONFIG,
                class_name="chart map",
                graph_id="kpi-map",
            ),
            html.P(drawn_note, className="not-drawn"),
            charts.download_links(
                ctx,
                ctx.t("kpi.download_districts", period=when),
                kpi=kpi.code,
                geo_level="district",
                period_type=kind,
                period=comp.period,
            ),
        ],
        className="districts-compared",
    )


# --- the page --------------------------------------------------------------------------------


def layout(ctx: PageContext, code: str) -> Component:
    kpi = ctx.catalog.kpi_by_code[code]
    priority = next((p for p in ctx.catalog.roadmap.priorities if p.code == kpi.priority), None)
    view = trajectory_view(ctx, kpi)
    head: list[Component | None] = [
        html.P(priority.name.get(ctx.lang), className="eyebrow") if priority else None,
        html.H1(kpi.name.get(ctx.lang)),
        _facts(ctx, kpi, view),
    ]
    if view is None:
        plan_part = kpi_plan.plan_section(ctx, kpi, None)
        return html.Div([*head, no_release(ctx), plan_part, status_legend(ctx)])
    place = ctx.place_name(view.geo_level, view.geo_code)
    highlight = view.geo_code if view.geo_level == "district" else None
    plan = kpi_plan.published_for(ctx, kpi)
    marks = kpi_plan.chart_milestones(
        ctx, kpi, plan, view.kind, [(r.period, r.label) for r in view.rows]
    )
    series_part: Component = (
        trajectory_chart(ctx, kpi, view, place, marks)
        if view.rows and view.series.points
        else html.P(ctx.t("kpi.no_values"))
    )
    return html.Div(
        [
            *head,
            html.Section(
                [
                    html.H2(ctx.t("kpi.trajectory_title")),
                    _choices(ctx, kpi, view.kind, place),
                    series_part,
                ],
            ),
            kpi_plan.plan_section(ctx, kpi, plan),
            html.Section(
                [html.H2(ctx.t("kpi.districts")), district_figures(ctx, kpi, view.kind, highlight)]
            ),
            html.P(ctx.t("kpi.status_note"), className="muted"),
            status_legend(ctx),
        ]
    )
