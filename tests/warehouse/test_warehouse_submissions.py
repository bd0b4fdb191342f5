"""Submissions: revisions, one current per key, supersession, review transitions, races."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from dbmis.errors import ConflictError, NotFoundError
from dbmis.warehouse import Database
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries import submissions as subs
from dbmis.warehouse.schema import submission
from dbmis.warehouse.types import utcnow


def _raw_row(conn, revision: int, is_current: bool) -> dict:
    return {
        "district_id": dimensions.district_ids(conn)["ALPHA"],
        "institution_id": dimensions.institution_ids(conn)["PROSECUTION"],
        "year": 2026,
        "revision": revision,
        "status": "submitted",
        "is_current": is_current,
        "sha256": "b" * 64,
        "source_kind": "csv",
        "filename": "x.csv",
        "size_bytes": 10,
        "uploaded_at": utcnow(),
    }


def test_partial_unique_index_allows_one_current_revision_per_key(synced_db: Database):
    with synced_db.write() as conn:
        conn.execute(insert(submission).values(_raw_row(conn, 1, is_current=True)))
        conn.execute(insert(submission).values(_raw_row(conn, 2, is_current=False)))
    with pytest.raises(IntegrityError), synced_db.write() as conn:
        conn.execute(insert(submission).values(_raw_row(conn, 3, is_current=True)))
    with pytest.raises(IntegrityError), synced_db.write() as conn:  # revision numbers unique
        conn.execute(insert(submission).values(_raw_row(conn, 2, is_current=False)))


def test_insert_submission_supersedes_the_previous_revision(synced_db: Database, make_submission):
    with synced_db.write() as conn:
        first = make_submission(conn, sha256="1" * 64, report={"ok": True}, counts={"rows": 5})
        other_key = make_submission(conn, district="BETA")
    assert (first.revision, first.status, first.is_current) == (1, "submitted", True)
    assert first.report == {"ok": True} and first.counts == {"rows": 5}
    with synced_db.write() as conn:
        second = make_submission(conn, sha256="2" * 64)
        old = subs.get_submission(conn, first.id)
        current = subs.current_submission(conn, first.district_id, first.institution_id, 2026)
        assert subs.get_submission(conn, other_key.id).is_current  # another key: untouched
    assert (second.revision, second.status, second.is_current) == (2, "submitted", True)
    assert (old.status, old.is_current) == ("superseded", False)
    assert current == second


def test_rejected_files_are_recorded_but_never_current(synced_db: Database, make_submission):
    with synced_db.write() as conn:
        good = make_submission(conn)
        bad = make_submission(conn, sha256="f" * 64, rejected=True)
        assert subs.get_submission(conn, good.id).is_current
    assert (bad.revision, bad.status, bad.is_current) == (2, "rejected", False)


def test_find_by_sha256_and_list_filters(synced_db: Database, make_submission):
    with synced_db.write() as conn:
        a1 = make_submission(conn, sha256="1" * 64)
        make_submission(conn, sha256="2" * 64)
        b1 = make_submission(conn, district="BETA", institution="PRISONS", sha256="1" * 64)
    with synced_db.read() as conn:
        found = subs.find_by_sha256(conn, a1.district_id, a1.institution_id, 2026, "1" * 64)
        assert found is not None and found.id == a1.id and not found.is_current
        assert subs.find_by_sha256(conn, a1.district_id, a1.institution_id, 2025, "1" * 64) is None
        assert len(subs.list_submissions(conn)) == 3
        assert [s.id for s in subs.list_submissions(conn, district_ids=[b1.district_id])] == [b1.id]
        current = subs.list_submissions(conn, current_only=True)
        assert {s.revision for s in current} == {2, 1} and len(current) == 2
        assert len(subs.list_submissions(conn, statuses=["superseded"])) == 1
        assert subs.list_submissions(conn, year=2025) == []
        with pytest.raises(NotFoundError):
            subs.get_submission(conn, 9999)


def test_review_transitions(synced_db: Database, make_submission):
    with synced_db.write() as conn:
        sub = make_submission(conn)
        approved = subs.set_status(conn, sub.id, "approved", reviewer_id=None)
    assert approved.status == "approved" and approved.approved_at is not None
    with synced_db.write() as conn:
        with pytest.raises(ValueError, match="reason"):
            subs.set_status(conn, sub.id, "returned", reviewer_id=None)
        returned = subs.set_status(conn, sub.id, "returned", reviewer_id=None, reason="typo")
    assert returned.status == "returned" and returned.approved_at is None
    assert returned.review_reason == "typo"
    with synced_db.write() as conn, pytest.raises(ConflictError):
        subs.set_status(conn, sub.id, "approved", reviewer_id=None)  # returned: re-upload first


def test_an_approval_cannot_land_on_a_superseded_revision(synced_db: Database, make_submission):
    with synced_db.write() as conn:
        first = make_submission(conn)
        make_submission(conn, sha256="2" * 64)
    with synced_db.write() as conn, pytest.raises(ConflictError, match="not current"):
        subs.set_status(conn, first.id, "approved", reviewer_id=None)


def test_parallel_uploads_of_one_key_get_distinct_revisions(synced_db: Database, make_submission):
    errors: list[Exception] = []
    barrier = threading.Barrier(8)

    def upload(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            with synced_db.write() as conn:
                make_submission(conn, sha256=f"{n:064d}")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with synced_db.read() as conn:
        rows = conn.execute(select(submission.c.revision, submission.c.is_current)).all()
    assert sorted(r.revision for r in rows) == list(range(1, 9))
    assert [r.revision for r in rows if r.is_current] == [8]
