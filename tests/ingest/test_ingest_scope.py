"""Who may upload what: scope comes from the account, never from the file.

A focal point reports for their own district(s) and institution(s) only; an analyst for any;
steering and admin accounts do not upload at all.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dbmis.catalog import Catalog
from dbmis.errors import NotFoundError, PermissionDeniedError
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.result import IngestResult
from dbmis.ingest.service import IngestEnv, ingest
from dbmis.ingest.templates import template_bytes
from dbmis.ingest.uploader import UPLOAD_ROLES, Uploader, uploader_for
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.observations import count_rows
from dbmis.warehouse.queries.submissions import get_submission
from dbmis.warehouse.queries.users import create_user, set_active, set_user_scopes
from dbmis.warehouse.schema import ROLES
from tests.ingest.filling import csv_bytes, fill_template, mini_catalog

TODAY = date(2027, 1, 15)
PROSECUTION = {("PRO_CASES_DECIDED", 1): 10, ("PRO_CONVICTIONS", 1): 4}
PRISONS = {("PRS_PRISONERS_TOTAL", 1): 300, ("PRS_UNDERTRIAL", 1): 200}


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return mini_catalog()


@pytest.fixture
def env(db: Database, mini: Catalog, tmp_path: Path) -> IngestEnv:
    sync_catalog(db, mini)
    return IngestEnv(db=db, catalog=mini, evidence=EvidenceStore(tmp_path / "evidence"))


def add_user(env: IngestEnv, username: str, role: str, **scopes: list[str]) -> int:
    with env.db.write() as conn:
        user = create_user(conn, username, username.title(), role)
        if scopes:
            set_user_scopes(conn, user.id, **scopes)
        return user.id


def uploader(env: IngestEnv, username: str) -> Uploader:
    with env.db.read() as conn:
        return uploader_for(conn, username)


def workbook(catalog: Catalog, institution: str, district: str = "ALPHA") -> bytes:
    """The template made for a district and 2026, with two figures typed in."""
    values = PROSECUTION if institution == "PROSECUTION" else PRISONS
    blank = template_bytes(catalog, institution, year=2026, district=district)
    return fill_template(blank, values)


def generic(catalog: Catalog, district_name: str, year: int = 2026) -> bytes:
    """The generic template with the district's name and the year typed in."""
    blank = template_bytes(catalog, "PROSECUTION")
    return fill_template(blank, PROSECUTION, district_name=district_name, year=year)


def rows(env: IngestEnv) -> dict[str, int]:
    with env.db.read() as conn:
        return count_rows(conn)


def refused_for(env: IngestEnv, data: bytes, user: Uploader, filename: str) -> IngestResult:
    """Upload a file that must be refused; check that only the audit trail saw it."""
    before = rows(env)
    result = ingest(data, user, env, filename=filename, today=TODAY)
    assert not result.ok and result.submission_id is None
    after = rows(env)
    assert {t: after[t] - before[t] for t in after if after[t] != before[t]} == {"audit_event": 1}
    with env.db.read() as conn:
        (event,) = list_events(conn, limit=1)
    assert (event.action, event.actor, event.sha256) == (
        "upload.rejected",
        user.username,
        result.sha256,
    )
    stored = list(env.evidence.root.rglob("*")) if env.evidence.root.exists() else []
    assert not [p for p in stored if p.is_file()]  # no evidence of a refused file
    return result


@pytest.fixture
def focal(env: IngestEnv) -> tuple[Uploader, int]:
    """A focal point of Alpha's prosecution office."""
    user_id = add_user(env, "fp_alpha", "focal_point")
    with env.db.write() as conn:
        set_user_scopes(conn, user_id, districts=["ALPHA"], institutions=["PROSECUTION"])
    return uploader(env, "fp_alpha"), user_id


def test_the_uploader_of_a_focal_point_carries_their_scope(focal: tuple[Uploader, int]) -> None:
    user, user_id = focal
    assert user == Uploader(
        username="fp_alpha",
        role="focal_point",
        user_id=user_id,
        districts=frozenset({"ALPHA"}),
        institutions=frozenset({"PROSECUTION"}),
    )


