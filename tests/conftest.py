"""Database fixtures: tests that use ``db`` or ``empty_db`` run on SQLite *and* PostgreSQL.

- ``db``: a migrated, empty warehouse (a fresh copy of a migrated template per test).
- ``empty_db``: a database with no tables at all, for migration tests.
- ``new_database``: a factory, ``new_database("sqlite" | "postgres", migrated=True)``, for
  tests that need several databases (e.g. comparing the two dialects).

PostgreSQL comes from ``DBMIS_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``): each test gets its own database, created from a
per-process template and dropped afterwards, so pytest-xdist workers never share one. When the
server cannot be reached the PostgreSQL tests are skipped, unless ``CI`` is set or
``DBMIS_REQUIRE_POSTGRES=1``, in which case they fail.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from dbmis.warehouse import Database, upgrade

# Hypothesis deadlines are wall-clock assertions: they flake on a busy 2-core machine. Examples
# stay bounded by max_examples instead.
hypothesis_settings.register_profile("dbmis", deadline=None)
hypothesis_settings.load_profile("dbmis")

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("DBMIS_REQUIRE_POSTGRES") == "1"


def _libpq_url(url: str) -> str:
    """The URL as psycopg wants it (no SQLAlchemy ``+driver`` suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _unique_name(kind: str) -> str:
    return f"dbmis_{kind}_{os.getpid()}_{secrets.token_hex(4)}"


class PostgresServer:
    """Creates and drops uniquely named databases on the test server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    def _admin(self, statement: sql.Composed) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def create(self, name: str, template: str | None = None) -> URL:
        """Create a database (optionally a copy of ``template``); returns its SQLAlchemy URL."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        self._admin(statement)
        return make_url(self.admin_url).set(drivername="postgresql+psycopg", database=name)

    def drop(self, name: str) -> None:
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """The PostgreSQL test server; skips (or fails under CI) when it cannot be reached."""
    url = _libpq_url(os.environ.get("DBMIS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = f"PostgreSQL is not reachable at {shown} ({exc}); set DBMIS_TEST_POSTGRES_URL"
        if _postgres_required():
            pytest.fail(f"{reason}. CI or DBMIS_REQUIRE_POSTGRES=1 requires it.")
        pytest.skip(reason)
    return PostgresServer(url)


class _Templates:
    """Migrated template databases, made once per test process on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sqlite_file: Path | None = None
        self.postgres_name: str | None = None
        self.server: PostgresServer | None = None

    def sqlite(self) -> Path:
        if self.sqlite_file is None:
            path = self.folder / "template.sqlite"
            db = Database(f"sqlite:///{path}")
            upgrade(db)
            db.dispose()  # the last connection checkpoints the WAL into the file
            self.sqlite_file = path
        return self.sqlite_file

    def postgres(self, server: PostgresServer) -> str:
        if self.postgres_name is None:
            name = _unique_name("template")
            db = Database(server.create(name))
            try:
                upgrade(db)
            finally:
                db.dispose()  # a template must have no open connections
            self.postgres_name, self.server = name, server
        return self.postgres_name

    def drop(self) -> None:
        if self.server is not None and self.postgres_name is not None:
            self.server.drop(self.postgres_name)


@pytest.fixture(scope="session")
def _db_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    templates = _Templates(tmp_path_factory.mktemp("db-templates"))
    yield templates
    templates.drop()


class DatabaseFactory:
    """Makes test databases and disposes/drops them all at teardown."""

    def __init__(self, request: pytest.FixtureRequest, folder: Path, templates: _Templates) -> None:
        self._request = request
        self._folder = folder
        self._templates = templates
        self._made: list[tuple[Database, PostgresServer | None, str]] = []

    def __call__(self, backend: str, *, migrated: bool = True) -> Database:
        if backend == "sqlite":
            path = self._folder / f"{_unique_name('test')}.sqlite"
            if migrated:
                shutil.copyfile(self._templates.sqlite(), path)
            db = Database(f"sqlite:///{path}")
            self._made.append((db, None, path.name))
            return db
        if backend != "postgres":
            raise ValueError(f"unknown backend {backend!r}")
        server: PostgresServer = self._request.getfixturevalue("postgres_server")
        template = self._templates.postgres(server) if migrated else None
        name = _unique_name("test")
        db = Database(server.create(name, template=template))
        self._made.append((db, server, name))
        return db

    def close(self) -> None:
        for db, server, name in reversed(self._made):
            db.dispose()
            if server is not None:
                server.drop(name)


@pytest.fixture
def new_database(
    request: pytest.FixtureRequest, tmp_path: Path, _db_templates: _Templates
) -> Iterator[DatabaseFactory]:
    """``new_database(backend, migrated=True)`` -> a fresh Database, dropped after the test."""
    factory = DatabaseFactory(request, tmp_path, _db_templates)
    yield factory
    factory.close()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, new_database: DatabaseFactory) -> Database:
    """A migrated, empty warehouse, on SQLite and on PostgreSQL."""
    return new_database(request.param)


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, new_database: DatabaseFactory) -> Database:
    """A database without any table, on SQLite and on PostgreSQL."""
    return new_database(request.param, migrated=False)
