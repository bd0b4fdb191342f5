"""A district map that draws offline: outlines as filled ``go.Scatter`` polygons.

No map tiles, no ``go.Choropleth`` (it fetches a world topojson from a CDN and draws nothing
offline): each outline is a filled scatter line (``fill="toself"``), its rings separated by a
gap, on hidden axes locked to a plate carree aspect (``scaleratio = 1 / cos(latitude)``).

Rings are NaN-separated float arrays (plotly.js reads a NaN exactly as a ``null`` gap): a list
with ``None`` in it costs plotly ten times more to validate and serialise. Holes are drawn as
rings of their own; with GeoJSON's winding (outer rings counter-clockwise, holes clockwise)
the browser's non-zero fill rule leaves them empty.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from dbmis.app.figures._common import (
    INK,
    MUTED,
    base_layout,
    bidi,
    escape_template,
    fig_value,
    is_missing,
    is_rtl,
    merged_labels,
    new_figure,
    wrap_list,
    wrap_words,
)

if TYPE_CHECKING:
    from dbmis.catalog import Catalog

DEFAULT_COLORSCALE: list[list[Any]] = [
    [0.0, "#edf8b1"],
    [0.2, "#a8dcb6"],
    [0.4, "#5cc0c0"],
    [0.6, "#2b95c0"],
    [0.8, "#245ca5"],
    [1.0, "#0c2c84"],
]
"""Sequential yellow-green-blue (ColorBrewer YlGnBu without its near-white end): the lightest
class still stands apart from the white page and from the grey of "no data"."""

NO_DATA_FILL = "#e6e6e6"
NO_DATA_HATCH = "#6b6b6b"
OUTLINE = "#4a5561"
NOTE_WIDTH = 52
"""Characters per line of the notes under the map: they fit a 360-pixel phone screen."""
DEFAULT_LAT0 = 28.5
"""Balochistan's middle latitude; used when nothing is drawn."""


def _ring_array(ring: Sequence[Sequence[float]]) -> np.ndarray:
    """A GeoJSON ring as an (n, 2) float array (a flat ``fromiter`` is ~40% faster than
    ``np.asarray`` on nested lists; points with a third coordinate take the slow path)."""
    flat = np.fromiter(itertools.chain.from_iterable(ring), dtype=float)
    if flat.size == 2 * len(ring):
        return flat.reshape(-1, 2)
    return np.asarray([p[:2] for p in ring], dtype=float)


