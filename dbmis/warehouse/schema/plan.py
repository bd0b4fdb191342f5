"""Tables of the action plan: activities (synced from the catalog), quarterly progress reports
with their milestones and evidence files, and the plan status published with each release.

- ``plan_activity``: a dimension like ``kpi``, matched by code, never deleted (``active``).
- ``plan_report``: one progress report of an activity for a quarter (``2026Q3``), in numbered
  revisions like submissions: at most one *current* revision per activity x quarter (a partial
  unique index), review states ``submitted``, ``approved``, ``returned``, ``superseded``. The
  effective approved report of an activity x quarter is its newest revision with ``approved_at``
  set. ``spend_pkr`` is the spend to date (cumulative, whole PKR); ``narrative`` is at most
  :data:`NARRATIVE_MAX` characters (a CHECK).
- ``plan_report_milestone``: the milestones done as of the report, with the date each was done
  (cumulative: a report carries every milestone done so far).
- ``plan_report_evidence``: evidence files, by SHA-256 in the evidence store.
- ``release_plan_status``: the approved status of every activity at the time a release was
  published; immutable like the other release tables (migration 0005 adds the triggers).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from dbmis.warehouse.schema.base import (
    CODE,
    SHA256,
    USERNAME,
    active_column,
    id_column,
    metadata,
    name_columns,
    one_of,
    user_fk,
)
from dbmis.warehouse.types import UtcDateTime

PROGRESS_STATUSES = ("not_started", "on_schedule", "delayed", "completed", "dropped")
"""What a lead institution says about its activity in a quarter."""
REPORT_STATES = ("submitted", "approved", "returned", "superseded")
"""Where a progress report is in the DU's review."""
EVIDENCE_KINDS = ("pdf", "png", "jpeg", "xlsx", "csv")
NARRATIVE_MAX = 2000
"""The longest narrative a progress report may carry, in characters."""

plan_activity = Table(
    "plan_activity",
    metadata,
    id_column(),
    Column("code", CODE, nullable=False, unique=True),
    Column("lead_institution_id", ForeignKey("institution.id"), nullable=False),
    *name_columns(),
    active_column(),
)

plan_report = Table(
    "plan_report",
    metadata,
    id_column(),
    Column("activity_id", ForeignKey("plan_activity.id"), nullable=False),
    Column("quarter", String(6), nullable=False),  # 2026Q3
    Column("revision", Integer, nullable=False),
    Column("progress", String(12), nullable=False),
    Column("spend_pkr", BigInteger, nullable=False),
    Column("narrative", Text, nullable=False),
    Column("state", String(12), nullable=False),
    Column("is_current", Boolean, nullable=False),
    user_fk("reported_by"),
    Column("reporter", USERNAME, nullable=False),  # username, or cli:<login>, or a demo name
    Column("reported_at", UtcDateTime, nullable=False),
    user_fk("reviewed_by"),
    Column("reviewer", USERNAME, nullable=True),
    Column("reviewed_at", UtcDateTime, nullable=True),
    Column("review_reason", Text, nullable=True),
    Column("approved_at", UtcDateTime, nullable=True),
    Column("warnings", JSON, nullable=True),  # the warnings shown when it was reported
    Column("is_demo", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("activity_id", "quarter", "revision"),
    one_of("progress", PROGRESS_STATUSES, "progress"),
    one_of("state", REPORT_STATES, "state"),
    CheckConstraint("spend_pkr >= 0", name="spend"),
    CheckConstraint(f"length(narrative) <= {NARRATIVE_MAX}", name="narrative_length"),
)
# At most one current revision per activity x quarter.
Index(
    "ix_plan_report_one_current",
    plan_report.c.activity_id,
    plan_report.c.quarter,
    unique=True,
    sqlite_where=plan_report.c.is_current,
    postgresql_where=plan_report.c.is_current,
)

plan_report_milestone = Table(
    "plan_report_milestone",
    metadata,
    Column("report_id", ForeignKey("plan_report.id"), nullable=False),
    Column("milestone", CODE, nullable=False),
    Column("done_on", Date, nullable=False),
    PrimaryKeyConstraint("report_id", "milestone"),
)

plan_report_evidence = Table(
    "plan_report_evidence",
    metadata,
    Column("report_id", ForeignKey("plan_report.id"), nullable=False),
    Column("sha256", SHA256, nullable=False),
    Column("filename", String(255), nullable=False),  # as uploaded; for display only
    Column("kind", String(8), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    PrimaryKeyConstraint("report_id", "sha256"),
    one_of("kind", EVIDENCE_KINDS, "kind"),
)

# The approved status of every activity of the catalog's plan when a release was published:
# what the public site shows. Immutable (migration 0005): publishing only ever inserts.
release_plan_status = Table(
    "release_plan_status",
    metadata,
    Column("release_id", ForeignKey("release.id"), nullable=False),
    Column("activity", CODE, nullable=False),
    Column("lead", CODE, nullable=False),
    Column("kpis", JSON, nullable=False),  # list of KPI codes
    Column("status", String(12), nullable=False),  # a progress status, not_reported or not_started
    Column("quarter", String(6), nullable=True),  # of the approved report shown; null: none yet
    Column("report_id", ForeignKey("plan_report.id"), nullable=True),
    Column("spend_pkr", BigInteger, nullable=True),
    Column("allocated_pkr", BigInteger, nullable=False),  # budget of the fiscal years begun
    Column("budget_pkr", BigInteger, nullable=False),  # the whole budget
    Column("milestones_total", Integer, nullable=False),
    Column("milestones_done", JSON, nullable=False),  # {code: "YYYY-MM-DD"}
    Column("overdue", JSON, nullable=False),  # milestone codes due by the release and not done
    Column("as_of", Date, nullable=False),  # the last day of the release's month
    PrimaryKeyConstraint("release_id", "activity"),
)

__all__ = [
    "EVIDENCE_KINDS",
    "NARRATIVE_MAX",
    "PROGRESS_STATUSES",
    "REPORT_STATES",
    "plan_activity",
    "plan_report",
    "plan_report_evidence",
    "plan_report_milestone",
    "release_plan_status",
]
