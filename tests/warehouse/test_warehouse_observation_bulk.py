"""Large observation loads: constraints and indexes dropped and re-created around the load."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import IntegrityError

from dbmis.periods import add_months
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.migrate import schema_diffs
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries.observation_bulk import (
    ObservationReferenceError,
    bulk_load,
    is_bulk,
)
from dbmis.warehouse.queries.observations import (
    bulk_observations,
    count_observations,
    count_rows,
    insert_observations,
    observations_for_submission,
)
from dbmis.warehouse.queries.submissions import (
    KeyState,
    NewSubmission,
    insert_submissions,
    key_states,
)
from dbmis.warehouse.schema import submission


def _rows(sub, indicator_id: int, months: int) -> Iterator[tuple]:
    for m in range(months):
        month = add_months(202001, m)
        yield (sub.id, indicator_id, sub.district_id, sub.institution_id, month, m + 0.25, None)


def _indexes(conn: Connection) -> set[str]:
    if conn.dialect.name == "postgresql":
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'observation'"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'observation'"
    return set(conn.execute(text(query)).scalars())


def test_a_small_load_or_one_into_a_big_table_is_not_bulk(synced_db: Database, make_submission):
    postgres = synced_db.dialect_name == "postgresql"  # SQLite: never (no gain measured)
    with synced_db.write() as conn:
        assert not is_bulk(conn, 99, threshold=100)
        assert is_bulk(conn, 100, threshold=100) == postgres
        sub = make_submission(conn)
        ind = dimensions.indicator_ids(conn)["PRO_CONVICTIONS"]
        insert_observations(conn, list(_rows(sub, ind, 600)))
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE observation"))  # the estimate it reads
        assert not is_bulk(conn, 100, threshold=100)  # fewer than a quarter of the 600 stored
        assert is_bulk(conn, 150, threshold=100) == postgres


def test_a_bulk_load_keeps_rows_constraints_and_indexes(synced_db: Database, make_submission):
    with synced_db.write() as conn:
        sub = make_submission(conn)
        ind = dimensions.indicator_ids(conn)["PRO_CONVICTIONS"]
        before = _indexes(conn)
        with bulk_load(conn, 240, threshold=100) as bulk:
            assert bulk == (conn.dialect.name == "postgresql")
            if bulk:
                assert _indexes(conn) < before  # the secondary index is gone during the load
            with bulk_observations(conn):
                insert_observations(conn, list(_rows(sub, ind, 240)))
        assert _indexes(conn) == before
        assert count_observations(conn, sub.id) == 240
        assert observations_for_submission(conn, sub.id)[-1]["value"] == 239.25
    assert schema_diffs(synced_db) == []


def test_a_bulk_load_with_a_missing_reference_loads_nothing(synced_db: Database, make_submission):
    with synced_db.read() as conn:
        before = count_rows(conn)
    expected = (
        ObservationReferenceError if synced_db.dialect_name == "postgresql" else IntegrityError
    )
    with pytest.raises(expected) as caught, synced_db.write() as conn:
        sub = make_submission(conn)
        ind = dimensions.indicator_ids(conn)["PRO_CONVICTIONS"]
        rows = list(_rows(sub, ind, 200))
        rows[150] = (sub.id, 999_999, *rows[150][2:])  # no such indicator
        with bulk_load(conn, len(rows), threshold=100), bulk_observations(conn):
            insert_observations(conn, rows)
    if isinstance(caught.value, ObservationReferenceError):
        assert caught.value.code == "OBSERVATION_REFERENCE"
        assert "indicator" in caught.value.message
    with synced_db.read() as conn:
        assert count_rows(conn) == before
    assert schema_diffs(synced_db) == []  # the dropped constraints came back with the rollback


def test_a_bulk_load_checks_the_district_of_every_row(synced_db: Database, make_submission):
    with synced_db.read() as conn:
        before = count_rows(conn)
    with pytest.raises((ObservationReferenceError, IntegrityError)), synced_db.write() as conn:
        sub = make_submission(conn)
        ind = dimensions.indicator_ids(conn)["PRO_CONVICTIONS"]
        rows = list(_rows(sub, ind, 200))
        rows[7] = (*rows[7][:2], 999_999, *rows[7][3:])  # no such district
        with bulk_load(conn, len(rows), threshold=100), bulk_observations(conn):
            insert_observations(conn, rows)
    with synced_db.read() as conn:
        assert count_rows(conn) == before


@pytest.mark.postgres
def test_postgres_bulk_load_locks_its_tables_first(new_database, mini_catalog):
    db = new_database("postgres")
    sync_catalog(db, mini_catalog)
    with db.write() as conn:
        with bulk_load(conn, 100, threshold=100):
            held = set(
                conn.execute(
                    text(
                        "SELECT relation::regclass::text FROM pg_locks WHERE pid = "
                        "pg_backend_pid() AND mode = 'AccessExclusiveLock' AND relation IS "
                        "NOT NULL"
                    )
                ).scalars()
            )
        assert {"observation", "submission", "indicator", "district", "institution"} <= held


def test_many_new_submissions_at_once_get_their_ids(synced_db: Database):
    with synced_db.write() as conn:
        d = dimensions.district_ids(conn)["ALPHA"]
        i = dimensions.institution_ids(conn)["PROSECUTION"]
        news = [
            NewSubmission(
                district_id=d,
                institution_id=i,
                year=1900 + n,
                sha256="b" * 64,
                source_kind="csv",
                filename="bulk.csv",
                size_bytes=10,
                report={"issues": [{"code": "X", "n": n}]},
                counts={"values": n},
            )
            for n in range(150)  # PostgreSQL: enough for COPY
        ]
        made = insert_submissions(conn, news, {})
        assert [r for _, r in made] == [1] * 150
        states = key_states(conn, [(d, i, 1900 + n) for n in range(150)], "b" * 64)
        assert all(isinstance(s, KeyState) and s.duplicate for s in states.values())
        stored = {
            sid: (report, counts)
            for sid, report, counts in conn.execute(
                select(submission.c.id, submission.c.report, submission.c.counts).where(
                    submission.c.sha256 == "b" * 64
                )
            )
        }
        for n, (sid, _) in enumerate(made):
            assert stored[sid] == ({"issues": [{"code": "X", "n": n}]}, {"values": n})


@pytest.fixture
def postgres_db(new_database, mini_catalog) -> Database:
    db = new_database("postgres")
    sync_catalog(db, mini_catalog)
    return db


@pytest.mark.postgres
def test_integer_columns_beyond_int4_are_refused(postgres_db: Database, make_submission):
    # binary COPY would wrap such a value silently into 32 bits
    with pytest.raises(ValueError, match="beyond int4"), postgres_db.write() as conn:
        sub = make_submission(conn)
        ind = dimensions.indicator_ids(conn)["PRO_CONVICTIONS"]
        rows = list(_rows(sub, ind, 3))
        rows[1] = (*rows[1][:4], 2**32 + rows[1][4], *rows[1][5:])
        insert_observations(conn, rows)


@pytest.mark.postgres
def test_integer_like_values_are_accepted(postgres_db: Database, make_submission):
    import numpy as np

    with postgres_db.write() as conn:
        sub = make_submission(conn)
        ind = dimensions.indicator_ids(conn)["PRO_CONVICTIONS"]
        rows = [(np.int64(r[0]), *r[1:4], np.int32(r[4]), *r[5:]) for r in _rows(sub, ind, 3)]
        assert insert_observations(conn, rows) == 3
        months = [r["month"] for r in observations_for_submission(conn, sub.id)]
        assert months == [202001, 202002, 202003]
        with pytest.raises(TypeError):
            insert_observations(
                conn, [(sub.id, ind, sub.district_id, sub.institution_id, 202004.5, 1.0, None)]
            )
