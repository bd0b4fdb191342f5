"""The pack's charts: actual vs trajectory vs target, drawn with matplotlib (Agg) to SVG or PNG.

No browser and no network: matplotlib draws the chart itself. The SVG keeps its text as text
(``svg.fonttype = none``; Noto Sans, else DejaVu Sans, else any sans-serif), so it can be
searched and copied, and WeasyPrint typesets it several times faster than glyph outlines. Each
SVG's ids are prefixed with the KPI's code so several charts can sit inline in one HTML page.
"""

from __future__ import annotations

import base64
import io
import re
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from dbmis.kpis.pack import fmt
from dbmis.kpis.pack.model import KpiSection
from dbmis.periods import add_months, parse_period, split_month

if TYPE_CHECKING:
    from matplotlib.axes import Axes

ACTUAL = "#1f4e79"
PLANNED = "#6b7280"
BAND = "#e5e7eb"
TARGET = "#111827"
QUARTER = "#fdf3d7"
FLAGGED = "#ffffff"

FONT_FAMILIES = ["Noto Sans", "DejaVu Sans"]


def _x(month: int, day: int = 15) -> float:
    """A month (YYYYMM) as a matplotlib date number (the 15th, or ``day``)."""
    import matplotlib.dates as mdates

    year, mon = split_month(month)
    return float(mdates.date2num(date(year, mon, day)))


