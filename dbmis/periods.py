"""Reporting periods: months, quarters, calendar years and fiscal years (July-June).

A month is held as an integer ``YYYYMM`` (for example 202607) everywhere in DBMIS: compact,
sortable and the same in SQLite and PostgreSQL. Period labels as written in the catalog:

- ``2026-07``   a month
- ``2026Q3``    a calendar quarter
- ``2026``      a calendar year
- ``FY2026-27`` a fiscal year, July 2026 to June 2027 (the start month is configurable)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_FISCAL = re.compile(r"^FY(\d{4})-(\d{2})$")


class PeriodType(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"
    fiscal_year = "fiscal_year"


def month_key(year: int, month: int) -> int:
    """The integer key of a month: 2026, 7 -> 202607."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not between 1 and 12")
    return year * 100 + month


def split_month(key: int) -> tuple[int, int]:
    return divmod(key, 100)


def add_months(key: int, n: int) -> int:
    year, month = split_month(key)
    index = year * 12 + (month - 1) + n
    return month_key(index // 12, index % 12 + 1)


def months_between(start: int, end: int) -> int:
    """Number of months from ``start`` to ``end`` (0 when equal; negative when end is earlier)."""
    (y1, m1), (y2, m2) = split_month(start), split_month(end)
    return (y2 - y1) * 12 + (m2 - m1)


def month_range(start: int, end: int) -> list[int]:
    """All months from start to end inclusive."""
    return [add_months(start, i) for i in range(months_between(start, end) + 1)]


def month_label(key: int) -> str:
    year, month = split_month(key)
    return f"{year:04d}-{month:02d}"


@dataclass(frozen=True)
class Period:
    """A span of whole months with the label it was written as."""

    label: str
    type: PeriodType
    first: int
    last: int

    @property
    def months(self) -> list[int]:
        return month_range(self.first, self.last)


def parse_period(label: str, fiscal_start_month: int = 7) -> Period:
    """Parse a period label; raises ``ValueError`` with a readable message when malformed."""
    text = str(label).strip()
    if m := _MONTH.match(text):
        if not 1 <= int(m[2]) <= 12:
            raise ValueError(f"{text!r} is not a period: month {int(m[2])} is not between 1 and 12")
        key = month_key(int(m[1]), int(m[2]))
        return Period(text, PeriodType.month, key, key)
    if m := _QUARTER.match(text):
        year, q = int(m[1]), int(m[2])
        first = month_key(year, 3 * q - 2)
        return Period(text, PeriodType.quarter, first, add_months(first, 2))
    if m := _YEAR.match(text):
        year = int(m[1])
        return Period(text, PeriodType.year, month_key(year, 1), month_key(year, 12))
    if m := _FISCAL.match(text):
        start = int(m[1])
        if (start + 1) % 100 != int(m[2]):
            raise ValueError(f"fiscal year {text!r}: the two years must follow each other")
        first = month_key(start, fiscal_start_month)
        return Period(text, PeriodType.fiscal_year, first, add_months(first, 11))
    raise ValueError(
        f"{text!r} is not a period: write a month (2026-07), a quarter (2026Q3), "
        "a year (2026) or a fiscal year (FY2026-27)"
    )


def period_of(month: int, period_type: PeriodType, fiscal_start_month: int = 7) -> Period:
    """The period of the given type that contains ``month``."""
    year, mon = split_month(month)
    if period_type is PeriodType.month:
        return parse_period(month_label(month))
    if period_type is PeriodType.quarter:
        return parse_period(f"{year}Q{(mon - 1) // 3 + 1}")
    if period_type is PeriodType.year:
        return parse_period(str(year))
    start = year if mon >= fiscal_start_month else year - 1
    return parse_period(f"FY{start}-{(start + 1) % 100:02d}", fiscal_start_month)
