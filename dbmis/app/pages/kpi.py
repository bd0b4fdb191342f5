"""One KPI: its definition, target and trajectory, its published values for a place and a
period type (in the URL: ``?geo=district:QUETTA&period=month``), and the districts compared."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import fmt_number, period_type_label
from dbmis.app.pages.common import (
    baseline_text,
    completeness_text,
    direction_text,
    no_release,
    point_value,
    status_badge,
    status_legend,
    table,
    target_text,
    value_text,
)
from dbmis.catalog.models import Kpi
from dbmis.kpis.public import PERIOD_TYPES, judged_period_type, province_target


def title(ctx: PageContext, code: str) -> str:
    return ctx.catalog.kpi_by_code[code].name.get(ctx.lang)


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


def _facts(ctx: PageContext, kpi: Kpi) -> Component:
    target = province_target(ctx.catalog, kpi.code)
    pairs = [
        ("kpi.definition", kpi.definition.get(ctx.lang)),
        ("kpi.formula", _formula(ctx, kpi)),
        ("kpi.unit", ctx.t(f"unit_name.{kpi.unit.value}")),
        ("kpi.direction", direction_text(ctx, kpi)),
        ("card.target", target_text(ctx, kpi, target)),
        ("card.baseline", baseline_text(ctx, kpi, target)),
        ("kpi.source", kpi.source.get(ctx.lang)),
    ]
    children = []
    for key, value in pairs:
        children += [html.Dt(ctx.t(key)), html.Dd(value)]
    return html.Dl(children, className="facts")


def _choices(ctx: PageContext, kpi: Kpi) -> Component:
    period_links = []
    current_type = ctx.query.period or judged_period_type(ctx.catalog, kpi)
    for kind in PERIOD_TYPES:
        current = kind == current_type
        period_links.append(
            html.Li(
                html.A(
                    period_type_label(kind, ctx.lang),
                    href=ctx.href(period=kind, at=None),
                    **(aria(current="true") if current else {}),
                    className="chip current" if current else "chip",
                )
            )
        )
    cat = ctx.catalog
    place_groups = [html.Li(html.A(cat.roadmap.province.get(ctx.lang), href=ctx.href(geo=None)))]
    for division in cat.divisions:
        place_groups.append(
            html.Li(
                [
                    html.A(
                        division.name.get(ctx.lang), href=ctx.href(geo=f"division:{division.code}")
                    ),
                    html.Ul(
                        [
                            html.Li(
                                html.A(
                                    d.name.get(ctx.lang), href=ctx.href(geo=f"district:{d.code}")
                                )
                            )
                            for d in cat.districts_of(division.code)
                        ]
                    ),
                ]
            )
        )
    return html.Div(
        [
            html.Nav(
                [html.H3(ctx.t("choose.period")), html.Ul(period_links, className="chips")],
                **aria(label=ctx.t("choose.period")),
            ),
            html.Details(
                [html.Summary(ctx.t("choose.place")), html.Ul(place_groups, className="places")],
                className="place-chooser",
            ),
        ],
        className="choices",
    )


def _series(ctx: PageContext, kpi: Kpi) -> Component:
    q = ctx.query
    series = ctx.site.kpi_series(kpi.code, q.geo_level, q.geo_code, q.period)
    if series is None:
        return no_release(ctx)
    place = ctx.place_name(series.geo_level, series.geo_code)
    rows = [
        [
            ctx.period(p.period),
            point_value(kpi, p, ctx.lang),
            value_text(kpi, p.planned, ctx.lang),
            status_badge(p.status, ctx.lang),
            completeness_text(p, ctx.lang),
        ]
        for p in reversed(series.points)
    ]
    caption = ctx.t(
        "kpi.series_caption",
        name=kpi.name.get(ctx.lang),
        place=place,
        period_type=period_type_label(series.period_type, ctx.lang),
    )
    if not rows:
        return html.Div([html.H3(caption), html.P(ctx.t("kpi.no_values"))])
    return table(
        [
            ctx.t("col.period"),
            ctx.t("col.value"),
            ctx.t("col.planned"),
            ctx.t("col.status"),
            ctx.t("col.completeness"),
        ],
        rows,
        caption=caption,
        numeric=(1, 2, 4),
    )


def _districts(ctx: PageContext, kpi: Kpi) -> Component:
    q = ctx.query
    comparison = ctx.site.district_comparison(kpi.code, q.period, q.at)
    if comparison is None or comparison.period is None:
        return html.P(ctx.t("kpi.no_values"))
    rows = []
    for row in comparison.rows:
        d = ctx.catalog.district_by_code[row.district]
        rows.append(
            [
                html.A(
                    d.name.get(ctx.lang),
                    href=ctx.href(geo=f"district:{d.code}"),
                ),
                fmt_number(row.rank) if row.rank else "–",
                point_value(kpi, row.point, ctx.lang),
                status_badge(row.point.status if row.point else None, ctx.lang),
                completeness_text(row.point, ctx.lang),
            ]
        )
    caption = ctx.t(
        "kpi.districts_caption",
        name=kpi.name.get(ctx.lang),
        period=ctx.period(comparison.period),
        province=point_value(kpi, comparison.province, ctx.lang),
    )
    return table(
        [
            ctx.t("col.district"),
            ctx.t("col.rank"),
            ctx.t("col.value"),
            ctx.t("col.status"),
            ctx.t("col.completeness"),
        ],
        rows,
        caption=caption,
        numeric=(1, 2, 4),
    )


def layout(ctx: PageContext, code: str) -> Component:
    kpi = ctx.catalog.kpi_by_code[code]
    priority = next((p for p in ctx.catalog.roadmap.priorities if p.code == kpi.priority), None)
    return html.Div(
        [
            html.P(priority.name.get(ctx.lang), className="eyebrow") if priority else None,
            html.H1(kpi.name.get(ctx.lang)),
            _facts(ctx, kpi),
            html.Section(
                [html.H2(ctx.t("kpi.values")), _choices(ctx, kpi), _series(ctx, kpi)],
            ),
            html.Section([html.H2(ctx.t("kpi.districts")), _districts(ctx, kpi)]),
            html.P(ctx.t("kpi.status_note"), className="muted"),
            status_legend(ctx),
        ]
    )
