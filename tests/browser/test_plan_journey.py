"""The action plan's journey in headless Chromium, on this module's own warehouse (the mini
catalog's demo, whose plan has quarterly reports already):

1. a Prosecution focal point opens the progress page: only the activity Prosecution leads is
   offered (another institution's is refused), fills the native form (a quarter, a status,
   a milestone done, the spend, a narrative, an evidence file) and sends it;
2. a Delivery Unit analyst opens the tracker, finds the report waiting for review and
   approves it;
3. a Steering Committee member sees it on the tracker (approved, not yet published) with no
   review control;
4. after a release, a visitor sees it on the public action plan, the activity's page and the
   KPI page ("What is being done", a milestone marker on the chart).

Then the pages in Urdu on a phone, and axe-core on each (English and Urdu). Screenshots go to
``test-artifacts/screenshots/plan-*.png`` (used by the guides).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from dbmis.app import create_app
from dbmis.app.auth import ANALYST, FOCAL_POINT, STEERING
from dbmis.app.context import app_state
from dbmis.catalog import Catalog, load_catalog
from dbmis.demo.load import load_demo
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.service import IngestEnv
from dbmis.kpis import releases
from dbmis.warehouse import Database, sync_catalog, upgrade
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.plan import list_reports
from tests.app.conftest import MINI, settings_for
from tests.browser.conftest import DEMO_TODAY, LiveServer, NewTab, Tab, _QuietHandler
from tests.browser.test_accessibility import FAILING_IMPACTS, describe, run_axe
from tests.support.auth import DEFAULT_PASSWORD, make_user, sign_in_page

pytestmark = pytest.mark.browser

FOCAL = "fp.prosecution.alpha"
ANALYST_USER = "du.plan.analyst"
SC_USER = "sc.plan.member"
NARRATIVE = (
    "Cells now in every district; two prosecutors still to be posted in BETA (browser test)."
)
QUARTER = "2026Q3"
QUARTER_LABEL = "Jul–Sep 2026"
EVIDENCE = b"district,cells\nALPHA,1\nBETA,1\nGAMMA,1\nDELTA,1\n"


@pytest.fixture(scope="module")
def plan_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Catalog, Path]]:
    folder = tmp_path_factory.mktemp("plan-journey")
    catalog = load_catalog(MINI)
    db = Database(f"sqlite:///{folder / 'plan.sqlite'}")
    upgrade(db)
    sync_catalog(db, catalog)
    env = IngestEnv(
        db=db, catalog=catalog, evidence=EvidenceStore(folder / "evidence"), is_demo=True
    )
    load_demo(env, today=DEMO_TODAY)
    make_user(db, FOCAL_POINT, FOCAL, districts=("ALPHA",), institutions=("PROSECUTION",))
    make_user(db, ANALYST, ANALYST_USER, name="Delivery Unit Analyst")
    make_user(db, STEERING, SC_USER, name="Steering Committee Member")
    yield db, catalog, folder
    db.dispose()


@pytest.fixture(scope="module")
def live_server(plan_env: tuple[Database, Catalog, Path]) -> Iterator[LiveServer]:
    """This module's own server (overrides the shared one for the ``new_tab`` fixture)."""
    db, catalog, folder = plan_env
    app = create_app(settings_for(db, instance_dir=folder / "instance"), catalog)
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="plan-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app_state(app.server).db.dispose()


def _signed_in(
    new_tab: NewTab, live_server: LiveServer, user: str, viewport: str = "desktop"
) -> Tab:
    tab = new_tab(viewport)
    sign_in_page(tab.page, live_server.base_url, user, DEFAULT_PASSWORD)
    tab.wait_ready()
    return tab


def _reports(db: Database) -> list[Any]:
    with db.read() as conn:
        return list_reports(conn, activities=["SCRUTINY"], quarter=QUARTER, limit=100)


def _milestone_texts(tab: Tab) -> list[str]:
    texts: list[str] = tab.page.evaluate(
        """() => {
            const plot = document.querySelector('#kpi-trajectory .js-plotly-plot');
            return (plot ? plot.data : [])
                .filter(t => t.legendgroup === 'milestones' && t.x && t.x[0] !== null)
                .flatMap(t => t.text || []);
        }"""
    )
    return texts


