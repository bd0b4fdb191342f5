"""Catalog sync: inserts every dimension, is idempotent, deactivates what leaves the catalog."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, select

from dbmis.catalog import Catalog, load_catalog
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.schema import catalog_state, district, division, indicator, institution, kpi
from dbmis.warehouse.sync import stored_fingerprint

DIMENSION_TABLES = {
    "division": division,
    "district": district,
    "institution": institution,
    "indicator": indicator,
    "kpi": kpi,
}


def _snapshot(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    tables = {**DIMENSION_TABLES, "catalog_state": catalog_state}
    return {
        name: [tuple(row) for row in conn.execute(select(table).order_by(table.c.id))]
        for name, table in tables.items()
    }


def _copy_catalog(catalog: Catalog, tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(catalog.folder, folder)
    return folder


def test_first_sync_inserts_every_dimension(db: Database, mini_catalog: Catalog):
    report = sync_catalog(db, mini_catalog)
    assert report.inserted == {
        "division": 2,
        "district": 4,
        "institution": 2,
        "indicator": 6,
        "kpi": 2,
        "activity": 3,
    }
    assert set(report.updated.values()) == set(report.deactivated.values()) == {0}
    assert report.fingerprint_changed
    with db.read() as conn:
        districts = {d.code: d for d in dimensions.list_districts(conn)}
        assert stored_fingerprint(conn) == mini_catalog.fingerprint
        assert set(dimensions.indicator_ids(conn)) == {i.code for i in mini_catalog.indicators}
        names = {i.code: i.name_ur for i in dimensions.list_institutions(conn)}
    assert districts["DELTA"].has_outline is False
    assert districts["ALPHA"].has_outline is True
    assert districts["GAMMA"].division_code == "SOUTH"
    assert (districts["ALPHA"].lat, districts["ALPHA"].lon) == (30.5, 67.5)
    assert names["PRISONS"] == "محکمہ جیل خانہ جات"


def test_second_sync_changes_nothing(db: Database, mini_catalog: Catalog):
    sync_catalog(db, mini_catalog)
    with db.read() as conn:
        before = _snapshot(conn)
    report = sync_catalog(db, mini_catalog)
    assert not report.changed
    assert set(report.inserted.values()) | set(report.updated.values()) == {0}
    assert set(report.deactivated.values()) == {0}
    with db.read() as conn:
        assert _snapshot(conn) == before


def test_removed_indicator_is_deactivated_and_renames_are_updated(
    db: Database, mini_catalog: Catalog, tmp_path: Path
):
    sync_catalog(db, mini_catalog)
    folder = _copy_catalog(mini_catalog, tmp_path)
    indicators = yaml.safe_load((folder / "indicators.yaml").read_text(encoding="utf-8"))
    kept = [i for i in indicators if i["code"] != "PRO_CHALLANS_ON_TIME"]
    kept[0]["name"]["en"] = "Criminal cases decided by the courts"
    (folder / "indicators.yaml").write_text(yaml.safe_dump(kept, allow_unicode=True), "utf-8")
    changed = load_catalog(folder)

    report = sync_catalog(db, changed)
    assert report.deactivated["indicator"] == 1
    assert report.updated["indicator"] == 1
    assert report.inserted["indicator"] == 0
    assert report.fingerprint_changed
    with db.read() as conn:
        rows = {r.code: r for r in conn.execute(select(indicator))}
        active = dimensions.indicator_ids(conn, active_only=True)
        assert stored_fingerprint(conn) == changed.fingerprint
    assert rows["PRO_CHALLANS_ON_TIME"].active is False  # kept, not deleted
    assert "PRO_CHALLANS_ON_TIME" not in active
    assert rows["PRO_CASES_DECIDED"].name_en == "Criminal cases decided by the courts"

    again = sync_catalog(db, mini_catalog)  # it comes back: reactivated, not duplicated
    assert again.updated["indicator"] == 2
    assert again.inserted["indicator"] == 0
    with db.read() as conn:
        assert len(dimensions.indicator_ids(conn, active_only=True)) == 6
