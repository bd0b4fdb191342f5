"""Signing in and out in a real browser, and the Content Security Policy: Chromium reports no
violation on the public pages, the sign-in page or a signed-in page.

Every test fails on a console error, an uncaught exception, a failed request or an answer
>= 400, and on any request that would leave the machine (see conftest)."""

from __future__ import annotations

from typing import Any

import pytest

from dbmis.app.auth import ADMIN, ANALYST
from tests.browser.conftest import DemoWarehouse, NewTab, Tab
from tests.support.auth import DEFAULT_PASSWORD, make_user, sign_in_page

pytestmark = pytest.mark.browser

CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
});
"""


def csp_violations(tab: Tab) -> list[str]:
    found: list[str] = tab.page.evaluate("() => window.__csp || []")
    found += [e for e in tab.console_errors if "Content Security Policy" in e]
    return found


def header_text(tab: Tab) -> str:
    return str(tab.page.locator("header.site-header").inner_text())


def test_sign_in_and_sign_out(new_tab: NewTab, demo_warehouse: DemoWarehouse) -> None:
    admin = make_user(demo_warehouse.db, ADMIN, name="Ayesha Admin")
    tab = new_tab("desktop")
    page = tab.page

    tab.open("/sign-in")
    assert page.locator("label[for=sign-in-username]").inner_text() == "Username"
    assert page.locator("#sign-in-password").get_attribute("type") == "password"
    assert "Sign in" in header_text(tab)
    tab.screenshot("sign-in", "en")

    # a wrong password: back to the form with a message that does not say which was wrong
    page.locator("#sign-in-username").fill(admin.username)
    page.locator("#sign-in-password").fill("not the password at all")
    with page.expect_navigation(wait_until="load"):
        page.locator("#sign-in-submit").click()
    tab.wait_ready()
    assert "error=1" in page.url
    alert = page.locator("[role=alert]")
    assert "username or password is not right" in alert.inner_text()
    tab.screenshot("sign-in-error", "en")

    sign_in_page(page, tab.server.base_url, admin.username, DEFAULT_PASSWORD)
    tab.wait_ready()
    assert tab.path_and_query[0] == "/admin/users"
    assert "Signed in as Ayesha Admin (Administrator)" in header_text(tab)
    work = page.locator("#work-nav a")
    assert work.all_inner_texts() == ["Audit log", "Users"]
    assert page.locator("#work-nav a[aria-current=page]").inner_text() == "Users"
    assert page.locator("table.users-table").locator(f"text={admin.username}").count() == 1
    tab.screenshot("signed-in-users", "en")

    with page.expect_navigation(wait_until="load"):
        page.locator("#sign-out-button").click()
    tab.wait_ready()
    assert tab.path_and_query == ("/", {})
    assert page.locator("#sign-out-form").count() == 0
    assert page.locator("a.sign-in-link").inner_text() == "Sign in"

    # the protected page now sends the visitor to the sign-in page, and back after it
    tab.open("/admin/users")
    assert tab.path_and_query == ("/sign-in", {"next": "/admin/users"})
    page.locator("#sign-in-username").fill(admin.username)
    page.locator("#sign-in-password").fill(DEFAULT_PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.locator("#sign-in-submit").click()
    tab.wait_ready()
    assert tab.path_and_query[0] == "/admin/users"
    tab.assert_clean()


def test_sign_in_in_urdu_and_the_analyst_links(
    new_tab: NewTab, demo_warehouse: DemoWarehouse
) -> None:
    analyst = make_user(demo_warehouse.db, ANALYST, name="Bilal Analyst")
    tab = new_tab("phone")
    page = tab.page
    tab.open("/sign-in?lang=ur")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("label[for=sign-in-username]").inner_text() == "صارف نام"
    tab.screenshot("sign-in", "ur")
    page.locator("#sign-in-username").fill(analyst.username)
    page.locator("#sign-in-password").fill(DEFAULT_PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.locator("#sign-in-submit").click()
    assert tab.path_and_query == ("/workspace", {"lang": "ur"})
    page.locator("#work-nav").wait_for()
    hrefs = page.locator("#work-nav a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert hrefs == [
        "/portal?lang=ur",
        "/portal/progress?lang=ur",
        "/workspace?lang=ur",
        "/workspace/quality?lang=ur",
        "/workspace/stocktake?lang=ur",
        "/workspace/releases?lang=ur",
        "/workspace/plan?lang=ur",
        "/steering?lang=ur",
        "/audit?lang=ur",
    ]
    # the users page is not for analysts
    response = page.goto(tab.server.url("/admin/users?lang=ur"))
    assert response is not None and response.status == 403
    tab.allowed_statuses[tab.server.url("/admin/users?lang=ur")] = 403
    tab.wait_ready()
    assert "آپ کے اکاؤنٹ کے لیے دستیاب نہیں" in page.locator("main").inner_text()


@pytest.mark.parametrize(
    "path", ["/", "/sign-in", "/sign-in?lang=ur", "/kpi/CONVICTION_RATE", "/district/ALPHA"]
)
def test_no_csp_violation_on_public_pages(new_tab: NewTab, path: str) -> None:
    tab = new_tab("desktop")
    tab.page.add_init_script(CSP_LISTENER)
    tab.open(path)
    tab.page.wait_for_timeout(300)  # let late violations (styles, images) be reported
    assert csp_violations(tab) == []
    tab.assert_clean()


def test_no_csp_violation_signed_in(new_tab: NewTab, demo_warehouse: DemoWarehouse) -> None:
    admin = make_user(demo_warehouse.db, ADMIN)
    tab = new_tab("desktop")
    tab.page.add_init_script(CSP_LISTENER)
    sign_in_page(tab.page, tab.server.base_url, admin.username, DEFAULT_PASSWORD)
    tab.wait_ready()
    tab.page.wait_for_timeout(300)
    assert csp_violations(tab) == []
    tab.assert_clean()


def test_the_policy_does_block_an_injected_script(new_tab: NewTab) -> None:
    """The listener is not blind: an inline script added to the page is refused and reported."""
    tab = new_tab("desktop")
    tab.page.add_init_script(CSP_LISTENER)
    tab.open("/about")
    ran: Any = tab.page.evaluate(
        """() => new Promise((resolve) => {
            window.__ran = false;
            const s = document.createElement('script');
            s.textContent = 'window.__ran = true;';
            document.body.appendChild(s);
            setTimeout(() => resolve(window.__ran), 200);
        })"""
    )
    assert ran is False
    assert any("script-src" in v for v in csp_violations(tab))
