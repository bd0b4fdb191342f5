"""Browser tests: the public site in headless Chromium.

The browser is Debian's ``/usr/bin/chromium`` driven by Playwright (the pip package only: no
browser is ever downloaded). When it is missing the tests are skipped with the reason, or fail
when ``CI`` is set.

Session fixtures (one per test process):

- ``demo_warehouse``: a SQLite warehouse with the mini catalog and the demo returns ingested,
  reviewed and published as four releases by the demo routine (``load_demo``).
- ``live_server``: ``create_app(...)`` served by werkzeug on 127.0.0.1 (a free port) in a thread.
- ``browser``: one headless Chromium.

``new_tab(viewport)`` opens a fresh browser context (desktop 1280x900 or phone 390x844) whose
every request goes through a guard: only ``http://127.0.0.1:<port>`` of the live server is let
through; anything else is aborted, recorded, and fails the test (nothing may come from the
internet). A :class:`Tab` also records console errors, uncaught exceptions, failed requests and
answers >= 400, and saves screenshots under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from dbmis.app import create_app
from dbmis.app.context import app_state
from dbmis.catalog import Catalog, load_catalog
from dbmis.demo.load import load_demo
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.service import IngestEnv
from dbmis.warehouse import Database, sync_catalog, upgrade
from tests.app.conftest import MINI, settings_for

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # belt and braces: no host name resolves, so nothing could leave the machine even if a
    # request slipped past the route guard
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
DEMO_TODAY = date(2025, 3, 10)

VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
LANGS = ("en", "ur")


@dataclass(frozen=True)
class PageSpec:
    """A page of the public site as the browser tests visit it."""

    name: str
    path: str
    status: int = 200
    state: str = ""
    """a query string (without ``lang``) that the language switch must keep"""

    def url(self, lang: str, *, with_state: bool = False) -> str:
        pairs = [
            *(parse_qsl(self.state) if with_state else []),
            *([("lang", lang)] * (lang != "en")),
        ]
        return self.path + ("?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs else "")


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "/"),
    PageSpec("kpis", "/kpi"),
    PageSpec("kpi", "/kpi/CONVICTION_RATE", state="geo=division:NORTH&period=month"),
    PageSpec("districts", "/district"),
    PageSpec("district", "/district/ALPHA"),
    PageSpec("data", "/data", state="kpi=CONVICTION_RATE&level=district&period=quarter"),
    PageSpec("about", "/about"),
    PageSpec("not-found", "/no-such-page", status=404),
)
"""Every page of the public site (``kpi`` and ``district``: one KPI and one district)."""


def _chromium_unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser tests (scripts/install-system-deps.sh)")
    pytest.skip(reason)


# --- the site ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoWarehouse:
    db: Database
    catalog: Catalog


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWarehouse]:
    """The mini catalog's demo data, ingested and published by the demo routine (~10 s)."""
    folder = tmp_path_factory.mktemp("browser-warehouse")
    catalog = load_catalog(MINI)
    db = Database(f"sqlite:///{folder / 'demo.sqlite'}")
    upgrade(db)
    sync_catalog(db, catalog)
    env = IngestEnv(
        db=db, catalog=catalog, evidence=EvidenceStore(folder / "evidence"), is_demo=True
    )
    report = load_demo(env, today=DEMO_TODAY)
    assert report.mismatches == []
    assert report.routine is not None and len(report.routine.releases) >= 2
    yield DemoWarehouse(db, catalog)
    db.dispose()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    app: Any

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="session")
def live_server(demo_warehouse: DemoWarehouse) -> Iterator[LiveServer]:
    app = create_app(settings_for(demo_warehouse.db), demo_warehouse.catalog)
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="dbmis-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app_state(app.server).db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _chromium_unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _chromium_unavailable("the playwright package is missing (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# --- a tab ----------------------------------------------------------------------------------


READY = """() => document.readyState === 'complete'
    && document.querySelector('#page-root main#main') !== null
    && !document.querySelector('._dash-loading, [data-dash-is-loading="true"]')
    && [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'))
    && document.fonts.status === 'loaded'"""
"""JavaScript: true once the page is drawn (see :meth:`Tab.wait_ready`)."""


@dataclass
class Tab:
    """A page in a fresh browser context, with everything that went wrong in it recorded."""

    page: Any
    server: LiveServer
    viewport: str
    external: list[str]
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[tuple[str, str]] = field(default_factory=list)
    """(URL, what went wrong)"""
    allowed_statuses: dict[str, int] = field(default_factory=dict)
    """URL -> an expected status >= 400 (the 404 page's own document)"""
    downloads: set[str] = field(default_factory=set)
    """URLs that became downloads (Chromium reports their navigation as aborted)"""
    in_flight: set[Any] = field(default_factory=set)
    """requests sent and not yet finished or failed (see :meth:`settle`)"""

    def __post_init__(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"uncaught: {exc}"))
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)
        self.page.on("download", lambda download: self.downloads.add(download.url))
        self.page.on("request", lambda request: self.in_flight.add(request))
        self.page.on("requestfinished", lambda request: self.in_flight.discard(request))
        self.page.on("requestfailed", lambda request: self.in_flight.discard(request))

    def _local(self, url: str) -> bool:
        return url == self.server.base_url or url.startswith(self.server.base_url + "/")

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        if message.text.startswith("Failed to load resource") and where in self.allowed_statuses:
            return
        self.console_errors.append(f"{message.text} ({where})")

    def _on_request_failed(self, request: Any) -> None:
        if self._local(request.url):
            self.failed_requests.append((request.url, f"{request.method} {request.failure}"))

    def _on_response(self, response: Any) -> None:
        if response.status >= 400 and self.allowed_statuses.get(response.url) != response.status:
            self.failed_requests.append(
                (response.url, f"{response.request.method} answered {response.status}")
            )

    # navigation

    def open(self, path: str, *, status: int = 200) -> Any:
        """Load ``path`` and wait until the app has drawn it; checks the document's status."""
        url = self.server.url(path)
        self._let_finish()
        if status >= 400:
            self.allowed_statuses[url] = status
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == status, (
            f"{path}: status {response.status if response else None}, expected {status}"
        )
        self.wait_ready()
        return response

    def wait_ready(self) -> None:
        """The app's routing callback has drawn the page, every graph is drawn and the fonts
        are in (quicker than waiting for the network to be idle)."""
        self.page.wait_for_function(READY, polling=50)

    def settle(self, quiet_ms: int = 300, limit_ms: int = 30_000) -> None:
        """Wait until no request has been in flight for ``quiet_ms``: components fetch their code
        on demand after the page is drawn, and a navigation or download started meanwhile would
        abort those fetches. (Playwright's "networkidle" state is no help here: once reached it
        is never awaited again.)"""
        quiet = waited = 0
        while quiet < quiet_ms:
            assert waited < limit_ms, f"requests still in flight: {[r.url for r in self.in_flight]}"
            self.page.wait_for_timeout(50)
            waited += 50
            quiet = quiet + 50 if not self.in_flight else 0

    def _let_finish(self, limit_ms: int = 10_000) -> None:
        """Before leaving a page, let the requests it has in flight finish (leaving aborts them)."""
        waited = 0
        while self.in_flight and waited < limit_ms:
            self.page.wait_for_timeout(50)
            waited += 50

    def follow(self, locator: Any) -> None:
        """Click a link (opening the ``<details>`` it sits in first) and wait for the new page."""
        closed = locator.locator("xpath=ancestor::details[not(@open)]/summary")
        for i in range(closed.count() - 1, -1, -1):
            closed.nth(i).click()
        self._let_finish()
        with self.page.expect_navigation(wait_until="load"):
            locator.click()
        self.wait_ready()

    @property
    def path_and_query(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.page.url)
        return parts.path, dict(parse_qsl(parts.query))

    # checks

    def problems(self) -> list[str]:
        return [
            *(f"request to the internet: {u}" for u in self.external),
            *(f"console: {e}" for e in self.console_errors),
            *(
                f"request: {url}: {what}"
                for url, what in self.failed_requests
                if not (url in self.downloads and what.endswith("net::ERR_ABORTED"))
            ),
        ]

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(problems)

    def screenshot(self, name: str, lang: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{lang}-{self.viewport}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


NewTab = Callable[..., Tab]


@pytest.fixture
def new_tab(browser: Any, live_server: LiveServer) -> Iterator[NewTab]:
    """``new_tab("desktop" | "phone")`` -> a :class:`Tab` in a fresh browser context."""
    contexts: list[Any] = []
    external: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url == live_server.base_url or url.startswith(live_server.base_url + "/"):
            route.continue_()
        else:
            external.append(url)
            route.abort("blockedbyclient")

    def make(viewport: str = "desktop") -> Tab:
        context = browser.new_context(
            **VIEWPORTS[viewport], accept_downloads=True, service_workers="block"
        )
        context.set_default_timeout(15_000)
        context.route("**/*", guard)
        contexts.append(context)
        return Tab(context.new_page(), live_server, viewport, external)

    yield make
    for context in contexts:
        context.close()
    if external:
        pytest.fail("requests left the machine:\n" + "\n".join(external))
