"""Who may report progress on the action plan and who may review it.

- report: a focal point, only on activities whose **lead** institution is one of their account's
  institutions; a DU analyst, on any activity; nobody else;
- review (approve, return): DU analysts, and admins at the command line.

:class:`ActorLike` is what the functions need to know about the person acting: the web app's
``Account`` fits it, and so does :class:`PlanActor` (built from an account by :func:`actor_for`,
or a DU operator at the shell, :meth:`PlanActor.operator`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection

from dbmis.catalog import Catalog
from dbmis.catalog.plan import Activity
from dbmis.errors import NotFoundError
from dbmis.warehouse.queries.users import get_user_by_username, user_scopes

REPORT_ROLES = frozenset({"focal_point", "analyst"})
REVIEW_ROLES = frozenset({"analyst", "admin"})


class ActorLike(Protocol):
    """Who acts: the web app's ``Account`` and :class:`PlanActor` both fit."""

    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def user_id(self) -> int | None: ...
    @property
    def institutions(self) -> frozenset[str] | None: ...


@dataclass(frozen=True)
class PlanActor:
    """An account (``user_id`` set) or an operator of the Delivery Unit at the command line."""

    username: str
    role: str
    user_id: int | None = None
    institutions: frozenset[str] | None = None

    @classmethod
    def operator(cls, name: str) -> PlanActor:
        """A DU operator at the shell (``cli:<login>``) or a demo actor: an analyst."""
        return cls(username=name, role="analyst")


def actor_for(conn: Connection, username: str) -> PlanActor:
    """The actor of an active account, with its institutions; NotFoundError otherwise."""
    user = get_user_by_username(conn, username)
    if user is None or not user.active:
        raise NotFoundError(f"no active user {username!r}")
    scopes = user_scopes(conn, user.id)
    return PlanActor(user.username, user.role, user.id, frozenset(scopes.institutions))


def may_report(actor: ActorLike, activity: Activity) -> bool:
    """May ``actor`` report progress on ``activity``? Analysts: any; focal points: those their
    institution leads; nobody else."""
    if actor.role == "analyst":
        return True
    return actor.role == "focal_point" and activity.lead in (actor.institutions or frozenset())


def reportable_activities(catalog: Catalog, actor: ActorLike) -> list[Activity]:
    """The activities ``actor`` may report on, in plan order."""
    return [a for a in catalog.activities if may_report(actor, a)]
