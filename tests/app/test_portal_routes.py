"""The portal over HTTP (Flask test client, SQLite and PostgreSQL): the page, the template and
annotated-copy downloads, and the upload and submissions callbacks POSTed as Dash's renderer
does, by each role. A focal point never gets another district's or institution's template,
submissions or annotated copies, and a file for another district writes nothing."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from dbmis.app.auth import ADMIN, ANALYST, FOCAL_POINT, STEERING, output_key
from dbmis.app.pages import portal as page
from dbmis.app.portal_downloads import reporting_year
from dbmis.catalog import Catalog
from dbmis.ingest.templates import template_bytes
from dbmis.warehouse import Database
from tests.app.auth_env import AuthEnv, build, row_counts
from tests.ingest.filling import fill_template
from tests.support.auth import DEFAULT_PASSWORD, make_user, post_callback, sign_in

UPLOAD_KEY = output_key(*page.UPLOAD)
SUBMISSIONS_KEY = output_key(*page.SUBMISSIONS)
GOOD = {("PRO_CASES_DECIDED", 1): 10, ("PRO_CONVICTIONS", 1): 4}
BAD = {("PRO_CASES_DECIDED", 1): 10, ("PRO_CONVICTIONS", 1): 40}


@pytest.fixture
def portal(synced: Database, mini_catalog: Catalog, tmp_path: Path) -> Iterator[AuthEnv]:
    env = build(synced, mini_catalog, evidence_dir=tmp_path / "evidence")
    yield env
    env.dispose()


def client_as(env: AuthEnv, role: str | None) -> Any:
    client = env.client()
    if role is not None:
        sign_in(client, env.username(role), DEFAULT_PASSWORD)
    return client


def workbook(
    catalog: Catalog, values: dict[tuple[str, int], Any], district: str = "ALPHA"
) -> bytes:
    return fill_template(
        template_bytes(catalog, "PROSECUTION", year=2026, district=district), values
    )


def post_upload(client: Any, data: bytes, name: str = "return.xlsx", **kw: Any) -> Any:
    contents = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    return post_callback(
        client,
        UPLOAD_KEY,
        [("portal-upload", "contents", contents)],
        [
            ("portal-upload", "filename", name),
            ("url", "search", ""),
            ("portal-refresh", "data", None),
        ],
        **kw,
    )


def post_submissions(client: Any, district: str | None = None, lang: str = "") -> Any:
    return post_callback(
        client,
        SUBMISSIONS_KEY,
        [
            ("portal-refresh", "data", 1),
            ("portal-f-district", "value", district),
            ("portal-f-institution", "value", None),
            ("portal-f-status", "value", None),
            ("portal-f-year", "value", None),
        ],
        [("url", "search", lang)],
    )


def answer(response: Any) -> str:
    assert response.status_code == 200, (response.status_code, response.get_data()[:300])
    return json.dumps(response.get_json(), ensure_ascii=False)


def annotated_links(text: str) -> list[str]:
    body = json.loads(text)
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            href = node.get("href")
            if isinstance(href, str) and href.startswith("/portal/annotated/"):
                found.append(href)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return found


# --- the page ---------------------------------------------------------------------------------


def test_the_page_is_for_focal_points_and_analysts(portal: AuthEnv) -> None:
    anonymous = portal.client().get("/portal")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]
    for role in (STEERING, ADMIN):
        assert client_as(portal, role).get("/portal").status_code == 403
    for role in (FOCAL_POINT, ANALYST):
        assert client_as(portal, role).get("/portal").status_code == 200


# --- the template ---------------------------------------------------------------------------


def test_a_focal_point_downloads_their_own_template(portal: AuthEnv) -> None:
    client = client_as(portal, FOCAL_POINT)
    response = client.get("/portal/template.xlsx")
    assert response.status_code == 200
    year = reporting_year(date.today())
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="DBMIS-PROSECUTION_ALPHA_{year}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.data))["Data"]
    assert sheet["C2"].value == "Alpha" and sheet["C2"].protection.locked
    assert sheet["C3"].value == year and sheet.protection.sheet
    chosen = client.get("/portal/template.xlsx?year=2025&district=ALPHA&institution=PROSECUTION")
    assert chosen.status_code == 200
    assert load_workbook(io.BytesIO(chosen.data))["Data"]["C3"].value == 2025


@pytest.mark.parametrize(
    "query",
    ["district=BETA", "institution=PRISONS", "district=BETA&institution=PRISONS", "district=../x"],
)
def test_a_focal_point_never_gets_another_template(portal: AuthEnv, query: str) -> None:
    assert client_as(portal, FOCAL_POINT).get(f"/portal/template.xlsx?{query}").status_code == 403


def test_template_for_analysts_and_refusals(portal: AuthEnv) -> None:
    analyst = client_as(portal, ANALYST)
    assert analyst.get("/portal/template.xlsx").status_code == 400
    named = analyst.get("/portal/template.xlsx?district=DELTA&institution=PRISONS&year=2025")
    assert named.status_code == 200
    assert 'filename="DBMIS-PRISONS_DELTA_2025.xlsx"' in named.headers["Content-Disposition"]
    assert (
        analyst.get(
            "/portal/template.xlsx?district=DELTA&institution=PRISONS&year=2999"
        ).status_code
        == 400
    )
    assert portal.client().get("/portal/template.xlsx").status_code == 403
    for role in (STEERING, ADMIN):
        assert client_as(portal, role).get("/portal/template.xlsx").status_code == 403


# --- the upload callback ------------------------------------------------------------------------


def test_a_focal_point_uploads_a_file_with_an_error_then_a_fixed_one(
    portal: AuthEnv, mini_catalog: Catalog
) -> None:
    client = client_as(portal, FOCAL_POINT)
    rejected = answer(post_upload(client, workbook(mini_catalog, BAD), "bad.xlsx"))
    assert "Not accepted" in rejected and "Data!D9" in rejected and "bad.xlsx" in rejected
    response = json.loads(rejected)["response"]
    assert response["portal-upload"]["contents"] is None  # cleared after handling
    assert response["portal-refresh"]["data"] == 1
    (link,) = annotated_links(rejected)

    copy = client.get(link)
    assert copy.status_code == 200 and copy.data[:2] == b"PK"
    assert copy.headers["Content-Disposition"].startswith('attachment; filename="dbmis-checked-')
    assert "bad.xlsx" not in copy.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(copy.data))["Data"]["D9"].comment is not None

    accepted = answer(post_upload(client, workbook(mini_catalog, GOOD), "good.xlsx"))
    assert "Accepted" in accepted and "revision 1" in accepted
    listed = answer(post_submissions(client))
    assert "Alpha" in listed and "Waiting for review" in listed and "Files not accepted" in listed


def test_a_file_for_another_district_posted_directly_writes_nothing(
    portal: AuthEnv, mini_catalog: Catalog
) -> None:
    client = client_as(portal, FOCAL_POINT)
    before = row_counts(portal.db)
    text = answer(post_upload(client, workbook(mini_catalog, GOOD, district="BETA")))
    assert "Not accepted" in text and "Data!C2" in text
    assert "your account may not report for Beta" in text
    assert annotated_links(text) == []
    after = row_counts(portal.db)
    changed = {k for k in after if after[k] != before[k]}
    assert (
        changed <= {"audit_event", "auth_session"}
        and after["audit_event"] == before["audit_event"] + 1
    )
    assert after["submission"] == 0 and after["observation"] == before["observation"]


@pytest.mark.parametrize("role", [None, STEERING, ADMIN])
def test_the_upload_callback_is_refused_to_everyone_else(
    portal: AuthEnv, mini_catalog: Catalog, role: str | None
) -> None:
    client = client_as(portal, role)
    before = row_counts(portal.db)
    assert post_upload(client, workbook(mini_catalog, GOOD)).status_code == 403
    assert post_submissions(client).status_code == 403
    after = row_counts(portal.db)
    assert (
        after["submission"] == before["submission"]
        and after["audit_event"] == before["audit_event"]
    )


def test_the_upload_callback_needs_the_csrf_token(portal: AuthEnv, mini_catalog: Catalog) -> None:
    client = client_as(portal, FOCAL_POINT)
    response = post_upload(client, workbook(mini_catalog, GOOD), csrf=False)
    assert response.status_code in (400, 403)
    assert row_counts(portal.db)["submission"] == 0


def test_the_submissions_callback_stays_within_the_account(
    portal: AuthEnv, mini_catalog: Catalog
) -> None:
    analyst = client_as(portal, ANALYST)
    assert "Accepted" in answer(post_upload(analyst, workbook(mini_catalog, GOOD, district="BETA")))
    focal = client_as(portal, FOCAL_POINT)
    assert "Beta" not in answer(post_submissions(focal))
    assert "Beta" not in answer(post_submissions(focal, district="BETA"))
    assert "No submissions yet." in answer(post_submissions(focal, district="BETA"))
    assert "Beta" in answer(post_submissions(analyst, district="BETA"))
    urdu = answer(post_submissions(analyst, lang="?lang=ur"))
    assert "بیٹا" in urdu and "/submission/" in urdu and "?lang=ur" in urdu


# --- annotated copies ----------------------------------------------------------------------------


def test_annotated_copies_are_only_for_their_uploader_and_analysts(
    portal: AuthEnv, mini_catalog: Catalog
) -> None:
    text = answer(post_upload(client_as(portal, FOCAL_POINT), workbook(mini_catalog, BAD)))
    (link,) = annotated_links(text)
    assert client_as(portal, ANALYST).get(link).status_code == 200
    other = make_user(portal.db, FOCAL_POINT, districts=("BETA",), institutions=("PROSECUTION",))
    stranger = portal.client()
    sign_in(stranger, other.username, DEFAULT_PASSWORD)
    assert stranger.get(link).status_code == 403
    assert portal.client().get(link).status_code == 403
    assert client_as(portal, STEERING).get(link).status_code == 403
    focal = client_as(portal, FOCAL_POINT)
    assert focal.get("/portal/annotated/" + "0" * 64 + ".xlsx").status_code == 404
    assert focal.get("/portal/annotated/not-a-hash.xlsx").status_code == 404
    assert focal.get("/portal/annotated/" + "A" * 64 + ".xlsx").status_code == 404
