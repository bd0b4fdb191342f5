"""Who is uploading, and what they may upload. Scope comes from the account, never the file."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from dbmis.errors import NotFoundError, PermissionDeniedError
from dbmis.warehouse.queries.users import get_user_by_username, user_scopes

UPLOAD_ROLES = frozenset({"focal_point", "analyst"})


@dataclass(frozen=True)
class Uploader:
    """An account allowed to upload. ``None`` scopes mean any district or institution."""

    username: str
    role: str
    user_id: int | None = None
    districts: frozenset[str] | None = None
    institutions: frozenset[str] | None = None

    @classmethod
    def system(cls, name: str = "system") -> Uploader:
        """The command line run by an operator of the Delivery Unit: any district."""
        return cls(username=name, role="analyst")

    def may_upload(self, district: str | None, institution: str | None) -> bool:
        return (self.districts is None or district in self.districts) and (
            self.institutions is None or institution in self.institutions
        )


def uploader_for(conn: Connection, username: str) -> Uploader:
    """The uploader of an active account with an upload role; raises otherwise."""
    user = get_user_by_username(conn, username)
    if user is None or not user.active:
        raise NotFoundError(f"no active user {username!r}")
    if user.role not in UPLOAD_ROLES:
        raise PermissionDeniedError(f"user {username!r} ({user.role}) may not upload data")
    if user.role == "analyst":
        return Uploader(username=user.username, role=user.role, user_id=user.id)
    scopes = user_scopes(conn, user.id)
    return Uploader(
        username=user.username,
        role=user.role,
        user_id=user.id,
        districts=frozenset(scopes.districts),
        institutions=frozenset(scopes.institutions),
    )
