"""The stocktake routine in a real browser: a Delivery Unit analyst opens the stocktake of a
quarter, refreshes the figures from the approved data, judges a KPI and agrees an action, then
publishes a release; a Steering Committee member signs in, reads the pack on screen, drills a
KPI down and downloads the PDF. Screenshots of each step go to test-artifacts/screenshots/.

The journey runs on its own copy of the demo warehouse (it publishes a release, which the
public-page tests must not see), with the demo's waiting 2025 returns approved first: the
figures of 2025 are then approved but not yet published.
"""

# ruff: noqa: F811 - the journey fixtures are imported, then used as arguments

from __future__ import annotations

from pathlib import Path

import pytest

from dbmis.warehouse import Database
from dbmis.warehouse.queries.releases import list_releases
from dbmis.warehouse.queries.submissions import list_submissions
from tests.browser.conftest import SCREENSHOTS, LiveServer, NewTab, Tab
from tests.browser.steering_env import ANALYST_USER, SC_USER, journey, live_server  # noqa: F401
from tests.support.auth import DEFAULT_PASSWORD, sign_in_page

pytestmark = pytest.mark.browser

QUARTER = "2025Q1"
RATIONALE = "Convictions are rising in the north but the south lags: prosecutors are short."


def shot(tab: Tab, name: str) -> Path:
    return tab.screenshot(f"steering-{name}", "en")


def click_and_wait_for(tab: Tab, button: str, feedback: str, text: str) -> None:
    """Click a button whose callback answers in ``feedback`` (a message) and check that the
    message is a success containing ``text``."""
    message = tab.page.locator(f"{feedback} p, {feedback} div").first
    tab.page.locator(button).click()
    tab.page.wait_for_function(
        "([sel, want]) => { const el = document.querySelector(sel);"
        " return el && (el.innerText.includes(want) || !!el.querySelector('.st-error')); }",
        arg=[feedback, text],
        polling=100,
    )
    tab.wait_ready()
    shown = message.inner_text()
    assert text in shown, shown


