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
``/plan``              plan_public      (the action plan, as published)
``/plan/<code>``       plan_activity    ``code``: an activity of the action plan
``/sign-in``           sign_in
``/portal``            portal           (focal points, analysts)
``/portal/progress``   progress         (focal points, analysts: action plan progress)
``/submission/<id>``   submission       ``id``: a submission (scope checked by the page)
``/workspace``         inbox            (analysts)
``/workspace/quality``  quality         (analysts)
``/workspace/stocktake``  stocktake_prep  (analysts)
``/workspace/releases``  publish        (analysts)
``/workspace/plan``    plan_tracker     (analysts, steering committee)
``/steering``          steering         (analysts, steering committee)
``/audit``             audit_log        (analysts, admins)
``/admin/users``       users_admin      (admins)
anything else          not_found        (also an unknown KPI or district code)
=====================  ===============  ==========================================

Protected pages declare ``ROLES`` (a frozenset of roles; public pages have none). The server
answers a protected page's document with a redirect to the sign-in page when nobody is signed
in, and 403 for a signed-in account of another role (see the factory); the routing callback
draws the same refusal in place of the page, so no protected content is ever computed for
a caller who may not see it.

The server answers 404 for the document of an unknown path (see the factory), and the page
says so in the reader's language.

The routing callback calls :func:`render_cached`: a public page drawn only from the catalog and
the latest release (:data:`CACHED_PAGES`) is drawn once per release and URL for readers who are
not signed in, and kept as the JSON the browser receives (:meth:`PublicSite.page`); drawing a
KPI page and encoding its ~1,400 components costs 50-100 times a trivial callback.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import Any

from dash.development.base_component import Component
from plotly.io.json import to_json_plotly
from sqlalchemy.exc import SQLAlchemyError

from dbmis.app import shell
from dbmis.app.auth import PUBLIC, Account, allowed, current_account
from dbmis.app.context import AppState, PageContext, PageQuery
from dbmis.app.i18n import direction
from dbmis.app.pages import (
    about,
    audit_log,
    data,
    district,
    districts,
    home,
    inbox,
    kpi,
    kpis,
    not_found,
    plan_activity,
    plan_public,
    plan_tracker,
    portal,
    progress,
    publish,
    quality,
    sign_in,
    steering,
    stocktake_prep,
    submission,
    users_admin,
)
from dbmis.catalog import Catalog
from dbmis.errors import DbmisError
from dbmis.kpis.public import ReleaseInfo

log = logging.getLogger(__name__)

_CODE = r"(?P<code>[A-Za-z][A-Za-z0-9_]{0,39})"
_ID = r"(?P<id>[1-9][0-9]{0,11})"
ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("home", re.compile(r"/")),
    ("kpis", re.compile(r"/kpi/?")),
    ("kpi", re.compile(rf"/kpi/{_CODE}/?")),
    ("districts", re.compile(r"/district/?")),
    ("district", re.compile(rf"/district/{_CODE}/?")),
    ("data", re.compile(r"/data/?")),
    ("about", re.compile(r"/about/?")),
    ("plan_public", re.compile(r"/plan/?")),
    ("plan_activity", re.compile(rf"/plan/{_CODE}/?")),
    ("sign_in", re.compile(r"/sign-in/?")),
    ("portal", re.compile(r"/portal/?")),
    ("progress", re.compile(r"/portal/progress/?")),
    ("submission", re.compile(rf"/submission/{_ID}/?")),
    ("inbox", re.compile(r"/workspace/?")),
    ("quality", re.compile(r"/workspace/quality/?")),
    ("stocktake_prep", re.compile(r"/workspace/stocktake/?")),
    ("publish", re.compile(r"/workspace/releases/?")),
    ("plan_tracker", re.compile(r"/workspace/plan/?")),
    ("steering", re.compile(r"/steering/?")),
    ("audit_log", re.compile(r"/audit/?")),
    ("users_admin", re.compile(r"/admin/users/?")),
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
        "plan_public": plan_public,
        "plan_activity": plan_activity,
        "sign_in": sign_in,
        "portal": portal,
        "progress": progress,
        "submission": submission,
        "inbox": inbox,
        "quality": quality,
        "stocktake_prep": stocktake_prep,
        "publish": publish,
        "plan_tracker": plan_tracker,
        "steering": steering,
        "audit_log": audit_log,
        "users_admin": users_admin,
        "not_found": not_found,
    }
)

