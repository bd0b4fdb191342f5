"""The Database: SQLite pragmas and locking, transactions that commit or roll back fully."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text

from dbmis.errors import WarehouseError
from dbmis.settings import Settings
from dbmis.warehouse import Database, upgrade
from dbmis.warehouse.engine import normalise_url
from dbmis.warehouse.queries import audit
from dbmis.warehouse.queries.observations import count_rows, insert_observations
from dbmis.warehouse.schema import audit_event


def test_database_from_settings_creates_the_instance_folder(tmp_path: Path):
    settings = Settings(instance_dir=tmp_path / "deep" / "instance", sqlite_busy_timeout_ms=1234)
    db = Database(settings)
    try:
        assert db.dialect_name == "sqlite"
        assert db.busy_timeout_ms == 1234
        upgrade(db)
        assert (tmp_path / "deep" / "instance" / "dbmis.sqlite").is_file()
    finally:
        db.dispose()


def test_postgres_urls_get_the_psycopg_driver():
    for url in ("postgres://u@h/d", "postgresql://u@h/d", "postgresql+psycopg://u@h/d"):
        assert normalise_url(url).drivername == "postgresql+psycopg"
    with pytest.raises(WarehouseError):
        Database("mysql://u@h/d")


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'x.sqlite'}", busy_timeout_ms=4321)
    try:
        for context in (db.read, db.write):
            with context() as conn:
                pragma = {
                    name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                    for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
                }
                assert pragma == {
                    "journal_mode": "wal",
                    "busy_timeout": 4321,
                    "foreign_keys": 1,
                    "synchronous": 1,  # NORMAL
                }
    finally:
        db.dispose()


def test_sqlite_write_takes_the_lock_at_begin(tmp_path: Path):
    """A second writer fails at once (busy timeout 0) while the first holds BEGIN IMMEDIATE."""
    path = tmp_path / "locks.sqlite"
    first = Database(f"sqlite:///{path}")
    second = Database(f"sqlite:///{path}", busy_timeout_ms=0)
    try:
        upgrade(first)
        with first.write():  # nothing written yet: the lock comes from BEGIN IMMEDIATE alone
            started = time.perf_counter()
            with pytest.raises(WarehouseError) as caught, second.write():
                pass  # pragma: no cover - never reached
            assert caught.value.code == "WAREHOUSE_BUSY"
            assert time.perf_counter() - started < 1.0
            with second.read() as conn:  # WAL: readers are not blocked by the writer
                assert conn.execute(select(audit_event.c.id)).all() == []
        with second.write() as conn:  # once the first commits, the second can write
            audit.append_event(conn, actor="system", action="test", entity="lock")
    finally:
        first.dispose()
        second.dispose()


def test_sqlite_read_does_not_take_the_write_lock(tmp_path: Path):
    path = tmp_path / "reads.sqlite"
    reader = Database(f"sqlite:///{path}")
    writer = Database(f"sqlite:///{path}", busy_timeout_ms=0)
    try:
        upgrade(reader)
        with reader.read() as conn:
            conn.execute(select(audit_event.c.id)).all()
            with writer.write() as wconn:
                audit.append_event(wconn, actor="system", action="test", entity="lock")
    finally:
        reader.dispose()
        writer.dispose()


def test_a_write_that_raises_rolls_back_everything(synced_db: Database, make_submission):
    with synced_db.read() as conn:
        before = count_rows(conn)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), synced_db.write() as conn:
        sub = make_submission(conn)
        rows = [
            {"submission_id": sub.id, "indicator_id": 1, "district_id": sub.district_id,
             "institution_id": sub.institution_id, "month": 202601 + m, "value": m}
            for m in range(12)
        ]  # fmt: skip
        insert_observations(conn, rows)
        audit.append_event(conn, actor="system", action="load", entity="submission")
        assert count_rows(conn)["observation"] == 12
        raise Boom
    with synced_db.read() as conn:
        assert count_rows(conn) == before


def test_read_transactions_never_commit(db: Database):
    with db.read() as conn:
        audit.append_event(conn, actor="system", action="oops", entity="x")
    with db.read() as conn:
        assert count_rows(conn)["audit_event"] == 0


def test_timestamps_come_back_aware_in_utc(db: Database):
    karachi = timezone(timedelta(hours=5))
    at = datetime(2026, 7, 1, 9, 30, tzinfo=karachi)
    with db.write() as conn:
        audit.append_event(conn, actor="system", action="t", entity="x", at=at)
    with db.read() as conn:
        (event,) = audit.list_events(conn)
    assert event.at == at
    assert event.at.tzinfo == UTC
    assert event.at.hour == 4
    with pytest.raises(Exception, match="timezone-aware"), db.write() as conn:
        audit.append_event(conn, actor="system", action="t", entity="x", at=datetime(2026, 1, 1))


def test_foreign_keys_are_enforced(db: Database):
    with pytest.raises(Exception, match=r"(?i)foreign key"), db.write() as conn:
        conn.execute(text("INSERT INTO user_district (user_id, district_id) VALUES (999, 999)"))


def test_sqlite_migration_writes_check_foreign_keys_at_the_end(tmp_path: Path):
    """Migrations run with foreign keys off (table rebuilds) but cannot commit broken links."""
    db = Database(f"sqlite:///{tmp_path / 'fk.sqlite'}")
    try:
        upgrade(db)
        with db.write(foreign_keys=False) as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
        broken = text("INSERT INTO user_district (user_id, district_id) VALUES (9, 9)")
        with (
            pytest.raises(WarehouseError, match="broken foreign key"),
            db.write(foreign_keys=False) as conn,
        ):
            conn.execute(broken)
        with db.write() as conn:  # the pooled connection has its foreign keys back on
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("SELECT count(*) FROM user_district").scalar() == 0
    finally:
        db.dispose()


def test_an_unreachable_server_is_a_warehouse_error():
    db = Database("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(WarehouseError) as caught, db.read():
        pass  # pragma: no cover - never reached
    assert caught.value.code == "WAREHOUSE_UNREACHABLE"
