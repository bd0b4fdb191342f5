"""The action plan's progress reports and the plan status published with releases.

Progress reports follow submissions (:mod:`dbmis.warehouse.queries.submissions`): numbered
revisions per activity x quarter, at most one current; a new report becomes current and the
previous one is marked ``superseded`` in the same transaction; reviews act on the current
revision only, in one conditional UPDATE. The effective approved report of an activity x
quarter is its newest revision with ``approved_at`` set: a newer report waiting for review does
not displace it. ``release_plan_status`` is only ever inserted (the database refuses UPDATE and
DELETE, migration 0005).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, Select, func, insert, select, text, update

from dbmis.errors import ConflictError, NotFoundError
from dbmis.warehouse.schema import (
    institution,
    plan_activity,
    plan_report,
    plan_report_evidence,
    plan_report_milestone,
    release_plan_status,
)
from dbmis.warehouse.types import utcnow

_LOCK_NAMESPACE = 0x504C414E  # "PLAN": first key of the advisory lock of an activity

#: state -> the states a report may move to it from (via :func:`set_review`)
REVIEW_TRANSITIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"approved": ("submitted",), "returned": ("submitted",)}
)


@dataclass(frozen=True)
class EvidenceFile:
    """A file attached to a report, kept in the evidence store by its SHA-256."""

    sha256: str
    filename: str
    kind: str
    size_bytes: int


@dataclass(frozen=True)
class NewReport:
    """A progress report as the workflow recorded it (checked already)."""

    activity_id: int
    quarter: str
    progress: str
    spend_pkr: int
    narrative: str
    reporter: str
    reported_by: int | None = None
    milestones: Mapping[str, date] = field(default_factory=dict)
    evidence: Sequence[EvidenceFile] = ()
    warnings: list[dict[str, Any]] | None = None
    is_demo: bool = False


@dataclass(frozen=True)
class PlanReport:
    """One revision of a progress report, with its activity's and lead institution's codes."""

    id: int
    activity: str
    lead: str
    quarter: str
    revision: int
    progress: str
    spend_pkr: int
    narrative: str
    state: str
    is_current: bool
    reported_by: int | None
    reporter: str
    reported_at: datetime
    reviewed_by: int | None
    reviewer: str | None
    reviewed_at: datetime | None
    review_reason: str | None
    approved_at: datetime | None
    warnings: list[dict[str, Any]] | None
    is_demo: bool
    milestones: Mapping[str, date] = field(default_factory=dict)
    """milestone code -> the date it was done (every milestone done so far)"""
    evidence: tuple[EvidenceFile, ...] = ()

    @property
    def approved(self) -> bool:
        """Approved and not superseded by a later approval (its approval still stands)."""
        return self.approved_at is not None


@dataclass(frozen=True)
class PublishedActivity:
    """One activity's status as a release published it (a ``release_plan_status`` row)."""

    release_id: int
    activity: str
    lead: str
    kpis: tuple[str, ...]
    status: str
    """a progress status, or ``not_reported`` / ``not_started`` without an approved report"""
    quarter: str | None
    report_id: int | None
    spend_pkr: int | None
    allocated_pkr: int
    budget_pkr: int
    milestones_total: int
    milestones_done: Mapping[str, date]
    overdue: tuple[str, ...]
    as_of: date


# --- activities and locks ----------------------------------------------------------------------


def activity_ids(conn: Connection) -> dict[str, int]:
    """Code -> id of every activity synced from the catalog (active or not)."""
    return {code: i for code, i in conn.execute(select(plan_activity.c.code, plan_activity.c.id))}


def lock_activity(conn: Connection, activity_id: int) -> None:
    """Serialise writers of one activity's reports until the transaction ends (PostgreSQL: an
    advisory lock; SQLite: the write transaction already holds the database's write lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": _LOCK_NAMESPACE, "b": activity_id}
        )


def lock_plan_for_publish(conn: Connection) -> None:
    """PostgreSQL: hold reviews of progress reports off while a release is being published."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE plan_report IN SHARE MODE"))


# --- writing reports ---------------------------------------------------------------------------


