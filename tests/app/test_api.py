"""The public JSON API: every endpoint, its errors, and the OpenAPI document, which validates
and describes every answer. Published release data only. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate

from dbmis.app.api.openapi import openapi_document
from dbmis.catalog import Catalog
from tests.app.conftest import UNPUBLISHED_VALUES


def schema_check(document: dict[str, Any], name: str, body: Any) -> None:
    """Validate ``body`` against ``#/components/schemas/<name>`` of the document."""
    schema = {**document, "$ref": f"#/components/schemas/{name}"}
    jsonschema.Draft202012Validator(schema).validate(body)


def test_openapi_document_is_valid(mini_catalog: Catalog) -> None:
    document = openapi_document(mini_catalog)
    validate(document)
    assert document["openapi"].startswith("3.1")
    paths = set(document["paths"])
    assert paths == {
        "/kpis",
        "/kpis/{code}",
        "/values",
        "/releases",
        "/releases/{number}",
        "/districts",
        "/openapi.json",
    }
    for path in document["paths"].values():
        for operation in path.values():
            for response in operation["responses"].values():
                assert "$ref" in response or "schema" in json.dumps(response)


def test_served_document_is_the_same(client: Any, mini_catalog: Catalog) -> None:
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.get_json() == json.loads(json.dumps(openapi_document(mini_catalog)))


def test_kpis(client: Any, mini_catalog: Catalog) -> None:
    document = openapi_document(mini_catalog)
    body = client.get("/api/v1/kpis").get_json()
    schema_check(document, "KpiList", body)
    codes = [k["code"] for k in body["kpis"]]
    assert codes == ["CONVICTION_RATE", "UNDERTRIAL_SHARE"]
    one = client.get("/api/v1/kpis/CONVICTION_RATE").get_json()
    schema_check(document, "Kpi", one)
    assert one["name"] == {"en": "Conviction rate", "ur": "سزا کی شرح"}
    assert one["unit"] == "percent" and one["direction"] == "up"
    assert one["targets"][0]["target"] == {"period": "2027-12", "value": 20.0}
    assert [i["code"] for i in one["numerator"]] == ["PRO_CONVICTIONS"]


def test_values_are_the_release_values(client: Any, mini_catalog: Catalog) -> None:
    document = openapi_document(mini_catalog)
    body = client.get("/api/v1/values").get_json()
    schema_check(document, "ValuePage", body)
    assert body["release"]["number"] == 1 and body["release"]["through_month"] == "2026-03"
    assert body["total"] == 11 and len(body["values"]) == 11 and body["next"] is None
    province = [
        v
        for v in body["values"]
        if v["kpi"] == "CONVICTION_RATE"
        and v["geo_level"] == "province"
        and v["period"] == "2026Q1"
    ]
    assert province == [
        {
            "kpi": "CONVICTION_RATE",
            "geo_level": "province",
            "geo_code": "TESTLAND",
            "period_type": "quarter",
            "period": "2026Q1",
            "period_end": "2026-03",
            "value": 12.5,
            "numerator": 12.5,
            "denominator": 100.0,
            "planned": 14.0,
            "status": "at_risk",
            "received": 3,
            "expected": 3,
            "completeness": 1.0,
            "flagged": False,
        }
    ]
    gamma = [v for v in body["values"] if v["geo_code"] == "GAMMA"]
    assert gamma[0]["value"] is None and gamma[0]["status"] is None
    text = json.dumps(body)
    for value in UNPUBLISHED_VALUES:
        assert str(value) not in text
    assert "DELTA" not in text and "2026Q2" not in text


def test_values_filters_and_pages(client: Any, mini_catalog: Catalog) -> None:
    document = openapi_document(mini_catalog)
    body = client.get("/api/v1/values?kpi=CONVICTION_RATE&geo_level=district").get_json()
    assert body["total"] == 3 and body["filters"] == {
        "kpi": "CONVICTION_RATE",
        "geo_level": "district",
    }
    one = client.get("/api/v1/values?geo_code=NORTH&period=2026Q1&period_type=quarter").get_json()
    assert [v["value"] for v in one["values"]] == [11.0]
    first = client.get("/api/v1/values?limit=4").get_json()
    schema_check(document, "ValuePage", first)
    assert len(first["values"]) == 4 and first["next"] == "/api/v1/values?limit=4&offset=4"
    seen = list(first["values"])
    url = first["next"]
    while url:
        page = client.get(url).get_json()
        seen.extend(page["values"])
        url = page["next"]
    assert seen == client.get("/api/v1/values").get_json()["values"]


