"""The Delivery Unit's review of progress reports: approve, or return with a reason.

::

    submitted --approve--> approved
        |
        +--return (reason)--> returned

Only DU analysts (and admins at the command line) review (``PLAN_NOT_REVIEWER`` otherwise).
Each act runs in one write transaction on the revision it names, which must be the current one
of its activity x quarter and waiting for review (``PLAN_REVIEW_REFUSED`` otherwise: nothing
changes), and writes an audit event: who, when, the report, the state before and after, the
reason, the evidence's SHA-256.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from dbmis.errors import ConflictError, PermissionDeniedError
from dbmis.ingest.progress.actors import REVIEW_ROLES, ActorLike
from dbmis.warehouse import Database
from dbmis.warehouse.queries import plan as q
from dbmis.warehouse.queries.audit import append_event
from dbmis.warehouse.types import utcnow


def _reviewer(actor: ActorLike) -> None:
    if actor.role not in REVIEW_ROLES:
        raise PermissionDeniedError(
            f"{actor.username} ({actor.role}) may not review progress reports: only DU analysts "
            "may",
            code="PLAN_NOT_REVIEWER",
        )


def approve_reports(
    db: Database, report_ids: Iterable[int], reviewer: ActorLike, *, now: datetime | None = None
) -> list[q.PlanReport]:
    """Approve these reports, all or none, in one transaction; returns them approved.

    Each must be the current revision of its activity x quarter and waiting for review;
    otherwise ConflictError (``PLAN_REVIEW_REFUSED``) naming every one, and nothing changes.
    """
    _reviewer(reviewer)
    ids = list(dict.fromkeys(report_ids))
    at = now or utcnow()
    done: list[q.PlanReport] = []
    refusals: list[str] = []
    with db.write() as conn:
        for before in _locked(conn, ids):
            if before.state != "submitted" or not before.is_current:
                refusals.append(_refusal(before))
                continue
            after = q.set_review(
                conn,
                before.id,
                "approved",
                reviewer=reviewer.username,
                reviewer_id=reviewer.user_id,
                now=at,
            )
            _audit_review(conn, reviewer, "plan_report.approved", before, after, at)
            done.append(after)
        if refusals:
            raise ConflictError(
                f"{'; '.join(refusals)}. Nothing was approved.", code="PLAN_REVIEW_REFUSED"
            )
    return done


def return_report(
    db: Database,
    report_id: int,
    reviewer: ActorLike,
    *,
    reason: str,
    now: datetime | None = None,
) -> q.PlanReport:
    """Send a report waiting for review back to its lead institution, with a reason."""
    _reviewer(reviewer)
    text = (reason or "").strip()
    if not text:
        raise ConflictError(
            "returning a progress report needs a reason the focal point can act on",
            code="REASON_REQUIRED",
        )
    at = now or utcnow()
    with db.write() as conn:
        (before,) = _locked(conn, [report_id])
        if before.state != "submitted" or not before.is_current:
            raise ConflictError(
                f"{_refusal(before)}: only a report waiting for review can be returned",
                code="PLAN_REVIEW_REFUSED",
            )
        after = q.set_review(
            conn,
            before.id,
            "returned",
            reviewer=reviewer.username,
            reviewer_id=reviewer.user_id,
            reason=text,
            now=at,
        )
        _audit_review(conn, reviewer, "plan_report.returned", before, after, at, reason=text)
    return after


def pending_reports(db: Database, *, leads: Collection[str] | None = None) -> list[q.PlanReport]:
    """Reports waiting for review (current and submitted), oldest first."""
    with db.read() as conn:
        found = q.list_reports(
            conn, leads=leads, states=["submitted"], current_only=True, limit=100_000
        )
    return sorted(found, key=lambda r: r.id)


def _locked(conn: Connection, ids: list[int]) -> list[q.PlanReport]:
    found = [q.get_report(conn, i) for i in ids]  # NotFoundError for an unknown id
    activity_ids = q.activity_ids(conn)
    for code in sorted({r.activity for r in found}):
        q.lock_activity(conn, activity_ids[code])
    return [q.get_report(conn, r.id) for r in found]


def _refusal(r: q.PlanReport) -> str:
    what = f"progress report {r.id} ({r.activity} {r.quarter}, revision {r.revision})"
    if r.state == "superseded" or not r.is_current:
        return f"{what} was superseded by a newer report: review that one instead"
    if r.state == "returned":
        return f"{what} was returned ({r.review_reason}): the lead institution must report again"
    if r.state == "approved":
        return f"{what} is already approved"
    return f"{what} is {r.state}"  # pragma: no cover - no other state exists


def _audit_review(
    conn: Connection,
    actor: ActorLike,
    action: str,
    before: q.PlanReport,
    after: q.PlanReport,
    at: datetime,
    *,
    reason: str | None = None,
) -> None:
    detail: dict[str, Any] = {
        "before": before.state,
        "after": after.state,
        "activity": before.activity,
        "quarter": before.quarter,
        "revision": before.revision,
        "progress": before.progress,
        "reviewer_id": actor.user_id,
    }
    if reason is not None:
        detail["reason"] = reason
    append_event(
        conn,
        actor=actor.username,
        action=action,
        entity="plan_report",
        entity_id=before.id,
        sha256=before.evidence[0].sha256 if before.evidence else None,
        detail=detail,
        at=at,
    )
