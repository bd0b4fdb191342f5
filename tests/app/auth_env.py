"""A web app with a fake clock and a user of each role, for the auth tests (SQLite and
PostgreSQL through the ``synced`` fixture)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from dbmis.app import create_app
from dbmis.app.auth import ADMIN, ANALYST, FOCAL_POINT, ROLES, STEERING
from dbmis.app.auth.runtime import auth_runtime
from dbmis.app.context import app_state
from dbmis.catalog import Catalog
from dbmis.warehouse import Database
from dbmis.warehouse.queries.users import get_user_by_username
from dbmis.warehouse.schema import metadata
from tests.app.conftest import settings_for
from tests.support.auth import DEFAULT_PASSWORD, make_user

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    """A clock the test moves by hand (no sleeping)."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class AuthEnv:
    app: Any
    db: Database
    clock: Clock
    users: dict[str, Any] = field(default_factory=dict)
    """one user per role, by role"""

    @property
    def server(self) -> Any:
        return self.app.server

    def client(self) -> Any:
        return self.server.test_client()

    def username(self, role: str) -> str:
        return str(self.users[role].username)

    def dispose(self) -> None:
        app_state(self.server).db.dispose()


def build(db: Database, catalog: Catalog, **settings: Any) -> AuthEnv:
    """An app on ``db`` whose session clock is a :class:`Clock`, with one user per role (the
    focal point reports for ALPHA x PROSECUTION)."""
    app = create_app(settings_for(db, **settings), catalog)
    clock = Clock()
    auth_runtime(app.server).policy.clock = clock
    env = AuthEnv(app=app, db=db, clock=clock)
    for role in ROLES:
        scopes: dict[str, Any] = {}
        if role == FOCAL_POINT:
            scopes = {"districts": ("ALPHA",), "institutions": ("PROSECUTION",)}
        username = f"{role.replace('_', '.')}.one"
        with db.read() as conn:
            existing = get_user_by_username(conn, username)  # a second app on the same db
        env.users[role] = existing or make_user(db, role, username=username, **scopes)
    return env


def row_counts(db: Database) -> dict[str, int]:
    """How many rows each table holds (to show that a refused request changed nothing)."""
    with db.read() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


__all__ = [
    "ADMIN",
    "ANALYST",
    "DEFAULT_PASSWORD",
    "FOCAL_POINT",
    "STEERING",
    "AuthEnv",
    "Clock",
    "build",
    "row_counts",
]
