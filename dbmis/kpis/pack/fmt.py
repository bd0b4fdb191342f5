"""How the pack writes numbers, periods, dates and labels (English, thousands separators)."""

from __future__ import annotations

import math
from datetime import date

from dbmis.kpis.pack.model import (
    ACTION_STATUS_LABELS,
    CHANGE_LABELS,
    LIKELIHOOD_LABELS,
    RATING_LABELS,
)
from dbmis.kpis.status import STATUS_LABELS, Status
from dbmis.periods import PeriodType, parse_period, split_month

DASH = "–"
"""Shown for a missing value (an en dash)."""

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

UNIT_SUFFIX: dict[str, str] = {
    "percent": "%",
    "count": "",
    "hours": " hours",
    "days": " days",
    "score": " points",
    "pkr": "",
}
UNIT_NAMES: dict[str, str] = {
    "percent": "per cent",
    "count": "number",
    "hours": "hours",
    "days": "days",
    "score": "points out of 100",
    "pkr": "Pakistani rupees",
}
UNIT_SHORT: dict[str, str] = {
    "percent": "Per cent",
    "count": "Number",
    "hours": "Hours",
    "days": "Days",
    "score": "Points",
    "pkr": "PKR",
}
GAP_UNITS: dict[str, str] = {
    "percent": "percentage points",
    "count": "",
    "hours": "hours",
    "days": "days",
    "score": "points",
    "pkr": "",
}


def missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, decimals: int = 0) -> str:
    """1234.5 -> '1,234.5' (thousands separators); None -> an en dash; -0.0 -> '0'."""
    if missing(value):
        return DASH
    assert value is not None
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not any(c not in "-0.," for c in text):
        text = text[1:]  # no "-0.0"
    return text.replace("-", "−")  # a real minus sign


def value(
    v: float | None, unit: str, decimals: int, *, with_unit: bool = True, compact: bool = False
) -> str:
    """A KPI value with its unit: '42.3%', '2,345', '12,500 hours', 'PKR 1,200'.

    ``compact`` keeps only the per cent sign (for tables that name the unit elsewhere).
    """
    text = number(v, decimals)
    if missing(v) or not with_unit:
        return text
    if compact:
        return text + "%" if unit == "percent" else text
    if unit == "pkr":
        return f"PKR {text}"
    return text + UNIT_SUFFIX.get(unit, "")


def gap(
    actual: float | None, planned: float | None, unit: str, decimals: int, direction: str
) -> str:
    """'1.2 percentage points behind plan' / '300 ahead of plan' / 'on plan'."""
    if missing(actual) or missing(planned):
        return ""
    assert actual is not None and planned is not None
    diff = (actual - planned) if direction == "up" else (planned - actual)
    shown = number(abs(diff), decimals)
    if shown.strip("0.,") == "":
        return "exactly on plan"
    word = GAP_UNITS.get(unit, "")
    amount = f"{shown} {word}".strip()
    return f"{amount} {'ahead of' if diff > 0 else 'behind'} plan"


def share(fraction: float | None, decimals: int = 0) -> str:
    """0.853 -> '85%'."""
    if missing(fraction):
        return DASH
    assert fraction is not None
    return f"{fraction * 100:,.{decimals}f}%"


def pkr_millions(amount: int | float | None) -> str:
    """12_500_000 -> '12.5' (for a column headed 'PKR million')."""
    if amount is None or missing(float(amount)):
        return DASH
    return f"{amount / 1_000_000:,.1f}"


def month(key: int | None, *, long: bool = False) -> str:
    """202609 -> 'Sep 2026' ('September 2026' with long)."""
    if key is None:
        return DASH
    year, mon = split_month(key)
    return f"{(MONTHS_LONG if long else MONTHS)[mon - 1]} {year}"


def period(label: str | None, fiscal_start_month: int = 7) -> str:
    """A period label for people: '2026Q3' -> 'Q3 2026 (Jul–Sep)', '2026-09' -> 'Sep 2026'."""
    if not label:
        return DASH
    try:
        p = parse_period(label, fiscal_start_month)
    except ValueError:
        return label
    if p.type is PeriodType.month:
        return month(p.first)
    if p.type is PeriodType.quarter:
        year, first = split_month(p.first)
        _, last = split_month(p.last)
        return f"Q{(first - 1) // 3 + 1} {year} ({MONTHS[first - 1]}–{MONTHS[last - 1]})"
    return label


def period_short(label: str | None, through: int | None = None, fiscal_start_month: int = 7) -> str:
    """A short period label for tables: 'Q3 2026', 'Sep 2026', '2026 to Oct', 'FY2026-27 to Oct'."""
    if not label:
        return DASH
    try:
        p = parse_period(label, fiscal_start_month)
    except ValueError:
        return label
    if p.type is PeriodType.month:
        text = month(p.first)
    elif p.type is PeriodType.quarter:
        year, first = split_month(p.first)
        text = f"Q{(first - 1) // 3 + 1} {year}"
    else:
        text = label
    if through is not None and through < p.last:
        text += f" to {MONTHS[split_month(through)[1] - 1]}"
    return text


def quarter_label(label: str) -> str:
    """'2026Q3' -> 'July–September 2026'."""
    p = parse_period(label)
    year, first = split_month(p.first)
    _, last = split_month(p.last)
    return f"{MONTHS_LONG[first - 1]}–{MONTHS_LONG[last - 1]} {year}"


def day(d: date | None) -> str:
    """date(2026, 10, 5) -> '5 October 2026'."""
    if d is None:
        return DASH
    return f"{d.day} {MONTHS_LONG[d.month - 1]} {d.year}"


def short_day(d: date | None) -> str:
    """date(2026, 10, 5) -> '5 Oct 2026'."""
    if d is None:
        return DASH
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def status(code: str | None) -> str:
    if not code:
        return STATUS_LABELS[Status.no_data]["en"]
    try:
        return STATUS_LABELS[Status(code)]["en"]
    except ValueError:
        return code.replace("_", " ").capitalize()


def likelihood(code: str | None) -> str:
    if not code:
        return "Not assessed"
    return LIKELIHOOD_LABELS.get(code, code.replace("_", "-").capitalize())


def change(code: str | None) -> tuple[str, str]:
    """(arrow, word) of a change of judgement; ('', '') when unknown."""
    if not code:
        return ("", "")
    return CHANGE_LABELS.get(code, ("", code))


def rating(code: str | None) -> str:
    if not code:
        return "Not rated"
    return RATING_LABELS.get(code, code.capitalize())


def action_status(code: str) -> str:
    return ACTION_STATUS_LABELS.get(code, code.replace("_", " ").capitalize())


def unit_name(unit: str) -> str:
    return UNIT_NAMES.get(unit, unit)
