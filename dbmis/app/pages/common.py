"""Pieces the pages share: status badges and legend, accessible tables, notices, values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.context import PageContext
from dbmis.app.i18n import MISSING, fmt_percent, fmt_value, period_label, t
from dbmis.catalog.models import Kpi, Target
from dbmis.kpis.public import Point
from dbmis.kpis.status import STATUS_ORDER, Status, status_label

STATUS_SYMBOLS: dict[Status, str] = {
    Status.target_met: "★",
    Status.on_track: "✓",
    Status.at_risk: "▲",
    Status.off_track: "✗",
    Status.no_data: "○",
}
"""A symbol per status, so that status is never told by colour alone."""


def status_badge(status: Status | str | None, lang: str) -> Component:
    """The status as symbol + word (+ colour); None: "not judged" (no trajectory of its own)."""
    if status is None:
        return html.Span(t("status.none", lang), className="status status-none")
    s = Status(status)
    return html.Span(
        [
            html.Span(STATUS_SYMBOLS[s], className="status-symbol", **aria(hidden="true")),
            " ",
            status_label(s, lang),
        ],
        className=f"status status-{s.value}",
    )


def status_legend(ctx: PageContext) -> Component:
    items = [
        html.Li([status_badge(s, ctx.lang), " ", html.Span(ctx.t(f"status.meaning.{s.value}"))])
        for s in STATUS_ORDER
    ]
    return html.Section(
        [html.H2(ctx.t("legend.title"), id="legend-title"), html.Ul(items, className="legend")],
        className="status-legend",
        **aria(labelledby="legend-title"),
    )


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    caption: str | None = None,
    numeric: Sequence[int] = (),
    class_name: str = "data-table",
) -> Component:
    """An HTML table with a caption and column headers (``scope="col"``); the first cell of a
    row is its header (``scope="row"``). Columns listed in ``numeric`` align as numbers."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(c, scope="col", className="num" if i in numeric else None)
                for i, c in enumerate(columns)
            ]
        )
    )
    body_rows = []
    for row in rows:
        cells: list[Component] = []
        for i, value in enumerate(row):
            cls = "num" if i in numeric else None
            if i == 0:
                cells.append(html.Th(value, scope="row", className=cls))
            else:
                cells.append(html.Td(value, className=cls))
        body_rows.append(html.Tr(cells))
    parts: list[Component] = []
    if caption:
        parts.append(html.Caption(caption))
    parts.extend([head, html.Tbody(body_rows)])
    return html.Div(html.Table(parts, className=class_name), className="table-wrap", tabIndex="0")


def no_release(ctx: PageContext) -> Component:
    return html.P(ctx.t("release.none"), className="notice")


def value_text(kpi: Kpi, value: float | None, lang: str) -> str:
    return fmt_value(value, kpi.unit.value, kpi.decimals, lang)


def point_value(kpi: Kpi, point: Point | None, lang: str) -> str:
    return value_text(kpi, point.value if point else None, lang)


def completeness_text(point: Point | None, lang: str) -> str:
    return fmt_percent(point.completeness if point else None, lang)


def target_text(ctx: PageContext, kpi: Kpi, target: Target | None) -> str:
    if target is None:
        return ctx.t("target.none")
    fy = ctx.catalog.roadmap.fiscal_year_start_month
    return ctx.t(
        "target.text",
        value=value_text(kpi, target.target.value, ctx.lang),
        period=period_label(target.target.period, ctx.lang, fy),
    )


def baseline_text(ctx: PageContext, kpi: Kpi, target: Target | None) -> str:
    if target is None:
        return MISSING
    fy = ctx.catalog.roadmap.fiscal_year_start_month
    return ctx.t(
        "target.baseline",
        value=value_text(kpi, target.baseline.value, ctx.lang),
        period=period_label(target.baseline.period, ctx.lang, fy),
    )


def direction_text(ctx: PageContext, kpi: Kpi) -> str:
    return ctx.t(f"direction.{kpi.direction.value}")


def flagged_note(ctx: PageContext, point: Point | None) -> str:
    return ctx.t("value.incomplete") if point is not None and point.flagged else ""
