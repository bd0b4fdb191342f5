"""The whole Deliverology routine through the web pages, across roles, in headless Chromium.

On a fresh warehouse (the mini catalog, no data, no release) served by its own app:

1. the administrator sees the accounts on /admin/users;
2. a focal point (Alpha, prosecution) downloads the template, pre-filled for the district,
   fills it with openpyxl with one value breaking a rule, uploads it and sees the problem with
   its cell; fixes it, uploads it again and sees it waiting for review in My submissions;
3. an analyst finds it in the inbox (filters) and returns it with a reason;
4. the focal point sees the reason and sends a corrected revision;
5. the analyst approves it and publishes a release through January of the reporting year;
6. the public KPI page shows the new figure: the number in its table is what the uploaded
   values imply (convictions / cases decided x 100);
7. the analyst opens the quarter's stocktake and judges the KPI; a Steering Committee member
   reads the pack on /steering and downloads the PDF;
8. the administrator reads the routine in the audit log.

It runs on SQLite and on PostgreSQL (the ``db`` fixture). Every wait is for an element or a
state of the page (no sleeps) and is bounded by Playwright's timeouts. Screenshots of each step
go to ``test-artifacts/screenshots/journey-*.png``; those of the administrator's pages are used
by docs/guides/administrator.md (copied to docs/guides/img/).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from dbmis.app.auth import ADMIN, ANALYST, FOCAL_POINT, STEERING
from dbmis.app.i18n import month_label, period_label
from dbmis.app.portal_downloads import reporting_year
from dbmis.catalog import Catalog
from dbmis.ingest import layout as L
from dbmis.kpis.stocktake import quarter_of
from dbmis.warehouse import Database
from dbmis.warehouse.queries.releases import list_releases
from dbmis.warehouse.queries.submissions import list_submissions
from tests.browser.conftest import LiveServer, NewTab, Tab
from tests.browser.fresh_server import fresh_warehouse, serve
from tests.support.auth import DEFAULT_PASSWORD, make_user, sign_in_page

pytestmark = pytest.mark.browser

FOCAL = "focal.alpha.prosecution"
ANALYST_USER = "du.analyst"
SC_USER = "sc.member"
ADMIN_USER = "site.admin"
KPI = "CONVICTION_RATE"
MONTH = 1
"""January of the reporting year: always over, whatever the day the test runs."""
DECIDED, WRONG, FIRST, CORRECTED = 48, 55, 20, 18
"""Cases decided; convictions typed wrong (more than decided), then first sent, then corrected."""
REASON = "January convictions do not match the court register: please check and resend."
RATIONALE = "The first district's figures are in; the others must start reporting."


@pytest.fixture
def journey_db(db: Database) -> tuple[Database, Catalog]:
    catalog = fresh_warehouse(db)
    make_user(db, ADMIN, ADMIN_USER, name="Site Administrator")
    make_user(
        db, FOCAL_POINT, FOCAL, districts=("ALPHA",), institutions=("PROSECUTION",),
        name="Prosecution focal point, Alpha",
    )  # fmt: skip
    make_user(db, ANALYST, ANALYST_USER, name="Delivery Unit Analyst")
    make_user(db, STEERING, SC_USER, name="Steering Committee Member")
    return db, catalog


@pytest.fixture
def live_server(journey_db: tuple[Database, Catalog], tmp_path: Path) -> Iterator[LiveServer]:
    """This module's own server (overrides the shared one for the ``new_tab`` fixture)."""
    db, catalog = journey_db
    with serve(db, catalog, tmp_path / "evidence", name="full-journey-server") as server:
        yield server


# --- helpers ----------------------------------------------------------------------------------


class Steps:
    """Numbered screenshots: ``journey-01-...``, ``journey-02-...``."""

    def __init__(self) -> None:
        self.n = 0

    def shot(self, tab: Tab, name: str) -> Path:
        self.n += 1
        return tab.screenshot(f"journey-{self.n:02d}-{name}", "en")


TIMEOUT_MS = 30_000
"""Each wait for an element (the shared machine may be busy: the first pages load slowly)."""


def tab_for(new_tab: NewTab) -> Tab:
    tab = new_tab("desktop")
    tab.page.set_default_timeout(TIMEOUT_MS)
    return tab


