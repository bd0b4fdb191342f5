"""A kept public page's routing callback is answered before Dash (``dbmis.app.page_answers``)
with exactly the bytes and headers Dash's own dispatch answers, after the CSRF check and the
callback gate, only for readers who are not signed in, only for kept pages once a release is
published, per release. SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.site import routing_body
from dbmis.app import create_app, page_answers
from dbmis.app.answers import answer_cache
from dbmis.app.auth import ANALYST
from dbmis.app.context import AppState, app_state
from dbmis.app.page_answers import routing_inputs, routing_key
from dbmis.catalog import Catalog
from dbmis.kpis import public
from dbmis.settings import Mode, Settings
from dbmis.warehouse import Database
from tests.app.conftest import (
    MINI,
    UNPUBLISHED_VALUES,
    PublishRelease,
    release_rows,
    settings_for,
)
from tests.support.auth import CALLBACK_PATH, DEFAULT_PASSWORD, csrf_headers, make_user, sign_in

HOOK = "answer_cached_page"
PAGES: list[tuple[str | None, str | None]] = [
    ("/", ""),
    ("/", "?lang=ur"),
    (None, None),
    ("/kpi", "?lang=ur"),
    ("/kpi/CONVICTION_RATE", "?geo=division:NORTH&period=month"),
    ("/kpi/CONVICTION_RATE", "?lang=ur&period=quarter"),
    ("/kpi/undertrial_share/", ""),
    ("/district", ""),
    ("/district/ALPHA", "?lang=ur"),
    ("/data", "?kpi=CONVICTION_RATE&period=quarter"),
    ("/about", "?lang=ur"),
    ("/plan", ""),
]
NOT_KEPT = ["/sign-in", "/nope", "/kpi/NOPE", "/workspace", "/steering", "/portal", "/audit"]
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture(autouse=True)
def read_the_release_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests publish and read at once; the window is tested on its own."""
    monkeypatch.setattr(page_answers, "RELEASE_CHECK_SECONDS", 0.0)


def post(
    client: Any,
    path: str | None,
    search: str | None,
    *,
    headers: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
    csrf: bool = True,
) -> Any:
    """The routing callback as Dash's renderer POSTs it (``benchmarks.site.routing_body``)."""
    sent = {**(csrf_headers(client) if csrf else {}), **(headers or {})}
    return client.post(
        CALLBACK_PATH + "?endId=x",
        data=json.dumps(body if body is not None else routing_body(path, search)),  # type: ignore[arg-type]
        content_type="application/json",
        headers=sent,
    )


def headers_of(response: Any) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in response.headers.items() if k != "Content-Length")


@pytest.fixture
def dash_only(published: Database, mini_catalog: Catalog) -> Any:
    """The same app without the hook: every callback answered by Dash's own dispatch."""
    app = create_app(settings_for(published), mini_catalog)
    hooks = app.server.before_request_funcs[None]
    assert [f for f in hooks if f.__name__ == HOOK]
    hooks[:] = [f for f in hooks if f.__name__ != HOOK]
    yield app
    app_state(app.server).db.dispose()


def test_the_kept_answer_is_what_dash_answers(client: Any, state: AppState, dash_only: Any) -> None:
    other = dash_only.server.test_client()
    for first in (client, other):  # a session and its CSRF token, as a reader has them
        assert post(first, "/nope", "").status_code == 200
    for path, search in PAGES:
        drawn, kept = post(client, path, search), post(client, path, search)
        by_dash = post(other, path, search)
        assert drawn.status_code == kept.status_code == by_dash.status_code == 200
        assert drawn.get_data() == kept.get_data() == by_dash.get_data(), (path, search)
        assert headers_of(drawn) == headers_of(kept) == headers_of(by_dash), (path, search)
        for value in UNPUBLISHED_VALUES:
            assert str(value) not in kept.get_data(as_text=True)
    cache = answer_cache(client.application)
    assert (cache.misses, cache.hits) == (len(PAGES) - 1, len(PAGES) + 1)  # None is "/"
    assert len(state.site.pages) == 0  # Dash never ran the routing callback
    assert len(app_state(dash_only.server).site.pages) == len(PAGES) - 1
    assert "Content-Security-Policy" in kept.headers and kept.headers["X-Frame-Options"] == "DENY"
    assert kept.headers["Cache-Control"] == "no-store"
    assert kept.headers["Content-Type"] == "application/json"


def test_gzip_when_the_reader_accepts_it(client: Any, dash_only: Any) -> None:
    by_dash = post(dash_only.server.test_client(), "/kpi/CONVICTION_RATE", "?lang=ur").get_data()
    for _ in range(2):  # drawn, then kept
        packed = post(client, "/kpi/CONVICTION_RATE", "?lang=ur", headers=GZIP)
        assert packed.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert gzip.decompress(packed.get_data()) == by_dash
        assert int(packed.headers["Content-Length"]) < len(by_dash) / 2
    for refused in ("gzip;q=0, deflate", "identity", "br"):
        plain = post(
            client, "/kpi/CONVICTION_RATE", "?lang=ur", headers={"Accept-Encoding": refused}
        )
        assert "Content-Encoding" not in plain.headers and plain.get_data() == by_dash
        assert "Accept-Encoding" in plain.headers["Vary"]


