"""A KPI against its trajectory over time, and the sparkline of a KPI card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from dbmis.app.figures._common import (
    ACTUAL,
    BAND,
    BASELINE,
    FORECAST,
    PLANNED,
    TARGET,
    XValue,
    axis_style,
    base_layout,
    bidi,
    fig_hover,
    fig_value,
    float_array,
    is_missing,
    is_rtl,
    merge_orders,
    merged_labels,
    new_figure,
    small_template,
    x_kind,
    x_value,
)


@dataclass(frozen=True)
class Point:
    """One value of a series. ``value=None`` is a period without data (a gap in the line)."""

    x: XValue
    value: float | None


@dataclass(frozen=True)
class Marker:
    """An action-plan milestone: a vertical marker at ``x`` with ``label`` in its hover text.

    ``status`` is an action status (open, in_progress, done, dropped) or ``overdue``."""

    x: XValue
    label: str
    status: str | None = None


BandPoint = tuple[XValue, float | None, float | None]
"""``(x, low, high)``: the on-track range around the planned value."""

MILESTONE_STYLE: Mapping[str, tuple[str, str, str]] = {
    # status -> (text symbol, plotly marker symbol, colour)
    "done": ("✓", "circle", "#1e6b52"),
    "in_progress": ("●", "triangle-up", "#0b5cad"),
    "open": ("○", "circle-open", "#52606d"),
    "overdue": ("!", "x", "#b3261e"),
    "dropped": ("✕", "line-ew-open", "#616161"),
}
_MILESTONE_DEFAULT = ("◆", "diamond", "#52606d")


def _xs(points: Sequence[Point], kind: str) -> list[str]:
    return [x_value(p.x, kind) for p in points]


def period_order(
    actual: Sequence[Point],
    planned: Sequence[Point],
    target: Point | None = None,
    baseline: Point | None = None,
    forecast: Sequence[Point] = (),
    milestones: Sequence[Marker] = (),
    band: Sequence[BandPoint] = (),
) -> list[str]:
    """The category order of period labels: the timeline baseline -> plan -> target, with
    the periods of the other series merged in (each series is in time order)."""
    kind = "category"
    timeline = [
        *([x_value(baseline.x, kind)] if baseline else []),
        *_xs(planned, kind),
        *([x_value(target.x, kind)] if target else []),
    ]
    return merge_orders(
        [
            timeline,
            _xs(actual, kind),
            _xs(forecast, kind),
            [x_value(b[0], kind) for b in band],
            sorted(x_value(m.x, kind) for m in milestones),
        ]
    )


def trajectory_figure(
    actual: Sequence[Point],
    planned: Sequence[Point],
    *,
    target: Point | None = None,
    baseline: Point | None = None,
    forecast: Sequence[Point] = (),
    milestones: Sequence[Marker] = (),
    band: Sequence[BandPoint] = (),
    unit_label: str = "",
    decimals: int = 1,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "en",
    height: int = 380,
    x_order: Sequence[XValue] | None = None,
    y_from_zero: bool = True,
    validate: bool = False,
) -> go.Figure:
    """A KPI's actual values against its planned trajectory.

    Traces, in this order, each only when it has data: the on-track ``band`` (two traces, the
    upper one filled down to the lower), ``planned`` (dashed), ``actual`` (line with markers,
    broken where a value is ``None``), ``forecast`` (dotted), ``baseline`` (a diamond),
    ``target`` (a star), ``milestones`` (markers along the bottom, symbol and colour by
    status, a vertical dotted line each, label and status in the hover; then a legend-only
    trace with a neutral symbol). Baseline and target carry an annotation with their value
    and stay out of the legend (it stays short on a phone).

    x values are period labels (a category axis, in the order of ``x_order`` or else merged
    from the series) or ``datetime.date`` values (a date axis). Use one kind in one figure.
    Hover shows every series at the pointed period, with ``decimals`` and ``unit_label``.
    """
    lab = merged_labels(labels)
    everything: list[XValue] = [
        *(p.x for p in actual),
        *(p.x for p in planned),
        *(p.x for p in forecast),
        *(b[0] for b in band),
        *(m.x for m in milestones),
        *([target.x] if target else []),
        *([baseline.x] if baseline else []),
    ]
    kind = x_kind(everything)
    traces: list[dict[str, Any]] = []

    def line_hover(name: str) -> str:
        return fig_hover(name, "y", decimals, unit_label, lang)

    if band:
        bx = [x_value(b[0], kind) for b in band]
        traces.append(
            {
                "type": "scatter",
                "x": bx,
                "y": float_array(b[1] for b in band),
                "mode": "lines",
                "line": {"width": 0, "color": BAND},
                "hoverinfo": "skip",
                "showlegend": False,
                "legendgroup": "band",
                "name": bidi(lab["low"], lang),
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": bx,
                "y": float_array(b[2] for b in band),
                "mode": "lines",
                "line": {"width": 0, "color": BAND},
                "fill": "tonexty",
                "fillcolor": BAND,
                "hoverinfo": "skip",
                "legendgroup": "band",
                "name": bidi(lab["band"], lang),
            }
        )
    if planned:
        traces.append(
            {
                "type": "scatter",
                "x": _xs(planned, kind),
                "y": float_array(p.value for p in planned),
                "mode": "lines",
                "line": {"color": PLANNED, "width": 2, "dash": "dash"},
                "name": bidi(lab["planned"], lang),
                "hovertemplate": line_hover(lab["planned"]),
            }
        )
    if actual:
        traces.append(
            {
                "type": "scatter",
                "x": _xs(actual, kind),
                "y": float_array(p.value for p in actual),
                "mode": "lines+markers",
                "line": {"color": ACTUAL, "width": 3},
                "marker": {"color": ACTUAL, "size": 7},
                "connectgaps": False,
                "name": bidi(lab["actual"], lang),
                "hovertemplate": line_hover(lab["actual"]),
            }
        )
    if forecast:
        traces.append(
            {
                "type": "scatter",
                "x": _xs(forecast, kind),
                "y": float_array(p.value for p in forecast),
                "mode": "lines",
                "line": {"color": FORECAST, "width": 2, "dash": "dot"},
                "name": bidi(lab["forecast"], lang),
                "hovertemplate": line_hover(lab["forecast"]),
            }
        )

    annotations: list[dict[str, Any]] = []
    for point, key, symbol, colour, size, ax, ay in (
        (baseline, "baseline", "diamond", BASELINE, 11, 34, -30),
        (target, "target", "star", TARGET, 16, -34, -30),
    ):
        if point is None or is_missing(point.value):
            continue
        x = x_value(point.x, kind)
        traces.append(
            {
                "type": "scatter",
                "x": [x],
                "y": float_array([point.value]),
                "mode": "markers",
                "marker": {
                    "symbol": symbol,
                    "size": size,
                    "color": colour,
                    "line": {"color": "white", "width": 1},
                },
                "name": bidi(lab[key], lang),
                # the annotation names it: keep the legend short on a phone
                "showlegend": False,
                "hovertemplate": line_hover(lab[key]),
            }
        )
        annotations.append(
            {
                "x": x,
                "y": point.value,
                "xref": "x",
                "yref": "y",
                "text": bidi(
                    f"{lab[key]}: {fig_value(point.value, decimals, unit_label, lang)}", lang
                ),
                "showarrow": True,
                "arrowhead": 0,
                "arrowcolor": colour,
                "ax": ax,
                "ay": ay,
                "font": {"color": colour, "size": 12},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )

    shapes: list[dict[str, Any]] = []
    if milestones:
        mx = [x_value(m.x, kind) for m in milestones]
        styles = [MILESTONE_STYLE.get(str(m.status), _MILESTONE_DEFAULT) for m in milestones]
        texts = [
            bidi(
                f"{lab['milestone']}: {m.label}"
                + (f" ({st[0]} {lab.get(str(m.status), str(m.status))})" if m.status else ""),
                lang,
            )
            for m, st in zip(milestones, styles, strict=True)
        ]
        traces.append(
            {
                "type": "scatter",
                "x": mx,
                "y": float_array([0.04] * len(milestones)),
                "yaxis": "y2",
                "mode": "markers",
                "marker": {
                    "symbol": [st[1] for st in styles],
                    "color": [st[2] for st in styles],
                    "size": 11,
                    "line": {"width": 2, "color": [st[2] for st in styles]},
                },
                "text": texts,
                "name": bidi(lab["milestones"], lang),
                "legendgroup": "milestones",
                "showlegend": False,
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
        # the legend entry: a neutral symbol (a marker trace shows its first point's colour)
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": float_array([None]),
                "yaxis": "y2",
                "mode": "markers",
                "marker": {"symbol": "diamond", "color": _MILESTONE_DEFAULT[2], "size": 10},
                "name": bidi(lab["milestones"], lang),
                "legendgroup": "milestones",
                "hoverinfo": "skip",
            }
        )
        shapes.extend(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": st[2], "width": 1, "dash": "dot"},
                "layer": "below",
            }
            for x, st in zip(mx, styles, strict=True)
        )

    # without a title, keep a top margin for the mode bar so it never covers the target label
    top = {} if title else {"t": 36}
    layout = base_layout(lang, title=title, height=height, margin={"b": 8, **top})
    xaxis = axis_style(showgrid=False)
    if kind == "date":
        xaxis.update(type="date", hoverformat="%b %Y")
    else:
        order = (
            [str(x) for x in x_order]
            if x_order is not None
            else period_order(actual, planned, target, baseline, forecast, milestones, band)
        )
        xaxis.update(type="category", categoryorder="array", categoryarray=order, tickangle=0)
        if len(order) > 12:
            xaxis["nticks"] = 8
        # On a category axis plotly reads a number-like label ("2026", a year) given to an
        # annotation or a shape as a category *index*: give them the index itself.
        position = {label: i for i, label in enumerate(order)}
        for item in annotations:
            item["x"] = position.get(str(item["x"]), item["x"])
        for shape in shapes:
            if shape.get("xref") == "x":
                shape["x0"] = position.get(str(shape["x0"]), shape["x0"])
                shape["x1"] = position.get(str(shape["x1"]), shape["x1"])
    yaxis = axis_style(
        title={"text": unit_label, "standoff": 6},
        rangemode="tozero" if y_from_zero else "normal",
        hoverformat=f",.{decimals}f",
        side="right" if is_rtl(lang) else "left",
    )
    layout.update(
        xaxis=xaxis,
        yaxis=yaxis,
        hovermode="x unified",
        annotations=annotations,
        shapes=shapes,
        showlegend=True,
    )
    if milestones:
        layout["yaxis2"] = {
            "overlaying": "y",
            "range": [0, 1],
            "visible": False,
            "fixedrange": True,
        }
    return new_figure(traces, layout, validate=validate)


def sparkline(
    points: Sequence[Point],
    *,
    planned: Sequence[Point] | None = None,
    height: int = 60,
    color: str = ACTUAL,
    lang: str = "en",
    validate: bool = False,
) -> go.Figure:
    """A tiny static trend for a KPI card: the actual line (its last value marked) over the
    planned trajectory in light grey. No axes, no hover, no legend, transparent background:
    show it with ``config=SPARKLINE_CONFIG`` and put the numbers in the card's text.
    ``lang`` is accepted like every builder's; a sparkline has no text to translate."""
    everything = [p.x for p in points] + [p.x for p in planned or ()]
    kind = x_kind(everything)
    traces: list[dict[str, Any]] = []
    if planned:
        traces.append(
            {
                "type": "scatter",
                "x": _xs(planned, kind),
                "y": float_array(p.value for p in planned),
                "mode": "lines",
                "line": {"color": "#9aa5b1", "width": 1.5, "dash": "dash"},
                "hoverinfo": "skip",
            }
        )
    if points:
        xs = _xs(points, kind)
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": float_array(p.value for p in points),
                "mode": "lines",
                "line": {"color": color, "width": 2},
                "connectgaps": False,
                "hoverinfo": "skip",
            }
        )
        last = next((p for p in reversed(points) if not is_missing(p.value)), None)
        if last is not None:
            traces.append(
                {
                    "type": "scatter",
                    "x": [x_value(last.x, kind)],
                    "y": float_array([last.value]),
                    "mode": "markers",
                    "marker": {"color": color, "size": 6},
                    "hoverinfo": "skip",
                }
            )
    hidden = {"visible": False, "fixedrange": True}
    xaxis: dict[str, Any] = dict(hidden)
    if kind == "date":
        xaxis["type"] = "date"
    else:
        xaxis.update(
            type="category",
            categoryorder="array",
            categoryarray=merge_orders([_xs(planned or (), kind), _xs(points, kind)]),
        )
    layout = {
        "template": small_template(),
        "height": height,
        "autosize": True,
        "margin": {"l": 2, "r": 2, "t": 4, "b": 4, "pad": 0},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        "hovermode": False,
        "xaxis": xaxis,
        "yaxis": dict(hidden),
        "dragmode": False,
    }
    return new_figure(traces, layout, validate=validate)


__all__ = ["BandPoint", "Marker", "Point", "sparkline", "trajectory_figure"]
