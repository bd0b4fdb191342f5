"""Queries of the Delivery Unit's stocktake, release and steering pages (read only).

- :func:`get_stocktake_by_id`: a stocktake by its id (the pack's download address uses it);
- :func:`unreleased_submissions`: the effective approved revisions that the latest release
  was not built from (what a new release would add or revise);
- :func:`approved_observations`: approved values of some indicators for a month range, with the
  submission each came from (the steering view's breakdown by institution);
- :func:`last_approval` and :func:`last_computed`: when data was last approved and when the KPI
  values were last recomputed (is the preview of a release up to date?).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select

from dbmis.errors import NotFoundError
from dbmis.warehouse.queries.approved import effective_submission_ids
from dbmis.warehouse.queries.stocktakes import Stocktake
from dbmis.warehouse.schema import (
    district,
    indicator,
    institution,
    kpi_value,
    observation,
    release_submission,
    stocktake,
    submission,
)

OBSERVATION_COLUMNS = ("district", "institution", "indicator", "month", "value", "submission_id")


def get_stocktake_by_id(conn: Connection, stocktake_id: int) -> Stocktake:
    """The stocktake with this id; NotFoundError if there is none."""
    row = conn.execute(select(stocktake).where(stocktake.c.id == stocktake_id)).first()
    if row is None:
        raise NotFoundError(f"no stocktake with id {stocktake_id}")
    return Stocktake(**row._mapping)


def effective_ids(conn: Connection) -> set[int]:
    """Ids of the effective approved revision of every (district, institution, year)."""
    return set(conn.scalars(effective_submission_ids()))


def unreleased_submissions(conn: Connection, release_id: int | None) -> list[dict[str, Any]]:
    """Effective approved revisions not among those release ``release_id`` was built from
    (None: every effective approved revision), oldest approval first: id, district,
    institution, year, revision, approved_at, sha256, filename."""
    query = (
        select(
            submission.c.id,
            district.c.code.label("district"),
            institution.c.code.label("institution"),
            submission.c.year,
            submission.c.revision,
            submission.c.approved_at,
            submission.c.sha256,
            submission.c.filename,
        )
        .join(district, district.c.id == submission.c.district_id)
        .join(institution, institution.c.id == submission.c.institution_id)
        .where(submission.c.id.in_(effective_submission_ids()))
        .order_by(submission.c.approved_at, submission.c.id)
    )
    if release_id is not None:
        released = select(release_submission.c.submission_id).where(
            release_submission.c.release_id == release_id
        )
        query = query.where(submission.c.id.not_in(released))
    return [dict(row._mapping) for row in conn.execute(query)]


def approved_observations(
    conn: Connection, *, indicators: Collection[str], first_month: int, last_month: int
) -> pd.DataFrame:
    """Approved values (effective revisions only) of ``indicators`` (codes) for the months
    ``first_month..last_month``; columns :data:`OBSERVATION_COLUMNS` (codes, not ids)."""
    query = (
        select(
            district.c.code.label("district"),
            institution.c.code.label("institution"),
            indicator.c.code.label("indicator"),
            observation.c.month,
            observation.c.value,
            observation.c.submission_id,
        )
        .join(district, district.c.id == observation.c.district_id)
        .join(institution, institution.c.id == observation.c.institution_id)
        .join(indicator, indicator.c.id == observation.c.indicator_id)
        .where(
            observation.c.submission_id.in_(effective_submission_ids()),
            indicator.c.code.in_(sorted(indicators)),
            observation.c.month.between(int(first_month), int(last_month)),
        )
        .order_by(institution.c.code, indicator.c.code, district.c.code, observation.c.month)
    )
    frame = pd.DataFrame(conn.execute(query).all(), columns=list(OBSERVATION_COLUMNS))
    frame["value"] = frame["value"].astype("float64")
    frame["month"] = frame["month"].astype("int64")
    frame["submission_id"] = frame["submission_id"].astype("int64")
    return frame


def last_approval(conn: Connection) -> datetime | None:
    """When the latest effective approved revision was approved (None: nothing approved)."""
    query = select(func.max(submission.c.approved_at)).where(
        submission.c.id.in_(effective_submission_ids())
    )
    value: datetime | None = conn.execute(query).scalar_one_or_none()
    return value


def last_computed(conn: Connection) -> datetime | None:
    """When the stored KPI values were last recomputed (None: there are none)."""
    value: datetime | None = conn.execute(
        select(func.max(kpi_value.c.computed_at))
    ).scalar_one_or_none()
    return value


__all__ = [
    "OBSERVATION_COLUMNS",
    "approved_observations",
    "effective_ids",
    "get_stocktake_by_id",
    "last_approval",
    "last_computed",
    "unreleased_submissions",
]
