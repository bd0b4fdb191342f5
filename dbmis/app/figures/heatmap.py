"""Heatmaps of reporting quality: rows (districts) x columns (months).

Two builders, both ``plotly.graph_objects`` only and offline:

- :func:`share_heatmap`: a share (0-1) per cell, e.g. the completeness of the returns of
  every institution of a district in a month, on the colour-blind safe *cividis* scale (dark
  blue = none, yellow = all; it reads the same with any colour vision and in grey), each cell
  labelled with its percentage. A cell with nothing expected is left blank.
- :func:`category_heatmap`: one of a few categories per cell (on time, late, missing, not
  due), each with its own light colour (the caller picks them, e.g. from the Okabe-Ito
  palette) and a symbol written in dark ink in the cell, so the category never rests on
  colour alone.

Right-to-left languages mirror the columns and put the row labels on the right. Callers show
the same numbers as a table under the figure (its text alternative).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from dbmis.app.figures._common import (
    INK,
    base_layout,
    bidi,
    escape_template,
    is_rtl,
    new_figure,
)

CIVIDIS: tuple[str, ...] = (
    "#00224e",
    "#123570",
    "#3b496c",
    "#575d6d",
    "#707173",
    "#8a8678",
    "#a59c74",
    "#c3b369",
    "#e1cc55",
    "#fee838",
)
"""plotly's Cividis scale (Nuñez, Anderton and Renslow 2018): made for colour vision
deficiencies, monotone in lightness."""


@dataclass(frozen=True)
class Category:
    """A category of :func:`category_heatmap`: its label, fill colour and symbol."""

    label: str
    color: str
    symbol: str


ROW_PX = 26
HEADER_PX = 70


def _height(rows: int) -> int:
    return HEADER_PX + ROW_PX * max(rows, 1) + 30


def _layout(lang: str, rows: Sequence[str], title: str | None) -> dict[str, Any]:
    rtl = is_rtl(lang)
    layout = base_layout(lang, title=title, height=_height(len(rows)))
    # room for the row labels up front (automargin only measures once, maybe before a wide
    # Urdu font has loaded): about 8 px a character, 11 for Urdu script
    label_px = 16 + max((len(r) for r in rows), default=0) * (11 if rtl else 8)
    layout["margin"] = {**layout["margin"], ("r" if rtl else "l"): label_px}
    layout["xaxis"] = {
        "type": "category",
        "side": "top",
        "showgrid": False,
        "zeroline": False,
        "ticks": "",
        "fixedrange": True,
        "automargin": True,
        "autorange": "reversed" if rtl else True,
    }
    layout["yaxis"] = {
        "type": "category",
        "showgrid": False,
        "zeroline": False,
        "ticks": "",
        "fixedrange": True,
        "automargin": True,
        "autorange": "reversed",  # the first row at the top
        "side": "right" if rtl else "left",
    }
    return layout


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def share_heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    z: Sequence[Sequence[float | None]],
    *,
    text: Sequence[Sequence[str]],
    hover: Sequence[Sequence[str]],
    lang: str,
    colorbar_title: str,
    title: str | None = None,
) -> go.Figure:
    """Shares 0-1 (None: nothing expected, a blank cell), labelled with ``text``."""
    rtl = is_rtl(lang)
    trace = {
        "type": "heatmap",
        "x": [bidi(c, lang) for c in columns],
        "y": [bidi(r, lang) for r in rows],
        "z": [[_nan(v) for v in row] for row in z],
        "zmin": 0,
        "zmax": 1,
        "colorscale": [[i / (len(CIVIDIS) - 1), c] for i, c in enumerate(CIVIDIS)],
        "text": [[bidi(t, lang) for t in row] for row in text],
        "texttemplate": "%{text}",
        "textfont": {"size": 11},
        "hovertext": [[bidi(escape_template(h), lang) for h in row] for row in hover],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
        "colorbar": {
            "title": {"text": bidi(colorbar_title, lang), "side": "top"},
            "tickvals": [0, 0.25, 0.5, 0.75, 1],
            "ticktext": ["0%", "25%", "50%", "75%", "100%"],
            "thickness": 12,
            "len": 0.9,
            "x": -0.02 if rtl else 1.02,
            "xanchor": "right" if rtl else "left",
        },
    }
    return new_figure([trace], _layout(lang, rows, title))


def category_heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    z: Sequence[Sequence[int]],
    categories: Sequence[Category],
    *,
    hover: Sequence[Sequence[str]],
    lang: str,
    title: str | None = None,
) -> go.Figure:
    """One category per cell (``z`` holds indexes into ``categories``), each drawn in its
    colour with its symbol; the colour bar is the legend."""
    n = len(categories)
    if n == 0:
        raise ValueError("category_heatmap needs at least one category")
    rtl = is_rtl(lang)
    scale: list[list[Any]] = []
    for i, c in enumerate(categories):
        scale += [[i / n, c.color], [(i + 1) / n, c.color]]
    symbols = [[categories[k].symbol for k in row] for row in z]
    trace = {
        "type": "heatmap",
        "x": [bidi(c, lang) for c in columns],
        "y": [bidi(r, lang) for r in rows],
        "z": [[float(k) for k in row] for row in z],
        "zmin": -0.5,
        "zmax": n - 0.5,
        "colorscale": scale,
        "text": symbols,
        "texttemplate": "%{text}",
        "textfont": {"size": 13, "color": INK},
        "hovertext": [[bidi(escape_template(h), lang) for h in row] for row in hover],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
        "colorbar": {
            "tickvals": list(range(n)),
            "ticktext": [bidi(f"{c.symbol} {c.label}", lang) for c in categories],
            "thickness": 14,
            "len": 0.9,
            "x": -0.02 if rtl else 1.02,
            "xanchor": "right" if rtl else "left",
        },
    }
    return new_figure([trace], _layout(lang, rows, title))