def signed_in(new_tab: NewTab, username: str) -> Tab:
    tab = tab_for(new_tab)
    sign_in_page(tab.page, tab.server.base_url, username, DEFAULT_PASSWORD)
    tab.wait_ready()
    return tab


def data_rows(workbook: Path) -> dict[str, int]:
    ws = load_workbook(workbook)[L.SHEET_DATA]
    return {
        str(ws.cell(r, L.CODE_COL).value): r
        for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)
        if ws.cell(r, L.CODE_COL).value
    }


def fill(template: Path, out: Path, convictions: int) -> Path:
    """The focal point types January's figures into the template, as they would in Excel."""
    wb = load_workbook(template)
    ws = wb[L.SHEET_DATA]
    rows = data_rows(template)
    column = L.month_column(MONTH)
    ws.cell(rows["PRO_CASES_DECIDED"], column).value = DECIDED
    ws.cell(rows["PRO_CONVICTIONS"], column).value = convictions
    ws.cell(rows["PRO_CHALLANS_ON_TIME"], column).value = 9
    ws[L.FOCAL_NAME_CELL] = "Prosecution focal point, Alpha"
    wb.save(out)
    return out


def upload(tab: Tab, path: Path, kind: str) -> Any:
    """Drop ``path`` on the upload box; the result (``rejected`` or ``accepted``) once shown."""
    tab.page.locator("#portal-upload input[type=file]").set_input_files(str(path))
    result = tab.page.locator(f"#portal-result .portal-result-{kind}")
    result.wait_for(state="visible", timeout=60_000)
    return result


def wait_for_text(tab: Tab, selector: str, text: str) -> str:
    """Wait until the element ``selector`` contains ``text`` (or shows an error); its text."""
    tab.page.wait_for_function(
        "([sel, want]) => { const el = document.querySelector(sel);"
        " return !!el && (el.innerText.includes(want)"
        " || !!el.querySelector('.st-error, [role=alert]')); }",
        arg=[selector, text],
        polling=100,
    )
    shown: str = tab.page.locator(selector).inner_text()
    assert text in shown, shown
    return shown


def number(text: str) -> float:
    found = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
    assert found, f"no number in {text!r}"
    return float(found.group())


# --- the journey --------------------------------------------------------------------------------