def _floats(values: list[float | None]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def _style() -> dict[str, Any]:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": FONT_FAMILIES,
        "font.size": 7.5,
        "axes.edgecolor": "#9ca3af",
        "axes.labelcolor": "#374151",
        "axes.linewidth": 0.6,
        "xtick.color": "#4b5563",
        "ytick.color": "#4b5563",
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "svg.fonttype": "none",  # text stays text: searchable, and far faster to typeset
        "svg.hashsalt": "dbmis-pack",
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _save(
    quarter: str | None,
    section: KpiSection,
    width_in: float,
    height_in: float,
    out: Any,
    **savefig: Any,
) -> None:
    """Draw the chart and save it to ``out`` (style, fonts and ids set for both steps)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    with plt.rc_context(cast(Any, _style())):
        fig = _figure(quarter, section, width_in, height_in)
        fig.savefig(out, **savefig)


def _figure(quarter: str | None, section: KpiSection, width_in: float, height_in: float) -> Any:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fig = Figure(figsize=(width_in, height_in), dpi=100)
    # fixed margins (no tight layout: it draws the figure once more); the legend sits above
    fig.subplots_adjust(
        left=0.6 / width_in,
        right=1 - 0.1 / width_in,
        bottom=0.3 / height_in,
        top=1 - 0.5 / height_in,
    )
    ax: Axes = fig.add_subplot(1, 1, 1)
    if section.series_type == "month":
        _draw_months(ax, quarter, section)
    else:
        _draw_periods(ax, quarter, section)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    low, high = ax.get_ylim()
    decimals = 1 if high - low < 4 else 0
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _pos: fmt.number(v, decimals).replace("−", "-"))
    )
    ax.grid(axis="y", color="#e5e7eb", linewidth=0.5)
    ax.set_axisbelow(True)
    unit = fmt.unit_name(section.unit)
    ax.set_ylabel(unit[0].upper() + unit[1:])
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(
            handles,
            labels,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.03, 1.0, 0.2),
            mode="expand",
            ncol=4,
            fontsize=6.8,
            handlelength=2.2,
            borderaxespad=0.0,
        )
    return fig


def _no_data(ax: Axes, s: KpiSection) -> None:
    if not any(p.actual is not None for p in s.series):
        ax.text(
            0.5,
            0.5,
            "No approved data yet",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="#6b7280",
            fontsize=9,
        )


def _draw_months(ax: Axes, quarter: str | None, s: KpiSection) -> None:
    """A monthly series on a time axis: actuals, trajectory with its band, baseline, target."""
    import matplotlib.dates as mdates

    months: list[int] = [p.period_end for p in s.series]
    months += [m for m, _ in s.trajectory]
    months += [m for m in (s.baseline_month, s.target_month) if m]
    if quarter:
        q = parse_period(quarter)
        months += [q.first, q.last]
        ax.axvspan(
            _x(q.first, 1),
            _x(add_months(q.last, 1), 1),
            color=QUARTER,
            zorder=0,
            label=f"This stocktake ({q.label})",
            linewidth=0,
        )
    if not months:
        _no_data(ax, s)
        return
    lo, hi = min(months), max(months)
    ax.set_xlim(_x(add_months(lo, -2)), _x(add_months(hi, 2)))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))

    if s.trajectory:
        xs = [_x(m) for m, _ in s.trajectory]
        ys = [v for _, v in s.trajectory]
        if s.tolerance:
            ax.fill_between(
                xs,
                [v - s.tolerance for v in ys],
                [v + s.tolerance for v in ys],
                color=BAND,
                linewidth=0,
                zorder=1,
                label="Tolerance",
            )
        ax.plot(xs, ys, color=PLANNED, linewidth=1.2, zorder=2, label="Planned trajectory")
    points = [p for p in s.series if p.actual is not None]
    if points:
        ax.plot(
            [_x(p.period_end) for p in points],
            _floats([p.actual for p in points]),
            color=ACTUAL,
            linewidth=1.4,
            marker="o",
            markersize=2.2,
            zorder=4,
            label="Actual (monthly)",
        )
        weak = [p for p in points if p.flagged or p.partial]
        if weak:
            ax.plot(
                [_x(p.period_end) for p in weak],
                _floats([p.actual for p in weak]),
                linestyle="none",
                marker="o",
                markersize=3.6,
                markerfacecolor=FLAGGED,
                markeredgecolor=ACTUAL,
                markeredgewidth=1.0,
                zorder=5,
                label="Incomplete returns",
            )
    _no_data(ax, s)
    if s.forecast is not None:
        f = s.forecast
        ax.plot(
            [_x(f.start_month), _x(f.end_month)],
            [f.start_value, f.end_value],
            color=ACTUAL,
            linewidth=1.1,
            linestyle=(0, (4, 3)),
            zorder=3,
            label="Trend forecast",
        )
    if s.baseline_month and s.baseline_value is not None:
        _baseline(ax, _x(s.baseline_month), s)
    if s.target_month and s.target_value is not None:
        _target(ax, _x(s.target_month), s)


def _baseline(ax: Axes, x: Any, s: KpiSection) -> None:
    ax.plot(
        [x],
        _floats([s.baseline_value]),
        linestyle="none",
        marker="s",
        markersize=5,
        color=PLANNED,
        zorder=6,
        label=f"Baseline ({s.baseline_period})",
    )


def _target(ax: Axes, x: Any, s: KpiSection) -> None:
    ax.plot(
        [x],
        _floats([s.target_value]),
        linestyle="none",
        marker="D",
        markersize=6,
        color=TARGET,
        zorder=6,
        label=f"Target ({fmt.period(s.target_period)})",
    )
    ax.annotate(
        fmt.value(s.target_value, s.unit, s.decimals, compact=True),
        (x, s.target_value),
        xytext=(0, 7),
        textcoords="offset points",
        ha="center",
        fontsize=7,
        color=TARGET,
    )


def _draw_periods(ax: Axes, quarter: str | None, s: KpiSection) -> None:
    """Yearly (or fiscal-year) values as bars on a period axis, the plan for each period as a
    line with its band, the baseline and target periods marked."""
    labels = [p.period for p in s.series]
    for extra in (s.baseline_period, s.target_period):
        if extra and extra not in labels:
            labels.append(extra)
    ends = {p.period: p.period_end for p in s.series}
    for extra in (s.baseline_period, s.target_period):
        if extra and extra not in ends:
            try:
                ends[extra] = parse_period(extra).last
            except ValueError:
                ends[extra] = 0
    labels.sort(key=lambda label: ends[label])
    x = {label: i for i, label in enumerate(labels)}
    if not labels:
        _no_data(ax, s)
        return
    ax.set_xticks(range(len(labels)), labels)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    if quarter:
        q = parse_period(quarter)
        current = [
            p.period for p in s.series if parse_period(p.period).first <= q.last <= p.period_end
        ]
        for label in current[:1]:
            ax.axvspan(
                x[label] - 0.5,
                x[label] + 0.5,
                color=QUARTER,
                zorder=0,
                linewidth=0,
                label=f"This stocktake ({q.label})",
            )
    planned = [(x[p.period], p.planned) for p in s.series if p.planned is not None]
    if planned:
        px = [i for i, _ in planned]
        py = [float(v) for _, v in planned if v is not None]
        if s.tolerance:
            ax.fill_between(
                px,
                [v - s.tolerance for v in py],
                [v + s.tolerance for v in py],
                color=BAND,
                linewidth=0,
                zorder=1,
                label="Tolerance",
            )
        ax.plot(
            px,
            py,
            color=PLANNED,
            linewidth=1.2,
            marker="_",
            markersize=9,
            zorder=3,
            label="Planned",
        )
    full = [p for p in s.series if p.actual is not None and not p.partial and not p.flagged]
    weak = [p for p in s.series if p.actual is not None and (p.partial or p.flagged)]
    if full:
        ax.bar(
            [x[p.period] for p in full],
            _floats([p.actual for p in full]),
            width=0.55,
            color=ACTUAL,
            zorder=2,
            label="Actual",
        )
    if weak:
        ax.bar(
            [x[p.period] for p in weak],
            _floats([p.actual for p in weak]),
            width=0.55,
            color="#ffffff",
            edgecolor=ACTUAL,
            hatch="////",
            linewidth=0.9,
            zorder=2,
            label="Year to date or incomplete",
        )
    for p in full + weak:
        ax.annotate(
            fmt.value(p.actual, s.unit, s.decimals, compact=True),
            (x[p.period], p.actual or 0),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=6.5,
            color=ACTUAL,
        )
    _no_data(ax, s)
    if s.baseline_period in x and s.baseline_value is not None:
        _baseline(ax, x[s.baseline_period], s)
    if s.target_period in x and s.target_value is not None:
        _target(ax, x[s.target_period], s)
    ax.set_ylim(bottom=0)


_ID = re.compile(r'\bid="([^"]+)"')


def _prefix_ids(svg: str, prefix: str) -> str:
    ids = set(_ID.findall(svg))
    if not ids:
        return svg

    def fix(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{prefix}{name}" if name in ids else match.group(0)

    svg = re.sub(r'(\bid=")([^"]+)(?=")', fix, svg)
    svg = re.sub(r'(href="#)([^"]+)(?=")', fix, svg)
    return re.sub(r"(url\(#)([^)]+)(?=\))", fix, svg)


def svg_data_uri(svg: str) -> str:
    """The SVG as a ``data:`` URI, for an ``<img>``: WeasyPrint draws these about twice as fast
    as inline ``<svg>`` elements."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def chart_svg(
    section: KpiSection,
    quarter: str | None = None,
    *,
    width_in: float = 6.9,
    height_in: float = 2.45,
) -> str:
    """The chart as an ``<svg>`` element (no XML declaration, no doctype), ready to inline."""
    buf = io.StringIO()
    _save(quarter, section, width_in, height_in, buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    start = text.find("<svg")
    svg = text[start:]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    prefix = re.sub(r"[^a-z0-9]", "-", section.code.lower()) + "-"
    svg = _prefix_ids(svg, prefix)
    # scale with the page: the viewBox keeps the drawing, the width follows the container
    svg = re.sub(r'\swidth="[^"]+"\s+height="[^"]+"', ' width="100%"', svg, count=1)
    return svg


def chart_png(
    section: KpiSection,
    quarter: str | None = None,
    *,
    width_in: float = 6.9,
    height_in: float = 2.45,
    dpi: int = 150,
) -> bytes:
    """The chart as PNG bytes (for the spreadsheet)."""
    buf = io.BytesIO()
    _save(quarter, section, width_in, height_in, buf, format="png", dpi=dpi)
    return buf.getvalue()
