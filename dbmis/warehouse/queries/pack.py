"""Queries the stocktake pack needs besides the stored KPI values: monthly returns (what
arrived when, approved or not) and whether the warehouse holds demo data.

A *return* is one district's figures for one institution and one month. It has *arrived* when
some submission that passed validation (any status but ``rejected``) holds a value for that
month; it *counts* once the effective approved revision of its key holds one.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, and_, case, exists, func, select

from dbmis.warehouse.queries.approved import effective_submission_ids
from dbmis.warehouse.schema import district, institution, observation, submission

RETURN_COLUMNS = ("district", "institution", "month", "first_received_at", "approved", "pending")


def month_returns(conn: Connection, *, first_month: int, last_month: int) -> pd.DataFrame:
    """One row per (district, institution, month) that arrived, months in the range.

    Columns :data:`RETURN_COLUMNS`: ``first_received_at`` is the upload time (UTC) of the
    earliest submission holding the month; ``approved`` whether the effective approved revision
    holds it; ``pending`` whether a current revision waiting for review holds it.
    """
    effective = effective_submission_ids().subquery("eff")
    is_approved = case((observation.c.submission_id.in_(select(effective.c.id)), 1), else_=0)
    is_pending = case(
        (and_(submission.c.status == "submitted", submission.c.is_current), 1), else_=0
    )
    query = (
        select(
            district.c.code.label("district"),
            institution.c.code.label("institution"),
            observation.c.month,
            func.min(submission.c.uploaded_at).label("first_received_at"),
            func.max(is_approved).label("approved"),
            func.max(is_pending).label("pending"),
        )
        .join(submission, submission.c.id == observation.c.submission_id)
        .join(district, district.c.id == observation.c.district_id)
        .join(institution, institution.c.id == observation.c.institution_id)
        .where(
            observation.c.month.between(int(first_month), int(last_month)),
            submission.c.status != "rejected",
        )
        .group_by(district.c.code, institution.c.code, observation.c.month)
        .order_by(institution.c.code, district.c.code, observation.c.month)
    )
    rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=list(RETURN_COLUMNS))
    frame["approved"] = frame["approved"].astype(bool)
    frame["pending"] = frame["pending"].astype(bool)
    frame["month"] = frame["month"].astype("int64")
    return frame


def holds_demo_data(conn: Connection) -> bool:
    """Whether any submission in the warehouse is demo data."""
    return bool(conn.execute(select(exists().where(submission.c.is_demo))).scalar())


def last_approved_month(conn: Connection) -> int | None:
    """The latest month (YYYYMM) with an approved value, or None."""
    query = select(func.max(observation.c.month)).where(
        observation.c.submission_id.in_(effective_submission_ids())
    )
    month = conn.execute(query).scalar_one_or_none()
    return None if month is None else int(month)


__all__ = ["RETURN_COLUMNS", "holds_demo_data", "last_approved_month", "month_returns"]