def test_the_routine_across_roles(
    new_tab: NewTab, journey_db: tuple[Database, Catalog], tmp_path: Path
) -> None:
    db, catalog = journey_db
    steps = Steps()
    year = reporting_year(date.today())
    month = year * 100 + MONTH
    quarter = quarter_of(date(year, MONTH, 1))

    # --- 1. the administrator sees the accounts -------------------------------------------------
    admin = signed_in(new_tab, ADMIN_USER)
    admin.open("/admin/users")
    users = admin.page.locator("table.users-table tbody")
    assert users.locator("tr").count() == 4
    focal_row = users.locator("tr").filter(has_text=FOCAL).inner_text()
    assert "Focal point" in focal_row and "Alpha (ALPHA)" in focal_row
    assert "(PROSECUTION)" in focal_row
    steps.shot(admin, "admin-users")
    admin.assert_clean()

    # --- 2. the focal point: template, a mistake, the fix ---------------------------------------
    fp = signed_in(new_tab, FOCAL)
    fp.open("/portal")
    page = fp.page
    fp.settle()  # the upload component's code, loaded on demand
    assert "Alpha · Prosecution" in page.locator(".portal-scope").inner_text()
    steps.shot(fp, "fp-portal")
    with page.expect_download() as info:
        page.locator("#portal-template-download").click()
    template = tmp_path / info.value.suggested_filename
    info.value.save_as(template)
    assert info.value.suggested_filename == f"DBMIS-PROSECUTION_ALPHA_{year}.xlsx"
    sheet = load_workbook(template)[L.SHEET_DATA]
    assert sheet["C2"].value == "Alpha" and sheet["C3"].value == year  # pre-filled

    bad_cell = f"Data!{get_column_letter(L.month_column(MONTH))}"
    bad_cell += str(data_rows(template)["PRO_CONVICTIONS"])
    result = upload(fp, fill(template, tmp_path / "wrong.xlsx", WRONG), "rejected")
    assert "Not accepted" in result.inner_text()
    issues = page.locator("#portal-result table.portal-issues tbody tr")
    issue = issues.filter(has_text=bad_cell)
    assert issue.count() == 1, issues.all_inner_texts()
    assert "Error" in issue.inner_text() and str(WRONG) in issue.inner_text()
    steps.shot(fp, "fp-rejected")

    result = upload(fp, fill(template, tmp_path / "fixed.xlsx", FIRST), "accepted")
    assert "revision 1" in result.inner_text()
    mine = page.locator("#portal-submissions .portal-key").first
    mine.wait_for(state="visible")
    assert "Waiting for review" in mine.inner_text()
    steps.shot(fp, "fp-submitted")
    fp.assert_clean()

    # --- 3. the analyst finds it in the inbox and returns it -------------------------------------
    du = signed_in(new_tab, ANALYST_USER)
    du.open("/workspace")
    page = du.page
    page.locator("#review-inbox-district").select_option(label="Alpha")
    page.locator("#review-inbox-status").select_option(label="Waiting for review")
    du.follow(page.locator("#review-inbox-filters-form-apply"))
    rows = page.locator(".review-table tbody tr")
    assert rows.count() == 1
    assert "Prosecution" in rows.first.inner_text()
    steps.shot(du, "du-inbox")
    du.follow(rows.first.locator("a.review-open"))
    first_id = int(page.url.split("?")[0].rsplit("/", 1)[1])
    page.locator("#review-sub-reason").fill(REASON)
    page.locator("#review-sub-return").click()
    page.get_by_text("The submission was returned to the focal point").wait_for()
    steps.shot(du, "du-returned")

    # --- 4. the focal point reads the reason and resends -----------------------------------------
    fp.open("/portal")
    page = fp.page
    fp.settle()
    returned = page.locator(".portal-returned")
    assert REASON in returned.inner_text()
    steps.shot(fp, "fp-reason")
    result = upload(fp, fill(template, tmp_path / "corrected.xlsx", CORRECTED), "accepted")
    assert "revision 2" in result.inner_text()
    page.wait_for_function(
        "() => document.querySelectorAll('#portal-submissions .portal-history tbody tr')"
        ".length === 2"
    )
    history = page.locator("#portal-submissions .portal-key").first.locator("tbody tr")
    assert "Waiting for review" in history.nth(0).inner_text()
    assert REASON in history.nth(1).inner_text()
    steps.shot(fp, "fp-resubmitted")
    fp.assert_clean()

    # --- 5. the analyst approves and publishes ---------------------------------------------------
    du.open("/workspace?status=submitted")
    page = du.page
    du.follow(page.locator("a.review-open").first)
    second_id = int(page.url.split("?")[0].rsplit("/", 1)[1])
    assert second_id != first_id
    page.locator("#review-sub-approve").click()
    page.get_by_text("The submission is approved and its figures are locked").wait_for()
    steps.shot(du, "du-approved")

    du.open("/workspace/releases")
    page.locator("#pub-through").fill(f"{year}-{MONTH:02d}")
    page.locator("#pub-preview-btn").click()
    through = month_label(month, "en")
    preview = page.locator("#pub-preview")
    wait_for_text(du, "#pub-preview", f"through {through}")
    assert preview.locator(f"a[href='/submission/{second_id}']").count() == 1
    # the stored figures predate the approval: the preview recomputes them for itself (kept
    # nowhere), so it shows what publishing will add, with no "out of date" warning
    added = preview.locator("table tbody tr").filter(has_text="Added").locator("td")
    assert number(added.inner_text()) > 0
    assert preview.locator(".st-warning").count() == 0
    page.locator("#pub-note").fill(f"Alpha's prosecution return for {through}.")
    page.locator("#pub-ask-btn").click()
    page.locator("#pub-confirm").wait_for(state="visible")
    confirm = re.search(r"(\d+) values added", page.locator("#pub-confirm-text").inner_text())
    assert confirm and int(confirm.group(1)) > 0
    steps.shot(du, "du-release-confirm")
    page.locator("#pub-confirm-btn").click()
    wait_for_text(du, "#pub-feedback", "was published")
    steps.shot(du, "du-release-published")
    du.assert_clean()
    with db.read() as conn:
        (release,) = list_releases(conn)
        statuses = {s.id: s.status for s in list_submissions(conn)}
    assert release.through_month == month and release.publisher == ANALYST_USER
    assert statuses[first_id] != "approved" and statuses[second_id] == "approved"

    # --- 6. the public KPI page shows the new figure ---------------------------------------------
    public = tab_for(new_tab)
    public.open(f"/kpi/{KPI}?geo=district:ALPHA&period=month")
    page = public.page
    label = period_label(f"{year}-{MONTH:02d}", "en", catalog.roadmap.fiscal_year_start_month)
    series = page.locator(".trajectory table")
    row = series.locator("tbody tr").filter(
        has=page.locator("th", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    assert row.count() == 1, series.inner_text()
    shown = row.locator("td").first.inner_text()
    assert number(shown) == pytest.approx(CORRECTED / DECIDED * 100, abs=0.05), shown
    assert "Release 1, published on" in page.locator(".facts").inner_text()
    steps.shot(public, "public-kpi")
    public.assert_clean()

    # --- 7. the stocktake: the analyst judges, the Steering Committee reads ----------------------
    du.open("/workspace/stocktake")
    page = du.page
    if page.locator("details.st-create[open]").count() == 0:  # open at first, folded later
        page.locator("details.st-create > summary").click()
    page.locator("#st-create-quarter").fill(quarter)
    with page.expect_navigation(wait_until="load"):
        page.locator("#st-create-submit").click()
    du.wait_ready()
    assert page.locator("#st-take-title").inner_text() == f"Stocktake {quarter}"
    du.open(f"/workspace/stocktake?at={quarter}&kpi={KPI}")
    page.locator("#st-judge-likelihood input[value='amber_red']").check()
    page.locator("#st-judge-rationale").fill(RATIONALE)
    page.locator("#st-judge-progress input[value='weak']").check()
    page.locator("#st-judge-submit").click()
    wait_for_text(du, "#st-feedback", "judgement was saved")
    page.locator("#st-kpi-title").scroll_into_view_if_needed()
    steps.shot(du, "du-stocktake")
    du.assert_clean()

    sc = signed_in(new_tab, SC_USER)
    sc.open("/steering")
    page = sc.page
    assert page.locator("h2.st-take-title").inner_text() == f"Stocktake {quarter}"
    row = page.locator("table.st-summary tbody tr").filter(has_text="Conviction rate")
    assert row.locator(".st-lh-amber_red").count() == 1
    assert page.locator("main button, main input, main textarea").count() == 0  # read only
    steps.shot(sc, "sc-pack")
    sc.follow(row.locator("a").first)  # the KPI drilled down, with the judgement
    assert page.locator("#st-drill .st-rationale").inner_text() == RATIONALE
    steps.shot(sc, "sc-drill-down")
    with page.expect_download() as info:
        page.locator("#st-pack-pdf").click()
    assert info.value.suggested_filename == f"stocktake-pack-{quarter}.pdf"
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    sc.assert_clean()

    # --- 8. the administrator reads the routine in the audit log ---------------------------------
    admin.open("/audit")
    log = admin.page.locator("table.st-audit tbody")
    log.locator("tr").first.wait_for()
    text = log.inner_text()
    for action, actor in (
        ("submission.returned", ANALYST_USER),
        ("submission.approved", ANALYST_USER),
        ("release.published", ANALYST_USER),
        ("stocktake.judged", ANALYST_USER),
    ):
        assert log.locator("tr").filter(has_text=action).filter(has_text=actor).count() >= 1, (
            action,
            text,
        )
    assert log.locator("tr").filter(has_text=FOCAL).count() >= 3  # rejected, accepted x2
    # every column fits on a desktop screen (a long record name such as "upload <SHA-256>"
    # once pushed the Detail column out of sight)
    overflow = admin.page.locator("table.st-audit").evaluate(
        "t => t.scrollWidth - t.parentElement.clientWidth"
    )
    assert overflow <= 1, f"the audit table is {overflow}px wider than its box"
    steps.shot(admin, "admin-audit")
    admin.assert_clean()
