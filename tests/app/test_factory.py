from __future__ import annotations

from pathlib import Path

import pytest

from dbmis.app import create_app
from dbmis.catalog import load_catalog
from dbmis.errors import ConfigError
from dbmis.settings import Mode, Settings

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"


def settings(**kw: object) -> Settings:
    return Settings(catalog=MINI, **kw)  # type: ignore[arg-type]


def test_production_requires_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(settings(mode=Mode.production))


def test_demo_app_serves_layout_and_assets_locally() -> None:
    app = create_app(settings(mode=Mode.demo))
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "_dash-component-suites" in html  # scripts served by the app itself
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_home_layout_names_the_roadmap_and_demo() -> None:
    from dbmis.app.pages import home

    catalog = load_catalog(MINI)
    text = str(home.layout(catalog, settings(mode=Mode.demo)))
    assert catalog.roadmap.title.en in text
    assert "synthetic" in text
    assert all(k.name.en in text for k in catalog.kpis)


def test_two_apps_do_not_share_state() -> None:
    a = create_app(settings(mode=Mode.demo))
    b = create_app(settings(mode=Mode.development, secret_key="x" * 32))
    assert a.server is not b.server
    assert a.server.config["DBMIS_SETTINGS"].mode is Mode.demo
    assert b.server.config["DBMIS_SETTINGS"].mode is Mode.development
