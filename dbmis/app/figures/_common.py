"""Shared pieces of the figure builders: fonts, the base layout, labels, number formatting.

Everything here is pure and cheap. Numeric arrays are handed to plotly as numpy float arrays
(``NaN`` for a missing value): plotly validates and serialises them about ten times faster
than Python lists (they travel as base64 typed arrays), and plotly.js treats ``NaN`` exactly
like ``null``: a gap in a line, a break between polygon rings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import plotly.graph_objects as go

XValue = str | int | date | datetime
"""An x value: a period label ("2025-03", "2025-Q1", "FY2024-25") or a date (a month)."""

FONT_LATIN = "Noto Sans, DejaVu Sans, Liberation Sans, Arial, sans-serif"
FONT_URDU = "Noto Naskh Arabic, Noto Sans Arabic, Noto Sans, DejaVu Sans, sans-serif"
"""System fonts only: plotly.js never fetches a font, the browser picks the first installed."""

INK = "#1f2933"  # text, 14.7:1 on white
MUTED = "#52606d"  # secondary text, 6.5:1 on white
GRID = "#e4e7eb"
PLANNED = "#3e4c59"  # the planned trajectory (dashed), 8.8:1 on white
ACTUAL = "#0b5cad"  # actual values, 6.7:1 on white
FORECAST = "#7b3f9e"  # forecast (dotted), 6.9:1 on white
BAND = "rgba(62, 76, 89, 0.12)"
TARGET = "#b3261e"  # 6.5:1 on white
BASELINE = "#52606d"

FIGURE_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "scrollZoom": False,
    "doubleClick": "reset",
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "autoScale2d",
        "toggleSpikelines",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
    ],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
"""``dcc.Graph(config=FIGURE_CONFIG)``: no plotly logo, no button that needs the network
(the PNG download is made in the browser), no scroll-zoom trap on a phone. Copy before
changing (``{**FIGURE_CONFIG, ...}``)."""

MAP_CONFIG: dict[str, Any] = {**FIGURE_CONFIG}
"""Config for :func:`~dbmis.app.figures.maps.district_map` (the map opens without a drag
mode, so a finger scrolls the page; the zoom buttons still zoom)."""

SPARKLINE_CONFIG: dict[str, Any] = {
    "staticPlot": True,
    "displayModeBar": False,
    "responsive": True,
}
"""Config for :func:`~dbmis.app.figures.trend.sparkline`: a picture, no interaction."""

DEFAULT_LABELS: dict[str, str] = {
    # series and marks
    "actual": "Actual",
    "planned": "Planned trajectory",
    "band": "On-track range",
    "target": "Target",
    "baseline": "Baseline",
    "forecast": "Forecast",
    "milestone": "Milestone",
    "milestones": "Action-plan milestones",
    # tables and hovers
    "period": "Period",
    "value": "Value",
    "low": "Range low",
    "high": "Range high",
    "district": "District",
    "rank": "Rank",
    "status": "Status",
    "completeness": "Completeness",
    "incomplete": "incomplete",
    "incomplete_legend": "Incomplete data (hatched)",
    "drawn": "On the map",
    "yes": "yes",
    "no": "no",
    "not_drawn": "Not drawn (no outline)",
    "list_sep": ", ",
    # statuses against trajectory
    "target_met": "Target met",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_data": "No data",
    # likelihood of delivery
    "green": "Green",
    "amber_green": "Amber-green",
    "amber_red": "Amber-red",
    "red": "Red",
    # action (milestone) statuses
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
    "overdue": "Overdue",
}
"""Every label key a builder reads, with its English text. Callers pass ``labels`` with the
keys they translate; a key they leave out falls back to this English text."""


def new_figure(
    data: Sequence[Mapping[str, Any]], layout: Mapping[str, Any], *, validate: bool = False
) -> go.Figure:
    """``go.Figure(data, layout)``, by default without plotly's property validation.

    Validation costs 1-3 ms a trace (5-20x the rest of a builder's work): the builders' tests
    build every figure with ``validate=True`` (plotly raises on any unknown or bad property)
    and check that the JSON is the same as without, so the fast path is safe for the inputs
    the builders produce. ``_validate`` is plotly's own switch (``BaseFigure.__init__``); if
    a future plotly drops it, this falls back to a validated figure."""
    if not validate:
        try:
            return go.Figure(data=list(data), layout=dict(layout), _validate=False)
        except (TypeError, ValueError):  # pragma: no cover - only if plotly drops _validate
            pass
    return go.Figure(data=list(data), layout=dict(layout))


def merged_labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_LABELS, **(labels or {})}


def is_rtl(lang: str) -> bool:
    return lang.split("-")[0].lower() in {"ur", "ar", "fa", "ps", "sd"}


def font_family(lang: str) -> str:
    return FONT_URDU if is_rtl(lang) else FONT_LATIN


def unit_suffix(unit_label: str) -> str:
    """``"%"`` sticks to the number (``12.5%``); any other unit follows a space."""
    if not unit_label:
        return ""
    return unit_label if unit_label in {"%", "‰"} else f" {unit_label}"


LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
"""Unicode bidi isolates. Plotly draws text in SVG with a left-to-right base direction, so
"ہدف: 20.0%" comes out scrambled (the "%" jumps to the far end). For a right-to-left
language, every label is a first-strong isolate (right-to-left when it starts with Urdu,
left-to-right for an English credit line) and numbers are isolated left-to-right inside
it; Chromium and Firefox honour both in SVG text: "20.0% :ہدف" as an Urdu reader expects."""


def bidi(text: str, lang: str) -> str:
    """Text in a figure: a first-strong isolate for a right-to-left language, else as is."""
    return f"{FSI}{text}{PDI}" if is_rtl(lang) and text else text


def bidi_number(text: str, lang: str) -> str:
    """A number (with its unit) inside right-to-left text: isolated left-to-right."""
    return f"{LRI}{text}{PDI}" if is_rtl(lang) and text else text


def fig_value(
    value: float | None, decimals: int, unit_label: str, lang: str, missing: str = "–"
) -> str:
    """:func:`fmt_value` for a figure: the number isolated left-to-right for Urdu."""
    if is_missing(value):
        return missing
    return bidi_number(fmt_value(value, decimals, unit_label), lang)


def fig_hover(name: str, field: str, decimals: int, unit_label: str, lang: str) -> str:
    """A hovertemplate "name: value unit" (no trace box), bidi-safe."""
    number = bidi_number(hover_number(field, decimals, unit_label), lang)
    return bidi(f"{escape_template(name)}: {number}", lang) + "<extra></extra>"


def fmt_value(value: float | None, decimals: int, unit_label: str = "", missing: str = "–") -> str:
    """``12.345, 1, "%" -> "12.3%"``; ``None``/NaN -> ``missing``."""
    if is_missing(value):
        return missing
    assert value is not None
    return f"{value:,.{decimals}f}{unit_suffix(unit_label)}"


def hover_number(field: str, decimals: int, unit_label: str) -> str:
    """A hovertemplate piece: ``%{y:,.1f}%``. The unit is escaped for the template."""
    return "%{" + field + ":,." + str(decimals) + "f}" + escape_template(unit_suffix(unit_label))


def escape_template(text: str) -> str:
    """Text shown literally inside a plotly hovertemplate (no ``%{...}`` substitution)."""
    return text.replace("%{", "%\u200b{")


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def float_array(values: Iterable[float | None]) -> np.ndarray:
    """Numbers for plotly: a float64 array, NaN where a value is missing."""
    return np.fromiter(
        (math.nan if is_missing(v) else float(v) for v in values),  # type: ignore[arg-type]
        dtype=float,
    )


def is_date(x: object) -> bool:
    return isinstance(x, date)


def x_kind(xs: Iterable[object]) -> str:
    """``"date"`` when every x is a date/datetime, else ``"category"``."""
    seen = False
    for x in xs:
        seen = True
        if not is_date(x):
            return "category"
    return "date" if seen else "category"


def x_value(x: object, kind: str) -> str:
    """An x value as plotly takes it: an ISO date on a date axis, a label on a category axis."""
    if kind == "date" and isinstance(x, date):
        return x.isoformat() if not isinstance(x, datetime) else x.date().isoformat()
    return str(x)


def merge_orders(sequences: Iterable[Sequence[str]]) -> list[str]:
    """Merge ordered lists of category labels into one order.

    Each sequence is assumed to be in time order. A label not seen yet is placed right after
    the previous label of its own sequence (or first, if it starts the sequence), so that a
    target period after the last planned period, or an actual period before the trajectory
    starts, lands in the right place."""
    order: list[str] = []
    seen: set[str] = set()
    for seq in sequences:
        prev: str | None = None
        for label in seq:
            if label not in seen:
                pos = 0 if prev is None else order.index(prev) + 1
                if prev is None and order:
                    # a sequence starting with an unseen label: keep it before its successors
                    # if one of them is already known, else put it at the end
                    nxt = next((lab for lab in seq if lab in seen), None)
                    pos = order.index(nxt) if nxt is not None else len(order)
                order.insert(pos, label)
                seen.add(label)
            prev = label
    return order


TITLE_PAD = 10
TITLE_PX = 40
TITLE_PAD_RTL = 34
TITLE_PX_RTL = 64
"""The title sits in the top TITLE_PX pixels of the figure; a top legend starts under it.
A right-aligned (Urdu) title goes one row lower, under the mode bar at the top right."""


def _legend_position(top: bool, title_px: int, height: int | None) -> dict[str, Any]:
    """Legend placement in container coordinates (pixels are known when the height is), so
    that plotly pushes the plot area away from the legend however many rows it wraps to
    on a narrow screen, and a top legend never covers the title."""
    if height is None:
        return {"y": 1.02, "yanchor": "bottom"} if top else {"y": -0.12, "yanchor": "top"}
    if top:
        offset = (title_px or 4) / height
        return {"yref": "container", "y": 1 - offset, "yanchor": "top"}
    return {"yref": "container", "y": 0, "yanchor": "bottom"}


def small_template() -> dict[str, Any]:
    """A tiny template of our own. Without one, plotly puts its default template (~7 KB of
    styles) into every figure; an empty one counts as none."""
    return {"layout": {"colorway": [ACTUAL, PLANNED, FORECAST, TARGET]}}


def base_layout(
    lang: str,
    *,
    title: str | None = None,
    height: int | None = None,
    margin: Mapping[str, int] | None = None,
    legend_top: bool = False,
) -> dict[str, Any]:
    """The layout every figure starts from: white, compact, responsive, system fonts, a
    horizontal legend (at the bottom unless ``legend_top``), right-aligned text for Urdu."""
    rtl = is_rtl(lang)
    fam = font_family(lang)
    title_px = (TITLE_PX_RTL if rtl else TITLE_PX) if title else 0
    layout: dict[str, Any] = {
        "template": small_template(),
        "autosize": True,
        "font": {"family": fam, "size": 14 if rtl else 13, "color": INK},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {
            "l": 8,
            "r": 8,
            "t": title_px or 12,
            "b": 8,
            "pad": 2,
            **(margin or {}),
        },
        "hoverlabel": {
            "font": {"family": fam, "size": 13},
            "align": "right" if rtl else "left",
            "bgcolor": "white",
            "bordercolor": MUTED,
        },
        "legend": {
            "orientation": "h",
            "x": 1 if rtl else 0,
            "xanchor": "right" if rtl else "left",
            "font": {"size": 12},
            "bgcolor": "rgba(255,255,255,0)",
            "traceorder": "normal",
            **_legend_position(legend_top, title_px, height),
        },
        "separators": ".,",
    }
    if title:
        layout["title"] = {
            "text": bidi(title, lang),
            "x": 0.98 if rtl else 0.02,
            "xanchor": "right" if rtl else "left",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": TITLE_PAD_RTL if rtl else TITLE_PAD},
            "font": {"size": 16},
        }
    if height is not None:
        layout["height"] = height
    return layout


def axis_style(**extra: Any) -> dict[str, Any]:
    """A light axis: grey grid, no zero line clutter, readable ticks."""
    return {
        "showgrid": True,
        "gridcolor": GRID,
        "zeroline": False,
        "linecolor": "#9aa5b1",
        "ticks": "outside",
        "tickcolor": "#9aa5b1",
        "ticklen": 4,
        "automargin": True,
        "fixedrange": False,
        **extra,
    }


def wrap_list(items: Sequence[str], width: int = 70, sep: str = ", ") -> str:
    """Join names, breaking lines (``<br>``) before ``width`` characters."""
    lines: list[str] = []
    line = ""
    for item in items:
        piece = item if not line else sep + item
        if line and len(line) + len(piece) > width:
            lines.append(line + sep.rstrip())
            line = item
        else:
            line += piece
    if line:
        lines.append(line)
    return "<br>".join(lines)


def wrap_words(text: str, width: int = 70) -> str:
    """Break ``text`` into ``<br>``-separated lines of at most about ``width`` characters."""
    return wrap_list(text.split(" "), width, " ")