def test_report_review_and_publish(
    new_tab: NewTab,
    live_server: LiveServer,
    plan_env: tuple[Database, Catalog, Path],
    tmp_path: Path,
) -> None:
    db, catalog, _ = plan_env

    # 1. the focal point: only Prosecution's activity is offered; the form is sent
    tab = _signed_in(new_tab, live_server, FOCAL)
    page = tab.page
    tab.open("/portal/progress")
    offered = page.locator("#plan-report-activities").inner_text()
    assert "Challan scrutiny cells" in offered
    assert "Video-link hearings" not in offered and "Legal aid panel" not in offered
    tab.open("/portal/progress?activity=VIDEO_LINKS")
    assert "You may not report on that activity" in page.locator("main").inner_text()
    assert page.locator("#plan-report-form").count() == 0
    tab.open("/portal/progress?activity=SCRUTINY")
    assert page.locator("#plan-form-title").inner_text() == "Report on Challan scrutiny cells"
    page.locator("#plan-f-quarter").select_option(QUARTER)
    page.locator("#plan-f-status").select_option("delayed")
    page.locator("#plan-f-ms-ALL").fill("2026-09-15")
    page.locator("#plan-f-spend").fill("9,200,000")
    page.locator("#plan-f-narrative").fill(NARRATIVE)
    evidence = tmp_path / "cells-by-district.csv"
    evidence.write_bytes(EVIDENCE)
    page.locator("#plan-report-evidence input[type=file]").set_input_files(str(evidence))
    page.get_by_text("Chosen file: cells-by-district.csv").wait_for()
    tab.screenshot("plan-progress-form", "en")
    page.locator("#plan-report-send").click()
    page.locator(".plan-result-ok").wait_for()
    assert "was recorded" in page.locator("#plan-report-result").inner_text()
    (report,) = [r for r in _reports(db) if r.is_current]
    assert (report.state, report.progress, report.spend_pkr, report.reporter) == (
        "submitted",
        "delayed",
        9_200_000,
        FOCAL,
    )
    assert report.evidence and report.evidence[0].filename == "cells-by-district.csv"
    assert "Waiting for review" in page.locator("#plan-report-mine").inner_text()
    tab.screenshot("plan-progress-sent", "en")
    tab.assert_clean()

    # 2. the analyst approves it from the tracker
    tab = _signed_in(new_tab, live_server, ANALYST_USER)
    page = tab.page
    tab.open("/workspace/plan")
    pending = page.locator("#plan-pending-title + *")
    assert "Challan scrutiny cells" in pending.inner_text()
    tab.follow(page.locator(f'a.plan-review-link[href*="report={report.id}"]'))
    assert NARRATIVE in page.locator(".plan-review").inner_text()
    tab.screenshot("plan-review", "en")
    page.locator("#plan-review-approve").click()
    page.get_by_text("the report is approved").wait_for()
    with db.read() as conn:
        events = list_events(conn, action="plan_report.approved", entity_id=report.id)
    assert [e.actor for e in events] == [ANALYST_USER]
    assert [r.state for r in _reports(db) if r.id == report.id] == ["approved"]
    tab.assert_clean()

    # 3. the Steering Committee sees it on the tracker, marked not yet published, read only
    tab = _signed_in(new_tab, live_server, SC_USER)
    page = tab.page
    tab.open("/workspace/plan?activity=SCRUTINY")
    drill = page.locator("#plan-activity").inner_text()
    assert "Delayed" in drill and f"(reported for {QUARTER_LABEL})" in drill
    assert "approved, not yet published" in drill
    assert NARRATIVE in drill
    assert page.locator("#plan-review-approve, #plan-review-return").count() == 0
    assert page.locator("#plan-pending-title").count() == 0
    tab.screenshot("plan-tracker-drill", "en")
    tab.open("/workspace/plan")
    tab.screenshot("plan-tracker", "en")
    tab.assert_clean()

    # 4. a release, then the public pages show it
    tab = new_tab("desktop")
    page = tab.page
    tab.open("/plan")
    assert f"(reported for {QUARTER_LABEL})" not in page.locator("main").inner_text()
    releases.publish(
        db,
        catalog,
        through_month=202610,
        note="Plan browser test",
        published_by="cli:tester",
        now=datetime(2026, 11, 5, tzinfo=UTC),
        is_demo=True,
    )
    tab.open("/plan")
    public = page.locator("main").inner_text()
    assert f"(reported for {QUARTER_LABEL})" in public and NARRATIVE not in public
    tab.screenshot("plan-public", "en")
    tab.follow(page.get_by_role("link", name="Challan scrutiny cells").first)
    detail = page.locator("main").inner_text()
    assert "15 September 2026" in detail and "Delayed" in detail
    tab.screenshot("plan-public-activity", "en")
    tab.open("/kpi/CONVICTION_RATE")
    section = page.locator(".plan-kpi").inner_text()
    assert "What is being done" in section and f"(reported for {QUARTER_LABEL})" in section
    markers = _milestone_texts(tab)
    assert any("Cells in every district" in m and "Done" in m for m in markers), markers
    page.locator(".plan-kpi").scroll_into_view_if_needed()
    tab.screenshot("plan-kpi", "en")
    tab.assert_clean()


PAGES_BY_USER = (
    ("/portal/progress?activity=SCRUTINY", FOCAL),
    ("/workspace/plan", ANALYST_USER),
    ("/workspace/plan?activity=SCRUTINY", SC_USER),
    ("/plan", None),
    ("/plan/SCRUTINY", None),
    ("/kpi/CONVICTION_RATE", None),
)


def _tab_for(new_tab: NewTab, live_server: LiveServer, user: str | None, viewport: str) -> Tab:
    return _signed_in(new_tab, live_server, user, viewport) if user else new_tab(viewport)


@pytest.mark.parametrize(("path", "user"), PAGES_BY_USER, ids=[p for p, _ in PAGES_BY_USER])
def test_urdu_on_a_phone(
    new_tab: NewTab, live_server: LiveServer, path: str, user: str | None
) -> None:
    tab = _tab_for(new_tab, live_server, user, "phone")
    joiner = "&" if "?" in path else "?"
    tab.open(path + joiner + "lang=ur")
    page = tab.page
    assert page.locator("#page-root").get_attribute("dir") == "rtl"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"{path} is {width}px wide on a 390px phone"
    name = path.strip("/").replace("?activity=", "-").replace("/", "-")
    tab.screenshot(f"plan-{name}", "ur")
    tab.assert_clean()


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_no_serious_accessibility_violations(
    new_tab: NewTab, live_server: LiveServer, lang: str
) -> None:
    failing: list[str] = []
    for path, user in PAGES_BY_USER:
        tab = _tab_for(new_tab, live_server, user, "desktop")
        joiner = "&" if "?" in path else "?"
        tab.open(path + (joiner + "lang=ur" if lang == "ur" else ""))
        bad = [v for v in run_axe(tab.page) if v["impact"] in FAILING_IMPACTS]
        if bad:
            failing.append(f"{path}:\n{describe(bad)}")
        tab.assert_clean()
    assert not failing, "\n".join(failing)
