"""Every KPI, by priority, with the province's latest published value and status."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from dbmis.app.context import PageContext
from dbmis.app.pages.common import no_release, point_value, status_badge, status_legend, table
from dbmis.kpis.status import Status


def title(ctx: PageContext) -> str:
    return ctx.t("kpis.title")


def layout(ctx: PageContext) -> Component:
    release = ctx.site.latest()
    cards = {c.kpi: c for c in ctx.site.kpi_cards(ctx.lang)} if release else {}
    sections: list[Component] = []
    for priority in ctx.catalog.roadmap.priorities:
        rows = []
        for kpi in (k for k in ctx.catalog.kpis if k.priority == priority.code):
            card = cards.get(kpi.code)
            latest = card.latest if card else None
            rows.append(
                [
                    html.A(kpi.name.get(ctx.lang), href=ctx.link(f"/kpi/{kpi.code}")),
                    point_value(kpi, latest, ctx.lang),
                    ctx.period(latest.period if latest else None),
                    status_badge(card.status if card else Status.no_data, ctx.lang),
                ]
            )
        sections.append(
            html.Section(
                [
                    html.H2(priority.name.get(ctx.lang)),
                    html.P(priority.description.get(ctx.lang)),
                    table(
                        [
                            ctx.t("col.kpi"),
                            ctx.t("col.value"),
                            ctx.t("col.period"),
                            ctx.t("col.status"),
                        ],
                        rows,
                        caption=ctx.t(
                            "kpis.caption",
                            priority=priority.name.get(ctx.lang),
                            province=ctx.catalog.roadmap.province.get(ctx.lang),
                        ),
                        numeric=(1,),
                    ),
                ]
            )
        )
    return html.Div(
        [
            html.H1(ctx.t("kpis.title")),
            *([] if release else [no_release(ctx)]),
            *sections,
            status_legend(ctx),
        ]
    )