def insert_report(conn: Connection, new: NewReport, *, now: datetime | None = None) -> int:
    """Record a new revision of (activity, quarter); it becomes current and supersedes the
    previous current one. Returns its id."""
    lock_activity(conn, new.activity_id)
    key = (plan_report.c.activity_id == new.activity_id) & (plan_report.c.quarter == new.quarter)
    highest = conn.execute(select(func.max(plan_report.c.revision)).where(key)).scalar_one()
    conn.execute(
        update(plan_report)
        .where(key, plan_report.c.is_current)
        .values(is_current=False, state="superseded")
    )
    values = {
        "activity_id": new.activity_id,
        "quarter": new.quarter,
        "revision": (highest or 0) + 1,
        "progress": new.progress,
        "spend_pkr": new.spend_pkr,
        "narrative": new.narrative,
        "state": "submitted",
        "is_current": True,
        "reported_by": new.reported_by,
        "reporter": new.reporter,
        "reported_at": now or utcnow(),
        "warnings": new.warnings,
        "is_demo": new.is_demo,
    }
    new_id = int(
        conn.execute(insert(plan_report).values(values).returning(plan_report.c.id)).scalar_one()
    )
    if new.milestones:
        conn.execute(
            insert(plan_report_milestone),
            [
                {"report_id": new_id, "milestone": code, "done_on": day}
                for code, day in sorted(new.milestones.items())
            ],
        )
    if new.evidence:
        conn.execute(
            insert(plan_report_evidence),
            [
                {
                    "report_id": new_id,
                    "sha256": f.sha256,
                    "filename": f.filename,
                    "kind": f.kind,
                    "size_bytes": f.size_bytes,
                }
                for f in {f.sha256: f for f in new.evidence}.values()
            ],
        )
    return new_id


def set_review(
    conn: Connection,
    report_id: int,
    state: str,
    *,
    reviewer: str,
    reviewer_id: int | None,
    reason: str | None = None,
    now: datetime | None = None,
) -> PlanReport:
    """Approve or return the *current* revision waiting for review; ConflictError otherwise.
    Approving sets ``approved_at``; returning needs a reason."""
    allowed_from = REVIEW_TRANSITIONS.get(state)
    if allowed_from is None:
        raise ValueError(f"state must be one of {', '.join(REVIEW_TRANSITIONS)}, not {state!r}")
    if state == "returned" and not (reason and reason.strip()):
        raise ValueError("returning a progress report needs a reason")
    at = now or utcnow()
    result = conn.execute(
        update(plan_report)
        .where(
            plan_report.c.id == report_id,
            plan_report.c.is_current,
            plan_report.c.state.in_(allowed_from),
        )
        .values(
            state=state,
            reviewed_by=reviewer_id,
            reviewer=reviewer,
            reviewed_at=at,
            review_reason=reason,
            approved_at=at if state == "approved" else None,
        )
    )
    if result.rowcount != 1:
        found = get_report(conn, report_id)
        raise ConflictError(
            f"progress report {report_id} is {found.state}: it cannot become {state}",
            code="PLAN_REVIEW_REFUSED",
        )
    return get_report(conn, report_id)


# --- reading reports ---------------------------------------------------------------------------


def _report_query() -> Select[Any]:
    lead = institution.alias("lead")
    return (
        select(
            plan_report,
            plan_activity.c.code.label("activity"),
            lead.c.code.label("lead"),
        )
        .join(plan_activity, plan_activity.c.id == plan_report.c.activity_id)
        .join(lead, lead.c.id == plan_activity.c.lead_institution_id)
    )


