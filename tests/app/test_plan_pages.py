"""The action plan pages drawn as plain functions with an account (SQLite and PostgreSQL):
the progress page offers a focal point only the activities their institution leads, with a
labelled form; the tracker shows roll-ups, the drill-down and (analysts only) the review
controls; money, quarters and the form's fields are parsed and written as people read them."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from dbmis.app import routing
from dbmis.app.auth import ANALYST, FOCAL_POINT, STEERING
from dbmis.app.context import AppState
from dbmis.app.pages import plan_tracker, progress
from dbmis.app.pages.plan_parts import pkr
from dbmis.app.plan_service import (
    default_quarter,
    parse_payload,
    parse_spend,
    quarter_choices,
)
from dbmis.app.plan_tracker_service import unpublished_codes
from dbmis.catalog import Catalog
from dbmis.kpis.plan_data import published_plan
from tests.app.plan_env import (
    NARRATIVE,
    PENDING_NARRATIVE,
    account,
    dump,
    file_report,
    page_ctx,
)
from tests.app.test_routing import find, headings

# --- plain helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "en", "ur"),
    [
        (850_000, "PKR 850,000", "850,000"),
        (12_500_000, "PKR 12.5 m", "12.5"),
        (1_060_000_000, "PKR 1.06 bn", "1.06"),
        (0, "PKR 0", "0"),
    ],
)
def test_rupees_as_people_read_them(amount: int, en: str, ur: str) -> None:
    assert pkr(amount, "en") == en
    urdu = pkr(amount, "ur")
    assert ur in urdu and "روپے" in urdu and "\u2066" in urdu  # the number isolated LTR
    assert pkr(None, "en") == "–"


def test_spend_as_people_type_it() -> None:
    assert parse_spend("12,500,000") == 12_500_000
    assert parse_spend(" 1 200 000 ") == 1_200_000
    assert parse_spend("0") == 0
    assert parse_spend("-5") == -5  # the checks say it is below zero
    for bad in ("", "12.5m", "1.5", "abc", "1" * 16):
        assert parse_spend(bad) is None, bad


def test_payload_is_parsed_defensively() -> None:
    assert parse_payload(None) is None
    assert parse_payload(["x"]) is None
    got = parse_payload(
        {
            "activity": " scrutiny ",
            "quarter": "2025q4",
            "status": "delayed",
            "spend": 1200,
            "narrative": "x" * 30_000,
            "milestones": {"SOP": "2024-03-01", "CELLS": "  ", "ALL": None, 7: "2024-01-01"},
        }
    )
    assert got is not None
    assert (got.activity, got.quarter, got.status, got.spend) == (
        "SCRUTINY",
        "2025Q4",
        "delayed",
        "1200",
    )
    assert len(got.narrative) == 20_000  # still longer than the checks allow: they say so
    assert got.milestones == {"SOP": "2024-03-01"}


def test_quarters_offered(mini_catalog: Catalog) -> None:
    scrutiny = mini_catalog.activity_by_code["SCRUTINY"]  # 2024-01-01 .. 2025-12-31
    assert quarter_choices(scrutiny, date(2024, 2, 10)) == ["2024Q1"]
    assert quarter_choices(scrutiny, date(2024, 11, 3)) == ["2024Q4", "2024Q3", "2024Q2", "2024Q1"]
    # at most four quarters after the end quarter, and at most eight shown
    late = quarter_choices(scrutiny, date(2030, 1, 1))
    assert late[0] == "2026Q4" and len(late) == 8
    assert default_quarter(["2024Q4", "2024Q3"], date(2024, 11, 3)) == "2024Q3"
    assert default_quarter(["2024Q1"], date(2024, 2, 10)) == "2024Q1"
    assert default_quarter([], date(2024, 2, 10)) is None


def test_routes(mini_catalog: Catalog) -> None:
    assert routing.resolve("/plan", mini_catalog).page == "plan_public"
    match = routing.resolve("/plan/scrutiny", mini_catalog)
    assert (match.page, match.params) == ("plan_activity", {"code": "SCRUTINY"})
    assert routing.resolve("/plan/NOPE", mini_catalog).page == "not_found"
    assert routing.resolve("/portal/progress", mini_catalog).page == "progress"
    assert routing.resolve("/workspace/plan", mini_catalog).page == "plan_tracker"
    assert routing.page_roles("progress") == frozenset({FOCAL_POINT, ANALYST})
    assert routing.page_roles("plan_tracker") == frozenset({ANALYST, STEERING})


# --- the progress page ------------------------------------------------------------------------


def test_a_focal_point_is_offered_only_the_activities_their_institution_leads(
    state: AppState,
) -> None:
    fp = account(state.db, FOCAL_POINT, districts=("ALPHA",), institutions=("PROSECUTION",))
    page = progress.layout(page_ctx(state, "/portal/progress", "", fp))
    text = dump(page)
    assert "Challan scrutiny cells" in text  # led by PROSECUTION: offered, its form open
    assert "Video-link hearings" not in text and "Legal aid panel" not in text
    assert "You report on the activities led by: Public Prosecution Department" in text
    assert 'data-activity": "SCRUTINY"' in text
    # asking for another institution's activity: not offered, no form
    other = dump(progress.layout(page_ctx(state, "/portal/progress", "?activity=VIDEO_LINKS", fp)))
    assert "You may not report on that activity" in other
    assert "data-activity" not in other


def test_the_form_is_labelled_native_and_bilingual(state: AppState) -> None:
    analyst = account(state.db, ANALYST)
    for lang in ("en", "ur"):
        page = progress.layout(
            page_ctx(state, "/portal/progress", f"?lang={lang}&activity=SCRUTINY", analyst)
        )
        labels = {getattr(label, "htmlFor", None) for label in find(page, "Label")}
        selects = find(page, "Select")
        assert {s.id for s in selects} == {"plan-f-quarter", "plan-f-status"}
        inputs = [*find(page, "Input"), *find(page, "Textarea"), *selects]
        named = [c for c in inputs if getattr(c, "type", None) != "hidden"]
        assert named and all(c.id in labels for c in named), [c.id for c in named]
        assert {c.id for c in named} >= {
            "plan-f-spend",
            "plan-f-narrative",
            "plan-f-ms-SOP",
            "plan-f-ms-CELLS",
            "plan-f-ms-ALL",
        }
        assert not find(page, "Dropdown") and not find(page, "RadioItems")
        levels = headings(page)
        assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))
        if lang == "ur":
            assert "سرگرمیاں جن پر آپ رپورٹ کرتے ہیں" in dump(page)


def test_an_analyst_may_report_on_any_activity(state: AppState) -> None:
    analyst = account(state.db, ANALYST)
    text = dump(progress.layout(page_ctx(state, "/portal/progress", "", analyst)))
    for title in ("Challan scrutiny cells", "Legal aid panel", "Video-link hearings"):
        assert title in text
    assert "data-activity" not in text  # several activities: the reader picks one


def test_returned_reports_show_the_reason(state: AppState, mini_catalog: Catalog) -> None:
    from dbmis.ingest.progress import PlanActor, return_report

    rid = file_report(state.db, mini_catalog, "SCRUTINY")
    return_report(
        state.db,
        rid,
        PlanActor.operator("cli:du"),
        reason="Spend does not match the ADP statement.",
    )
    fp = account(state.db, FOCAL_POINT, districts=("ALPHA",), institutions=("PROSECUTION",))
    text = dump(progress.layout(page_ctx(state, "/portal/progress", "", fp)))
    assert "Spend does not match the ADP statement." in text
    assert "returned 1 report(s)" in text


# --- the tracker ----------------------------------------------------------------------------


def _tracker(state: AppState, search: str, who: Any) -> str:
    return dump(plan_tracker.layout(page_ctx(state, "/workspace/plan", search, who)))


def test_the_tracker_rolls_up_by_kpi_and_institution(
    state: AppState, mini_catalog: Catalog
) -> None:
    file_report(
        state.db,
        mini_catalog,
        "SCRUTINY",
        approve=True,
        spend_pkr=4_500_000,
        milestones={"SOP": "2024-03-20", "CELLS": "2024-12-01"},
    )
    file_report(
        state.db, mini_catalog, "VIDEO_LINKS", narrative=PENDING_NARRATIVE, status="delayed"
    )
    sc = account(state.db, STEERING)
    text = _tracker(state, "", sc)
    assert "By KPI" in text and "By lead institution" in text
    assert "Conviction rate" in text and "Prisons" in text
    assert "approved, not yet published" in text  # no release holds the plan yet
    assert "No release has published the action plan yet" in text
    assert "PKR 4.5 m of PKR 10.0 m (45%)" in text  # SCRUTINY: every fiscal year has begun
    # the SC sees no review controls, no pending reports and no unapproved report
    assert plan_tracker.view.APPROVE not in text and "waiting for review" not in text.lower()
    assert PENDING_NARRATIVE not in _tracker(state, "?activity=VIDEO_LINKS", sc)
    drill = _tracker(state, "?activity=SCRUTINY", sc)
    for expected in (
        "Cells in two districts",
        "FY 2024-25",
        "Provincial ADP",
        "Non-development budget",
        NARRATIVE,
    ):
        assert expected in drill, expected
    # narrowed to one KPI: the activities behind it only
    narrow = _tracker(state, "?kpi=UNDERTRIAL_SHARE", sc)
    name = mini_catalog.kpi_by_code["UNDERTRIAL_SHARE"].name.en
    assert f"Activities meant to move {name}" in narrow
    assert "Video-link hearings" in narrow and "Challan scrutiny cells" not in narrow


def test_the_analyst_sees_pending_reports_and_the_review_panel(
    state: AppState, mini_catalog: Catalog
) -> None:
    rid = file_report(
        state.db, mini_catalog, "VIDEO_LINKS", narrative=PENDING_NARRATIVE, status="delayed"
    )
    analyst = account(state.db, ANALYST)
    text = _tracker(state, "", analyst)
    assert "Progress reports waiting for review (1)" in text
    assert f"report={rid}" in text
    panel = _tracker(state, f"?activity=VIDEO_LINKS&report={rid}", analyst)
    assert plan_tracker.view.APPROVE in panel and plan_tracker.view.RETURN in panel
    assert PENDING_NARRATIVE in panel
    # a report of another activity opens no panel
    assert plan_tracker.view.APPROVE not in _tracker(
        state, f"?activity=SCRUTINY&report={rid}", analyst
    )


def test_unpublished_marks_follow_the_latest_release(
    state: AppState, mini_catalog: Catalog
) -> None:
    from dbmis.kpis.plan_data import plan_status

    file_report(state.db, mini_catalog, "SCRUTINY", approve=True)
    statuses = tuple(plan_status(state.db, mini_catalog, as_of=date(2026, 5, 1)))
    assert unpublished_codes(statuses, published_plan(state.db)) == frozenset({"SCRUTINY"})
