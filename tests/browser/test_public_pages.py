"""The public site in a real browser: every page in English and Urdu, at desktop and phone
width; the language switch; the KPI page's own controls; the CSV download.

Every test fails on a console error, an uncaught exception, a failed request or an answer >= 400
(other than the 404 page's own document), and on any request that would leave the machine."""

from __future__ import annotations

import csv
import io
import math
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from dbmis.warehouse.queries import releases as rq
from tests.browser.conftest import LANGS, PAGES, VIEWPORTS, DemoWarehouse, NewTab, PageSpec, Tab

pytestmark = pytest.mark.browser

OTHER = {"en": "ur", "ur": "en"}


def _document_lang_dir(tab: Tab) -> dict[str, str]:
    return tab.page.evaluate(
        """() => {
            const root = document.getElementById('page-root');
            return {
                lang: document.documentElement.lang, dir: document.documentElement.dir,
                root_lang: root && root.lang, root_dir: root && root.dir,
            };
        }"""
    )


def _overflow(tab: Tab) -> int:
    """How many CSS pixels the document is wider than the window (> 0: a sideways scroll)."""
    return int(
        tab.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_page(new_tab: NewTab, spec: PageSpec, lang: str, viewport: str) -> None:
    tab = new_tab(viewport)
    tab.open(spec.url(lang), status=spec.status)
    page = tab.page
    tab.screenshot(spec.name, lang)

    expected_dir = "rtl" if lang == "ur" else "ltr"
    assert _document_lang_dir(tab) == {
        "lang": lang,
        "dir": expected_dir,
        "root_lang": lang,
        "root_dir": expected_dir,
    }
    assert page.title().strip(), "the page has no title"
    main = page.locator("main")
    assert main.count() == 1, "one <main> per page"
    assert main.first.is_visible()
    assert main.locator("h1").count() == 1, "one <h1>, in <main>"
    assert main.locator("h1").first.inner_text().strip()
    switch = page.locator(f'a[hreflang="{OTHER[lang]}"]')
    assert switch.count() >= 1 and switch.first.is_visible(), "the language switch is missing"
    assert _overflow(tab) <= 1, f"the page scrolls sideways by {_overflow(tab)} px"
    tab.assert_clean()


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_language_switch_keeps_the_page_and_its_state(new_tab: NewTab, spec: PageSpec) -> None:
    tab = new_tab("desktop")
    tab.open(spec.url("en", with_state=True), status=spec.status)
    state = dict(parse_qsl(spec.state))

    switch = tab.page.locator('a[hreflang="ur"]').first  # English -> Urdu: followed
    if spec.status >= 400:  # the 404 page's document keeps its status in every language
        tab.allowed_statuses[tab.server.url(str(switch.get_attribute("href")))] = spec.status
    tab.follow(switch)
    assert tab.path_and_query == (spec.path, {**state, "lang": "ur"})
    assert _document_lang_dir(tab)["lang"] == "ur" and _document_lang_dir(tab)["dir"] == "rtl"

    back = urlsplit(str(tab.page.locator('a[hreflang="en"]').first.get_attribute("href")))
    assert (back.path, dict(parse_qsl(back.query))) == (spec.path, state)  # Urdu -> English
    tab.assert_clean()


# --- the KPI page's controls ------------------------------------------------------------------


def _query_of(href: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(href).query))


def _choose(tab: Tab, param: str, prefix: str = "") -> str:
    """Change ``param`` with the page's own control (a ``<select name=param>`` in a GET form,
    or a link that sets it) to a value starting with ``prefix`` other than the current one;
    returns the value chosen."""
    page = tab.page
    current = tab.path_and_query[1].get(param)
    select = page.locator(f'main select[name="{param}"]')
    if select.count():
        values = [
            str(v)
            for v in select.first.locator("option").evaluate_all("os => os.map(o => o.value)")
        ]
        value = next(v for v in values if v.startswith(prefix) and v != current)
        select.first.select_option(value)
        submit = select.first.locator("xpath=ancestor::form[1]").locator(
            "button[type=submit], input[type=submit]"
        )
        tab.follow(submit.first)
        return value
    links = page.locator(f'main a[href*="{param}="]:not([aria-current])')
    for i in range(links.count()):
        link = links.nth(i)
        value = _query_of(str(link.get_attribute("href"))).get(param, "")
        if value.startswith(prefix) and value != current:
            tab.follow(link)
            return value
    raise AssertionError(f"the page offers no control to change {param!r}")


