"""Observations (one reported number each) and table row counts.

Bulk inserts use the fastest path of each database inside the caller's transaction:
PostgreSQL ``COPY ... FROM STDIN`` through the psycopg connection SQLAlchemy is using (about
six times executemany), SQLite the sqlite3 driver's own ``executemany`` (SQLAlchemy's
executemany builds and processes a dict per row: about three times slower).

A bulk load inserts the observations of thousands of submissions, one call each. On
PostgreSQL every COPY costs a few round trips (~2 ms): 13,000 of them took 30 s of a 40 s load.
Inside :func:`bulk_observations` the calls share one COPY that ends with the block.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, RowMapping, func, select
from sqlalchemy.exc import DBAPIError

from dbmis.warehouse.schema import metadata, observation

COLUMNS = (
    "submission_id",
    "indicator_id",
    "district_id",
    "institution_id",
    "month",
    "value",
    "cell",
)
"""Columns a caller gives for each observation (``cell`` may be None)."""

Row = Mapping[str, Any] | tuple[Any, ...]
"""An observation: a mapping of :data:`COLUMNS`, or a tuple of plain Python values (int, float,
str or None) in the order of :data:`COLUMNS`, as a bulk loader builds them."""

_BATCH = 10_000
_INSERT_SQLITE = (
    f"INSERT INTO observation ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
)
_COPY = f"COPY observation ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)"
# Binary COPY: a third of the client's work of text COPY (no text formatting of every float)
# and less parsing for the server. Its int4 dumper silently wraps an int beyond 32 bits, so
# the integer columns are checked first (:func:`_check_ints`).
_COPY_TYPES = ("int4", "int4", "int4", "int4", "int4", "float8", "varchar")
_INT_COLUMNS = range(5)
_INT4 = (-(2**31), 2**31 - 1)
_STREAM = "dbmis.observations.copy"  # Connection.info key of the open COPY


def insert_observations(conn: Connection, rows: Iterable[Row]) -> int:
    """Insert many observations in the caller's transaction; returns how many.

    Each row maps :data:`COLUMNS` to values (``cell`` optional), or is a tuple in that order.
    A duplicate (submission, indicator, month) raises and, like any error, leaves the
    transaction to be rolled back by the caller (inside :func:`bulk_observations` on
    PostgreSQL, when the block ends).
    """
    if conn.dialect.name == "postgresql":
        return _copy_postgresql(conn, rows)
    return _executemany(conn, rows)


@contextmanager
def bulk_observations(conn: Connection) -> Iterator[None]:
    """Let every :func:`insert_observations` call of the block share one COPY (PostgreSQL).

    Run nothing else on ``conn`` inside the block: the connection is busy with the COPY. Bad
    rows (a duplicate, a missing submission) raise when the block ends. On SQLite, and when a
    block is open already, this does nothing.
    """
    if conn.dialect.name != "postgresql" or _STREAM in conn.info:
        yield
        return
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        with _driver(conn).cursor() as cursor, cursor.copy(_COPY) as copy:
            copy.set_types(list(_COPY_TYPES))
            conn.info[_STREAM] = copy
            try:
                yield
            finally:
                del conn.info[_STREAM]
    except dbapi_error as exc:
        # the same exception classes as executemany (IntegrityError for a duplicate, ...)
        raise DBAPIError.instance(_COPY, None, exc, dbapi_error, dialect=conn.dialect) from exc


def _as_tuple(row: Row) -> tuple[Any, ...]:
    if isinstance(row, tuple):
        return row
    return (
        row["submission_id"],
        row["indicator_id"],
        row["district_id"],
        row["institution_id"],
        row["month"],
        float(row["value"]),
        row.get("cell"),
    )


def _driver(conn: Connection) -> Any:
    driver_conn = conn.connection.driver_connection
    if driver_conn is None:  # pragma: no cover - an open Connection always has one
        raise RuntimeError("the connection is closed")
    return driver_conn


def _executemany(conn: Connection, rows: Iterable[Row]) -> int:
    """sqlite3's executemany on the connection's own cursor, errors as SQLAlchemy raises them."""
    dbapi_error = conn.dialect.loaded_dbapi.Error
    cursor = _driver(conn).cursor()
    total = 0
    try:
        if isinstance(rows, list) and all(isinstance(r, tuple) for r in rows[:1]):
            for start in range(0, len(rows), _BATCH):  # tuples already: no copy per row
                cursor.executemany(_INSERT_SQLITE, rows[start : start + _BATCH])
            return len(rows)
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(_as_tuple(row))
            if len(batch) >= _BATCH:
                cursor.executemany(_INSERT_SQLITE, batch)
                total += len(batch)
                batch = []
        if batch:
            cursor.executemany(_INSERT_SQLITE, batch)
            total += len(batch)
    except dbapi_error as exc:
        raise DBAPIError.instance(
            _INSERT_SQLITE, None, exc, dbapi_error, dialect=conn.dialect
        ) from exc
    finally:
        cursor.close()
    return total


def _copy_postgresql(conn: Connection, rows: Iterable[Row]) -> int:
    """COPY through the raw psycopg connection of this SQLAlchemy connection's transaction."""
    total = 0
    if (stream := conn.info.get(_STREAM)) is not None:
        tuples = _checked([_as_tuple(row) for row in rows])
        write = stream.write_row
        for row in tuples:
            write(row)
            total += 1
        return total
    with bulk_observations(conn):
        return _copy_postgresql(conn, rows)


def _checked(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows with plain ints within int4 in the integer columns (see :data:`_COPY`).

    Integer-like values (numpy ints) are converted; anything else (a float, a text) raises
    TypeError, a value beyond int4 ValueError, as text COPY would have failed on them too.
    """
    if not rows:
        return rows
    low, high = _INT4
    for col in _INT_COLUMNS:
        values = [r[col] for r in rows]
        if set(map(type, values)) != {int}:  # in C: ~10 ns a value
            rows = [(*r[:col], operator.index(r[col]), *r[col + 1 :]) for r in rows]
            values = [r[col] for r in rows]
        if min(values) < low or max(values) > high:
            raise ValueError(f"observation column {COLUMNS[col]} holds a value beyond int4")
    return rows


def observations_for_submission(conn: Connection, submission_id: int) -> list[RowMapping]:
    """A submission's observations, by indicator and month."""
    query = (
        select(observation)
        .where(observation.c.submission_id == submission_id)
        .order_by(observation.c.indicator_id, observation.c.month)
    )
    return list(conn.execute(query).mappings())


def count_observations(conn: Connection, submission_id: int) -> int:
    """How many observations a submission holds."""
    query = select(func.count()).where(observation.c.submission_id == submission_id)
    return conn.execute(query).scalar_one()


def count_rows(conn: Connection) -> dict[str, int]:
    """Rows in every warehouse table, by table name (to prove that something changed nothing)."""
    return {
        table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
        for table in metadata.sorted_tables
    }
