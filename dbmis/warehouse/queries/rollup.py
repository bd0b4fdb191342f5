"""KPI roll-ups in the warehouse: store the roll-up of a :class:`RollupSpec` in ``kpi_value``,
plan and status, read stored values, and the raw rows the benchmark's pandas path reads.

The SQL of the roll-up itself is built by :mod:`dbmis.warehouse.queries.rollup_sql` (what it
computes is described there) from the ids of :mod:`dbmis.warehouse.queries.rollup_spec`; both
are re-exported here, so callers import one module.

``planned`` and ``status`` are left NULL by the roll-up; :func:`set_planned_status` fills the
rows that have a trajectory.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, bindparam, func, select, text, tuple_
from sqlalchemy.schema import AddConstraint, DropConstraint

from dbmis.warehouse.queries.releases import FRAME_COLUMNS
from dbmis.warehouse.queries.rollup_spec import (
    INT,
    REAL,
    TEXT,
    DistrictSpec,
    KpiSpec,
    Member,
    PeriodSpec,
    RollupSpec,
    Side,
    Temporal,
    _int,
    _num,
    _str,
    _values,
    period_end_sql,
)
from dbmis.warehouse.queries.rollup_sql import (
    INSERT_COLUMNS,
    PERIOD_TYPE_NO,
    effective_ids,
    rollup_select_sql,
)
from dbmis.warehouse.schema import kpi as kpi_table
from dbmis.warehouse.schema import kpi_value, observation, submission
from dbmis.warehouse.types import UtcDateTime

_PG_SETTINGS = {
    "work_mem": "256MB",
    "maintenance_work_mem": "256MB",
    "enable_nestloop": "off",
    "enable_mergejoin": "off",
    "enable_sort": "off",
    "jit": "off",
}
"""Planner settings for the roll-up statement only (SET LOCAL, reset after it).

