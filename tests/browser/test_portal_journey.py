"""The focal point's journey in headless Chromium: sign in, download the template, fill it
(openpyxl) with a mistake, upload it, see the problems with their cells, fix it, upload it
again, see it submitted; the Delivery Unit returns it with a reason, the focal point sees the
reason and sends a corrected revision. Then the page in Urdu on a phone.

The module serves its own app (development mode) on a fresh warehouse (the mini catalog, no
demo data) with its own evidence folder, so its uploads touch no other test's data. Screenshots of each step go to
``test-artifacts/screenshots/portal-*.png`` (used by docs/guides/focal-point.md).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from werkzeug.serving import make_server

from dbmis.app import create_app
from dbmis.app.auth import FOCAL_POINT
from dbmis.app.context import app_state
from dbmis.app.portal_downloads import reporting_year
from dbmis.catalog import load_catalog
from dbmis.ingest import layout as L
from dbmis.ingest import workflow
from dbmis.settings import Mode
from dbmis.warehouse import Database, sync_catalog, upgrade
from tests.app.conftest import MINI, settings_for
from tests.browser.conftest import LiveServer, NewTab, Tab, _QuietHandler
from tests.support.auth import DEFAULT_PASSWORD, make_user, sign_in_page

pytestmark = pytest.mark.browser

USERNAME = "focal.alpha"
REASON = "January convictions do not match the court register: please check and resend."


@pytest.fixture(scope="module")
def portal_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("portal-journey")
    db = Database(f"sqlite:///{folder / 'portal.sqlite'}")
    upgrade(db)
    sync_catalog(db, load_catalog(MINI))
    make_user(
        db, FOCAL_POINT, USERNAME, districts=("ALPHA",), institutions=("PROSECUTION",),
        name="Focal Point Alpha",
    )  # fmt: skip
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def live_server(
    portal_db: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """This module's own server (overrides the shared one for the ``new_tab`` fixture)."""
    evidence = tmp_path_factory.mktemp("portal-evidence")
    settings = settings_for(
        portal_db, evidence_dir=evidence, mode=Mode.development, secret_key="portal-journey-" * 4
    )  # not demo mode: no demonstration banner on the guide's screenshots
    app = create_app(settings, load_catalog(MINI))
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="portal-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app_state(app.server).db.dispose()


def fill(template: Path, out: Path, values: dict[tuple[str, int], Any]) -> Path:
    """Type figures into the downloaded template, as a focal point would in Excel."""
    wb = load_workbook(template)
    ws = wb[L.SHEET_DATA]
    rows = {
        ws.cell(r, L.CODE_COL).value: r
        for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)
        if ws.cell(r, L.CODE_COL).value
    }
    for (code, month), value in values.items():
        ws.cell(rows[code], L.month_column(month)).value = value
    ws[L.FOCAL_NAME_CELL] = "Focal Point Alpha"
    wb.save(out)
    return out


