"""The pack as an Excel workbook (openpyxl): a Summary sheet, one sheet per KPI (its series,
district league table, judgement, actions and decisions, and a line chart), an Action plan sheet
(when the catalog has a plan) and a Data quality sheet.

Numbers are written as numbers with a display format (so they can be summed and charted);
every text cell is written as a string, and a text that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is neutralised with a leading apostrophe, so that no cell of the pack
can ever become a formula (CSV/formula injection).
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dbmis.kpis.exports import neutralise
from dbmis.kpis.pack import fmt
from dbmis.kpis.pack.html import STATUS_MEANINGS
from dbmis.kpis.pack.model import (
    LIKELIHOOD_MEANINGS,
    LIKELIHOODS,
    PLAN_STATUS_LABELS,
    KpiSection,
    LeagueRow,
    PackData,
)
from dbmis.kpis.status import STATUS_ORDER

TITLE = Font(bold=True, size=14, color="111827")
SUBTITLE = Font(bold=True, size=11, color="1F4E79")
BOLD = Font(bold=True)
HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
GROUP_FILL = PatternFill("solid", fgColor="E8EEF5")
DEMO = Font(bold=True, color="991B1B", size=12)
MUTED = Font(color="6B7280", italic=True)
THIN = Border(bottom=Side(style="thin", color="D1D5DB"))
WRAP = Alignment(wrap_text=True, vertical="top")

STATUS_FILLS = {
    "target_met": ("166534", "FFFFFF"),
    "on_track": ("DCFCE7", "166534"),
    "at_risk": ("FEF3C7", "92400E"),
    "off_track": ("FEE2E2", "991B1B"),
    "no_data": ("F3F4F6", "4B5563"),
}
LIKELIHOOD_FILLS = {
    "green": ("2E7D32", "FFFFFF"),
    "amber_green": ("C5E1A5", "1B5E20"),
    "amber_red": ("FFCC80", "8A3B00"),
    "red": ("C62828", "FFFFFF"),
}


def _number_format(decimals: int, unit: str = "") -> str:
    base = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if unit == "percent":
        return base + '"%"'
    return base


class _Sheet:
    """Writes rows into a worksheet, one call per row, keeping text safe."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1

    def put(self, col: int, value: Any, *, number_format: str | None = None) -> Cell:
        cell: Cell = self.ws.cell(row=self.row, column=col)
        if isinstance(value, str):
            cell.value = neutralise(value)
            cell.data_type = "s"
        elif isinstance(value, float) and value != value:  # NaN
            cell.value = None
        else:
            cell.value = value
        if isinstance(value, date):
            cell.number_format = "d mmm yyyy"
        if number_format:
            cell.number_format = number_format
        return cell

    def line(
        self,
        values: list[Any],
        *,
        font: Font | None = None,
        formats: dict[int, str] | None = None,
        fill: PatternFill | None = None,
    ) -> list[Cell]:
        cells = []
        for i, v in enumerate(values, start=1):
            cell = self.put(i, v, number_format=(formats or {}).get(i))
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            cells.append(cell)
        self.row += 1
        return cells

    def header(self, names: list[str]) -> None:
        for cell in self.line(names, font=HEADER, fill=HEADER_FILL):
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        self.ws.row_dimensions[self.row - 1].height = 30

    def text(self, value: str, *, font: Font | None = None, merge_to: int = 0) -> None:
        cell = self.put(1, value)
        if font is not None:
            cell.font = font
        if merge_to > 1:
            self.ws.merge_cells(
                start_row=self.row, start_column=1, end_row=self.row, end_column=merge_to
            )
            cell.alignment = WRAP
            lines = max(1, len(value) // (12 * merge_to) + 1)
            self.ws.row_dimensions[self.row].height = 15 * lines
        self.row += 1

    def skip(self, n: int = 1) -> None:
        self.row += n


def _widths(ws: Worksheet, widths: list[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _paint(cell: Cell, colours: tuple[str, str] | None) -> None:
    if colours:
        cell.fill = PatternFill("solid", fgColor=colours[0])
        cell.font = Font(bold=True, color=colours[1])


def _sheet_title(name: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\']", " ", name).strip()[:28] or "KPI"
    title, n = clean, 2
    while title.lower() in used:
        title = f"{clean[:25]} {n}"
        n += 1
    used.add(title.lower())
    return title


def _cover_lines(s: _Sheet, pack: PackData, width: int) -> None:
    s.text(pack.title, font=TITLE)
    s.text(f"{pack.province}: stocktake pack, {pack.quarter} ({pack.quarter_label})", font=SUBTITLE)
    release = (
        f"release {pack.release_number}" if pack.release_number is not None else "not yet published"
    )
    s.text(
        f"Date: {fmt.day(pack.generated_on)}. Data through {fmt.month(pack.data_through, long=True)}. "
        f"Published: {release}.",
        merge_to=width,
    )
    if pack.is_demo:
        s.text("DEMO DATA — synthetic: every figure is made up for demonstration.", font=DEMO)


# --- sheets -----------------------------------------------------------------------------------


def _summary(wb: Workbook, pack: PackData, titles: dict[str, str]) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = "Summary"
    s = _Sheet(ws)
    _cover_lines(s, pack, 8)
    s.skip()
    s.header(
        [
            "Priority",
            "KPI",
            "Period",
            "Actual",
            "Planned",
            "Target",
            "Target date",
            "Unit",
            "Status",
            "Likelihood",
            "Since last stocktake",
            "Returns behind the value",
            "Below completeness threshold",
            "Sheet",
        ]
    )
    first = s.row
    for k in pack.kpis:
        num = _number_format(k.decimals, k.unit)
        j = k.judgement
        arrow, word = fmt.change(j.change if j else None)
        cells = s.line(
            [
                k.priority,
                k.name,
                k.period or "",
                k.value,
                k.planned,
                k.target_value,
                k.target_period or "",
                fmt.unit_name(k.unit),
                fmt.status(k.status),
                fmt.likelihood(j.likelihood if j else None),
                f"{arrow} {word}".strip(),
                k.completeness,
                "yes" if k.flagged else "no",
                titles[k.code],
            ],
            formats={4: num, 5: num, 6: num, 12: "0%"},
        )
        _paint(cells[8], STATUS_FILLS.get(k.status))
        if j:
            _paint(cells[9], LIKELIHOOD_FILLS.get(j.likelihood))
        for c in cells:
            c.border = THIN
            c.alignment = Alignment(vertical="top", wrap_text=c.column in (1, 2))
    ws.freeze_panes = ws.cell(row=first, column=3)
    s.skip()
    s.text("Status against trajectory", font=BOLD)
    for st in STATUS_ORDER:
        cells = s.line([fmt.status(st.value), STATUS_MEANINGS[st.value]])
        _paint(cells[0], STATUS_FILLS[st.value])
    s.skip()
    s.text("Likelihood of delivery (the Delivery Unit's judgement)", font=BOLD)
    for code in LIKELIHOODS:
        cells = s.line([fmt.likelihood(code), LIKELIHOOD_MEANINGS[code]])
        _paint(cells[0], LIKELIHOOD_FILLS[code])
    s.skip()
    s.text(
        "Actual: the KPI for the period, a ratio of sums over districts and months. Planned: the "
        "trajectory at the period's last month. Values of rates are in per cent (42.5 = 42.5%).",
        font=MUTED,
    )
    _widths(ws, [26, 40, 11, 11, 11, 11, 11, 12, 13, 13, 18, 12, 13, 22])


def _league_line(s: _Sheet, group: str, r: LeagueRow, num: str) -> None:
    cells = s.line(
        [
            group,
            r.rank,
            r.district_name,
            r.division_name,
            r.value,
            r.denominator,
            r.completeness,
            "yes" if r.flagged else "no",
            fmt.status(r.status) if r.status else "",
            r.planned,
            r.share_of_plan,
        ],
        formats={5: num, 6: "#,##0", 7: "0%", 10: num, 11: "0%"},
    )
    if r.flagged:
        cells[7].font = Font(bold=True, color="B45309")


def _kpi(wb: Workbook, pack: PackData, k: KpiSection, title: str) -> None:
    ws = wb.create_sheet(title)
    s = _Sheet(ws)
    num = _number_format(k.decimals, k.unit)
    s.text(k.name, font=TITLE)
    s.text(f"{k.priority} · {k.code}", font=SUBTITLE)
    s.text(f"Definition: {k.definition}", merge_to=9)
    s.text(f"Source: {k.source}", merge_to=9)
    if pack.is_demo:
        s.text("DEMO DATA — synthetic", font=DEMO)
    s.skip()
    j = k.judgement
    facts: list[tuple[str, Any, str | None]] = [
        ("Period", k.period or "", None),
        ("Actual", k.value, num),
        ("Planned", k.planned, num),
        ("Status", fmt.status(k.status), None),
        ("Target", k.target_value, num),
        ("Target date", k.target_period or "", None),
        ("Baseline", k.baseline_value, num),
        ("Baseline period", k.baseline_period or "", None),
        ("Tolerance", k.tolerance, num),
        ("Returns behind the value", k.completeness, "0%"),
        ("Likelihood", fmt.likelihood(j.likelihood if j else None), None),
        ("Previous likelihood", fmt.likelihood(j.previous) if j and j.previous else "", None),
        ("Since last stocktake", " ".join(fmt.change(j.change if j else None)).strip(), None),
    ]
    if k.forecast is not None:
        facts.append(
            (f"Trend forecast at {fmt.month(k.forecast.end_month)}", k.forecast.end_value, num)
        )
    for label, v, f in facts:
        cells = s.line([label, v], formats={2: f} if f else None)
        cells[0].font = BOLD
        if label == "Status":
            _paint(cells[1], STATUS_FILLS.get(k.status))
        if label == "Likelihood" and j:
            _paint(cells[1], LIKELIHOOD_FILLS.get(j.likelihood))
    if j is not None:
        s.skip()
        s.text("Rationale", font=SUBTITLE)
        s.text(j.rationale, merge_to=9)
        if j.criteria:
            s.header(["Criterion", "Rating", "Comment"])
            for c in j.criteria:
                cells = s.line([c.name, fmt.rating(c.rating), c.comment or ""])
                cells[2].alignment = WRAP

    # the series, with a chart beside the key figures
    s.skip()
    s.text(f"Province series ({k.series_type.replace('_', ' ')})", font=SUBTITLE)
    s.header(
        [
            "Period",
            "Last month",
            "Actual",
            "Planned",
            "Returns behind the value",
            "Below completeness threshold",
            "Period to date",
            "Numerator",
            "Denominator",
        ]
    )
    series_first = s.row
    for p in k.series:
        s.line(
            [
                p.period,
                fmt.month(p.period_end),
                p.actual,
                p.planned,
                p.completeness,
                "yes" if p.flagged else "no",
                "yes" if p.partial else "no",
                p.numerator,
                p.denominator,
            ],
            formats={3: num, 4: num, 5: "0%", 8: "#,##0.##", 9: "#,##0.##"},
        )
    series_last = s.row - 1
    if series_last >= series_first:
        chart = LineChart()
        chart.title = f"{k.short_name}: actual and planned"
        chart.height, chart.width = 7.5, 17
        chart.y_axis.title = fmt.unit_name(k.unit)
        chart.y_axis.numFmt = num
        data = Reference(ws, min_col=3, max_col=4, min_row=series_first - 1, max_row=series_last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=series_first, max_row=series_last))
        ws.add_chart(chart, "K2")

    # districts
    s.skip()
    league = k.league
    title = f"Districts, {league.period}" if league else "Districts"
    if league is not None and league.basis == "plan":
        title += " (ranked on the share of each district's own plan)"
    s.text(title, font=SUBTITLE)
    s.header(
        [
            "Group",
            "Rank",
            "District",
            "Division",
            "Value",
            "Base",
            "Returns behind the value",
            "Below completeness threshold",
            "Status",
            "Plan",
            "Share of plan",
        ]
    )
    if league is not None:
        for r in league.best:
            _league_line(s, "All districts" if league.shows_all else "Best five", r, num)
        for r in league.worst:
            _league_line(s, "Worst five", r, num)
        if league.unranked:
            s.text("No value: " + ", ".join(league.unranked), font=MUTED)
    if k.denominator_name:
        s.text(f"Base: {k.denominator_name}, the denominator behind each value.", font=MUTED)

    # the DU's items
    if k.problems:
        s.skip()
        s.text("Problems", font=SUBTITLE)
        for p_text in k.problems:
            s.text(p_text, merge_to=9)
    s.skip()
    s.text("Actions", font=SUBTITLE)
    s.header(["Action", "Owner", "Due", "Status", "Overdue", "Agreed at"])
    for a in k.actions:
        cells = s.line(
            [
                a.description,
                a.owner,
                a.due,
                fmt.action_status(a.status),
                "OVERDUE" if a.overdue else "",
                a.carried_from or pack.quarter,
            ]
        )
        cells[0].alignment = WRAP
        if a.overdue:
            for c in cells:
                c.fill = PatternFill("solid", fgColor="FEE2E2")
            cells[4].font = Font(bold=True, color="B91C1C")
    s.skip()
    s.text("Decisions", font=SUBTITLE)
    s.header(["Kind", "Decision", "Date"])
    for d in k.decisions:
        kind = "Asked of the Steering Committee" if d.kind == "asked" else "Taken"
        cells = s.line([kind, d.text, d.decided_on])
        cells[1].alignment = WRAP
    _widths(ws, [30, 12, 22, 18, 12, 12, 12, 12, 14])


def _data_quality(wb: Workbook, pack: PackData) -> None:
    ws = wb.create_sheet("Data quality")
    s = _Sheet(ws)
    s.text("Data quality: monthly returns", font=TITLE)
    dq = pack.data_quality
    if pack.is_demo:
        s.text("DEMO DATA — synthetic", font=DEMO)
    if dq is None:
        s.text("No reporting data for this quarter.")
        return
    s.text(
        f"{dq.quarter}: months due by {fmt.day(pack.generated_on)}: "
        + (", ".join(fmt.month(m) for m in dq.months) or "none")
        + f". On time: first received within {dq.deadline_days} days after the month ended.",
        merge_to=8,
    )
    s.skip()
    s.header(
        [
            "Institution",
            "Returns due",
            "Approved",
            "Reporting rate",
            "On time",
            "Late",
            "Awaiting approval",
            "Missing",
            "Missing districts (months)",
            "Late districts (months)",
            "Awaiting approval (months)",
        ]
    )

    def names(items: tuple[tuple[str, int], ...]) -> str:
        return ", ".join(f"{n} ({m})" for n, m in items)

    for r in dq.institutions:
        cells = s.line(
            [
                r.name,
                r.expected,
                r.received,
                r.rate,
                r.on_time,
                r.late,
                r.pending,
                r.missing,
                names(r.missing_districts),
                names(r.late_districts),
                names(r.pending_districts),
            ],
            formats={4: "0%"},
        )
        for c in cells[8:]:
            c.alignment = WRAP
    _widths(ws, [34, 10, 10, 10, 10, 10, 10, 10, 40, 40, 40])
    ws.freeze_panes = "B6" if pack.is_demo else "B5"


PLAN_FILLS = {
    "on_schedule": ("DCFCE7", "166534"),
    "completed": ("166534", "FFFFFF"),
    "delayed": ("FEF3C7", "92400E"),
    "dropped": ("FEE2E2", "991B1B"),
    "not_started": ("F3F4F6", "4B5563"),
    "not_reported": ("F3F4F6", "4B5563"),
}


def _action_plan(wb: Workbook, pack: PackData) -> None:
    """One row per KPI x activity behind it: status, milestones, overdue ones, money."""
    ws = wb.create_sheet("Action plan")
    s = _Sheet(ws)
    s.text("Action plan: activities behind each KPI", font=TITLE)
    if pack.is_demo:
        s.text("DEMO DATA — synthetic", font=DEMO)
    as_of = fmt.day(pack.plan_as_of) if pack.plan_as_of else ""
    s.text(
        f"Status, milestones and spend from each activity's latest approved progress report for "
        f"{pack.quarter} or earlier; overdue milestones and budget allocated to date (fiscal "
        f"years begun) as of {as_of}.",
        merge_to=8,
    )
    s.skip()
    s.header(
        [
            "KPI",
            "Activity",
            "Code",
            "Lead",
            "Status",
            "Reported for",
            "Milestones done",
            "Milestones",
            "Overdue milestones",
            "Spent (PKR)",
            "Allocated to date (PKR)",
            "Budget use",
            "Whole budget (PKR)",
            "Illustrative",
        ]
    )
    for k in pack.kpis:
        for a in k.activities:
            cells = s.line(
                [
                    k.short_name or k.code,
                    a.title,
                    a.code,
                    a.lead_name,
                    PLAN_STATUS_LABELS.get(a.status, a.status),
                    a.quarter or "",
                    a.milestones_done,
                    a.milestones_total,
                    "; ".join(f"{m.title} (due {fmt.short_day(m.due)})" for m in a.overdue),
                    a.spent_pkr,
                    a.allocated_pkr,
                    a.budget_use,
                    a.budget_pkr,
                    "yes" if a.illustrative else "no",
                ],
                formats={10: "#,##0", 11: "#,##0", 12: "0%", 13: "#,##0"},
            )
            _paint(cells[4], PLAN_FILLS.get(a.status))
            cells[1].alignment = WRAP
            cells[8].alignment = WRAP
    _widths(ws, [18, 40, 26, 14, 14, 10, 10, 10, 40, 14, 14, 10, 14, 10])
    ws.freeze_panes = "C6" if pack.is_demo else "C5"


def render_xlsx(pack: PackData) -> bytes:
    """The whole pack as an .xlsx workbook."""
    wb = Workbook()
    used = {"summary", "data quality", "action plan"}
    titles = {k.code: _sheet_title(k.short_name or k.code, used) for k in pack.kpis}
    _summary(wb, pack, titles)
    for k in pack.kpis:
        _kpi(wb, pack, k, titles[k.code])
    if pack.plan_as_of is not None:
        _action_plan(wb, pack)
    _data_quality(wb, pack)
    wb.properties.title = f"{pack.title}: stocktake pack {pack.quarter}"
    wb.properties.creator = "DBMIS"
    if pack.is_demo:
        wb.properties.description = "DEMO DATA — synthetic"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
