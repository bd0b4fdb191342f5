"""The routing callback keeps public pages per release (``routing.render_cached``): what it
serves is exactly what :func:`routing.render` draws, only for readers who are not signed in,
only for pages drawn from the catalog and the release, and never across releases, a change of
the demo marker, or a warehouse that cannot be read. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from plotly.io.json import to_json_plotly

from dbmis.app import routing
from dbmis.app.answers import answer_cache
from dbmis.app.auth import ANALYST, Account
from dbmis.app.context import AppState
from dbmis.catalog import Catalog
from dbmis.kpis import public
from dbmis.kpis.public import PublicSite, ReleaseCache
from dbmis.warehouse import Database
from tests.app.conftest import UNPUBLISHED_VALUES, PublishRelease, release_rows, settings_for
from tests.support.auth import post_callback

CACHED = [
    ("/", ""),
    ("/", "?lang=ur"),
    ("/kpi", ""),
    ("/kpi/CONVICTION_RATE", "?geo=division:NORTH&period=month"),
    ("/kpi/CONVICTION_RATE", "?lang=ur"),
    ("/district", ""),
    ("/district/ALPHA", "?lang=ur"),
    ("/data", "?kpi=CONVICTION_RATE&period=quarter"),
    ("/about", ""),
]
ROUTING_KEY = "..page-root.children...page-root.lang...page-root.dir.."


def plain(children: Any) -> Any:
    """A component tree as the browser receives it (JSON, read back)."""
    return json.loads(to_json_plotly(children))


def text(children: Any) -> str:
    return json.dumps(children, ensure_ascii=False)


def test_a_cached_page_is_what_render_draws(state: AppState) -> None:
    for path, search in CACHED:
        children, lang, direction = routing.render_cached(state, path, search)
        drawn, drawn_lang, drawn_direction = routing.render(state, path, search)
        assert children == plain(drawn), (path, search)
        assert (lang, direction) == (drawn_lang, drawn_direction)
        for value in UNPUBLISHED_VALUES:
            assert f"{value}" not in text(children)
    assert len(state.site.pages) == len(CACHED)


def test_the_second_reader_gets_the_kept_page(state: AppState) -> None:
    first = routing.render_cached(state, "/kpi/CONVICTION_RATE", "")[0]
    hits = state.site.pages.hits
    again = routing.render_cached(state, "/kpi/CONVICTION_RATE", "")[0]
    assert again is first and state.site.pages.hits == hits + 1
    other = routing.render_cached(state, "/kpi/CONVICTION_RATE", "?period=month")[0]
    assert other != first  # another URL, another page
    assert len(state.site.pages) == 2


@pytest.mark.parametrize(
    ("path", "search"),
    [("/sign-in", ""), ("/nope", ""), ("/kpi/NOPE", ""), ("/workspace", ""), ("/portal", "")],
)
def test_pages_with_forms_or_not_found_are_never_kept(
    state: AppState, path: str, search: str
) -> None:
    children, _, _ = routing.render_cached(state, path, search)
    assert len(state.site.pages) == 0
    assert not isinstance(children, list) or not all(isinstance(c, dict) for c in children)


def test_a_signed_in_reader_is_never_served_from_the_cache(
    app: Any, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    routing.render_cached(state, "/about", "")  # kept for readers who are not signed in
    ana = Account(1, "ana", "Ana Analyst", ANALYST, frozenset(), frozenset(), "s-ana")
    monkeypatch.setattr(routing, "current_account", lambda: ana)
    with app.server.test_request_context("/about"):
        children, _, _ = routing.render_cached(state, "/about", "")
    assert "Ana Analyst" in to_json_plotly(children)
    assert state.site.pages.hits == 0 and len(state.site.pages) == 1


def test_a_new_release_draws_every_page_again(
    state: AppState, published: Database, publish_release: PublishRelease
) -> None:
    before = text(routing.render_cached(state, "/", "")[0])
    assert "release 1" in before
    with published.read() as conn:
        rows = release_rows(conn)
    rows[1] = {**rows[1], "value": 13.5}  # CONVICTION_RATE, province, 2026Q1
    publish_release(published, number=2, rows=rows, note="Second release")
    after = text(routing.render_cached(state, "/", "")[0])
    assert "release 2" in after and "13.5%" in after and "12.5%" not in after
    assert len(state.site.pages) == 1  # the first release's pages are gone


def test_the_demo_marker_is_part_of_the_key(
    state: AppState, published: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(public, "DEMO_MARKER_TTL", 0.0)  # look for demo submissions every time
    assert "demo-banner" not in text(routing.render_cached(state, "/about", "")[0])
    with published.write() as conn:
        conn.exec_driver_sql("UPDATE submission SET is_demo = TRUE")
    assert "demo-banner" in text(routing.render_cached(state, "/about", "")[0])


def test_before_the_first_release_nothing_is_kept(synced: Database, mini_catalog: Catalog) -> None:
    state = AppState(settings_for(synced), mini_catalog, synced, PublicSite(synced, mini_catalog))
    children, _, _ = routing.render_cached(state, "/", "")
    assert "No figures have been published yet" in to_json_plotly(children)
    assert len(state.site.pages) == 0


def test_an_unreadable_warehouse_is_never_kept(mini_catalog: Catalog, tmp_path: Any) -> None:
    from dbmis.settings import Mode, Settings

    db = Database(f"sqlite:///{tmp_path}/missing/dir/x.sqlite")
    settings = Settings(catalog=None, mode=Mode.development, database_url=str(db.url))
    state = AppState(settings, mini_catalog, db, PublicSite(db, mini_catalog))
    children, _, _ = routing.render_cached(state, "/", "")
    assert "Figures unavailable" in to_json_plotly(children)
    assert len(state.site.pages) == 0


def test_a_page_that_fails_while_drawn_is_not_kept(
    state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT", {}, Exception("gone"))

    monkeypatch.setattr(routing.PAGES["about"], "layout", broken)
    children, _, _ = routing.render_cached(state, "/about", "")
    assert len(state.site.pages) == 0
    assert "Figures unavailable" in to_json_plotly(children)  # as render says it


def test_pages_and_data_have_separate_caches(published: Database, mini_catalog: Catalog) -> None:
    site = PublicSite(published, mini_catalog, ReleaseCache(4))
    assert site.pages is not site.cache and site.pages.maxsize > site.cache.maxsize
    release, demo = site.latest_and_demo()
    assert release is not None and release.number == 1 and demo is False
    assert site.page(release, "k", lambda: [1]) == [1]
    assert site.page(release, "k", lambda: [2]) == [1]  # kept
    assert len(site.cache) == 1  # the release's description only


def test_the_routing_callback_over_http_serves_the_kept_page(client: Any, state: AppState) -> None:
    inputs = [("url", "pathname", "/kpi/CONVICTION_RATE"), ("url", "search", "?lang=ur")]
    changed = ["url.pathname", "url.search"]
    answers = [post_callback(client, ROUTING_KEY, inputs, changed=changed) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    first, second = (a.get_json()["response"]["page-root"] for a in answers)
    assert first == second and first["lang"] == "ur" and first["dir"] == "rtl"
    drawn = routing.render(state, "/kpi/CONVICTION_RATE", "?lang=ur")[0]
    assert first["children"] == plain(drawn)
    # over HTTP the kept answer's bytes are sent before Dash (dbmis.app.page_answers)
    answers_kept = answer_cache(client.application)
    assert answers_kept.hits == 1 and len(answers_kept) == 1
    assert len(state.site.pages) == 0
