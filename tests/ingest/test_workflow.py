"""The review workflow: approve, return, un-approve; their audit trail; a re-upload racing an
approval. SQLite and PostgreSQL."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime

import pytest

from dbmis.errors import ConflictError, NotFoundError, PermissionDeniedError
from dbmis.ingest import workflow
from dbmis.warehouse import Database
from dbmis.warehouse.queries.approved import effective_submission_ids
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.submissions import Submission, get_submission
from dbmis.warehouse.queries.users import create_user
from tests.warehouse.conftest import make_submission, mini_catalog, synced_db  # noqa: F401

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def analyst(synced_db: Database) -> int:
    with synced_db.write() as conn:
        return create_user(conn, "ana", "Ana Analyst", "analyst").id


def _upload(db: Database, make, sha: str = "1", **key: object) -> Submission:
    with db.write() as conn:
        return make(conn, sha256=sha * 64, **key)


def _status(db: Database, sid: int) -> Submission:
    with db.read() as conn:
        return get_submission(conn, sid)


def _events(db: Database, sid: int) -> list:
    with db.read() as conn:
        return list_events(conn, entity="submission", entity_id=sid)


def _effective(db: Database) -> set[int]:
    with db.read() as conn:
        return set(conn.scalars(effective_submission_ids()))


def test_approve_locks_the_revision_and_audits_it(synced_db: Database, make_submission, analyst):
    sub = _upload(synced_db, make_submission)
    (done,) = workflow.approve(synced_db, [sub.id], reviewer="ana", reviewer_id=analyst, now=NOW)
    assert (done.status, done.approved_at, done.reviewed_by) == ("approved", NOW, analyst)
    assert _effective(synced_db) == {sub.id}
    events = _events(synced_db, sub.id)
    assert [e.action for e in events] == ["submission.approved"]
    event = events[0]
    assert (event.actor, event.at, event.sha256) == ("ana", NOW, "1" * 64)
    assert event.detail == {
        "before": "submitted",
        "after": "approved",
        "district": "ALPHA",
        "institution": "PROSECUTION",
        "year": 2026,
        "revision": 1,
        "reviewer_id": analyst,
    }


def test_approving_many_is_all_or_nothing(synced_db: Database, make_submission):
    a = _upload(synced_db, make_submission, "1")
    b = _upload(synced_db, make_submission, "2", district="BETA")
    stale = _upload(synced_db, make_submission, "3", district="GAMMA")
    newer = _upload(synced_db, make_submission, "4", district="GAMMA")
    with pytest.raises(ConflictError, match="superseded by revision 2") as caught:
        workflow.approve(synced_db, [a.id, b.id, stale.id], reviewer="cli:me", reviewer_id=None)
    assert f"submission {stale.id} (GAMMA PROSECUTION 2026, revision 1)" in str(caught.value)
    assert f"submission {newer.id}" in str(caught.value)
    assert "Nothing was approved" in str(caught.value)
    assert {_status(synced_db, s.id).status for s in (a, b)} == {"submitted"}
    assert _events(synced_db, a.id) == []
    done = workflow.approve(synced_db, [b.id, a.id, b.id], reviewer="cli:me", reviewer_id=None)
    assert [s.id for s in done] == [b.id, a.id]
    assert workflow.pending_ids(synced_db) == [newer.id]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("approved", "is already approved"),
        ("returned", "was returned (wrong year): the focal point must upload a corrected"),
        ("rejected", "was rejected by validation: there is nothing to approve"),
    ],
)
def test_approve_refuses_what_is_not_waiting(
    synced_db: Database, make_submission, setup: str, message: str
):
    sub = _upload(synced_db, make_submission, rejected=setup == "rejected")
    if setup == "approved":
        workflow.approve(synced_db, [sub.id], reviewer="a", reviewer_id=None)
    if setup == "returned":
        workflow.return_submission(
            synced_db, sub.id, reason="wrong year", reviewer="a", reviewer_id=None
        )
    before = len(_events(synced_db, sub.id))
    with pytest.raises(ConflictError, match=re.escape(message)):
        workflow.approve(synced_db, [sub.id], reviewer="a", reviewer_id=None)
    assert len(_events(synced_db, sub.id)) == before


def test_unknown_submission(synced_db: Database):
    with pytest.raises(NotFoundError):
        workflow.approve(synced_db, [404], reviewer="a", reviewer_id=None)


def test_return_needs_a_reason_and_is_audited(synced_db: Database, make_submission, analyst):
    sub = _upload(synced_db, make_submission)
    for reason in ("", "   "):
        with pytest.raises(ConflictError) as caught:
            workflow.return_submission(
                synced_db, sub.id, reason=reason, reviewer="ana", reviewer_id=analyst
            )
        assert caught.value.code == "REASON_REQUIRED"
    assert _status(synced_db, sub.id).status == "submitted"
    back = workflow.return_submission(
        synced_db,
        sub.id,
        reason="  Figures for March look ten times too high  ",
        reviewer="ana",
        reviewer_id=analyst,
        now=NOW,
    )
    assert (back.status, back.review_reason) == (
        "returned",
        "Figures for March look ten times too high",
    )
    (event,) = _events(synced_db, sub.id)
    assert event.action == "submission.returned" and event.sha256 == "1" * 64
    assert event.detail["before"] == "submitted" and event.detail["after"] == "returned"
    assert event.detail["reason"] == "Figures for March look ten times too high"
    with pytest.raises(ConflictError, match="only a revision waiting for review"):
        workflow.return_submission(
            synced_db, sub.id, reason="again", reviewer="a", reviewer_id=None
        )


def test_returning_approved_data_is_an_unapprove(synced_db: Database, make_submission):
    sub = _upload(synced_db, make_submission)
    workflow.approve(synced_db, [sub.id], reviewer="a", reviewer_id=None)
    with pytest.raises(ConflictError, match="un-approve it"):
        workflow.return_submission(synced_db, sub.id, reason="x", reviewer="a", reviewer_id=None)
    assert _status(synced_db, sub.id).status == "approved"


def test_unapprove_falls_back_to_the_previous_approved_revision(
    synced_db: Database, make_submission, analyst
):
    first = _upload(synced_db, make_submission, "1")
    workflow.approve(synced_db, [first.id], reviewer="ana", reviewer_id=analyst)
    second = _upload(synced_db, make_submission, "2")
    assert _effective(synced_db) == {first.id}  # a new upload does not displace approved data
    workflow.approve(synced_db, [second.id], reviewer="ana", reviewer_id=analyst)
    assert _effective(synced_db) == {second.id}
    with pytest.raises(ConflictError, match="needs a reason"):
        workflow.unapprove(synced_db, second.id, reason="", reviewer="ana", reviewer_id=analyst)
    with pytest.raises(ConflictError, match="superseded by revision 2"):
        workflow.unapprove(synced_db, first.id, reason="x", reviewer="ana", reviewer_id=analyst)
    out = workflow.unapprove(
        synced_db, second.id, reason="totals double-counted", reviewer="ana", reviewer_id=analyst
    )
    assert (out.status, out.approved_at, out.review_reason) == (
        "returned",
        None,
        "totals double-counted",
    )
    assert _effective(synced_db) == {first.id}
    actions = [e.action for e in _events(synced_db, second.id)]
    assert actions == ["submission.unapproved", "submission.approved"]
    event = _events(synced_db, second.id)[0]
    assert event.detail["before"] == "approved" and event.detail["after"] == "returned"
    assert event.detail["falls_back_to"] == 1 and event.sha256 == "2" * 64
    with pytest.raises(ConflictError, match="only the current approved revision"):
        workflow.unapprove(synced_db, second.id, reason="x", reviewer="ana", reviewer_id=analyst)


def test_unapprove_refuses_data_waiting_for_review(synced_db: Database, make_submission):
    sub = _upload(synced_db, make_submission)
    with pytest.raises(ConflictError, match="is submitted"):
        workflow.unapprove(synced_db, sub.id, reason="x", reviewer="a", reviewer_id=None)


def test_reviewer_must_be_an_active_analyst_or_admin(synced_db: Database):
    with synced_db.write() as conn:
        create_user(conn, "fp", "Focal", "focal_point", districts=["ALPHA"])
        boss = create_user(conn, "boss", "Admin", "admin")
    with synced_db.read() as conn:
        assert workflow.reviewer_for(conn, "boss") == workflow.Reviewer("boss", boss.id)
        with pytest.raises(PermissionDeniedError, match="focal_point"):
            workflow.reviewer_for(conn, "fp")
        with pytest.raises(NotFoundError):
            workflow.reviewer_for(conn, "nobody")


# --- a re-upload racing an approval ----------------------------------------------------------


def test_approval_after_a_reupload_is_refused(synced_db: Database, make_submission):
    """The reviewer looked at revision 1; revision 2 arrived before they pressed approve."""
    reviewed = _upload(synced_db, make_submission, "1")
    newer = _upload(synced_db, make_submission, "2")
    with pytest.raises(ConflictError, match="superseded by revision 2") as caught:
        workflow.approve(synced_db, [reviewed.id], reviewer="a", reviewer_id=None)
    assert "review that revision instead" in str(caught.value)
    assert _status(synced_db, newer.id).status == "submitted"
    assert _effective(synced_db) == set()


def test_approval_before_a_reupload_stays_on_the_reviewed_revision(
    synced_db: Database, make_submission
):
    reviewed = _upload(synced_db, make_submission, "1")
    workflow.approve(synced_db, [reviewed.id], reviewer="a", reviewer_id=None)
    newer = _upload(synced_db, make_submission, "2")
    old = _status(synced_db, reviewed.id)
    assert (old.status, old.approved_at is not None) == ("superseded", True)
    assert _status(synced_db, newer.id).status == "submitted"
    assert _effective(synced_db) == {reviewed.id}


def test_approval_waits_for_an_upload_in_flight_then_refuses(synced_db: Database, make_submission):
    """An upload holds its write transaction open; the approval of the revision it supersedes
    waits for it (SQLite: the write lock; PostgreSQL: the key's advisory lock) and is refused
    once the upload commits."""
    reviewed = _upload(synced_db, make_submission, "1")
    outcome: dict[str, object] = {}
    started = threading.Event()

    def approve_in_thread() -> None:
        started.set()
        try:
            outcome["result"] = workflow.approve(
                synced_db, [reviewed.id], reviewer="a", reviewer_id=None
            )
        except ConflictError as exc:
            outcome["error"] = exc

    with synced_db.write() as conn:
        newer = make_submission(conn, sha256="2" * 64)
        thread = threading.Thread(target=approve_in_thread)
        thread.start()
        started.wait()
        time.sleep(0.3)  # the approval is now waiting for the upload's transaction
        assert "result" not in outcome and "error" not in outcome
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert "superseded by revision 2" in str(outcome.get("error"))
    assert _status(synced_db, reviewed.id).status == "superseded"
    assert _status(synced_db, newer.id).status == "submitted"
    assert _effective(synced_db) == set()
