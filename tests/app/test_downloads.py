"""Downloads of the published values: CSV and XLSX equal the release, filters work, text that
looks like a formula is neutralised, and unpublished figures never appear."""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any

import openpyxl

from dbmis.app import create_app
from dbmis.app.context import app_state
from dbmis.app.downloads import COLUMNS
from dbmis.catalog import Catalog
from dbmis.catalog.models import Text
from dbmis.warehouse import Database
from tests.app.conftest import UNPUBLISHED_VALUES, PublishRelease, settings_for


def read_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_equals_the_release_values(client: Any) -> None:
    answer = client.get("/download/values.csv")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="dbmis-release-1-values.csv"' in answer.headers["Content-Disposition"]
    rows = read_csv(answer.get_data())
    api = client.get("/api/v1/values").get_json()["values"]
    assert len(rows) == len(api) == 11
    assert list(rows[0]) == list(COLUMNS)
    for row, value in zip(rows, api, strict=True):
        assert row["release"] == "1"
        for field in ("kpi", "geo_level", "geo_code", "period_type", "period", "period_end"):
            assert row[field] == value[field]
        for field in ("value", "numerator", "denominator", "planned", "completeness"):
            expected = value[field]
            assert (row[field] == "") if expected is None else float(row[field]) == expected
        assert row["status"] == (value["status"] or "")
        assert row["flagged"] == ("true" if value["flagged"] else "false")
    text = answer.get_data(as_text=True)
    for number in UNPUBLISHED_VALUES:
        assert str(number) not in text
    assert "DELTA" not in text and "2026Q2" not in text


def test_csv_filters_and_names_in_urdu(client: Any) -> None:
    rows = read_csv(client.get("/download/values.csv?geo_level=district&lang=ur").get_data())
    assert [r["geo_code"] for r in rows] == ["ALPHA", "BETA", "GAMMA"]
    assert rows[0]["geo_name"] == "الفا" and rows[0]["kpi_name"] == "سزا کی شرح"
    assert client.get("/download/values.csv?lang=fr").status_code == 400
    bad = client.get("/download/values.csv?kpi=NOPE")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "BAD_PARAMETER"
    assert client.get("/download/values.csv?limit=3").status_code == 400
    missing = client.get("/download/values.pdf")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "NOT_FOUND"


def test_xlsx_equals_the_csv(client: Any) -> None:
    answer = client.get("/download/values.xlsx?kpi=CONVICTION_RATE")
    assert answer.status_code == 200
    assert answer.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = openpyxl.load_workbook(io.BytesIO(answer.get_data()))
    assert wb.sheetnames == ["Values", "About"]
    sheet = list(wb["Values"].iter_rows(values_only=True))
    assert list(sheet[0]) == list(COLUMNS)
    rows = read_csv(client.get("/download/values.csv?kpi=CONVICTION_RATE").get_data())
    assert len(sheet) - 1 == len(rows) == 10
    for cells, row in zip(sheet[1:], rows, strict=True):
        for name, cell in zip(COLUMNS, cells, strict=True):
            if isinstance(cell, bool):
                assert row[name] == str(cell).lower()
            elif isinstance(cell, int | float):
                assert float(row[name]) == cell
            else:
                assert (cell or "") == row[name]
    about = [r[0] for r in wb["About"].iter_rows(values_only=True)]
    assert any("Release 1" in str(line) for line in about)


def test_formula_like_names_are_neutralised(published: Database, mini_catalog: Catalog) -> None:
    kpis = tuple(
        k.model_copy(update={"name": Text(en="=cmd|' /C calc'!A0", ur="+HYPERLINK(1)")})
        if k.code == "CONVICTION_RATE"
        else k
        for k in mini_catalog.kpis
    )
    hostile = dataclasses.replace(mini_catalog, kpis=kpis)
    app = create_app(settings_for(published), hostile)
    try:
        client = app.server.test_client()
        rows = read_csv(client.get("/download/values.csv?kpi=CONVICTION_RATE").get_data())
        assert {r["kpi_name"] for r in rows} == {"'=cmd|' /C calc'!A0"}
        rows = read_csv(client.get("/download/values.csv?kpi=CONVICTION_RATE&lang=ur").get_data())
        assert {r["kpi_name"] for r in rows} == {"'+HYPERLINK(1)"}
        body = client.get("/download/values.xlsx?kpi=CONVICTION_RATE").get_data()
        ws = openpyxl.load_workbook(io.BytesIO(body))["Values"]
        names = {ws.cell(row=r, column=3).value for r in range(2, ws.max_row + 1)}
        types = {ws.cell(row=r, column=3).data_type for r in range(2, ws.max_row + 1)}
        assert names == {"'=cmd|' /C calc'!A0"} and types == {"s"}
    finally:
        app_state(app.server).db.dispose()


def test_demo_release_is_named_so(
    synced: Database, mini_catalog: Catalog, publish_release: PublishRelease
) -> None:
    publish_release(synced, is_demo=True)
    app = create_app(settings_for(synced), mini_catalog)
    try:
        client = app.server.test_client()
        answer = client.get("/download/values.xlsx")
        assert "values-DEMO.xlsx" in answer.headers["Content-Disposition"]
        about = openpyxl.load_workbook(io.BytesIO(answer.get_data()))["About"]
        assert any("DEMONSTRATION" in str(r[0]) for r in about.iter_rows(values_only=True))
        # the second answer comes from the app's cache and is identical
        assert client.get("/download/values.xlsx").get_data() == answer.get_data()
    finally:
        app_state(app.server).db.dispose()
