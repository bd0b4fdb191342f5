"""The audit trail is append-only in the database itself, on both dialects."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from dbmis.warehouse import Database
from dbmis.warehouse.queries import audit
from dbmis.warehouse.schema import audit_event


@pytest.fixture
def event_id(db: Database) -> int:
    with db.write() as conn:
        return audit.append_event(
            conn,
            actor="analyst1",
            action="submission.approve",
            entity="submission",
            entity_id=7,
            sha256="c" * 64,
            detail={"before": "submitted", "after": "approved"},
        )


def test_events_are_appended_and_listed(db: Database, event_id: int):
    with db.write() as conn:
        audit.append_event(conn, actor=audit.SYSTEM, action="catalog.sync", entity="catalog")
    with db.read() as conn:
        events = audit.list_events(conn)
        mine = audit.list_events(conn, entity="submission", entity_id=7)
        older = audit.list_events(conn, before_id=events[0].id)
    assert [e.action for e in events] == ["catalog.sync", "submission.approve"]
    assert [e.id for e in mine] == [event_id] == [e.id for e in older]
    assert mine[0].detail == {"before": "submitted", "after": "approved"}
    assert mine[0].entity_id == "7" and mine[0].actor == "analyst1"


@pytest.mark.parametrize(
    "statement",
    [
        update(audit_event).values(actor="someone else"),
        delete(audit_event),
    ],
    ids=["update", "delete"],
)
def test_audit_rows_cannot_be_changed_or_deleted(db: Database, event_id: int, statement):
    with pytest.raises(DBAPIError, match="append-only"), db.write() as conn:
        conn.execute(statement)
    with db.read() as conn:
        (event,) = audit.list_events(conn)
    assert event.id == event_id and event.actor == "analyst1"


@pytest.mark.postgres
def test_audit_table_cannot_be_truncated_on_postgresql(new_database):
    db = new_database("postgres")
    with db.write() as conn:
        audit.append_event(conn, actor="system", action="test", entity="x")
    with pytest.raises(DBAPIError, match="append-only"), db.write() as conn:
        conn.execute(text("TRUNCATE audit_event"))
    with db.read() as conn:
        assert len(audit.list_events(conn)) == 1
