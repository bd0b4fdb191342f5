"""Sign-in, sessions, roles and the server-side checks on every route and callback.

See ``SECURITY.md``: authorisation lives on the server, per route and per Dash callback,
deny by default; a focal point's district and institution come from their account.
"""

from dbmis.app.auth.policy import ROUTING_KEY, callback_table, output_key
from dbmis.app.auth.roles import (
    ADMIN,
    ADMINS,
    ANALYST,
    AUDIT_READERS,
    FOCAL_POINT,
    PUBLIC,
    REVIEWERS,
    ROLES,
    STEERING,
    STEERING_READERS,
    UPLOADERS,
    Account,
    allowed,
    current_account,
)

__all__ = [
    "ADMIN",
    "ADMINS",
    "ANALYST",
    "AUDIT_READERS",
    "FOCAL_POINT",
    "PUBLIC",
    "REVIEWERS",
    "ROLES",
    "ROUTING_KEY",
    "STEERING",
    "STEERING_READERS",
    "UPLOADERS",
    "Account",
    "allowed",
    "callback_table",
    "current_account",
    "output_key",
]
