"""``create_app(..., extra_callbacks=...)``: callbacks added from outside the pages (the site
benchmark's trivial "floor" callback) go through the same gate, deny by default."""

from __future__ import annotations

import types
from typing import Any

import dash
from dash import Input, Output

from dbmis.app import create_app
from dbmis.app.auth import PUBLIC
from dbmis.app.context import AppState, app_state
from dbmis.catalog import Catalog
from dbmis.warehouse import Database
from tests.app.conftest import settings_for
from tests.support.auth import post_callback


def _module() -> types.ModuleType:
    module = types.ModuleType("extra_for_tests")

    def register(app: dash.Dash, state: AppState) -> None:
        @app.callback(Output("extra-out", "children"), Input("extra-in", "value"))
        def echo(value: Any) -> Any:
            return value

        @app.callback(Output("undeclared-out", "children"), Input("undeclared-in", "value"))
        def undeclared(value: Any) -> Any:
            return value

    module.register = register  # type: ignore[attr-defined]
    module.CALLBACK_ROLES = {"extra-out.children": PUBLIC}  # type: ignore[attr-defined]
    return module


def test_extra_callbacks_are_registered_and_gated(
    published: Database, mini_catalog: Catalog
) -> None:
    app = create_app(settings_for(published), mini_catalog, extra_callbacks=(_module(),))
    client = app.server.test_client()
    try:
        answer = post_callback(client, "extra-out.children", [("extra-in", "value", "hi")])
        assert answer.status_code == 200
        assert answer.get_json()["response"]["extra-out"]["children"] == "hi"
        # registered but not in the module's CALLBACK_ROLES: refused
        refused = post_callback(client, "undeclared-out.children", [("undeclared-in", "value", 1)])
        assert refused.status_code == 403
    finally:
        app_state(app.server).db.dispose()


def test_without_extra_callbacks_the_app_has_none(
    published: Database, mini_catalog: Catalog
) -> None:
    app = create_app(settings_for(published), mini_catalog)
    try:
        answer = post_callback(
            app.server.test_client(), "extra-out.children", [("extra-in", "value", "hi")]
        )
        assert answer.status_code == 403
        assert "extra-out.children" not in app.callback_map
    finally:
        app_state(app.server).db.dispose()


def test_the_benchmark_floor_callback(
    published: Database, mini_catalog: Catalog, monkeypatch: Any, tmp_path: Any
) -> None:
    from benchmarks import site_app

    for name, value in (
        ("DBMIS_MODE", "demo"),
        ("DBMIS_DATABASE_URL", published.url.render_as_string(hide_password=False)),
        ("DBMIS_CATALOG", str(settings_for(published).catalog)),
        ("DBMIS_CONFIG", str(tmp_path / "none.toml")),
    ):
        monkeypatch.setenv(name, value)
    (tmp_path / "none.toml").write_text("")
    server = site_app.create_wsgi()
    try:
        client = server.test_client()
        body = site_app.floor_body("echo me")
        answer = post_callback(
            client, body["output"], body["inputs"], changed=body["changedPropIds"]
        )
        assert answer.status_code == 200
        assert answer.get_json()["response"]["bench-floor-out"]["children"] == "echo me"
    finally:
        app_state(server).db.dispose()
