"""The public API's answers are kept encoded (``dbmis.app.api.cached``): per release and
normalised query, the same bytes ``jsonify`` made, gzip when accepted, never an error, emptied
by a new release (answers drawn from the catalog alone stay). SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
from typing import Any

from flask import jsonify

from dbmis.app.answers import answer_cache
from dbmis.app.api import values_json
from dbmis.catalog import Catalog
from dbmis.warehouse import Database
from tests.app.conftest import PublishRelease, release_rows, settings_for

GZIP = {"Accept-Encoding": "gzip"}
VALUES = "/api/v1/values?kpi=CONVICTION_RATE&geo_level=district"


def test_a_repeated_request_gets_the_kept_bytes(client: Any) -> None:
    first, again = client.get(VALUES), client.get(VALUES)
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data() and "Accept-Encoding" in first.headers["Vary"]
    with client.application.test_request_context(VALUES):
        made = jsonify(values_json({"kpi": "CONVICTION_RATE", "geo_level": "district"}, 1000, 0))
    assert first.get_data() == made.get_data()
    assert first.headers["Content-Type"] == made.headers["Content-Type"]
    cache = answer_cache(client.application)
    assert (cache.hits, cache.misses, len(cache)) == (1, 1, 1)


def test_one_entry_per_normalised_query(client: Any) -> None:
    bodies = {
        client.get(url).get_data()
        for url in (
            "/api/v1/values?kpi=CONVICTION_RATE&limit=2",
            "/api/v1/values?limit=2&kpi=CONVICTION_RATE",
            "/api/v1/values?kpi=%20CONVICTION_RATE%20&limit=2&offset=0",
        )
    }
    assert len(bodies) == 1 and len(answer_cache(client.application)) == 1
    assert client.get("/api/v1/values?kpi=CONVICTION_RATE&limit=3").get_data() not in bodies
    assert len(answer_cache(client.application)) == 2


def test_gzip_when_accepted(client: Any) -> None:
    plain = client.get(VALUES).get_data()
    for _ in range(2):
        packed = client.get(VALUES, headers=GZIP)
        assert packed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.get_data()) == plain
    refused = client.get(VALUES, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers and refused.get_data() == plain


def test_errors_are_never_kept(client: Any) -> None:
    for url in (
        "/api/v1/values?kpi=NOPE",
        "/api/v1/values?limit=0",
        "/api/v1/kpis/NOPE",
        "/api/v1/releases/7",
        "/api/v1/releases/x",
    ):
        assert client.get(url).status_code in (400, 404), url
    assert len(answer_cache(client.application)) == 0


def test_a_new_release_replaces_the_kept_answers(
    client: Any, published: Database, publish_release: PublishRelease
) -> None:
    urls = ("/api/v1/values?kpi=CONVICTION_RATE", "/api/v1/releases", "/api/v1/releases/1")
    for url in (*urls, "/api/v1/kpis", "/api/v1/districts", "/api/v1/openapi.json"):
        assert client.get(url).status_code == 200
    assert len(answer_cache(client.application)) == 6
    with published.read() as conn:
        rows = release_rows(conn)
    rows[1] = {**rows[1], "value": 13.5}
    publish_release(published, number=2, rows=rows, note="Second release")
    body = client.get(urls[0]).get_json()
    assert body["release"]["number"] == 2
    assert [
        v["value"]
        for v in body["values"]
        if (v["geo_level"], v["period"]) == ("province", "2026Q1")
    ] == [13.5]
    numbers = [r["number"] for r in client.get(urls[1]).get_json()["releases"]]
    assert numbers == [2, 1]
    # the catalog's three answers stay; the release's are drawn again
    assert len(answer_cache(client.application)) == 3 + 2
    assert client.get("/api/v1/releases/2").get_json()["number"] == 2


def test_before_the_first_release_nothing_is_kept(synced: Database, mini_catalog: Catalog) -> None:
    from dbmis.app import create_app
    from dbmis.app.context import app_state

    app = create_app(settings_for(synced), mini_catalog)
    try:
        client = app.server.test_client()
        assert client.get("/api/v1/values").get_json()["release"] is None
        assert client.get("/api/v1/releases").get_json() == {"releases": []}
        assert len(answer_cache(app.server)) == 0
    finally:
        app_state(app.server).db.dispose()