PostgreSQL cannot estimate the rows of the CTEs over literal VALUES tables and guesses a few
dozen where there are hundreds of thousands; it then picks nested loops (one plan looped a
415k-row scan 191 times) and sort-based joins and aggregates. The roll-up is a batch job where
hash joins and hash aggregates are always right, so the other choices are switched off (a
cross join, or a window's ORDER BY, still gets its nested loop or sort). Switched-off plans
carry huge costs, which would trigger JIT compilation (seconds): JIT is off too."""


SQLITE_CACHE_KIB = 262_144
"""SQLite page cache (KiB, an upper bound) while ``kpi_value`` is refilled: with the default
2 MB, inserting the national roll-up into the primary key's index thrashed it (twice as slow)."""


@contextmanager
def _pg_settings(conn: Connection, settings: Mapping[str, str]) -> Iterator[None]:
    """PostgreSQL settings for the block, in the caller's transaction, then back as they were."""
    previous = {
        name: conn.execute(select(func.current_setting(name))).scalar_one() for name in settings
    }
    for name, value in settings.items():
        conn.execute(select(func.set_config(name, value, True)))
    yield
    for name, value in previous.items():
        conn.execute(select(func.set_config(name, value, True)))


@contextmanager
def replacing_kpi_values(conn: Connection) -> Iterator[None]:
    """Empty ``kpi_value``; the block refills it (a bulk load) in the caller's transaction.

    PostgreSQL follows its manual's recipe for populating a table: TRUNCATE, drop the primary
    key and the foreign key, load, add them back (one index build by sort and one anti-join
    check instead of 400k index insertions and 400k trigger queries: on the national benchmark
    2.5 s instead of 6.5 s). A DELETE would also leave every old row and index entry behind
    until vacuumed, and each new row's unique check would visit its dead twin. The price: the
    table is locked until the commit, so a reader of ``kpi_value`` waits for the recompute
    (seconds) instead of reading the old values; published figures live in
    ``release_kpi_value`` and are not touched. The planner settings of :data:`_PG_SETTINGS`
    hold for the block.

    SQLite: drop the table and create it again with the statements it was created with (from
    ``sqlite_master``: the table, and any index or trigger a migration gave it), because a
    DELETE visits every row when foreign keys are on (1-3 s against 0.1 s); with a larger page
    cache for the block. Readers keep reading the old values until the commit (WAL).

    If anything fails, the caller's rollback restores it all.
    """
    if conn.dialect.name == "postgresql":
        with _pg_settings(conn, _PG_SETTINGS):
            conn.execute(text("TRUNCATE kpi_value"))
            foreign_keys = sorted(kpi_value.foreign_key_constraints, key=lambda c: str(c.name))
            for constraint in (*foreign_keys, kpi_value.primary_key):
                conn.execute(DropConstraint(constraint))
            yield
            for constraint in (kpi_value.primary_key, *foreign_keys):
                conn.execute(AddConstraint(constraint))
        return
    # the table exactly as migrated (its indexes and triggers too), not as the metadata says
    ddl = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'kpi_value' AND sql IS NOT NULL "
        "ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END"
    ).all()
    cache = conn.execute(text("PRAGMA cache_size")).scalar_one()
    conn.execute(text(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}"))
    try:
        conn.exec_driver_sql("DROP TABLE kpi_value")
        for (statement,) in ddl:
            conn.exec_driver_sql(statement)
        yield
    finally:
        conn.execute(text(f"PRAGMA cache_size = {int(cache)}"))


def replace_kpi_values(
    conn: Connection,
    spec: RollupSpec,
    *,
    computed_at: datetime,
    timings: dict[str, float] | None = None,
) -> int:
    """Replace every ``kpi_value`` row with the roll-up of ``spec``; returns the rows.

    Runs in the caller's (write) transaction; see :func:`replacing_kpi_values` for what readers
    see meanwhile. ``timings``, if given, receives the seconds of ``compute_insert`` (the
    ``INSERT ... SELECT``) and ``keys`` (emptying the table and restoring its keys).
    """
    select_sql = rollup_select_sql(
        spec,
        conn.dialect.name,
        extra_column=":computed_at",
        # SQLite fills the primary key's index faster in key order; PostgreSQL builds it
        # after the load, faster when the rows come in key order (see key_skeleton)
        in_key_order=conn.dialect.name == "sqlite",
        key_skeleton=conn.dialect.name == "postgresql",
    )
    statement = text(
        f"INSERT INTO kpi_value ({', '.join(INSERT_COLUMNS)}, computed_at)\n{select_sql}"
    ).bindparams(bindparam("computed_at", type_=UtcDateTime))
    started = time.perf_counter()
    with replacing_kpi_values(conn):
        mark = time.perf_counter()
        result = conn.execute(statement, {"computed_at": computed_at})
        inserted = time.perf_counter() - mark
    if timings is not None:
        timings["compute_insert"] = inserted
        timings["keys"] = time.perf_counter() - started - inserted
    return int(result.rowcount)


def rollup_rows(conn: Connection, spec: RollupSpec) -> pd.DataFrame:
    """The roll-up as a DataFrame without storing it (ids, not codes; for tests and checks)."""
    rows = conn.execute(text(rollup_select_sql(spec, conn.dialect.name))).all()
    frame = pd.DataFrame(rows, columns=list(INSERT_COLUMNS))
    frame["flagged"] = frame["flagged"].astype(bool)
    return frame


# --- ranges, planned values and status -------------------------------------------------------


def effective_month_range(conn: Connection, indicator_ids: Iterable[int]) -> tuple[int, int] | None:
    """(January of the earliest year, latest month) of the approved data; None if there is none.

    The first month comes from the effective submissions' years (a year's file covers all its
    months); the latest month is the latest month of these indicators in the latest year's
    files (all files if that year has none of them), so only a fraction of the rows is read.
    """
    ids = sorted({int(i) for i in indicator_ids})
    eff = effective_ids().subquery("eff")
    years = conn.execute(
        select(func.min(submission.c.year), func.max(submission.c.year)).where(
            submission.c.id.in_(select(eff.c.id))
        )
    ).one()
    if years[0] is None or not ids:
        return None
    latest_files = select(submission.c.id).where(
        submission.c.id.in_(select(eff.c.id)), submission.c.year == years[1]
    )
    last = None
    for files in (latest_files, select(eff.c.id)):
        last = conn.execute(
            select(func.max(observation.c.month)).where(
                observation.c.submission_id.in_(files), observation.c.indicator_id.in_(ids)
            )
        ).scalar_one()
        if last is not None:
            break
    if last is None:
        return None
    return int(years[0]) * 100 + 1, int(last)


STATUS_KEY = ("kpi_id", "geo_level", "geo_code", "period_type", "period", "value")


def values_for_status(
    conn: Connection, places: Iterable[tuple[int, str, str]]
) -> list[dict[str, Any]]:
    """Stored rows of these (kpi_id, geo_level, geo_code): the key and the value
    (:data:`STATUS_KEY`). The triples are a prefix of the primary key, so both databases
    read them through its index."""
    wanted = sorted({(int(k), str(level), str(code)) for k, level, code in places})
    if not wanted:
        return []
    key = tuple_(kpi_value.c.kpi_id, kpi_value.c.geo_level, kpi_value.c.geo_code)
    query = select(*(kpi_value.c[c] for c in STATUS_KEY)).where(key.in_(wanted))
    return [dict(zip(STATUS_KEY, row, strict=True)) for row in conn.execute(query)]


def set_planned_status(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Set ``planned`` and ``status`` of stored rows (keys as :func:`values_for_status`).

    One ``UPDATE ... FROM`` a literal VALUES table per 5,000 rows (not one UPDATE per row).
    """
    if conn.dialect.name == "postgresql":
        # a few thousand rows of 400k: look each up by its key, never hash them all
        with _pg_settings(conn, {"enable_hashjoin": "off", "enable_mergejoin": "off"}):
            _update_planned_status(conn, rows)
    else:
        _update_planned_status(conn, rows)
    return len(rows)


def _update_planned_status(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    batch = 5_000
    for start in range(0, len(rows), batch):
        values = _values(
            (
                (
                    _int(r["kpi_id"]),
                    _str(r["geo_level"]),
                    _str(r["geo_code"]),
                    _str(r["period_type"]),
                    _str(r["period"]),
                    _planned_literal(r["planned"]),
                    "NULL" if r["status"] is None else _str(r["status"]),
                )
                for r in rows[start : start + batch]
            ),
            (INT, TEXT, TEXT, TEXT, TEXT, REAL, TEXT),
        )
        # only literals made by _values: no parameters, nothing for SQLAlchemy to parse
        conn.exec_driver_sql(
            "WITH v (kpi_id, geo_level, geo_code, period_type, period, planned, status) "
            f"AS (VALUES {values})\n"
            "UPDATE kpi_value SET planned = v.planned, status = v.status FROM v\n"
            "WHERE kpi_value.kpi_id = v.kpi_id AND kpi_value.geo_level = v.geo_level\n"
            "  AND kpi_value.geo_code = v.geo_code AND kpi_value.period_type = v.period_type\n"
            "  AND kpi_value.period = v.period"
        )


def _planned_literal(value: float | None) -> str:
    return "NULL" if value is None or value != value else _num(value)


# --- reading stored values -------------------------------------------------------------------

VALUE_COLUMNS = (*FRAME_COLUMNS, "computed_at")


def _one_or_many(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def kpi_values(
    conn: Connection,
    *,
    kpi: str | Sequence[str] | None = None,
    geo_level: str | Sequence[str] | None = None,
    geo_code: str | Sequence[str] | None = None,
    period_type: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Stored KPI values (:data:`VALUE_COLUMNS`, KPI by code), filtered by any given field.

    Each filter takes one value or a list. Ordered by KPI, level, place, period type and period.
    """
    query = select(
        kpi_table.c.code.label("kpi"), *(kpi_value.c[c] for c in VALUE_COLUMNS[1:])
    ).join(kpi_table, kpi_table.c.id == kpi_value.c.kpi_id)
    filters = {
        kpi_table.c.code: kpi,
        kpi_value.c.geo_level: geo_level,
        kpi_value.c.geo_code: geo_code,
        kpi_value.c.period_type: period_type,
    }
    for column, wanted in filters.items():
        if wanted is not None:
            query = query.where(column.in_(_one_or_many(wanted)))
    query = query.order_by(
        kpi_table.c.code,
        kpi_value.c.geo_level,
        kpi_value.c.geo_code,
        kpi_value.c.period_type,
        kpi_value.c.period_end,
    )
    rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=list(VALUE_COLUMNS))
    for name in ("numerator", "denominator", "value", "completeness", "planned"):
        frame[name] = frame[name].astype("float64")
    for name in ("period_end", "received", "expected"):
        frame[name] = frame[name].astype("int64")
    frame["flagged"] = frame["flagged"].astype(bool)
    return frame


# --- the floor and the raw rows (benchmarks, the pandas oracle) -------------------------------


def month_sums(conn: Connection) -> int:
    """The floor of any roll-up: ``SUM(value)`` per indicator, district and month over every
    observation (all rows fetched); returns the number of groups."""
    query = select(
        observation.c.indicator_id,
        observation.c.district_id,
        observation.c.month,
        func.sum(observation.c.value),
    ).group_by(observation.c.indicator_id, observation.c.district_id, observation.c.month)
    return len(conn.execute(query).all())


def effective_observations(
    conn: Connection,
    *,
    indicator_ids: Iterable[int],
    first_month: int,
    through_month: int,
) -> pd.DataFrame:
    """Approved (effective) observations: indicator_id, district_id, month, value."""
    query = select(
        observation.c.indicator_id,
        observation.c.district_id,
        observation.c.month,
        observation.c.value,
    ).where(
        observation.c.submission_id.in_(effective_ids()),
        observation.c.indicator_id.in_(sorted({int(i) for i in indicator_ids})),
        observation.c.month.between(int(first_month), int(through_month)),
    )
    rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["indicator_id", "district_id", "month", "value"])


