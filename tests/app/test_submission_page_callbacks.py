"""The review pages' callbacks over HTTP, as Dash's renderer POSTs them (with the CSRF
header), signed in through the sign-in form: a focal point gets 403 and nothing changes; an
analyst's approve, return and un-approve change the status and write audit events
(SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dbmis.app.auth import ANALYST, FOCAL_POINT
from dbmis.app.context import AppState
from dbmis.app.pages import inbox, quality, submission
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.submissions import get_submission
from tests.app.auth_env import row_counts
from tests.app.review_data import Story, review_story
from tests.support.auth import DEFAULT_PASSWORD, make_user, post_callback, sign_in

CONTENT = f"{submission.CONTENT}.children"


@pytest.fixture
def story(state: AppState) -> Story:
    return review_story(state.db)


def _client(app: Any, state: AppState, role: str, **scopes: Any) -> Any:
    user = make_user(state.db, role, **scopes)
    client = app.server.test_client()
    sign_in(client, user.username, DEFAULT_PASSWORD)
    return client


def _act(client: Any, sid: int, button: str, reason: str | None = None) -> Any:
    return post_callback(
        client,
        CONTENT,
        [(b, "n_clicks", 1 if b == button else None) for b in submission.ACTIONS],
        [
            (submission.REASON, "value", reason),
            ("url", "pathname", f"/submission/{sid}"),
            ("url", "search", ""),
        ],
        changed=[f"{button}.n_clicks"],
    )


def _status(state: AppState, sid: int) -> str:
    with state.db.read() as conn:
        return get_submission(conn, sid).status


def _events(state: AppState, sid: int) -> list[tuple[str, str]]:
    with state.db.read() as conn:
        return [(e.action, e.actor) for e in list_events(conn, entity="submission", entity_id=sid)]


def _text(response: Any) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_a_focal_point_posting_the_review_callback_gets_403_and_nothing_changes(
    app: Any, state: AppState, story: Story
):
    client = _client(app, state, FOCAL_POINT, districts=("BETA",), institutions=("PROSECUTION",))
    before = row_counts(state.db)
    for button in submission.ACTIONS:
        response = _act(client, story.beta.id, button, "a reason")
        assert response.status_code == 403, button
    assert _status(state, story.beta.id) == "submitted"
    assert row_counts(state.db) == before


def test_an_analyst_approves_returns_and_unapproves(app: Any, state: AppState, story: Story):
    client = _client(app, state, ANALYST, username="du.reviewer")

    response = _act(client, story.beta.id, submission.APPROVE)
    assert response.status_code == 200
    assert "The submission is approved" in _text(response)
    assert _status(state, story.beta.id) == "approved"
    assert _events(state, story.beta.id) == [("submission.approved", "du.reviewer")]

    response = _act(client, story.beta.id, submission.UNAPPROVE, "January looks wrong")
    assert response.status_code == 200 and "The approval was withdrawn" in _text(response)
    assert _status(state, story.beta.id) == "returned"
    assert _events(state, story.beta.id)[0] == ("submission.unapproved", "du.reviewer")

    response = _act(client, story.alpha2.id, submission.RETURN, "")
    assert response.status_code == 200 and "Write a reason" in _text(response)
    assert _status(state, story.alpha2.id) == "submitted"
    response = _act(client, story.alpha2.id, submission.RETURN, "Check January")
    assert "returned to the focal point" in _text(response)
    assert _status(state, story.alpha2.id) == "returned"
    assert _events(state, story.alpha2.id) == [("submission.returned", "du.reviewer")]

    # approving a superseded revision: a clear message, nothing changes
    before = row_counts(state.db)
    response = _act(client, story.alpha1.id, submission.APPROVE)
    assert response.status_code == 200 and "superseded by revision 2" in _text(response)
    assert row_counts(state.db) == before


def test_the_inbox_and_quality_pages_have_no_callbacks():
    """Their filters are plain GET forms: nothing to POST, nothing to authorise."""
    for module in (inbox, quality):
        assert not hasattr(module, "register") and not hasattr(module, "CALLBACK_ROLES")


def test_the_pages_documents_by_role(app: Any, state: AppState, story: Story):
    focal = _client(app, state, FOCAL_POINT, districts=("ALPHA",), institutions=("PROSECUTION",))
    analyst = _client(app, state, ANALYST)
    assert analyst.get("/workspace").status_code == 200
    assert analyst.get("/workspace/quality?year=2026").status_code == 200
    assert analyst.get(f"/submission/{story.beta.id}").status_code == 200
    assert focal.get("/workspace").status_code == 403
    assert focal.get("/workspace/quality").status_code == 403
    assert focal.get(f"/submission/{story.alpha2.id}").status_code == 200
    visitor = app.server.test_client()
    assert visitor.get("/workspace").status_code in (302, 303)
