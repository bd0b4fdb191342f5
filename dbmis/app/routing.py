"""The site's own routing: a path -> a page module's ``layout(ctx, **params)``.

Not Dash's global page registry: one ``dcc.Location`` and one callback per app call
:func:`render`, a plain function (tests call it directly). Routes:

=====================  ===============  ==========================================
path                   page             params
=====================  ===============  ==========================================
``/``                  home
``/kpi``               kpis             (every KPI, by priority)
``/kpi/<code>``        kpi              ``code``: a KPI of the catalog
``/district``          districts        (every district, by division)
``/district/<code>``   district         ``code``: a district of the catalog
``/data``              data
``/about``             about
anything else          not_found        (also an unknown KPI or district code)
=====================  ===============  ==========================================

The server answers 404 for the document of an unknown path (see the factory), and the page
says so in the reader's language.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import Any

from dash.development.base_component import Component
from sqlalchemy.exc import SQLAlchemyError

from dbmis.app import shell
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.i18n import direction
from dbmis.app.pages import about, data, district, districts, home, kpi, kpis, not_found
from dbmis.catalog import Catalog
from dbmis.errors import DbmisError

log = logging.getLogger(__name__)

_CODE = r"(?P<code>[A-Za-z][A-Za-z0-9_]{0,39})"
ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("home", re.compile(r"/")),
    ("kpis", re.compile(r"/kpi/?")),
    ("kpi", re.compile(rf"/kpi/{_CODE}/?")),
    ("districts", re.compile(r"/district/?")),
    ("district", re.compile(rf"/district/{_CODE}/?")),
    ("data", re.compile(r"/data/?")),
    ("about", re.compile(r"/about/?")),
)

PAGES: MappingProxyType[str, ModuleType] = MappingProxyType(
    {
        "home": home,
        "kpis": kpis,
        "kpi": kpi,
        "districts": districts,
        "district": district,
        "data": data,
        "about": about,
        "not_found": not_found,
    }
)

_KNOWN_CODES: MappingProxyType[str, Callable[[Catalog], Any]] = MappingProxyType(
    {
        "kpi": lambda c: c.kpi_by_code,
        "district": lambda c: c.district_by_code,
    }
)


@dataclass(frozen=True)
class Match:
    page: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.page != "not_found"


def resolve(path: str | None, catalog: Catalog) -> Match:
    """The page for ``path``; ``not_found`` for an unknown path, KPI or district."""
    path = path or "/"
    for page, pattern in ROUTES:
        m = pattern.fullmatch(path)
        if m is None:
            continue
        params = {k: v for k, v in m.groupdict().items() if v is not None}
        code = params.get("code")
        if code is not None:
            known = _KNOWN_CODES[page](catalog)
            if code.upper() not in known:
                return Match("not_found")
            params["code"] = code.upper()
        return Match(page, params)
    return Match("not_found")


def context(state: AppState, pathname: str | None, search: str | None) -> PageContext:
    return PageContext(
        state=state, path=pathname or "/", query=PageQuery.parse(search, state.catalog)
    )


def page_title(state: AppState, pathname: str | None, search: str | None) -> str:
    """The document title of a page (from the catalog only: no database access)."""
    ctx = context(state, pathname, search)
    match = resolve(ctx.path, state.catalog)
    site = f"{state.catalog.roadmap.title.get(ctx.lang)} · {state.catalog.roadmap.province.get(ctx.lang)}"
    title: str = PAGES[match.page].title(ctx, **match.params)
    return f"{title} · {site}" if title else site


def render(
    state: AppState, pathname: str | None, search: str | None
) -> tuple[list[Component], str, str]:
    """The whole page for a URL: (children of the page root, its ``lang``, its ``dir``).

    The routing callback's body, callable as a plain function. When the warehouse cannot be
    read, the page says so (the header, navigation and footer still show).
    """
    ctx = context(state, pathname, search)
    match = resolve(ctx.path, state.catalog)
    module = PAGES[match.page]
    try:
        content = module.layout(ctx, **match.params)
        release = state.site.latest()
        demo = state.site.demo()
    except (DbmisError, SQLAlchemyError) as exc:
        log.warning("page %s: the warehouse could not be read: %s", ctx.path, exc)
        content = shell.unavailable(ctx)
        release, demo = None, state.settings.mode.value == "demo"
    children = shell.page(ctx, content, match=match, release=release, demo=demo)
    return children, ctx.lang, direction(ctx.lang)
