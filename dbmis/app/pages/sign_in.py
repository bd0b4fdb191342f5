"""Sign in: a plain HTML form that POSTs to ``/auth/sign-in`` (see
:mod:`dbmis.app.auth.views`), with the CSRF token and the page to go back to (``next``).

After a failed attempt the app comes back here with ``?error=1`` and the page says, without
saying which, that the username or password is not right or the account is not active.
"""

from __future__ import annotations

from typing import Any, Literal

from dash import dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.auth import PUBLIC
from dbmis.app.auth.security import form_token
from dbmis.app.auth.views import HOME_BY_ROLE, safe_next
from dbmis.app.context import PageContext

ROLES = PUBLIC


def title(ctx: PageContext, **params: Any) -> str:
    return ctx.t("auth.page.title")


def _field(
    ctx: PageContext, name: str, kind: Literal["text", "password"], autocomplete: str
) -> Component:
    field_id = f"sign-in-{name}"
    return html.Div(
        [
            html.Label(ctx.t(f"auth.{name}"), htmlFor=field_id),
            dcc.Input(
                id=field_id,
                name=name,
                type=kind,
                autoComplete=autocomplete,
                required=True,
                maxLength=256 if kind == "password" else 64,
                spellCheck=False,
                className="field-input",
            ),
        ],
        className="field",
    )


def sign_in_form(ctx: PageContext, next_path: str | None) -> Component:
    """The form (ids ``sign-in-username``, ``sign-in-password``, ``sign-in-submit``)."""
    return html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=form_token(), id="sign-in-csrf"),
            dcc.Input(type="hidden", name="next", value=next_path or "", id="sign-in-next"),
            dcc.Input(type="hidden", name="lang", value=ctx.lang, id="sign-in-lang"),
            _field(ctx, "username", "text", "username"),
            _field(ctx, "password", "password", "current-password"),
            html.Button(
                ctx.t("auth.sign_in"), type="submit", id="sign-in-submit", className="button"
            ),
        ],
        action="/auth/sign-in",
        method="post",
        id="sign-in-form",
        className="sign-in-form",
        **aria(labelledby="sign-in-title"),
    )


def layout(ctx: PageContext, **params: Any) -> Component:
    next_path = safe_next(ctx.param("next"))
    parts: list[Component] = [
        html.H1(ctx.t("auth.page.title"), id="sign-in-title"),
        html.P(ctx.t("auth.page.intro")),
    ]
    if ctx.account is not None:
        home = next_path or ctx.link(HOME_BY_ROLE.get(ctx.account.role, "/"))
        parts += [
            html.P(ctx.t("auth.already", name=ctx.account.display_name)),
            html.P(html.A(ctx.t("auth.continue"), href=home, className="button")),
        ]
        return html.Div(parts, className="sign-in")
    if ctx.param("error"):
        parts.append(html.P(ctx.t("auth.error"), role="alert", className="form-error"))
    parts += [sign_in_form(ctx, next_path), html.P(ctx.t("auth.help"), className="muted")]
    return html.Div(parts, className="sign-in")