@pytest.mark.parametrize(
    "query",
    [
        "kpi=NOPE",
        "geo_level=planet",
        "geo_code=NOWHERE",
        "period_type=week",
        "period=2026Q9",
        "period=FY2025-27",
        "kpi=",
        "geo_level=",
        "limit=%C2%B2",
        "limit=0",
        "limit=100000",
        "limit=abc",
        "offset=-1",
        "kpi=CONVICTION_RATE&kpi=UNDERTRIAL_SHARE",
        "colour=blue",
        "kpi=" + "X" * 200,
    ],
)
def test_bad_parameters_are_400_json(client: Any, mini_catalog: Catalog, query: str) -> None:
    answer = client.get(f"/api/v1/values?{query}")
    assert answer.status_code == 400
    body = answer.get_json()
    schema_check(openapi_document(mini_catalog), "Error", body)
    assert body["error"]["code"] == "BAD_PARAMETER" and body["error"]["message"]


@pytest.mark.parametrize(
    "query", ["geo_level=district&geo_code=NORTH", "period=2026-03&period_type=quarter"]
)
def test_contradictory_filters_match_nothing(client: Any, query: str) -> None:
    answer = client.get(f"/api/v1/values?{query}")
    assert answer.status_code == 200
    assert answer.get_json()["values"] == [] and answer.get_json()["total"] == 0


def test_releases(client: Any, mini_catalog: Catalog) -> None:
    document = openapi_document(mini_catalog)
    listing = client.get("/api/v1/releases").get_json()
    schema_check(document, "ReleaseList", listing)
    assert [r["number"] for r in listing["releases"]] == [1]
    assert listing["releases"][0]["published_at"].startswith("2026-04-15T08:00:00")
    assert "published_by" not in json.dumps(listing)
    one = client.get("/api/v1/releases/1").get_json()
    schema_check(document, "ReleaseDetail", one)
    assert one["changes"]["values"]["added"] == 11 and one["changes"]["previous"] is None
    missing = client.get("/api/v1/releases/9")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "NOT_FOUND"
    assert client.get("/api/v1/releases/999999999").status_code == 404
    for wrong in ("first", "1000000000", "%C2%B2"):
        bad = client.get(f"/api/v1/releases/{wrong}")
        assert bad.status_code == 400, wrong
    bad = client.get("/api/v1/releases/first")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "BAD_PARAMETER"


def test_districts(client: Any, mini_catalog: Catalog) -> None:
    body = client.get("/api/v1/districts").get_json()
    schema_check(openapi_document(mini_catalog), "Districts", body)
    assert body["province"]["code"] == "TESTLAND"
    assert [d["code"] for d in body["districts"]] == ["ALPHA", "BETA", "GAMMA", "DELTA"]
    assert body["districts"][3]["has_outline"] is False


def test_errors_are_json_with_stable_codes(client: Any, mini_catalog: Catalog) -> None:
    document = openapi_document(mini_catalog)
    for url in ("/api/v1/nothing", "/api/v1/", "/api/v1/kpis/NOPE", "/api/v2/kpis"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert answer.is_json, url
        schema_check(document, "Error", answer.get_json())
        assert answer.get_json()["error"]["code"] == "NOT_FOUND"
    for method in (client.post, client.put, client.delete):
        answer = method("/api/v1/kpis")
        assert answer.status_code == 405
        assert answer.get_json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert client.get("/api/v1/kpis?x=1").status_code == 400


def test_before_the_first_release(synced: Any, mini_catalog: Catalog) -> None:
    from dbmis.app import create_app
    from dbmis.app.context import app_state
    from tests.app.conftest import add_unpublished, settings_for

    add_unpublished(synced)
    app = create_app(settings_for(synced), mini_catalog)
    try:
        client = app.server.test_client()
        body = client.get("/api/v1/values").get_json()
        schema_check(openapi_document(mini_catalog), "ValuePage", body)
        assert body["release"] is None and body["total"] == 0 and body["values"] == []
        assert client.get("/api/v1/releases").get_json() == {"releases": []}
    finally:
        app_state(app.server).db.dispose()


def test_an_unreadable_warehouse_is_503(tmp_path: Any, mini_catalog: Catalog) -> None:
    from dbmis.app import create_app
    from dbmis.settings import Mode, Settings

    url = f"sqlite:///{tmp_path}/missing/dir/x.sqlite"
    app = create_app(Settings(mode=Mode.demo, database_url=url), mini_catalog)
    answer = app.server.test_client().get("/api/v1/values")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "UNAVAILABLE"
    assert "Traceback" not in answer.get_data(as_text=True)
