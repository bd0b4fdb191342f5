"""Server-side sign-in sessions (``user_session``).

A session's id is the SHA-256 (hex) of the random token kept in the browser's session cookie:
the database never holds the token itself. A session ends (``ended_at`` and a reason from
:data:`~dbmis.warehouse.schema.sessions.SESSION_END_REASONS`) at sign-out, after an idle or an
absolute timeout, or when its user is disabled; an ended session never comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from dbmis.warehouse.schema import app_user
from dbmis.warehouse.schema.sessions import SESSION_END_REASONS, user_session


@dataclass(frozen=True)
class SessionRow:
    """A session with what the app needs to build the signed-in account."""

    id: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    ended_reason: str | None
    username: str
    display_name: str
    role: str
    active: bool


def create_session(conn: Connection, session_id: str, user_id: int, now: datetime) -> None:
    """Start a session for ``user_id`` (``session_id``: the SHA-256 hex of its token)."""
    conn.execute(
        insert(user_session).values(
            id=session_id, user_id=user_id, created_at=now, last_seen_at=now
        )
    )


def get_session(conn: Connection, session_id: str) -> SessionRow | None:
    """The session and its user, or None if there is no such session."""
    row = conn.execute(
        select(
            user_session.c.id,
            user_session.c.user_id,
            user_session.c.created_at,
            user_session.c.last_seen_at,
            user_session.c.ended_at,
            user_session.c.ended_reason,
            app_user.c.username,
            app_user.c.display_name,
            app_user.c.role,
            app_user.c.active,
        )
        .join(app_user, app_user.c.id == user_session.c.user_id)
        .where(user_session.c.id == session_id)
    ).first()
    return None if row is None else SessionRow(**row._mapping)


def touch_session(conn: Connection, session_id: str, now: datetime) -> None:
    """Record activity on an open session."""
    conn.execute(
        update(user_session)
        .where(user_session.c.id == session_id, user_session.c.ended_at.is_(None))
        .values(last_seen_at=now)
    )


def end_session(conn: Connection, session_id: str, reason: str, now: datetime) -> bool:
    """End an open session; False if it was already ended or does not exist."""
    _check_reason(reason)
    result = conn.execute(
        update(user_session)
        .where(user_session.c.id == session_id, user_session.c.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )
    return result.rowcount > 0


def end_user_sessions(conn: Connection, user_id: int, reason: str, now: datetime) -> int:
    """End every open session of a user (disabled, or password changed); returns how many."""
    _check_reason(reason)
    result = conn.execute(
        update(user_session)
        .where(user_session.c.user_id == user_id, user_session.c.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )
    return int(result.rowcount)


def open_session_count(conn: Connection, user_id: int) -> int:
    """How many sessions of the user are open (not ended; timeouts are judged by the app)."""
    rows = conn.execute(
        select(user_session.c.id).where(
            user_session.c.user_id == user_id, user_session.c.ended_at.is_(None)
        )
    ).all()
    return len(rows)


def _check_reason(reason: str) -> None:
    if reason not in SESSION_END_REASONS:
        raise ValueError(f"a session ends for one of {', '.join(SESSION_END_REASONS)}")
