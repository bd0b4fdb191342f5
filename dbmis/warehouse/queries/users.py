"""Users, their roles and their scopes (the districts and institutions they report for).

Password hashing lives in the app; this module stores and returns the hash only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from dbmis.errors import ConflictError, NotFoundError
from dbmis.warehouse.schema import (
    ROLES,
    app_user,
    district,
    institution,
    user_district,
    user_institution,
)
from dbmis.warehouse.types import utcnow


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    email: str | None
    role: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    password_hash: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class UserScopes:
    """Codes of the districts and institutions a user may report for."""

    districts: frozenset[str]
    institutions: frozenset[str]


def _user(row: object) -> User:
    return User(**row._mapping)  # type: ignore[attr-defined]


def create_user(
    conn: Connection,
    username: str,
    display_name: str,
    role: str,
    *,
    email: str | None = None,
    password_hash: str | None = None,
    districts: Iterable[str] = (),
    institutions: Iterable[str] = (),
) -> User:
    """Insert a user (and its scopes, by code). ConflictError if the username is taken."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if get_user_by_username(conn, username) is not None:
        raise ConflictError(f"a user named {username!r} already exists")
    new_id = conn.execute(
        insert(app_user)
        .values(
            username=username,
            display_name=display_name,
            email=email,
            password_hash=password_hash,
            role=role,
            active=True,
            created_at=utcnow(),
        )
        .returning(app_user.c.id)
    ).scalar_one()
    set_user_scopes(conn, new_id, districts=districts, institutions=institutions)
    return get_user(conn, new_id)


def get_user(conn: Connection, user_id: int) -> User:
    """The user with this id; NotFoundError if there is none."""
    row = conn.execute(select(app_user).where(app_user.c.id == user_id)).first()
    if row is None:
        raise NotFoundError(f"no user with id {user_id}")
    return _user(row)


def get_user_by_username(conn: Connection, username: str) -> User | None:
    """The user with this username, or None."""
    row = conn.execute(select(app_user).where(app_user.c.username == username)).first()
    return None if row is None else _user(row)


def list_users(conn: Connection, *, active_only: bool = False) -> list[User]:
    """All users, ordered by username."""
    query = select(app_user).order_by(app_user.c.username)
    if active_only:
        query = query.where(app_user.c.active)
    return [_user(row) for row in conn.execute(query)]


def _update_user(conn: Connection, user_id: int, **values: object) -> None:
    result = conn.execute(update(app_user).where(app_user.c.id == user_id).values(**values))
    if result.rowcount == 0:
        raise NotFoundError(f"no user with id {user_id}")


def set_password_hash(conn: Connection, user_id: int, password_hash: str | None) -> None:
    """Replace the stored password hash (None: the user cannot sign in with a password)."""
    _update_user(conn, user_id, password_hash=password_hash)


def set_active(conn: Connection, user_id: int, active: bool) -> None:
    """Enable or disable a user (users are never deleted: the audit trail names them)."""
    _update_user(conn, user_id, active=active)


def set_role(conn: Connection, user_id: int, role: str) -> None:
    """Change a user's role."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    _update_user(conn, user_id, role=role)


def record_login(conn: Connection, user_id: int, at: datetime | None = None) -> None:
    """Remember when the user last signed in."""
    _update_user(conn, user_id, last_login_at=at or utcnow())


def set_user_scopes(
    conn: Connection,
    user_id: int,
    *,
    districts: Iterable[str] = (),
    institutions: Iterable[str] = (),
) -> None:
    """Replace the user's districts and institutions (given by code; unknown codes: NotFound)."""
    for link, dim, column, codes in (
        (user_district, district, "district_id", set(districts)),
        (user_institution, institution, "institution_id", set(institutions)),
    ):
        ids = dict(conn.execute(select(dim.c.code, dim.c.id).where(dim.c.code.in_(codes))).all())
        missing = sorted(codes - set(ids))
        if missing:
            raise NotFoundError(f"unknown {dim.name} code(s): {', '.join(missing)}")
        conn.execute(delete(link).where(link.c.user_id == user_id))
        if ids:
            conn.execute(insert(link), [{"user_id": user_id, column: i} for i in ids.values()])


def user_scopes(conn: Connection, user_id: int) -> UserScopes:
    """The codes of the user's districts and institutions."""
    districts = conn.execute(
        select(district.c.code)
        .join(user_district, user_district.c.district_id == district.c.id)
        .where(user_district.c.user_id == user_id)
    ).scalars()
    institutions = conn.execute(
        select(institution.c.code)
        .join(user_institution, user_institution.c.institution_id == institution.c.id)
        .where(user_institution.c.user_id == user_id)
    ).scalars()
    return UserScopes(frozenset(districts), frozenset(institutions))
