"""The text alternative of every figure: the same inputs as plain table rows.

Each helper returns ``list[dict[str, str]]`` with stable keys (``period``, ``actual``...),
values already formatted (decimals, unit, "–" for a missing value). :func:`table_columns`
turns the keys of the rows into ``[(key, header)]`` with the caller's labels, so a page can
render ``html.Table`` or a ``dash_table.DataTable`` beside the chart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

from dbmis.app.figures._common import (
    XValue,
    fmt_value,
    is_missing,
    merged_labels,
    x_kind,
    x_value,
)
from dbmis.app.figures.bars import BarRow, is_incomplete, sort_rows
from dbmis.app.figures.maps import districts_not_drawn
from dbmis.app.figures.status import status_label
from dbmis.app.figures.trend import BandPoint, Marker, Point, period_order

Rows = list[dict[str, str]]


def _default_format_x(x: XValue) -> str:
    return x.strftime("%b %Y") if isinstance(x, date) else str(x)


def trajectory_rows(
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
    labels: Mapping[str, str] | None = None,
    x_order: Sequence[XValue] | None = None,
    format_x: Callable[[XValue], str] | None = None,
) -> Rows:
    """One row per period, in time order: ``period``, ``actual``, ``planned`` and, when given,
    ``low``/``high`` (the band), ``forecast``, and ``note`` (baseline, target, milestones)."""
    lab = merged_labels(labels)
    fx = format_x or _default_format_x
    all_x: list[XValue] = [
        *(p.x for p in actual),
        *(p.x for p in planned),
        *(p.x for p in forecast),
        *(b[0] for b in band),
        *(m.x for m in milestones),
        *([target.x] if target else []),
        *([baseline.x] if baseline else []),
    ]
    kind = x_kind(all_x)
    key_of = {x_value(x, kind): x for x in all_x}
    if kind == "date":
        order = sorted(key_of)
    elif x_order is not None:
        order = [str(x) for x in x_order]
        order += [k for k in key_of if k not in set(order)]
    else:
        order = period_order(actual, planned, target, baseline, forecast, milestones, band)

    def by_x(points: Sequence[Point]) -> dict[str, float | None]:
        return {x_value(p.x, kind): p.value for p in points}

    series: list[tuple[str, dict[str, float | None]]] = [
        ("actual", by_x(actual)),
        ("planned", by_x(planned)),
    ]
    if band:
        series.append(("low", {x_value(b[0], kind): b[1] for b in band}))
        series.append(("high", {x_value(b[0], kind): b[2] for b in band}))
    if forecast:
        series.append(("forecast", by_x(forecast)))
    notes: dict[str, list[str]] = {}
    for point, key in ((baseline, "baseline"), (target, "target")):
        if point is not None:
            notes.setdefault(x_value(point.x, kind), []).append(
                f"{lab[key]}: {fmt_value(point.value, decimals, unit_label)}"
            )
    for m in milestones:
        status = f" ({lab.get(str(m.status), str(m.status))})" if m.status else ""
        notes.setdefault(x_value(m.x, kind), []).append(f"{lab['milestone']}: {m.label}{status}")

    rows: Rows = []
    for key in order:
        row = {"period": fx(key_of.get(key, key))}
        for name, values in series:
            row[name] = fmt_value(values.get(key), decimals, unit_label)
        if notes:
            row["note"] = "; ".join(notes.get(key, []))
        rows.append(row)
    return rows


def district_rows(
    rows: Sequence[BarRow],
    *,
    direction: str = "up",
    unit_label: str = "",
    decimals: int = 1,
    labels: Mapping[str, str] | None = None,
    min_completeness: float | None = None,
) -> Rows:
    """The league table in the bars' order: ``rank`` (ties share a rank; none without a
    value), ``district``, ``value``, ``status`` (symbol + label), ``completeness``,
    ``incomplete`` (the label when the district is marked incomplete, else empty)."""
    lab = merged_labels(labels)
    out: Rows = []
    rank = 0
    previous: float | None = None
    for i, r in enumerate(sort_rows(rows, direction), start=1):
        if is_missing(r.value):
            shown_rank = ""
        else:
            if previous is None or r.value != previous:
                rank = i
            previous = r.value
            shown_rank = str(rank)
        out.append(
            {
                "rank": shown_rank,
                "district": r.name,
                "value": fmt_value(r.value, decimals, unit_label, lab["no_data"]),
                "status": status_label(r.status, lab) if r.status else "",
                "completeness": "" if r.completeness is None else f"{r.completeness * 100:.0f}%",
                "incomplete": lab["incomplete"] if is_incomplete(r, min_completeness) else "",
            }
        )
    return out


def map_rows(
    values: Mapping[str, float | None],
    outlines: Mapping[str, Any],
    *,
    names: Mapping[str, str],
    unit_label: str = "",
    decimals: int = 1,
    labels: Mapping[str, str] | None = None,
    missing_outline: Sequence[str] = (),
) -> Rows:
    """One row per district in ``names`` order: ``district``, ``value``, ``drawn`` (yes/no:
    whether the map could draw its outline)."""
    lab = merged_labels(labels)
    not_drawn = set(districts_not_drawn(names, outlines, missing_outline, values))
    codes = list(dict.fromkeys([*names, *values, *missing_outline]))
    return [
        {
            "district": names.get(c, c),
            "value": fmt_value(values.get(c), decimals, unit_label, lab["no_data"]),
            "drawn": lab["no"] if c in not_drawn else lab["yes"],
        }
        for c in codes
    ]


def table_columns(rows: Rows, labels: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``[(key, header)]`` for the keys of ``rows`` (in order), headers from ``labels``."""
    lab = merged_labels(labels)
    keys = list(rows[0]) if rows else []
    headers = {"note": f"{lab['baseline']} / {lab['target']} / {lab['milestone']}"}
    return [(k, headers.get(k) or lab.get(k, k)) for k in keys]


def figure_table_rows(
    kind: Literal["trajectory", "districts", "map"], *args: Any, **kwargs: Any
) -> Rows:
    """Dispatch to :func:`trajectory_rows`, :func:`district_rows` or :func:`map_rows` with the
    arguments of the matching figure builder (figure-only arguments such as ``title``,
    ``lang``, ``highlight``, ``target`` of the bars, ``colorscale`` are ignored)."""
    ignored = {
        "title",
        "lang",
        "height",
        "highlight",
        "colorscale",
        "attribution",
        "value_range",
        "grouping",
        "bins",
        "lat0",
        "row_height",
        "y_from_zero",
    }
    clean = {k: v for k, v in kwargs.items() if k not in ignored}
    if kind == "trajectory":
        return trajectory_rows(*args, **clean)
    if kind == "districts":
        clean.pop("target", None)
        return district_rows(*args, **clean)
    if kind == "map":
        return map_rows(*args, **clean)
    raise ValueError(f"unknown figure kind {kind!r}: trajectory, districts or map")


__all__ = [
    "district_rows",
    "figure_table_rows",
    "map_rows",
    "table_columns",
    "trajectory_rows",
]
