"""Per-app state and the context a page is drawn with.

The app's state (settings, catalog, database, public data and its cache) is built by
:func:`dbmis.app.factory.create_app` and kept in ``server.extensions["dbmis"]``: nothing lives
in a module global, so two apps in one process share nothing.

A page's state lives in its URL: :class:`PageQuery` parses the query string
(``?lang=ur&geo=division:NORTH&period=quarter&at=2026Q1&kpi=...&level=...&page=2``),
drops what is not valid, and writes it back in a fixed order, so links can be shared.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from flask import Flask, current_app

from dbmis.app.auth.roles import Account
from dbmis.app.i18n import DEFAULT_LANG, LANGS, direction, normalise_lang, t
from dbmis.catalog import Catalog
from dbmis.kpis.public import GEO_LEVELS, PERIOD_TYPES, PublicSite
from dbmis.periods import parse_period
from dbmis.settings import Settings
from dbmis.warehouse import Database

EXTENSION = "dbmis"
"""The key of the app's state in ``server.extensions``."""


@dataclass(frozen=True)
class AppState:
    settings: Settings
    catalog: Catalog
    db: Database
    site: PublicSite


def app_state(server: Flask | None = None) -> AppState:
    """The state of ``server`` (default: the app handling the current request)."""
    app = server or current_app
    return app.extensions[EXTENSION]  # type: ignore[no-any-return]


MAX_PAGE = 100_000


@dataclass(frozen=True)
class PageQuery:
    """The state of a page, as written in its query string. Every field is optional."""

    lang: str = DEFAULT_LANG
    geo: str | None = None
    """``province``, ``division:CODE`` or ``district:CODE``"""
    period: str | None = None
    """a period type: month, quarter, year or fiscal_year"""
    at: str | None = None
    """a period label: 2026-03, 2026Q1, 2026, FY2025-26"""
    kpi: str | None = None
    level: str | None = None
    """a geographic level (filter of the data page)"""
    page: int = 1

    @classmethod
    def parse(cls, search: str | None, catalog: Catalog) -> PageQuery:
        """The state in ``search`` (``?a=b&...``); invalid values are ignored."""
        raw = parse_qs((search or "").lstrip("?"), keep_blank_values=False)

        def one(name: str) -> str | None:
            values = raw.get(name)
            return values[0].strip() if values and values[0].strip() else None

        geo = one("geo")
        if geo is not None and not _valid_geo(geo, catalog):
            geo = None
        period = one("period")
        if period not in PERIOD_TYPES:
            period = None
        at = one("at")
        if at is not None:
            try:
                parse_period(at, catalog.roadmap.fiscal_year_start_month)
            except ValueError:
                at = None
        kpi = one("kpi")
        if kpi not in catalog.kpi_by_code:
            kpi = None
        level = one("level")
        if level not in GEO_LEVELS:
            level = None
        page = 1
        text = one("page")
        if text is not None and text.isdigit():
            page = min(max(int(text), 1), MAX_PAGE)
        return cls(
            lang=normalise_lang(one("lang")),
            geo=geo,
            period=period,
            at=at,
            kpi=kpi,
            level=level,
            page=page,
        )

    def to_search(self) -> str:
        """``?...`` with the non-default fields in a fixed order ('' when all are default)."""
        pairs: list[tuple[str, str]] = []
        for f in fields(self):
            value: Any = getattr(self, f.name)
            if value is None or value == f.default:
                continue
            pairs.append((f.name, str(value)))
        return "?" + urlencode(pairs) if pairs else ""

    def replace(self, **changes: Any) -> PageQuery:
        return replace(self, **changes)

    @property
    def geo_level(self) -> str:
        return "province" if self.geo in (None, "province") else str(self.geo).split(":", 1)[0]

    @property
    def geo_code(self) -> str | None:
        if self.geo is None or ":" not in self.geo:
            return None
        return self.geo.split(":", 1)[1]


def _valid_geo(geo: str, catalog: Catalog) -> bool:
    if geo == "province":
        return True
    level, _, code = geo.partition(":")
    if level == "division":
        return code in catalog.division_by_code
    if level == "district":
        return code in catalog.district_by_code
    return False


@dataclass(frozen=True)
class PageContext:
    """What a page's ``layout(ctx, **params)`` is drawn with."""

    state: AppState
    path: str
    query: PageQuery
    account: Account | None = None
    """who is signed in (None: a member of the public)"""
    search: str = ""
    """the raw query string (``?a=b``), for a page with filters of its own (see :meth:`param`)"""

    @property
    def lang(self) -> str:
        return self.query.lang

    @property
    def dir(self) -> str:
        return direction(self.lang)

    @property
    def catalog(self) -> Catalog:
        return self.state.catalog

    @property
    def site(self) -> PublicSite:
        return self.state.site

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def param(self, name: str) -> str | None:
        """The first non-blank value of ``name`` in the raw query string, stripped (or None).
        Unvalidated: the page checks it."""
        values = parse_qs(self.search.lstrip("?")).get(name)
        return values[0].strip() if values and values[0].strip() else None

    def href(self, path: str | None = None, **changes: Any) -> str:
        """A link to ``path`` (default: this page) with this page's state and ``changes``;
        changing any filter goes back to the first page of a table."""
        if changes and "page" not in changes:
            changes["page"] = 1
        query = self.query.replace(**changes) if changes else self.query
        return (path or self.path) + query.to_search()

    def link(self, path: str, **state: Any) -> str:
        """A link to another page: the language, plus the given state only."""
        return path + PageQuery(lang=self.lang, **state).to_search()

    def other_langs(self) -> list[str]:
        return [lang for lang in LANGS if lang != self.lang]

    def place_name(self, level: str, code: str | None) -> str:
        """The name of a place in this page's language (the code if unknown)."""
        cat = self.catalog
        if level == "province" or code is None:
            return cat.roadmap.province.get(self.lang)
        if level == "division" and code in cat.division_by_code:
            return cat.division_by_code[code].name.get(self.lang)
        if level == "district" and code in cat.district_by_code:
            return cat.district_by_code[code].name.get(self.lang)
        return code

    def period(self, label: str | None) -> str:
        from dbmis.app.i18n import MISSING, period_label

        if not label:
            return MISSING
        return period_label(label, self.lang, self.catalog.roadmap.fiscal_year_start_month)
