"""The roll-up's inputs as ids (:class:`RollupSpec`, built by :mod:`dbmis.kpis.rollup` from the
catalog) and the SQL literals made from them: month arithmetic, and VALUES lists of checked
integers, numbers and codes (nothing else reaches the SQL text)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Side = Literal["numerator", "denominator"]
Temporal = Literal["sum", "last", "average"]

_SAFE_TEXT = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True)
class Member:
    """One indicator of a KPI side; ``weight_id`` for an average indicator."""

    indicator_id: int
    side: Side
    temporal: Temporal
    weight_id: int | None = None


@dataclass(frozen=True)
class KpiSpec:
    kpi_id: int
    factor: float
    members: tuple[Member, ...]

    @property
    def averaged(self) -> bool:
        return any(m.temporal == "average" for m in self.members)

    @property
    def has_denominator(self) -> bool:
        """A ratio, or a weighted average (its denominator is the sum of weights)."""
        return self.averaged or any(m.side == "denominator" for m in self.members)


@dataclass(frozen=True)
class DistrictSpec:
    district_id: int
    code: str
    division_code: str


@dataclass(frozen=True)
class PeriodSpec:
    """A period to compute: its type, last month, label and expected months (in range)."""

    period_type: str
    period_end: int
    label: str
    months: int


@dataclass(frozen=True)
class RollupSpec:
    kpis: tuple[KpiSpec, ...]
    districts: tuple[DistrictSpec, ...]
    periods: tuple[PeriodSpec, ...]
    province_code: str
    first_month: int
    through_month: int
    fiscal_start_month: int
    threshold: float


# --- month arithmetic in SQL ---------------------------------------------------------------


def _index(month: str) -> str:
    """YYYYMM -> months since year 0 (integer division on both dialects)."""
    return f"(({month}) / 100 * 12 + ({month}) % 100 - 1)"


def period_end_sql(month: str, period_type: str, fiscal_start_month: int = 7) -> str:
    """SQL for the last month (YYYYMM) of the period of ``period_type`` holding ``month``."""
    if period_type == "month":
        return f"({month})"
    size, offset = {
        "quarter": (3, 0),
        "year": (12, 0),
        "fiscal_year": (12, int(fiscal_start_month) - 1),
    }[period_type]
    i = _index(month)
    end = f"({i} - (({i} - {offset}) % {size}) + {size - 1})"
    return f"({end} / 12 * 100 + {end} % 12 + 1)"


# --- literal tables --------------------------------------------------------------------------


def _int(value: int) -> str:
    return str(int(value))


def _num(value: float) -> str:
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {value!r}")
    return repr(number)


def _str(value: str) -> str:
    if not _SAFE_TEXT.match(value):
        raise ValueError(f"unexpected characters in {value!r}")
    return f"'{value}'"


def _values(rows: Iterable[Sequence[str]], types: Sequence[str]) -> str:
    """A VALUES list; the first row's items are CAST to ``types``, which types the columns
    for PostgreSQL and gives them an affinity on SQLite (so that an automatic index on them
    can serve a join with a typed column)."""
    out = []
    for n, row in enumerate(rows):
        if n == 0:
            row = [f"CAST({item} AS {t})" for item, t in zip(row, types, strict=True)]
        out.append(f"({', '.join(row)})")
    return ", ".join(out)


INT, TEXT, REAL = "INTEGER", "VARCHAR(40)", "DOUBLE PRECISION"


def _id_list(ids: Iterable[int]) -> str:
    out = sorted({int(i) for i in ids})
    return ", ".join(map(str, out)) if out else "NULL"


def _km_rows(spec: RollupSpec) -> list[tuple[str, ...]]:
    """(kpi_id, indicator_id, cn, cd, n_ind): what each member adds to N and D."""
    rows: list[tuple[str, ...]] = []
    for k in spec.kpis:
        members: list[tuple[int, int, int]] = []
        for m in k.members:
            if m.temporal == "average":
                if m.side != "numerator" or m.weight_id is None:
                    raise ValueError(
                        f"kpi {k.kpi_id}: an average indicator must be in the numerator, "
                        "with a weight"
                    )
                members += [(m.indicator_id, 1, 1), (m.weight_id, 0, 0)]
            elif m.side == "numerator":
                members.append((m.indicator_id, 1, 0))
            else:
                members.append((m.indicator_id, 0, 1))
        if k.averaged and any(m.side == "denominator" for m in k.members):
            raise ValueError(f"kpi {k.kpi_id}: a weighted average cannot have a denominator")
        rows += [
            (_int(k.kpi_id), _int(i), _int(cn), _int(cd), _int(len(members)))
            for i, cn, cd in members
        ]
    return rows


def _stream_ids(spec: RollupSpec) -> tuple[set[int], set[int], set[tuple[int, int]]]:
    """Flow ids, stock ids and (average, weight) pairs the KPIs read.

    A weight that no KPI uses as a stock is read as a flow: as a weight it only has to be
    present (its own row adds nothing, ``cn = cd = 0``), so how it rolls up does not matter.
    """
    temporal_of: dict[int, str] = {}
    averages: set[tuple[int, int]] = set()
    for k in spec.kpis:
        for m in k.members:
            if m.temporal == "average" and m.weight_id is not None:
                averages.add((m.indicator_id, m.weight_id))
                temporal_of.setdefault(m.weight_id, "sum")
    for k in spec.kpis:
        for m in k.members:
            temporal_of[m.indicator_id] = m.temporal
    flows = {i for i, t in temporal_of.items() if t == "sum"}
    stocks = {i for i, t in temporal_of.items() if t == "last"}
    return flows, stocks, averages
