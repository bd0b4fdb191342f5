"""Bring a database to the current schema with Alembic, configured in code (no alembic.ini).

``upgrade(db)`` runs every pending migration in one write transaction (PostgreSQL and SQLite
both have transactional DDL), so a failed migration leaves the database as it was, and two
processes starting at once do not both migrate: SQLite serialises them with BEGIN IMMEDIATE,
PostgreSQL with an advisory lock. On SQLite, foreign keys are off while migrating (batch
migrations rebuild tables) and checked before the commit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from dbmis.warehouse.engine import Database
from dbmis.warehouse.schema import metadata

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_LOCK_KEY = 0x0DB315  # pg_advisory_xact_lock key held while migrating


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config pointing at the packaged migrations, bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no migrations found")
    return head


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with db.read() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate to ``revision`` (default: the newest). Harmless when already there."""
    with db.write(foreign_keys=False) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        command.upgrade(alembic_config(conn), revision)


def downgrade(db: Database, revision: str) -> None:
    """Migrate down to ``revision`` (``base`` empties the database). For development only."""
    with db.write(foreign_keys=False) as conn:
        command.downgrade(alembic_config(conn), revision)


def schema_diffs(db: Database) -> list[Any]:
    """Differences between the database and :data:`schema.metadata` (empty when in step)."""
    with db.read() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))
