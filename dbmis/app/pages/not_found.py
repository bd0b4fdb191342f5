"""The page for an unknown address (the server answers 404)."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from dbmis.app.context import PageContext


def title(ctx: PageContext) -> str:
    return ctx.t("notfound.title")


def layout(ctx: PageContext) -> Component:
    return html.Div(
        [
            html.H1(ctx.t("notfound.title")),
            html.P(ctx.t("notfound.text")),
            html.Ul(
                [
                    html.Li(html.A(ctx.t("nav.home"), href=ctx.link("/"))),
                    html.Li(html.A(ctx.t("nav.kpis"), href=ctx.link("/kpi"))),
                    html.Li(html.A(ctx.t("nav.districts"), href=ctx.link("/district"))),
                    html.Li(html.A(ctx.t("nav.data"), href=ctx.link("/data"))),
                ]
            ),
        ],
        className="not-found",
    )
