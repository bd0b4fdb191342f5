"""Publishing a release: the only way figures reach the public, never silently, never changed.

:func:`publish`, in ONE write transaction, recomputes the KPI values from the approved data
(:func:`dbmis.kpis.rollup.recompute_on`), copies every value whose period ends by the
release's month into a new, numbered release, records which approved revisions it was built from, and records what changed since
the previous release (``changes``, JSON):

.. code-block:: text

    {"previous": 3, "previous_through_month": 202606, "through_month": 202609,
     "values": {"total": 41200, "added": 2300, "revised": 18, "unchanged": 38882, "removed": 0},
     "revised": [{"kpi", "geo_level", "geo_code", "period_type", "period", "old", "new"}, ...],
     "revised_listed": 18,          # at most MAX_LISTED, provinces first, then divisions ...
     "submissions": {"new": 340, "revised": 4, "reverted": 0, "withdrawn": 0},
     "submissions_listed": [{"id", "district", "institution", "year", "revision",
                             "change", "previous_revision"}, ...]}

``change`` of a submission: ``new`` (the key had no approved data in the previous release),
``revised`` (a newer revision was approved), ``reverted`` (its newer revision was un-approved,
so an older one counts again) or ``withdrawn`` (un-approved, nothing approved remains).

In the same transaction it copies the action plan's approved status (every activity's latest
approved progress report of a quarter ended by then, overdue milestones and budget use) into
``release_plan_status`` (:func:`dbmis.kpis.plan_data.snapshot_plan_on`).

A release never changes: the database refuses UPDATE and DELETE on the release tables
(migrations 0003 and 0005), and no query function writes to them except by insert.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from dbmis.catalog import Catalog
from dbmis.errors import ConflictError
from dbmis.kpis.plan_data import snapshot_plan_on
from dbmis.periods import add_months, month_label
from dbmis.warehouse import Database
from dbmis.warehouse.queries import releases as q
from dbmis.warehouse.queries.approved import effective_submission_ids
from dbmis.warehouse.queries.audit import append_event
from dbmis.warehouse.types import utcnow

MAX_LISTED = 200
"""At most this many revised values, and this many submissions, are listed in ``changes``."""

_KEY = ["kpi", "geo_level", "geo_code", "period_type", "period"]
_GEO_ORDER = {"province": 0, "division": 1, "district": 2}
_PERIOD_ORDER = {"year": 0, "fiscal_year": 1, "quarter": 2, "month": 3}


@dataclass(frozen=True)
class ReleaseInfo:
    """A published release, as :func:`publish` returns it."""

    id: int
    number: int
    published_at: datetime
    through_month: int
    note: str | None
    published_by: int | None
    is_demo: bool
    values: int
    submissions: int
    changes: dict[str, Any] = field(repr=False)

    @property
    def added(self) -> int:
        return int(self.changes["values"]["added"])

    @property
    def revised(self) -> int:
        return int(self.changes["values"]["revised"])


def recompute_kpis(conn: Connection, catalog: Catalog, through_month: int) -> object:
    """Recompute ``kpi_value`` from the approved data in the caller's write transaction."""
    from dbmis.kpis.rollup import recompute_on  # heavy: loaded when publishing

    return recompute_on(conn, catalog, through_month=through_month)


def last_full_month(now: datetime) -> int:
    """The month before the month of ``now`` (UTC)."""
    return add_months(now.year * 100 + now.month, -1)


def check_through_month(conn: Connection, through_month: int, now: datetime) -> None:
    """Refuse a release through a month not yet over, or before the latest release's month."""
    if not 1 <= through_month % 100 <= 12:
        raise ValueError(f"{through_month} is not a month (YYYYMM)")
    last = last_full_month(now)
    if through_month > last:
        raise ConflictError(
            f"cannot publish through {month_label(through_month)}: the last full month is "
            f"{month_label(last)}",
            code="RELEASE_REFUSED",
        )
    previous = q.latest_release(conn)
    if previous is not None and through_month < previous.through_month:
        raise ConflictError(
            f"cannot publish through {month_label(through_month)}: release {previous.number} "
            f"already goes through {month_label(previous.through_month)}, and releases never "
            "go back in time",
            code="RELEASE_REFUSED",
        )


def publish(
    db: Database,
    catalog: Catalog,
    *,
    through_month: int,
    note: str | None,
    published_by: str,
    published_by_id: int | None = None,
    now: datetime | None = None,
    is_demo: bool = False,
) -> ReleaseInfo:
    """Recompute the KPI values and publish them through ``through_month`` as a new release.

    ConflictError (``RELEASE_REFUSED``) for a month not yet over or before the latest release's
    month. ``now`` (timezone-aware) dates the release and its audit event instead of the clock
    (the demo publishes on its simulated calendar); the month must be over by then. The recompute, the copy and the record of the revisions used run in one write
    transaction that holds approvals, uploads and other recomputes off until it commits
    (SQLite: the database write lock; PostgreSQL: table locks, see
    :func:`~dbmis.warehouse.queries.releases.lock_for_publish`), so a release holds exactly the
    figures of the revisions it lists.
    """
    at = now or utcnow()
    note = (note or "").strip() or None
    with db.write() as conn:
        q.lock_for_publish(conn)
        check_through_month(conn, through_month, at)
        recompute_kpis(conn, catalog, through_month)
        info = _publish_on(
            conn,
            through_month=through_month,
            note=note,
            published_by=published_by,
            published_by_id=published_by_id,
            at=at,
            is_demo=is_demo,
            effective=_effective(conn, through_month),
        )
        # the action plan's approved status, as of the release's month (release_plan_status)
        snapshot_plan_on(conn, catalog, info.id, through_month, actor=published_by, at=at)
        return info


