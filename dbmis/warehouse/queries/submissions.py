"""Submissions: one uploaded file for a district x institution x year, in numbered revisions.

At most one revision per key is *current* (a partial unique index guarantees it). A new upload
becomes the current revision and the previous one is marked ``superseded`` in the same
transaction. Approving and returning act on the current revision only, in one conditional
UPDATE, so a re-upload racing an approval cannot move the approval to the new revision.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import JSON, Connection, Row, bindparam, func, insert, select, text, update

from dbmis.errors import ConflictError, NotFoundError
from dbmis.warehouse.schema import SOURCE_KINDS, submission
from dbmis.warehouse.types import utcnow

#: status -> the statuses a submission may move to it from (via :func:`set_status`)
REVIEW_TRANSITIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "approved": ("submitted",),
        "returned": ("submitted", "approved"),  # returning approved data is the un-approve
    }
)


@dataclass(frozen=True)
class NewSubmission:
    """What the loader knows about a file that passed (or failed) validation."""

    district_id: int
    institution_id: int
    year: int
    sha256: str
    source_kind: str
    filename: str
    size_bytes: int
    uploaded_by: int | None = None
    report: dict[str, Any] | None = None
    counts: dict[str, Any] | None = None
    is_demo: bool = False
    rejected: bool = False  # a rejected file is recorded but never becomes current


@dataclass(frozen=True)
class Submission:
    id: int
    district_id: int
    institution_id: int
    year: int
    revision: int
    status: str
    is_current: bool
    sha256: str
    source_kind: str
    filename: str
    size_bytes: int
    uploaded_by: int | None
    uploaded_at: datetime
    reviewed_by: int | None
    reviewed_at: datetime | None
    review_reason: str | None
    approved_at: datetime | None
    report: dict[str, Any] | None = field(repr=False)
    counts: dict[str, Any] | None
    is_demo: bool


def _submission(row: Row[Any]) -> Submission:
    return Submission(**row._mapping)


def _key(district_id: int, institution_id: int, year: int) -> Any:
    return (
        (submission.c.district_id == district_id)
        & (submission.c.institution_id == institution_id)
        & (submission.c.year == year)
    )


def lock_key(conn: Connection, district_id: int, institution_id: int, year: int) -> None:
    """Serialise writers of one key until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock on the key's district x institution (all its
    years): a bulk load of thousands of keys then holds at most one lock per district x
    institution (PostgreSQL's lock table holds about 64 x max_connections locks in all, and a
    transaction that needs more fails with "out of shared memory"). Taking it again in the same
    transaction is free. SQLite: nothing to do, the write transaction (BEGIN IMMEDIATE) already
    holds the database's write lock.
    """
    del year  # one lock covers every year of the district x institution
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:a, :b)"),
            {"a": district_id, "b": institution_id},
        )


def lock_keys(conn: Connection, keys: Iterable[tuple[int, int, int]]) -> None:
    """:func:`lock_key` for many keys ``(district_id, institution_id, year)``, in a fixed order
    (two bulk loads never wait for each other in a circle), each lock taken once."""
    if conn.dialect.name == "postgresql":
        for district_id, institution_id in sorted({(d, i) for d, i, _y in keys}):
            lock_key(conn, district_id, institution_id, 0)


def next_revision(conn: Connection, district_id: int, institution_id: int, year: int) -> int:
    """1 for the first file of a key, else one more than the highest revision so far."""
    highest = conn.execute(
        select(func.max(submission.c.revision)).where(_key(district_id, institution_id, year))
    ).scalar_one()
    return (highest or 0) + 1


def current_submission(
    conn: Connection, district_id: int, institution_id: int, year: int
) -> Submission | None:
    """The current revision of a key, or None."""
    row = conn.execute(
        select(submission).where(_key(district_id, institution_id, year), submission.c.is_current)
    ).first()
    return None if row is None else _submission(row)


def insert_submission(
    conn: Connection, new: NewSubmission, *, now: datetime | None = None
) -> Submission:
    """Record a new revision; unless rejected it becomes current and supersedes the old one."""
    _check_kind(new)
    lock_key(conn, new.district_id, new.institution_id, new.year)
    revision = next_revision(conn, new.district_id, new.institution_id, new.year)
    if not new.rejected:
        conn.execute(
            update(submission)
            .where(_key(new.district_id, new.institution_id, new.year), submission.c.is_current)
            .values(is_current=False, status="superseded")
        )
    values = _values(new, revision, now or utcnow())
    new_id = conn.execute(insert(submission).values(values).returning(submission.c.id)).scalar_one()
    return get_submission(conn, new_id)


def _check_kind(new: NewSubmission) -> None:
    if new.source_kind not in SOURCE_KINDS:
        raise ValueError(f"source_kind must be one of {SOURCE_KINDS}, not {new.source_kind!r}")


def _values(new: NewSubmission, revision: int, at: datetime) -> dict[str, Any]:
    return {
        "district_id": new.district_id,
        "institution_id": new.institution_id,
        "year": new.year,
        "revision": revision,
        "status": "rejected" if new.rejected else "submitted",
        "is_current": not new.rejected,
        "sha256": new.sha256,
        "source_kind": new.source_kind,
        "filename": new.filename,
        "size_bytes": new.size_bytes,
        "uploaded_by": new.uploaded_by,
        "uploaded_at": at,
        "report": new.report,
        "counts": new.counts,
        "is_demo": new.is_demo,
    }


Key = tuple[int, int, int]
"""(district_id, institution_id, year)"""


@dataclass(frozen=True)
class KeyState:
    """What a key holds before a load: see :func:`key_states`."""

    next_revision: int = 1
    current_id: int | None = None
    #: the latest revision holding the same bytes (id, revision, is_current), if any
    same_bytes: tuple[int, int, bool] | None = None

    @property
    def duplicate(self) -> bool:
        """The current revision already holds these bytes."""
        return self.same_bytes is not None and self.same_bytes[2]


def key_states(conn: Connection, keys: Collection[Key], sha256: str) -> dict[Key, KeyState]:
    """Every key's next revision, current revision and latest revision with ``sha256``, in one
    query (for a bulk load of thousands of keys). Lock the keys first (:func:`lock_key`)."""
    wanted = set(keys)
    if not wanted:
        return {}
    query = select(
        submission.c.district_id,
        submission.c.institution_id,
        submission.c.year,
        submission.c.id,
        submission.c.revision,
        submission.c.is_current,
        submission.c.sha256,
    ).where(
        submission.c.district_id.in_(sorted({k[0] for k in wanted})),
        submission.c.institution_id.in_(sorted({k[1] for k in wanted})),
        submission.c.year.in_(sorted({k[2] for k in wanted})),
    )
    top: dict[Key, int] = {}
    current: dict[Key, int] = {}
    same: dict[Key, tuple[int, int, bool]] = {}
    for d, i, y, sid, revision, is_current, digest in conn.execute(query):
        key = (d, i, y)
        if key not in wanted:
            continue
        top[key] = max(top.get(key, 0), revision)
        if is_current:
            current[key] = sid
        if digest == sha256 and revision > same.get(key, (0, 0, False))[1]:
            same[key] = (sid, revision, bool(is_current))
    return {
        k: KeyState(top.get(k, 0) + 1, current.get(k), same.get(k))
        for k in wanted
        if k in top or k in current
    }


def insert_submissions(
    conn: Connection,
    news: Sequence[NewSubmission],
    states: Mapping[Key, KeyState],
    *,
    now: datetime | None = None,
) -> list[tuple[int, int]]:
    """Record many new revisions at once (``(id, revision)`` each, in order): what
    :func:`insert_submission` does for one, in three statements for them all.

    ``states`` comes from :func:`key_states` for the same keys, read after locking them; a
    key may appear once. Each new revision becomes current and supersedes the old one.
    """
    if not news:
        return []
    at = now or utcnow()
    rows = []
    superseded = []
    for new in news:
        _check_kind(new)
        if new.rejected:
            raise ValueError("insert_submissions records accepted files only")
        state = states.get((new.district_id, new.institution_id, new.year), KeyState())
        if state.current_id is not None:
            superseded.append({"old_id": state.current_id})
        rows.append(_values(new, state.next_revision, at))
    if superseded:
        conn.execute(
            update(submission)
            .where(submission.c.id == bindparam("old_id"))
            .values(is_current=False, status="superseded"),
            superseded,
        )
    if conn.dialect.name == "postgresql" and len(rows) >= _COPY_ROWS:
        return list(zip(_copy_postgresql(conn, rows), (r["revision"] for r in rows), strict=True))
    # A plain executemany, then one query for the ids: with RETURNING, SQLAlchemy renders pages
    # of 1,000 rows into one statement that psycopg parses at ~20 us a parameter (7 s for
    # 13,000 submissions). The new rows are the current revisions with these bytes.
    conn.execute(insert(submission), rows)
    made: dict[tuple[int, int, int, int], int] = {}
    for sha in sorted({n.sha256 for n in news}):
        found = conn.execute(
            select(
                submission.c.id,
                submission.c.district_id,
                submission.c.institution_id,
                submission.c.year,
                submission.c.revision,
            ).where(submission.c.sha256 == sha, submission.c.is_current)
        )
        for sid, d, i, y, revision in found:
            made[(d, i, y, revision)] = sid
    return [
        (made[(r["district_id"], r["institution_id"], r["year"], r["revision"])], r["revision"])
        for r in rows
    ]


_COPY_ROWS = 100
"""PostgreSQL: from this many new submissions on, :func:`insert_submissions` uses COPY."""


def _copy_postgresql(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """COPY the rows with ids drawn from the table's sequence first; returns the ids.

    A bulk load's ~13,000 submissions took ~3 s as an executemany (each row's parameters
    dumped and bound one by one, and its JSON report with them) against well under 1 s here.
    """
    ids = list(
        conn.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('submission', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": len(rows)},
        ).scalars()
    )
    names = ["id", *rows[0]]
    json_columns = {c.name for c in submission.columns if isinstance(c.type, JSON)}
    driver = conn.connection.driver_connection
    assert driver is not None
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY submission ({', '.join(names)}) FROM STDIN") as copy,
    ):
        for sid, row in zip(ids, rows, strict=True):
            copy.write_row(
                [
                    sid,
                    *(
                        json.dumps(v) if k in json_columns and v is not None else v
                        for k, v in row.items()
                    ),
                ]
            )
    return ids


def find_by_sha256(
    conn: Connection, district_id: int, institution_id: int, year: int, sha256: str
) -> Submission | None:
    """The latest revision of this key with these exact bytes, or None (check ``is_current``)."""
    row = conn.execute(
        select(submission)
        .where(_key(district_id, institution_id, year), submission.c.sha256 == sha256)
        .order_by(submission.c.revision.desc())
        .limit(1)
    ).first()
    return None if row is None else _submission(row)


def get_submission(conn: Connection, submission_id: int) -> Submission:
    """The submission with this id; NotFoundError if there is none."""
    row = conn.execute(select(submission).where(submission.c.id == submission_id)).first()
    if row is None:
        raise NotFoundError(f"no submission with id {submission_id}")
    return _submission(row)


def list_submissions(
    conn: Connection,
    *,
    district_ids: list[int] | None = None,
    institution_ids: list[int] | None = None,
    year: int | None = None,
    statuses: list[str] | None = None,
    current_only: bool = False,
    include_demo: bool = True,
    limit: int = 200,
    offset: int = 0,
) -> list[Submission]:
    """Submissions matching every given filter, newest upload first."""
    query = select(submission)
    if district_ids is not None:
        query = query.where(submission.c.district_id.in_(district_ids))
    if institution_ids is not None:
        query = query.where(submission.c.institution_id.in_(institution_ids))
    if year is not None:
        query = query.where(submission.c.year == year)
    if statuses is not None:
        query = query.where(submission.c.status.in_(statuses))
    if current_only:
        query = query.where(submission.c.is_current)
    if not include_demo:
        query = query.where(~submission.c.is_demo)
    query = query.order_by(submission.c.uploaded_at.desc(), submission.c.id.desc())
    return [_submission(r) for r in conn.execute(query.limit(limit).offset(offset))]


def set_status(
    conn: Connection,
    submission_id: int,
    status: str,
    *,
    reviewer_id: int | None,
    reason: str | None = None,
    now: datetime | None = None,
) -> Submission:
    """Approve or return the *current* revision. ConflictError if it is no longer reviewable.

    Returning needs a reason. Approving sets ``approved_at``; returning clears it.
    """
    allowed_from = REVIEW_TRANSITIONS.get(status)
    if allowed_from is None:
        raise ValueError(f"status must be one of {', '.join(REVIEW_TRANSITIONS)}, not {status!r}")
    if status == "returned" and not (reason and reason.strip()):
        raise ValueError("returning a submission needs a reason")
    at = now or utcnow()
    result = conn.execute(
        update(submission)
        .where(
            submission.c.id == submission_id,
            submission.c.is_current,
            submission.c.status.in_(allowed_from),
        )
        .values(
            status=status,
            reviewed_by=reviewer_id,
            reviewed_at=at,
            review_reason=reason,
            approved_at=at if status == "approved" else None,
        )
    )
    if result.rowcount != 1:
        found = get_submission(conn, submission_id)  # NotFoundError if it does not exist
        raise ConflictError(
            f"submission {submission_id} is {found.status}"
            f"{'' if found.is_current else ' and not current'}: it cannot become {status}"
        )
    return get_submission(conn, submission_id)
