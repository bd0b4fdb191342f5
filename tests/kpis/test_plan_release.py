"""Publishing a release snapshots the approved plan status; the public query reads only that
snapshot (never unapproved or unpublished reports); the snapshot never changes.
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from dbmis.catalog import Catalog
from dbmis.ingest.progress import PlanActor, approve_reports, report_progress
from dbmis.kpis import releases
from dbmis.kpis.plan import rollup_by_kpi
from dbmis.kpis.plan_data import last_quarter_through, published_plan, quarter_of
from dbmis.warehouse import Database
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.schema import release_plan_status
from tests.warehouse.conftest import mini_catalog, synced_db  # noqa: F401

ANALYST = PlanActor("ana", "analyst")
M = 1_000_000
Env = tuple[Database, Catalog]


@pytest.fixture
def env(
    synced_db: Database,  # noqa: F811
    mini_catalog: Catalog,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Env:
    """The mini catalog synced; publishing skips the KPI recompute (tested elsewhere)."""
    monkeypatch.setattr(releases, "recompute_kpis", lambda conn, catalog, through_month: None)
    return synced_db, mini_catalog


def file(
    db: Database, cat: Catalog, activity: str, quarter: str, approve: bool = True, **kw: Any
) -> int:
    args: dict[str, Any] = {
        "status": "on_schedule",
        "spend_pkr": M,
        "milestones": {},
        "narrative": "work goes on",
        "today": date(2025, 6, 1),
    }
    args.update(kw)
    result = report_progress(db, cat, ANALYST, activity, quarter, **args)
    assert result.ok and result.report_id is not None, result.issues
    if approve:
        approve_reports(db, [result.report_id], ANALYST)
    return result.report_id


def publish(db: Database, cat: Catalog, through: int) -> int:
    info = releases.publish(
        db,
        cat,
        through_month=through,
        note=None,
        published_by="cli:tester",
        now=datetime(2025, 6, 5, tzinfo=UTC),
    )
    return info.number


def test_quarter_helpers() -> None:
    assert quarter_of(date(2024, 12, 31)) == "2024Q4"
    assert last_quarter_through(202412) == "2024Q4"
    assert last_quarter_through(202411) == "2024Q3"


def test_publish_snapshots_the_approved_status_of_every_activity(env: Env) -> None:
    db, cat = env
    assert published_plan(db) is None
    scrutiny = file(
        db, cat, "SCRUTINY", "2024Q4", milestones={"SOP": "2024-03-25"}, spend_pkr=3 * M
    )
    file(db, cat, "LEGAL_AID_PANEL", "2024Q4", approve=False, status="delayed", spend_pkr=5)
    file(db, cat, "VIDEO_LINKS", "2025Q1", milestones={"ROOMS": "2025-02-01"})  # after Dec 2024
    number = publish(db, cat, 202412)
    plan = published_plan(db)
    assert plan is not None and plan.release_number == number and plan.as_of == date(2024, 12, 31)
    by_code = {a.code: a for a in plan.activities}
    assert set(by_code) == {"SCRUTINY", "LEGAL_AID_PANEL", "VIDEO_LINKS"}
    s = by_code["SCRUTINY"]
    assert (s.status, s.quarter, s.report_id, s.spend_pkr) == (
        "on_schedule",
        "2024Q4",
        scrutiny,
        3 * M,
    )
    assert (s.allocated_pkr, s.budget_pkr, s.milestones_total) == (5 * M, 10 * M, 3)
    assert s.milestones_done == {"SOP": date(2024, 3, 25)} and s.overdue == ()  # CELLS due 31 Dec
    legal = by_code["LEGAL_AID_PANEL"]  # its report waits for review: not published
    assert (legal.status, legal.quarter, legal.spend_pkr, legal.overdue) == (
        "not_reported",
        None,
        None,
        ("PANEL",),
    )
    video = by_code["VIDEO_LINKS"]  # its 2025Q1 report is after the release's month
    assert (video.status, video.quarter) == ("not_started", None)
    with db.read() as conn:
        (event,) = list_events(conn, action="release.plan_published")
    assert event.detail["activities"] == 3 and event.detail["reports"] == [scrutiny]
    rolled = rollup_by_kpi(plan.activities)
    assert rolled["CONVICTION_RATE"].counts["on_schedule"] == 1


def test_the_public_query_filters_and_follows_the_latest_release(env: Env) -> None:
    db, cat = env
    file(db, cat, "SCRUTINY", "2024Q4", milestones={"SOP": "2024-03-25"})
    first = publish(db, cat, 202412)
    file(db, cat, "SCRUTINY", "2025Q1", status="delayed", narrative="slow", spend_pkr=2 * M)
    file(db, cat, "VIDEO_LINKS", "2025Q1")
    second = publish(db, cat, 202503)
    latest = published_plan(db)
    assert latest is not None and latest.release_number == second
    assert {a.code: a.status for a in latest.activities} == {
        "SCRUTINY": "delayed",
        "LEGAL_AID_PANEL": "not_reported",
        "VIDEO_LINKS": "on_schedule",
    }
    older = published_plan(db, release_number=first)
    assert (
        older is not None
        and {a.code: a.status for a in older.activities}["SCRUTINY"] == "on_schedule"
    )
    under = published_plan(db, kpi="UNDERTRIAL_SHARE")
    assert under is not None and [a.code for a in under.activities] == [
        "LEGAL_AID_PANEL",
        "VIDEO_LINKS",
    ]
    led = published_plan(db, institution="PROSECUTION")
    assert led is not None and [a.code for a in led.activities] == ["SCRUTINY"]
    # approved after the release: not public until the next one
    file(db, cat, "LEGAL_AID_PANEL", "2025Q1", milestones={"PANEL": "2024-09-20"})
    again = published_plan(db)
    assert (
        again is not None
        and {a.code: a.status for a in again.activities}["LEGAL_AID_PANEL"] == "not_reported"
    )


def test_the_published_plan_is_immutable(env: Env) -> None:
    db, cat = env
    file(db, cat, "SCRUTINY", "2024Q4", milestones={"SOP": "2024-03-25"})
    publish(db, cat, 202412)
    with pytest.raises(DBAPIError, match="immutable"), db.write() as conn:
        conn.execute(update(release_plan_status).values(status="completed"))
    with pytest.raises(DBAPIError, match="immutable"), db.write() as conn:
        conn.execute(delete(release_plan_status))
    plan = published_plan(db)
    assert plan is not None and {a.code: a.status for a in plan.activities} == {
        "SCRUTINY": "on_schedule",
        "LEGAL_AID_PANEL": "not_reported",
        "VIDEO_LINKS": "not_started",
    }
