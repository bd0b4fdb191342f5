"""``create_app(settings)``: the one way to build the web app."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import Input, Output, dcc, html

from dbmis.app.pages import home
from dbmis.catalog import Catalog, load_catalog
from dbmis.errors import ConfigError
from dbmis.settings import Mode, Settings

ASSETS = Path(__file__).parent / "assets"


def create_app(settings: Settings, catalog: Catalog | None = None) -> dash.Dash:
    """Build the Dash app for these settings.

    Outside development the app never runs in debug mode, and production needs a SECRET_KEY.
    """
    if settings.mode is Mode.production and not settings.secret_key:
        raise ConfigError("DBMIS_SECRET_KEY is required in production mode")
    cat = catalog or load_catalog(settings.catalog)
    app = dash.Dash(
        __name__,
        title=f"{cat.roadmap.title.en} · {cat.roadmap.province.en}",
        assets_folder=str(ASSETS),
        serve_locally=True,
        suppress_callback_exceptions=True,
        update_title="",
    )
    server = app.server
    server.config["SECRET_KEY"] = settings.secret_key or "demo-only-not-secret"
    server.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes * 4 // 3 + 64 * 1024
    server.config["DBMIS_SETTINGS"] = settings
    server.config["DBMIS_CATALOG"] = cat
    app.layout = html.Div(
        [dcc.Location(id="url"), html.Main(id="page", role="main")],
        lang="en",
    )

    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def route(pathname: str | None) -> object:
        return home.layout(cat, settings)

    @server.get("/healthz")
    def healthz() -> tuple[dict[str, str], int]:
        return {"status": "ok"}, 200

    return app
