"""District map drawn offline from outlines: rings, MultiPolygons, no data, missing outlines."""

from __future__ import annotations

import json
import math
from typing import Any, Literal

import numpy as np
import pytest
from plotly.colors import sample_colorscale

from dbmis.app.figures import catalog_map_inputs, district_map, districts_not_drawn
from dbmis.app.figures.maps import (
    DEFAULT_COLORSCALE,
    geometry_rings,
    prepare_outlines,
    rings_xy,
)
from dbmis.catalog import load_catalog

SQUARE_WITH_HOLE: dict[str, Any] = {
    "type": "Polygon",
    "coordinates": [
        [[66.0, 28.0], [67.0, 28.0], [67.0, 29.0], [66.0, 29.0], [66.0, 28.0]],
        [[66.4, 28.4], [66.4, 28.6], [66.6, 28.6], [66.6, 28.4]],  # hole, left open
    ],
}
TWO_ISLANDS: dict[str, Any] = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[62.0, 25.0], [63.0, 25.0], [63.0, 26.0], [62.0, 25.0]]],
        [[[63.5, 25.0], [64.0, 25.0], [64.0, 25.5], [63.5, 25.0]]],
    ],
}
TRIANGLE: dict[str, Any] = {
    "type": "Polygon",
    "coordinates": [[[68.0, 30.0], [69.0, 30.0], [68.5, 31.0]]],
}

OUTLINES: dict[str, dict[str, Any]] = {"QUE": SQUARE_WITH_HOLE, "GWA": TWO_ISLANDS, "ZHO": TRIANGLE}
NAMES = {"QUE": "Quetta", "GWA": "Gwadar", "ZHO": "Zhob", "HUB": "Hub", "DUK": "Duki"}
VALUES = {"QUE": 10.0, "GWA": 20.0, "ZHO": None, "HUB": 15.0, "DUK": None}


def segments(x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    xy = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    cuts = np.flatnonzero(np.isnan(xy[:, 0]))
    assert (np.isnan(xy[cuts, 1])).all()  # x and y gaps line up
    parts = [part[~np.isnan(part[:, 0])] for part in np.split(xy, cuts)]
    return [part for part in parts if len(part)]


def fills(fig) -> list:
    return [t for t in fig.data if t.fill == "toself"]


def test_rings_are_closed_and_holes_are_rings_of_their_own() -> None:
    rings = list(geometry_rings(SQUARE_WITH_HOLE))
    assert len(rings) == 2
    for ring in rings:
        assert (ring[0] == ring[-1]).all()
    assert len(rings[1]) == 5  # the open hole was closed
    x, y = rings_xy(SQUARE_WITH_HOLE)
    assert len(x) == 5 + 1 + 5 and math.isnan(x[5]) and math.isnan(y[5])


def test_multipolygon_gives_every_part() -> None:
    rings = list(geometry_rings(TWO_ISLANDS))
    assert len(rings) == 2
    assert rings[1][0].tolist() == [63.5, 25.0]
    x, _ = rings_xy(TWO_ISLANDS)
    assert int(np.isnan(x).sum()) == 1


def test_other_geometries_are_refused() -> None:
    with pytest.raises(ValueError, match="Polygon or MultiPolygon"):
        list(geometry_rings({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}))


@pytest.mark.parametrize("grouping", ["bins", "district"])
def test_polygons_closed_and_rings_separated(grouping: Literal["bins", "district"]) -> None:
    fig = district_map(VALUES, OUTLINES, names=NAMES, unit_label="%", grouping=grouping)
    rings = [seg for t in fills(fig) for seg in segments(t.x, t.y)]
    # square + hole, two islands, triangle: 5 rings, each closed
    assert len(rings) == 5
    for ring in rings:
        assert np.allclose(ring[0], ring[-1])
    assert {t.type for t in fig.data} == {"scatter"}


def test_bins_one_trace_per_class_plus_no_data_hover_and_colour_bar() -> None:
    fig = district_map(VALUES, OUTLINES, names=NAMES, unit_label="%", bins=4)
    f = fills(fig)
    # 10 (Quetta) in the first class, 20 (Gwadar) in the last; Zhob has no data
    assert [t.name for t in f] == ["10.0% – 12.5%", "17.5% – 20.0%", "No data"]
    assert f[0].fillcolor == sample_colorscale(DEFAULT_COLORSCALE, [0.125])[0]
    assert f[1].fillcolor == sample_colorscale(DEFAULT_COLORSCALE, [0.875])[0]
    assert f[2].fillpattern.shape == "/" and f[2].showlegend is True
    assert "Zhob" in f[2].text and "Quetta" in f[0].text
    hover = next(t for t in fig.data if t.mode == "markers" and t.hovertext is not None)
    assert list(hover.hovertext) == [
        "<b>Quetta</b><br>10.0%",
        "<b>Gwadar</b><br>20.0%",
        "<b>Zhob</b><br>No data",
    ]
    bar = next(t for t in fig.data if t.marker is not None and t.marker.showscale)
    assert (bar.marker.cmin, bar.marker.cmax) == (10.0, 20.0)
    assert bar.marker.colorbar.orientation == "h"
    assert bar.hoverinfo == "skip"


def test_district_grouping_one_trace_per_district_exact_colour() -> None:
    fig = district_map(VALUES, OUTLINES, names=NAMES, grouping="district", unit_label="%")
    f = fills(fig)
    assert [t.name for t in f] == ["Quetta", "Gwadar", "No data"]
    assert f[0].fillcolor == sample_colorscale(DEFAULT_COLORSCALE, [0.0])[0]
    assert f[1].fillcolor == sample_colorscale(DEFAULT_COLORSCALE, [1.0])[0]
    assert f[0].hoveron == "fills" and f[0].text == "<b>Quetta</b><br>10.0%"
    assert f[2].fillpattern.shape == "/"


def test_districts_without_outline_are_named_under_the_map() -> None:
    fig = district_map(
        VALUES, OUTLINES, names=NAMES, missing_outline=["HUB"], attribution="geoBoundaries"
    )
    assert districts_not_drawn(NAMES, OUTLINES, ["HUB"]) == ["HUB", "DUK"]
    note = fig.layout.annotations[0].text
    assert note.startswith("Not drawn (no outline): Hub, Duki")
    assert "geoBoundaries" in note
    assert fig.layout.annotations[0].yanchor == "top"
    # a district in missing_outline is not drawn even when an outline exists for it
    fig = district_map(VALUES, OUTLINES, names=NAMES, missing_outline=["QUE"])
    assert "Quetta" in fig.layout.annotations[0].text
    assert all("Quetta" not in (t.text or "") for t in fills(fig))


def test_everything_drawn_no_note() -> None:
    fig = district_map({"QUE": 1.0}, OUTLINES, names={"QUE": "Quetta"})
    assert not fig.layout.annotations
    assert fig.layout.showlegend is False  # no "no data" entry to explain


def test_aspect_is_locked_and_axes_hidden() -> None:
    fig = district_map(VALUES, OUTLINES, names=NAMES, lat0=28.5)
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == pytest.approx(1 / math.cos(math.radians(28.5)))
    assert fig.layout.yaxis.scaleratio == pytest.approx(1.1379, abs=1e-4)
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def test_no_values_at_all_still_draws_grey_map() -> None:
    fig = district_map({}, OUTLINES, names={"QUE": "Quetta", "ZHO": "Zhob"})
    f = fills(fig)
    assert [t.name for t in f] == ["No data"]
    assert not [t for t in fig.data if t.marker is not None and t.marker.showscale]


def test_urdu_names_and_notes_pass_through() -> None:
    names = {"QUE": "کوئٹہ", "HUB": "حب", "DUK": "دکی"}
    labels = {"not_drawn": "نقشے پر نہیں", "list_sep": "، ", "no_data": "دستیاب نہیں"}
    fig = district_map(VALUES, OUTLINES, names=names, labels=labels, lang="ur")
    note = fig.layout.annotations[0]
    assert note.text == "\u2068نقشے پر نہیں: حب، دکی\u2069"
    assert note.xanchor == "right" and note.align == "right"
    text = json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)
    assert "کوئٹہ" in text and "دستیاب نہیں" in text


