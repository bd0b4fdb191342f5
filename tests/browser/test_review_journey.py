"""The Delivery Unit analyst's review journey in headless Chromium: sign in, open the inbox,
filter it, open a submission waiting for review, return it with a reason; later approve
another; the data-quality page draws its heatmap. Then the inbox and quality pages in Urdu
and on a phone.

The module serves its own app on its own demo warehouse (the mini catalog's demo returns,
reviewed and published by the demo routine, with corrected revisions waiting for review), so
its approvals and returns touch no other test's data. Screenshots of each step go to
``test-artifacts/screenshots/review-*.png`` (used by docs/guides/analyst.md).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from dbmis.app import create_app
from dbmis.app.auth import ANALYST
from dbmis.app.context import app_state
from dbmis.catalog import load_catalog
from dbmis.demo.load import load_demo
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.service import IngestEnv
from dbmis.warehouse import Database, sync_catalog, upgrade
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.submissions import get_submission
from tests.app.conftest import MINI, settings_for
from tests.browser.conftest import DEMO_TODAY, LiveServer, NewTab, Tab, _QuietHandler
from tests.browser.test_accessibility import FAILING_IMPACTS, describe, run_axe
from tests.support.auth import DEFAULT_PASSWORD, make_user, sign_in_page

pytestmark = pytest.mark.browser

USERNAME = "du.analyst"
REASON = "Challans for March look ten times too high: please check the register and resend."


@pytest.fixture(scope="module")
def review_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("review-journey")
    catalog = load_catalog(MINI)
    db = Database(f"sqlite:///{folder / 'review.sqlite'}")
    upgrade(db)
    sync_catalog(db, catalog)
    env = IngestEnv(
        db=db, catalog=catalog, evidence=EvidenceStore(folder / "evidence"), is_demo=True
    )
    load_demo(env, today=DEMO_TODAY)
    make_user(db, ANALYST, USERNAME, name="Delivery Unit Analyst")
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def live_server(review_db: Database) -> Iterator[LiveServer]:
    """This module's own server (overrides the shared one for the ``new_tab`` fixture)."""
    app = create_app(settings_for(review_db), load_catalog(MINI))
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="review-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app_state(app.server).db.dispose()


def _signed_in(new_tab: NewTab, live_server: LiveServer, viewport: str = "desktop") -> Tab:
    tab = new_tab(viewport)
    sign_in_page(tab.page, live_server.base_url, USERNAME, DEFAULT_PASSWORD)
    tab.wait_ready()
    return tab


def _choose(tab: Tab, form_id: str, choices: dict[str, str]) -> None:
    """Pick options in the filter form (select id -> option label) and press its button:
    the browser loads the page for the new URL."""
    for select_id, label in choices.items():
        tab.page.locator(f"#{select_id}").select_option(label=label)
    tab.follow(tab.page.locator(f"#{form_id}-apply"))


def _status(db: Database, sid: int) -> tuple[str, str | None]:
    with db.read() as conn:
        sub = get_submission(conn, sid)
    return sub.status, sub.review_reason


def _last_event(db: Database, sid: int) -> tuple[str, str]:
    with db.read() as conn:
        event = list_events(conn, entity="submission", entity_id=sid, limit=1)[0]
    return event.action, event.actor


def _first_submission(tab: Tab) -> int:
    href = tab.page.locator("a.review-open").first.get_attribute("href")
    assert href is not None
    return int(href.split("?")[0].rsplit("/", 1)[1])


