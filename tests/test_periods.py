from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dbmis.periods import (
    PeriodType,
    add_months,
    month_key,
    month_label,
    month_range,
    months_between,
    parse_period,
    period_of,
)


@pytest.mark.parametrize(
    ("label", "kind", "first", "last"),
    [
        ("2026-07", PeriodType.month, 202607, 202607),
        ("2026Q1", PeriodType.quarter, 202601, 202603),
        ("2026Q4", PeriodType.quarter, 202610, 202612),
        ("2026", PeriodType.year, 202601, 202612),
        ("FY2026-27", PeriodType.fiscal_year, 202607, 202706),
        ("FY1999-00", PeriodType.fiscal_year, 199907, 200006),
    ],
)
def test_parse_period(label: str, kind: PeriodType, first: int, last: int) -> None:
    p = parse_period(label)
    assert (p.type, p.first, p.last) == (kind, first, last)


@pytest.mark.parametrize(
    "label", ["2026-13", "2026-00", "2026Q5", "FY2026-28", "26", "July 2026", ""]
)
def test_bad_period_labels_say_what_to_write(label: str) -> None:
    with pytest.raises(ValueError, match=r"not a period|follow each other"):
        parse_period(label)


def test_fiscal_year_with_another_start_month() -> None:
    assert parse_period("FY2026-27", fiscal_start_month=4).first == 202604


@pytest.mark.parametrize(
    ("month", "kind", "label"),
    [
        (202606, PeriodType.fiscal_year, "FY2025-26"),
        (202607, PeriodType.fiscal_year, "FY2026-27"),
        (202611, PeriodType.quarter, "2026Q4"),
        (202611, PeriodType.year, "2026"),
        (202611, PeriodType.month, "2026-11"),
    ],
)
def test_period_of(month: int, kind: PeriodType, label: str) -> None:
    assert period_of(month, kind).label == label


def test_month_arithmetic() -> None:
    assert add_months(202612, 1) == 202701
    assert add_months(202601, -1) == 202512
    assert months_between(202511, 202602) == 3
    assert month_range(202611, 202702) == [202611, 202612, 202701, 202702]
    assert month_label(202607) == "2026-07"
    with pytest.raises(ValueError):
        month_key(2026, 13)


@given(st.integers(1990, 2100), st.integers(1, 12), st.integers(-500, 500))
def test_add_months_round_trip(year: int, month: int, n: int) -> None:
    key = month_key(year, month)
    assert add_months(add_months(key, n), -n) == key
    assert months_between(key, add_months(key, n)) == n


@given(st.integers(2000, 2050), st.integers(1, 12), st.sampled_from(list(PeriodType)))
def test_every_month_lies_in_its_period(year: int, month: int, kind: PeriodType) -> None:
    key = month_key(year, month)
    period = period_of(key, kind)
    assert period.first <= key <= period.last
    assert len(period.months) == {"month": 1, "quarter": 3, "year": 12, "fiscal_year": 12}[kind]
