"""The inbox and review queries (SQLite and PostgreSQL)."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dbmis.errors import NotFoundError
from dbmis.ingest import workflow
from dbmis.warehouse import Database
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries.inbox import (
    InboxFilter,
    inbox_rows,
    inbox_total,
    key_revisions,
    previous_revision,
    revision_values,
    status_counts,
    submission_detail,
    submission_years,
)
from dbmis.warehouse.queries.observations import insert_observations
from dbmis.warehouse.queries.submissions import NewSubmission, Submission, insert_submission
from dbmis.warehouse.queries.users import create_user
from tests.warehouse.conftest import mini_catalog, synced_db  # noqa: F401


def _at(day: int) -> datetime:
    return datetime(2026, 5, day, 9, 0, tzinfo=UTC)


def _load(
    db: Database,
    district: str,
    institution: str,
    day: int,
    figures: dict[tuple[str, int], float] | None = None,
    *,
    year: int = 2026,
    uploaded_by: int | None = None,
    report: dict | None = None,
) -> Submission:
    with db.write() as conn:
        sub = insert_submission(
            conn,
            NewSubmission(
                district_id=dimensions.district_ids(conn)[district],
                institution_id=dimensions.institution_ids(conn)[institution],
                year=year,
                sha256=f"{day:02d}{district}{institution}".ljust(64, "0")[:64].lower(),
                source_kind="xlsx",
                filename=f"{district}.xlsx",
                size_bytes=10,
                uploaded_by=uploaded_by,
                report=report,
            ),
            now=_at(day),
        )
        ind = dimensions.indicator_ids(conn)
        insert_observations(
            conn,
            [
                {
                    "submission_id": sub.id,
                    "indicator_id": ind[code],
                    "district_id": sub.district_id,
                    "institution_id": sub.institution_id,
                    "month": month,
                    "value": value,
                    "cell": None,
                }
                for (code, month), value in (figures or {}).items()
            ],
        )
    return sub


@pytest.fixture
def people(synced_db: Database) -> dict[str, int]:
    with synced_db.write() as conn:
        return {
            "fp": create_user(conn, "fp.alpha", "Focal Alpha", "focal_point").id,
            "ana": create_user(conn, "ana", "Ana Analyst", "analyst").id,
        }


def test_inbox_filters_sorts_and_pages(synced_db: Database, people: dict[str, int]):
    db = synced_db
    report = {"counts": {"errors": 0, "warnings": 1}, "issues": []}
    a1 = _load(db, "ALPHA", "PROSECUTION", 1, uploaded_by=people["fp"], report=report)
    b1 = _load(db, "BETA", "PROSECUTION", 2)
    a2 = _load(db, "ALPHA", "PROSECUTION", 3, uploaded_by=people["fp"])  # supersedes a1
    p1 = _load(db, "ALPHA", "PRISONS", 4, year=2025)
    workflow.approve(db, [b1.id], reviewer="ana", reviewer_id=people["ana"])

    with db.read() as conn:
        rows = inbox_rows(conn, InboxFilter())
        assert [r.id for r in rows] == [p1.id, a2.id, b1.id, a1.id]  # newest upload first
        first = rows[-1]
        assert (first.district, first.institution, first.year, first.revision) == (
            "ALPHA", "PROSECUTION", 2026, 1
        )  # fmt: skip
        assert (first.status, first.is_current) == ("superseded", False)
        assert (first.uploader, first.uploader_name) == ("fp.alpha", "Focal Alpha")
        assert first.report == report and rows[0].uploader is None

        alpha = InboxFilter(district="ALPHA")
        assert [r.id for r in inbox_rows(conn, alpha)] == [p1.id, a2.id, a1.id]
        assert [r.id for r in inbox_rows(conn, InboxFilter(institution="PRISONS"))] == [p1.id]
        assert [r.id for r in inbox_rows(conn, InboxFilter(year=2026, status="submitted"))] == [
            a2.id
        ]
        assert [r.id for r in inbox_rows(conn, InboxFilter(district="NOWHERE"))] == []
        assert [r.id for r in inbox_rows(conn, InboxFilter(), limit=2, offset=2)] == [b1.id, a1.id]
        assert inbox_total(conn, InboxFilter()) == 4
        assert inbox_total(conn, alpha) == 3
        counts = status_counts(conn, InboxFilter(year=2026, status="approved"))
        assert counts == {
            "submitted": 1, "approved": 1, "returned": 0, "superseded": 1, "rejected": 0
        }  # fmt: skip
        assert submission_years(conn) == [2026, 2025]


def test_detail_history_previous_revision_and_values(synced_db: Database, people: dict[str, int]):
    db = synced_db
    r1 = _load(db, "ALPHA", "PROSECUTION", 1, {("PRO_CONVICTIONS", 202601): 10.0},
               uploaded_by=people["fp"])  # fmt: skip
    workflow.approve(db, [r1.id], reviewer="ana", reviewer_id=people["ana"])
    r2 = _load(db, "ALPHA", "PROSECUTION", 2, {("PRO_CONVICTIONS", 202601): 12.0,
                                               ("PRO_CASES_DECIDED", 202602): 30.0})  # fmt: skip
    workflow.return_submission(db, r2.id, reason="check January", reviewer="ana",
                               reviewer_id=people["ana"])  # fmt: skip
    other = _load(db, "BETA", "PROSECUTION", 3)

    with db.read() as conn:
        detail = submission_detail(conn, r1.id)
        assert (detail.district, detail.institution) == ("ALPHA", "PROSECUTION")
        assert (detail.uploader, detail.reviewer, detail.reviewer_name) == (
            "fp.alpha", "ana", "Ana Analyst"
        )  # fmt: skip
        assert detail.submission.status == "superseded"  # approved, then superseded
        assert detail.submission.approved_at is not None
        with pytest.raises(NotFoundError):
            submission_detail(conn, 99_999)

        history = key_revisions(conn, detail.submission)
        assert [(h.revision, h.status, h.is_current) for h in history] == [
            (2, "returned", True), (1, "superseded", False)
        ]  # fmt: skip
        assert (history[0].reviewer, history[0].review_reason) == ("ana", "check January")
        assert history[1].uploader == "fp.alpha"

        sub2 = submission_detail(conn, r2.id).submission
        previous = previous_revision(conn, sub2)
        assert previous is not None and previous.id == r1.id
        assert previous_revision(conn, detail.submission) is None
        assert previous_revision(conn, submission_detail(conn, other.id).submission) is None

        assert revision_values(conn, r2.id) == {
            ("PRO_CONVICTIONS", 202601): 12.0,
            ("PRO_CASES_DECIDED", 202602): 30.0,
        }
        assert revision_values(conn, other.id) == {}
