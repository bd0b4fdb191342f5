"""A consistent copy of the warehouse, and its way back (see :mod:`dbmis.backup`).

SQLite: the sqlite3 online backup API copies the database page by page while the site keeps
running (readers and writers are not stopped; the copy is one consistent state). PostgreSQL:
``pg_dump --format=custom`` (one snapshot, without owners or privileges, so it restores into
another server and role), restored by ``pg_restore``. The password, if any, goes to the child
process in ``PGPASSWORD``, never on its command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL

from dbmis.errors import DbmisError
from dbmis.warehouse.engine import Database
from dbmis.warehouse.schema import metadata

SQLITE_FILE = "warehouse.sqlite"
POSTGRES_FILE = "warehouse.pgdump"
TOOL_TIMEOUT_S = 3600


class BackupError(DbmisError):
    """A backup could not be made, checked or restored; the message says why."""

    code = "BACKUP_FAILED"


def row_counts(db: Database) -> dict[str, int]:
    """How many rows each warehouse table holds, in one read transaction."""
    with db.read() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.sorted_tables
        }


def is_empty(db: Database) -> bool:
    """True when the database holds no table at all (a restore goes only there)."""
    with db.read() as conn:
        return not inspect(conn).get_table_names()


def dump(db: Database, folder: Path) -> Path:
    """Write a consistent copy of the warehouse into ``folder``; returns the file."""
    if db.dialect_name == "sqlite":
        return _sqlite_dump(db.url, folder / SQLITE_FILE)
    return _pg_dump(db.url, folder / POSTGRES_FILE)


def restore(db: Database, file: Path) -> None:
    """Put a copy made by :func:`dump` into ``db``, which must hold no table."""
    if not is_empty(db):
        raise BackupError(
            "the target warehouse is not empty: restore only into a new, empty database "
            "(or a new SQLite file)",
            code="RESTORE_REFUSED",
        )
    if db.dialect_name == "sqlite":
        if file.name != SQLITE_FILE:
            raise BackupError(f"{file.name} is not a SQLite backup ({SQLITE_FILE})")
        db.dispose()
        target = _sqlite_path(db.url)
        with (
            sqlite3.connect(f"file:{file}?mode=ro", uri=True) as src,
            sqlite3.connect(target) as dst,
        ):
            src.backup(dst)
        return
    if file.name != POSTGRES_FILE:
        raise BackupError(f"{file.name} is not a PostgreSQL backup ({POSTGRES_FILE})")
    _run(
        "pg_restore",
        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"],
        db.url,
        file,
    )


def check_sqlite_copy(file: Path) -> dict[str, int]:
    """Row counts of a SQLite copy, after SQLite's own integrity check (read-only: the copy
    is not changed by being checked)."""
    with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as conn:
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{file.name} is damaged: {exc}", code="BACKUP_INVALID") from exc
        if verdict != "ok":
            raise BackupError(f"{file.name} is damaged: {verdict}", code="BACKUP_INVALID")
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {
            t.name: int(conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])
            if t.name in present
            else 0
            for t in metadata.sorted_tables
        }


def check_pg_dump(file: Path) -> int:
    """How many entries ``pg_restore --list`` reads in a PostgreSQL dump (it reads it all)."""
    listing = _tool("pg_restore", ["--list", str(file)], env=None)
    return sum(1 for line in listing.splitlines() if line and not line.startswith(";"))


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return url.database


def _sqlite_dump(url: URL, target: Path) -> Path:
    source = _sqlite_path(url)
    if not Path(source).is_file():
        raise BackupError(f"there is no warehouse file at {source}: run `dbmis init` first")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=4096)
        # one self-contained file (the live warehouse runs in WAL mode; its copy need not)
        dst.execute("PRAGMA journal_mode=DELETE")
    return target


# --- PostgreSQL --------------------------------------------------------------------------------


def _pg_dump(url: URL, target: Path) -> Path:
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file"], url, target)
    return target


def _run(tool: str, options: list[str], url: URL, file: Path) -> None:
    args = [
        *options,
        *([str(file)] if tool == "pg_dump" else []),
        "--host",
        url.host or "localhost",
        "--port",
        str(url.port or 5432),
        "--username",
        url.username or "postgres",
        "--dbname",
        url.database or "postgres",
        *([str(file)] if tool == "pg_restore" else []),
    ]
    env = {**os.environ, "PGPASSWORD": url.password} if url.password else None
    _tool(tool, args, env=env)


def _tool(tool: str, args: list[str], env: dict[str, str] | None) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} was not found: install PostgreSQL's client tools")
    try:
        done = subprocess.run(
            [path, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{tool} took longer than {TOOL_TIMEOUT_S} s and was stopped") from exc
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout
