"""Trajectory figure and sparkline: pure builders, checked on small inputs."""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pytest

from dbmis.app.figures import FONT_URDU, SPARKLINE_CONFIG, Marker, Point, sparkline
from dbmis.app.figures import trajectory_figure as traj

PERIODS = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
PLANNED = [Point(p, 10.0 + i) for i, p in enumerate(PERIODS)]
ACTUAL = [Point("2024-Q1", 9.5), Point("2024-Q2", None), Point("2024-Q3", 12.25)]


def full_figure(**kw: object):
    args: dict[str, object] = {
        "target": Point("2025-Q2", 16.0),
        "baseline": Point("2023-Q4", 8.0),
        "forecast": [Point("2024-Q3", 12.25), Point("2025-Q2", 14.0)],
        "milestones": [
            Marker("2024-Q2", "Desk opened", "done"),
            Marker("2025-Q1", "Lab accredited", "overdue"),
        ],
        "band": [(p.x, p.value - 1, p.value + 1) for p in PLANNED],  # type: ignore[operator]
        "unit_label": "%",
        "decimals": 2,
        "title": "Conviction rate",
    }
    args.update(kw)
    return traj(ACTUAL, PLANNED, **args)  # type: ignore[arg-type]


def by_name(fig, name: str):
    found = [t for t in fig.data if t.name == name]
    assert found, f"no trace {name!r} in {[t.name for t in fig.data]}"
    return found[0]


def test_trace_types_and_order() -> None:
    fig = full_figure()
    assert [t.type for t in fig.data] == ["scatter"] * 9
    assert [t.name for t in fig.data] == [
        "Range low",
        "On-track range",
        "Planned trajectory",
        "Actual",
        "Forecast",
        "Baseline",
        "Target",
        "Action-plan milestones",
        "Action-plan milestones",
    ]
    # only the series, the band and one milestone entry are in the legend
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend == [
        "On-track range",
        "Planned trajectory",
        "Actual",
        "Forecast",
        "Action-plan milestones",
    ]


def test_minimal_figure_has_only_what_it_is_given() -> None:
    fig = traj(ACTUAL, PLANNED, unit_label="cases")
    assert [t.name for t in fig.data] == ["Planned trajectory", "Actual"]
    assert not fig.layout.annotations
    assert not fig.layout.shapes


def test_actual_breaks_at_missing_values_and_planned_is_dashed() -> None:
    fig = full_figure()
    actual = by_name(fig, "Actual")
    assert actual.mode == "lines+markers"
    assert actual.connectgaps is False
    y = np.asarray(actual.y, dtype=float)
    assert y[0] == 9.5 and math.isnan(y[1]) and y[2] == 12.25
    assert by_name(fig, "Planned trajectory").line.dash == "dash"
    assert by_name(fig, "Forecast").line.dash == "dot"
    band_high = by_name(fig, "On-track range")
    assert band_high.fill == "tonexty"
    assert list(np.asarray(band_high.y)) == [11.0, 12.0, 13.0, 14.0, 15.0]


def test_target_and_baseline_are_marked_and_annotated() -> None:
    fig = full_figure()
    target = by_name(fig, "Target")
    assert target.marker.symbol == "star"
    assert list(target.x) == ["2025-Q2"]
    assert by_name(fig, "Baseline").marker.symbol == "diamond"
    texts = [a.text for a in fig.layout.annotations]
    assert "Target: 16.00%" in texts
    assert "Baseline: 8.00%" in texts


def test_category_order_merges_all_series() -> None:
    fig = full_figure()
    assert fig.layout.xaxis.type == "category"
    assert list(fig.layout.xaxis.categoryarray) == ["2023-Q4", *PERIODS, "2025-Q2"]
    explicit = full_figure(x_order=["2023-Q4", *PERIODS, "2025-Q2", "2025-Q3"])
    assert list(explicit.layout.xaxis.categoryarray)[-1] == "2025-Q3"


def test_hover_has_unit_and_decimals() -> None:
    fig = full_figure()
    assert by_name(fig, "Actual").hovertemplate == "Actual: %{y:,.2f}%<extra></extra>"
    fig = traj(ACTUAL, PLANNED, unit_label="cases", decimals=0)
    assert by_name(fig, "Actual").hovertemplate == "Actual: %{y:,.0f} cases<extra></extra>"
    assert fig.layout.hovermode == "x unified"