WATCH_CHECKING = """() => {
  window.__portalChecking = false;
  new MutationObserver(() => {
    const shown = document.querySelector('.portal-checking');
    const zone = document.querySelector('#portal-upload .portal-dropzone-disabled, #portal-upload.portal-dropzone-disabled');
    if (shown && zone) window.__portalChecking = true;
  }).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


class HeldUpload:
    """Holds the upload callback's request until released, so that the page can be seen (and
    photographed) while the file is being checked."""

    def __init__(self, tab: Tab) -> None:
        self.tab = tab
        self.held: list[Any] = []
        tab.page.route("**/_dash-update-component", self._route)

    def _route(self, route: Any) -> None:
        if "portal-upload.contents" in (route.request.post_data or ""):
            self.held.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        while self.held:
            self.held.pop().continue_()

    def stop(self) -> None:
        self.tab.page.unroute("**/_dash-update-component")


def upload(tab: Tab, path: Path) -> None:
    tab.page.evaluate(WATCH_CHECKING)
    tab.page.locator("#portal-upload input[type=file]").set_input_files(str(path))


def wait_for_result(tab: Tab, kind: str) -> Any:
    result = tab.page.locator(f"#portal-result .portal-result-{kind}")
    result.wait_for(state="visible", timeout=60_000)
    assert tab.page.evaluate("() => window.__portalChecking") is True
    return result


def test_focal_point_journey(new_tab: NewTab, portal_db: Database, tmp_path: Path) -> None:
    tab = new_tab("desktop")
    page = tab.page
    sign_in_page(page, tab.server.base_url, USERNAME, DEFAULT_PASSWORD)
    tab.open("/portal")
    # the upload and dropdown components load their code on demand: let it arrive before the
    # download (a navigation) would cut it off
    tab.settle()
    assert page.locator("h1").inner_text() == "My returns"
    assert "Alpha · Prosecution" in page.locator(".portal-scope").inner_text()
    tab.screenshot("portal-1-start", "en")

    # 1. the template, pre-filled and locked for the account's district
    with page.expect_download() as info:
        page.locator("#portal-template-download").click()
    download = info.value
    year = reporting_year(date.today())
    assert download.suggested_filename == f"DBMIS-PROSECUTION_ALPHA_{year}.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    sheet = load_workbook(template)["Data"]
    assert sheet["C2"].value == "Alpha" and sheet["C3"].value == year

    # 2. filled with a mistake: more convictions than cases decided in January
    wrong = fill(
        template,
        tmp_path / "return-wrong.xlsx",
        {("PRO_CASES_DECIDED", 1): 40, ("PRO_CONVICTIONS", 1): 55, ("PRO_CHALLANS_ON_TIME", 1): 7},
    )
    held = HeldUpload(tab)
    upload(tab, wrong)
    page.locator(".portal-checking").wait_for(state="visible")
    assert page.locator("#portal-upload").evaluate(
        "z => z.matches('.portal-dropzone-disabled') || !!z.querySelector('.portal-dropzone-disabled')"
    )
    assert page.locator("#portal-choose").is_disabled()
    tab.screenshot("portal-2-checking", "en")
    held.release()
    held.stop()
    result = wait_for_result(tab, "rejected")
    assert "Not accepted" in result.inner_text()
    issues = page.locator("#portal-result table.portal-issues tbody tr")
    assert issues.count() >= 1
    first = issues.first.inner_text()
    assert "Data!D9" in first and "Error" in first and "55" in first
    assert page.locator("#portal-result").get_attribute("role") == "status"
    tab.screenshot("portal-3-rejected", "en")

    # the annotated copy marks the cell
    with page.expect_download() as info:
        page.locator("#portal-result a.portal-annotated").click()
    marked = tmp_path / "marked.xlsx"
    info.value.save_as(marked)
    assert info.value.suggested_filename.startswith("dbmis-checked-")
    assert load_workbook(marked)["Data"]["D9"].comment is not None

    # 3. fixed and uploaded again: accepted and listed in My submissions
    fixed = fill(
        template,
        tmp_path / "return-fixed.xlsx",
        {("PRO_CASES_DECIDED", 1): 40, ("PRO_CONVICTIONS", 1): 15, ("PRO_CHALLANS_ON_TIME", 1): 7},
    )
    upload(tab, fixed)
    result = wait_for_result(tab, "accepted")
    assert "Accepted" in result.inner_text() and "revision 1" in result.inner_text()
    mine = page.locator("#portal-submissions .portal-key")
    mine.first.wait_for(state="visible")
    assert "Waiting for review" in mine.first.inner_text()
    assert "Files not accepted" in page.locator("#portal-submissions").inner_text()
    tab.screenshot("portal-4-accepted", "en")

    # 4. the Delivery Unit returns it with a reason; the focal point sees it and resends
    submission_id = int(
        mine.first.locator("a[href^='/submission/']").first.get_attribute("href").rsplit("/", 1)[1]
    )
    workflow.return_submission(
        portal_db, submission_id, reason=REASON, reviewer="analyst.du", reviewer_id=None
    )
    tab.open("/portal")
    returned = page.locator(".portal-returned")
    assert (
        REASON in returned.inner_text() and "Returned by the Delivery Unit" in returned.inner_text()
    )
    tab.screenshot("portal-5-returned", "en")
    corrected = fill(
        template,
        tmp_path / "return-corrected.xlsx",
        {("PRO_CASES_DECIDED", 1): 40, ("PRO_CONVICTIONS", 1): 12, ("PRO_CHALLANS_ON_TIME", 1): 7},
    )
    upload(tab, corrected)
    assert "revision 2" in wait_for_result(tab, "accepted").inner_text()
    history = page.locator("#portal-submissions .portal-key").first
    page.wait_for_function(
        "() => document.querySelectorAll('#portal-submissions .portal-history tbody tr').length === 2"
    )
    rows = history.locator("tbody tr")
    assert "Waiting for review" in rows.nth(0).inner_text()
    assert "Replaced" in rows.nth(1).inner_text() and REASON in rows.nth(1).inner_text()
    tab.screenshot("portal-6-history", "en")
    tab.assert_clean()


def test_portal_in_urdu_on_a_phone(new_tab: NewTab, tmp_path: Path) -> None:
    tab = new_tab("phone")
    sign_in_page(tab.page, tab.server.base_url, USERNAME, DEFAULT_PASSWORD)
    tab.open("/portal?lang=ur")
    page = tab.page
    root = page.locator("#page-root")
    assert root.get_attribute("dir") == "rtl" and root.get_attribute("lang") == "ur"
    assert page.locator("h1").inner_text() == "میری رپورٹیں"
    assert page.locator("label[for=portal-template-year]").inner_text() == "رپورٹ کا سال"
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page is {overflow}px wider than the phone"
    tab.screenshot("portal-7-phone", "ur")

    # a file with a mistake: the problem and what to do in Urdu, the English detail after it
    tab.settle()
    with page.expect_download() as info:
        page.locator("#portal-template-download").click()
    template = tmp_path / info.value.suggested_filename
    info.value.save_as(template)
    wrong = fill(
        template,
        tmp_path / "return-wrong-ur.xlsx",
        {("PRO_CASES_DECIDED", 1): 40, ("PRO_CONVICTIONS", 1): 55, ("PRO_CHALLANS_ON_TIME", 1): 7},
    )
    upload(tab, wrong)
    wait_for_result(tab, "rejected")
    first = page.locator("#portal-result table.portal-issues tbody tr").first
    assert first.locator(".issue-title").inner_text() == "اعداد ایک دوسرے سے میل نہیں کھاتے"
    assert "رجسٹر" in first.locator(".issue-fix").inner_text()
    detail = first.locator(".issue-message")
    assert "Data!D9" in detail.inner_text() and detail.get_attribute("dir") == "ltr"
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the result is {overflow}px wider than the phone"
    wide = page.evaluate(
        "() => { const w = document.querySelector('#portal-result .table-wrap');"
        " return w.scrollWidth - w.clientWidth; }"
    )
    assert wide <= 1, f"the problems are {wide}px wider than their cards"
    first.scroll_into_view_if_needed()
    tab.screenshot("portal-8-phone-problems", "ur")
    tab.assert_clean()
