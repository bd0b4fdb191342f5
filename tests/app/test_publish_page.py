"""Releases (/workspace/releases): the page for an analyst, the publishing steps as plain
functions (preview, a confirm step naming the release, a required note, clear refusals), and
the callback over HTTP: an analyst publishes and the public site shows the new release; a
Steering Committee member, a focal point and a visitor get 403 and nothing is published.
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from dbmis.app import routing
from dbmis.app.auth import ANALYST, FOCAL_POINT, STEERING, Account, output_key
from dbmis.app.context import AppState, PageContext, PageQuery, app_state
from dbmis.app.pages import publish as page
from dbmis.catalog import Catalog
from dbmis.warehouse import Database
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.releases import list_releases
from tests.app.auth_env import DEFAULT_PASSWORD, AuthEnv, build, row_counts
from tests.support.auth import post_callback, sign_in

ANA = Account(1, "ana", "Ana Analyst", ANALYST, frozenset(), frozenset(), "s-ana")
KEY = output_key(*page.OUTPUTS)


def text_of(component: Any) -> str:
    return json.dumps(component, default=lambda o: o.to_plotly_json(), ensure_ascii=False)


@pytest.fixture
def env(published: Database, mini_catalog: Catalog) -> Iterator[AuthEnv]:
    e = build(published, mini_catalog)
    yield e
    e.dispose()


@pytest.fixture
def state(env: AuthEnv) -> AppState:
    return app_state(env.server)


def numbers(db: Database) -> list[int]:
    with db.read() as conn:
        return [r.number for r in list_releases(conn)]


def test_page_shows_what_a_release_would_hold(state: AppState) -> None:
    ctx = PageContext(state=state, path=page.PATH, query=PageQuery(), account=ANA)
    text = text_of(page.layout(ctx))
    # data was approved after the stored values were computed: the page recomputes them for
    # the preview (kept nowhere), so it shows what publishing gives, not the stale 77.7
    assert "77.7%" not in text
    for expected in (
        "Release 2 would hold the approved data through April 2026",
        '"value": "2026-04"',
        "Delta",
        "Public Prosecution Department",
        "Figures that would change (",
        "Published releases",
        "First release",
        "Note shown with the release (required)",
    ):
        assert expected in text, expected
    urdu = PageContext(state=state, path=page.PATH, query=PageQuery(lang="ur"), account=ANA)
    assert "اجرا نمبر 2 میں" in text_of(page.layout(urdu))


def test_steps(state: AppState) -> None:
    # a month not over yet, a month written wrong, a missing note: refused, in words
    out = page.step(state, ANA, "pub-ask-btn", "2030-01", "note", None, "en")
    assert out[1] is True and "is not over yet" in text_of(out[3])
    out = page.step(state, ANA, "pub-preview-btn", "April", "", None, "en")
    assert "“April” is not a month" in text_of(out[3])
    out = page.step(state, ANA, "pub-ask-btn", "2026-04", "  ", None, "ur")
    assert out[1] is True and "نوٹ لکھیں" in text_of(out[3])
    assert numbers(state.db) == [1]
    # asking shows the confirmation, naming the release
    out = page.step(state, ANA, "pub-ask-btn", "2026-04", "April data", None, "en")
    assert out[1] is False and "Publish release 2" in out[2]
    pending = out[5]
    assert pending == {"through": 202604, "note": "April data"}
    # the note changed after asking: ask again
    out = page.step(state, ANA, "pub-confirm-btn", "2026-04", "Other", pending, "en")
    assert "changed since you asked" in text_of(out[3])
    out = page.step(state, ANA, "pub-cancel-btn", "2026-04", "April data", pending, "en")
    assert out[1] is True and out[5] is None and numbers(state.db) == [1]
    # confirmed: published, listed, audited
    out = page.step(state, ANA, "pub-confirm-btn", "2026-04", "April data", pending, "en")
    assert "Release 2 was published" in text_of(out[3])
    # right after publishing, the preview says calmly that nothing is new: a note, not an error
    after = text_of(out[0])
    assert "Nothing is new since release 2" in after
    assert "st-error" not in after and '"role": "alert"' not in after
    assert "April data" in text_of(out[4])
    assert numbers(state.db) == [2, 1]
    with state.db.read() as conn:
        assert list_events(conn, action="release.published")[0].actor == "ana"
    # the same again: nothing new
    out = page.step(state, ANA, "pub-ask-btn", "2026-04", "again", None, "en")
    assert "Nothing is new since release 2" in text_of(out[3])


def calls(client: Any, button: str, pending: Any) -> Any:
    return post_callback(
        client,
        KEY,
        [(b, "n_clicks", 1 if b == button else 0) for b in page.BUTTONS],
        [
            ("pub-through", "value", "2026-04"),
            ("pub-note", "value", "April data"),
            ("pub-pending", "data", pending),
            ("pub-context", "data", {"lang": "en"}),
        ],
        changed=[f"{button}.n_clicks"],
    )


def test_analyst_publishes_and_the_public_site_shows_it(env: AuthEnv) -> None:
    client = env.client()
    sign_in(client, env.username(ANALYST), DEFAULT_PASSWORD)
    asked = calls(client, "pub-ask-btn", None)
    assert asked.status_code == 200
    pending = asked.get_json()["response"]["pub-pending"]["data"]
    done = calls(client, "pub-confirm-btn", pending)
    assert done.status_code == 200 and "Release 2 was published" in done.get_data(as_text=True)
    assert numbers(env.db) == [2, 1]
    public = env.client()  # a member of the public
    releases = public.get("/api/v1/releases").get_json()
    assert json.dumps(releases).count('"number": 2') == 1
    with env.server.test_request_context("/"):
        children, _, _ = routing.render(app_state(env.server), "/", "")
    assert "release 2" in json.dumps(children, default=lambda o: o.to_plotly_json()).lower()


@pytest.mark.parametrize("role", [STEERING, FOCAL_POINT, None])
def test_others_cannot_publish(env: AuthEnv, role: str | None) -> None:
    client = env.client()
    if role is not None:
        sign_in(client, env.username(role), DEFAULT_PASSWORD)
    before = row_counts(env.db)
    pending = {"through": 202604, "note": "April data"}
    assert calls(client, "pub-confirm-btn", pending).status_code == 403
    assert calls(client, "pub-ask-btn", None).status_code == 403
    assert row_counts(env.db) == before and numbers(env.db) == [1]
