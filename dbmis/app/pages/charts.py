"""Pieces the KPI and district pages share around the figure builders: translated figure
labels, the unit shown in a figure, an accessible figure (``<figure>`` with an ``aria-label``
and a caption, the table beside it), download links, and period arithmetic."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.catalog.models import Kpi
from dbmis.kpis.status import STATUS_ORDER, status_label
from dbmis.periods import Period, PeriodType, month_range, parse_period, period_of

FLAG = "⚑"
"""Marks a figure with fewer district returns than expected (with words in the notes)."""

_FIG_KEYS = (
    "actual",
    "planned",
    "target",
    "baseline",
    "forecast",
    "value",
    "status",
    "completeness",
    "incomplete",
    "incomplete_legend",
    "not_drawn",
    "list_sep",
)


def figure_labels(ctx: PageContext) -> dict[str, str]:
    """The labels every figure builder reads, in the page's language."""
    labels = {key: ctx.t(f"fig.{key}") for key in _FIG_KEYS}
    labels.update({s.value: status_label(s, ctx.lang) for s in STATUS_ORDER})
    labels.update(
        district=ctx.t("col.district"),
        rank=ctx.t("col.rank"),
        period=ctx.t("col.period"),
        yes=ctx.t("yes"),
        no=ctx.t("no"),
    )
    return labels


def unit_label(ctx: PageContext, kpi: Kpi) -> str:
    """The unit a figure writes after its numbers ("%" for a percentage, "" for a count)."""
    if kpi.unit.value == "percent":
        return "%"
    if kpi.unit.value == "count":
        return ""
    return ctx.t(f"fig.unit.{kpi.unit.value}")


def figure(
    fig: go.Figure,
    *,
    label: str,
    config: dict[str, Any],
    class_name: str = "chart",
    graph_id: str | None = None,
) -> Component:
    """A ``dcc.Graph`` inside a ``<figure>`` named by ``label`` (also its visible caption).
    The table with the same figures goes right after it."""
    graph_args: dict[str, Any] = {"figure": fig, "config": config, "className": "chart-graph"}
    if graph_id is not None:
        graph_args["id"] = graph_id
    return html.Figure(
        [dcc.Graph(**graph_args), html.Figcaption(label, className="muted")],
        className=class_name,
        **aria(label=label),
    )


def download_links(ctx: PageContext, intro: str, **filters: str | None) -> Component:
    """Links to the CSV and Excel downloads of exactly the given filters (the API's)."""
    params = [(k, v) for k, v in filters.items() if v is not None]
    if ctx.lang != "en":
        params.append(("lang", ctx.lang))
    from urllib.parse import urlencode

    query = "?" + urlencode(params) if params else ""
    return html.P(
        [
            intro,
            " ",
            html.A(
                ctx.t("download.csv"),
                href=f"/download/values.csv{query}",
                className="download",
                download="",
            ),
            " · ",
            html.A(
                ctx.t("download.xlsx"),
                href=f"/download/values.xlsx{query}",
                className="download",
                download="",
            ),
        ],
        className="downloads",
    )


def period(ctx: PageContext, label: str) -> Period:
    return parse_period(label, ctx.catalog.roadmap.fiscal_year_start_month)


def periods_between(ctx: PageContext, first: int, last: int, kind: str) -> list[Period]:
    """Every period of type ``kind`` that holds a month from ``first`` to ``last`` (YYYYMM)."""
    fy = ctx.catalog.roadmap.fiscal_year_start_month
    out: dict[str, Period] = {}
    for month in month_range(first, last):
        p = period_of(month, PeriodType(kind), fy)
        out.setdefault(p.label, p)
    return list(out.values())


def period_at(ctx: PageContext, month: int, kind: str) -> Period:
    return period_of(month, PeriodType(kind), ctx.catalog.roadmap.fiscal_year_start_month)


__all__ = [
    "FLAG",
    "download_links",
    "figure",
    "figure_labels",
    "period",
    "period_at",
    "periods_between",
    "unit_label",
]
