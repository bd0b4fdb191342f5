"""A fresh warehouse served by its own live server, for browser tests whose writes (uploads,
reviews, releases) must touch no other test's data.

::

    @pytest.fixture
    def live_server(db: Database, tmp_path: Path) -> Iterator[LiveServer]:
        catalog = fresh_warehouse(db)            # the mini catalog, synced
        with serve(db, catalog, tmp_path / "evidence", name="my-journey") as server:
            yield server                          # ``new_tab`` now talks to this server

:func:`serve` runs ``create_app`` in development mode with a secret key (no demonstration
banner on the screenshots, releases not labelled demo), on 127.0.0.1 and a free port, in a
thread; the uploads' evidence goes to the folder given. ``db`` may be SQLite or PostgreSQL (the
``db`` fixture of tests/conftest.py gives both).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from dbmis.app import create_app
from dbmis.app.context import app_state
from dbmis.catalog import Catalog, load_catalog
from dbmis.settings import Mode
from dbmis.warehouse import Database, sync_catalog
from tests.app.conftest import MINI, settings_for
from tests.browser.conftest import LiveServer, _QuietHandler

SECRET_KEY = "browser-tests-only secret key, never used on a site"


def fresh_warehouse(db: Database, folder: Path = MINI) -> Catalog:
    """Sync the catalog in ``folder`` (default: the mini catalog) into the migrated, empty
    warehouse ``db``; returns the catalog."""
    catalog = load_catalog(folder)
    sync_catalog(db, catalog)
    return catalog


@contextmanager
def serve(
    db: Database,
    catalog: Catalog,
    evidence_dir: Path,
    *,
    name: str = "fresh-live-server",
    mode: Mode = Mode.development,
) -> Iterator[LiveServer]:
    """The app for ``db`` served on 127.0.0.1 (a free port) while the block runs."""
    evidence_dir.mkdir(parents=True, exist_ok=True)
    settings = settings_for(
        db,
        evidence_dir=evidence_dir,
        instance_dir=evidence_dir.parent / "instance",
        mode=mode,
        secret_key=None if mode is Mode.demo else SECRET_KEY,
    )
    app = create_app(settings, catalog)
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app_state(app.server).db.dispose()
