"""Web app fixtures: a warehouse with a release inserted by hand (SQLite and PostgreSQL), plus
approved-but-unpublished figures that must never reach the public site.

The release (number 1, through March 2026) holds, for the mini catalog:

- CONVICTION_RATE, province (TESTLAND): quarters 2025Q4 = 10.0 (on track), 2026Q1 = 12.5
  (at risk, planned 14.0), months 2026-01..03, year 2025; districts ALPHA 2026Q1 = 20.0,
  BETA 2026Q1 = 5.0 (flagged), GAMMA 2026Q1 = NULL (no data); division NORTH 2026Q1 = 11.0.
- UNDERTRIAL_SHARE, province 2026Q1 = 70.0 (on track).

Unpublished (must never show): ``kpi_value`` with CONVICTION_RATE province 2026Q1 = 77.7
(a revision approved since the release) and 2026Q2 = 99.9 (after the release's month), and an
approved submission whose observations are not in any release.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from dbmis.app import create_app
from dbmis.app.context import AppState, app_state
from dbmis.catalog import Catalog, load_catalog
from dbmis.ingest import workflow
from dbmis.settings import Mode, Settings
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries import releases as rq
from dbmis.warehouse.queries.observations import insert_observations
from dbmis.warehouse.queries.submissions import NewSubmission, insert_submission
from dbmis.warehouse.schema import kpi_value, release_kpi_value

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "catalog_mini"
PUBLISHED_AT = datetime(2026, 4, 15, 8, 0, tzinfo=UTC)
PROVINCE = "TESTLAND"

UNPUBLISHED_VALUES = (77.7, 99.9)
"""Values present only in kpi_value (never published): no public answer may contain them."""


@pytest.fixture(scope="session")
def mini_catalog() -> Catalog:
    return load_catalog(MINI)


def _value(
    kpi_id: int,
    geo_level: str,
    geo_code: str,
    period_type: str,
    period: str,
    period_end: int,
    value: float | None,
    *,
    planned: float | None = None,
    status: str | None = None,
    flagged: bool = False,
) -> dict[str, Any]:
    return {
        "kpi_id": kpi_id,
        "geo_level": geo_level,
        "geo_code": geo_code,
        "period_type": period_type,
        "period": period,
        "period_end": period_end,
        "numerator": 0.0 if value is None else value,
        "denominator": 100.0,
        "value": value,
        "received": 3 if not flagged else 1,
        "expected": 3,
        "completeness": 1.0 if not flagged else 1 / 3,
        "flagged": flagged,
        "planned": planned,
        "status": status,
    }


def release_rows(conn: Any) -> list[dict[str, Any]]:
    ids = dimensions.kpi_ids(conn)
    cr, us = ids["CONVICTION_RATE"], ids["UNDERTRIAL_SHARE"]
    p = PROVINCE
    return [
        _value(
            cr, "province", p, "quarter", "2025Q4", 202512, 10.0, planned=10.5, status="on_track"
        ),
        _value(
            cr, "province", p, "quarter", "2026Q1", 202603, 12.5, planned=14.0, status="at_risk"
        ),
        _value(
            cr, "province", p, "month", "2026-01", 202601, 12.0, planned=13.0, status="on_track"
        ),
        _value(
            cr, "province", p, "month", "2026-02", 202602, 12.5, planned=13.5, status="on_track"
        ),
        _value(cr, "province", p, "month", "2026-03", 202603, 13.0, planned=14.0, status="at_risk"),
        _value(cr, "province", p, "year", "2025", 202512, 10.0, planned=10.5, status="on_track"),
        _value(cr, "district", "ALPHA", "quarter", "2026Q1", 202603, 20.0),
        _value(cr, "district", "BETA", "quarter", "2026Q1", 202603, 5.0, flagged=True),
        _value(cr, "district", "GAMMA", "quarter", "2026Q1", 202603, None),
        _value(cr, "division", "NORTH", "quarter", "2026Q1", 202603, 11.0),
        _value(
            us, "province", p, "quarter", "2026Q1", 202603, 70.0, planned=71.0, status="on_track"
        ),
    ]


PublishRelease = Callable[..., int]


@pytest.fixture
def publish_release() -> PublishRelease:
    """``publish_release(db, number=1, is_demo=False, rows=None, changes=None)`` -> release id."""

    def publish(
        db: Database,
        *,
        number: int = 1,
        is_demo: bool = False,
        rows: list[dict[str, Any]] | None = None,
        changes: dict[str, Any] | None = None,
        through_month: int = 202603,
        note: str | None = "First release",
    ) -> int:
        with db.write() as conn:
            values = rows if rows is not None else release_rows(conn)
            release_id = rq.insert_release(
                conn,
                number=number,
                published_at=PUBLISHED_AT,
                through_month=through_month,
                note=note,
                published_by=None,
                changes=changes
                or {
                    "previous": None,
                    "values": {"total": len(values), "added": len(values), "revised": 0,
                               "unchanged": 0, "removed": 0},
                    "revised": [],
                    "submissions": {"new": 1, "revised": 0, "reverted": 0, "withdrawn": 0},
                },
                is_demo=is_demo,
            )  # fmt: skip
            conn.execute(
                insert(release_kpi_value), [{**v, "release_id": release_id} for v in values]
            )
        return release_id

    return publish


def add_unpublished(db: Database) -> None:
    """Approved figures that no release holds: kpi_value rows and an approved submission."""
    with db.write() as conn:
        ids = dimensions.kpi_ids(conn)
        cr = ids["CONVICTION_RATE"]
        rows = [
            _value(cr, "province", PROVINCE, "quarter", "2026Q1", 202603, UNPUBLISHED_VALUES[0],
                   planned=14.0, status="target_met"),
            _value(cr, "province", PROVINCE, "quarter", "2026Q2", 202606, UNPUBLISHED_VALUES[1],
                   planned=15.0, status="target_met"),
            _value(cr, "district", "DELTA", "quarter", "2026Q1", 202603, UNPUBLISHED_VALUES[0]),
        ]  # fmt: skip
        conn.execute(insert(kpi_value), [{**r, "computed_at": PUBLISHED_AT} for r in rows])
        sub = insert_submission(
            conn,
            NewSubmission(
                district_id=dimensions.district_ids(conn)["DELTA"],
                institution_id=dimensions.institution_ids(conn)["PROSECUTION"],
                year=2026,
                sha256="d" * 64,
                source_kind="xlsx",
                filename="DELTA-PROSECUTION-2026.xlsx",
                size_bytes=1234,
            ),
        )
        ind = dimensions.indicator_ids(conn)
        insert_observations(
            conn,
            [
                {
                    "submission_id": sub.id,
                    "indicator_id": ind[code],
                    "district_id": sub.district_id,
                    "institution_id": sub.institution_id,
                    "month": 202604,
                    "value": value,
                    "cell": None,
                }
                for code, value in (("PRO_CASES_DECIDED", 1000.0), ("PRO_CONVICTIONS", 777.0))
            ],
        )
    workflow.approve(db, [sub.id], reviewer="ana", reviewer_id=None)


def settings_for(db: Database, **kw: Any) -> Settings:
    url = db.url.render_as_string(hide_password=False)
    values: dict[str, Any] = {"catalog": MINI, "database_url": url, "mode": Mode.demo}
    if "instance_dir" not in kw:
        # never the working directory's instance/: uploads in tests keep their evidence here
        values["instance_dir"] = Path(tempfile.mkdtemp(prefix="dbmis-test-instance-"))
    values.update(kw)
    return Settings(**values)


@pytest.fixture
def synced(db: Database, mini_catalog: Catalog) -> Database:
    sync_catalog(db, mini_catalog)
    return db


@pytest.fixture
def published(synced: Database, publish_release: PublishRelease) -> Database:
    """A warehouse with release 1 and unpublished approved figures."""
    publish_release(synced)
    add_unpublished(synced)
    return synced


@pytest.fixture
def app(published: Database, mini_catalog: Catalog) -> Any:
    dash_app = create_app(settings_for(published), mini_catalog)
    yield dash_app
    app_state(dash_app.server).db.dispose()


@pytest.fixture
def state(app: Any) -> AppState:
    return app_state(app.server)


@pytest.fixture
def client(app: Any) -> Any:
    return app.server.test_client()
