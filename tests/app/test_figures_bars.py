"""District bars: sorted by direction, incomplete marked, no-data listed, target and highlight."""

from __future__ import annotations

import json

import numpy as np

from dbmis.app.figures import BarRow, district_bars, sort_rows

ROWS = [
    BarRow("A", "Awaran", 12.0, 1.0, False, "on_track"),
    BarRow("B", "Barkhan", None, 0.0, True, "no_data"),
    BarRow("C", "Chagai", 25.0, 0.4, True, "target_met"),
    BarRow("D", "Duki", 5.0, 0.9, False, "off_track"),
    BarRow("E", "Zhob", 12.0, 0.7, False, "on_track"),
    BarRow("F", "Kech", 9.0, 0.95, False, "at_risk"),
    BarRow("G", "Gwadar", None, None, False, None),
]


def categories(fig) -> list[str]:
    return list(fig.layout.yaxis.categoryarray)


def test_sort_up_best_first_ties_by_name_no_value_last() -> None:
    assert [r.code for r in sort_rows(ROWS, "up")] == ["C", "A", "E", "F", "D", "B", "G"]
    fig = district_bars(ROWS, direction="up")
    assert categories(fig) == ["C", "A", "E", "F", "D", "B", "G"]
    assert fig.layout.yaxis.autorange == "reversed"  # first row at the top


def test_sort_down_lowest_first() -> None:
    assert [r.code for r in sort_rows(ROWS, "down")] == ["D", "F", "A", "E", "C", "B", "G"]
    fig = district_bars(ROWS, direction="down")
    assert categories(fig) == ["D", "F", "A", "E", "C", "B", "G"]


def test_one_bar_trace_per_status_with_symbol_in_the_legend() -> None:
    fig = district_bars(ROWS, unit_label="%")
    bars = [t for t in fig.data if t.type == "bar" and t.x[0] is not None]
    assert [t.name for t in bars] == ["✓ Target met", "● On track", "▲ At risk", "✕ Off track"]
    on_track = bars[1]
    assert list(on_track.y) == ["A", "E"]
    assert list(np.asarray(on_track.x)) == [12.0, 12.0]
    assert on_track.orientation == "h"
    assert list(on_track.text) == ["12.0% ●", "12.0% ●"]
    assert "Completeness: 70%" in on_track.hovertext[1]


def test_incomplete_districts_are_hatched_and_labelled() -> None:
    fig = district_bars(ROWS, unit_label="%")
    met = next(t for t in fig.data if t.name == "✓ Target met")
    assert list(met.marker.pattern.shape) == ["/"]
    assert met.text[0] == "25.0% ✓ · incomplete"
    on_track = next(t for t in fig.data if t.name == "● On track")
    assert list(on_track.marker.pattern.shape) == ["", ""]
    legend = [t for t in fig.data if t.name == "Incomplete data (hatched)"]
    assert len(legend) == 1 and legend[0].marker.pattern.shape == "/"
    # a completeness threshold marks more districts (Zhob at 70%)
    fig = district_bars(ROWS, unit_label="%", min_completeness=0.8)
    on_track = next(t for t in fig.data if t.name == "● On track")
    assert list(on_track.marker.pattern.shape) == ["", "/"]
    assert on_track.text[1].endswith("incomplete")


def test_no_incomplete_no_legend_entry() -> None:
    rows = [BarRow("A", "Awaran", 1.0), BarRow("B", "Barkhan", 2.0)]
    fig = district_bars(rows)
    assert not [t for t in fig.data if t.name == "Incomplete data (hatched)"]
    # rows without a status: one neutral trace, not in the legend
    assert len(fig.data) == 1 and fig.data[0].showlegend is False


def test_districts_without_a_value_are_listed_not_dropped() -> None:
    fig = district_bars(ROWS)
    no_data = [t for t in fig.data if t.type == "scatter" and t.mode == "text"]
    assert len(no_data) == 1
    assert list(no_data[0].y) == ["B", "G"]
    assert list(no_data[0].text) == ["– No data", "– No data"]
    shown = {c for t in fig.data if t.type != "scatter" or t.mode == "text" for c in t.y}
    assert {r.code for r in ROWS} <= shown
    names = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    assert names["G"] == "Gwadar"


def test_target_line_and_legend_entry() -> None:
    fig = district_bars(ROWS, target=20.0, unit_label="%", decimals=0)
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1
    assert lines[0].x0 == lines[0].x1 == 20.0 and lines[0].yref == "paper"
    assert any(t.name == "Target: 20%" for t in fig.data)
    # the x range leaves room for the target and the text after the longest bar
    assert fig.layout.xaxis.range[1] > 25.0


def test_highlighted_district_is_emphasised() -> None:
    fig = district_bars(ROWS, highlight="A")
    names = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    assert names["A"] == "<b>▸ Awaran</b>" and names["E"] == "Zhob"
    on_track = next(t for t in fig.data if t.name == "● On track")
    assert list(on_track.marker.line.width) == [3, 1]
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == 1 and (rects[0].y0, rects[0].y1) == (0.5, 1.5)


def test_height_grows_with_rows() -> None:
    few = district_bars(ROWS[:2])
    many = district_bars([BarRow(str(i), f"D{i}", float(i)) for i in range(37)])
    assert many.layout.height > few.layout.height
    assert many.layout.height >= 37 * 20


def test_urdu_mirrors_the_chart_and_keeps_labels() -> None:
    ur = {"no_data": "اعداد و شمار دستیاب نہیں", "incomplete": "نامکمل", "on_track": "راستے پر"}
    rows = [BarRow("A", "آواران", 12.0, 0.3, True, "on_track"), BarRow("B", "بارکھان", None)]
    fig = district_bars(rows, labels=ur, lang="ur", unit_label="%", highlight="A")
    assert fig.layout.yaxis.side == "right"
    lo, hi = fig.layout.xaxis.range
    assert lo > hi  # bars grow leftwards
    text = json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)
    for word in ("آواران", "بارکھان", "نامکمل", "راستے پر", "اعداد و شمار دستیاب نہیں"):
        assert word in text
    assert fig.data[0].text[0] == "<b>\u2068\u206612.0%\u2069 ● · نامکمل\u2069</b>"


def test_validated_build_gives_the_same_figure() -> None:
    kw = {"unit_label": "%", "highlight": "A", "target": 20.0, "title": "Rate"}
    fast = district_bars(ROWS, **kw)  # type: ignore[arg-type]
    checked = district_bars(ROWS, validate=True, **kw)  # type: ignore[arg-type]
    assert json.loads(fast.to_json()) == json.loads(checked.to_json())


def test_empty_input_gives_an_empty_figure() -> None:
    fig = district_bars([], target=3.0)
    assert fig.layout.height >= 200
