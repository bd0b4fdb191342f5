"""Reporting progress and reviewing it: who may, what is recorded, what is audited, revisions.
SQLite and PostgreSQL (the ``db`` fixture behind ``synced_db``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from dbmis.app.auth.roles import Account
from dbmis.catalog import Catalog
from dbmis.demo.plan import demo_pdf
from dbmis.errors import ConflictError, NotFoundError, PermissionDeniedError
from dbmis.ingest.evidence import EvidenceStore, sha256_of
from dbmis.ingest.progress import (
    EvidenceUpload,
    PlanActor,
    ProgressResult,
    actor_for,
    approve_reports,
    pending_reports,
    report_progress,
    reportable_activities,
    return_report,
)
from dbmis.kpis.plan_data import activity_history, plan_status
from dbmis.warehouse import Database
from dbmis.warehouse.queries import plan as q
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.observations import count_rows
from dbmis.warehouse.queries.users import create_user, set_active
from tests.warehouse.conftest import mini_catalog, synced_db  # noqa: F401

TODAY = date(2025, 1, 15)
NOW = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
M = 1_000_000

PROSECUTOR = PlanActor("fp-pro", "focal_point", None, frozenset({"PROSECUTION"}))
WARDEN = PlanActor("fp-prs", "focal_point", None, frozenset({"PRISONS"}))
ANALYST = PlanActor("ana", "analyst")
STEERING = PlanActor("sc", "steering")


Env = tuple[Database, Catalog]


@pytest.fixture
def env(synced_db: Database, mini_catalog: Catalog) -> Env:  # noqa: F811
    """The mini catalog, synced into a warehouse (SQLite and PostgreSQL)."""
    return synced_db, mini_catalog


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


def report(db: Database, catalog: Catalog, actor: Any = PROSECUTOR, **kw: Any) -> ProgressResult:
    args: dict[str, Any] = {
        "status": "on_schedule",
        "spend_pkr": 3 * M,
        "milestones": {"SOP": "2024-03-25", "CELLS": "2024-12-20"},
        "narrative": "Cells at work in two districts.",
        "today": TODAY,
        "now": NOW,
    }
    activity = kw.pop("activity", "SCRUTINY")
    quarter = kw.pop("quarter", "2024Q4")
    args.update(kw)
    return report_progress(db, catalog, actor, activity, quarter, **args)


def events(db: Database, action: str | None = None) -> list[Any]:
    with db.read() as conn:
        return list_events(conn, entity="plan_report", action=action)


def rows(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return count_rows(conn)


def test_a_focal_point_reports_on_an_activity_their_institution_leads(
    env: Env, store: EvidenceStore
) -> None:
    db, cat = env
    pdf = demo_pdf("Notification of the scrutiny cells")
    result = report(
        db,
        cat,
        evidence=[EvidenceUpload(pdf, "notification.pdf")],
        evidence_store=store,
    )
    assert result.ok and result.report_id is not None and result.revision == 1
    assert result.issues == () and result.superseded_id is None
    with db.read() as conn:
        saved = q.get_report(conn, result.report_id)
    assert (saved.activity, saved.lead, saved.quarter, saved.state) == (
        "SCRUTINY",
        "PROSECUTION",
        "2024Q4",
        "submitted",
    )
    assert saved.is_current and saved.approved_at is None and saved.reporter == "fp-pro"
    assert saved.milestones == {"CELLS": date(2024, 12, 20), "SOP": date(2024, 3, 25)}
    assert [f.sha256 for f in saved.evidence] == [sha256_of(pdf)]
    assert saved.evidence[0].kind == "pdf" and saved.evidence[0].filename == "notification.pdf"
    assert store.get(sha256_of(pdf)) == pdf
    (event,) = events(db, "plan_report.submitted")
    assert event.actor == "fp-pro" and event.entity_id == str(result.report_id)
    assert event.sha256 == sha256_of(pdf)
    assert event.detail["activity"] == "SCRUTINY" and event.detail["evidence"] == [sha256_of(pdf)]


def test_a_focal_point_cannot_report_on_another_institutions_activity(env: Env) -> None:
    db, cat = env
    before = rows(db)
    with pytest.raises(PermissionDeniedError) as info:
        report(db, cat, WARDEN)  # SCRUTINY is led by PROSECUTION
    assert info.value.code == "PLAN_NOT_LEAD" and "PROSECUTION" in info.value.message
    # a partner is not the lead either: PROSECUTION is a partner of LEGAL_AID_PANEL
    with pytest.raises(PermissionDeniedError):
        report(db, cat, PROSECUTOR, activity="LEGAL_AID_PANEL", milestones={})
    with pytest.raises(PermissionDeniedError) as info:
        report(db, cat, STEERING)
    assert info.value.code == "PLAN_NOT_ALLOWED"
    after = rows(db)
    assert after["plan_report"] == before["plan_report"] == 0
    assert after["audit_event"] == before["audit_event"] + 3
    refused = events(db, "plan_report.refused")
    assert {(e.actor, e.detail["code"]) for e in refused} == {
        ("fp-prs", "PLAN_NOT_LEAD"),
        ("fp-pro", "PLAN_NOT_LEAD"),
        ("sc", "PLAN_NOT_ALLOWED"),
    }


def test_analysts_report_on_any_activity_and_accounts_work_as_actors(env: Env) -> None:
    db, cat = env
    assert report(
        db,
        cat,
        ANALYST,
        activity="LEGAL_AID_PANEL",
        milestones={"PANEL": "2024-09-28"},
    ).ok
    with db.write() as conn:
        warden = create_user(conn, "warden", "Warden", "focal_point", institutions=["PRISONS"])
    account = Account(  # the web app's signed-in account
        user_id=warden.id,
        username="warden",
        display_name="Warden",
        role="focal_point",
        districts=frozenset({"ALPHA"}),
        institutions=frozenset({"PRISONS"}),
        session_id="s",
    )
    assert [a.code for a in reportable_activities(cat, account)] == [
        "LEGAL_AID_PANEL",
        "VIDEO_LINKS",
    ]
    assert len(reportable_activities(cat, ANALYST)) == 3
    assert reportable_activities(cat, STEERING) == []
    result = report(db, cat, account, activity="VIDEO_LINKS", quarter="2025Q1", milestones={})
    assert result.ok and result.report_id is not None
    with db.read() as conn:
        saved = q.get_report(conn, result.report_id)
    assert (saved.reported_by, saved.reporter) == (warden.id, "warden")


def test_a_report_with_errors_records_nothing_but_an_audit_event(
    env: Env, store: EvidenceStore
) -> None:
    db, cat = env
    before = rows(db)
    bad_pdf = b"%PDF-1.4\n1 0 obj\n<< /OpenAction << /S /JavaScript /JS (x) >> >>\nendobj\n%%EOF\n"
    result = report(
        db,
        cat,
        spend_pkr=-1,
        milestones={"NOPE": "2024-10-01"},
        evidence=[EvidenceUpload(bad_pdf, "nice.pdf"), EvidenceUpload(demo_pdf("ok"), "ok.pdf")],
        evidence_store=store,
    )
    assert not result.ok and result.report_id is None
    found = {i.code: i for i in result.errors}
    assert set(found) == {"PLAN_SPEND_NEGATIVE", "PLAN_UNKNOWN_MILESTONE", "EVIDENCE_PDF_ACTIVE"}
    assert found["EVIDENCE_PDF_ACTIVE"].field == "evidence[nice.pdf]"
    after = rows(db)
    assert {k: v for k, v in after.items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }
    assert after["audit_event"] == before["audit_event"] + 1
    (event,) = events(db, "plan_report.rejected")
    assert event.detail["codes"] == {
        "PLAN_SPEND_NEGATIVE": 1,
        "PLAN_UNKNOWN_MILESTONE": 1,
        "PLAN_OVERDUE_ON_SCHEDULE": 1,  # a warning, counted too
        "EVIDENCE_PDF_ACTIVE": 1,
    }
    assert not store.has(sha256_of(demo_pdf("ok")))


def test_unknown_activity_too_many_files_and_dry_run(env: Env, store: EvidenceStore) -> None:
    db, cat = env
    unknown = report(db, cat, activity="NO_SUCH")
    assert [i.code for i in unknown.issues] == ["PLAN_UNKNOWN_ACTIVITY"]
    assert events(db, "plan_report.rejected")[0].detail["codes"] == {"PLAN_UNKNOWN_ACTIVITY": 1}
    files = [EvidenceUpload(demo_pdf(str(n)), f"{n}.pdf") for n in range(6)]
    many = report(db, cat, evidence=files, evidence_store=store)
    assert [i.code for i in many.errors] == ["PLAN_TOO_MANY_FILES"]
    before = rows(db)
    checked = report(db, cat, dry_run=True, spend_pkr=2 * M)
    assert checked.ok and checked.report_id is None and "SOP" in checked.milestones
    assert not report(db, cat, dry_run=True, status="odd").ok
    with pytest.raises(PermissionDeniedError):
        report(db, cat, WARDEN, dry_run=True)
    assert rows(db) == before


def test_a_new_report_for_the_same_quarter_supersedes_the_current_one(env: Env) -> None:
    db, cat = env
    first = report(db, cat)
    second = report(db, cat, spend_pkr=3_500_000)
    assert second.ok and second.revision == 2 and second.superseded_id == first.report_id
    history = activity_history(db, "SCRUTINY")
    assert [(r.revision, r.state, r.is_current) for r in history] == [
        (2, "submitted", True),
        (1, "superseded", False),
    ]
    assert [r.id for r in pending_reports(db)] == [second.report_id]
    with pytest.raises(ConflictError) as info:
        approve_reports(db, [first.report_id or 0, second.report_id or 0], ANALYST)
    assert info.value.code == "PLAN_REVIEW_REFUSED" and "superseded" in info.value.message
    assert [r.state for r in activity_history(db, "SCRUTINY")] == ["submitted", "superseded"]


def test_approve_and_return_by_analysts_only_and_audited(env: Env) -> None:
    db, cat = env
    one = report(db, cat)
    two = report(
        db,
        cat,
        WARDEN,
        activity="LEGAL_AID_PANEL",
        milestones={"PANEL": "2024-09-20"},
    )
    assert one.report_id is not None and two.report_id is not None
    with pytest.raises(PermissionDeniedError) as info:
        approve_reports(db, [one.report_id], PROSECUTOR)
    assert info.value.code == "PLAN_NOT_REVIEWER"
    with pytest.raises(PermissionDeniedError):
        return_report(db, one.report_id, STEERING, reason="no")
    (approved,) = approve_reports(db, [one.report_id], ANALYST, now=NOW)
    assert approved.state == "approved" and approved.approved_at == NOW
    assert approved.reviewer == "ana"
    with pytest.raises(ConflictError) as info:
        approve_reports(db, [one.report_id], ANALYST)
    assert "already approved" in info.value.message
    with pytest.raises(ConflictError) as info:
        return_report(db, two.report_id, ANALYST, reason="  ")
    assert info.value.code == "REASON_REQUIRED"
    back = return_report(db, two.report_id, ANALYST, reason="Attach the notification")
    assert back.state == "returned" and back.review_reason == "Attach the notification"
    with pytest.raises(ConflictError):
        return_report(db, one.report_id, ANALYST, reason="too late: approved")
    with pytest.raises(NotFoundError):
        approve_reports(db, [9999], ANALYST)
    actions = [(e.action, e.entity_id, e.actor) for e in events(db)]
    assert ("plan_report.approved", str(one.report_id), "ana") in actions
    assert ("plan_report.returned", str(two.report_id), "ana") in actions
    returned = events(db, "plan_report.returned")[0]
    assert returned.detail["reason"] == "Attach the notification"
    assert (returned.detail["before"], returned.detail["after"]) == ("submitted", "returned")


def test_approved_status_stays_until_a_newer_report_is_approved(env: Env) -> None:
    db, cat = env
    q3 = report(db, cat, quarter="2024Q3", milestones={"SOP": "2024-03-25"}, spend_pkr=2 * M)
    approve_reports(db, [q3.report_id or 0], ANALYST)
    # the 2024Q4 report lists only what is new; SOP is carried forward
    q4 = report(db, cat, milestones={"CELLS": "2024-12-20"}, spend_pkr=M)
    assert q4.ok and [i.code for i in q4.warnings] == ["PLAN_SPEND_DECREASED"]
    assert q4.milestones == {"CELLS": date(2024, 12, 20), "SOP": date(2024, 3, 25)}
    with db.read() as conn:
        saved = q.get_report(conn, q4.report_id or 0)
    assert saved.warnings is not None and saved.warnings[0]["code"] == "PLAN_SPEND_DECREASED"

    def status() -> tuple[str, str | None, int | None]:
        (s,) = [s for s in plan_status(db, cat, as_of=TODAY) if s.code == "SCRUTINY"]
        return s.status, s.quarter, s.spend_pkr

    assert status() == ("on_schedule", "2024Q3", 2 * M)  # the 2024Q4 report waits for review
    fix = report(
        db,
        cat,
        quarter="2024Q3",
        status="delayed",
        narrative="x",
        milestones={"SOP": "2024-03-25"},
        spend_pkr=2 * M,
    )
    assert fix.ok and status() == ("on_schedule", "2024Q3", 2 * M)  # approval of rev 1 stands
    approve_reports(db, [q4.report_id or 0], ANALYST)
    assert status() == ("on_schedule", "2024Q4", M)


def test_actor_for_builds_the_actor_from_the_account(env: Env) -> None:
    db = env[0]
    with db.write() as conn:
        user = create_user(
            conn, "fp1", "Focal One", "focal_point", districts=["ALPHA"], institutions=["PRISONS"]
        )
        gone = create_user(conn, "gone", "Gone", "analyst")
        set_active(conn, gone.id, False)
    with db.read() as conn:
        actor = actor_for(conn, "fp1")
        assert actor == PlanActor("fp1", "focal_point", user.id, frozenset({"PRISONS"}))
        for name in ("nobody", "gone"):
            with pytest.raises(NotFoundError):
                actor_for(conn, name)
