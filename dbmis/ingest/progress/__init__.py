"""Quarterly progress reports on the action plan: checks, evidence files and the DU's review.

- :func:`report_progress` (:mod:`~dbmis.ingest.progress.service`) checks a report
  (:mod:`~dbmis.ingest.progress.checks`, evidence files by :mod:`~dbmis.ingest.progress.files`)
  and records it, waiting for review;
- :func:`approve_reports`, :func:`return_report`, :func:`pending_reports`
  (:mod:`~dbmis.ingest.progress.review`) are the Delivery Unit's review;
- :func:`may_report` / :func:`reportable_activities` / :func:`actor_for`
  (:mod:`~dbmis.ingest.progress.actors`) say who may report on what;
- :data:`~dbmis.ingest.progress.codes.CODES` documents every problem code.
"""

from dbmis.ingest.progress.actors import (
    REPORT_ROLES,
    REVIEW_ROLES,
    ActorLike,
    PlanActor,
    actor_for,
    may_report,
    reportable_activities,
)
from dbmis.ingest.progress.checks import CheckedReport, ProgressIssue, check_report
from dbmis.ingest.progress.codes import CODES, EVIDENCE_CODES
from dbmis.ingest.progress.files import inspect_evidence
from dbmis.ingest.progress.review import approve_reports, pending_reports, return_report
from dbmis.ingest.progress.service import (
    MAX_FILES,
    EvidenceUpload,
    ProgressResult,
    report_progress,
)

__all__ = [
    "CODES",
    "EVIDENCE_CODES",
    "MAX_FILES",
    "REPORT_ROLES",
    "REVIEW_ROLES",
    "ActorLike",
    "CheckedReport",
    "EvidenceUpload",
    "PlanActor",
    "ProgressIssue",
    "ProgressResult",
    "actor_for",
    "approve_reports",
    "check_report",
    "inspect_evidence",
    "may_report",
    "pending_reports",
    "report_progress",
    "reportable_activities",
    "return_report",
]
