"""The action plan pages' callbacks over HTTP, as Dash's renderer POSTs them (with the CSRF
header), signed in through the sign-in form (SQLite and PostgreSQL):

- a focal point reports progress on an activity their institution leads (recorded, audited
  under their name); on another institution's activity the callback refuses, nothing is
  recorded and the refusal is audited;
- a visitor and a Steering Committee member get 403 from the report and review callbacks and
  nothing changes;
- an analyst approves and returns (a reason is required); each act changes the state and is
  audited.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from dbmis.app.auth import ANALYST, FOCAL_POINT, STEERING, output_key
from dbmis.app.context import AppState
from dbmis.app.pages import plan_tracker, progress
from dbmis.catalog import Catalog
from dbmis.ingest.evidence import EvidenceStore
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.plan import get_report
from tests.app.auth_env import row_counts
from tests.app.plan_env import PENDING_NARRATIVE, file_report, report_states
from tests.support.auth import DEFAULT_PASSWORD, make_user, post_callback, sign_in

REPORT = output_key(*progress.REPORT)
REVIEW = f"{plan_tracker.CONTENT}.children"
CSV = b"district,cells\nALPHA,2\nBETA,1\n"


def _client(app: Any, state: AppState, role: str, **scopes: Any) -> tuple[Any, str]:
    user = make_user(state.db, role, **scopes)
    client = app.server.test_client()
    sign_in(client, user.username, DEFAULT_PASSWORD)
    return client, user.username


def _report(
    client: Any, payload: dict[str, Any], contents: str | None = None, filename: str | None = None
) -> Any:
    return post_callback(
        client,
        REPORT,
        [("plan-report-payload", "data", payload)],
        [
            ("plan-report-evidence", "contents", contents),
            ("plan-report-evidence", "filename", filename),
            ("url", "search", ""),
        ],
    )


def _review(
    client: Any,
    report_id: int,
    button: str,
    reason: str | None = None,
    activity: str = "VIDEO_LINKS",
) -> Any:
    return post_callback(
        client,
        REVIEW,
        [(b, "n_clicks", 1 if b == button else None) for b in plan_tracker.ACTIONS],
        [
            (plan_tracker.view.REASON, "value", reason),
            ("url", "search", f"?activity={activity}&report={report_id}"),
        ],
        changed=[f"{button}.n_clicks"],
    )


def _text(response: Any) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def _events(state: AppState, action: str) -> list[Any]:
    with state.db.read() as conn:
        return list_events(conn, action=action, limit=100)


def _payload(activity: str = "SCRUTINY", **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "sent": 1,
        "activity": activity,
        "quarter": "2025Q4",
        "status": "on_schedule",
        "spend": "4,500,000",
        "narrative": "Cells staffed in ALPHA and BETA.",
        "milestones": {"SOP": "2024-03-20", "CELLS": "2024-12-01", "ALL": "2025-12-15"},
    }
    payload.update(changes)
    return payload


def test_a_focal_point_reports_on_their_institutions_activity(app: Any, state: AppState) -> None:
    client, username = _client(
        app, state, FOCAL_POINT, districts=("ALPHA",), institutions=("PROSECUTION",)
    )
    evidence = "data:text/csv;base64," + base64.b64encode(CSV).decode()
    response = _report(client, _payload(), evidence, "cells.csv")
    assert response.status_code == 200, response.get_data()[:300]
    text = _text(response)
    assert "was recorded (revision 1)" in text
    assert report_states(state.db) == [("SCRUTINY", "2025Q4", 1, "submitted")]
    (event,) = _events(state, "plan_report.submitted")
    assert event.actor == username and event.detail["activity"] == "SCRUTINY"
    assert event.sha256 is not None
    assert EvidenceStore(state.settings.resolved_evidence_dir).get(event.sha256) == CSV
    body = response.get_json()["response"]
    assert body["plan-report-evidence"]["contents"] is None  # the file is cleared
    assert "Waiting for review" in json.dumps(body["plan-report-mine"], ensure_ascii=False)


def test_problems_are_all_shown_and_nothing_is_recorded(app: Any, state: AppState) -> None:
    client, _ = _client(
        app, state, FOCAL_POINT, districts=("ALPHA",), institutions=("PROSECUTION",)
    )
    before = row_counts(state.db)
    bad = _payload(
        status="delayed",
        spend="12.5m",
        narrative="",
        milestones={"SOP": "2030-01-01", "NOPE": "2024-01-01"},
    )
    text = _text(_report(client, bad))
    assert "The report was not recorded" in text
    for expected in (
        "whole rupees",
        "PLAN_NARRATIVE_REQUIRED",
        "PLAN_UNKNOWN_MILESTONE",
        "PLAN_MILESTONE_FUTURE",
    ):
        assert expected in text, expected
    after = row_counts(state.db)
    assert after["plan_report"] == before["plan_report"] == 0
    assert after["audit_event"] == before["audit_event"]  # a dry run: the form was not usable


def test_a_focal_point_cannot_report_on_another_institutions_activity(
    app: Any, state: AppState
) -> None:
    client, username = _client(
        app, state, FOCAL_POINT, districts=("ALPHA",), institutions=("PROSECUTION",)
    )
    before = row_counts(state.db)
    for payload in (_payload("VIDEO_LINKS", milestones={}), _payload("VIDEO_LINKS", spend="oops")):
        response = _report(client, payload)
        assert response.status_code == 200
        assert "You may not report on this activity" in _text(response)
    after = row_counts(state.db)
    assert after["plan_report"] == before["plan_report"] == 0
    assert after["plan_report_evidence"] == 0
    refused = _events(state, "plan_report.refused")
    assert len(refused) == 2 and {e.actor for e in refused} == {username}
    assert {e.detail["code"] for e in refused} == {"PLAN_NOT_LEAD"}


@pytest.mark.parametrize("role", [None, STEERING])
def test_visitors_and_the_steering_committee_cannot_report(
    app: Any, state: AppState, role: str | None
) -> None:
    if role is None:
        client = app.server.test_client()
    else:
        client, _ = _client(app, state, role)
    before = row_counts(state.db)
    assert _report(client, _payload()).status_code == 403
    assert row_counts(state.db) == before


def test_the_steering_committee_gets_403_on_approve_and_nothing_changes(
    app: Any, state: AppState, mini_catalog: Catalog
) -> None:
    rid = file_report(state.db, mini_catalog, "VIDEO_LINKS", narrative=PENDING_NARRATIVE)
    client, _ = _client(app, state, STEERING)
    focal, _ = _client(app, state, FOCAL_POINT, districts=("ALPHA",), institutions=("PRISONS",))
    before = row_counts(state.db)
    for button in plan_tracker.ACTIONS:
        assert _review(client, rid, button, "a reason").status_code == 403
    assert _review(focal, rid, plan_tracker.view.APPROVE).status_code == 403
    assert row_counts(state.db) == before
    assert report_states(state.db) == [("VIDEO_LINKS", "2025Q4", 1, "submitted")]


def test_an_analyst_approves_and_returns(app: Any, state: AppState, mini_catalog: Catalog) -> None:
    first = file_report(state.db, mini_catalog, "VIDEO_LINKS", narrative=PENDING_NARRATIVE)
    second = file_report(state.db, mini_catalog, "SCRUTINY", quarter="2025Q3")
    client, username = _client(app, state, ANALYST)

    text = _text(_review(client, first, plan_tracker.view.APPROVE))
    assert "the report is approved" in text
    with state.db.read() as conn:
        assert get_report(conn, first).state == "approved"
    (approved,) = _events(state, "plan_report.approved")
    assert (approved.actor, approved.entity_id) == (username, str(first))
    assert approved.detail is not None and approved.detail["before"] == "submitted"

    # approving it again: refused, nothing changes
    again = _text(_review(client, first, plan_tracker.view.APPROVE))
    assert "Nothing changed" in again and "already approved" in again

    # returning needs a reason
    missing = _text(_review(client, second, plan_tracker.view.RETURN, "  ", activity="SCRUTINY"))
    assert "write a reason" in missing
    with state.db.read() as conn:
        assert get_report(conn, second).state == "submitted"
    reason = "The spend does not match the ADP release statement."
    done = _text(_review(client, second, plan_tracker.view.RETURN, reason, activity="SCRUTINY"))
    assert "returned to the lead institution" in done
    with state.db.read() as conn:
        back = get_report(conn, second)
    assert (back.state, back.review_reason, back.reviewer) == ("returned", reason, username)
    (returned,) = _events(state, "plan_report.returned")
    assert returned.actor == username and returned.detail["reason"] == reason
