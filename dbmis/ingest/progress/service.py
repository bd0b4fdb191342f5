"""Reporting progress on the action plan: :func:`report_progress`, from the page or the CLI.

::

    report_progress --> submitted (then reviewed: :mod:`dbmis.ingest.progress.review`)
    a new report for the same activity x quarter --> the current one becomes superseded

Who may report follows the rules of data submissions (:mod:`dbmis.ingest.progress.actors`): a
focal point only on activities their institution leads, a DU analyst on any. Anyone else is
refused (:class:`PermissionDeniedError`, ``PLAN_NOT_LEAD`` / ``PLAN_NOT_ALLOWED``), and the
refusal is audited.

A report with any error (see :mod:`~dbmis.ingest.progress.checks` and
:mod:`~dbmis.ingest.progress.files`) records nothing but an audit event; every accepted report
is audited (who, when, what, the evidence files' SHA-256). It is recorded in one write
transaction with the activity locked against a concurrent report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from dbmis.catalog import Catalog
from dbmis.catalog.plan import Activity
from dbmis.errors import ConflictError, PermissionDeniedError
from dbmis.ingest.evidence import EvidenceStore, sha256_of
from dbmis.ingest.progress.actors import REPORT_ROLES, ActorLike, may_report
from dbmis.ingest.progress.checks import ProgressIssue, check_report, issue, too_many_files
from dbmis.ingest.progress.files import inspect_evidence
from dbmis.ingest.safety import Limits, UploadRejected
from dbmis.warehouse import Database
from dbmis.warehouse.queries import plan as q
from dbmis.warehouse.queries.audit import append_event
from dbmis.warehouse.types import utcnow

MAX_FILES = 5


@dataclass(frozen=True)
class EvidenceUpload:
    data: bytes
    filename: str = "evidence"  # shown to people only; never a path


@dataclass(frozen=True)
class ProgressResult:
    """``{ok, report_id, issues}`` of one report, from the page or the CLI."""

    ok: bool
    report_id: int | None
    issues: tuple[ProgressIssue, ...] = ()
    revision: int | None = None
    superseded_id: int | None = None
    milestones: Mapping[str, date] = field(default_factory=dict)

    @property
    def errors(self) -> list[ProgressIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ProgressIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "report_id": self.report_id,
            "revision": self.revision,
            "superseded_id": self.superseded_id,
            "milestones": {k: v.isoformat() for k, v in self.milestones.items()},
            "issues": [i.as_dict() for i in self.issues],
        }


# --- reporting -----------------------------------------------------------------------------------


def report_progress(
    db: Database,
    catalog: Catalog,
    reporter: ActorLike,
    activity_code: str,
    quarter: str,
    *,
    status: str,
    spend_pkr: int,
    milestones: Mapping[str, date | str] | None = None,
    narrative: str = "",
    evidence: Sequence[EvidenceUpload] = (),
    evidence_store: EvidenceStore | None = None,
    limits: Limits | None = None,
    today: date | None = None,
    now: datetime | None = None,
    is_demo: bool = False,
    dry_run: bool = False,
) -> ProgressResult:
    """Check a progress report and, when it has no error, record it (waiting for review).

    Raises PermissionDeniedError when ``reporter`` may not report on the activity (audited).
    Returns every problem found in one pass; a report with errors writes only an audit event
    (nothing at all with ``dry_run``). Evidence files need ``evidence_store``.
    """
    at = now or utcnow()
    day = today or at.date()
    activity = catalog.activity_by_code.get(activity_code)
    where = {"activity": activity_code, "quarter": quarter}
    if activity is None:
        unknown = (issue("PLAN_UNKNOWN_ACTIVITY", "activity", f"no activity {activity_code!r}"),)
        if not dry_run:
            _audit_rejected(db, reporter, where, unknown, at)
        return ProgressResult(ok=False, report_id=None, issues=unknown)
    _authorise(db, reporter, activity, where, at, dry_run)
    files, file_issues = _inspect_files(evidence, limits or Limits())
    if files and evidence_store is None:
        raise ValueError("evidence files need an evidence store")
    with db.read() if dry_run else db.write() as conn:
        activity_id = _activity_id(conn, activity.code)
        if not dry_run:
            q.lock_activity(conn, activity_id)
        checked = check_report(
            activity,
            quarter=quarter,
            status=status,
            spend_pkr=spend_pkr,
            milestones=milestones or {},
            narrative=narrative,
            previous=_previous(conn, activity.code, quarter),
            today=day,
        )
        found = checked.issues + tuple(file_issues)
        if any(i.severity == "error" for i in found):
            if not dry_run:
                _audit_one(conn, reporter, "plan_report.rejected", None, at, where, found)
            return ProgressResult(ok=False, report_id=None, issues=found)
        if dry_run:
            return ProgressResult(
                ok=True, report_id=None, issues=found, milestones=checked.milestones
            )
        for upload in evidence:  # every file passed its checks
            assert evidence_store is not None
            evidence_store.put(upload.data)
        current = _current(conn, activity.code, quarter)
        new = q.NewReport(
            activity_id=activity_id,
            quarter=quarter,
            progress=status,
            spend_pkr=int(spend_pkr),
            narrative=narrative.strip(),
            reporter=reporter.username,
            reported_by=reporter.user_id,
            milestones=checked.milestones,
            evidence=files,
            warnings=[i.as_dict() for i in found] or None,
            is_demo=is_demo,
        )
        report_id = q.insert_report(conn, new, now=at)
        report = q.get_report(conn, report_id)
        _audit_one(
            conn,
            reporter,
            "plan_report.submitted",
            report,
            at,
            {
                **where,
                "revision": report.revision,
                "progress": status,
                "spend_pkr": report.spend_pkr,
                "milestones": {k: v.isoformat() for k, v in report.milestones.items()},
                "evidence": [f.sha256 for f in report.evidence],
                "supersedes": current.id if current else None,
            },
            found,
        )
    return ProgressResult(
        ok=True,
        report_id=report_id,
        issues=found,
        revision=report.revision,
        superseded_id=current.id if current else None,
        milestones=report.milestones,
    )


def _authorise(
    db: Database,
    actor: ActorLike,
    activity: Activity,
    where: dict[str, str],
    at: datetime,
    dry_run: bool,
) -> None:
    if may_report(actor, activity):
        return
    if actor.role in REPORT_ROLES:
        code = "PLAN_NOT_LEAD"
        message = (
            f"{actor.username} may not report on {activity.code}: it is led by {activity.lead}, "
            "and focal points report only on activities their institution leads"
        )
    else:
        code = "PLAN_NOT_ALLOWED"
        message = f"{actor.username} ({actor.role}) may not report progress on the action plan"
    if not dry_run:
        with db.write() as conn:
            append_event(
                conn,
                actor=actor.username,
                action="plan_report.refused",
                entity="plan_report",
                detail={**where, "code": code, "role": actor.role},
                at=at,
            )
    raise PermissionDeniedError(message, code=code)


def _inspect_files(
    evidence: Sequence[EvidenceUpload], limits: Limits
) -> tuple[list[q.EvidenceFile], list[ProgressIssue]]:
    found: list[ProgressIssue] = []
    files: list[q.EvidenceFile] = []
    many = too_many_files(len(evidence), MAX_FILES)
    if many is not None:
        return [], [many]
    for upload in evidence:
        name = upload.filename[-200:] or "evidence"
        try:
            kind = inspect_evidence(upload.data, name, limits)
        except UploadRejected as exc:
            for prob in exc.problems:
                where = f"evidence[{name}]"
                found.append(ProgressIssue(prob.code, "error", where, f"{name}: {prob.message}"))
            continue
        files.append(q.EvidenceFile(sha256_of(upload.data), name, kind, len(upload.data)))
    return files, found


def _activity_id(conn: Connection, code: str) -> int:
    found = q.activity_ids(conn).get(code)
    if found is None:
        raise ConflictError(
            f"activity {code} is in the catalog but not in the warehouse: run `dbmis init`",
            code="PLAN_NOT_SYNCED",
        )
    return found


def _previous(conn: Connection, activity: str, quarter: str) -> q.PlanReport | None:
    """The effective approved report of the latest quarter before ``quarter``."""
    earlier = [
        r
        for r in q.list_reports(conn, activities=[activity], approved_only=True, limit=10_000)
        if r.quarter < quarter
    ]
    return q.latest_approved(earlier).get(activity)


def _current(conn: Connection, activity: str, quarter: str) -> q.PlanReport | None:
    found = q.list_reports(conn, activities=[activity], quarter=quarter, current_only=True)
    return found[0] if found else None


# --- audit ---------------------------------------------------------------------------------------


def _audit_rejected(
    db: Database,
    actor: ActorLike,
    where: dict[str, str],
    found: Sequence[ProgressIssue],
    at: datetime,
) -> None:
    with db.write() as conn:
        _audit_one(conn, actor, "plan_report.rejected", None, at, where, found)


def _audit_one(
    conn: Connection,
    actor: ActorLike,
    action: str,
    report: q.PlanReport | None,
    at: datetime,
    detail: dict[str, Any],
    found: Sequence[ProgressIssue],
) -> None:
    codes: dict[str, int] = {}
    for i in found:
        codes[i.code] = codes.get(i.code, 0) + 1
    append_event(
        conn,
        actor=actor.username,
        action=action,
        entity="plan_report",
        entity_id=report.id if report else None,
        sha256=report.evidence[0].sha256 if report and report.evidence else None,
        detail={**detail, "codes": codes, "reporter_id": actor.user_id, "role": actor.role},
        at=at,
    )
