"""The :class:`Database`: one SQLAlchemy engine and the two ways to use it, read and write.

SQLite (the default) runs in WAL mode with a busy timeout and foreign keys on. The sqlite3
driver's own transaction handling is switched off and SQLAlchemy emits BEGIN itself (the
recipe in SQLAlchemy's SQLite documentation): ``BEGIN IMMEDIATE`` for :meth:`Database.write`,
so a writer takes the write lock at the start of its transaction and waits up to the busy
timeout for it, and a plain deferred ``BEGIN`` for :meth:`Database.read`. Two writers never
deadlock half-way through and readers are never blocked (WAL).

PostgreSQL (``postgresql+psycopg://``) uses ordinary READ COMMITTED transactions; the query
functions take advisory locks where two writers could race.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, RootTransaction, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from dbmis.errors import WarehouseError
from dbmis.settings import Settings

WRITE_OPTION = "dbmis_write"
"""Execution option that marks a connection as a writer (SQLite: BEGIN IMMEDIATE)."""

DEFAULT_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL; ``postgres://`` and ``postgresql://`` get the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


class Database:
    """The warehouse connection: ``with db.read() as conn`` / ``with db.write() as conn``.

    Build it from :class:`~dbmis.settings.Settings` or from a URL. Nothing connects until the
    first transaction. Call :meth:`dispose` to close the pooled connections.
    """

    def __init__(
        self,
        source: Settings | str | URL,
        *,
        busy_timeout_ms: int | None = None,
        echo: bool = False,
    ) -> None:
        if isinstance(source, Settings):
            url = normalise_url(source.resolved_database_url)
            timeout = source.sqlite_busy_timeout_ms
        else:
            url = normalise_url(source)
            timeout = DEFAULT_BUSY_TIMEOUT_MS
        if busy_timeout_ms is not None:
            timeout = busy_timeout_ms
        self.url = url
        self.busy_timeout_ms = timeout
        self.engine: Engine = _create_engine(url, timeout, echo)

    @property
    def dialect_name(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction (SQLite: deferred BEGIN), rolled back at the end.

        Reads never commit: anything written through it by mistake is discarded.
        """
        with self._connect() as conn, conn.begin() as trans:
            yield conn
            trans.rollback()

    @contextmanager
    def write(self, *, foreign_keys: bool = True) -> Iterator[Connection]:
        """A connection in a write transaction: committed if the block ends, else rolled back.

        On SQLite the write lock is taken at BEGIN (``BEGIN IMMEDIATE``), waiting up to the busy
        timeout; when it cannot be had, :class:`WarehouseError` with code ``WAREHOUSE_BUSY``.

        ``foreign_keys=False`` is for schema migrations on SQLite, which rebuild tables: foreign
        keys are switched off for the transaction (a dropped parent table would otherwise fire
        ON DELETE actions) and checked with ``PRAGMA foreign_key_check`` before the commit.
        """
        with self._connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            sqlite_fk_off = not foreign_keys and self.dialect_name == "sqlite"
            if sqlite_fk_off:  # only possible outside a transaction: use the driver directly
                _driver_execute(conn, "PRAGMA foreign_keys=OFF")
            try:
                with _begin(conn):
                    yield conn
                    if sqlite_fk_off:
                        _check_foreign_keys(conn)
            finally:
                if sqlite_fk_off and not conn.invalidated:
                    _driver_execute(conn, "PRAGMA foreign_keys=ON")

    @contextmanager
    def scratch(self) -> Iterator[Connection]:
        """A write transaction that is always rolled back: to compute what a write would give
        (a preview) and keep nothing. It holds the write lock (SQLite) while it runs."""
        with self._connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            trans = _begin(conn)
            try:
                yield conn
            finally:
                if trans.is_active:
                    trans.rollback()

    def _connect(self) -> Connection:
        try:
            return self.engine.connect()
        except OperationalError as exc:
            raise WarehouseError(
                f"cannot connect to {self!r}: {exc.orig}", code="WAREHOUSE_UNREACHABLE"
            ) from exc

    def dispose(self) -> None:
        """Close every pooled connection (the engine can still be used afterwards)."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"


def _begin(conn: Connection) -> RootTransaction:
    """Begin a transaction; a SQLite write lock that cannot be had becomes WAREHOUSE_BUSY."""
    try:
        return conn.begin()
    except OperationalError as exc:
        if "locked" in str(exc.orig) or "busy" in str(exc.orig):
            raise WarehouseError(
                "the database is busy with another write; try again shortly",
                code="WAREHOUSE_BUSY",
            ) from exc
        raise


def _driver_execute(conn: Connection, statement: str) -> None:
    """Run a statement on the driver connection, outside SQLAlchemy's transaction handling."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


def _check_foreign_keys(conn: Connection) -> None:
    """Raise (so the transaction rolls back) if any row of SQLite points nowhere."""
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        where = ", ".join(f"{row[0]} rowid {row[1]} -> {row[2]}" for row in broken[:5])
        raise WarehouseError(f"{len(broken)} broken foreign key(s): {where}")


def _create_engine(url: URL, busy_timeout_ms: int, echo: bool) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, busy_timeout_ms, echo)
    if url.get_backend_name() == "postgresql":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    raise WarehouseError(
        f"unsupported database {url.get_backend_name()!r}: use SQLite or PostgreSQL"
    )


def _sqlite_engine(url: URL, busy_timeout_ms: int, echo: bool) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (see _on_begin); sqlite3 still sends COMMIT/ROLLBACK.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        writer = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine
