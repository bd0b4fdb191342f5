"""Warehouse test fixtures: the mini catalog, a synced warehouse and a submission maker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection

from dbmis.catalog import Catalog, load_catalog
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries.submissions import NewSubmission, Submission, insert_submission

CATALOG_MINI = Path(__file__).resolve().parent.parent / "fixtures" / "catalog_mini"


@pytest.fixture(scope="session")
def mini_catalog() -> Catalog:
    return load_catalog(CATALOG_MINI)


@pytest.fixture
def synced_db(db: Database, mini_catalog: Catalog) -> Database:
    """A migrated warehouse holding the mini catalog's dimensions."""
    sync_catalog(db, mini_catalog)
    return db


MakeSubmission = Callable[..., Submission]


@pytest.fixture
def make_submission() -> MakeSubmission:
    """``make_submission(conn, district="ALPHA", institution="PROSECUTION", year=2026, ...)``."""

    def make(
        conn: Connection,
        district: str = "ALPHA",
        institution: str = "PROSECUTION",
        year: int = 2026,
        sha256: str = "a" * 64,
        **extra: object,
    ) -> Submission:
        new = NewSubmission(
            district_id=dimensions.district_ids(conn)[district],
            institution_id=dimensions.institution_ids(conn)[institution],
            year=year,
            sha256=sha256,
            source_kind="xlsx",
            filename=f"{district}-{institution}-{year}.xlsx",
            size_bytes=1234,
            **extra,  # type: ignore[arg-type]
        )
        return insert_submission(conn, new)

    return make
