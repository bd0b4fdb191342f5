"""``create_app(settings, catalog=None)``: the one way to build the web app.

Nothing happens at import time and nothing lives in a module global: everything an app needs
(settings, catalog, database handle, public-data cache) is made here and kept in
``server.extensions["dbmis"]`` (:class:`~dbmis.app.context.AppState`), so two apps in one
process share nothing. Building the app opens no connection.

The app: the public pages (own routing: one ``dcc.Location`` and one callback, see
:mod:`dbmis.app.routing`), the public JSON API under ``/api/v1`` and the downloads under
``/download`` (Flask blueprints), and ``/healthz``. All scripts and styles are served by the
app itself (``serve_locally``); no page refers to another site.
"""

from __future__ import annotations

import html as html_text
import secrets
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

import dash
from dash import Input, Output, dcc, html
from flask import redirect, request
from werkzeug.exceptions import HTTPException

from dbmis.app import routing
from dbmis.app.answers import install_answer_cache
from dbmis.app.api import error_response, http_error
from dbmis.app.api import make_blueprint as make_api_blueprint
from dbmis.app.auth import PUBLIC, allowed, callback_table, current_account
from dbmis.app.auth.install import install_auth, install_callback_gate, install_hardening
from dbmis.app.auth.security import error_page
from dbmis.app.compression import install_compression
from dbmis.app.context import EXTENSION, AppState
from dbmis.app.downloads import make_blueprint as make_download_blueprint
from dbmis.app.i18n import direction, normalise_lang, t
from dbmis.app.pack_downloads import make_blueprint as make_pack_blueprint
from dbmis.app.page_answers import install_page_answers
from dbmis.app.portal_downloads import make_blueprint as make_portal_blueprint
from dbmis.catalog import Catalog, load_catalog
from dbmis.errors import ConfigError
from dbmis.kpis.public import PublicSite, ReleaseCache
from dbmis.settings import Mode, Settings
from dbmis.warehouse import Database

ASSETS = Path(__file__).parent / "assets"

INDEX_STRING = """<!DOCTYPE html>
<html lang="__DBMIS_LANG__" dir="__DBMIS_DIR__">
    <head>
        {%metas%}
        <title>__DBMIS_TITLE__</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        <noscript><p class="noscript">__DBMIS_NOSCRIPT__</p></noscript>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""

MIN_SECRET_KEY_LENGTH = 32


class PublicDash(dash.Dash):
    """Dash with a server-made document per page: ``<html lang dir>`` from ``?lang=``, the
    page's own title, and status 404 for an unknown address."""

    def index(self, *args: Any, **kwargs: Any) -> Any:
        if request.path.startswith(("/api/", "/download/")):  # e.g. /api/v2/...: JSON, not a page
            return error_response(404, "there is nothing at this address; see /api/v1/openapi.json")
        state: AppState = self.server.extensions[EXTENSION]
        match = routing.resolve(request.path, state.catalog)
        roles = routing.page_roles(match.page)
        if roles is not PUBLIC and current_account() is None:  # nothing of the page is made
            return redirect("/sign-in?next=" + quote(request.full_path.rstrip("?"), safe="/"))
        page = super().index(*args, **kwargs)
        lang = normalise_lang(request.args.get("lang"))
        search = request.query_string.decode("latin-1")
        title = routing.page_title(state, request.path, search)
        page = (
            page.replace("__DBMIS_LANG__", lang)
            .replace("__DBMIS_DIR__", direction(lang))
            .replace("__DBMIS_NOSCRIPT__", html_text.escape(t("noscript", lang)))
            .replace("__DBMIS_TITLE__", html_text.escape(title), 1)
        )
        if not allowed(roles, current_account()):
            return page, 403
        return page if match.found else (page, 404)


def create_app(
    settings: Settings,
    catalog: Catalog | None = None,
    *,
    extra_callbacks: Sequence[ModuleType] = (),
) -> dash.Dash:
    """Build the Dash app for these settings.

    ``extra_callbacks``: modules shaped like a page module's callback part (a
    ``register(app, state)`` function and a ``CALLBACK_ROLES`` mapping), registered after the
    pages' and put in the same callback gate (deny by default). Production passes none; the
    site benchmark adds its trivial "floor" callback this way (``benchmarks/site_app.py``).

    Outside development the app never runs in debug mode, and outside demo mode it needs a
    SECRET_KEY (demo mode makes a random one per app: sessions end when it restarts).
    """
    check_settings(settings)
    cat = catalog or load_catalog(settings.catalog)
    app = PublicDash(
        __name__,
        title=f"{cat.roadmap.title.en} · {cat.roadmap.province.en}",
        assets_folder=str(ASSETS),
        serve_locally=True,
        suppress_callback_exceptions=True,
        update_title="",
        index_string=INDEX_STRING,
        compress=False,
    )
    server = app.server
    server.config["SECRET_KEY"] = settings.secret_key or secrets.token_urlsafe(48)
    server.debug = settings.debug
    server.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes * 4 // 3 + 64 * 1024
    server.config["DBMIS_SETTINGS"] = settings
    server.config["DBMIS_CATALOG"] = cat
    db = Database(settings)
    state = AppState(
        settings=settings, catalog=cat, db=db, site=PublicSite(db, cat, ReleaseCache())
    )
    server.extensions[EXTENSION] = state
    install_auth(server, settings, db)

    app.layout = html.Div(
        [
            dcc.Location(id="url", refresh=False),
            html.Div(id="page-root", lang="en", dir="ltr", className="page-root"),
        ]
    )

    @app.callback(
        Output("page-root", "children"),
        Output("page-root", "lang"),
        Output("page-root", "dir"),
        Input("url", "pathname"),
        Input("url", "search"),
    )
    def route(pathname: str | None, search: str | None) -> tuple[Any, str, str]:
        return routing.render_cached(state, pathname, search)

    with_callbacks = (*routing.PAGES.values(), *extra_callbacks)
    for module in with_callbacks:
        register = getattr(module, "register", None)
        if register is not None:
            register(app, state)
    update_path = app.config.routes_pathname_prefix + "_dash-update-component"
    install_callback_gate(server, update_path, callback_table(with_callbacks))
    install_answer_cache(server)
    install_page_answers(server, update_path)  # after CSRF and the gate: they refuse first

    server.register_blueprint(make_api_blueprint())
    server.register_blueprint(make_download_blueprint())
    server.register_blueprint(make_portal_blueprint())
    server.register_blueprint(make_pack_blueprint())

    @server.get("/healthz")
    def healthz() -> tuple[dict[str, str], int]:
        return {"status": "ok"}, 200

    @server.errorhandler(HTTPException)
    def http_errors(exc: HTTPException) -> Any:
        if request.path.startswith(("/api/", "/download/")):
            return http_error(exc)
        return error_page(exc)

    install_compression(server, update_path)  # runs after the hardening, on the final answer
    install_hardening(app, settings)  # last: the CSP hashes every inline script registered
    return app


def check_settings(settings: Settings) -> None:
    """Refuse settings that would make the app unsafe (ConfigError saying what to do)."""
    if settings.debug and settings.mode is not Mode.development:
        raise ConfigError(
            f"debug mode is only allowed in development mode, not {settings.mode.value}: "
            "unset DBMIS_DEBUG (debug mode lets anyone who can reach the app run code)"
        )
    if settings.mode is Mode.demo:
        return
    key = settings.secret_key or ""
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"DBMIS_SECRET_KEY is required in {settings.mode.value} mode and must have at least "
            f"{MIN_SECRET_KEY_LENGTH} characters (it signs the session cookies; every worker "
            "must share it). Make one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