CACHED_PAGES: frozenset[str] = frozenset(
    {
        "home",
        "kpis",
        "kpi",
        "districts",
        "district",
        "data",
        "about",
        "plan_public",
        "plan_activity",
    }
)
"""Public pages that show nothing but the catalog and the latest release (no form, no token,
no account): :func:`render_cached` keeps them per release and URL."""

_KNOWN_CODES: MappingProxyType[str, Callable[[Catalog], Any]] = MappingProxyType(
    {
        "kpi": lambda c: c.kpi_by_code,
        "district": lambda c: c.district_by_code,
        "plan_activity": lambda c: c.activity_by_code,
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


def page_roles(page: str) -> frozenset[str]:
    """The roles that may see ``page`` (PUBLIC for a public page)."""
    roles: frozenset[str] = getattr(PAGES[page], "ROLES", PUBLIC)
    return roles


def context(
    state: AppState,
    pathname: str | None,
    search: str | None,
    account: Account | None = None,
) -> PageContext:
    return PageContext(
        state=state,
        path=pathname or "/",
        query=PageQuery.parse(search, state.catalog),
        account=account,
        search=search or "",
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
    ctx = context(state, pathname, search, current_account())
    match = resolve(ctx.path, state.catalog)
    module = PAGES[match.page]
    try:
        if allowed(page_roles(match.page), ctx.account):
            content = module.layout(ctx, **match.params)
        else:
            content = shell.refused(ctx)
        release = state.site.latest()
        demo = state.site.demo()
    except (DbmisError, SQLAlchemyError) as exc:
        log.warning("page %s: the warehouse could not be read: %s", ctx.path, exc)
        content = shell.unavailable(ctx)
        release, demo = None, state.settings.mode.value == "demo"
    children = shell.page(ctx, content, match=match, release=release, demo=demo)
    return children, ctx.lang, direction(ctx.lang)


def cacheable(ctx: PageContext, match: Match) -> bool:
    """Whether the page of ``match`` may be kept per release for this reader: a page of
    :data:`CACHED_PAGES` (public) and a reader who is not signed in."""
    return ctx.account is None and match.page in CACHED_PAGES and page_roles(match.page) is PUBLIC


def draw_public(
    ctx: PageContext, match: Match, release: ReleaseInfo, demo: bool
) -> list[Component]:
    """A page of :data:`CACHED_PAGES` drawn from ``release`` (what :func:`render` draws for a
    reader who is not signed in, once the release and the demo marker are read)."""
    content = PAGES[match.page].layout(ctx, **match.params)
    return shell.page(ctx, content, match=match, release=release, demo=demo)


def render_cached(
    state: AppState, pathname: str | None, search: str | None
) -> tuple[Any, str, str]:
    """:func:`render` for the routing callback, with the page kept per release and URL.

    For a reader who is not signed in, a page of :data:`CACHED_PAGES` is drawn once per
    release, URL (path and query string) and demo marker, and kept in the app's page cache as
    the JSON-ready tree the browser receives (plain lists and dicts, shared: never modified).
    Anything else, a page that could not be drawn (the warehouse cannot be read) and the time
    before the first release go to :func:`render` every time. (Most such requests never get
    here: :mod:`dbmis.app.page_answers` answers them with the encoded bytes before Dash.)
    """
    ctx = context(state, pathname, search, current_account())
    match = resolve(ctx.path, state.catalog)
    if not cacheable(ctx, match):
        return render(state, pathname, search)
    try:
        release, demo = state.site.latest_and_demo()
        if release is None:
            return render(state, pathname, search)

        def draw() -> Any:
            return json.loads(to_json_plotly(draw_public(ctx, match, release, demo)))

        children = state.site.page(release, ("page", ctx.path, ctx.search, demo), draw)
    except (DbmisError, SQLAlchemyError):
        return render(state, pathname, search)  # says that the warehouse cannot be read
    return children, ctx.lang, direction(ctx.lang)
