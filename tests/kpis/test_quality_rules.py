"""Completeness and timeliness of the monthly returns: the rules on hand-computed cases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dbmis.kpis.quality import Arrival, CellState, Tally, cell_state, due_date, quality_grid


@pytest.mark.parametrize(
    ("month", "days", "due"),
    [
        (202603, 15, date(2026, 4, 15)),
        (202402, 15, date(2024, 3, 15)),  # 29 February + 15 days
        (202302, 15, date(2023, 3, 15)),  # 28 February + 15 days
        (202612, 10, date(2027, 1, 10)),  # December's return is due in January
        (202601, 1, date(2026, 2, 1)),
    ],
)
def test_due_date_is_the_months_last_day_plus_the_deadline(month: int, days: int, due: date):
    assert due_date(month, days) == due


def _state(received: bool, arrived: datetime | None, as_of: date) -> CellState:
    return cell_state(202603, received=received, arrived=arrived, as_of=as_of, deadline_days=15)


def test_a_return_received_on_the_due_day_is_on_time_and_the_next_day_late():
    as_of = date(2026, 6, 1)
    assert _state(True, datetime(2026, 4, 15, 23, 59, tzinfo=UTC), as_of) is CellState.on_time
    assert _state(True, datetime(2026, 4, 16, 0, 0, tzinfo=UTC), as_of) is CellState.late
    assert _state(True, datetime(2026, 3, 2, tzinfo=UTC), as_of) is CellState.on_time
    assert _state(True, None, as_of) is CellState.late  # no arrival date: never on time


def test_a_return_not_received_is_missing_only_after_its_due_date():
    assert _state(False, None, date(2026, 4, 15)) is CellState.not_due
    assert _state(False, None, date(2026, 4, 16)) is CellState.missing
    # figures that arrived but do not count (a returned revision) are not received
    assert _state(False, datetime(2026, 4, 1, tzinfo=UTC), date(2026, 5, 1)) is CellState.missing


def test_tally_rates():
    tally = Tally(on_time=3, late=1, missing=4, not_due=5)
    assert (tally.received, tally.expected) == (4, 8)
    assert (tally.completeness, tally.timeliness) == (0.5, 0.375)
    assert Tally(not_due=3).completeness is None and Tally().timeliness is None
    assert tally + Tally(missing=1) == Tally(3, 1, 5, 5)
    assert Tally().add(CellState.late).add(CellState.late) == Tally(late=2)


def _at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 9, 0, tzinfo=UTC)


def test_grid_of_two_districts_and_two_institutions_by_hand():
    arrivals = [
        Arrival("A", "P", 202601, _at(2026, 2, 10), True),  # on time (due 15 Feb)
        Arrival("A", "P", 202602, _at(2026, 3, 20), True),  # late (due 15 Mar)
        Arrival("A", "Q", 202601, _at(2026, 2, 1), False),  # returned: missing
        Arrival("B", "P", 202604, _at(2026, 4, 18), True),  # early: on time, and expected
        Arrival("C", "P", 202601, _at(2026, 2, 1), True),  # another district: ignored
        Arrival("A", "P", 202501, _at(2025, 2, 1), True),  # another year: ignored
    ]
    grid = quality_grid(
        arrivals,
        year=2026,
        districts=["A", "B"],
        institutions=["P", "Q"],
        as_of=date(2026, 4, 20),  # January to March are due; April is not
        deadline_days=15,
    )
    assert grid.months == tuple(202600 + m for m in range(1, 13))
    assert grid.states[("A", "P", 202601)] is CellState.on_time
    assert grid.states[("A", "P", 202602)] is CellState.late
    assert grid.states[("A", "P", 202603)] is CellState.missing
    assert grid.states[("A", "Q", 202601)] is CellState.missing
    assert grid.states[("A", "P", 202604)] is CellState.not_due
    assert grid.states[("B", "P", 202604)] is CellState.on_time
    assert grid.states[("B", "Q", 202604)] is CellState.not_due

    jan_a = grid.cells[("A", 202601)]
    assert jan_a == Tally(on_time=1, missing=1)
    assert (jan_a.completeness, jan_a.timeliness) == (0.5, 0.5)
    assert grid.cells[("B", 202604)] == Tally(on_time=1, not_due=1)
    assert grid.cells[("B", 202604)].completeness == 1.0

    assert grid.row("A") == Tally(on_time=1, late=1, missing=4, not_due=18)
    assert grid.row("A").completeness == pytest.approx(2 / 6)
    assert grid.row("A").timeliness == pytest.approx(1 / 6)
    assert grid.row("B") == Tally(on_time=1, missing=6, not_due=17)
    assert grid.row("B").completeness == pytest.approx(1 / 7)
    assert grid.column(202601) == Tally(on_time=1, missing=3)
    assert grid.total == Tally(on_time=2, late=1, missing=10, not_due=35)
    assert grid.total.completeness == pytest.approx(3 / 13)
    assert grid.total.timeliness == pytest.approx(2 / 13)


def test_grid_of_one_institution_counts_only_it():
    arrivals = [
        Arrival("A", "P", 202601, _at(2026, 2, 10), True),
        Arrival("A", "Q", 202601, _at(2026, 2, 10), True),
    ]
    grid = quality_grid(
        arrivals,
        year=2026,
        districts=["A"],
        institutions=["Q"],
        as_of=date(2026, 2, 20),
        deadline_days=15,
    )
    assert grid.cells[("A", 202601)] == Tally(on_time=1)
    assert grid.total == Tally(on_time=1, not_due=11)
    assert ("A", "P", 202601) not in grid.states
