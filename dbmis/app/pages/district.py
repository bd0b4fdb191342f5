"""One district: every KPI's latest published value next to the province's for the same
period."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from dbmis.app.context import PageContext
from dbmis.app.pages.common import (
    completeness_text,
    no_release,
    point_value,
    status_badge,
    status_legend,
    table,
)


def title(ctx: PageContext, code: str) -> str:
    return ctx.catalog.district_by_code[code].name.get(ctx.lang)


def layout(ctx: PageContext, code: str) -> Component:
    cat = ctx.catalog
    district = cat.district_by_code[code]
    division = cat.division_by_code.get(district.division)
    intro: list[Component | None] = [
        html.P(division.name.get(ctx.lang), className="eyebrow") if division else None,
        html.H1(district.name.get(ctx.lang)),
    ]
    if district.outline_note:
        intro.append(html.P(district.outline_note, className="muted", lang="en"))
    profile = ctx.site.district_profile(code)
    if profile is None:
        return html.Div([*intro, no_release(ctx)])
    rows = []
    for row in profile.rows:
        kpi = cat.kpi_by_code[row.kpi]
        point = row.district
        rows.append(
            [
                html.A(
                    kpi.name.get(ctx.lang),
                    href=ctx.link(f"/kpi/{kpi.code}", geo=f"district:{code}"),
                ),
                ctx.period(point.period if point else None),
                point_value(kpi, point, ctx.lang),
                point_value(kpi, row.province, ctx.lang),
                status_badge(point.status if point else None, ctx.lang),
                completeness_text(point, ctx.lang),
            ]
        )
    return html.Div(
        [
            *intro,
            html.P(ctx.t("district.intro", province=cat.roadmap.province.get(ctx.lang))),
            table(
                [
                    ctx.t("col.kpi"),
                    ctx.t("col.period"),
                    ctx.t("col.district_value"),
                    ctx.t("col.province_value"),
                    ctx.t("col.status"),
                    ctx.t("col.completeness"),
                ],
                rows,
                caption=ctx.t("district.caption", district=district.name.get(ctx.lang)),
                numeric=(2, 3, 5),
            ),
            html.P(ctx.t("district.status_note"), className="muted"),
            status_legend(ctx),
        ]
    )
