"""Observations (one reported number each) and table row counts.

Bulk inserts use the fastest path of each database inside the caller's transaction:
PostgreSQL ``COPY ... FROM STDIN`` through the psycopg connection SQLAlchemy is using (about
six times executemany), SQLite a plain ``executemany``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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

_BATCH = 10_000


def insert_observations(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert many observations in the caller's transaction; returns how many.

    Each row maps :data:`COLUMNS` to values (``cell`` optional). A duplicate
    (submission, indicator, month) raises and, like any error, leaves the transaction to be
    rolled back by the caller.
    """
    if conn.dialect.name == "postgresql":
        return _copy_postgresql(conn, rows)
    return _executemany(conn, rows)


def _as_tuple(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        row["submission_id"],
        row["indicator_id"],
        row["district_id"],
        row["institution_id"],
        row["month"],
        float(row["value"]),
        row.get("cell"),
    )


def _executemany(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    total = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(dict(zip(COLUMNS, _as_tuple(row), strict=True)))
        if len(batch) >= _BATCH:
            conn.execute(observation.insert(), batch)
            total += len(batch)
            batch = []
    if batch:
        conn.execute(observation.insert(), batch)
        total += len(batch)
    return total


def _copy_postgresql(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """COPY through the raw psycopg connection of this SQLAlchemy connection's transaction."""
    driver_conn = conn.connection.driver_connection
    if driver_conn is None:  # pragma: no cover - an open Connection always has one
        raise RuntimeError("the connection is closed")
    statement = f"COPY observation ({', '.join(COLUMNS)}) FROM STDIN"
    dbapi_error = conn.dialect.loaded_dbapi.Error
    total = 0
    try:
        with driver_conn.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(_as_tuple(row))
                total += 1
    except dbapi_error as exc:
        # the same exception classes as executemany (IntegrityError for a duplicate, ...)
        raise DBAPIError.instance(statement, None, exc, dbapi_error, dialect=conn.dialect) from exc
    return total


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
