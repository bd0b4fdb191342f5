"""One district: every KPI's latest published figure (with its period), the province's figure
for the same period, the status (only where the district has a trajectory of its own), the
district's rank among the districts for that KPI and period (1 = best by the KPI's
direction, out of n with a figure), and a small trend (sparkline + table). Each KPI links to
its page with this district preselected."""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.figures import SPARKLINE_CONFIG, sparkline
from dbmis.app.figures import Point as FigPoint
from dbmis.app.i18n import fmt_number, fmt_percent, period_type_label
from dbmis.app.pages import charts
from dbmis.app.pages.common import (
    no_release,
    point_value,
    status_badge,
    status_legend,
    table,
    value_text,
)
from dbmis.catalog.models import Kpi
from dbmis.kpis.public import Point, ProfileRow

TREND_POINTS = 12
"""How many periods a KPI's trend shows at most."""


def title(ctx: PageContext, code: str) -> str:
    return ctx.catalog.district_by_code[code].name.get(ctx.lang)


def rank_of(
    ctx: PageContext, kpi: str, kind: str, period: str, district: str
) -> tuple[int, int] | None:
    """(rank, n): the district's place among the n districts with a figure for this KPI and
    period, 1 = best by the KPI's direction; None without a figure."""
    comp = ctx.site.district_comparison(kpi, kind, period)
    if comp is None:
        return None
    ranked = [r for r in comp.rows if r.rank is not None]
    mine = next((r for r in ranked if r.district == district), None)
    if mine is None or mine.rank is None:
        return None
    return mine.rank, len(ranked)


def _trend(ctx: PageContext, kpi: Kpi, code: str, kind: str) -> tuple[Point, ...]:
    series = ctx.site.kpi_series(kpi.code, "district", code, kind)
    return series.points[-TREND_POINTS:] if series is not None else ()


def _sparkline(points: tuple[Point, ...]) -> Component | None:
    if len([p for p in points if p.value is not None]) < 2:
        return None
    fig = sparkline(
        [FigPoint(p.period, p.value) for p in points],
        planned=[FigPoint(p.period, p.planned) for p in points if p.planned is not None],
    )
    return html.Div(
        dcc.Graph(figure=fig, config=SPARKLINE_CONFIG, className="sparkline-graph"),  # type: ignore[arg-type]
        className="sparkline",
        **aria(hidden="true"),
    )


def _card(ctx: PageContext, code: str, district_name: str, row: ProfileRow) -> Component:
    kpi = ctx.catalog.kpi_by_code[row.kpi]
    name = kpi.name.get(ctx.lang)
    point = row.district
    href = ctx.link(f"/kpi/{kpi.code}", geo=f"district:{code}", period=row.period_type)
    heading = html.H3(
        html.A(name, href=href, title=ctx.t("district.see_kpi", name=name, district=district_name))
    )
    if point is None:
        return html.Article(
            [heading, html.P(ctx.t("card.no_value"), className="card-period")],
            className="kpi-card district-kpi",
        )
    value = point_value(kpi, point, ctx.lang)
    rank = rank_of(ctx, kpi.code, row.period_type, point.period, code)
    facts: list[tuple[str, Component | str]] = [
        (ctx.t("col.status"), status_badge(point.status, ctx.lang)),
        (
            ctx.t("col.rank"),
            ctx.t(
                "district.rank",
                rank=fmt_number(rank[0], 0, ctx.lang),
                n=fmt_number(rank[1], 0, ctx.lang),
            )
            if rank
            else "–",
        ),
        (ctx.t("col.province_value"), point_value(kpi, row.province, ctx.lang)),
        (ctx.t("col.completeness"), fmt_percent(point.completeness, ctx.lang)),
    ]
    dl: list[Component] = []
    for key, text in facts:
        dl += [html.Dt(key), html.Dd(text)]
    points = _trend(ctx, kpi, code, row.period_type)
    trend_rows = [
        [
            ctx.period(p.period),
            value_text(kpi, p.value, ctx.lang) + (f" {charts.FLAG}" if p.flagged else ""),
            value_text(kpi, p.planned, ctx.lang),
            status_badge(p.status, ctx.lang),
        ]
        for p in points
    ]
    spark = _sparkline(points)
    return html.Article(
        [
            heading,
            html.P(
                [value, f" {charts.FLAG}" if point.flagged else ""],
                className="card-value num-inline",
            ),
            html.P(
                [
                    ctx.t("card.period", period=ctx.period(point.period)),
                    " · ",
                    period_type_label(row.period_type, ctx.lang),
                ],
                className="card-period",
            ),
            html.P(ctx.t("value.incomplete"), className="card-flag") if point.flagged else None,
            html.Dl(dl, className="card-facts"),
            *([spark] if spark is not None else []),
            html.Details(
                [
                    html.Summary(ctx.t("district.trend_table")),
                    table(
                        [
                            ctx.t("col.period"),
                            ctx.t("col.value"),
                            ctx.t("col.planned"),
                            ctx.t("col.status"),
                        ],
                        trend_rows,
                        caption=ctx.t("district.trend_caption", name=name, district=district_name),
                        numeric=(1, 2),
                    ),
                ]
            ),
        ],
        className="kpi-card district-kpi",
    )


def layout(ctx: PageContext, code: str) -> Component:
    cat = ctx.catalog
    district = cat.district_by_code[code]
    name = district.name.get(ctx.lang)
    division = cat.division_by_code.get(district.division)
    intro: list[Component | None] = [
        html.P(division.name.get(ctx.lang), className="eyebrow") if division else None,
        html.H1(name),
    ]
    if district.outline_note:
        intro.append(html.P(district.outline_note, className="muted", lang="en"))
    profile = ctx.site.district_profile(code)
    if profile is None:
        return html.Div([*intro, no_release(ctx)])
    cards = [_card(ctx, code, name, row) for row in profile.rows]
    return html.Div(
        [
            *intro,
            html.P(ctx.t("district.intro", province=cat.roadmap.province.get(ctx.lang))),
            html.Section(
                [
                    html.H2(ctx.t("district.kpis_title")),
                    html.P(ctx.t("district.rank_note"), className="muted"),
                    html.Div(cards, className="cards district-cards"),
                ]
            ),
            html.P(ctx.t("district.status_note"), className="muted"),
            html.P(ctx.t("kpi.flag_note"), className="muted"),
            status_legend(ctx),
        ]
    )
