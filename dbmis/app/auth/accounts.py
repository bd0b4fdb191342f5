"""Accounts: checking a sign-in, and the administrator's acts on users, each audited.

Plain functions over a :class:`~dbmis.warehouse.Database` (the web app and ``dbmis users``
call the same ones). Usernames are case-insensitive: they are kept in lower case.

Audit actions: ``auth.sign_in``, ``auth.sign_in_failed``, ``auth.sign_out``,
``user.create``, ``user.password``, ``user.disable``, ``user.enable``, ``user.access``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from dbmis.app.auth.passwords import hash_password, hasher, needs_rehash, verify_password
from dbmis.app.auth.roles import ROLES
from dbmis.errors import DbmisError, NotFoundError
from dbmis.warehouse import Database
from dbmis.warehouse.queries import sessions as sq
from dbmis.warehouse.queries import users as uq
from dbmis.warehouse.queries.audit import append_event
from dbmis.warehouse.types import utcnow

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
ANONYMOUS = "anonymous"
"""The actor of a failed sign-in (the name typed is in the event's detail)."""


class AccountError(DbmisError):
    """A user cannot be created or changed as asked; the message says why."""

    code = "ACCOUNT_INVALID"


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt. ``reason`` is for the audit log only: the person
    signing in is told the same thing whatever it is."""

    user: uq.User | None
    reason: str | None = None
    """None on success; else ``unknown_user``, ``bad_password``, ``disabled``"""

    @property
    def ok(self) -> bool:
        return self.reason is None and self.user is not None


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_username(username: str) -> str:
    """The normalised username, or AccountError saying what is allowed."""
    name = normalise_username(username)
    if not USERNAME.fullmatch(name):
        raise AccountError(
            f"username {username!r} is not allowed: use 3 to 64 letters a-z, digits, "
            "dots, hyphens or underscores, starting with a letter or digit"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def authenticate(
    db: Database, username: str, password: str, dummy_hash: str, *, now: datetime | None = None
) -> SignInResult:
    """Check a username and password. An unknown user costs one hash verification too (against
    ``dummy_hash``), as a wrong password does. On success the stored hash is upgraded if it was
    made with other parameters, and the sign-in time recorded."""
    name = normalise_username(username)
    with db.read() as conn:
        user = uq.get_user_by_username(conn, name) if len(name) <= 64 else None
    if user is None or not user.password_hash:
        verify_password(dummy_hash, password)
        return SignInResult(None, "unknown_user" if user is None else "bad_password")
    if not verify_password(user.password_hash, password):
        return SignInResult(user, "bad_password")
    if not user.active:
        return SignInResult(user, "disabled")
    with db.write() as conn:
        if needs_rehash(user.password_hash):
            uq.set_password_hash(conn, user.id, hash_password_unchecked(password))
        uq.record_login(conn, user.id, now or utcnow())
        user = uq.get_user(conn, user.id)
    return SignInResult(user)


def hash_password_unchecked(password: str) -> str:
    """Rehash a password that was accepted before (a policy change must not lock anyone out)."""
    return hasher().hash(password)


def audit_sign_in(db: Database, result: SignInResult, username: str, ip: str | None) -> None:
    """Record a sign-in attempt (success or failure) in the audit log."""
    with db.write() as conn:
        if result.ok and result.user is not None:
            append_event(
                conn,
                actor=result.user.username,
                action="auth.sign_in",
                entity="user",
                entity_id=result.user.id,
                detail={"ip": ip},
            )
        else:
            append_event(
                conn,
                actor=ANONYMOUS,
                action="auth.sign_in_failed",
                entity="user",
                entity_id=None if result.user is None else result.user.id,
                detail={"username": username[:64], "reason": result.reason, "ip": ip},
            )


def audit_sign_out(db: Database, username: str, user_id: int, ip: str | None) -> None:
    with db.write() as conn:
        append_event(
            conn,
            actor=username,
            action="auth.sign_out",
            entity="user",
            entity_id=user_id,
            detail={"ip": ip},
        )


def add_user(
    db: Database,
    *,
    actor: str,
    username: str,
    display_name: str,
    role: str,
    password: str,
    email: str | None = None,
    districts: Iterable[str] = (),
    institutions: Iterable[str] = (),
) -> uq.User:
    """Create a user (password checked against the policy, codes against the warehouse)."""
    name = check_username(username)
    check_role(role)
    if not display_name.strip():
        raise AccountError("the user's name must not be empty")
    password_hash = hash_password(password, username=name)
    district_codes = sorted({c.strip().upper() for c in districts if c.strip()})
    institution_codes = sorted({c.strip().upper() for c in institutions if c.strip()})
    try:
        with db.write() as conn:
            user = uq.create_user(
                conn,
                name,
                display_name.strip(),
                role,
                email=email or None,
                password_hash=password_hash,
                districts=district_codes,
                institutions=institution_codes,
            )
            append_event(
                conn,
                actor=actor,
                action="user.create",
                entity="user",
                entity_id=user.id,
                detail={
                    "username": name,
                    "role": role,
                    "districts": district_codes,
                    "institutions": institution_codes,
                },
            )
    except NotFoundError as exc:
        raise AccountError(exc.message) from exc
    return user


def _existing(db: Database, username: str) -> uq.User:
    with db.read() as conn:
        user = uq.get_user_by_username(conn, normalise_username(username))
    if user is None:
        raise NotFoundError(f"no user named {username!r}")
    return user


def set_password(db: Database, *, actor: str, username: str, password: str) -> uq.User:
    """Give a user a new password; their open sessions end (they sign in again)."""
    user = _existing(db, username)
    password_hash = hash_password(password, username=user.username)
    now = utcnow()
    with db.write() as conn:
        uq.set_password_hash(conn, user.id, password_hash)
        ended = sq.end_user_sessions(conn, user.id, "replaced", now)
        append_event(
            conn,
            actor=actor,
            action="user.password",
            entity="user",
            entity_id=user.id,
            detail={"username": user.username, "sessions_ended": ended},
            at=now,
        )
        return uq.get_user(conn, user.id)


def set_active(db: Database, *, actor: str, username: str, active: bool) -> uq.User:
    """Enable or disable a user; disabling ends their open sessions at once."""
    user = _existing(db, username)
    now = utcnow()
    with db.write() as conn:
        uq.set_active(conn, user.id, active)
        ended = 0 if active else sq.end_user_sessions(conn, user.id, "disabled", now)
        append_event(
            conn,
            actor=actor,
            action="user.enable" if active else "user.disable",
            entity="user",
            entity_id=user.id,
            detail={"username": user.username, "was_active": user.active, "sessions_ended": ended},
            at=now,
        )
        return uq.get_user(conn, user.id)


def _codes(codes: Iterable[str]) -> list[str]:
    return sorted({c.strip().upper() for c in codes if c.strip()})


def set_access(
    db: Database,
    *,
    actor: str,
    username: str,
    role: str | None = None,
    districts: Iterable[str] | None = None,
    institutions: Iterable[str] | None = None,
) -> uq.User:
    """Change a user's role and/or the districts and institutions they act for (``None``
    keeps what they have; an empty list clears it). A focal point must keep at least one of
    each. Their open sessions end, so the new access applies from their next sign-in; the
    audit event records before and after."""
    from dbmis.app.auth.roles import FOCAL_POINT

    user = _existing(db, username)
    if role is not None:
        check_role(role)
    now = utcnow()
    try:
        with db.write() as conn:
            before = uq.user_scopes(conn, user.id)
            new_role = role if role is not None else user.role
            new_districts = _codes(districts) if districts is not None else sorted(before.districts)
            new_institutions = (
                _codes(institutions) if institutions is not None else sorted(before.institutions)
            )
            if new_role == FOCAL_POINT and (not new_districts or not new_institutions):
                raise AccountError(
                    "a focal point needs at least one district and one institution "
                    "(the ones they report for)"
                )
            if new_role != user.role:
                uq.set_role(conn, user.id, new_role)
            uq.set_user_scopes(
                conn, user.id, districts=new_districts, institutions=new_institutions
            )
            ended = sq.end_user_sessions(conn, user.id, "access_changed", now)
            append_event(
                conn,
                actor=actor,
                action="user.access",
                entity="user",
                entity_id=user.id,
                detail={
                    "username": user.username,
                    "before": {
                        "role": user.role,
                        "districts": sorted(before.districts),
                        "institutions": sorted(before.institutions),
                    },
                    "after": {
                        "role": new_role,
                        "districts": new_districts,
                        "institutions": new_institutions,
                    },
                    "sessions_ended": ended,
                },
                at=now,
            )
            return uq.get_user(conn, user.id)
    except NotFoundError as exc:  # an unknown district or institution code
        raise AccountError(exc.message) from exc


@dataclass(frozen=True)
class UserRow:
    """A user as the administrator's list shows it."""

    user: uq.User
    districts: frozenset[str]
    institutions: frozenset[str]


def list_users(db: Database) -> list[UserRow]:
    """Every user with their scopes, by username."""
    with db.read() as conn:
        rows = []
        for user in uq.list_users(conn):
            scopes = uq.user_scopes(conn, user.id)
            rows.append(UserRow(user, scopes.districts, scopes.institutions))
    return rows
