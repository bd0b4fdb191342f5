"""A file over the site's size limit is refused in the browser before it is read or sent
(assets/upload-guard.js), with a message naming the file and the limit; the next file that
fits goes through as usual and the message goes away. Without the guard the server would
answer 413, which the page cannot show."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from dbmis.app import create_app
from dbmis.app.auth import FOCAL_POINT
from dbmis.app.context import app_state
from dbmis.catalog import load_catalog
from dbmis.settings import Mode
from dbmis.warehouse import Database, sync_catalog, upgrade
from tests.app.conftest import MINI, settings_for
from tests.browser.conftest import LiveServer, NewTab, _QuietHandler
from tests.support.auth import DEFAULT_PASSWORD, make_user, sign_in_page

pytestmark = pytest.mark.browser

USERNAME = "focal.alpha"
LIMIT = 20 * 1024


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's own server, with a 20 KB upload limit."""
    folder = tmp_path_factory.mktemp("upload-limit")
    db = Database(f"sqlite:///{folder / 'limit.sqlite'}")
    upgrade(db)
    sync_catalog(db, load_catalog(MINI))
    make_user(db, FOCAL_POINT, USERNAME, districts=("ALPHA",), institutions=("PROSECUTION",))
    settings = settings_for(
        db,
        evidence_dir=folder / "evidence",
        mode=Mode.development,
        secret_key="upload-limit-test-" * 3,
        max_upload_bytes=LIMIT,
    )
    app = create_app(settings, load_catalog(MINI))
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="limit-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app_state(app.server).db.dispose()
        db.dispose()


def test_a_too_large_file_is_refused_before_it_is_sent(new_tab: NewTab) -> None:
    tab = new_tab("desktop")
    page = tab.page
    sign_in_page(page, tab.server.base_url, USERNAME, DEFAULT_PASSWORD)
    tab.open("/portal")
    tab.settle()
    posted: list[str] = []
    page.on(
        "request",
        lambda r: posted.append(r.url) if "portal-upload.contents" in (r.post_data or "") else None,
    )
    message = page.locator("#portal-too-big")
    assert message.is_hidden()

    big: Any = {"name": "huge-return.xlsx", "mimeType": "application/octet-stream",
                "buffer": b"x" * (LIMIT + 1)}  # fmt: skip
    page.locator("#portal-upload input[type=file]").set_input_files(big)
    message.wait_for(state="visible")
    text = message.inner_text()
    assert "“huge-return.xlsx” is larger than 20 KB" in text and "was not sent" in text
    assert message.get_attribute("role") == "alert"
    page.wait_for_timeout(500)
    assert posted == []  # nothing was read or sent
    tab.screenshot("portal-too-big", "en")

    # a file that fits is sent and checked as usual; the message goes away
    small: Any = {"name": "small.xlsx", "mimeType": "application/octet-stream",
                  "buffer": b"not a workbook"}  # fmt: skip
    page.locator("#portal-upload input[type=file]").set_input_files(small)
    page.locator("#portal-result .portal-result-rejected").wait_for(state="visible")
    assert message.is_hidden() and len(posted) == 1
    tab.assert_clean()
