"""Large observation loads: checks set-wise at the end instead of row by row.

The PostgreSQL manual ("Populating a Database": *Remove Foreign Key Constraints*, *Remove
Indexes*) recommends, for a large load, dropping the foreign keys and secondary indexes,
loading with COPY, and re-creating them: re-adding a foreign key checks every row in one join,
where a loaded row otherwise costs one trigger call per key (a 1,000,000-row CSV: 2 to 4
million). :func:`bulk_load` does exactly that around a load, inside the caller's transaction,
when the load is large: at least :data:`BULK_ROWS` observations, and at least a quarter of the
observations stored already (re-adding a foreign key or an index reads the whole table, so a
small load into a big warehouse is cheaper row by row).

Integrity is unchanged: the constraints are re-added validated (PostgreSQL ``ADD CONSTRAINT
... FOREIGN KEY`` checks every row of the table), and DDL is transactional on both databases,
so a violation, like any error, rolls back the whole load, the dropped constraints included.
A violation found when re-adding raises :class:`ObservationReferenceError`
(``OBSERVATION_REFERENCE``).

SQLite cannot switch foreign key checks off inside a transaction (and they stay on). Dropping
and re-creating its secondary index was tried and measured on the 1,000,000-row CSV: no gain
(load 6.7-12.1 s with, 6.9-10.2 s without, four runs each, load average ~4): the rows arrive in
an order the index takes cheaply. So on SQLite :func:`bulk_load` changes nothing.

Locks. PostgreSQL: the block starts with ``LOCK TABLE`` on ``observation`` and every table its
foreign keys refer to (``district``, ``institution``, ``indicator``, ``submission``), ``ACCESS
EXCLUSIVE``, in one statement, before anything else of the transaction and in the order every
load touches those tables: dropping a foreign key needs that lock on both of its tables, and
taking it later, after the load has read them, could deadlock with another load. It waits for
the transactions using those tables to end; then, until it commits (the whole load: seconds for
a million rows), every other session's reads and writes of those tables wait, and the web
site's pages that read them wait with it. (A read transaction that already holds one of them
and asks for another while the load waits is a lock cycle that PostgreSQL's deadlock check
breaks after ``deadlock_timeout`` by failing one of the two.) This is why only large loads do
it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from dbmis.errors import WarehouseError
from dbmis.warehouse.schema import observation

BULK_ROWS = 100_000
"""Loads of at least this many observations (and at least a quarter of those stored) check
their foreign keys set-wise (PostgreSQL) and build the secondary index afterwards."""


_LOCK_ORDER = ("district", "institution", "indicator", "submission", "observation")
"""The order a load touches these tables in (dimensions, then submissions, then observations):
the bulk load locks them in the same order, so it waits for a load that holds one of them
without holding anything that load will want next (no deadlock between two loads)."""


def _rank(table: str) -> tuple[int, str]:
    return (_LOCK_ORDER.index(table) if table in _LOCK_ORDER else len(_LOCK_ORDER), table)


class ObservationReferenceError(WarehouseError):
    """A large load holds an observation whose submission, indicator, district or
    institution does not exist; nothing was written."""

    code = "OBSERVATION_REFERENCE"


def is_bulk(conn: Connection, rows: int, *, threshold: int | None = None) -> bool:
    """Whether a load of ``rows`` observations takes the set-wise path of :func:`bulk_load`
    (PostgreSQL only: see the module's docstring)."""
    least = BULK_ROWS if threshold is None else threshold
    if conn.dialect.name != "postgresql" or rows < least:
        return False
    return rows * 4 >= _stored(conn)


def _stored(conn: Connection) -> int:
    """About how many observations are stored, without locking ``observation``: the
    planner's estimate (``pg_class.reltuples``, kept by (auto)vacuum and analyze; 0 for a table
    never analyzed). Reading the table itself would take a lock that :func:`bulk_load` must
    then upgrade, and two loads upgrading at once deadlock."""
    query = text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:name)")
    estimate = conn.execute(query, {"name": observation.name}).scalar()
    return max(int(estimate or 0), 0)


@contextmanager
def bulk_load(conn: Connection, rows: int, *, threshold: int | None = None) -> Iterator[bool]:
    """Around a load of ``rows`` observations in the caller's transaction: when it is large
    (see :func:`is_bulk`), drop the foreign keys and the secondary indexes of
    ``observation`` at the start and re-create them at the end. Yields whether it did.

    Use it as the first thing of the transaction (PostgreSQL: the locks). If the block
    raises, nothing is re-created: the caller's transaction must roll back (it restores them).
    """
    if not is_bulk(conn, rows, threshold=threshold):
        yield False
        return
    keys = list(observation.foreign_key_constraints)
    indexes = [ix for ix in observation.indexes if not ix.unique]
    tables = sorted({observation.name, *(fk.referred_table.name for fk in keys)}, key=_rank)
    conn.exec_driver_sql(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
    for fk in keys:
        conn.execute(DropConstraint(fk))
    for ix in indexes:
        conn.execute(DropIndex(ix))
    yield True
    for ix in indexes:
        conn.execute(CreateIndex(ix))
    for fk in keys:
        try:
            conn.execute(AddConstraint(fk))  # validates every row of the table, in one join
        except IntegrityError as exc:
            raise ObservationReferenceError(
                f"an observation refers to a missing {fk.referred_table.name} "
                f"({fk.name}); nothing was loaded"
            ) from exc
