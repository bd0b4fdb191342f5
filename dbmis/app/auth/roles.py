"""Roles and the signed-in account.

The roles are those of the warehouse (``app_user.role``): see the roles table in DESIGN.md.
:class:`Account` is what a page or a callback knows about the person calling it; it is built
from the database on each request (by :mod:`dbmis.app.auth.sessions`), never from the request's
body, so a focal point's districts and institutions always come from their account.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context
from flask_login import current_user

FOCAL_POINT = "focal_point"
ANALYST = "analyst"
STEERING = "steering"
ADMIN = "admin"
ROLES: tuple[str, ...] = (FOCAL_POINT, ANALYST, STEERING, ADMIN)

PUBLIC: frozenset[str] = frozenset({"public"})
"""The roles of something anyone may call or see, signed in or not."""

UPLOADERS: frozenset[str] = frozenset({FOCAL_POINT, ANALYST})
"""Who may download templates and upload data (focal points within their scope)."""
REVIEWERS: frozenset[str] = frozenset({ANALYST})
"""Who approves, returns, un-approves and publishes, and writes stocktake judgements."""
STEERING_READERS: frozenset[str] = frozenset({ANALYST, STEERING})
"""Who sees approved but unpublished figures (the steering view and the pack)."""
AUDIT_READERS: frozenset[str] = frozenset({ANALYST, ADMIN})
"""Who reads the audit log."""
ADMINS: frozenset[str] = frozenset({ADMIN})


@dataclass(frozen=True)
class Account:
    """A signed-in user, as Flask-Login's user object.

    ``districts`` and ``institutions`` are catalog codes; for focal points they are the only
    ones they may read or write. Analysts, steering members and admins are not limited by them.
    ``session_id`` is the server-side session this request belongs to (Flask-Login's id).
    """

    user_id: int
    username: str
    display_name: str
    role: str
    districts: frozenset[str]
    institutions: frozenset[str]
    session_id: str

    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return self.session_id

    def has_role(self, roles: frozenset[str]) -> bool:
        return roles is PUBLIC or self.role in roles

    def may_report_for(self, district: str, institution: str) -> bool:
        """May this account upload (or report progress) for ``district`` x ``institution``?"""
        if self.role == ANALYST:
            return True
        if self.role != FOCAL_POINT:
            return False
        return district in self.districts and institution in self.institutions

    def may_see_submission(self, district: str, institution: str) -> bool:
        """May this account read a submission of ``district`` x ``institution``?"""
        return self.role == ANALYST or self.may_report_for(district, institution)


def current_account() -> Account | None:
    """The account of the current request, or None (anonymous, or outside a request)."""
    if not has_request_context():
        return None
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    return user if isinstance(user, Account) else None


def allowed(roles: frozenset[str], account: Account | None) -> bool:
    """May ``account`` (None: anonymous) reach something open to ``roles``?"""
    if roles is PUBLIC or roles == PUBLIC:
        return True
    return account is not None and account.role in roles