def _reports(conn: Connection, query: Select[Any]) -> list[PlanReport]:
    rows = [dict(r._mapping) for r in conn.execute(query)]
    ids = [r["id"] for r in rows]
    done: dict[int, dict[str, date]] = {}
    files: dict[int, list[EvidenceFile]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        m = plan_report_milestone
        for rid, code, day in conn.execute(
            select(m.c.report_id, m.c.milestone, m.c.done_on).where(m.c.report_id.in_(chunk))
        ):
            done.setdefault(rid, {})[code] = day
        e = plan_report_evidence
        for rid, sha, name, kind, size in conn.execute(
            select(e.c.report_id, e.c.sha256, e.c.filename, e.c.kind, e.c.size_bytes)
            .where(e.c.report_id.in_(chunk))
            .order_by(e.c.filename)
        ):
            files.setdefault(rid, []).append(EvidenceFile(sha, name, kind, int(size)))
    out = []
    for r in rows:
        r.pop("activity_id")
        out.append(
            PlanReport(
                **r,
                milestones=dict(sorted(done.get(r["id"], {}).items())),
                evidence=tuple(files.get(r["id"], ())),
            )
        )
    return out


def get_report(conn: Connection, report_id: int) -> PlanReport:
    """The progress report with this id; NotFoundError if there is none."""
    found = _reports(conn, _report_query().where(plan_report.c.id == report_id))
    if not found:
        raise NotFoundError(f"no progress report with id {report_id}", code="PLAN_REPORT_NOT_FOUND")
    return found[0]


def list_reports(
    conn: Connection,
    *,
    activities: Collection[str] | None = None,
    leads: Collection[str] | None = None,
    quarter: str | None = None,
    states: Collection[str] | None = None,
    current_only: bool = False,
    approved_only: bool = False,
    through_quarter: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[PlanReport]:
    """Reports matching every given filter (codes, not ids), newest first.

    ``approved_only``: revisions whose approval stands (``approved_at`` set), including those
    superseded by a newer report still waiting for review. ``through_quarter``: reports of that
    quarter or earlier.
    """
    query = _report_query()
    if activities is not None:
        query = query.where(plan_activity.c.code.in_(sorted(activities)))
    if leads is not None:
        lead_ids = select(institution.c.id).where(institution.c.code.in_(sorted(leads)))
        query = query.where(plan_activity.c.lead_institution_id.in_(lead_ids))
    if quarter is not None:
        query = query.where(plan_report.c.quarter == quarter)
    if states is not None:
        query = query.where(plan_report.c.state.in_(sorted(states)))
    if current_only:
        query = query.where(plan_report.c.is_current)
    if approved_only:
        query = query.where(plan_report.c.approved_at.is_not(None))
    if through_quarter is not None:
        query = query.where(plan_report.c.quarter <= through_quarter)
    query = query.order_by(plan_report.c.reported_at.desc(), plan_report.c.id.desc())
    return _reports(conn, query.limit(limit).offset(offset))


def latest_approved(reports: Iterable[PlanReport]) -> dict[str, PlanReport]:
    """Per activity code, its latest approved report among ``reports``: the highest quarter
    with an approval and, in that quarter, the newest approved revision (plain Python)."""
    best: dict[str, PlanReport] = {}
    for r in reports:
        if not r.approved:
            continue
        seen = best.get(r.activity)
        if seen is None or (r.quarter, r.revision) > (seen.quarter, seen.revision):
            best[r.activity] = r
    return best


def approved_reports(conn: Connection, *, through_quarter: str | None = None) -> list[PlanReport]:
    """Every report whose approval stands, of ``through_quarter`` or earlier (default: all)."""
    return list_reports(conn, approved_only=True, through_quarter=through_quarter, limit=10_000_000)


# --- releases ------------------------------------------------------------------------------------


def insert_release_plan(
    conn: Connection, release_id: int, rows: Iterable[Mapping[str, Any]]
) -> int:
    """Record the plan status of a release (the columns of ``release_plan_status`` besides
    ``release_id``; dates in ``milestones_done`` as ISO text). Returns how many rows."""
    values = [{**row, "release_id": release_id} for row in rows]
    if values:
        conn.execute(insert(release_plan_status), values)
    return len(values)


def release_plan(
    conn: Connection,
    release_id: int,
    *,
    kpi: str | None = None,
    lead: str | None = None,
) -> list[PublishedActivity]:
    """The plan status a release published, optionally for one KPI or one lead institution,
    in activity code order."""
    t = release_plan_status
    query = select(t).where(t.c.release_id == release_id).order_by(t.c.activity)
    if lead is not None:
        query = query.where(t.c.lead == lead)
    out = []
    for row in conn.execute(query):
        r = dict(row._mapping)
        kpis = tuple(r.pop("kpis") or ())
        if kpi is not None and kpi not in kpis:
            continue
        done = {
            code: date.fromisoformat(day) for code, day in (r.pop("milestones_done") or {}).items()
        }
        overdue = tuple(r.pop("overdue") or ())
        out.append(PublishedActivity(**r, kpis=kpis, milestones_done=done, overdue=overdue))
    return out


__all__ = [
    "REVIEW_TRANSITIONS",
    "EvidenceFile",
    "NewReport",
    "PlanReport",
    "PublishedActivity",
    "activity_ids",
    "approved_reports",
    "get_report",
    "insert_release_plan",
    "insert_report",
    "latest_approved",
    "list_reports",
    "lock_activity",
    "lock_plan_for_publish",
    "release_plan",
    "set_review",
]
