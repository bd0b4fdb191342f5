"""The review workflow: approve, return (with a reason) and un-approve submission revisions.

::

    submitted --approve--> approved --unapprove (reason)--> returned
        |
        +--return (reason)--> returned

Each act runs in one write transaction, acts on the revision it names (a submission id, never
"the current one") and writes an audit event: who, when, what, the submission id, the file's
SHA-256 and the status before and after. Invalid acts raise :class:`ConflictError` with a message
a reviewer can act on:

- approving a revision that a newer upload has superseded (the reviewer looked at other
  figures than the ones now current), a rejected one, a returned one, or one already approved;
- returning without a reason, or returning approved data (that is an un-approve, a separate,
  separately audited act);
- un-approving anything but the current approved revision.

A re-upload racing an approval cannot move the approval to the new revision: the key is locked
(PostgreSQL: advisory lock; SQLite: the write lock taken at BEGIN) and the status change is a
conditional UPDATE on the named revision being current and reviewable. Whichever commits first
wins; if the upload does, the approval is refused, and if the approval does, the approved
revision stays approved (and effective) while the new one waits for review.

Un-approving clears the approval: the key's effective data falls back to its newest earlier
approved revision, if any (see :mod:`dbmis.warehouse.queries.approved`).

Who may review is the caller's business (the web app checks the signed-in role, the command
line uses :func:`reviewer_for`); the functions record whoever they are told. Each act is
stamped now, or at ``now`` (keyword-only, timezone-aware) when the caller records a review made
earlier (the demo's simulated calendar); the revision and its audit event carry the same time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from dbmis.errors import ConflictError, NotFoundError, PermissionDeniedError
from dbmis.warehouse import Database
from dbmis.warehouse.queries.approved import effective_submission_ids
from dbmis.warehouse.queries.audit import append_event
from dbmis.warehouse.queries.dimensions import district_ids, institution_ids
from dbmis.warehouse.queries.submissions import (
    Submission,
    current_submission,
    get_submission,
    list_submissions,
    lock_key,
    set_status,
)
from dbmis.warehouse.queries.users import get_user_by_username
from dbmis.warehouse.types import utcnow

REVIEW_ROLES = frozenset({"analyst", "admin"})
"""Roles that may approve, return, un-approve and publish."""


@dataclass(frozen=True)
class Reviewer:
    """Who reviews: a DBMIS account (``user_id`` set) or an operator at the command line."""

    username: str
    user_id: int | None = None


def reviewer_for(conn: Connection, username: str) -> Reviewer:
    """The reviewer of an active analyst or admin account; raises otherwise."""
    user = get_user_by_username(conn, username)
    if user is None or not user.active:
        raise NotFoundError(f"no active user {username!r}")
    if user.role not in REVIEW_ROLES:
        raise PermissionDeniedError(
            f"user {username!r} ({user.role}) may not review submissions or publish releases: "
            "only DU analysts may"
        )
    return Reviewer(username=user.username, user_id=user.id)


# --- the three acts ------------------------------------------------------------------------------


def approve(
    db: Database,
    submission_ids: Iterable[int],
    *,
    reviewer: str,
    reviewer_id: int | None,
    now: datetime | None = None,
) -> list[Submission]:
    """Approve these revisions, all or none, in one transaction; returns them as approved.

    Each must be the current revision of its key and waiting for review (``submitted``);
    otherwise ConflictError naming every one that cannot be approved, and nothing changes.
    """
    ids = list(dict.fromkeys(submission_ids))
    at = now or utcnow()
    approved: list[Submission] = []
    refusals: list[str] = []
    with db.write() as conn:
        for before in _locked(conn, ids):
            refusal = _approval_refusal(conn, before)
            if refusal:
                refusals.append(refusal)
                continue
            after = set_status(conn, before.id, "approved", reviewer_id=reviewer_id, now=at)
            _audit(conn, "submission.approved", before, after, reviewer, at)
            approved.append(after)
        if refusals:
            raise ConflictError(
                f"{'; '.join(refusals)}. Nothing was approved.", code="REVIEW_REFUSED"
            )
    order = {sid: i for i, sid in enumerate(ids)}
    return sorted(approved, key=lambda s: order[s.id])


def return_submission(
    db: Database,
    submission_id: int,
    *,
    reason: str,
    reviewer: str,
    reviewer_id: int | None,
    now: datetime | None = None,
) -> Submission:
    """Send a revision waiting for review back to the focal point, with a reason."""
    reason = _required_reason(reason, "returning a submission")
    at = now or utcnow()
    with db.write() as conn:
        (before,) = _locked(conn, [submission_id])
        if before.status == "approved" and before.is_current:
            raise ConflictError(
                f"{_describe(conn, before)} is approved: to withdraw approved data, un-approve "
                "it (a separate, audited act)",
                code="REVIEW_REFUSED",
            )
        if before.status != "submitted" or not before.is_current:
            raise ConflictError(
                f"{_describe(conn, before)} {_state(conn, before)}: only a revision waiting for "
                "review can be returned",
                code="REVIEW_REFUSED",
            )
        after = set_status(
            conn, before.id, "returned", reviewer_id=reviewer_id, reason=reason, now=at
        )
        _audit(conn, "submission.returned", before, after, reviewer, at, reason=reason)
    return after


def unapprove(
    db: Database,
    submission_id: int,
    *,
    reason: str,
    reviewer: str,
    reviewer_id: int | None,
    now: datetime | None = None,
) -> Submission:
    """Withdraw the approval of the current approved revision (it becomes ``returned``).

    The key's effective data falls back to its newest earlier approved revision, if any; the
    audit event records which (``falls_back_to``). Public figures change only at the next
    release.
    """
    reason = _required_reason(reason, "un-approving a submission")
    at = now or utcnow()
    with db.write() as conn:
        (before,) = _locked(conn, [submission_id])
        if before.status != "approved" or not before.is_current:
            raise ConflictError(
                f"{_describe(conn, before)} {_state(conn, before)}: only the current approved "
                "revision can be un-approved",
                code="REVIEW_REFUSED",
            )
        after = set_status(
            conn, before.id, "returned", reviewer_id=reviewer_id, reason=reason, now=at
        )
        fallback = _effective_revision(conn, after)
        _audit(
            conn,
            "submission.unapproved",
            before,
            after,
            reviewer,
            at,
            reason=reason,
            extra={"falls_back_to": fallback},
        )
    return after


def pending_ids(db: Database) -> list[int]:
    """Ids of every revision waiting for review (current and ``submitted``), in upload order."""
    with db.read() as conn:
        waiting = list_submissions(conn, statuses=["submitted"], current_only=True, limit=1_000_000)
    return sorted(s.id for s in waiting)


# --- helpers -------------------------------------------------------------------------------------


def _required_reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ConflictError(
            f"{what} needs a reason the focal point can act on", code="REASON_REQUIRED"
        )
    return text


def _locked(conn: Connection, ids: list[int]) -> list[Submission]:
    """The submissions, each read after its key is locked against concurrent uploads."""
    found = [get_submission(conn, sid) for sid in ids]  # NotFoundError for an unknown id
    for key in sorted({(s.district_id, s.institution_id, s.year) for s in found}):
        lock_key(conn, *key)
    return [get_submission(conn, s.id) for s in found]


def _codes(conn: Connection, sub: Submission) -> tuple[str, str]:
    """The district and institution codes of a submission."""
    districts = {v: k for k, v in district_ids(conn).items()}
    institutions = {v: k for k, v in institution_ids(conn).items()}
    return districts[sub.district_id], institutions[sub.institution_id]


def _describe(conn: Connection, sub: Submission) -> str:
    d, i = _codes(conn, sub)
    return f"submission {sub.id} ({d} {i} {sub.year}, revision {sub.revision})"


def _state(conn: Connection, sub: Submission) -> str:
    if sub.status == "rejected":
        return "was rejected by validation"
    if sub.status == "superseded" or not sub.is_current:
        newer = current_submission(conn, sub.district_id, sub.institution_id, sub.year)
        if newer is not None:
            return (
                f"was superseded by revision {newer.revision} (submission {newer.id}, uploaded "
                f"{newer.uploaded_at:%Y-%m-%d %H:%M} UTC)"
            )
        return "is no longer current"
    if sub.status == "returned":
        return f"was returned ({sub.review_reason})"
    return f"is {sub.status}"


def _approval_refusal(conn: Connection, sub: Submission) -> str | None:
    if sub.status == "submitted" and sub.is_current:
        return None
    what = _describe(conn, sub)
    state = _state(conn, sub)
    if sub.status == "rejected":
        return f"{what} {state}: there is nothing to approve"
    if sub.status == "superseded" or not sub.is_current:
        return f"{what} {state}: review that revision instead"
    if sub.status == "returned":
        return f"{what} {state}: the focal point must upload a corrected revision"
    if sub.status == "approved":
        return f"{what} is already approved"
    return f"{what} {state}"  # pragma: no cover - no other status exists


def _effective_revision(conn: Connection, sub: Submission) -> int | None:
    """The revision of this key that is now effective (approved), if any."""
    effective = set(conn.execute(effective_submission_ids()).scalars())
    same_key = list_submissions(
        conn,
        district_ids=[sub.district_id],
        institution_ids=[sub.institution_id],
        year=sub.year,
        limit=10_000,
    )
    return next((s.revision for s in same_key if s.id in effective), None)


def _audit(
    conn: Connection,
    action: str,
    before: Submission,
    after: Submission,
    actor: str,
    at: datetime,
    *,
    reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    d, i = _codes(conn, before)
    detail: dict[str, Any] = {
        "before": before.status,
        "after": after.status,
        "district": d,
        "institution": i,
        "year": before.year,
        "revision": before.revision,
        "reviewer_id": after.reviewed_by,
    }
    if reason is not None:
        detail["reason"] = reason
    detail.update(extra or {})
    append_event(
        conn,
        actor=actor,
        action=action,
        entity="submission",
        entity_id=before.id,
        sha256=before.sha256,
        detail=detail,
        at=at,
    )
