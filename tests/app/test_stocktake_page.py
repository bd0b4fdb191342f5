"""Stocktake preparation (/workspace/stocktake): the page drawn for an analyst, the forms'
plain functions (every write audited, bad input refused with a message and nothing written),
and the callbacks over HTTP: an analyst saves a judgement; a Steering Committee member, a focal
point and a visitor get 403 and nothing changes. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from dbmis.app.auth import ANALYST, FOCAL_POINT, STEERING, Account, output_key
from dbmis.app.context import AppState, PageContext, PageQuery, app_state
from dbmis.app.pages import stocktake_prep as page
from dbmis.catalog import Catalog
from dbmis.kpis import stocktake as st
from dbmis.warehouse import Database
from dbmis.warehouse.queries.audit import list_events
from tests.app.auth_env import DEFAULT_PASSWORD, AuthEnv, build, row_counts
from tests.app.steering_env import QUARTER, seed
from tests.support.auth import post_callback, sign_in

ANA = Account(1, "ana", "Ana Analyst", ANALYST, frozenset(), frozenset(), "s-ana")


def text_of(component: Any) -> str:
    """Every string in a component tree (what a reader would see)."""
    return json.dumps(
        component.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False
    )


def ctx(state: AppState, search: str = "") -> PageContext:
    return PageContext(
        state=state, path=page.PATH, query=PageQuery.parse(search, state.catalog), account=ANA
    )


@pytest.fixture
def env(published: Database, mini_catalog: Catalog) -> Iterator[AuthEnv]:
    seed(published)
    e = build(published, mini_catalog)
    yield e
    e.dispose()


@pytest.fixture
def state(env: AuthEnv) -> AppState:
    return app_state(env.server)


# --- the page ------------------------------------------------------------------------------


def test_page_shows_the_stocktake_the_kpi_and_the_forms(state: AppState) -> None:
    text = text_of(page.layout(ctx(state, "?kpi=CONVICTION_RATE")))
    for expected in (
        "Stocktake Q1 2026",
        "Working on: Conviction rate",
        "Amber-red",
        "Too few prosecutors in Gamma",
        "Recruit ten prosecutors",
        "Approve the recruitment budget",
        "Approved, not yet published",
        "/steering/pack/",
        "st-judge-submit",
        "Mark the stocktake final",
    ):
        assert expected in text, expected
    urdu = text_of(page.layout(ctx(state, "?lang=ur&kpi=CONVICTION_RATE")))
    assert "جائزہ اجلاس کی تیاری" in urdu and "زرد-سرخ" in urdu


def test_page_without_stocktakes_offers_to_open_one(
    synced: Database, mini_catalog: Catalog
) -> None:
    e = build(synced, mini_catalog)
    try:
        text = text_of(page.layout(ctx(app_state(e.server))))
    finally:
        e.dispose()
    assert "No stocktake has been opened yet" in text and "st-create-submit" in text


# --- the forms as plain functions ------------------------------------------------------------


def test_judgement_is_saved_and_audited(state: AppState) -> None:
    values = {
        "kpi": "UNDERTRIAL_SHARE",
        "st-judge-likelihood": "green",
        "st-judge-rationale": "On track everywhere.",
        "st-judge-planning": "strong",
        "st-judge-capacity": "",
    }
    outcome = page.save(state, ANA, "st-judge-submit", QUARTER, values, "en")
    assert outcome.ok, outcome.message
    summary = st.summary(state.db, QUARTER, page.today())
    judged = summary.kpi("UNDERTRIAL_SHARE").judgement
    assert judged is not None and judged.likelihood == "green"
    assert judged.criteria == {"planning": "strong"}
    with state.db.read() as conn:
        events = list_events(conn, action="stocktake.judged")
    assert events[0].actor == "ana" and events[0].detail["kpi"] == "UNDERTRIAL_SHARE"  # type: ignore[index]


@pytest.mark.parametrize(
    ("button", "values", "message"),
    [
        ("st-judge-submit", {"kpi": "CONVICTION_RATE", "st-judge-likelihood": "green"},
         "write the rationale"),
        ("st-judge-submit", {"kpi": "CONVICTION_RATE", "st-judge-rationale": "x"},
         "choose a likelihood"),
        ("st-action-submit", {"st-action-text": "Do it", "st-action-owner": "DU",
                              "st-action-due": "31/12/2026"}, "is not a date"),
        ("st-action-submit", {"st-action-text": "Do it"}, "name the action's owner"),
        ("st-decision-submit", {"st-decision-kind": "asked", "st-decision-text": " "},
         "write the decision"),
        ("st-status-submit", {"st-status-value": "done"}, "choose an action"),
        ("st-problem-submit", {"st-problem-text": "x", "st-problem-kpi": "NOPE"}, "no KPI"),
    ],
)  # fmt: skip
def test_bad_input_writes_nothing(
    state: AppState, button: str, values: dict[str, Any], message: str
) -> None:
    before = row_counts(state.db)
    outcome = page.save(state, ANA, button, QUARTER, values, "en")
    assert not outcome.ok and message in outcome.message
    assert row_counts(state.db) == before


def test_items_and_final(state: AppState) -> None:
    ok = [
        page.save(state, ANA, "st-problem-submit", QUARTER,
                  {"st-problem-text": "Data late from Beta", "st-problem-kpi": "_general"}, "en"),
        page.save(state, ANA, "st-action-submit", QUARTER,
                  {"st-action-text": "Chase Beta", "st-action-owner": "DU",
                   "st-action-due": "2026-12-31", "st-action-kpi": "UNDERTRIAL_SHARE"}, "en"),
        page.save(state, ANA, "st-decision-submit", QUARTER,
                  {"st-decision-kind": "taken", "st-decision-text": "Budget approved",
                   "st-decision-date": "2026-04-28", "st-decision-kpi": "CONVICTION_RATE"}, "en"),
    ]  # fmt: skip
    assert all(o.ok for o in ok), [o.message for o in ok]
    summary = st.summary(state.db, QUARTER, page.today())
    assert [p.description for p in summary.problems] == ["Data late from Beta"]
    action = summary.kpi("UNDERTRIAL_SHARE").actions[0]
    assert (action.owner, str(action.due_date)) == ("DU", "2026-12-31")
    status = page.save(
        state, ANA, "st-status-submit", QUARTER,
        {"st-status-action": action.id, "st-status-value": "in_progress"}, "en",
    )  # fmt: skip
    assert status.ok
    assert page.save(state, ANA, "st-final-submit", QUARTER, {}, "en").ok
    refused = page.save(state, ANA, "st-problem-submit", QUARTER, {"st-problem-text": "late"}, "en")
    assert not refused.ok and "the stocktake is final" in refused.message
    # actions keep moving after the meeting
    assert page.save(
        state, ANA, "st-status-submit", QUARTER,
        {"st-status-action": action.id, "st-status-value": "done"}, "ur",
    ).ok  # fmt: skip
    text = text_of(page.layout(ctx(state, "?kpi=CONVICTION_RATE")))
    assert "This stocktake is final" in text


def test_create(state: AppState) -> None:
    where, outcome = page.create(state, ANA, "2026q2", "", "2026-07-20", "ur")
    assert outcome.ok and where == "/workspace/stocktake?lang=ur&at=2026Q2"
    assert st.summary(state.db, "2026Q2", page.today()).title == "Stocktake 2026Q2"
    again, refused = page.create(state, ANA, "2026Q2", "", "", "en")
    assert again is None and "is already open" in refused.message
    bad, wrong = page.create(state, ANA, "2026-06", "", "", "ur")
    assert bad is None and "سہ ماہی نہیں" in wrong.message
    assert not page.save(state, ANA, "st-final-submit", "2030Q1", {}, "en").ok


# --- the callbacks over HTTP -----------------------------------------------------------------

SAVE_KEY = output_key(*page.SAVE_OUTPUT)
CREATE_KEY = output_key(*page.CREATE_OUTPUT)


def judge_call(client: Any) -> Any:
    fields = {
        "st-judge-likelihood": "red",
        "st-judge-rationale": "Written by whoever called",
    }
    return post_callback(
        client,
        SAVE_KEY,
        [(b, "n_clicks", 1 if b == "st-judge-submit" else 0) for b in page.BUTTONS],
        [
            ("st-context", "data", {"quarter": QUARTER, "lang": "en"}),
            ("st-kpi", "data", "UNDERTRIAL_SHARE"),
        ]
        + [(f, "value", fields.get(f)) for f in page.FIELDS],
        changed=["st-judge-submit.n_clicks"],
    )


def create_call(client: Any) -> Any:
    return post_callback(
        client,
        CREATE_KEY,
        [("st-create-submit", "n_clicks", 1)],
        [
            ("st-create-quarter", "value", "2026Q3"),
            ("st-create-title", "value", ""),
            ("st-create-meeting", "value", ""),
            ("st-redirect", "search", ""),
        ],
    )


def test_analyst_saves_a_judgement_through_the_callback(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ANALYST), DEFAULT_PASSWORD)
    response = judge_call(client)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "The judgement was saved" in response.get_data(as_text=True)
    judged = st.summary(env.db, QUARTER, page.today()).kpi("UNDERTRIAL_SHARE").judgement
    assert judged is not None and judged.likelihood == "red"
    with env.db.read() as conn:
        event = list_events(conn, action="stocktake.judged")[0]
    assert event.actor == env.username(ANALYST)
    created = create_call(client)
    assert created.status_code == 200
    answer = created.get_json()["response"]
    assert answer["st-redirect"]["href"] == "/workspace/stocktake?at=2026Q3"


@pytest.mark.parametrize("role", [STEERING, FOCAL_POINT, None])
def test_others_are_refused_and_nothing_changes(env: AuthEnv, role: str | None) -> None:
    client = env.client()
    if role is not None:
        sign_in(client, env.username(role), DEFAULT_PASSWORD)
    before = row_counts(env.db)
    assert judge_call(client).status_code == 403
    assert create_call(client).status_code == 403
    assert row_counts(env.db) == before
    assert st.summary(env.db, QUARTER, page.today()).kpi("UNDERTRIAL_SHARE").judgement is None
