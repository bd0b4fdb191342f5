"""How messages name a cell, an indicator, a month and a figure, in the focal point's words."""

from __future__ import annotations

import math

from dbmis.catalog import Catalog
from dbmis.ingest.read.outcome import CSV_SHEET, where
from dbmis.ingest.read.values import format_number
from dbmis.ingest.templates.text import MONTH_NAMES
from dbmis.periods import month_label


def month_words(month: int) -> str | None:
    """202603 -> 'Mar 2026'; 3 (year unknown) -> 'Mar'; 0 -> None."""
    if month > 100:
        year, m = divmod(month, 100)
        return f"{MONTH_NAMES[m - 1]} {year}" if 1 <= m <= 12 else None
    return MONTH_NAMES[month - 1] if 1 <= month <= 12 else None


def period(month: int) -> str | None:
    """The issue's ``period``: '2026-03', or None when the year or month is unknown."""
    return month_label(month) if month > 100 and 1 <= month % 100 <= 12 else None


def indicator_name(catalog: Catalog, code: str | None) -> str:
    if code and (ind := catalog.indicator_by_code.get(code)):
        return ind.name.en
    return code or "?"


def number(value: float) -> str:
    return format_number(float(value)) if math.isfinite(value) else str(value)


def describe(
    catalog: Catalog,
    cell: str,
    indicator: str | None,
    month: int,
    district: str | None = None,
) -> str:
    """'Data!F12 (Convictions, Mar 2026)' or 'Line 12 (Convictions, QUETTA, Mar 2026)'.

    The district is named for CSV lines only (a template holds one district).
    """
    parts = [indicator_name(catalog, indicator)]
    if district and cell.startswith(f"{CSV_SHEET}!"):
        parts.append(district)
    if words := month_words(month):
        parts.append(words)
    return f"{where(cell)} ({', '.join(parts)})"
