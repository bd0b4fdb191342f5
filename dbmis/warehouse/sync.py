"""Copy the catalog's dimensions into the warehouse: divisions, districts, institutions,
indicators, KPIs and the action plan's activities, matched by code.

New codes are inserted, changed names, units etc. are updated, and codes that left the catalog
are marked ``active = false``; nothing is deleted, because observations and KPI values keep
referring to them. A code that comes back is reactivated. Running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, select, update

from dbmis.catalog import Catalog
from dbmis.warehouse.engine import Database
from dbmis.warehouse.schema import (
    catalog_state,
    district,
    division,
    indicator,
    institution,
    kpi,
    plan_activity,
)
from dbmis.warehouse.types import utcnow

DIMENSIONS = ("division", "district", "institution", "indicator", "kpi", "activity")


@dataclass
class SyncReport:
    """What :func:`sync_catalog` changed, per dimension."""

    fingerprint: str
    inserted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 0))
    deactivated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 0))
    fingerprint_changed: bool = False

    @property
    def changed(self) -> bool:
        """True when any row or the recorded fingerprint changed."""
        counts = (*self.inserted.values(), *self.updated.values(), *self.deactivated.values())
        return self.fingerprint_changed or any(counts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "inserted": dict(self.inserted),
            "updated": dict(self.updated),
            "deactivated": dict(self.deactivated),
        }


def sync_catalog(db: Database, catalog: Catalog) -> SyncReport:
    """Upsert the catalog's dimensions in one write transaction and record its fingerprint."""
    with db.write() as conn:
        return sync_catalog_on(conn, catalog)


def sync_catalog_on(conn: Connection, catalog: Catalog) -> SyncReport:
    """:func:`sync_catalog` on a connection whose transaction the caller owns."""
    report = SyncReport(fingerprint=catalog.fingerprint)
    _sync(conn, report, "division", division, _divisions(catalog))
    _sync(conn, report, "institution", institution, _institutions(catalog))
    division_ids = _ids(conn, division)
    _sync(conn, report, "district", district, _districts(catalog, division_ids))
    institution_ids = _ids(conn, institution)
    _sync(conn, report, "indicator", indicator, _indicators(catalog, institution_ids))
    _sync(conn, report, "kpi", kpi, _kpis(catalog))
    _sync(conn, report, "activity", plan_activity, _activities(catalog, institution_ids))
    report.fingerprint_changed = _record_fingerprint(conn, catalog.fingerprint, report)
    return report


def _names(text: Any) -> dict[str, str]:
    return {"name_en": text.en, "name_ur": text.ur}


def _divisions(cat: Catalog) -> dict[str, dict[str, Any]]:
    return {d.code: _names(d.name) for d in cat.divisions}


def _institutions(cat: Catalog) -> dict[str, dict[str, Any]]:
    return {i.code: _names(i.name) for i in cat.institutions}


def _districts(cat: Catalog, division_ids: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    return {
        d.code: {
            "division_id": division_ids[d.division],
            **_names(d.name),
            "lat": d.centroid.lat,
            "lon": d.centroid.lon,
            "has_outline": d.outline is not None,
        }
        for d in cat.districts
    }


def _indicators(cat: Catalog, institution_ids: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    return {
        i.code: {
            "institution_id": institution_ids[i.institution],
            **_names(i.name),
            "unit": str(i.unit),
            "temporal": str(i.temporal),
        }
        for i in cat.indicators
    }


def _kpis(cat: Catalog) -> dict[str, dict[str, Any]]:
    return {
        k.code: {
            **_names(k.name),
            "unit": str(k.unit),
            "direction": str(k.direction),
            "headline": k.headline,
        }
        for k in cat.kpis
    }


def _activities(cat: Catalog, institution_ids: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    return {
        a.code: {"lead_institution_id": institution_ids[a.lead], **_names(a.title)}
        for a in cat.activities
    }


def _ids(conn: Connection, table: Table) -> dict[str, int]:
    return {code: id_ for code, id_ in conn.execute(select(table.c.code, table.c.id))}


def _sync(
    conn: Connection,
    report: SyncReport,
    name: str,
    table: Table,
    wanted: Mapping[str, Mapping[str, Any]],
) -> None:
    """Make ``table`` hold ``wanted`` (code -> values), counting what changed."""
    columns = [table.c[key] for key in ("id", "code", "active")]
    columns += [table.c[key] for key in next(iter(wanted.values()), {})]
    existing = {row.code: row._mapping for row in conn.execute(select(*columns))}
    inserts = [
        {"code": code, **values, "active": True}
        for code, values in wanted.items()
        if code not in existing
    ]
    if inserts:
        conn.execute(table.insert(), inserts)
    report.inserted[name] = len(inserts)
    for code, values in wanted.items():
        row = existing.get(code)
        if row is None:
            continue
        target = {**values, "active": True}
        changes = {key: value for key, value in target.items() if row[key] != value}
        if changes:
            conn.execute(update(table).where(table.c.id == row["id"]).values(**changes))
            report.updated[name] += 1
    gone = [row["id"] for code, row in existing.items() if code not in wanted and row["active"]]
    if gone:
        conn.execute(update(table).where(table.c.id.in_(gone)).values(active=False))
    report.deactivated[name] = len(gone)


def _record_fingerprint(conn: Connection, fingerprint: str, report: SyncReport) -> bool:
    """Store the fingerprint in the single ``catalog_state`` row; True when it changed."""
    stored = conn.execute(select(catalog_state.c.fingerprint)).scalar_one_or_none()
    if stored == fingerprint and not report.changed:
        return False
    values = {"fingerprint": fingerprint, "synced_at": utcnow()}
    if stored is None:
        conn.execute(catalog_state.insert().values(id=1, **values))
    else:
        conn.execute(update(catalog_state).where(catalog_state.c.id == 1).values(**values))
    return stored != fingerprint


def stored_fingerprint(conn: Connection) -> str | None:
    """The fingerprint of the catalog last synced, or None before the first sync."""
    return conn.execute(select(catalog_state.c.fingerprint)).scalar_one_or_none()