def geometry_rings(geometry: Mapping[str, Any]) -> Iterator[np.ndarray]:
    """Every ring of a Polygon, MultiPolygon or GeometryCollection as an (n, 2) lon/lat array,
    closed (the last point equals the first). Holes come out as rings of their own."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = list(coords or [])
    elif kind == "GeometryCollection":
        for part in geometry.get("geometries", []):
            yield from geometry_rings(part)
        return
    else:
        raise ValueError(f"cannot draw a {kind!r} outline: Polygon or MultiPolygon expected")
    for polygon in polygons:
        for ring in polygon or []:
            if len(ring) < 3:
                continue
            arr = _ring_array(ring)
            if not np.array_equal(arr[0], arr[-1]):
                arr = np.vstack([arr, arr[:1]])
            yield arr


class Outline(NamedTuple):
    x: np.ndarray
    """Longitudes of all rings, one NaN between two rings."""
    y: np.ndarray
    """Latitudes, likewise."""
    label: tuple[float, float]
    """Where to hang the hover: the vertex average of the largest ring."""


def outline_arrays(geometry: Mapping[str, Any]) -> Outline:
    """A geometry ready to draw: NaN-separated x and y, and a label point."""
    parts: list[np.ndarray] = []
    gap = np.array([[math.nan, math.nan]])
    best_area = -1.0
    label = (math.nan, math.nan)
    for ring in geometry_rings(geometry):
        if parts:
            parts.append(gap)
        parts.append(ring)
        x, y = ring[:, 0], ring[:, 1]
        area = abs(float(x[:-1] @ y[1:] - x[1:] @ y[:-1])) / 2
        if area > best_area:
            best_area = area
            label = (float(x[:-1].mean()), float(y[:-1].mean()))
    if not parts:
        return Outline(np.empty(0), np.empty(0), label)
    xy = np.concatenate(parts)
    return Outline(xy[:, 0], xy[:, 1], label)


def prepare_outlines(outlines: Mapping[str, Mapping[str, Any]]) -> dict[str, Outline]:
    """Convert every geometry once (e.g. when the app starts, from the catalog's outlines):
    :func:`district_map` takes the result in place of the GeoJSON geometries and skips the
    conversion on every call (about 1-2 ms for the 27 Balochistan outlines)."""
    return {code: outline_arrays(geometry) for code, geometry in outlines.items()}


def rings_xy(geometry: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """x (lon) and y (lat) of all rings, one NaN between two rings."""
    outline = outline_arrays(geometry)
    return outline.x, outline.y


def districts_not_drawn(
    names: Mapping[str, str],
    outlines: Mapping[str, Any],
    missing_outline: Sequence[str] = (),
    values: Mapping[str, float | None] | None = None,
) -> list[str]:
    """Codes of districts the map cannot draw (no outline), in ``names`` order, then any
    others from ``values`` and ``missing_outline``. The page lists them beside the map."""
    codes = list(dict.fromkeys([*names, *(values or {}), *missing_outline]))
    return [c for c in codes if c in set(missing_outline) or not outlines.get(c)]


def catalog_map_inputs(
    catalog: Catalog, lang: str = "en"
) -> tuple[dict[str, Any], dict[str, str], list[str], str | None]:
    """``(outlines, names, missing_outline, attribution)`` for :func:`district_map` from a
    loaded catalog: outlines and names keyed by district code, in the catalog's order."""
    outlines: dict[str, Any] = {}
    names: dict[str, str] = {}
    missing: list[str] = []
    for d in catalog.districts:
        names[d.code] = getattr(d.name, lang, None) or d.name.en
        geometry = catalog.outlines.get(d.outline) if d.outline else None
        if geometry:
            outlines[d.code] = geometry
        else:
            missing.append(d.code)
    return outlines, names, missing, catalog.geography.outlines_attribution


def _stepped(colorscale: Sequence[Sequence[Any]] | str, bins: int) -> list[list[Any]]:
    """A colour scale of ``bins`` flat steps, each the colour at its bin's middle."""
    colours = sample_colorscale(colorscale, [(i + 0.5) / bins for i in range(bins)])
    out: list[list[Any]] = []
    for i, colour in enumerate(colours):
        out.append([i / bins, colour])
        out.append([(i + 1) / bins, colour])
    return out


def district_map(
    values: Mapping[str, float | None],
    outlines: Mapping[str, Mapping[str, Any] | Outline],
    *,
    names: Mapping[str, str],
    unit_label: str = "",
    decimals: int = 1,
    colorscale: Sequence[Sequence[Any]] | str = DEFAULT_COLORSCALE,
    labels: Mapping[str, str] | None = None,
    lang: str = "en",
    missing_outline: Sequence[str] = (),
    title: str | None = None,
    attribution: str | None = None,
    value_range: tuple[float, float] | None = None,
    grouping: Literal["bins", "district"] = "bins",
    bins: int = 6,
    lat0: float | None = None,
    height: int = 560,
    validate: bool = False,
) -> go.Figure:
    """A map of one value per district, keyed by district code.

    ``outlines`` maps a district code to its GeoJSON geometry (Polygon or MultiPolygon) or
    to its :func:`prepare_outlines` result;
    ``names`` gives the display name of every district to show, in order. Districts without
    a value are grey and hatched (legend: ``labels["no_data"]``). Districts without an
    outline (absent from ``outlines``, or listed in ``missing_outline``) are not dropped
    silently: an annotation under the map names them (``labels["not_drawn"]``), and
    :func:`districts_not_drawn` gives the same list for the page.

    ``grouping="bins"`` (default, the faster) draws one filled trace per colour class
    (``bins`` equal classes over ``value_range``, a stepped colour bar); hovering a shape
    names its class and the districts in it, and an invisible marker in the middle of each
    district gives its name and value. ``grouping="district"`` draws one trace per district
    in its exact colour (continuous colour bar) with name and value over the whole shape:
    about 2-3x slower to build and to serialise (28 traces against 9).

    Coordinates are float32 (half the JSON; a 4-decimal lon/lat keeps ~1 m).
    """
    lab = merged_labels(labels)
    rtl = is_rtl(lang)
    codes = list(dict.fromkeys([*names, *values]))
    not_drawn = districts_not_drawn(names, outlines, missing_outline, values)
    skip = set(not_drawn)
    drawn = [c for c in codes if c not in skip]
    name_of = {c: names.get(c, c) for c in [*codes, *not_drawn]}

    present = [float(v) for c, v in values.items() if not is_missing(v)]  # type: ignore[arg-type]
    if value_range is not None:
        vmin, vmax = value_range
    elif present:
        vmin, vmax = min(present), max(present)
    else:
        vmin, vmax = 0.0, 1.0
    if vmax <= vmin:
        vmin, vmax = vmin - 0.5, vmax + 0.5

    def position(v: float) -> float:
        return min(1.0, max(0.0, (v - vmin) / (vmax - vmin)))

    def hover(c: str) -> str:
        value = fig_value(values.get(c), decimals, unit_label, lang, lab["no_data"])
        return f"<b>{bidi(name_of[c], lang)}</b><br>{bidi(value, lang)}"

    geometry_xy = {
        c: g if isinstance(g := outlines[c], Outline) else outline_arrays(g) for c in drawn
    }
    traces: list[dict[str, Any]] = []
    line = {"color": OUTLINE, "width": 0.7}
    no_data_style = {
        "fillcolor": NO_DATA_FILL,
        "fillpattern": {
            "shape": "/",
            "fgcolor": NO_DATA_HATCH,
            "bgcolor": NO_DATA_FILL,
            "size": 7,
            "solidity": 0.25,
        },
    }
    no_data = [c for c in drawn if is_missing(values.get(c))]
    with_data = [c for c in drawn if not is_missing(values.get(c))]
    scale: Sequence[Sequence[Any]] | str = colorscale

    if grouping == "district":
        colours = sample_colorscale(colorscale, [position(values[c]) for c in with_data])  # type: ignore[arg-type]
        colour_of = dict(zip(with_data, colours, strict=True))
        legend_done = False
        for c in drawn:
            x, y, _ = geometry_xy[c]
            trace: dict[str, Any] = {
                "type": "scatter",
                "x": x.astype(np.float32),
                "y": y.astype(np.float32),
                "mode": "lines",
                "fill": "toself",
                "line": line,
                "hoveron": "fills",
                "text": hover(c),
                "hoverinfo": "text",
                "name": name_of[c],
                "showlegend": False,
            }
            if c in colour_of:
                trace["fillcolor"] = colour_of[c]
            else:
                trace.update(no_data_style)
                trace.update(legendgroup="no_data", name=bidi(lab["no_data"], lang))
                if not legend_done:
                    trace["showlegend"] = True
                    legend_done = True
            traces.append(trace)
    else:
        scale = _stepped(colorscale, bins)
        members: list[list[str]] = [[] for _ in range(bins)]
        for c in with_data:
            members[min(bins - 1, int(position(values[c]) * bins))].append(c)  # type: ignore[arg-type]
        bin_colours = sample_colorscale(colorscale, [(i + 0.5) / bins for i in range(bins)])
        step = (vmax - vmin) / bins

        def class_hover(title: str, group: list[str]) -> str:
            listed = wrap_list([name_of[c] for c in group], 40, lab["list_sep"])
            lines = [f"<b>{title}</b>", *listed.split("<br>")]
            return "<br>".join(bidi(line, lang) for line in lines)

        groups: list[tuple[list[str], dict[str, Any]]] = []
        for i, (group, colour) in enumerate(zip(members, bin_colours, strict=True)):
            low = fig_value(vmin + i * step, decimals, unit_label, lang)
            high = fig_value(vmin + (i + 1) * step, decimals, unit_label, lang)
            groups.append(
                (
                    group,
                    {
                        "fillcolor": colour,
                        "showlegend": False,
                        "name": f"{low} – {high}",
                        "text": class_hover(f"{low} – {high}", group),
                    },
                )
            )
        groups.append(
            (
                no_data,
                {
                    **no_data_style,
                    "name": bidi(lab["no_data"], lang),
                    "showlegend": True,
                    "text": class_hover(lab["no_data"], no_data),
                },
            )
        )
        for group, style in groups:
            if not group:
                continue
            gap = np.array([math.nan])
            xs: list[np.ndarray] = []
            ys: list[np.ndarray] = []
            for c in group:
                if xs:
                    xs.append(gap)
                    ys.append(gap)
                xs.append(geometry_xy[c][0])
                ys.append(geometry_xy[c][1])
            traces.append(
                {
                    "type": "scatter",
                    "x": np.concatenate(xs).astype(np.float32),
                    "y": np.concatenate(ys).astype(np.float32),
                    "mode": "lines",
                    "fill": "toself",
                    "line": line,
                    # anywhere on a shape: its class and the districts in it; near a
                    # district's middle, the marker trace below wins with name and value
                    "hoveron": "fills",
                    "hoverinfo": "text",
                    **style,
                }
            )
        if drawn:
            points = [geometry_xy[c].label for c in drawn]
            traces.append(
                {
                    "type": "scatter",
                    "x": np.array([p[0] for p in points]),
                    "y": np.array([p[1] for p in points]),
                    "mode": "markers",
                    "marker": {"size": 18, "color": "rgba(0,0,0,0)"},
                    "hovertext": [hover(c) for c in drawn],
                    "hoverinfo": "text",
                    "showlegend": False,
                    "name": lab["value"],
                }
            )

    if present:
        traces.append(
            {
                "type": "scatter",
                "x": np.array([math.nan, math.nan]),
                "y": np.array([math.nan, math.nan]),
                "mode": "markers",
                "marker": {
                    "color": np.array([vmin, vmax]),
                    "cmin": vmin,
                    "cmax": vmax,
                    "colorscale": scale,
                    "showscale": True,
                    "colorbar": {
                        "orientation": "h",
                        "x": 0.5,
                        "xanchor": "center",
                        "y": 0,
                        "yanchor": "top",
                        "ypad": 6,
                        "len": 0.8,
                        "thickness": 12,
                        "outlinewidth": 0,
                        "tickformat": f",.{decimals}f",
                        "ticksuffix": unit_label if unit_label in {"%"} else "",
                        "title": {
                            "text": "" if unit_label in {"%"} else escape_template(unit_label),
                            "side": "top",
                        },
                        **(
                            {"dtick": (vmax - vmin) / bins, "tick0": vmin}
                            if grouping == "bins"
                            else {}
                        ),
                    },
                },
                "hoverinfo": "skip",
                "showlegend": False,
                "name": unit_label,
            }
        )

    notes: list[str] = []
    if not_drawn:
        items = [name_of[c] for c in not_drawn]
        items[0] = f"{lab['not_drawn']}: {items[0]}"
        listed = wrap_list(items, NOTE_WIDTH, lab["list_sep"])
        notes.append("<br>".join(bidi(line, lang) for line in listed.split("<br>")))
    if attribution:
        notes.extend(
            f"<i>{bidi(line, lang)}</i>"
            for line in wrap_words(attribution, NOTE_WIDTH).split("<br>")
        )
    note_text = "<br>".join(notes)
    note_lines = note_text.count("<br>") + 1 if note_text else 0
    colourbar_px = 64 if present else 8
    annotations = []
    if note_text:
        annotations.append(
            {
                "text": note_text,
                "xref": "paper",
                "yref": "paper",
                "x": 1 if rtl else 0,
                "y": 0,
                "xanchor": "right" if rtl else "left",
                "yanchor": "top",
                "yshift": -colourbar_px,
                "align": "right" if rtl else "left",
                "showarrow": False,
                "font": {"size": 11, "color": MUTED},
            }
        )

    if lat0 is None:
        if geometry_xy:
            lats = np.concatenate([xy[1] for xy in geometry_xy.values()])
            lat0 = float((np.nanmin(lats) + np.nanmax(lats)) / 2)
        else:
            lat0 = DEFAULT_LAT0
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    layout = base_layout(
        lang,
        title=title,
        height=height,
        legend_top=True,
        margin={"b": colourbar_px + 16 * note_lines + 6, "l": 4, "r": 4},
    )
    layout.update(
        xaxis={**hidden, "constrain": "domain"},
        yaxis={
            **hidden,
            "scaleanchor": "x",
            "scaleratio": 1 / math.cos(math.radians(lat0)),
            "constrain": "domain",
        },
        hovermode="closest",
        dragmode=False,
        annotations=annotations,
        showlegend=bool(no_data),
        font={**layout["font"], "color": INK},
    )
    return new_figure(traces, layout, validate=validate)


__all__ = [
    "DEFAULT_COLORSCALE",
    "catalog_map_inputs",
    "district_map",
    "districts_not_drawn",
    "geometry_rings",
    "outline_arrays",
    "prepare_outlines",
    "rings_xy",
]
