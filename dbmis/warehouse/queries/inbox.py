"""The Delivery Unit's inbox and the review page of one submission: named read-only queries.

- :func:`inbox_rows`, :func:`inbox_total`, :func:`status_counts`: submissions filtered by
  district, institution, status and year (catalog codes), newest upload first, with their
  district and institution codes and who uploaded them.
- :func:`submission_detail`, :func:`key_revisions`, :func:`previous_revision`: one submission,
  every revision of its district x institution x year, and the revision before it.
- :func:`revision_values`: a revision's figures by (indicator code, month), for the diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select
from sqlalchemy.sql import ColumnElement

from dbmis.errors import NotFoundError
from dbmis.warehouse.queries.submissions import Submission, get_submission
from dbmis.warehouse.schema import (
    SUBMISSION_STATUSES,
    app_user,
    district,
    indicator,
    institution,
    observation,
    submission,
)


@dataclass(frozen=True)
class InboxFilter:
    """Filters of the inbox (None: any). Codes are catalog codes; unknown codes match nothing."""

    district: str | None = None
    institution: str | None = None
    status: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class InboxRow:
    id: int
    district: str
    institution: str
    year: int
    revision: int
    status: str
    is_current: bool
    uploaded_at: datetime
    uploader: str | None
    """the uploader's username (None: an operator at the command line or the demo loader)"""
    uploader_name: str | None
    filename: str
    report: dict[str, Any] | None
    is_demo: bool


_uploader = app_user.alias("uploader")
_reviewer = app_user.alias("reviewer")


def _conditions(f: InboxFilter, *, with_status: bool = True) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.district is not None:
        where.append(district.c.code == f.district)
    if f.institution is not None:
        where.append(institution.c.code == f.institution)
    if f.year is not None:
        where.append(submission.c.year == f.year)
    if with_status and f.status is not None:
        where.append(submission.c.status == f.status)
    return where


def _joined(query: Select[Any]) -> Select[Any]:
    return query.join(district, district.c.id == submission.c.district_id).join(
        institution, institution.c.id == submission.c.institution_id
    )


def inbox_rows(
    conn: Connection, f: InboxFilter, *, limit: int = 25, offset: int = 0
) -> list[InboxRow]:
    """One page of submissions matching ``f``, newest upload first."""
    query = (
        _joined(
            select(
                submission.c.id,
                district.c.code.label("district"),
                institution.c.code.label("institution"),
                submission.c.year,
                submission.c.revision,
                submission.c.status,
                submission.c.is_current,
                submission.c.uploaded_at,
                _uploader.c.username.label("uploader"),
                _uploader.c.display_name.label("uploader_name"),
                submission.c.filename,
                submission.c.report,
                submission.c.is_demo,
            )
        )
        .outerjoin(_uploader, _uploader.c.id == submission.c.uploaded_by)
        .where(*_conditions(f))
        .order_by(submission.c.uploaded_at.desc(), submission.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [InboxRow(**row._mapping) for row in conn.execute(query)]


def inbox_total(conn: Connection, f: InboxFilter) -> int:
    """How many submissions match ``f``."""
    query = _joined(select(func.count()).select_from(submission)).where(*_conditions(f))
    return int(conn.execute(query).scalar_one())


def status_counts(conn: Connection, f: InboxFilter) -> dict[str, int]:
    """Submissions matching ``f`` (whatever its status filter) by status; every status is a
    key, zero if none. ``submitted`` counts the current revisions waiting for review."""
    query = (
        _joined(select(submission.c.status, func.count()).select_from(submission))
        .where(*_conditions(f, with_status=False))
        .group_by(submission.c.status)
    )
    counts = dict.fromkeys(SUBMISSION_STATUSES, 0)
    for status, n in conn.execute(query):
        counts[str(status)] = int(n)
    return counts


def submission_years(conn: Connection) -> list[int]:
    """The years that have any submission, newest first."""
    query = select(submission.c.year).distinct().order_by(submission.c.year.desc())
    return [int(y) for y in conn.execute(query).scalars()]


# --- one submission --------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionDetail:
    submission: Submission
    district: str
    institution: str
    uploader: str | None
    uploader_name: str | None
    reviewer: str | None
    reviewer_name: str | None


def _names(conn: Connection, user_id: int | None) -> tuple[str | None, str | None]:
    if user_id is None:
        return None, None
    row = conn.execute(
        select(app_user.c.username, app_user.c.display_name).where(app_user.c.id == user_id)
    ).first()
    return (None, None) if row is None else (row.username, row.display_name)


def submission_detail(conn: Connection, submission_id: int) -> SubmissionDetail:
    """A submission with its codes and people; NotFoundError if there is none."""
    sub = get_submission(conn, submission_id)
    codes = conn.execute(
        select(district.c.code, institution.c.code)
        .select_from(submission)
        .join(district, district.c.id == submission.c.district_id)
        .join(institution, institution.c.id == submission.c.institution_id)
        .where(submission.c.id == submission_id)
    ).first()
    if codes is None:  # pragma: no cover - foreign keys guarantee both
        raise NotFoundError(f"submission {submission_id} has no district or institution")
    uploader, uploader_name = _names(conn, sub.uploaded_by)
    reviewer, reviewer_name = _names(conn, sub.reviewed_by)
    return SubmissionDetail(
        sub, str(codes[0]), str(codes[1]), uploader, uploader_name, reviewer, reviewer_name
    )


@dataclass(frozen=True)
class RevisionRow:
    id: int
    revision: int
    status: str
    is_current: bool
    uploaded_at: datetime
    uploader: str | None
    reviewed_at: datetime | None
    reviewer: str | None
    review_reason: str | None
    sha256: str


def key_revisions(conn: Connection, sub: Submission) -> list[RevisionRow]:
    """Every revision of the submission's district x institution x year, newest first."""
    query = (
        select(
            submission.c.id,
            submission.c.revision,
            submission.c.status,
            submission.c.is_current,
            submission.c.uploaded_at,
            _uploader.c.username.label("uploader"),
            submission.c.reviewed_at,
            _reviewer.c.username.label("reviewer"),
            submission.c.review_reason,
            submission.c.sha256,
        )
        .outerjoin(_uploader, _uploader.c.id == submission.c.uploaded_by)
        .outerjoin(_reviewer, _reviewer.c.id == submission.c.reviewed_by)
        .where(
            submission.c.district_id == sub.district_id,
            submission.c.institution_id == sub.institution_id,
            submission.c.year == sub.year,
        )
        .order_by(submission.c.revision.desc())
    )
    return [RevisionRow(**row._mapping) for row in conn.execute(query)]


def previous_revision(conn: Connection, sub: Submission) -> Submission | None:
    """The newest earlier revision of the same key that was loaded (not rejected), or None."""
    row_id = conn.execute(
        select(submission.c.id)
        .where(
            submission.c.district_id == sub.district_id,
            submission.c.institution_id == sub.institution_id,
            submission.c.year == sub.year,
            submission.c.revision < sub.revision,
            submission.c.status != "rejected",
        )
        .order_by(submission.c.revision.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if row_id is None else get_submission(conn, int(row_id))


def revision_values(conn: Connection, submission_id: int) -> dict[tuple[str, int], float]:
    """The figures of one revision: (indicator code, month YYYYMM) -> value."""
    query = (
        select(indicator.c.code, observation.c.month, observation.c.value)
        .join(indicator, indicator.c.id == observation.c.indicator_id)
        .where(observation.c.submission_id == submission_id)
    )
    return {(str(code), int(month)): float(value) for code, month, value in conn.execute(query)}
