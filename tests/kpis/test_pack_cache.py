"""The cache of rendered stocktake packs: the second request gives the same bytes without
rendering again; any change to what the pack is built from (a judgement, an approval, a
recompute, another day) gives a fresh pack; files are written whole and the folder is bounded.
SQLite and PostgreSQL (the ``db`` fixture); the pack's address too."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dbmis.app.auth import STEERING
from dbmis.app.context import app_state
from dbmis.catalog import Catalog
from dbmis.ingest import workflow
from dbmis.kpis import stocktake
from dbmis.kpis.pack import Format, PackData, render
from dbmis.kpis.pack import cache as pack_cache
from dbmis.kpis.pack.cache import PackCache, cached_pack
from dbmis.kpis.rollup import recompute
from dbmis.warehouse import Database
from dbmis.warehouse.queries.stocktakes import get_stocktake
from dbmis.warehouse.queries.submissions import list_submissions
from tests.app.auth_env import DEFAULT_PASSWORD, build
from tests.kpis.test_pack_build import TODAY, _fill
from tests.support.auth import sign_in
from tests.warehouse.conftest import mini_catalog  # noqa: F401

QUARTER = "2026Q3"


class Spy:
    """A renderer that counts its calls and renders for real."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, pack: PackData, fmt: Format) -> bytes:
        self.calls += 1
        return render(pack, fmt)


@pytest.fixture
def filled(db: Database, mini_catalog: Catalog) -> tuple[Database, int]:
    """The pack tests' warehouse (see tests/kpis/test_pack_build.py) and the Q3 stocktake id."""
    _fill(db, mini_catalog)
    with db.read() as conn:
        return db, get_stocktake(conn, QUARTER).id


def _getter(
    db: Database, catalog: Catalog, take_id: int, cache: PackCache, spy: Spy
) -> Callable[..., bytes]:
    def get(fmt: Format = "html", today: date = TODAY) -> bytes:
        return cached_pack(
            db, catalog, take_id, QUARTER, fmt, today=today, cache=cache, renderer=spy
        )

    return get


def _files(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_the_second_request_is_served_from_the_cache(
    filled: tuple[Database, int], mini_catalog: Catalog, tmp_path: Path
) -> None:
    db, take_id = filled
    spy = Spy()
    get = _getter(db, mini_catalog, take_id, PackCache(tmp_path / "packs"), spy)
    first = get()
    assert spy.calls == 1 and b"=Better: posts filled." in first
    assert get() == first and spy.calls == 1  # not rendered again
    assert len(_files(tmp_path / "packs")) == 1
    # the same bytes as rendering without a cache
    assert cached_pack(db, mini_catalog, take_id, QUARTER, "html", today=TODAY, cache=None) == first
    xlsx = get("xlsx")  # another format: its own entry
    assert spy.calls == 2 and xlsx.startswith(b"PK")
    assert get("xlsx") == xlsx and spy.calls == 2
    assert len(_files(tmp_path / "packs")) == 2


def test_a_changed_judgement_gives_a_fresh_pack(
    filled: tuple[Database, int], mini_catalog: Catalog, tmp_path: Path
) -> None:
    db, take_id = filled
    spy = Spy()
    root = tmp_path / "packs"
    get = _getter(db, mini_catalog, take_id, PackCache(root), spy)
    before = get()
    old_files = _files(root)
    stocktake.judge(
        db, QUARTER, "CONVICTION_RATE", "red", "Posts frozen again.", None, "ana",
        now=datetime(2026, 10, 30, 9, tzinfo=UTC),
    )  # fmt: skip
    after = get()
    assert spy.calls == 2 and after != before
    assert b"Posts frozen again." in after and b"=Better: posts filled." not in after
    assert _files(root) != old_files and len(_files(root)) == 1  # the stale file is gone
    assert get() == after and spy.calls == 2


def test_data_and_dates_change_the_key(
    filled: tuple[Database, int], mini_catalog: Catalog, tmp_path: Path
) -> None:
    db, take_id = filled
    spy = Spy()
    get = _getter(db, mini_catalog, take_id, PackCache(tmp_path / "packs"), spy)
    get()
    get(today=TODAY + timedelta(days=1))  # another day: what is due or overdue moves
    assert spy.calls == 2
    with db.read() as conn:
        (pending,) = [s.id for s in list_submissions(conn) if s.status == "submitted"]
    workflow.approve(db, [pending], reviewer="ana", reviewer_id=None)  # the annex changes
    get()
    assert spy.calls == 3
    recompute(db, mini_catalog, now=datetime(2026, 10, 31, 9, tzinfo=UTC))  # new KPI values
    get()
    assert spy.calls == 4
    stocktake.add_decision(db, QUARTER, "taken", "Posts approved.", recorded_by="ana")
    get()
    assert spy.calls == 5
    get()
    assert spy.calls == 5


def test_the_folder_is_bounded_and_holds_whole_files(tmp_path: Path) -> None:
    cache = PackCache(tmp_path / "packs", keep=3)
    for n in range(5):
        cache.put(n, "pdf", f"k{n}", b"%PDF-" + bytes([n]) * 1000)
    names = _files(tmp_path / "packs")
    assert len(names) == 3 and not [n for n in names if n.startswith(".incoming-")]
    assert cache.get(4, "pdf", "k4") == b"%PDF-" + bytes([4]) * 1000
    assert cache.get(0, "pdf", "k0") is None  # the oldest went first
    with pytest.raises(ValueError, match="bad cache key"):
        cache.path(1, "pdf", "../../etc")
    with pytest.raises(ValueError, match="bad cache key"):
        cache.path(1, "exe", "abc")


def test_a_broken_cache_folder_only_costs_time(
    filled: tuple[Database, int], mini_catalog: Catalog, tmp_path: Path
) -> None:
    db, take_id = filled
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"a file where the cache folder should be")
    spy = Spy()
    get = _getter(db, mini_catalog, take_id, PackCache(blocker / "packs"), spy)
    assert get() == get() and spy.calls == 2  # rendered each time, served each time


def test_the_pack_address_uses_the_cache(
    filled: tuple[Database, int], mini_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, take_id = filled
    spy = Spy()
    monkeypatch.setattr(pack_cache, "render", spy)
    env = build(db, mini_catalog)
    try:
        client = env.client()
        sign_in(client, env.username(STEERING), DEFAULT_PASSWORD)
        first = client.get(f"/steering/pack/{take_id}.html")
        second = client.get(f"/steering/pack/{take_id}.html")
        assert first.status_code == second.status_code == 200
        assert second.data == first.data and spy.calls == 1
        assert second.headers["Cache-Control"] == "no-store"  # browsers still never keep it
        folder = app_state(env.server).settings.instance_dir / "cache" / "packs"
        assert [n for n in _files(folder) if n.startswith(f"{take_id}-html-")]
        stocktake.add_problem(db, QUARTER, "Courts closed for a week.", raised_by="ana")
        third = client.get(f"/steering/pack/{take_id}.html")
        assert spy.calls == 2 and b"Courts closed for a week." in third.data
    finally:
        env.dispose()
