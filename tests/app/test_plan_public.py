"""The public site shows the action plan as releases published it, never an unapproved or
unpublished report (SQLite and PostgreSQL).

An approved report that no release holds yet and a report waiting for review are filed; the
public pages (/plan, /plan/<code>, /kpi/<code>, drawn through the routing as a visitor gets
them, from the page cache too) say the plan is not published yet and show neither. After a
release, the approved one appears (status, milestones, money, a milestone marker on the KPI's
chart); the one waiting for review still does not.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from dbmis.app import routing
from dbmis.app.context import AppState
from dbmis.catalog import Catalog
from tests.app.plan_env import NARRATIVE, PENDING_NARRATIVE, dump, file_report, publish
from tests.app.test_routing import find
from tests.support.auth import post_callback

PAGES = ("/plan", "/plan/SCRUTINY", "/plan/VIDEO_LINKS", "/kpi/CONVICTION_RATE")
ROUTING = "..page-root.children...page-root.lang...page-root.dir.."


def _public(state: AppState, path: str, search: str = "") -> str:
    children, _, _ = routing.render_cached(state, path, search)
    return dump(children)


def _milestone_traces(state: AppState) -> list[dict[str, Any]]:
    children, _, _ = routing.render(state, "/kpi/CONVICTION_RATE", "")
    (graph,) = [g for g in find(children, "Graph") if getattr(g, "id", None) == "kpi-trajectory"]
    traces = graph.figure.to_plotly_json()["data"]
    return [t for t in traces if t.get("legendgroup") == "milestones" and t.get("x") != [None]]


@pytest.fixture
def reports(state: AppState, mini_catalog: Catalog) -> dict[str, int]:
    """SCRUTINY 2025Q4 approved (delayed, 4.5 million spent, SOP and CELLS done); VIDEO_LINKS
    2025Q4 waiting for review (completed, 1.9 million spent)."""
    approved = file_report(
        state.db,
        mini_catalog,
        "SCRUTINY",
        approve=True,
        status="delayed",
        spend_pkr=4_500_000,
        milestones={"SOP": "2024-03-20", "CELLS": "2024-12-01"},
    )
    pending = file_report(
        state.db,
        mini_catalog,
        "VIDEO_LINKS",
        status="delayed",
        spend_pkr=1_900_000,
        narrative=PENDING_NARRATIVE,
        milestones={"ROOMS": "2025-06-15"},
    )
    return {"approved": approved, "pending": pending}


def test_nothing_unpublished_reaches_the_public_pages(
    state: AppState, mini_catalog: Catalog, reports: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # release 1 (the fixture's) holds no plan: every page says so, nothing of the reports shows
    for lang in ("en", "ur"):
        for path in PAGES:
            text = _public(state, path, f"?lang={lang}")
            for leak in (
                NARRATIVE,
                PENDING_NARRATIVE,
                "PKR 4.5 m",
                "PKR 1.9 m",
                "4.5 ملین",
                "(reported for",  # a status from a report (the legend names every status)
                "کے لیے رپورٹ)",
            ):
                assert leak not in text, (path, lang, leak)
            expected = "has not been published yet" if lang == "en" else "ابھی شائع نہیں ہوئی"
            assert expected in text, (path, lang)
    assert _milestone_traces(state) == []
    kpi = _public(state, "/kpi/CONVICTION_RATE")
    assert "What is being done" in kpi and "Challan scrutiny cells" in kpi

    # a release publishes the approved report only
    number = publish(state.db, mini_catalog, monkeypatch)
    assert number == 2
    plan = _public(state, "/plan")
    assert "Status as published with release 2" in plan
    assert "PKR 4.5 m of PKR 10.0 m (45%)" in plan  # SCRUTINY, as of 31 March 2026
    assert "Delayed" in plan and "(reported for" in plan
    assert "Not reported" in plan  # VIDEO_LINKS: its report waits for review
    assert "PKR 1.9 m" not in plan and "Rooms ready" in plan  # ROOMS overdue, not done
    assert NARRATIVE not in plan and PENDING_NARRATIVE not in plan  # narratives stay inside
    detail = _public(state, "/plan/SCRUTINY")
    for expected in ("Delayed", "20 March 2024", "1 December 2024", "Provincial ADP", "PKR 10.0 m"):
        assert expected in detail, expected
    video = _public(state, "/plan/VIDEO_LINKS")
    assert "Not reported" in video and "15 June 2025" not in video
    kpi = _public(state, "/kpi/CONVICTION_RATE")
    assert "Activities behind Conviction rate: status published with release 2" in kpi
    assert "(reported for" in kpi and PENDING_NARRATIVE not in kpi
    # milestone markers from the published plan, named in the chart's table too
    traces = _milestone_traces(state)
    assert traces and len(traces[0]["x"]) >= 1
    texts = " ".join(traces[0]["text"])
    assert "Cells in every district" in texts or "Rules amended" in texts
    assert "Milestone: " in kpi

    # the one waiting for review is approved later: still not public until the next release
    from dbmis.ingest.progress import PlanActor, approve_reports

    approve_reports(state.db, [reports["pending"]], PlanActor.operator("cli:du"))
    assert "PKR 1.9 m" not in _public(state, "/plan")
    publish(state.db, mini_catalog, monkeypatch)
    assert "PKR 1.9 m" in _public(state, "/plan")


def test_the_public_pages_over_http(
    client: Any,
    state: AppState,
    mini_catalog: Catalog,
    reports: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As a browser gets them: documents answer 200 (an unknown activity 404), and the routing
    callback gives the same content."""
    assert client.get("/plan").status_code == 200
    assert client.get("/plan/SCRUTINY").status_code == 200
    assert client.get("/plan/NOPE").status_code == 404
    publish(state.db, mini_catalog, monkeypatch)
    answer = post_callback(
        client, ROUTING, [("url", "pathname", "/plan"), ("url", "search", "?lang=ur")]
    )
    assert answer.status_code == 200
    text = (
        json.dumps(answer.get_json(), ensure_ascii=False)
        .replace("\u2066", "")
        .replace("\u2069", "")
    )
    assert "ایکشن پلان" in text and "اشاعت 2 کے ساتھ" in text
    assert PENDING_NARRATIVE not in text
