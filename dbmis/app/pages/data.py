"""The published data: filters in the URL (``?kpi=...&level=district&period=quarter``), the
CSV and Excel downloads and the API for those filters, and the values as a paged table."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import fmt_number, period_type_label
from dbmis.app.pages.common import no_release, status_badge, table, value_text
from dbmis.kpis.public import GEO_LEVELS, PERIOD_TYPES

PAGE_SIZE = 50


def title(ctx: PageContext) -> str:
    return ctx.t("data.title")


def filters(ctx: PageContext) -> dict[str, str]:
    """The API's query parameters for this page's filters."""
    q = ctx.query
    out: dict[str, str] = {}
    if q.kpi:
        out["kpi"] = q.kpi
    level = q.level
    if q.geo is not None and q.geo_code is not None:
        out["geo_level"], out["geo_code"] = q.geo_level, q.geo_code
    elif q.geo == "province":
        out["geo_level"] = "province"
    elif level:
        out["geo_level"] = level
    if q.period:
        out["period_type"] = q.period
    if q.at:
        out["period"] = q.at
    return out


def _chips(
    ctx: PageContext, label: str, options: list[tuple[str, dict[str, Any], bool]]
) -> Component:
    items = []
    for text, changes, current in options:
        items.append(
            html.Li(
                html.A(
                    text,
                    href=ctx.href(**changes),
                    className="chip current" if current else "chip",
                    **(aria(current="true") if current else {}),
                )
            )
        )
    return html.Div([html.H3(label), html.Ul(items, className="chips")], className="filter-group")


def _filters(ctx: PageContext) -> Component:
    q = ctx.query
    kpis = [(ctx.t("filter.all"), {"kpi": None}, q.kpi is None)] + [
        (k.short_name.get(ctx.lang), {"kpi": k.code}, q.kpi == k.code) for k in ctx.catalog.kpis
    ]
    levels = [
        (ctx.t("filter.all"), {"level": None, "geo": None}, q.level is None and q.geo is None)
    ] + [
        (ctx.t(f"level.{lvl}"), {"level": lvl, "geo": None}, q.level == lvl and q.geo is None)
        for lvl in GEO_LEVELS
    ]
    periods = [(ctx.t("filter.all"), {"period": None, "at": None}, q.period is None)] + [
        (period_type_label(p, ctx.lang), {"period": p, "at": None}, q.period == p)
        for p in PERIOD_TYPES
    ]
    groups = [
        _chips(ctx, ctx.t("filter.kpi"), kpis),
        _chips(ctx, ctx.t("filter.level"), levels),
        _chips(ctx, ctx.t("filter.period"), periods),
    ]
    if q.geo is not None:
        groups.append(
            html.P(
                [
                    ctx.t("filter.place", place=ctx.place_name(q.geo_level, q.geo_code)),
                    " ",
                    html.A(ctx.t("filter.clear_place"), href=ctx.href(geo=None)),
                ]
            )
        )
    if q.at is not None:
        groups.append(
            html.P(
                [
                    ctx.t("filter.at", period=ctx.period(q.at)),
                    " ",
                    html.A(ctx.t("filter.clear_at"), href=ctx.href(at=None)),
                ]
            )
        )
    return html.Section(
        [html.H2(ctx.t("data.filters"), id="filters-title"), *groups],
        className="filters",
        **aria(labelledby="filters-title"),
    )


def _downloads(ctx: PageContext, params: dict[str, str]) -> Component:
    with_lang = {**params, **({"lang": ctx.lang} if ctx.lang != "en" else {})}
    suffix = "?" + urlencode(with_lang) if with_lang else ""
    api_suffix = "?" + urlencode(params) if params else ""
    return html.Section(
        [
            html.H2(ctx.t("data.downloads"), id="downloads-title"),
            html.P(ctx.t("data.downloads_intro")),
            html.Ul(
                [
                    html.Li(html.A(ctx.t("data.csv"), href=f"/download/values.csv{suffix}")),
                    html.Li(html.A(ctx.t("data.xlsx"), href=f"/download/values.xlsx{suffix}")),
                    html.Li(html.A(ctx.t("data.api"), href=f"/api/v1/values{api_suffix}")),
                    html.Li(html.A(ctx.t("data.openapi"), href="/api/v1/openapi.json")),
                ]
            ),
        ],
        **aria(labelledby="downloads-title"),
    )


def _table(ctx: PageContext, params: dict[str, str]) -> Component:
    published = ctx.site.values(**params)
    frame = published.frame
    total = len(frame)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(ctx.query.page, pages)
    chunk = frame.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    cat = ctx.catalog
    rows = []
    for r in chunk.itertuples(index=False):
        kpi = cat.kpi_by_code.get(str(r.kpi))
        name = kpi.short_name.get(ctx.lang) if kpi else str(r.kpi)
        value = value_text(kpi, r.value, ctx.lang) if kpi else fmt_number(r.value, 2)
        planned = value_text(kpi, r.planned, ctx.lang) if kpi else fmt_number(r.planned, 2)
        rows.append(
            [
                name,
                ctx.place_name(str(r.geo_level), str(r.geo_code)),
                ctx.period(str(r.period)),
                value,
                planned,
                status_badge(r.status if isinstance(r.status, str) else None, ctx.lang),
            ]
        )
    nav: list[Component] = []
    if page > 1:
        nav.append(html.A(ctx.t("pager.previous"), href=ctx.href(page=page - 1), rel="prev"))
    nav.append(
        html.Span(
            ctx.t(
                "pager.status",
                page=fmt_number(page),
                pages=fmt_number(pages),
                total=fmt_number(total),
            )
        )
    )
    if page < pages:
        nav.append(html.A(ctx.t("pager.next"), href=ctx.href(page=page + 1), rel="next"))
    return html.Section(
        [
            html.H2(ctx.t("data.values"), id="values-title"),
            table(
                [
                    ctx.t("col.kpi"),
                    ctx.t("col.place"),
                    ctx.t("col.period"),
                    ctx.t("col.value"),
                    ctx.t("col.planned"),
                    ctx.t("col.status"),
                ],
                rows,
                caption=ctx.t("data.caption", total=fmt_number(total)),
                numeric=(3, 4),
            )
            if rows
            else html.P(ctx.t("data.empty")),
            html.Nav(nav, className="pager", **aria(label=ctx.t("pager.label"))),
        ],
        **aria(labelledby="values-title"),
    )


def layout(ctx: PageContext) -> Component:
    release = ctx.site.latest()
    intro = [html.H1(ctx.t("data.title")), html.P(ctx.t("data.intro"))]
    if release is None:
        return html.Div([*intro, no_release(ctx)])
    params = filters(ctx)
    return html.Div(
        [
            *intro,
            html.P(ctx.t("data.release", number=release.number)),
            _filters(ctx),
            _downloads(ctx, params),
            _table(ctx, params),
        ]
    )
