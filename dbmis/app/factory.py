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
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, dcc, html
from flask import Response, request
from werkzeug.exceptions import HTTPException

from dbmis.app import routing
from dbmis.app.api import error_response, http_error
from dbmis.app.api import make_blueprint as make_api_blueprint
from dbmis.app.context import EXTENSION, AppState
from dbmis.app.downloads import make_blueprint as make_download_blueprint
from dbmis.app.i18n import direction, normalise_lang, t
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
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class PublicDash(dash.Dash):
    """Dash with a server-made document per page: ``<html lang dir>`` from ``?lang=``, the
    page's own title, and status 404 for an unknown address."""

    def index(self, *args: Any, **kwargs: Any) -> Any:
        if request.path.startswith(("/api/", "/download/")):  # e.g. /api/v2/...: JSON, not a page
            return error_response(404, "there is nothing at this address; see /api/v1/openapi.json")
        page = super().index(*args, **kwargs)
        state: AppState = self.server.extensions[EXTENSION]
        lang = normalise_lang(request.args.get("lang"))
        search = request.query_string.decode("latin-1")
        title = routing.page_title(state, request.path, search)
        page = (
            page.replace("__DBMIS_LANG__", lang)
            .replace("__DBMIS_DIR__", direction(lang))
            .replace("__DBMIS_NOSCRIPT__", html_text.escape(t("noscript", lang)))
            .replace("__DBMIS_TITLE__", html_text.escape(title), 1)
        )
        found = routing.resolve(request.path, state.catalog).found
        return page if found else (page, 404)


def create_app(settings: Settings, catalog: Catalog | None = None) -> dash.Dash:
    """Build the Dash app for these settings.

    Outside development the app never runs in debug mode, and production needs a SECRET_KEY.
    """
    if settings.mode is Mode.production and not settings.secret_key:
        raise ConfigError("DBMIS_SECRET_KEY is required in production mode")
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
    server.config["SECRET_KEY"] = settings.secret_key or "demo-only-not-secret"
    server.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes * 4 // 3 + 64 * 1024
    server.config["DBMIS_SETTINGS"] = settings
    server.config["DBMIS_CATALOG"] = cat
    db = Database(settings)
    state = AppState(
        settings=settings, catalog=cat, db=db, site=PublicSite(db, cat, ReleaseCache())
    )
    server.extensions[EXTENSION] = state

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
        return routing.render(state, pathname, search)

    server.register_blueprint(make_api_blueprint())
    server.register_blueprint(make_download_blueprint())

    @server.get("/healthz")
    def healthz() -> tuple[dict[str, str], int]:
        return {"status": "ok"}, 200

    @server.errorhandler(HTTPException)
    def http_errors(exc: HTTPException) -> Any:
        if request.path.startswith(("/api/", "/download/")):
            return http_error(exc)
        return exc

    @server.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
