"""Migrations build the schema of schema.py, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, inspect, types

from dbmis.warehouse import Database, current_revision, head_revision, upgrade
from dbmis.warehouse.migrate import downgrade, schema_diffs
from dbmis.warehouse.queries.observations import count_rows
from dbmis.warehouse.schema import metadata

pytestmark = pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")


def test_upgrade_builds_every_table_and_a_second_upgrade_is_harmless(empty_db: Database):
    assert current_revision(empty_db) is None
    upgrade(empty_db)
    assert current_revision(empty_db) == head_revision()
    with empty_db.read() as conn:
        tables = set(inspect(conn).get_table_names())
    assert set(metadata.tables) <= tables
    upgrade(empty_db)
    assert current_revision(empty_db) == head_revision()
    with empty_db.read() as conn:
        assert set(count_rows(conn).values()) == {0}


def test_migrated_schema_matches_metadata(empty_db: Database):
    upgrade(empty_db)
    assert schema_diffs(empty_db) == []


def test_schema_diffs_notices_a_drift(db: Database):
    with db.write() as conn:
        conn.exec_driver_sql("DROP INDEX ix_submission_sha256")
    kinds = [diff[0] for diff in schema_diffs(db)]
    assert kinds == ["add_index"]


def test_downgrade_to_base_and_back(db: Database):
    downgrade(db, "base")
    with db.read() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    upgrade(db)
    assert schema_diffs(db) == []


# --- the two dialects give the same schema --------------------------------------------------

_FAMILIES: list[tuple[type[Any], str]] = [
    (types.Boolean, "boolean"),
    (types.Integer, "integer"),  # BigInteger ids are INTEGER on SQLite (rowid); same family
    (types.Float, "float"),
    (types.JSON, "json"),
    (types.DateTime, "datetime"),
    (types.Date, "date"),
    (types.String, "string"),  # CHAR, VARCHAR and TEXT
]


def _family(type_: Any) -> str:
    for cls, name in _FAMILIES:
        if isinstance(type_, cls):
            return name
    raise AssertionError(f"unexpected reflected type {type_!r}")


def _describe(conn: Connection) -> dict[str, Any]:
    """The schema as reflected, in a form that does not depend on the dialect."""
    insp = inspect(conn)
    out: dict[str, Any] = {}
    for table in sorted(metadata.tables):
        pk = insp.get_pk_constraint(table)
        out[table] = {
            "columns": [
                (c["name"], c["nullable"], _family(c["type"])) for c in insp.get_columns(table)
            ],
            "pk": (pk["name"], tuple(pk["constrained_columns"])),
            "unique": sorted(
                (u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]), _where(i))
                for i in insp.get_indexes(table)
                if "duplicates_constraint" not in i  # PostgreSQL lists UNIQUE twice
            ),
            "foreign_keys": sorted(
                (
                    f["name"],
                    tuple(f["constrained_columns"]),
                    f["referred_table"],
                    (f.get("options") or {}).get("ondelete"),
                )
                for f in insp.get_foreign_keys(table)
            ),
            "checks": sorted(c["name"] for c in insp.get_check_constraints(table)),
        }
    return out


def _where(index: dict[str, Any]) -> str | None:
    options = index.get("dialect_options", {})
    where = options.get("sqlite_where", options.get("postgresql_where"))
    return None if where is None else str(where).strip("() ")


@pytest.mark.postgres
def test_sqlite_and_postgresql_schemas_are_the_same(new_database):
    described = {}
    for backend in ("sqlite", "postgres"):
        db = new_database(backend, migrated=False)
        upgrade(db)
        with db.read() as conn:
            described[backend] = _describe(conn)
    sqlite, postgres = described["sqlite"], described["postgres"]
    assert sqlite.keys() == postgres.keys() == metadata.tables.keys()
    for table in sqlite:
        assert sqlite[table] == postgres[table], table
    # and the things we rely on are really there
    assert ("ix_submission_one_current", ("district_id", "institution_id", "year"), True,
            "is_current") in sqlite["submission"]["indexes"]  # fmt: skip
    assert sqlite["app_user"]["checks"] == ["ck_app_user_role"]
