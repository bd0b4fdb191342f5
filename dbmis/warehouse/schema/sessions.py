"""Server-side sign-in sessions: signing out or a timeout ends a session in the database, so a
copied cookie stops working. The id stored is the SHA-256 of the token in the cookie."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table

from dbmis.warehouse.schema.base import SHA256, metadata
from dbmis.warehouse.types import UtcDateTime

SESSION_END_REASONS = ("signed_out", "idle", "expired", "disabled", "replaced", "access_changed")

user_session = Table(
    "user_session",
    metadata,
    Column("id", SHA256, primary_key=True),
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("ended_reason", String(16), nullable=True),
    Index(None, "user_id"),
)