def _effective(conn: Connection, through_month: int) -> set[int]:
    """Ids of the effective approved revisions with data that can be in the release."""
    ids: set[int] = set(conn.scalars(effective_submission_ids()))
    last_year = through_month // 100
    return {s["id"] for s in q.describe_submissions(conn, ids) if s["year"] <= last_year}


def _publish_on(
    conn: Connection,
    *,
    through_month: int,
    note: str | None,
    published_by: str,
    published_by_id: int | None,
    at: datetime,
    is_demo: bool,
    effective: set[int],
) -> ReleaseInfo:
    previous = q.latest_release(conn)
    new_values = q.unpublished_values(conn, through_month)
    if previous is None:
        old_values = new_values.iloc[0:0]
        old_subs: set[int] = set()
    else:
        old_values = q.release_values(conn, previous.id)
        old_subs = q.release_submission_ids(conn, previous.id)
    changes = {
        "previous": previous.number if previous else None,
        "previous_through_month": previous.through_month if previous else None,
        "through_month": through_month,
        **compare_values(old_values, new_values),
        **_compare_submissions(conn, old_subs, effective),
    }
    number = q.next_release_number(conn)
    release_id = q.insert_release(
        conn,
        number=number,
        published_at=at,
        through_month=through_month,
        note=note,
        published_by=published_by_id,
        changes=changes,
        is_demo=is_demo,
    )
    copied = q.copy_kpi_values(conn, release_id, through_month)
    if copied != len(new_values):  # pragma: no cover - kpi_value is locked while publishing
        raise ConflictError("the KPI values changed while publishing; try again")
    sources = q.record_release_submissions(conn, release_id, effective)
    append_event(
        conn,
        actor=published_by,
        action="release.published",
        entity="release",
        entity_id=number,
        detail={
            "release_id": release_id,
            "through_month": through_month,
            "note": note,
            "values": changes["values"],
            "submissions": changes["submissions"],
            "previous": changes["previous"],
            "published_by_id": published_by_id,
        },
        at=at,
    )
    return ReleaseInfo(
        id=release_id,
        number=number,
        published_at=at,
        through_month=through_month,
        note=note,
        published_by=published_by_id,
        is_demo=is_demo,
        values=copied,
        submissions=sources,
        changes=changes,
    )


# --- what changed --------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _same(old: float | None, new: float | None) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return math.isclose(old, new, rel_tol=1e-9, abs_tol=1e-12)


def compare_values(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, Any]:
    """Counts of values added, revised, unchanged and removed from ``old`` to ``new`` (frames
    of :data:`~dbmis.warehouse.queries.releases.FRAME_COLUMNS`), and the revised ones listed
    (at most :data:`MAX_LISTED`: provinces, then divisions, then districts)."""
    merged = old[[*_KEY, "value"]].merge(
        new[[*_KEY, "value"]], on=_KEY, how="outer", suffixes=("_old", "_new"), indicator=True
    )
    both = merged[merged["_merge"] == "both"]
    revised_rows = []
    unchanged = 0
    for row in both.itertuples(index=False):
        old_v, new_v = _number(row.value_old), _number(row.value_new)
        if _same(old_v, new_v):
            unchanged += 1
        else:
            revised_rows.append(
                {
                    "kpi": row.kpi,
                    "geo_level": row.geo_level,
                    "geo_code": row.geo_code,
                    "period_type": row.period_type,
                    "period": row.period,
                    "old": old_v,
                    "new": new_v,
                }
            )
    revised_rows.sort(
        key=lambda r: (
            _GEO_ORDER.get(r["geo_level"], 9),
            r["kpi"],
            r["geo_code"],
            _PERIOD_ORDER.get(r["period_type"], 9),
            r["period"],
        )
    )
    listed = revised_rows[:MAX_LISTED]
    return {
        "values": {
            "total": len(new),
            "added": int((merged["_merge"] == "right_only").sum()),
            "revised": len(revised_rows),
            "unchanged": unchanged,
            "removed": int((merged["_merge"] == "left_only").sum()),
        },
        "revised": listed,
        "revised_listed": len(listed),
    }


def _compare_submissions(conn: Connection, old: set[int], new: set[int]) -> dict[str, Any]:
    described = {s["id"]: s for s in q.describe_submissions(conn, old | new)}

    def by_key(ids: Iterable[int]) -> dict[tuple[str, str, int], dict[str, Any]]:
        return {
            (described[i]["district"], described[i]["institution"], described[i]["year"]): (
                described[i]
            )
            for i in ids
        }

    before, after = by_key(old - new), by_key(new - old)
    listed: list[dict[str, Any]] = []
    for key, sub in after.items():
        prev = before.get(key)
        if prev is None:
            change = "new"
        else:
            change = "revised" if sub["revision"] > prev["revision"] else "reverted"
        listed.append(
            {**sub, "change": change, "previous_revision": prev["revision"] if prev else None}
        )
    for key, sub in before.items():
        if key not in after:
            listed.append({**sub, "change": "withdrawn", "previous_revision": None})
    order = ("revised", "reverted", "withdrawn", "new")
    listed.sort(key=lambda s: (order.index(s["change"]), s["id"]))
    counts = {c: sum(1 for s in listed if s["change"] == c) for c in order}
    return {"submissions": counts, "submissions_listed": listed[:MAX_LISTED]}
