"""Reading the audit trail page by page, with filters (the audit log page).

:func:`search_events` filters by actor, action, submission and a date range, newest first,
and counts the matches, so the page can say "events 51-100 of 1,234". Reads only: the audit
trail is append-only (see :mod:`dbmis.warehouse.queries.audit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, func, select, true

from dbmis.warehouse.queries.audit import AuditEvent
from dbmis.warehouse.schema import audit_event

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class EventFilter:
    """What to look for; every field is optional. ``since`` is inclusive, ``until`` exclusive
    (both timezone-aware)."""

    actor: str | None = None
    action: str | None = None
    submission_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    total: int
    """how many events match the filter (on every page)"""
    offset: int
    limit: int

    @property
    def has_newer(self) -> bool:
        return self.offset > 0

    @property
    def has_older(self) -> bool:
        return self.offset + len(self.events) < self.total


def _where(f: EventFilter) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if f.actor:
        clauses.append(audit_event.c.actor == f.actor)
    if f.action:
        clauses.append(audit_event.c.action == f.action)
    if f.submission_id is not None:
        clauses.append(audit_event.c.entity == "submission")
        clauses.append(audit_event.c.entity_id == str(f.submission_id))
    if f.since is not None:
        clauses.append(audit_event.c.at >= f.since)
    if f.until is not None:
        clauses.append(audit_event.c.at < f.until)
    return and_(true(), *clauses)


def search_events(
    conn: Connection, f: EventFilter, *, offset: int = 0, limit: int = 50
) -> EventPage:
    """The events matching ``f``, newest first (by id), ``limit`` of them from ``offset``."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    offset = max(0, int(offset))
    where = _where(f)
    total = conn.execute(select(func.count()).select_from(audit_event).where(where)).scalar_one()
    query = (
        select(audit_event)
        .where(where)
        .order_by(audit_event.c.id.desc())
        .offset(offset)
        .limit(limit)
    )
    events = [AuditEvent(**row._mapping) for row in conn.execute(query)]
    return EventPage(events=events, total=total, offset=offset, limit=limit)


def event_actions(conn: Connection) -> list[str]:
    """Every action recorded so far, sorted."""
    query = select(audit_event.c.action).distinct().order_by(audit_event.c.action)
    return list(conn.scalars(query))


def event_actors(conn: Connection) -> list[str]:
    """Everyone (usernames, ``system``, ``cli:...``) who has acted so far, sorted."""
    query = select(audit_event.c.actor).distinct().order_by(audit_event.c.actor)
    return list(conn.scalars(query))


__all__ = [
    "MAX_PAGE_SIZE",
    "EventFilter",
    "EventPage",
    "event_actions",
    "event_actors",
    "search_events",
]
