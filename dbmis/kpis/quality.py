"""Reporting completeness and timeliness of the monthly returns (pure, no SQL).

A focal point reports one institution of one district; each month of their annual return is
one expected *monthly return* (district x institution x month). For each, given when its
figures first arrived and whether they count now:

- **due date**: the month's last day plus the Roadmap's ``reporting_deadline_days``
  (``roadmap.yaml``; 15 by default: the return for March is due on 15 April). Dates are
  calendar dates in UTC.
- **received**: the month has at least one figure in the key's current revision waiting for
  review or approved, or in its effective approved revision (a returned revision does not
  count: it was sent back).
- **arrived**: the upload date of the first revision (any status but rejected) that held a
  figure for the month; re-uploads that only correct a month do not move its arrival.
- **state** (:class:`CellState`): ``on_time`` (received, arrived on or before the due date),
  ``late`` (received, arrived after it), ``missing`` (not received, the due date has passed),
  ``not_due`` (not received yet, the due date has not passed).
- **expected**: every return whose due date has passed, plus any received early.
- **completeness** = received / expected; **timeliness** = on time / expected (DHIS2's
  "reporting rate" and "reporting rate on time"). Both are None when nothing is expected.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from sqlalchemy import Connection

from dbmis.catalog import Catalog
from dbmis.periods import month_key, split_month
from dbmis.warehouse.queries.quality import month_returns


class CellState(StrEnum):
    on_time = "on_time"
    late = "late"
    missing = "missing"
    not_due = "not_due"


STATES: tuple[CellState, ...] = tuple(CellState)


def due_date(month: int, deadline_days: int) -> date:
    """The day by which the return for ``month`` (YYYYMM) is on time."""
    year, m = split_month(month)
    last = date(year, m, calendar.monthrange(year, m)[1])
    return last + timedelta(days=deadline_days)


def cell_state(
    month: int,
    *,
    received: bool,
    arrived: datetime | date | None,
    as_of: date,
    deadline_days: int,
) -> CellState:
    """The state of one monthly return (see the module's definitions)."""
    due = due_date(month, deadline_days)
    if received:
        if arrived is None:  # figures without an arrival date: counted, never on time
            return CellState.late
        day = arrived.date() if isinstance(arrived, datetime) else arrived
        return CellState.on_time if day <= due else CellState.late
    return CellState.missing if as_of > due else CellState.not_due


class ArrivalLike(Protocol):
    """What the warehouse knows of one monthly return that has figures."""

    @property
    def district(self) -> str: ...
    @property
    def institution(self) -> str: ...
    @property
    def month(self) -> int: ...
    @property
    def first_at(self) -> datetime | None: ...
    @property
    def received(self) -> bool: ...


@dataclass(frozen=True)
class Arrival:
    """A monthly return that has figures (see :class:`ArrivalLike`)."""

    district: str
    institution: str
    month: int
    first_at: datetime | None
    received: bool


@dataclass(frozen=True)
class Tally:
    """Monthly returns counted by state."""

    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_due: int = 0

    @property
    def received(self) -> int:
        return self.on_time + self.late

    @property
    def expected(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def completeness(self) -> float | None:
        return self.received / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.expected if self.expected else None

    def add(self, state: CellState, n: int = 1) -> Tally:
        counts = {s.value: getattr(self, s.value) for s in STATES}
        counts[state.value] += n
        return Tally(**counts)

    def __add__(self, other: Tally) -> Tally:
        return Tally(**{s.value: getattr(self, s.value) + getattr(other, s.value) for s in STATES})


@dataclass(frozen=True)
class QualityGrid:
    """Completeness and timeliness of one year, by district x month.

    ``cells[(district, month)]`` tallies the institutions chosen (one, or all); ``states``
    holds each return's state ``(district, institution, month) -> CellState``."""

    year: int
    districts: tuple[str, ...]
    institutions: tuple[str, ...]
    months: tuple[int, ...]
    states: Mapping[tuple[str, str, int], CellState]
    cells: Mapping[tuple[str, int], Tally]

    def row(self, district: str) -> Tally:
        return sum((self.cells[(district, m)] for m in self.months), Tally())

    def column(self, month: int) -> Tally:
        return sum((self.cells[(d, month)] for d in self.districts), Tally())

    @property
    def total(self) -> Tally:
        return sum((self.row(d) for d in self.districts), Tally())


def quality_grid(
    arrivals: Iterable[ArrivalLike],
    *,
    year: int,
    districts: Sequence[str],
    institutions: Sequence[str],
    as_of: date,
    deadline_days: int,
) -> QualityGrid:
    """Every expected monthly return of ``year`` for these districts and institutions, with
    its state, tallied by district x month. Arrivals of other places or years are ignored."""
    months = tuple(month_key(year, m) for m in range(1, 13))
    wanted_d, wanted_i = set(districts), set(institutions)
    known = {
        (a.district, a.institution, a.month): a
        for a in arrivals
        if a.district in wanted_d and a.institution in wanted_i and a.month in months
    }
    states: dict[tuple[str, str, int], CellState] = {}
    cells: dict[tuple[str, int], Tally] = {}
    for d in districts:
        for m in months:
            tally = Tally()
            for i in institutions:
                a = known.get((d, i, m))
                state = cell_state(
                    m,
                    received=a is not None and a.received,
                    arrived=a.first_at if a is not None else None,
                    as_of=as_of,
                    deadline_days=deadline_days,
                )
                states[(d, i, m)] = state
                tally = tally.add(state)
            cells[(d, m)] = tally
    return QualityGrid(year, tuple(districts), tuple(institutions), months, states, cells)


def year_grid(
    conn: Connection,
    catalog: Catalog,
    *,
    year: int,
    institution: str | None,
    as_of: date,
) -> QualityGrid:
    """The grid of ``year`` for every district of the catalog and one institution (or all),
    with the catalog's reporting deadline, as of ``as_of``."""
    institutions = [institution] if institution else [i.code for i in catalog.institutions]
    return quality_grid(
        month_returns(conn, year, institution_code=institution),
        year=year,
        districts=[d.code for d in catalog.districts],
        institutions=institutions,
        as_of=as_of,
        deadline_days=catalog.roadmap.reporting_deadline_days,
    )
