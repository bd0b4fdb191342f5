"""Server-side sign-in sessions.

At sign-in the app makes a random token and stores only its SHA-256 in ``user_session``; the
token goes in Flask's (signed) session cookie as Flask-Login's user id. On each request
Flask-Login's user loader (:func:`load_account`) turns the token back into an
:class:`~dbmis.app.auth.roles.Account` built from the database: the user must still be active,
the session open, used within the idle timeout and younger than the absolute timeout;
otherwise the session is ended in the database and the caller is anonymous. Activity is
recorded at most once a minute. Signing out, a timeout or disabling the user ends the
session in the database, so a copied cookie stops working.

The clock is the policy's (tests replace it; nothing sleeps).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dbmis.app.auth.roles import Account
from dbmis.settings import Settings
from dbmis.warehouse import Database
from dbmis.warehouse.queries import sessions as sq
from dbmis.warehouse.queries.users import user_scopes
from dbmis.warehouse.types import utcnow

TOKEN_BYTES = 32


@dataclass
class SessionPolicy:
    """How long sessions last, and the clock they are judged by (one per app)."""

    idle: timedelta
    absolute: timedelta
    touch_every: timedelta = timedelta(minutes=1)
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        return cls(
            idle=timedelta(minutes=settings.session_idle_minutes),
            absolute=timedelta(hours=settings.session_absolute_hours),
        )

    def now(self) -> datetime:
        return self.clock()


def new_token() -> str:
    """A fresh random session token (what the cookie holds)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def session_id(token: str) -> str:
    """The id the database keeps for a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(db: Database, user_id: int, policy: SessionPolicy) -> str:
    """Open a session for ``user_id``; returns its token (for the cookie only)."""
    token = new_token()
    with db.write() as conn:
        sq.create_session(conn, session_id(token), user_id, policy.now())
    return token


def end_session(db: Database, token: str, reason: str, policy: SessionPolicy) -> bool:
    """End the session of ``token`` (sign-out); False if it was not open."""
    with db.write() as conn:
        return sq.end_session(conn, session_id(token), reason, policy.now())


def end_user_sessions(db: Database, user_id: int, reason: str, policy: SessionPolicy) -> int:
    """End every open session of a user (disabled, or a new password)."""
    with db.write() as conn:
        return sq.end_user_sessions(conn, user_id, reason, policy.now())


def _why_not(row: sq.SessionRow, now: datetime, policy: SessionPolicy) -> str | None:
    """Why an open session must end now (a reason of ``user_session``), or None."""
    if not row.active:
        return "disabled"
    if now - row.created_at >= policy.absolute:
        return "expired"
    if now - row.last_seen_at >= policy.idle:
        return "idle"
    return None


def load_account(db: Database, token: str, policy: SessionPolicy) -> Account | None:
    """The account of a session token, or None (unknown, ended, timed out, user disabled).

    A session that has just timed out (or whose user was disabled) is ended in the database.
    """
    if not token or len(token) > 128:
        return None
    sid = session_id(token)
    now = policy.now()
    with db.read() as conn:
        row = sq.get_session(conn, sid)
        if row is None or row.ended_at is not None:
            return None
        reason = _why_not(row, now, policy)
        scopes = user_scopes(conn, row.user_id) if reason is None else None
    if reason is not None or scopes is None:
        with db.write() as conn:
            sq.end_session(conn, sid, reason or "expired", now)
        return None
    if now - row.last_seen_at >= policy.touch_every:
        with db.write() as conn:
            sq.touch_session(conn, sid, now)
    return Account(
        user_id=row.user_id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        districts=scopes.districts,
        institutions=scopes.institutions,
        session_id=token,
    )
