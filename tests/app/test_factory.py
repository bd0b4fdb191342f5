from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from dbmis.app import create_app
from dbmis.app.context import app_state
from dbmis.errors import ConfigError
from dbmis.settings import Mode, Settings
from tests.support.auth import csrf_headers

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"
URL = re.compile(r"https?://", re.IGNORECASE)


def settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(catalog=MINI, instance_dir=tmp_path, **kw)  # type: ignore[arg-type]


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(settings(tmp_path, mode=Mode.production))


def test_building_the_app_touches_no_database(tmp_path: Path) -> None:
    create_app(settings(tmp_path, mode=Mode.demo))
    assert list(tmp_path.iterdir()) == []


def test_demo_app_serves_layout_and_assets_locally(tmp_path: Path) -> None:
    app = create_app(settings(tmp_path, mode=Mode.demo))
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "_dash-component-suites" in html  # scripts served by the app itself
    assert '<html lang="en" dir="ltr">' in html
    assert "<title>Testland Rule of Law Roadmap · Testland</title>" in html
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"


def test_no_external_url_in_the_page_or_its_layout(app: Any, client: Any) -> None:
    from dbmis.app import routing
    from tests.app.test_routing import dump

    for url in ("/", "/?lang=ur", "/_dash-layout", "/_dash-dependencies"):
        answer = client.get(url)
        assert answer.status_code == 200
        assert not URL.search(answer.get_data(as_text=True)), url
    state = app_state(app.server)
    for path in ("/", "/kpi/CONVICTION_RATE", "/district/ALPHA", "/data", "/about", "/kpi"):
        for lang in ("en", "ur"):
            assert not URL.search(dump(routing.render(state, path, f"?lang={lang}")[0])), path
    for asset in re.findall(r'(?:src|href)="([^"]+)"', client.get("/").get_data(as_text=True)):
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset


def test_urdu_document_and_unknown_paths(app: Any, client: Any) -> None:
    html = client.get("/kpi/CONVICTION_RATE?lang=ur").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html
    assert "<title>سزا کی شرح · " in html
    assert client.get("/nope").status_code == 404
    assert client.get("/kpi/NOPE").status_code == 404
    for path in ("/kpi", "/district/ALPHA", "/data", "/about"):
        assert client.get(path).status_code == 200, path


def test_the_routing_callback_answers_over_http(client: Any) -> None:
    body = {
        "output": "..page-root.children...page-root.lang...page-root.dir..",
        "outputs": [
            {"id": "page-root", "property": "children"},
            {"id": "page-root", "property": "lang"},
            {"id": "page-root", "property": "dir"},
        ],
        "inputs": [
            {"id": "url", "property": "pathname", "value": "/"},
            {"id": "url", "property": "search", "value": "?lang=ur"},
        ],
        "changedPropIds": ["url.pathname"],
    }
    answer = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
    assert answer.status_code == 200
    response = answer.get_json()["response"]["page-root"]
    assert response["lang"] == "ur" and response["dir"] == "rtl"
    assert "سزا کی شرح" in str(response["children"])


def test_two_apps_do_not_share_state(tmp_path: Path) -> None:
    a = create_app(settings(tmp_path, mode=Mode.demo))
    b = create_app(settings(tmp_path / "b", mode=Mode.development, secret_key="x" * 32))
    assert a.server is not b.server
    assert a.server.config["DBMIS_SETTINGS"].mode is Mode.demo
    assert b.server.config["DBMIS_SETTINGS"].mode is Mode.development
    sa, sb = app_state(a.server), app_state(b.server)
    assert sa is not sb and sa.site.cache is not sb.site.cache and sa.db is not sb.db
    assert a.server.blueprints["api_v1"] is not b.server.blueprints["api_v1"]


def test_wsgi_factory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from dbmis.app.wsgi import create_wsgi

    monkeypatch.setenv("DBMIS_MODE", "demo")
    monkeypatch.setenv("DBMIS_CATALOG", str(MINI))
    monkeypatch.setenv("DBMIS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("DBMIS_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    server = create_wsgi()
    assert server.test_client().get("/healthz").status_code == 200
