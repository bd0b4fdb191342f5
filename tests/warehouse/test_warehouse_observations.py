"""Bulk observation loads (COPY on PostgreSQL, executemany on SQLite) and row counts."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import IntegrityError

from dbmis.periods import add_months
from dbmis.warehouse import Database
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries.observations import (
    count_observations,
    count_rows,
    insert_observations,
    observations_for_submission,
)
from dbmis.warehouse.schema import metadata


def _rows(submission_id: int, district_id: int, institution_id: int, indicators: list[int],
          months: int) -> Iterator[dict]:  # fmt: skip
    for n, indicator_id in enumerate(indicators):
        for m in range(months):
            yield {
                "submission_id": submission_id,
                "indicator_id": indicator_id,
                "district_id": district_id,
                "institution_id": institution_id,
                "month": add_months(200001, m),
                "value": n * 1000 + m + 0.5,
                "cell": f"Data!{chr(66 + m % 12)}{n + 5}",
            }


def test_bulk_insert_of_50000_rows(synced_db: Database, make_submission, capsys):
    with synced_db.write() as conn:
        sub = make_submission(conn)
        indicators = list(dimensions.indicator_ids(conn).values())[:5]
        started = time.perf_counter()
        n = insert_observations(
            conn, _rows(sub.id, sub.district_id, sub.institution_id, indicators, 10_000)
        )
        seconds = time.perf_counter() - started
    assert n == 50_000
    with synced_db.read() as conn:
        counts = count_rows(conn)
        assert count_observations(conn, sub.id) == 50_000
    assert counts["observation"] == 50_000
    assert counts["submission"] == 1
    assert set(counts) == set(metadata.tables)
    with capsys.disabled():
        print(f"\n  {synced_db.dialect_name}: 50,000 observations in {seconds:.2f} s "
              f"({50_000 / seconds:,.0f} rows/s)")  # fmt: skip


def test_observations_round_trip(synced_db: Database, make_submission):
    with synced_db.write() as conn:
        sub = make_submission(conn)
        ind = dimensions.indicator_ids(conn)["PRO_CONVICTIONS"]
        insert_observations(conn, _rows(sub.id, sub.district_id, sub.institution_id, [ind], 3))
        insert_observations(conn, [])  # nothing to do is fine
    with synced_db.read() as conn:
        rows = observations_for_submission(conn, sub.id)
    assert [(r["month"], r["value"], r["cell"]) for r in rows] == [
        (200001, 0.5, "Data!B5"),
        (200002, 1.5, "Data!C5"),
        (200003, 2.5, "Data!D5"),
    ]


def test_a_duplicate_observation_fails_the_whole_load(synced_db: Database, make_submission):
    with synced_db.read() as conn:
        before = count_rows(conn)
    with pytest.raises(IntegrityError), synced_db.write() as conn:
        sub = make_submission(conn)
        ind = dimensions.indicator_ids(conn)["PRO_CONVICTIONS"]
        rows = list(_rows(sub.id, sub.district_id, sub.institution_id, [ind], 3))
        insert_observations(conn, rows + rows[:1])
    with synced_db.read() as conn:
        assert count_rows(conn) == before
