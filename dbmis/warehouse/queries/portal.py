"""What the focal point portal reads: submission histories per key, rejected uploads and the
annotated copies kept for them.

A *key* is one district x institution x year; its submissions are numbered revisions
(:mod:`dbmis.warehouse.queries.submissions`). A rejected upload never becomes a submission: it is
recorded by an ``upload.rejected`` audit event (actor, file hash, file name, issue codes), and
an annotated copy made for it by an ``upload.annotated`` event (``entity_id``: the uploaded
file's SHA-256; ``sha256``: the annotated copy's, kept in the evidence store).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from dbmis.warehouse.schema import app_user, audit_event, district, institution, observation
from dbmis.warehouse.schema import submission as sub

REJECTED_ACTION = "upload.rejected"
ANNOTATED_ACTION = "upload.annotated"
UPLOAD_ENTITY = "upload"


@dataclass(frozen=True)
class Revision:
    """One submission (a revision of its key) as the portal lists it."""

    id: int
    district: str
    institution: str
    year: int
    revision: int
    status: str
    is_current: bool
    uploaded_at: datetime
    uploaded_by: str | None
    """the uploader's display name (None: the command line or the demo loader)"""
    reviewed_at: datetime | None
    review_reason: str | None
    counts: dict[str, Any] | None
    is_demo: bool
    first_month: int | None = None
    last_month: int | None = None
    values: int = 0


@dataclass(frozen=True)
class KeyHistory:
    """Every revision of one district x institution x year, newest first."""

    district: str
    institution: str
    year: int
    revisions: tuple[Revision, ...]

    @property
    def latest(self) -> Revision:
        return self.revisions[0]


def key_histories(
    conn: Connection,
    *,
    districts: Collection[str] | None = None,
    institutions: Collection[str] | None = None,
    year: int | None = None,
    status: str | None = None,
    limit: int = 25,
) -> list[KeyHistory]:
    """The keys with the most recent uploads, each with all its revisions.

    ``districts`` and ``institutions`` (codes; None: any) bound the keys; ``status`` keeps the
    keys whose newest revision has that status. At most ``limit`` keys, newest upload first.
    """
    if (districts is not None and not districts) or (institutions is not None and not institutions):
        return []
    latest = _latest_revisions(conn, districts, institutions, year, status, limit)
    if not latest:
        return []
    keys = [(r.district_id, r.institution_id, r.year) for r in latest]
    rows = conn.execute(
        _revision_query()
        .where(
            or_(
                *(
                    and_(sub.c.district_id == d, sub.c.institution_id == i, sub.c.year == y)
                    for d, i, y in keys
                )
            )
        )
        .order_by(sub.c.revision.desc())
    ).all()
    months = _months(conn, [r.id for r in rows])
    grouped: dict[tuple[int, int, int], list[Revision]] = {k: [] for k in keys}
    for row in rows:
        m = row._mapping
        first, last, values = months.get(m["id"], (None, None, 0))
        grouped[(m["district_id"], m["institution_id"], m["year"])].append(
            Revision(
                id=m["id"],
                district=m["district_code"],
                institution=m["institution_code"],
                year=m["year"],
                revision=m["revision"],
                status=m["status"],
                is_current=m["is_current"],
                uploaded_at=m["uploaded_at"],
                uploaded_by=m["uploader"],
                reviewed_at=m["reviewed_at"],
                review_reason=m["review_reason"],
                counts=m["counts"],
                is_demo=m["is_demo"],
                first_month=first,
                last_month=last,
                values=values,
            )
        )
    return [
        KeyHistory(revs[0].district, revs[0].institution, revs[0].year, tuple(revs))
        for revs in grouped.values()
        if revs
    ]


def _revision_query() -> Any:
    return (
        select(
            sub.c.id,
            sub.c.district_id,
            sub.c.institution_id,
            sub.c.year,
            sub.c.revision,
            sub.c.status,
            sub.c.is_current,
            sub.c.uploaded_at,
            sub.c.reviewed_at,
            sub.c.review_reason,
            sub.c.counts,
            sub.c.is_demo,
            district.c.code.label("district_code"),
            institution.c.code.label("institution_code"),
            app_user.c.display_name.label("uploader"),
        )
        .join(district, district.c.id == sub.c.district_id)
        .join(institution, institution.c.id == sub.c.institution_id)
        .outerjoin(app_user, app_user.c.id == sub.c.uploaded_by)
    )


