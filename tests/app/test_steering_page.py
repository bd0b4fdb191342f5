"""The Steering Committee view (/steering): the pack on screen for an analyst or an SC member
(English and Urdu), the drill-down, the marks on approved-but-unpublished figures, and that the
page can write nothing (it has no callbacks). SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update

from dbmis.app import routing
from dbmis.app.auth import STEERING, Account
from dbmis.app.context import AppState, PageContext, PageQuery, app_state
from dbmis.app.pages import steering as page
from dbmis.catalog import Catalog
from dbmis.warehouse import Database
from dbmis.warehouse.queries.dimensions import kpi_ids
from dbmis.warehouse.schema import kpi_value
from tests.app.auth_env import DEFAULT_PASSWORD, AuthEnv, build
from tests.app.conftest import PROVINCE, _value
from tests.app.steering_env import QUARTER, RATIONALE, add_values, seed
from tests.support.auth import sign_in

SC = Account(7, "sc", "SC Member", STEERING, frozenset(), frozenset(), "s-sc")


def text_of(component: Any) -> str:
    return json.dumps(
        component.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False
    )


def ctx(state: AppState, search: str = "") -> PageContext:
    return PageContext(
        state=state, path=page.PATH, query=PageQuery.parse(search, state.catalog), account=SC
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


def test_summary_marks_what_is_not_yet_published(state: AppState) -> None:
    text = text_of(page.layout(ctx(state)))
    for expected in (
        "Stocktake Q1 2026",
        "Conviction rate",
        "77.7%",  # approved, release 1 says 12.5%
        "Approved, not yet published",
        "Published in release 1",  # under-trial share, as released
        "Amber-red",
        "Not judged",
        "/steering/pack/",
        "Recruit ten prosecutors",
        "Overdue",
        "Approve the recruitment budget",
        "1 KPI figure(s) below come from approved data that no release holds yet",
    ):
        assert expected in text, expected
    assert '"id": "st-drill"' not in text  # no KPI chosen: no drill-down


def test_summary_says_when_a_figure_rests_on_too_few_returns(state: AppState) -> None:
    assert "(incomplete)" not in text_of(page.layout(ctx(state)))
    with state.db.write() as conn:
        conn.execute(
            update(kpi_value)
            .where(kpi_value.c.geo_level == "province", kpi_value.c.period == QUARTER)
            .values(flagged=True, completeness=0.25)
        )
    assert "25% (incomplete)" in text_of(page.layout(ctx(state)))


def test_drill_down_of_a_kpi(state: AppState) -> None:
    with state.db.read() as conn:
        cr = kpi_ids(conn)["CONVICTION_RATE"]
    add_values(
        state.db,
        [
            _value(cr, "province", PROVINCE, "month", f"2026-0{m}", 202600 + m, 70.0 + m)
            for m in (1, 2, 3)
        ],
    )
    text = text_of(page.layout(ctx(state, f"?at={QUARTER}&kpi=CONVICTION_RATE")))
    for expected in (
        '"id": "st-drill"',
        RATIONALE,
        "Divisions, Jan–Mar 2026",
        "North",
        "Districts, Jan–Mar 2026",
        "Delta",
        "Institutions: the indicators behind the KPI",
        "Public Prosecution Department",
        "Too few prosecutors in Gamma",
        "data:image/svg+xml;base64,",  # the chart
        "Capacity to drive progress",
        "Weak",
    ):
        assert expected in text, expected


def test_urdu(state: AppState) -> None:
    text = text_of(page.layout(ctx(state, "?lang=ur&kpi=CONVICTION_RATE")))
    for expected in ("جائزہ اجلاس کا پیک", "منظور شدہ، ابھی شائع نہیں", "زرد-سرخ", "سزا کی شرح"):
        assert expected in text, expected


def test_no_stocktake_yet(synced: Database, mini_catalog: Catalog) -> None:
    e = build(synced, mini_catalog)
    try:
        text = text_of(page.layout(ctx(app_state(e.server))))
    finally:
        e.dispose()
    assert "No stocktake has been prepared yet" in text


def test_the_page_is_read_only() -> None:
    assert not hasattr(page, "register") and not hasattr(page, "CALLBACK_ROLES")
    assert routing.page_roles("steering") == frozenset({"analyst", "steering"})


def test_sc_member_reads_the_page_over_http(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(STEERING), DEFAULT_PASSWORD)
    assert client.get("/steering").status_code == 200
    children, lang, _ = routing_render_as(env, client, "/steering", "?kpi=CONVICTION_RATE")
    assert lang == "en" and "Approved, not yet published" in children


def routing_render_as(env: AuthEnv, client: Any, path: str, search: str) -> tuple[str, str, str]:
    """What the routing callback draws for the signed-in ``client`` (over HTTP)."""
    from dbmis.app.auth.policy import ROUTING_KEY
    from tests.support.auth import post_callback

    response = post_callback(
        client,
        ROUTING_KEY,
        [("url", "pathname", path), ("url", "search", search)],
    )
    assert response.status_code == 200, response.status_code
    answer = response.get_json()["response"]
    return (
        json.dumps(answer["page-root"]["children"], ensure_ascii=False),
        answer["page-root"]["lang"],
        answer["page-root"]["dir"],
    )


def test_routing_draws_the_page_only_for_steering_readers(env: AuthEnv) -> None:
    for role, allowed in (("steering", True), ("analyst", True), ("focal_point", False),
                          ("admin", False)):  # fmt: skip
        client = env.client()
        sign_in(client, env.username(role), DEFAULT_PASSWORD)
        children, _, _ = routing_render_as(env, client, "/steering", "")
        assert ("Stocktake Q1 2026" in children) is allowed, role
    visitor = env.client()
    children, _, _ = routing_render_as(env, visitor, "/steering", "")
    assert "Stocktake Q1 2026" not in children
    assert routing.resolve("/steering", env.app.server.extensions["dbmis"].catalog).found