def test_the_csrf_check_and_the_gate_come_first(app: Any, client: Any) -> None:
    post(client, "/about", "")  # kept
    refused = post(client, "/about", "", csrf=False)
    assert refused.status_code == 400 and b"page-root" not in refused.get_data()
    forged = post(client, "/about", "", csrf=False, headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400 and b"page-root" not in forged.get_data()
    not_in_table = {**routing_body("/about", ""), "output": "..page-root.children.."}
    assert post(client, "/about", "", body=not_in_table).status_code == 403
    names = [f.__name__ for f in app.server.before_request_funcs[None]]
    assert names.index("csrf_protect") < names.index("guard_callbacks") < names.index(HOOK)
    assert answer_cache(app.server).hits == 0


def test_a_signed_in_reader_is_answered_by_dash(
    client: Any, published: Database, dash_only: Any
) -> None:
    anonymous = post(client, "/about", "").get_data()
    user = make_user(published, ANALYST, name="Ana Analyst")
    sign_in(client, user.username, DEFAULT_PASSWORD)
    cache = answer_cache(client.application)
    hits, misses = cache.hits, cache.misses
    answer = post(client, "/about", "", headers=GZIP)
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers
    assert "Ana Analyst" in answer.get_data(as_text=True) and answer.get_data() != anonymous
    assert (cache.hits, cache.misses) == (hits, misses)


@pytest.mark.parametrize("path", NOT_KEPT)
def test_other_pages_are_answered_by_dash(client: Any, state: AppState, path: str) -> None:
    answer = post(client, path, "", headers=GZIP)
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers
    assert len(answer_cache(client.application)) == 0


def test_other_bodies_are_answered_by_dash(client: Any, state: AppState) -> None:
    body = routing_body("/about", "")
    body["inputs"][0] = {**body["inputs"][0], "extra": 1}  # Dash ignores it; the hook does not
    answer = post(client, "/about", "", body=body)
    assert answer.status_code == 200 and b"page-root" in answer.get_data()
    assert len(answer_cache(client.application)) == 0 and len(state.site.pages) == 1


def test_only_the_renderers_body_is_recognised() -> None:
    body = routing_body("/kpi/A", "?lang=ur")
    assert routing_key() == body["output"]
    assert routing_inputs(body) == ("/kpi/A", "?lang=ur")
    assert routing_inputs({**body, "state": []}) == ("/kpi/A", "?lang=ur")
    inputs = body["inputs"]
    for changed in (
        {"output": "x.children"},
        {"outputs": body["outputs"][:2]},
        {"inputs": inputs[::-1]},
        {"inputs": inputs[:1]},
        {"inputs": [inputs[0], {**inputs[1], "value": 5}]},
        {"inputs": [{**inputs[0], "id": "other"}, inputs[1]]},
        {"state": [{"id": "url", "property": "hash", "value": ""}]},
        {"changedPropIds": "url.pathname"},
    ):
        assert routing_inputs({**body, **changed}) is None, changed
    assert routing_inputs([body]) is None and routing_inputs(None) is None


def test_before_the_first_release_nothing_is_kept(
    synced: Database, mini_catalog: Catalog, publish_release: PublishRelease
) -> None:
    app = create_app(settings_for(synced), mini_catalog)
    client = app.server.test_client()
    try:
        answer = post(client, "/", "")
        assert "No figures have been published yet" in answer.get_data(as_text=True)
        assert len(answer_cache(app.server)) == 0
        publish_release(synced)
        answers = [post(client, "/", "").get_data(as_text=True) for _ in range(2)]
        assert answers[0] == answers[1] and "No figures have been published yet" not in answers[0]
        assert answer_cache(app.server).hits == 1
    finally:
        app_state(app.server).db.dispose()


def test_a_new_release_empties_the_cache(
    client: Any, published: Database, publish_release: PublishRelease
) -> None:
    before = post(client, "/", "").get_data(as_text=True)
    post(client, "/about", "")
    assert "release 1" in before and len(answer_cache(client.application)) == 2
    with published.read() as conn:
        rows = release_rows(conn)
    rows[1] = {**rows[1], "value": 13.5}  # CONVICTION_RATE, province, 2026Q1
    publish_release(published, number=2, rows=rows, note="Second release")
    after = post(client, "/", "").get_data(as_text=True)
    assert "release 2" in after and "13.5%" in after and "12.5%" not in after
    assert len(answer_cache(client.application)) == 1  # the first release's answers are gone


def test_the_demo_marker_is_part_of_the_key(
    client: Any, published: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(public, "DEMO_MARKER_TTL", 0.0)
    assert "demo-banner" not in post(client, "/about", "").get_data(as_text=True)
    with published.write() as conn:
        conn.exec_driver_sql("UPDATE submission SET is_demo = TRUE")
    assert "demo-banner" in post(client, "/about", "").get_data(as_text=True)
    assert len(answer_cache(client.application)) == 2


def test_an_unreadable_warehouse_is_answered_by_dash(tmp_path: Path) -> None:
    settings = Settings(
        catalog=MINI,
        mode=Mode.demo,
        database_url=f"sqlite:///{tmp_path}/missing/dir/x.sqlite",
        instance_dir=tmp_path / "instance",
    )
    app = create_app(settings)
    client = app.server.test_client()
    answer = post(client, "/about", "")
    assert answer.status_code == 200 and "Figures unavailable" in answer.get_data(as_text=True)
    assert len(answer_cache(app.server)) == 0


def test_a_new_release_shows_once_the_last_read_is_old_enough(
    client: Any,
    published: Database,
    publish_release: PublishRelease,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(page_answers, "RELEASE_CHECK_SECONDS", 3600.0)
    assert "release 1" in post(client, "/", "").get_data(as_text=True)
    publish_release(published, number=2, note="Second release")
    assert "release 1" in post(client, "/", "").get_data(as_text=True)  # read < 1 h ago
    monkeypatch.setattr(page_answers, "RELEASE_CHECK_SECONDS", 0.0)
    assert "release 2" in post(client, "/", "").get_data(as_text=True)
