"""Approved data: which submission revision counts for each (district, institution, year).

A key's effective revision is its newest revision that has been approved and not un-approved
(``approved_at`` set). A newer upload waiting for review does not displace it: approved data
changes only through a new approval.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy import Connection, Select, and_, func, select

from dbmis.warehouse.schema import district, indicator, institution, observation, submission


def effective_submission_ids() -> Select[tuple[int]]:
    """SELECT of the ids of the effective approved revision of every key."""
    newest = (
        select(
            submission.c.district_id,
            submission.c.institution_id,
            submission.c.year,
            func.max(submission.c.revision).label("revision"),
        )
        .where(submission.c.approved_at.is_not(None))
        .group_by(submission.c.district_id, submission.c.institution_id, submission.c.year)
        .subquery("newest_approved")
    )
    return select(submission.c.id).join(
        newest,
        and_(
            submission.c.district_id == newest.c.district_id,
            submission.c.institution_id == newest.c.institution_id,
            submission.c.year == newest.c.year,
            submission.c.revision == newest.c.revision,
        ),
    )


def approved_values(
    conn: Connection,
    *,
    districts: Collection[str],
    institutions: Collection[str],
    first_month: int,
    last_month: int,
) -> pd.DataFrame:
    """Approved observations (district, indicator, month, value) for the given scope."""
    query = (
        select(
            district.c.code.label("district"),
            indicator.c.code.label("indicator"),
            observation.c.month,
            observation.c.value,
        )
        .join(district, district.c.id == observation.c.district_id)
        .join(indicator, indicator.c.id == observation.c.indicator_id)
        .join(institution, institution.c.id == observation.c.institution_id)
        .where(
            observation.c.submission_id.in_(effective_submission_ids()),
            district.c.code.in_(list(districts)),
            institution.c.code.in_(list(institutions)),
            observation.c.month.between(first_month, last_month),
        )
    )
    rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["district", "indicator", "month", "value"])