def test_analyst_filters_returns_and_approves(
    new_tab: NewTab, live_server: LiveServer, review_db: Database
) -> None:
    tab = _signed_in(new_tab, live_server)
    tab.open("/workspace")
    page = tab.page
    assert page.locator("h1").inner_text() == "Inbox"
    assert "waiting for review" in page.locator(".review-counts").inner_text()
    tab.screenshot("review-inbox", "en")

    # filter: waiting for review, prosecution
    _choose(
        tab,
        "review-inbox-filters-form",
        {"review-inbox-status": "Waiting for review", "review-inbox-institution": "Prosecution"},
    )
    path, query = tab.path_and_query
    assert path == "/workspace"
    assert {k: v for k, v in query.items() if v} == {
        "institution": "PROSECUTION",
        "status": "submitted",
    }
    statuses = page.locator(".review-table tbody .review-status").all_inner_texts()
    assert statuses and all("Waiting for review" in s for s in statuses)
    institutions = page.locator(".review-table tbody tr td:nth-child(3)").all_inner_texts()
    assert set(institutions) == {"Prosecution"}
    tab.screenshot("review-inbox-filtered", "en")

    # a corrected revision: what changed against the previous one, and its outliers
    tab.open("/workspace?district=ALPHA&institution=PROSECUTION&year=2024")
    tab.follow(page.locator("a.review-open").first)
    assert "Revision 2" in page.locator("#review-sub-history-title ~ *").first.inner_text()
    changes = page.locator("#review-sub-diff-title ~ .table-wrap")
    assert "Changed" in changes.inner_text()
    assert "OUTLIER" in page.locator("#review-sub-issues-title ~ .table-wrap").inner_text()
    assert "not recorded" not in page.locator(".facts").inner_text()  # the template version
    tab.screenshot("review-changes", "en")

    # back to the filtered inbox: open the first one and return it with a reason
    tab.open("/workspace?institution=PROSECUTION&status=submitted")
    first = _first_submission(tab)
    tab.follow(page.locator("a.review-open").first)
    assert tab.path_and_query[0] == f"/submission/{first}"
    assert page.locator("#review-sub-diff-title").is_visible()
    page.locator("#review-sub-return").click()  # without a reason: refused
    message = page.locator("#review-sub-message")
    message.wait_for()
    assert "Write a reason" in message.inner_text()
    assert _status(review_db, first) == ("submitted", None)
    page.locator("#review-sub-reason").fill(REASON)
    page.locator("#review-sub-return").click()
    page.get_by_text("The submission was returned to the focal point").wait_for()
    assert _status(review_db, first) == ("returned", REASON)
    assert _last_event(review_db, first) == ("submission.returned", USERNAME)
    assert "Returned" in page.locator(".review-facts, .facts").first.inner_text()
    tab.screenshot("review-returned", "en")

    # later: back to the filtered inbox, the returned one is gone; approve the next
    tab.open("/workspace?institution=PROSECUTION&status=submitted")
    second = _first_submission(tab)
    assert second != first
    tab.follow(page.locator("a.review-open").first)
    page.locator("#review-sub-approve").click()
    page.get_by_text("The submission is approved and its figures are locked").wait_for()
    assert _status(review_db, second)[0] == "approved"
    assert _last_event(review_db, second) == ("submission.approved", USERNAME)
    page.locator("#review-sub-unapprove").wait_for()  # the page offers the next act
    tab.screenshot("review-approved", "en")
    tab.assert_clean()


def test_quality_page_draws_the_heatmap(new_tab: NewTab, live_server: LiveServer) -> None:
    tab = _signed_in(new_tab, live_server)
    tab.open("/workspace/quality")
    page = tab.page
    assert page.locator("h1").inner_text() == "Data quality"
    graph = page.locator("#review-quality-heatmap")
    graph.locator(".main-svg").first.wait_for()
    assert graph.locator(".hm, .heatmaplayer image, image").count() > 0
    assert page.locator(".review-grid-table tbody tr").count() == 4  # the four districts
    tab.screenshot("review-quality", "en")

    # a whole year of the demo's returns: most on time, some late, a few never sent
    _choose(
        tab,
        "review-quality-filters-form",
        {"review-quality-institution": "Prisons", "review-quality-year": "2024"},
    )
    assert tab.path_and_query[1]["institution"] == "PRISONS"
    caption = page.locator(".review-grid-table caption").inner_text()
    assert caption.startswith("Each monthly return of Prisons")
    table = page.locator(".review-grid-table").inner_text()
    assert "On time" in table and "Late" in table and "Missing" in table
    tab.screenshot("review-quality-institution", "en")
    tab.assert_clean()


@pytest.mark.parametrize("page_name", ["inbox", "quality", "submission"])
def test_urdu_on_a_phone(new_tab: NewTab, live_server: LiveServer, page_name: str) -> None:
    tab = _signed_in(new_tab, live_server, "phone")
    if page_name == "submission":  # a corrected revision, with its changes
        tab.open("/workspace?district=ALPHA&institution=PROSECUTION&year=2024&lang=ur")
        tab.follow(tab.page.locator("a.review-open").first)
    else:
        tab.open({"inbox": "/workspace", "quality": "/workspace/quality"}[page_name] + "?lang=ur")
    page = tab.page
    assert page.locator("#page-root").get_attribute("dir") == "rtl"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page is {width}px wide on a 390px phone"
    tab.screenshot(f"review-{page_name}", "ur")
    tab.assert_clean()


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_no_serious_accessibility_violations(
    new_tab: NewTab, live_server: LiveServer, lang: str
) -> None:
    tab = _signed_in(new_tab, live_server)
    suffix = "" if lang == "en" else "?lang=ur"
    tab.open("/workspace" + suffix)
    first = _first_submission(tab)
    failing: list[str] = []
    for path in (
        "/workspace",
        "/workspace?status=submitted&institution=PROSECUTION",
        f"/submission/{first}",
        "/workspace/quality",
        "/workspace/quality?institution=PROSECUTION",
    ):
        joiner = "&" if "?" in path else "?"
        tab.open(path + (joiner + "lang=ur" if lang == "ur" else ""))
        violations = run_axe(tab.page)
        bad = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        if bad:
            failing.append(f"{path}:\n{describe(bad)}")
    assert not failing, "\n".join(failing)
    tab.assert_clean()
