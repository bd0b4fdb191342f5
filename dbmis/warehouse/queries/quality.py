"""Data quality: when each monthly return arrived, and the validation reports of current data.

See :mod:`dbmis.kpis.quality` for what completeness and timeliness mean; this module only
reads the facts they are computed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from dbmis.warehouse.queries.approved import effective_submission_ids
from dbmis.warehouse.schema import district, institution, observation, submission

COUNTING = ("submitted", "approved")
"""Statuses of a current revision whose figures count as received."""


@dataclass(frozen=True)
class MonthReturn:
    """One district x institution x month that has figures in some loaded revision."""

    district: str
    institution: str
    month: int
    first_at: datetime
    """the upload time of the first revision (not rejected) with a figure for the month"""
    received: bool
    """a figure of the month is in the current revision (waiting or approved) or in the
    effective approved revision"""


def month_returns(
    conn: Connection, year: int, *, institution_code: str | None = None
) -> list[MonthReturn]:
    """Every monthly return of ``year`` with figures (of one institution if given)."""
    effective = effective_submission_ids().subquery("effective")
    counts = or_(
        and_(submission.c.is_current, submission.c.status.in_(COUNTING)),
        effective.c.id.is_not(None),
    )
    query = (
        select(
            district.c.code.label("district"),
            institution.c.code.label("institution"),
            observation.c.month,
            func.min(submission.c.uploaded_at).label("first_at"),
            func.max(case((counts, 1), else_=0)).label("received"),
        )
        .select_from(observation)
        .join(submission, submission.c.id == observation.c.submission_id)
        .join(district, district.c.id == submission.c.district_id)
        .join(institution, institution.c.id == submission.c.institution_id)
        .outerjoin(effective, effective.c.id == submission.c.id)
        .where(submission.c.year == year, submission.c.status != "rejected")
        .group_by(district.c.code, institution.c.code, observation.c.month)
    )
    if institution_code is not None:
        query = query.where(institution.c.code == institution_code)
    return [
        MonthReturn(str(d), str(i), int(m), first_at, bool(received))
        for d, i, m, first_at, received in conn.execute(query)
    ]


@dataclass(frozen=True)
class CurrentReport:
    """The stored validation report of a current revision waiting for review or approved."""

    id: int
    district: str
    institution: str
    year: int
    revision: int
    status: str
    report: dict[str, Any] | None


def current_reports(
    conn: Connection, year: int, *, institution_code: str | None = None
) -> list[CurrentReport]:
    """The reports of every current revision (waiting or approved) of ``year``, by district
    and institution code."""
    query = (
        select(
            submission.c.id,
            district.c.code.label("district"),
            institution.c.code.label("institution"),
            submission.c.year,
            submission.c.revision,
            submission.c.status,
            submission.c.report,
        )
        .join(district, district.c.id == submission.c.district_id)
        .join(institution, institution.c.id == submission.c.institution_id)
        .where(
            submission.c.year == year,
            submission.c.is_current,
            submission.c.status.in_(COUNTING),
        )
        .order_by(district.c.code, institution.c.code)
    )
    if institution_code is not None:
        query = query.where(institution.c.code == institution_code)
    return [CurrentReport(**row._mapping) for row in conn.execute(query)]
