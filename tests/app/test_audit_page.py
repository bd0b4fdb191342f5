"""The audit log (/audit): filters (actor, action, submission, days), pages of events newest
first with their file hashes, the page for analysts and administrators, and the callback over
HTTP (Steering Committee members, focal points and visitors get 403). SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dbmis.app.auth import ADMIN, ANALYST, FOCAL_POINT, STEERING, Account, output_key
from dbmis.app.context import AppState, PageContext, PageQuery, app_state
from dbmis.app.pages import audit_log as page
from dbmis.catalog import Catalog
from dbmis.warehouse import Database
from dbmis.warehouse.queries.audit import append_event
from dbmis.warehouse.queries.audit_log import EventFilter, search_events
from tests.app.auth_env import DEFAULT_PASSWORD, AuthEnv, build
from tests.support.auth import post_callback, sign_in

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
SHA = "ab" * 32
ADA = Account(3, "ada", "Ada Admin", ADMIN, frozenset(), frozenset(), "s-ada")
KEY = output_key(*page.OUTPUTS)


def add_events(db: Database) -> None:
    """120 events, one a day from 1 March 2026: every third an approval of submission 7 by
    ``ana`` with a file hash, the others uploads of submission 8 by ``fp``."""
    with db.write() as conn:
        for i in range(120):
            mine = i % 3 == 0
            append_event(
                conn,
                actor="ana" if mine else "fp",
                action="submission.approve" if mine else "submission.created",
                entity="submission",
                entity_id=7 if mine else 8,
                sha256=SHA if mine else None,
                detail={"before": "submitted", "after": "approved", "n": i} if mine else None,
                at=T0 + timedelta(days=i),
            )


def test_search_events_filters_and_pages(db: Database) -> None:
    add_events(db)
    with db.read() as conn:
        everything = search_events(conn, EventFilter(), limit=50)
        assert everything.total >= 120 and len(everything.events) == 50
        ids = [e.id for e in everything.events]
        assert ids == sorted(ids, reverse=True)  # newest first
        assert everything.has_older and not everything.has_newer
        ana = search_events(conn, EventFilter(actor="ana", action="submission.approve"))
        assert ana.total == 40 and {e.sha256 for e in ana.events} == {SHA}
        sub = search_events(conn, EventFilter(submission_id=8))
        assert sub.total == 80 and {e.entity_id for e in sub.events} == {"8"}
        march = search_events(conn, EventFilter(since=T0, until=datetime(2026, 3, 11, tzinfo=UTC)))
        assert march.total == 10
        last = search_events(conn, EventFilter(actor="fp"), offset=60, limit=50)
        assert len(last.events) == 20 and last.has_newer and not last.has_older
    with pytest.raises(ValueError), db.read() as conn:
        search_events(conn, EventFilter(), limit=0)


def test_filters_from_the_form() -> None:
    f = page.to_filter(page.Filters(submission="#12", since="2026-03-01", until="2026-03-01"), "en")
    assert f.submission_id == 12
    assert f.since == T0.replace(hour=0) and f.until == datetime(2026, 3, 2, tzinfo=UTC)
    for bad, message in (
        (page.Filters(submission="12a"), "is not a submission number"),
        (page.Filters(since="1/3/2026"), "is not a day"),
        (page.Filters(since="2026-03-02", until="2026-03-01"), "comes after"),
    ):
        with pytest.raises(ValueError, match=message):
            page.to_filter(bad, "en")
    assert page.detail_text({"before": "a", "after": "b", "reason": "why"}) == "a → b; reason: why"
    assert page.detail_text({"x": "y" * 500}).endswith("…")
    assert page.detail_text({"before": None, "after": "amber_red"}) == "– → amber_red"
    assert page.detail_text({"ip": "127.0.0.1", "rows": 3}) == "ip: 127.0.0.1; rows: 3"
    assert page.detail_text({"ids": [4, 5]}) == "ids: 4, 5"


@pytest.fixture
def env(synced: Database, mini_catalog: Catalog) -> Iterator[AuthEnv]:
    add_events(synced)
    e = build(synced, mini_catalog)
    yield e
    e.dispose()


def text_of(component: Any) -> str:
    return json.dumps(component, default=lambda o: o.to_plotly_json(), ensure_ascii=False)


def test_page_and_steps(env: AuthEnv) -> None:
    state: AppState = app_state(env.server)
    ctx = PageContext(state=state, path=page.PATH, query=PageQuery(), account=ADA)
    text = text_of(page.layout(ctx))
    assert "Events 1–50 of" in text and SHA in text and "/submission/7" in text
    out = page.step(state, "audit-apply", page.Filters(actor="ana"), None, "en")
    assert "Events 1–40 of 40" in text_of(out[0])
    assert out[1]["filters"]["actor"] == "ana" and out[2] is True and out[3] is True
    out = page.step(state, "audit-apply", page.Filters(actor="fp"), None, "ur")
    assert out[3] is False  # older events exist
    older = page.step(state, "audit-older", page.Filters(), out[1], "en")
    assert "Events 51–80 of 80" in text_of(older[0]) and older[2] is False
    bad = page.step(state, "audit-apply", page.Filters(since="yesterday"), None, "en")
    assert "is not a day" in text_of(bad[0])


def audit_call(client: Any) -> Any:
    return post_callback(
        client,
        KEY,
        [
            ("audit-apply", "n_clicks", 1),
            ("audit-newer", "n_clicks", 0),
            ("audit-older", "n_clicks", 0),
        ],
        [
            ("audit-actor", "value", "ana"),
            ("audit-action", "value", None),
            ("audit-submission", "value", "7"),
            ("audit-from", "value", ""),
            ("audit-to", "value", ""),
            ("audit-page", "data", {"offset": 0, "filters": {}, "lang": "en"}),
        ],
    )


@pytest.mark.parametrize(("role", "status"), [(ADMIN, 200), (ANALYST, 200), (STEERING, 403),
                                              (FOCAL_POINT, 403), (None, 403)])  # fmt: skip
def test_who_may_read_the_log(env: AuthEnv, role: str | None, status: int) -> None:
    client = env.client()
    if role is not None:
        sign_in(client, env.username(role), DEFAULT_PASSWORD)
    response = audit_call(client)
    assert response.status_code == status
    if status == 200:
        assert SHA in response.get_data(as_text=True)
    else:
        assert SHA not in response.get_data(as_text=True)