def test_milestones_are_vertical_markers_with_hover_text() -> None:
    fig = full_figure()
    shapes = fig.layout.shapes
    assert len(shapes) == 2
    assert {s.yref for s in shapes} == {"paper"}
    order = list(fig.layout.xaxis.categoryarray)
    assert [order[s.x0] for s in shapes] == ["2024-Q2", "2025-Q1"]
    marks = fig.data[7]
    assert marks.yaxis == "y2"
    assert list(marks.text) == [
        "Milestone: Desk opened (✓ Done)",
        "Milestone: Lab accredited (! Overdue)",
    ]
    assert list(marks.marker.symbol) == ["circle", "x"]
    assert fig.layout.yaxis2.overlaying == "y"


def test_dates_make_a_date_axis() -> None:
    months = [date(2025, m, 1) for m in range(1, 7)]
    fig = traj(
        [Point(d, float(i)) for i, d in enumerate(months[:4])],
        [Point(d, float(i) + 0.5) for i, d in enumerate(months)],
        target=Point(date(2025, 6, 1), 9.0),
        unit_label="%",
    )
    assert fig.layout.xaxis.type == "date"
    assert fig.layout.xaxis.hoverformat == "%b %Y"
    assert list(by_name(fig, "Actual").x)[:2] == ["2025-01-01", "2025-02-01"]


def test_urdu_labels_pass_through_with_bidi_isolates() -> None:
    ur = {"actual": "اصل", "planned": "منصوبہ", "target": "ہدف"}
    fig = traj(
        ACTUAL,
        PLANNED,
        target=Point("2025-Q2", 16.0),
        unit_label="%",
        title="سزا کی شرح",
        labels=ur,
        lang="ur",
    )
    names = [t.name for t in fig.data]
    assert "\u2068اصل\u2069" in names and "\u2068منصوبہ\u2069" in names
    # the number is isolated left-to-right inside the right-to-left label
    assert fig.layout.annotations[0].text == "\u2068ہدف: \u206616.0%\u2069\u2069"
    assert fig.layout.font.family == FONT_URDU
    assert fig.layout.yaxis.side == "right"
    assert fig.layout.title.xanchor == "right"
    assert fig.layout.hoverlabel.align == "right"


def test_figure_is_responsive_and_phone_friendly() -> None:
    fig = full_figure()
    assert fig.layout.autosize is True
    assert fig.layout.width is None
    assert fig.layout.legend.orientation == "h"
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y == 0
    assert max(fig.layout.margin.l, fig.layout.margin.r) <= 10


@pytest.mark.parametrize("builder", ["trajectory", "sparkline"])
def test_validated_build_gives_the_same_figure(builder: str) -> None:
    if builder == "trajectory":
        fast, checked = full_figure(), full_figure(validate=True)
    else:
        fast = sparkline(ACTUAL, planned=PLANNED)
        checked = sparkline(ACTUAL, planned=PLANNED, validate=True)
    assert json.loads(fast.to_json()) == json.loads(checked.to_json())


def test_sparkline_is_tiny_and_static() -> None:
    fig = sparkline(ACTUAL, planned=PLANNED, height=48)
    assert [t.mode for t in fig.data] == ["lines", "lines", "markers"]
    assert fig.layout.height == 48
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.showlegend is False and fig.layout.hovermode is False
    assert all(t.hoverinfo == "skip" for t in fig.data)
    # the last value with data is marked
    assert list(fig.data[2].x) == ["2024-Q3"]
    assert SPARKLINE_CONFIG["staticPlot"] is True
    assert sparkline([]).data == ()


def test_annotations_on_a_category_axis_of_years_sit_on_their_year() -> None:
    years = ["2025", "2026", "2027"]
    fig = traj(
        [Point("2025", 10.0)],
        [Point(y, 10.0 + i) for i, y in enumerate(years)],
        baseline=Point("2024", 9.0),
        target=Point("2027", 14.0),
        milestones=[Marker("2026", "Labs open")],
    )
    order = list(fig.layout.xaxis.categoryarray)
    assert order == ["2024", *years]
    # a year given as text would be read by plotly as category index 2024: positions are used
    by_text = {a.text.split(":")[0]: a.x for a in fig.layout.annotations}
    assert by_text == {"Baseline": order.index("2024"), "Target": order.index("2027")}
    assert {s.x0 for s in fig.layout.shapes} == {order.index("2026")}
