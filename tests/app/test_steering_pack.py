"""The pack's addresses, /steering/pack/<stocktake id>.html|.pdf|.xlsx: Steering Committee
members and analysts get the pack with the right content type; focal points, administrators
and visitors get 403; an unknown stocktake 404. Text written by people cannot become a formula
in the workbook. SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from dbmis.app.auth import ADMIN, ANALYST, FOCAL_POINT, STEERING
from dbmis.catalog import Catalog
from dbmis.kpis import stocktake as st
from dbmis.warehouse import Database
from tests.app.auth_env import DEFAULT_PASSWORD, AuthEnv, build
from tests.app.steering_env import QUARTER, seed
from tests.support.auth import sign_in

HOSTILE = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def env(published: Database, mini_catalog: Catalog) -> Iterator[AuthEnv]:
    take_id = seed(published)
    st.add_problem(published, QUARTER, HOSTILE, kpi="UNDERTRIAL_SHARE", raised_by="ana")
    e = build(published, mini_catalog)
    e.take_id = take_id  # type: ignore[attr-defined]
    yield e
    e.dispose()


def client_as(env: AuthEnv, role: str | None):  # type: ignore[no-untyped-def]
    client = env.client()
    if role is not None:
        sign_in(client, env.username(role), DEFAULT_PASSWORD)
    return client


@pytest.mark.parametrize("role", [None, FOCAL_POINT, ADMIN])
def test_refused(env: AuthEnv, role: str | None) -> None:
    client = client_as(env, role)
    for fmt in ("html", "pdf", "xlsx"):
        response = client.get(f"/steering/pack/{env.take_id}.{fmt}")  # type: ignore[attr-defined]
        assert response.status_code == 403, (role, fmt)
        assert b"prosecutors" not in response.data


def test_html_and_xlsx_for_the_steering_committee(env: AuthEnv) -> None:
    client = client_as(env, STEERING)
    html = client.get(f"/steering/pack/{env.take_id}.html")  # type: ignore[attr-defined]
    assert html.status_code == 200
    assert html.content_type == "text/html; charset=utf-8"
    assert html.headers["Cache-Control"] == "no-store"
    assert "inline" in html.headers["Content-Disposition"]
    body = html.get_data(as_text=True)
    assert "Too few prosecutors in Gamma" in body and "<script" not in body
    assert "=HYPERLINK(&quot;" in body  # escaped, never markup

    xlsx = client.get(f"/steering/pack/{env.take_id}.xlsx")  # type: ignore[attr-defined]
    assert xlsx.status_code == 200
    assert xlsx.content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx.headers["Content-Disposition"] == (
        f'attachment; filename="stocktake-pack-{QUARTER}.xlsx"'
    )
    book = load_workbook(io.BytesIO(xlsx.data))
    texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert not [
        c.coordinate
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in texts)


def test_pdf_for_an_analyst(env: AuthEnv) -> None:
    client = client_as(env, ANALYST)
    pdf = client.get(f"/steering/pack/{env.take_id}.pdf")  # type: ignore[attr-defined]
    assert pdf.status_code == 200 and pdf.content_type == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"] == (
        f'attachment; filename="stocktake-pack-{QUARTER}.pdf"'
    )


def test_unknown_stocktake_or_format(env: AuthEnv) -> None:
    client = client_as(env, STEERING)
    assert client.get("/steering/pack/999999.pdf").status_code == 404
    assert client.get(f"/steering/pack/{env.take_id}.csv").status_code == 404  # type: ignore[attr-defined]
