"""The portal's plain functions on a real warehouse (SQLite and PostgreSQL): an upload checked
and loaded for the account's own district only, annotated copies kept by hash for their
uploader, and the submissions each account may see."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from dbmis.app.auth import ANALYST, FOCAL_POINT, STEERING, Account
from dbmis.app.context import AppState, app_state
from dbmis.app.portal_downloads import annotated_viewer
from dbmis.app.portal_service import Filters, check_upload, ingest_env, my_submissions
from dbmis.catalog import Catalog
from dbmis.errors import NotFoundError, PermissionDeniedError
from dbmis.ingest import workflow
from dbmis.ingest.annotated import find_annotated_copy
from dbmis.ingest.templates import template_bytes
from dbmis.warehouse import Database
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.portal import key_histories
from tests.app.auth_env import AuthEnv, build, row_counts
from tests.ingest.filling import fill_template
from tests.support.auth import make_user

TODAY = date(2026, 11, 22)
GOOD = {
    ("PRO_CASES_DECIDED", 1): 10,
    ("PRO_CONVICTIONS", 1): 4,
    ("PRO_CASES_DECIDED", 2): 12,
    ("PRO_CONVICTIONS", 2): 5,
}
BAD = {**GOOD, ("PRO_CONVICTIONS", 2): 50}  # more convictions than cases decided
PRISONS = {("PRS_PRISONERS_TOTAL", 1): 300, ("PRS_UNDERTRIAL", 1): 200}


@pytest.fixture
def portal(synced: Database, mini_catalog: Catalog, tmp_path: Path) -> Iterator[AuthEnv]:
    env = build(synced, mini_catalog, evidence_dir=tmp_path / "evidence")
    yield env
    env.dispose()


def account_of(env: AuthEnv, role: str) -> Account:
    user = env.users[role]
    scoped = role == FOCAL_POINT
    return Account(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=role,
        districts=frozenset({"ALPHA"} if scoped else set()),
        institutions=frozenset({"PROSECUTION"} if scoped else set()),
        session_id="test",
    )


def workbook(
    catalog: Catalog,
    values: dict[tuple[str, int], Any],
    district: str = "ALPHA",
    institution: str = "PROSECUTION",
) -> bytes:
    return fill_template(template_bytes(catalog, institution, year=2026, district=district), values)


def data_url(data: bytes) -> str:
    return "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," + (
        base64.b64encode(data).decode()
    )


def upload(env: AuthEnv, role: str, data: bytes, name: str = "return.xlsx") -> Any:
    state = app_state(env.server)
    return check_upload(state, account_of(env, role), data_url(data), name, today=TODAY)


def evidence_files(state: AppState) -> list[Path]:
    root = state.settings.resolved_evidence_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_focal_point_uploads_their_return_and_sees_it_submitted(
    portal: AuthEnv, mini_catalog: Catalog
) -> None:
    outcome = upload(portal, FOCAL_POINT, workbook(mini_catalog, GOOD))
    assert outcome.result is not None and outcome.result.ok, outcome.result
    assert outcome.revision == 1 and outcome.key == ("ALPHA", "PROSECUTION", 2026)
    assert outcome.annotated is None  # nothing to mark
    keys, rejected = my_submissions(app_state(portal.server), account_of(portal, FOCAL_POINT))
    assert rejected == []
    assert [(k.district, k.institution, k.year) for k in keys] == [("ALPHA", "PROSECUTION", 2026)]
    latest = keys[0].latest
    assert latest.id == outcome.result.submission_id and latest.status == "submitted"
    assert (latest.first_month, latest.last_month, latest.values) == (202601, 202602, 4)
    assert latest.uploaded_by == portal.users[FOCAL_POINT].display_name


def test_a_file_with_errors_is_rejected_and_its_marked_copy_kept_for_its_uploader(
    portal: AuthEnv, mini_catalog: Catalog
) -> None:
    state = app_state(portal.server)
    before = row_counts(portal.db)
    outcome = upload(portal, FOCAL_POINT, workbook(mini_catalog, BAD), "bad.xlsx")
    result = outcome.result
    assert result is not None and not result.ok
    broken = [i for i in result.errors if i.cell == "Data!E9"]
    assert broken and broken[0].period == "2026-02", result.issues
    after = row_counts(portal.db)
    assert after["submission"] == before["submission"] == 0
    assert after["observation"] == before["observation"]
    assert after["audit_event"] == before["audit_event"] + 2  # rejected + annotated copy
    assert outcome.annotated == result.sha256

    focal = account_of(portal, FOCAL_POINT)
    copy = find_annotated_copy(ingest_env(state), result.sha256, annotated_viewer(state, focal))
    sheet = load_workbook(io.BytesIO(copy))["Data"]
    assert sheet["E9"].comment is not None and "cannot exceed" in sheet["E9"].comment.text.lower()
    analyst = account_of(portal, ANALYST)
    assert find_annotated_copy(ingest_env(state), result.sha256, annotated_viewer(state, analyst))

    other = make_user(portal.db, FOCAL_POINT, districts=("ALPHA",), institutions=("PROSECUTION",))
    stranger = Account(other.id, other.username, "x", FOCAL_POINT, frozenset({"ALPHA"}),
                       frozenset({"PROSECUTION"}), "s")  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        find_annotated_copy(ingest_env(state), result.sha256, annotated_viewer(state, stranger))
    with pytest.raises(NotFoundError):
        find_annotated_copy(ingest_env(state), "0" * 64, annotated_viewer(state, focal))

    keys, rejected = my_submissions(state, focal)
    assert keys == [] and len(rejected) == 1
    assert rejected[0].filename == "bad.xlsx" and rejected[0].annotated
    assert rejected[0].problems == len(result.issues)
    assert my_submissions(state, stranger) == ([], [])  # someone else's rejected upload


def test_a_file_for_another_district_is_refused_and_nothing_is_written(
    portal: AuthEnv, mini_catalog: Catalog
) -> None:
    state = app_state(portal.server)
    before = row_counts(portal.db)
    outcome = upload(portal, FOCAL_POINT, workbook(mini_catalog, GOOD, district="BETA"))
    result = outcome.result
    assert result is not None and not result.ok
    scope = [i for i in result.errors if i.code == "DISTRICT_NOT_ALLOWED"]
    assert scope and scope[0].cell == "Data!C2"
    assert outcome.annotated is None
    after = row_counts(portal.db)
    assert {k: v for k, v in after.items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }
    assert after["audit_event"] == before["audit_event"] + 1
    with portal.db.read() as conn:
        (event,) = list_events(conn, action="upload.rejected")
    assert event.actor == portal.username(FOCAL_POINT)
    assert event.detail is not None and event.detail["codes"]["DISTRICT_NOT_ALLOWED"] == 1
    assert evidence_files(state) == []

    other_institution = workbook(mini_catalog, PRISONS, institution="PRISONS")
    refused = upload(portal, FOCAL_POINT, other_institution).result
    assert refused is not None and not refused.ok
    assert "INSTITUTION_NOT_ALLOWED" in {i.code for i in refused.errors}
    assert row_counts(portal.db)["submission"] == 0


def test_returned_then_fixed_shows_the_reason_and_the_history(
    portal: AuthEnv, mini_catalog: Catalog
) -> None:
    state = app_state(portal.server)
    focal = account_of(portal, FOCAL_POINT)
    first = upload(portal, FOCAL_POINT, workbook(mini_catalog, GOOD)).result
    assert first is not None and first.submission_id is not None
    workflow.return_submission(
        portal.db,
        first.submission_id,
        reason="February looks low: check the court register.",
        reviewer=portal.username(ANALYST),
        reviewer_id=portal.users[ANALYST].id,
    )
    (key,), _ = my_submissions(state, focal)
    assert key.latest.status == "returned"
    assert key.latest.review_reason == "February looks low: check the court register."
    assert key.latest.reviewed_at is not None

    corrected = workbook(mini_catalog, {**GOOD, ("PRO_CASES_DECIDED", 2): 20})
    fixed = upload(portal, FOCAL_POINT, corrected)
    assert fixed.result is not None and fixed.result.ok and fixed.revision == 2
    (key,), _ = my_submissions(state, focal)
    assert [(r.revision, r.status) for r in key.revisions] == [(2, "submitted"), (1, "superseded")]
    again = upload(portal, FOCAL_POINT, corrected)  # the same bytes once more
    assert again.result is not None and again.result.duplicate
    assert again.result.submission_id == fixed.result.submission_id


def test_each_account_sees_only_what_it_may(portal: AuthEnv, mini_catalog: Catalog) -> None:
    state = app_state(portal.server)
    focal, analyst = account_of(portal, FOCAL_POINT), account_of(portal, ANALYST)
    assert upload(portal, FOCAL_POINT, workbook(mini_catalog, GOOD)).result.ok
    beta = upload(portal, ANALYST, workbook(mini_catalog, PRISONS, "BETA", "PRISONS")).result
    assert beta is not None and beta.ok

    def shown(acc: Account, **filters: Any) -> list[tuple[str, str]]:
        keys, _ = my_submissions(state, acc, Filters(**filters))
        return [(k.district, k.institution) for k in keys]

    assert shown(focal) == [("ALPHA", "PROSECUTION")]
    assert shown(focal, district="BETA") == []  # a filter never widens the account's scope
    assert shown(focal, institution="PRISONS") == []
    assert shown(analyst) == [("BETA", "PRISONS"), ("ALPHA", "PROSECUTION")]
    assert shown(analyst, district="ALPHA") == [("ALPHA", "PROSECUTION")]
    assert shown(analyst, status="approved") == []
    assert shown(analyst, year=2025) == []
    assert my_submissions(state, account_of(portal, STEERING)) == ([], [])
    assert my_submissions(state, None) == ([], [])


def test_accounts_that_may_not_upload_and_files_too_large(
    portal: AuthEnv, mini_catalog: Catalog
) -> None:
    state = app_state(portal.server)
    before = row_counts(portal.db)
    data = workbook(mini_catalog, GOOD)
    refused = check_upload(state, account_of(portal, STEERING), data_url(data), "r.xlsx")
    assert refused.result is None and refused.message_key == "portal.error.no_account"
    assert (
        check_upload(state, None, data_url(data), "r.xlsx").message_key == "portal.error.no_account"
    )
    huge = data_url(b"PK" + b"\0" * state.settings.max_upload_bytes)
    too_big = check_upload(state, account_of(portal, FOCAL_POINT), huge, "r.xlsx")
    assert too_big.message_key == "portal.error.too_large"
    assert too_big.message_values == {"size": "10 MB"}
    assert row_counts(portal.db) == before


def test_key_histories_keeps_the_newest_keys_and_filters_on_the_newest_status(
    portal: AuthEnv, mini_catalog: Catalog
) -> None:
    for district in ("ALPHA", "BETA", "GAMMA"):
        assert upload(portal, ANALYST, workbook(mini_catalog, GOOD, district)).result.ok
    with portal.db.read() as conn:
        newest = key_histories(conn, limit=2)
        assert [k.district for k in newest] == ["GAMMA", "BETA"]
        assert key_histories(conn, districts=set()) == []
        assert key_histories(conn, status="submitted", districts={"ALPHA"})[0].district == "ALPHA"
        assert key_histories(conn, status="returned") == []
