"""District league table as horizontal bars, best first."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from dbmis.app.figures._common import (
    ACTUAL,
    INK,
    MUTED,
    TARGET,
    axis_style,
    base_layout,
    bidi,
    bidi_number,
    fig_value,
    float_array,
    is_missing,
    is_rtl,
    merged_labels,
    new_figure,
)
from dbmis.app.figures.status import STATUSES, status_label, status_style

HIGHLIGHT_FILL = "#fff1b8"
INCOMPLETE_PATTERN = "/"


@dataclass(frozen=True)
class BarRow:
    """One district's value of a KPI.

    ``completeness`` is the share (0-1) of expected reports received; ``flagged`` marks the
    district as incomplete by the caller's completeness rule (``min_completeness`` of
    :func:`district_bars` marks more); ``status`` is a status against trajectory or None."""

    code: str
    name: str
    value: float | None
    completeness: float | None = None
    flagged: bool = False
    status: str | None = None


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>|[\u2066-\u2069]", "", text)


def is_incomplete(row: BarRow, min_completeness: float | None = None) -> bool:
    if row.flagged:
        return True
    return (
        min_completeness is not None
        and row.completeness is not None
        and row.completeness < min_completeness
    )


def sort_rows(rows: Sequence[BarRow], direction: str = "up") -> list[BarRow]:
    """Best first by the KPI's direction ('up': higher is better, 'down': lower is better),
    ties by name; rows without a value last, by name. Nothing is dropped."""
    valued = [r for r in rows if not is_missing(r.value)]
    missing = [r for r in rows if is_missing(r.value)]
    sign = 1.0 if str(direction) == "down" else -1.0
    valued.sort(key=lambda r: (sign * float(r.value), r.name))  # type: ignore[arg-type]
    missing.sort(key=lambda r: r.name)
    return valued + missing


def district_bars(
    rows: Sequence[BarRow],
    *,
    unit_label: str = "",
    decimals: int = 1,
    highlight: str | None = None,
    target: float | None = None,
    direction: str = "up",
    labels: Mapping[str, str] | None = None,
    lang: str = "en",
    title: str | None = None,
    min_completeness: float | None = None,
    row_height: int = 24,
    validate: bool = False,
) -> go.Figure:
    """Horizontal bars, one per district, best at the top (by ``direction``).

    - one bar trace per status present (legend: symbol + label, e.g. "✓ Target met"); bars
      of rows without a status are neutral blue;
    - incomplete districts are hatched and their text says ``labels["incomplete"]``; a legend
      entry explains the hatching;
    - districts without a value are listed at the end with the text ``labels["no_data"]``;
    - ``target``: a dashed vertical line, named with its value in the legend;
    - ``highlight`` (a district code): a shaded row, a bold name and a dark outline.

    The y axis holds district codes (shown as names), so two districts with the same name
    cannot collide. Height grows with the number of rows. For Urdu the chart is mirrored:
    names on the right, bars growing leftwards."""
    lab = merged_labels(labels)
    rtl = is_rtl(lang)
    ordered = sort_rows(rows, direction)
    codes = [r.code for r in ordered]
    valued = [r for r in ordered if not is_missing(r.value)]
    missing = [r for r in ordered if is_missing(r.value)]

    def hover(r: BarRow) -> str:
        parts = [f"<b>{r.name}</b>", fig_value(r.value, decimals, unit_label, lang, lab["no_data"])]
        if r.status:
            parts.append(f"{lab['status']}: {status_label(r.status, lab)}")
        if r.completeness is not None:
            done = bidi_number(f"{r.completeness * 100:.0f}%", lang)
            parts.append(f"{lab['completeness']}: {done}")
        if is_incomplete(r, min_completeness):
            parts.append(f"▨ {lab['incomplete']}")
        return "<br>".join(bidi(p, lang) for p in parts)

    def bar_text(r: BarRow) -> str:
        text = fig_value(r.value, decimals, unit_label, lang)
        if r.status:
            text += f" {status_style(r.status).symbol}"
        if is_incomplete(r, min_completeness):
            text += f" · {lab['incomplete']}"
        text = bidi(text, lang)
        return f"<b>{text}</b>" if r.code == highlight else text

    traces: list[dict[str, Any]] = []
    groups: list[tuple[str | None, list[BarRow]]] = []
    for status in (*STATUSES, None):
        members = [r for r in valued if (r.status or None) == status]
        if members:
            groups.append((status, members))
    unknown = [r for r in valued if r.status and r.status not in STATUSES]
    if unknown:
        groups.append(("no_data", unknown))

    for status, members in groups:
        colour = status_style(status).color if status else ACTUAL
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [r.code for r in members],
                "x": float_array(r.value for r in members),
                "name": bidi(status_label(status, lab) if status else lab["value"], lang),
                "showlegend": status is not None,
                "marker": {
                    "color": colour,
                    "line": {
                        "color": [INK if r.code == highlight else colour for r in members],
                        "width": [3 if r.code == highlight else 1 for r in members],
                    },
                    "pattern": {
                        "shape": [
                            INCOMPLETE_PATTERN if is_incomplete(r, min_completeness) else ""
                            for r in members
                        ],
                        "fgcolor": colour,
                        "size": 8,
                        "solidity": 0.35,
                    },
                },
                "text": [bar_text(r) for r in members],
                "textposition": "outside",
                "constraintext": "none",
                "textfont": {"color": INK, "size": 12},
                "cliponaxis": False,
                "hovertext": [hover(r) for r in members],
                "hoverinfo": "text",
            }
        )

    if any(is_incomplete(r, min_completeness) for r in valued) and codes:
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [codes[0]],
                "x": [None],
                "name": bidi(lab["incomplete_legend"], lang),
                "marker": {
                    "color": "white",
                    "line": {"color": MUTED, "width": 1},
                    "pattern": {"shape": INCOMPLETE_PATTERN, "fgcolor": MUTED, "solidity": 0.35},
                },
                "hoverinfo": "skip",
            }
        )
    if missing:
        traces.append(
            {
                "type": "scatter",
                "mode": "text",
                "y": [r.code for r in missing],
                "x": float_array([0.0] * len(missing)),
                "text": [bidi(f"{status_style('no_data').symbol} {lab['no_data']}", lang)]
                * len(missing),
                "textposition": "middle left" if rtl else "middle right",
                "textfont": {"color": MUTED, "size": 12},
                "cliponaxis": False,
                "hovertext": [hover(r) for r in missing],
                "hoverinfo": "text",
                "showlegend": False,
                "name": lab["no_data"],
            }
        )

    shapes: list[dict[str, Any]] = []
    if highlight in codes:
        i = codes.index(highlight)
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": i - 0.5,
                "y1": i + 0.5,
                "fillcolor": HIGHLIGHT_FILL,
                "line": {"width": 0},
                "layer": "below",
            }
        )
    if target is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": target,
                "x1": target,
                "y0": 0,
                "y1": 1,
                "line": {"color": TARGET, "width": 2, "dash": "dash"},
                # behind the bars: visible between them, never striking through their text
                "layer": "below",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [None],
                "y": [codes[0]] if codes else [None],
                "line": {"color": TARGET, "width": 2, "dash": "dash"},
                "name": bidi(
                    f"{lab['target']}: {fig_value(target, decimals, unit_label, lang)}", lang
                ),
                "hoverinfo": "skip",
            }
        )

    values = [float(r.value) for r in valued]  # type: ignore[arg-type]
    lo = min([0.0, *values, *([target] if target is not None else [])])
    hi = max([0.0, *values, *([target] if target is not None else [])])
    span = (hi - lo) or 1.0
    # room for the text after the longest bars: about 7 pixels a character on a plot area
    # that may be only ~250 pixels wide (a phone); what does not fit spills into the margin
    longest = max((len(_plain(bar_text(r))) for r in valued), default=0)
    pad = min(1.0, 0.08 + 0.028 * longest)
    x_range = [lo - (0.05 * span if lo < 0 else 0), hi + pad * span]
    if rtl:
        x_range = x_range[::-1]

    names = {r.code: r.name for r in ordered}
    pointer = "{name} ◂" if rtl else "▸ {name}"
    ticktext = [
        f"<b>{bidi(pointer.format(name=names[c]), lang)}</b>"
        if c == highlight
        else bidi(names[c], lang)
        for c in codes
    ]
    height = max(220, 110 + row_height * len(codes))
    layout = base_layout(
        lang,
        title=title,
        height=height,
        legend_top=True,
        margin={"l": 40, "r": 8} if rtl else {"l": 8, "r": 40},
    )
    layout.update(
        barmode="overlay",
        bargap=0.25,
        hovermode="closest",
        xaxis=axis_style(
            range=x_range,
            title={"text": unit_label, "standoff": 4},
            side="bottom",
            fixedrange=True,
        ),
        yaxis=axis_style(
            type="category",
            categoryorder="array",
            categoryarray=codes,
            tickmode="array",
            tickvals=codes,
            ticktext=ticktext,
            autorange="reversed",
            showgrid=False,
            ticks="",
            side="right" if rtl else "left",
            fixedrange=True,
        ),
        shapes=shapes,
        showlegend=True,
    )
    return new_figure(traces, layout, validate=validate)


__all__ = ["BarRow", "district_bars", "is_incomplete", "sort_rows"]