@pytest.mark.parametrize("grouping", ["bins", "district"])
def test_validated_build_gives_the_same_figure(grouping: Literal["bins", "district"]) -> None:
    kw = {"names": NAMES, "unit_label": "%", "grouping": grouping, "missing_outline": ["HUB"]}
    fast = district_map(VALUES, OUTLINES, **kw)  # type: ignore[arg-type]
    checked = district_map(VALUES, OUTLINES, validate=True, **kw)  # type: ignore[arg-type]
    assert json.loads(fast.to_json()) == json.loads(checked.to_json())


def test_prepared_outlines_give_the_same_figure() -> None:
    prepared = prepare_outlines(OUTLINES)
    assert prepared["GWA"].label == pytest.approx((62 + 2 / 3, 25 + 1 / 3))
    a = district_map(VALUES, OUTLINES, names=NAMES, unit_label="%")
    b = district_map(VALUES, prepared, names=NAMES, unit_label="%")
    assert json.loads(a.to_json()) == json.loads(b.to_json())


def test_default_catalog_map() -> None:
    cat = load_catalog()
    outlines, names, missing, attribution = catalog_map_inputs(cat)
    assert len(names) == 37 and len(outlines) == 27 and len(missing) == 10
    assert "Chaman" in [names[c] for c in missing]
    values = {code: float(i) for i, code in enumerate(names)}
    fig = district_map(
        values, outlines, names=names, missing_outline=missing, attribution=attribution
    )
    note = fig.layout.annotations[0].text
    for code in missing:
        assert names[code] in note
    assert fig.layout.yaxis.scaleratio == pytest.approx(1.1379, abs=0.01)
    # every drawn outline is in exactly one class trace
    rings = sum(len(segments(t.x, t.y)) for t in fills(fig))
    expected = sum(len(list(geometry_rings(g))) for g in outlines.values())
    assert rings == expected
