"""Every district, by division, with links to their profiles."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from dbmis.app.context import PageContext


def title(ctx: PageContext) -> str:
    return ctx.t("districts.title")


def layout(ctx: PageContext) -> Component:
    sections = []
    for division in ctx.catalog.divisions:
        districts = sorted(
            ctx.catalog.districts_of(division.code), key=lambda d: d.name.get(ctx.lang)
        )
        sections.append(
            html.Section(
                [
                    html.H2(division.name.get(ctx.lang)),
                    html.Ul(
                        [
                            html.Li(
                                html.A(d.name.get(ctx.lang), href=ctx.link(f"/district/{d.code}"))
                            )
                            for d in districts
                        ],
                        className="columns",
                    ),
                ]
            )
        )
    return html.Div(
        [
            html.H1(ctx.t("districts.title")),
            html.P(
                ctx.t(
                    "districts.intro",
                    districts=len(ctx.catalog.districts),
                    divisions=len(ctx.catalog.divisions),
                    province=ctx.catalog.roadmap.province.get(ctx.lang),
                )
            ),
            *sections,
        ]
    )
