"""Users (administrators): everyone who can sign in, their role, the districts and
institutions they report for, whether the account is active, and their last sign-in.

Read-only: accounts are added, disabled and given new passwords with ``dbmis users`` (each act
audited). District and institution codes are shown with their names from the catalog.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.auth import ADMINS, FOCAL_POINT
from dbmis.app.auth.accounts import UserRow, list_users
from dbmis.app.context import PageContext
from dbmis.app.i18n import date_label
from dbmis.app.pages.common import table

ROLES = ADMINS


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("auth.users.title")


def _names(ctx: PageContext, codes: frozenset[str], names: dict[str, Any]) -> str:
    return ", ".join(
        f"{names[c].name.get(ctx.lang)} ({c})" if c in names else c for c in sorted(codes)
    )


def _when(ctx: PageContext, at: datetime | None) -> str:
    if at is None:
        return ctx.t("auth.users.never")
    return f"{date_label(at, ctx.lang)} {at:%H:%M} UTC"


def _row(ctx: PageContext, row: UserRow) -> list[Any]:
    user = row.user
    scoped = user.role == FOCAL_POINT
    everything = ctx.t("auth.users.all")
    return [
        user.username,
        user.display_name,
        ctx.t(f"auth.role.{user.role}"),
        _names(ctx, row.districts, ctx.catalog.district_by_code) if scoped else everything,
        _names(ctx, row.institutions, ctx.catalog.institution_by_code) if scoped else everything,
        ctx.t("auth.users.yes") if user.active else ctx.t("auth.users.no"),
        _when(ctx, user.last_login_at),
    ]


def layout(ctx: PageContext, **params: Any) -> Component:
    rows = list_users(ctx.state.db)
    parts: list[Component] = [
        html.H1(ctx.t("auth.users.title"), id="users-title"),
        html.P(ctx.t("auth.users.intro")),
    ]
    if not rows:
        parts.append(html.P(ctx.t("auth.users.none"), className="notice"))
    else:
        parts.append(
            table(
                [
                    ctx.t("auth.users.username"),
                    ctx.t("auth.users.name"),
                    ctx.t("auth.users.role"),
                    ctx.t("auth.users.districts"),
                    ctx.t("auth.users.institutions"),
                    ctx.t("auth.users.active"),
                    ctx.t("auth.users.last_sign_in"),
                ],
                [_row(ctx, r) for r in rows],
                caption=ctx.t("auth.users.caption"),
                class_name="data-table users-table",
            )
        )
    return html.Section(parts, className="users-admin", **aria(labelledby="users-title"))
