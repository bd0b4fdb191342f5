"""Releases: numbered, dated, immutable copies of the KPI values published to the public.

A release is only ever inserted: there is deliberately no function here that updates or
deletes one, and the database refuses UPDATE and DELETE on ``release``, ``release_kpi_value``
and ``release_submission`` (migration 0003). Public pages, the API and downloads read
:func:`release_values` of a published release, never ``kpi_value``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    and_,
    cast,
    func,
    insert,
    literal,
    select,
    text,
)

from dbmis.errors import NotFoundError
from dbmis.warehouse.schema import (
    app_user,
    audit_event,
    district,
    institution,
    kpi_value,
    release,
    release_kpi_value,
    release_submission,
    submission,
)
from dbmis.warehouse.schema import kpi as kpi_table

_PUBLISH_LOCK_KEY = 0x0DB3_4E1  # pg_advisory_xact_lock key held while publishing

VALUE_COLUMNS = (
    "geo_level",
    "geo_code",
    "period_type",
    "period",
    "period_end",
    "numerator",
    "denominator",
    "value",
    "received",
    "expected",
    "completeness",
    "flagged",
    "planned",
    "status",
)
"""The columns of a KPI value besides its KPI (and its release)."""

FRAME_COLUMNS = ("kpi", *VALUE_COLUMNS)
"""The columns of the DataFrames returned here: ``kpi`` is the KPI's code."""


@dataclass(frozen=True)
class Release:
    id: int
    number: int
    published_at: datetime
    through_month: int
    note: str | None
    published_by: int | None
    publisher: str | None
    """who published it: the user's name, else the actor of its audit event (``cli:...``)"""
    is_demo: bool
    values: int
    """how many KPI values it holds"""
    changes: dict[str, Any] | None = field(default=None, repr=False)


# --- publishing (insert only) ------------------------------------------------------------------


