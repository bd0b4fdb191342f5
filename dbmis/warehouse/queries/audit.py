"""The audit trail: who did what, when, to which record, with which file.

Append-only: the database refuses UPDATE and DELETE on ``audit_event`` (triggers), so this
module only inserts and reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from dbmis.warehouse.schema import audit_event
from dbmis.warehouse.types import utcnow

SYSTEM = "system"
"""The actor of events no person caused (migrations, scheduled jobs, the demo loader)."""


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    sha256: str | None
    detail: dict[str, Any] | None


def append_event(
    conn: Connection,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    sha256: str | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Record one event in the caller's transaction; returns its id.

    ``actor`` is a username or :data:`SYSTEM`; ``action`` a stable verb such as
    ``submission.approve``; ``entity``/``entity_id`` the record acted on; ``detail`` any JSON
    (before/after values, the reason, issue counts).
    """
    values = {
        "at": at or utcnow(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "sha256": sha256,
        "detail": detail,
    }
    return conn.execute(insert(audit_event).values(values).returning(audit_event.c.id)).scalar_one()


def append_events(conn: Connection, events: Sequence[Mapping[str, Any]]) -> int:
    """Record many events in one statement (a bulk load's ``submission.created``); returns how
    many. Each maps the keyword arguments of :func:`append_event` (``actor``, ``action`` and
    ``entity`` required)."""
    if not events:
        return 0
    now = utcnow()
    rows = [
        {
            "at": e.get("at") or now,
            "actor": e["actor"],
            "action": e["action"],
            "entity": e["entity"],
            "entity_id": None if e.get("entity_id") is None else str(e["entity_id"]),
            "sha256": e.get("sha256"),
            "detail": e.get("detail"),
        }
        for e in events
    ]
    conn.execute(insert(audit_event), rows)
    return len(rows)


def list_events(
    conn: Connection,
    *,
    entity: str | None = None,
    entity_id: str | int | None = None,
    actor: str | None = None,
    action: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    """Events matching every given filter, newest first; page with ``before_id``."""
    query = select(audit_event)
    if entity is not None:
        query = query.where(audit_event.c.entity == entity)
    if entity_id is not None:
        query = query.where(audit_event.c.entity_id == str(entity_id))
    if actor is not None:
        query = query.where(audit_event.c.actor == actor)
    if action is not None:
        query = query.where(audit_event.c.action == action)
    if before_id is not None:
        query = query.where(audit_event.c.id < before_id)
    query = query.order_by(audit_event.c.id.desc()).limit(limit)
    return [AuditEvent(**row._mapping) for row in conn.execute(query)]