def test_analyst_prepares_and_publishes_then_sc_reads_the_pack(
    new_tab: NewTab, journey: tuple[LiveServer, Database]
) -> None:
    server, db = journey
    with db.read() as conn:
        before = max(r.number for r in list_releases(conn))

    # --- the analyst opens the stocktake of 2025Q1 ----------------------------------------
    ana = new_tab("desktop")
    sign_in_page(ana.page, server.base_url, ANALYST_USER, DEFAULT_PASSWORD)
    ana.open("/workspace/stocktake")
    page = ana.page
    page.locator("details.st-create > summary").click()
    page.locator("#st-create-quarter").fill(QUARTER)
    with page.expect_navigation(wait_until="load"):
        page.locator("#st-create-submit").click()
    ana.wait_ready()
    assert f"at={QUARTER}" in page.url
    assert page.locator("#st-take-title").inner_text() == f"Stocktake {QUARTER}"

    # the figures still stop at the last release: refresh them from the approved data
    assert page.locator(".st-freshness .st-warning").is_visible()
    click_and_wait_for(ana, "#st-recompute-submit", "#st-feedback", "recomputed")
    summary = page.locator("table.st-summary")
    assert summary.locator(".st-pub-unpublished").count() >= 1
    shot(ana, "analyst-preview")

    # judge the KPI being worked on and agree an action
    kpi = page.locator("#st-kpi-title").inner_text().split(": ", 1)[1]
    page.locator("#st-judge-likelihood input[value='amber_green']").check()
    page.locator("#st-judge-rationale").fill(RATIONALE)
    page.locator("#st-judge-planning input[value='adequate']").check()
    page.locator("#st-judge-progress input[value='weak']").check()
    click_and_wait_for(ana, "#st-judge-submit", "#st-feedback", "judgement was saved")
    assert page.locator(".st-kpi .st-rationale").first.inner_text() == RATIONALE
    page.locator("#st-action-text").fill("Post five more prosecutors to the south")
    page.locator("#st-action-owner").fill("Prosecutor General")
    page.locator("#st-action-due").fill("2026-12-31")
    click_and_wait_for(ana, "#st-action-submit", "#st-feedback", "action was recorded")
    assert page.locator("table.st-actions").filter(has_text="Post five more prosecutors").count()
    page.locator("#st-kpi-title").scroll_into_view_if_needed()
    shot(ana, "analyst-judgement")
    ana.assert_clean()

    # --- the analyst publishes a release ------------------------------------------------------
    ana.open("/workspace/releases")
    assert page.locator("#pub-preview").filter(has_text="would hold").count()
    shot(ana, "analyst-release-preview")
    page.locator("#pub-note").fill("Returns of early 2025, approved in March.")
    click_and_wait_for(ana, "#pub-ask-btn", "#pub-confirm", "Publish release")
    assert page.locator("#pub-confirm").is_visible()
    shot(ana, "analyst-release-confirm")
    click_and_wait_for(ana, "#pub-confirm-btn", "#pub-feedback", "was published")
    assert page.locator("#pub-confirm").is_hidden()
    shot(ana, "analyst-release-published")
    ana.assert_clean()
    with db.read() as conn:
        assert max(r.number for r in list_releases(conn)) == before + 1
        approved = [s.id for s in list_submissions(conn) if s.status == "approved"]

    # --- what the audit log says -------------------------------------------------------------
    ana.open("/audit")
    log = page.locator("table.st-audit tbody")
    mine = log.locator("tr").filter(has_text=ANALYST_USER)
    assert mine.filter(has_text="release.published").count() == 1
    assert mine.filter(has_text="stocktake.judged").count() == 1
    page.locator("#audit-submission").fill(str(approved[-1]))
    page.locator("#audit-apply").click()
    page.wait_for_function(
        "() => /of [0-9]+,/.test(document.querySelector('#audit-count')?.innerText || '')"
        " && [...document.querySelectorAll('table.st-audit tbody tr')].every("
        f"r => r.innerText.includes('Submission #{approved[-1]}'))",
        polling=100,
    )
    assert log.locator(".st-hash").count() >= 1  # the file's SHA-256
    shot(ana, "analyst-audit-log")
    ana.assert_clean()

    # --- a Steering Committee member reads the pack ------------------------------------------
    sc = new_tab("desktop")
    sign_in_page(sc.page, server.base_url, SC_USER, DEFAULT_PASSWORD)
    sc.open("/steering")
    page = sc.page
    assert page.locator("h2.st-take-title").inner_text() == f"Stocktake {QUARTER}"
    row = page.locator("table.st-summary tbody tr").filter(has_text=kpi)
    assert row.locator(".st-lh-amber_green").count() == 1
    # the quarter runs to March; the release goes through February: its figure for the
    # quarter to date is approved but not published yet, and says so
    assert row.locator(".st-pub-unpublished").inner_text().endswith("Approved, not yet published")
    assert page.locator(".st-unpublished-notice").is_visible()
    assert page.locator("#st-pack-pdf").is_visible()
    # read only: no form control and no button on the page
    assert page.locator("main button, main input, main textarea").count() == 0
    shot(sc, "sc-summary")

    # drill the judged KPI down
    sc.follow(row.locator("a").first)
    drill = page.locator("#st-drill")
    assert drill.is_visible()
    assert drill.locator("table caption").filter(has_text="Districts").count() == 1
    assert drill.locator("table caption").filter(has_text="Institutions").count() == 1
    assert drill.locator(".st-rationale").inner_text() == RATIONALE
    assert drill.locator("img.st-chart").count() == 1
    drill.scroll_into_view_if_needed()
    shot(sc, "sc-drill-down")

    # download the pack as PDF
    with page.expect_download() as info:
        page.locator("#st-pack-pdf").click()
    download = info.value
    assert download.suggested_filename == f"stocktake-pack-{QUARTER}.pdf"
    saved = SCREENSHOTS.parent / "downloads" / download.suggested_filename
    saved.parent.mkdir(parents=True, exist_ok=True)
    download.save_as(str(saved))
    assert saved.read_bytes().startswith(b"%PDF-")

    # the pack as one page, in a new tab
    with page.context.expect_page() as opened:
        page.locator("#st-pack-html").click()
    pack = opened.value
    pack.wait_for_load_state("load")
    assert "Conviction rate" in pack.content()
    pack.screenshot(path=str(SCREENSHOTS / "steering-sc-pack-html-en-desktop.png"), full_page=False)
    pack.close()

    # an earlier stocktake: its quarter's figures are all in the new release
    sc.follow(page.locator(".st-chooser a").filter(has_text="Oct–Dec 2024"))
    assert page.locator("h2.st-take-title").inner_text().startswith("Stocktake 2024Q4")
    published = page.locator("table.st-summary .st-pub-published")
    assert published.count() >= 1
    assert published.first.inner_text() == f"Published in release {before + 1}"
    shot(sc, "sc-earlier-stocktake")
    sc.assert_clean()


def test_sc_member_on_a_phone_in_urdu(
    new_tab: NewTab, journey: tuple[LiveServer, Database]
) -> None:
    server, _ = journey
    tab = new_tab("phone")
    sign_in_page(tab.page, server.base_url, SC_USER, DEFAULT_PASSWORD)
    tab.open("/steering?lang=ur")
    assert tab.page.locator("h1").inner_text() == "جائزہ اجلاس کا پیک"
    overflow = tab.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow} px"
    tab.screenshot("steering-sc-summary", "ur")
    tab.assert_clean()