def _latest_revisions(
    conn: Connection,
    districts: Collection[str] | None,
    institutions: Collection[str] | None,
    year: int | None,
    status: str | None,
    limit: int,
) -> list[Any]:
    """The newest revision of each key within the filters, newest upload first."""
    top = select(
        sub.c.district_id,
        sub.c.institution_id,
        sub.c.year,
        func.max(sub.c.revision).label("revision"),
    )
    if districts is not None:
        top = top.join(district, district.c.id == sub.c.district_id).where(
            district.c.code.in_(sorted(districts))
        )
    if institutions is not None:
        top = top.join(institution, institution.c.id == sub.c.institution_id).where(
            institution.c.code.in_(sorted(institutions))
        )
    if year is not None:
        top = top.where(sub.c.year == year)
    newest = top.group_by(sub.c.district_id, sub.c.institution_id, sub.c.year).subquery()
    query = select(sub.c.district_id, sub.c.institution_id, sub.c.year).join(
        newest,
        and_(
            sub.c.district_id == newest.c.district_id,
            sub.c.institution_id == newest.c.institution_id,
            sub.c.year == newest.c.year,
            sub.c.revision == newest.c.revision,
        ),
    )
    if status is not None:
        query = query.where(sub.c.status == status)
    query = query.order_by(sub.c.uploaded_at.desc(), sub.c.id.desc()).limit(limit)
    return list(conn.execute(query))


def _months(conn: Connection, ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """submission id -> (first month, last month, number of values) of its observations."""
    if not ids:
        return {}
    query = (
        select(
            observation.c.submission_id,
            func.min(observation.c.month),
            func.max(observation.c.month),
            func.count(),
        )
        .where(observation.c.submission_id.in_(ids))
        .group_by(observation.c.submission_id)
    )
    return {sid: (first, last, count) for sid, first, last, count in conn.execute(query)}


def submission_codes(conn: Connection, submission_id: int) -> tuple[str, str] | None:
    """(district code, institution code) of a submission, or None if there is none."""
    row = conn.execute(
        select(district.c.code, institution.c.code)
        .select_from(sub)
        .join(district, district.c.id == sub.c.district_id)
        .join(institution, institution.c.id == sub.c.institution_id)
        .where(sub.c.id == submission_id)
    ).first()
    return None if row is None else (row[0], row[1])


# --- rejected uploads and annotated copies -----------------------------------------------------


@dataclass(frozen=True)
class RejectedUpload:
    """A file that was checked and refused (nothing of it was loaded)."""

    event_id: int
    at: datetime
    actor: str
    sha256: str
    filename: str
    problems: int
    annotated: bool
    """an annotated copy is kept for it (see :func:`annotated_copy`)"""


@dataclass(frozen=True)
class AnnotatedCopy:
    """An annotated copy of an uploaded file, kept in the evidence store."""

    event_id: int
    at: datetime
    actor: str
    source_sha256: str
    annotated_sha256: str
    submission_id: int | None


def rejected_uploads(
    conn: Connection, *, actor: str | None = None, limit: int = 10
) -> list[RejectedUpload]:
    """The latest rejected uploads (of ``actor``, or everyone's), newest first."""
    query = select(audit_event).where(audit_event.c.action == REJECTED_ACTION)
    if actor is not None:
        query = query.where(audit_event.c.actor == actor)
    events = list(conn.execute(query.order_by(audit_event.c.id.desc()).limit(limit)))
    shas = sorted({e.sha256 for e in events if e.sha256})
    kept: set[tuple[str, str]] = set()
    if shas:
        found = select(audit_event.c.entity_id, audit_event.c.actor).where(
            audit_event.c.action == ANNOTATED_ACTION,
            audit_event.c.entity == UPLOAD_ENTITY,
            audit_event.c.entity_id.in_(shas),
        )
        kept = {(sha, who) for sha, who in conn.execute(found)}
    result = []
    for e in events:
        detail = e.detail if isinstance(e.detail, dict) else {}
        codes = detail.get("codes")
        problems = sum(int(n) for n in codes.values()) if isinstance(codes, dict) else 0
        result.append(
            RejectedUpload(
                event_id=e.id,
                at=e.at,
                actor=e.actor,
                sha256=e.sha256 or "",
                filename=str(detail.get("filename") or ""),
                problems=problems,
                annotated=(e.sha256, e.actor) in kept,
            )
        )
    return result


def annotated_copies(
    conn: Connection, source_sha256: str, *, actor: str | None = None
) -> list[AnnotatedCopy]:
    """The annotated copies made of the file with this SHA-256 (by ``actor``), newest first."""
    query = select(audit_event).where(
        audit_event.c.entity == UPLOAD_ENTITY,
        audit_event.c.entity_id == source_sha256,
        audit_event.c.action == ANNOTATED_ACTION,
    )
    if actor is not None:
        query = query.where(audit_event.c.actor == actor)
    copies = []
    for e in conn.execute(query.order_by(audit_event.c.id.desc())):
        detail = e.detail if isinstance(e.detail, dict) else {}
        submission_id = detail.get("submission_id")
        copies.append(
            AnnotatedCopy(
                event_id=e.id,
                at=e.at,
                actor=e.actor,
                source_sha256=source_sha256,
                annotated_sha256=e.sha256,
                submission_id=submission_id if isinstance(submission_id, int) else None,
            )
        )
    return copies
