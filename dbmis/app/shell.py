"""The frame of every page: skip link, demo banner, header with the language switch,
navigation, main content and footer (ARIA landmarks: banner, navigation, main, contentinfo).

Links are plain ``<a href>`` (a full page load): the document's ``lang``/``dir`` and title are
set by the server for each page, focus and scroll start at the top, and every link works
without the app's JavaScript state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from dash import dcc, html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
from dbmis.app.auth.roles import (
    ADMINS,
    AUDIT_READERS,
    REVIEWERS,
    STEERING_READERS,
    UPLOADERS,
)
from dbmis.app.auth.security import form_token
from dbmis.app.context import PageContext
from dbmis.app.i18n import LANGUAGE_NAMES, date_label, direction, month_label
from dbmis.kpis.public import ReleaseInfo

if TYPE_CHECKING:
    from dbmis.app.routing import Match

NAV: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("nav.home", "/", ("home",)),
    ("nav.kpis", "/kpi", ("kpis", "kpi")),
    ("nav.districts", "/district", ("districts", "district")),
    ("nav.data", "/data", ("data",)),
    ("plan.nav.public", "/plan", ("plan_public", "plan_activity")),
    ("nav.about", "/about", ("about",)),
)
"""(message key, path, pages under it) of each navigation item."""

WORK_NAV: tuple[tuple[str, str, tuple[str, ...], frozenset[str]], ...] = (
    ("auth.nav.portal", "/portal", ("portal", "submission"), UPLOADERS),
    ("plan.nav.progress", "/portal/progress", ("progress",), UPLOADERS),
    ("auth.nav.inbox", "/workspace", ("inbox", "submission"), REVIEWERS),
    ("auth.nav.quality", "/workspace/quality", ("quality",), REVIEWERS),
    ("auth.nav.stocktake", "/workspace/stocktake", ("stocktake_prep",), REVIEWERS),
    ("auth.nav.releases", "/workspace/releases", ("publish",), REVIEWERS),
    ("plan.nav.tracker", "/workspace/plan", ("plan_tracker",), STEERING_READERS),
    ("auth.nav.steering", "/steering", ("steering",), STEERING_READERS),
    ("auth.nav.audit", "/audit", ("audit_log",), AUDIT_READERS),
    ("auth.nav.users", "/admin/users", ("users_admin",), ADMINS),
)
"""(message key, path, pages under it, roles) of the signed-in areas' navigation: each
account sees the items of its role (the roles match each page's ``ROLES``; a test checks)."""


def demo_banner(ctx: PageContext) -> Component:
    return html.Aside(
        [html.Strong(ctx.t("demo.title")), " ", ctx.t("demo.text")],
        className="demo-banner",
        id="demo-banner",
        **aria(label=ctx.t("demo.title")),
    )


def language_switch(ctx: PageContext) -> Component:
    items = []
    for lang in ctx.other_langs():
        items.append(
            html.A(
                LANGUAGE_NAMES[lang],
                href=ctx.href(lang=lang, page=ctx.query.page),
                lang=lang,
                hrefLang=lang,
                dir=direction(lang),
                className="lang-link",
                title=ctx.t("lang.switch_to", language=LANGUAGE_NAMES[lang]),
            )
        )
    return html.Div(items, className="lang-switch", **aria(label=ctx.t("lang.label")), role="group")


def account_area(ctx: PageContext) -> Component:
    """Who is signed in and a Sign out button (a POST form with the CSRF token), or a discreet
    Sign in link for a visitor."""
    account = ctx.account
    if account is None:
        return html.A(ctx.t("auth.sign_in"), href=ctx.link("/sign-in"), className="sign-in-link")
    role = ctx.t(f"auth.role.{account.role}")
    return html.Div(
        [
            html.Span(
                ctx.t("auth.signed_in_as", name=account.display_name, role=role),
                className="account-name",
                id="account-name",
            ),
            html.Form(
                [
                    dcc.Input(
                        type="hidden", name="csrf_token", value=form_token(), id="sign-out-csrf"
                    ),
                    dcc.Input(type="hidden", name="lang", value=ctx.lang, id="sign-out-lang"),
                    html.Button(
                        ctx.t("auth.sign_out"),
                        type="submit",
                        id="sign-out-button",
                        className="sign-out-button",
                    ),
                ],
                action="/auth/sign-out",
                method="post",
                id="sign-out-form",
                className="sign-out-form",
            ),
        ],
        className="account",
        role="group",
        **aria(label=ctx.t("auth.account_label")),
    )


def header(ctx: PageContext) -> Component:
    road = ctx.catalog.roadmap
    return html.Header(
        [
            html.A(
                [
                    html.Span(road.province.get(ctx.lang), className="brand-province"),
                    html.Span(road.title.get(ctx.lang), className="brand-title"),
                ],
                href=ctx.link("/"),
                className="brand",
            ),
            html.Div([language_switch(ctx), account_area(ctx)], className="header-tools"),
        ],
        className="site-header",
    )


def work_navigation(ctx: PageContext, match: Match | None) -> Component | None:
    """The signed-in account's own pages (None for a visitor or a role without any)."""
    if ctx.account is None:
        return None
    items = []
    for key, path, pages, roles in WORK_NAV:
        if ctx.account.role not in roles:
            continue
        current = match is not None and match.page in pages
        if current and match is not None and match.page == "submission":
            # a submission is reviewed from the inbox, and followed from the portal
            current = (path == "/workspace") == (ctx.account.role in REVIEWERS)
        items.append(
            html.Li(
                html.A(
                    ctx.t(key),
                    href=ctx.link(path),
                    className="nav-link current" if current else "nav-link",
                    **(aria(current="page") if current else {}),
                )
            )
        )
    if not items:
        return None
    return html.Nav(
        html.Ul(items), className="work-nav", id="work-nav", **aria(label=ctx.t("auth.work_nav"))
    )


def navigation(ctx: PageContext, match: Match | None) -> Component:
    items = []
    for key, path, pages in NAV:
        current = match is not None and match.page in pages
        attrs = aria(current="page") if current else {}
        items.append(
            html.Li(
                html.A(
                    ctx.t(key),
                    href=ctx.link(path),
                    className="nav-link current" if current else "nav-link",
                    **attrs,
                )
            )
        )
    return html.Nav(html.Ul(items), className="site-nav", **aria(label=ctx.t("nav.label")))


def footer(ctx: PageContext, release: ReleaseInfo | None) -> Component:
    road = ctx.catalog.roadmap
    if release is None:
        published = ctx.t("footer.no_release")
    else:
        published = ctx.t(
            "footer.release",
            number=release.number,
            date=date_label(release.published_at, ctx.lang),
            through=month_label(release.through_month, ctx.lang),
        )
    return html.Footer(
        [
            html.P(published),
            html.P(
                [
                    html.A(ctx.t("nav.data"), href=ctx.link("/data")),
                    " · ",
                    html.A(ctx.t("footer.api"), href="/api/v1/openapi.json"),
                    " · ",
                    html.A(ctx.t("nav.about"), href=ctx.link("/about")),
                ]
            ),
            html.P(
                ctx.t(
                    "footer.owner",
                    province=road.province.get(ctx.lang),
                    title=road.title.get(ctx.lang),
                )
            ),
        ],
        className="site-footer",
    )


def page(
    ctx: PageContext,
    content: Component,
    *,
    match: Match | None,
    release: ReleaseInfo | None,
    demo: bool,
) -> list[Component]:
    """The children of the page root."""
    return [
        html.A(ctx.t("skip"), href="#main", className="skip-link"),
        *([demo_banner(ctx)] if demo else []),
        header(ctx),
        navigation(ctx, match),
        *([work] if (work := work_navigation(ctx, match)) is not None else []),
        html.Main(content, id="main", tabIndex="-1", className="site-main"),
        footer(ctx, release),
    ]


def unavailable(ctx: PageContext) -> Component:
    """Shown in place of a page when the warehouse cannot be read."""
    return html.Div(
        [
            html.H1(ctx.t("unavailable.title")),
            html.P(ctx.t("unavailable.text")),
        ],
        role="alert",
    )


def refused(ctx: PageContext) -> Component:
    """Shown in place of a protected page to someone who may not see it: a sign-in link for
    a visitor, a plain refusal for a signed-in account of another role."""
    if ctx.account is None:
        return html.Div(
            [
                html.H1(ctx.t("auth.required.title")),
                html.P(ctx.t("auth.required.text")),
                html.A(
                    ctx.t("auth.sign_in"),
                    href=ctx.link("/sign-in")
                    + ("&" if "?" in ctx.link("/") else "?")
                    + "next="
                    + quote(ctx.path, safe="/"),
                    className="button",
                ),
            ],
            role="alert",
        )
    return html.Div(
        [html.H1(ctx.t("auth.forbidden.title")), html.P(ctx.t("auth.forbidden.text"))],
        role="alert",
    )