def lock_for_publish(conn: Connection) -> None:
    """Hold approvals, uploads and other recomputes off until the publishing transaction ends.

    SQLite: nothing to do, the write transaction (BEGIN IMMEDIATE) holds the database's write
    lock. PostgreSQL: an advisory lock (one publisher at a time, so release numbers never
    collide), a SHARE lock on ``submission`` (uploads and approvals wait; readers do not) and an
    EXCLUSIVE lock on ``kpi_value`` (other recomputes wait; readers do not), so the values
    recomputed, compared and copied and the revisions recorded all belong together.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PUBLISH_LOCK_KEY})
        conn.execute(text("LOCK TABLE submission IN SHARE MODE"))
        conn.execute(text("LOCK TABLE kpi_value IN EXCLUSIVE MODE"))


def next_release_number(conn: Connection) -> int:
    """1 for the first release, else one more than the highest number so far."""
    return (conn.execute(select(func.max(release.c.number))).scalar_one() or 0) + 1


def insert_release(
    conn: Connection,
    *,
    number: int,
    published_at: datetime,
    through_month: int,
    note: str | None,
    published_by: int | None,
    changes: dict[str, Any] | None,
    is_demo: bool = False,
) -> int:
    """Insert a release row; returns its id. Fill it with :func:`copy_kpi_values` in the same
    transaction: the row can never be changed afterwards."""
    values = {
        "number": number,
        "published_at": published_at,
        "through_month": through_month,
        "note": note,
        "published_by": published_by,
        "changes": changes,
        "is_demo": is_demo,
    }
    return conn.execute(insert(release).values(values).returning(release.c.id)).scalar_one()


def copy_kpi_values(conn: Connection, release_id: int, through_month: int) -> int:
    """Copy every current KPI value whose period ends by ``through_month`` into the release
    (one INSERT ... SELECT); returns how many."""
    columns = ["kpi_id", *VALUE_COLUMNS]
    source = select(
        literal(release_id, Integer).label("release_id"),
        *(kpi_value.c[name] for name in columns),
    ).where(kpi_value.c.period_end <= through_month)
    conn.execute(insert(release_kpi_value).from_select(["release_id", *columns], source))
    copied = select(func.count()).where(release_kpi_value.c.release_id == release_id)
    return int(conn.execute(copied).scalar_one())  # rowcount of INSERT ... SELECT: -1 on psycopg


def record_release_submissions(
    conn: Connection, release_id: int, submission_ids: Iterable[int]
) -> int:
    """Record the approved revisions a release was built from; returns how many."""
    rows = [{"release_id": release_id, "submission_id": s} for s in sorted(set(submission_ids))]
    if rows:
        conn.execute(insert(release_submission), rows)
    return len(rows)


# --- reading -----------------------------------------------------------------------------------


def _release_query() -> Select[Any]:
    counts = (
        select(release_kpi_value.c.release_id, func.count().label("values"))
        .group_by(release_kpi_value.c.release_id)
        .subquery("counts")
    )
    return (
        select(
            release.c.id,
            release.c.number,
            release.c.published_at,
            release.c.through_month,
            release.c.note,
            release.c.published_by,
            func.coalesce(app_user.c.username, audit_event.c.actor).label("publisher"),
            release.c.is_demo,
            func.coalesce(counts.c["values"], 0).label("values"),
            release.c.changes,
        )
        .outerjoin(app_user, app_user.c.id == release.c.published_by)
        .outerjoin(
            audit_event,
            and_(
                audit_event.c.entity == "release",
                audit_event.c.entity_id == cast(release.c.number, String),
                audit_event.c.action == "release.published",
            ),
        )
        .outerjoin(counts, counts.c.release_id == release.c.id)
    )


def _release(row: Any) -> Release:
    return Release(**row._mapping)


def latest_release(conn: Connection) -> Release | None:
    """The newest release, or None before the first one."""
    row = conn.execute(_release_query().order_by(release.c.number.desc()).limit(1)).first()
    return None if row is None else _release(row)


def get_release(conn: Connection, number: int) -> Release:
    """The release with this number; NotFoundError if there is none."""
    row = conn.execute(_release_query().where(release.c.number == number)).first()
    if row is None:
        raise NotFoundError(f"no release number {number}")
    return _release(row)


def list_releases(conn: Connection) -> list[Release]:
    """Every release, newest first."""
    return [_release(r) for r in conn.execute(_release_query().order_by(release.c.number.desc()))]


def release_submission_ids(conn: Connection, release_id: int) -> set[int]:
    """The ids of the approved revisions a release was built from."""
    query = select(release_submission.c.submission_id).where(
        release_submission.c.release_id == release_id
    )
    return set(conn.execute(query).scalars())


def _frame(rows: Iterable[Any]) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(FRAME_COLUMNS))
    for name in ("numerator", "denominator", "value", "completeness", "planned"):
        frame[name] = frame[name].astype("float64")
    for name in ("period_end", "received", "expected"):
        frame[name] = frame[name].astype("int64")
    frame["flagged"] = frame["flagged"].astype(bool)
    return frame


def _filtered(
    query: Select[Any],
    table: Any,
    *,
    kpi_codes: str | Collection[str] | None,
    geo_level: str | None,
    geo_code: str | None,
    period_type: str | None,
) -> Select[Any]:
    if kpi_codes is not None:
        codes = [kpi_codes] if isinstance(kpi_codes, str) else list(kpi_codes)
        query = query.where(kpi_table.c.code.in_(codes))
    if geo_level is not None:
        query = query.where(table.c.geo_level == geo_level)
    if geo_code is not None:
        query = query.where(table.c.geo_code == geo_code)
    if period_type is not None:
        query = query.where(table.c.period_type == period_type)
    return query.order_by(
        kpi_table.c.code,
        table.c.geo_level,
        table.c.geo_code,
        table.c.period_type,
        table.c.period_end,
    )


def release_values(
    conn: Connection,
    release_id: int,
    *,
    kpi: str | Collection[str] | None = None,
    geo_level: str | None = None,
    geo_code: str | None = None,
    period_type: str | None = None,
) -> pd.DataFrame:
    """A release's KPI values (KPI codes, not ids), filtered; columns :data:`FRAME_COLUMNS`."""
    t = release_kpi_value
    query = (
        select(kpi_table.c.code.label("kpi"), *(t.c[n] for n in VALUE_COLUMNS))
        .join(kpi_table, kpi_table.c.id == t.c.kpi_id)
        .where(t.c.release_id == release_id)
    )
    query = _filtered(
        query, t, kpi_codes=kpi, geo_level=geo_level, geo_code=geo_code, period_type=period_type
    )
    return _frame(conn.execute(query))


def unpublished_values(conn: Connection, through_month: int) -> pd.DataFrame:
    """The current (computed, not yet published) KPI values whose period ends by
    ``through_month``: what a release through that month would hold."""
    t = kpi_value
    query = (
        select(kpi_table.c.code.label("kpi"), *(t.c[n] for n in VALUE_COLUMNS))
        .join(kpi_table, kpi_table.c.id == t.c.kpi_id)
        .where(t.c.period_end <= through_month)
    )
    query = _filtered(query, t, kpi_codes=None, geo_level=None, geo_code=None, period_type=None)
    return _frame(conn.execute(query))


def describe_submissions(conn: Connection, submission_ids: Collection[int]) -> list[dict[str, Any]]:
    """id, district, institution (codes), year and revision of each submission, by id."""
    if not submission_ids:
        return []
    query = (
        select(
            submission.c.id,
            district.c.code.label("district"),
            institution.c.code.label("institution"),
            submission.c.year,
            submission.c.revision,
        )
        .join(district, district.c.id == submission.c.district_id)
        .join(institution, institution.c.id == submission.c.institution_id)
        .where(submission.c.id.in_(sorted(submission_ids)))
        .order_by(submission.c.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]