def write_kpi_values(conn: Connection, frame: pd.DataFrame, *, computed_at: datetime) -> int:
    """Replace ``kpi_value`` with ready rows: ``kpi_id``, :data:`INSERT_COLUMNS` and optionally
    ``planned``, ``status``. PostgreSQL COPY, SQLite executemany (the pandas benchmark path)."""
    with replacing_kpi_values(conn):
        return _write_rows(conn, frame, computed_at)


def _write_rows(conn: Connection, frame: pd.DataFrame, computed_at: datetime) -> int:
    columns = [c for c in (*INSERT_COLUMNS, "planned", "status") if c in frame.columns]
    lists = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in columns]
    rows = [(*row, computed_at) for row in zip(*lists, strict=True)]
    names = [*columns, "computed_at"]
    if conn.dialect.name == "postgresql":
        driver_conn = conn.connection.driver_connection
        if driver_conn is None:  # pragma: no cover - an open Connection always has one
            raise RuntimeError("the connection is closed")
        statement = f"COPY kpi_value ({', '.join(names)}) FROM STDIN"
        with driver_conn.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return len(rows)
    batch = 20_000
    for start in range(0, len(rows), batch):
        conn.execute(
            kpi_value.insert(),
            [dict(zip(names, row, strict=True)) for row in rows[start : start + batch]],
        )
    return len(rows)


__all__ = [
    "INSERT_COLUMNS",
    "INT",
    "PERIOD_TYPE_NO",
    "REAL",
    "TEXT",
    "VALUE_COLUMNS",
    "DistrictSpec",
    "KpiSpec",
    "Member",
    "PeriodSpec",
    "RollupSpec",
    "Side",
    "Temporal",
    "effective_ids",
    "effective_month_range",
    "effective_observations",
    "kpi_values",
    "month_sums",
    "period_end_sql",
    "replace_kpi_values",
    "replacing_kpi_values",
    "rollup_rows",
    "rollup_select_sql",
    "set_planned_status",
    "values_for_status",
    "write_kpi_values",
]