@pytest.mark.parametrize(("lang", "viewport"), [("en", "desktop"), ("ur", "phone")])
def test_kpi_page_controls_change_place_and_period(
    new_tab: NewTab, demo_warehouse: DemoWarehouse, lang: str, viewport: str
) -> None:
    tab = new_tab(viewport)
    path = "/kpi/CONVICTION_RATE"
    tab.open(path + ("?lang=ur" if lang == "ur" else ""))

    period = _choose(tab, "period")
    assert tab.path_and_query == (
        path,
        {"period": period, **({"lang": lang} if lang != "en" else {})},
    )

    geo = _choose(tab, "geo", prefix="district:")
    where, query = tab.path_and_query
    assert where == path
    assert query.get("geo") == geo and query.get("period") == period
    assert query.get("lang", "en") == lang
    district = demo_warehouse.catalog.district_by_code[geo.split(":", 1)[1]]
    assert district.name.get(lang) in tab.page.locator("main").inner_text()
    select = tab.page.locator('main select[name="geo"]')
    if select.count():  # the place chooser shows the place chosen
        assert select.first.input_value() == geo

    at = _choose(tab, "at")  # the period the districts are compared for
    assert tab.path_and_query[1] == {"geo": geo, "period": period, "at": at} | (
        {"lang": lang} if lang != "en" else {}
    )
    assert _document_lang_dir(tab)["dir"] == ("rtl" if lang == "ur" else "ltr")
    tab.screenshot("kpi-district-month" if period == "month" else f"kpi-district-{period}", lang)
    tab.assert_clean()


# --- the CSV download -----------------------------------------------------------------------


def _number(text: str) -> float | None:
    return float(text) if text != "" else None


def _same(a: Any, b: Any) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if b is None:
        return False
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)


def test_csv_download_is_the_latest_release(new_tab: NewTab, demo_warehouse: DemoWarehouse) -> None:
    tab = new_tab("desktop")
    tab.open("/data")
    link = tab.page.locator('main a[href^="/download/values.csv"]').first
    assert _query_of(str(link.get_attribute("href"))) == {}, (
        "the unfiltered page offers every value"
    )
    with tab.page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".csv")
    body = download.path().read_bytes()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))

    with demo_warehouse.db.read() as conn:
        release = rq.latest_release(conn)
        assert release is not None
        frame = rq.release_values(conn, release.id)
    assert f"release-{release.number}" in download.suggested_filename
    assert len(rows) == len(frame) > 0
    assert {r["release"] for r in rows} == {str(release.number)}

    key_fields = ("kpi", "geo_level", "geo_code", "period_type", "period")
    expected = {tuple(str(getattr(r, f)) for f in key_fields): r for r in frame.itertuples()}
    for row in rows:
        key = tuple(row[f] for f in key_fields)
        assert key in expected, f"{key} is not in release {release.number}"
        want = expected[key]
        for name in ("value", "numerator", "denominator", "planned", "completeness"):
            assert _same(_number(row[name]), getattr(want, name)), (key, name, row[name])
        assert int(row["received"]) == want.received and int(row["expected"]) == want.expected
        assert row["flagged"] == ("true" if want.flagged else "false")
        assert (row["status"] or None) == (want.status if isinstance(want.status, str) else None)
    assert len({tuple(r[f] for f in key_fields) for r in rows}) == len(rows)

    api = tab.page.context.request.get(tab.server.url("/api/v1/values?limit=10000")).json()
    assert api["release"]["number"] == release.number and api["total"] == len(rows)
    api_values = {tuple(v[f] for f in key_fields): v["value"] for v in api["values"]}
    assert all(
        _same(_number(r["value"]), api_values[tuple(r[f] for f in key_fields)]) for r in rows
    )
    tab.assert_clean()


def test_a_request_to_the_internet_is_blocked_and_reported(new_tab: NewTab) -> None:
    """The guard itself: a request off the machine never leaves and is reported. (A fetch from
    the page is stopped first by the app's Content Security Policy, ``connect-src 'self'``; a
    top-level navigation is not subject to it, so it reaches the guard.)"""
    from playwright.sync_api import Error as PlaywrightError

    tab = new_tab("desktop")
    tab.open("/about")
    outcome = tab.page.evaluate(
        """() => fetch('https://example.org/tracker.js').then(() => 'loaded', () => 'blocked')"""
    )
    assert outcome == "blocked"
    with pytest.raises(PlaywrightError):
        tab.page.goto("https://example.org/tracker.js")
    assert tab.external == ["https://example.org/tracker.js"]
    assert any("request to the internet" in p for p in tab.problems())
    tab.external.clear()  # expected here: do not fail the test at teardown
