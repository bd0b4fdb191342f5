"""About: the Roadmap, how figures are published, how status is judged, every KPI's
definition and source, the releases so far, and the API."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from dbmis.app.context import PageContext
from dbmis.app.i18n import date_label, fmt_number, month_label
from dbmis.app.pages.common import baseline_text, direction_text, status_legend, table, target_text
from dbmis.kpis.public import province_target


def title(ctx: PageContext) -> str:
    return ctx.t("about.title")


def _kpis(ctx: PageContext) -> Component:
    rows = []
    for kpi in ctx.catalog.kpis:
        target = province_target(ctx.catalog, kpi.code)
        rows.append(
            [
                html.A(kpi.name.get(ctx.lang), href=ctx.link(f"/kpi/{kpi.code}")),
                kpi.definition.get(ctx.lang),
                direction_text(ctx, kpi),
                baseline_text(ctx, kpi, target),
                target_text(ctx, kpi, target),
                kpi.source.get(ctx.lang),
            ]
        )
    return table(
        [
            ctx.t("col.kpi"),
            ctx.t("kpi.definition"),
            ctx.t("kpi.direction"),
            ctx.t("card.baseline"),
            ctx.t("card.target"),
            ctx.t("kpi.source"),
        ],
        rows,
        caption=ctx.t("about.kpis_caption"),
    )


def _releases(ctx: PageContext) -> Component:
    releases = ctx.site.releases()
    if not releases:
        return html.P(ctx.t("release.none"))
    rows = [
        [
            fmt_number(r.number),
            date_label(r.published_at, ctx.lang),
            month_label(r.through_month, ctx.lang),
            fmt_number(r.values),
            html.Bdi(r.note, dir="auto") if r.note else "",
        ]
        for r in releases
    ]
    return table(
        [
            ctx.t("col.release"),
            ctx.t("col.published"),
            ctx.t("col.through"),
            ctx.t("col.values"),
            ctx.t("col.note"),
        ],
        rows,
        caption=ctx.t("about.releases_caption"),
        numeric=(0, 3),
    )


def layout(ctx: PageContext) -> Component:
    road = ctx.catalog.roadmap
    attribution = ctx.catalog.geography.outlines_attribution
    return html.Div(
        [
            html.H1(ctx.t("about.title")),
            html.P(road.summary.get(ctx.lang), className="lead"),
            html.Section(
                [
                    html.H2(ctx.t("about.publishing")),
                    html.P(ctx.t("about.publishing_text")),
                    html.P(ctx.t("about.numbers_text")),
                ]
            ),
            html.Section(
                [
                    html.H2(ctx.t("about.status")),
                    html.P(ctx.t("about.status_intro")),
                    html.Ol([html.Li(ctx.t(f"about.status_rule{i}")) for i in range(1, 6)]),
                ]
            ),
            status_legend(ctx),
            html.Section([html.H2(ctx.t("about.kpis")), _kpis(ctx)]),
            html.Section([html.H2(ctx.t("about.releases")), _releases(ctx)]),
            html.Section(
                [
                    html.H2(ctx.t("about.reuse")),
                    html.P(ctx.t("about.reuse_text")),
                    html.Ul(
                        [
                            html.Li(html.A(ctx.t("data.title"), href=ctx.link("/data"))),
                            html.Li(html.A(ctx.t("data.openapi"), href="/api/v1/openapi.json")),
                        ]
                    ),
                    *([html.P(ctx.t("about.outlines", source=attribution))] if attribution else []),
                ]
            ),
        ]
    )
