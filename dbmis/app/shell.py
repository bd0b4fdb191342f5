"""The frame of every page: skip link, demo banner, header with the language switch,
navigation, main content and footer (ARIA landmarks: banner, navigation, main, contentinfo).

Links are plain ``<a href>`` (a full page load): the document's ``lang``/``dir`` and title are
set by the server for each page, focus and scroll start at the top, and every link works
without the app's JavaScript state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dash import html
from dash.development.base_component import Component

from dbmis.app.attrs import aria
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
    ("nav.about", "/about", ("about",)),
)
"""(message key, path, pages under it) of each navigation item."""


def demo_banner(ctx: PageContext) -> Component:
    return html.Div(
        [html.Strong(ctx.t("demo.title")), " ", ctx.t("demo.text")],
        className="demo-banner",
        role="note",
        id="demo-banner",
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
            language_switch(ctx),
        ],
        className="site-header",
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
