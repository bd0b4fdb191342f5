"""A warehouse and a server of their own for the browser tests of the stocktake, release,
steering and audit pages: a copy of the session's demo warehouse (the journey publishes a
release, which the public-page tests must not see), with the demo's waiting 2025 returns
approved (their figures are approved but not yet published), an analyst, a Steering Committee
member and an administrator.

A test module imports :func:`journey` and :func:`live_server` (``# noqa: F401``): its tabs then
talk to its own server, made once per module.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from dbmis.app import create_app
from dbmis.app.auth import ADMIN, ANALYST, STEERING
from dbmis.app.context import app_state
from dbmis.ingest import workflow
from dbmis.warehouse import Database
from dbmis.warehouse.queries.submissions import list_submissions
from tests.app.conftest import settings_for
from tests.browser.conftest import DemoWarehouse, LiveServer, _QuietHandler
from tests.support.auth import make_user

ANALYST_USER = "ana.journey"
SC_USER = "sc.journey"
ADMIN_USER = "admin.journey"


@pytest.fixture(scope="module")
def journey(
    demo_warehouse: DemoWarehouse, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Database]]:
    """(the server, its warehouse): see the module doc."""
    path = tmp_path_factory.mktemp("steering-journey") / "journey.sqlite"
    source = sqlite3.connect(str(demo_warehouse.db.url.database))
    target = sqlite3.connect(str(path))
    with target:
        source.backup(target)
    source.close()
    target.close()
    db = Database(f"sqlite:///{path}")
    with db.read() as conn:
        waiting = [s.id for s in list_submissions(conn) if s.status == "submitted" and s.is_current]
    assert waiting, "the demo has no returns waiting for review"
    workflow.approve(db, waiting, reviewer="demo.analyst", reviewer_id=None)
    make_user(db, ANALYST, username=ANALYST_USER)
    make_user(db, STEERING, username=SC_USER)
    make_user(db, ADMIN, username=ADMIN_USER)
    app = create_app(settings_for(db), demo_warehouse.catalog)
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="journey-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app), db
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app_state(app.server).db.dispose()
        db.dispose()


@pytest.fixture
def live_server(journey: tuple[LiveServer, Database]) -> LiveServer:
    """The tabs of a module that imports this fixture talk to the journey's own server."""
    return journey[0]