def test_a_focal_point_cannot_upload_another_district(
    env: IngestEnv, focal: tuple[Uploader, int]
) -> None:
    user, _ = focal
    # a template made for Beta, a generic template with Beta typed in, a CSV line for Beta
    for data, filename in (
        (workbook(env.catalog, "PROSECUTION", "BETA"), "beta.xlsx"),
        (generic(env.catalog, "Beta"), "generic.xlsx"),
        (
            csv_bytes(
                [
                    ("ALPHA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", "10"),
                    ("BETA", "PROSECUTION", "PRO_CASES_DECIDED", "2026-01", "10"),
                ]
            ),
            "bulk.csv",
        ),
    ):
        result = refused_for(env, data, user, filename)
        assert [i.code for i in result.errors] == ["DISTRICT_NOT_ALLOWED"], filename


def test_a_focal_point_cannot_upload_another_institution(
    env: IngestEnv, focal: tuple[Uploader, int]
) -> None:
    user, _ = focal
    for data, filename in (
        (workbook(env.catalog, "PRISONS", "ALPHA"), "prisons.xlsx"),
        (
            csv_bytes([("ALPHA", "PRISONS", "PRS_PRISONERS_TOTAL", "2026-01", "300")]),
            "prisons.csv",
        ),
    ):
        result = refused_for(env, data, user, filename)
        assert [i.code for i in result.errors] == ["INSTITUTION_NOT_ALLOWED"], filename


def test_a_focal_point_uploads_their_own_return(
    env: IngestEnv, focal: tuple[Uploader, int]
) -> None:
    user, user_id = focal
    data = workbook(env.catalog, "PROSECUTION", "ALPHA")
    result = ingest(data, user, env, filename="mine.xlsx", today=TODAY)
    assert result.ok and result.issues == []
    with env.db.read() as conn:
        sub = get_submission(conn, result.submission_id)
        (event,) = list_events(conn, action="submission.created")
    assert sub.uploaded_by == user_id
    assert event.actor == "fp_alpha"
    # and the generic template with their district typed in, as a CSV too
    assert ingest(generic(env.catalog, "Alpha", 2025), user, env, today=TODAY).ok
    line = ("Alpha", "PROSECUTION", "PRO_CASES_DECIDED", "2024-03", "7")
    assert ingest(csv_bytes([line]), user, env, filename="mine.csv", today=TODAY).ok


def test_a_focal_point_without_any_scope_uploads_nothing(env: IngestEnv) -> None:
    add_user(env, "fp_new", "focal_point")
    user = uploader(env, "fp_new")
    assert user.districts == frozenset() and user.institutions == frozenset()
    result = refused_for(env, workbook(env.catalog, "PROSECUTION"), user, "a.xlsx")
    assert {i.code for i in result.errors} == {"DISTRICT_NOT_ALLOWED", "INSTITUTION_NOT_ALLOWED"}


def test_an_analyst_may_upload_anywhere(env: IngestEnv) -> None:
    user_id = add_user(env, "analyst", "analyst")
    user = uploader(env, "analyst")
    assert (user.districts, user.institutions, user.user_id) == (None, None, user_id)
    for district in ("BETA", "DELTA"):
        for institution in ("PROSECUTION", "PRISONS"):
            result = ingest(workbook(env.catalog, institution, district), user, env, today=TODAY)
            assert result.ok, [i.as_dict() for i in result.issues]
            with env.db.read() as conn:
                assert get_submission(conn, result.submission_id).uploaded_by == user_id


@pytest.mark.parametrize("role", sorted(set(ROLES) - UPLOAD_ROLES))
def test_steering_and_admin_accounts_cannot_upload(env: IngestEnv, role: str) -> None:
    assert role in {"steering", "admin"}
    add_user(env, f"{role}_user", role, districts=["ALPHA"], institutions=["PROSECUTION"])
    before = rows(env)
    with pytest.raises(PermissionDeniedError):
        uploader(env, f"{role}_user")
    assert rows(env) == before


def test_unknown_and_inactive_accounts_cannot_upload(env: IngestEnv) -> None:
    user_id = add_user(env, "gone", "focal_point")
    with env.db.write() as conn:
        set_active(conn, user_id, False)
    for name in ("gone", "nobody"):
        with pytest.raises(NotFoundError):
            uploader(env, name)
