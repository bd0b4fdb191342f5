"""The warehouse schema: every table, on one :class:`MetaData` with a naming convention.

Dimensions (division, district, institution, indicator, kpi) have integer surrogate keys and
unique codes; they are never deleted, only marked ``active = false`` when they leave the
catalog, because observations and KPI values refer to them. Months are integers ``YYYYMM``.
Timestamps are timezone-aware UTC (:class:`~dbmis.warehouse.types.UtcDateTime`).
``audit_event`` is append-only and releases (``release``, ``release_kpi_value``,
``release_submission``, ``release_plan_status``) never change: migrations add triggers that
refuse UPDATE and DELETE on SQLite and PostgreSQL.

Import tables from here (``from dbmis.warehouse.schema import submission``): importing this
package registers every table on :data:`metadata`. Keep ``migrations/versions`` in step with
these modules: a test compares them.
"""

from dbmis.warehouse.schema.base import (
    ACTION_STATUSES,
    DECISION_KINDS,
    GEO_LEVELS,
    LIKELIHOODS,
    NAMING_CONVENTION,
    PERIOD_TYPES,
    ROLES,
    SOURCE_KINDS,
    STOCKTAKE_STATUSES,
    SUBMISSION_STATUSES,
    metadata,
)
from dbmis.warehouse.schema.core import (
    app_user,
    audit_event,
    catalog_state,
    district,
    division,
    indicator,
    institution,
    kpi,
    observation,
    submission,
    user_district,
    user_institution,
)
from dbmis.warehouse.schema.delivery import (
    action,
    assessment,
    decision,
    kpi_value,
    problem,
    release,
    release_kpi_value,
    release_submission,
    stocktake,
)
from dbmis.warehouse.schema.plan import (
    EVIDENCE_KINDS,
    NARRATIVE_MAX,
    PROGRESS_STATUSES,
    REPORT_STATES,
    plan_activity,
    plan_report,
    plan_report_evidence,
    plan_report_milestone,
    release_plan_status,
)
from dbmis.warehouse.schema.sessions import SESSION_END_REASONS, user_session

__all__ = [
    "ACTION_STATUSES",
    "DECISION_KINDS",
    "EVIDENCE_KINDS",
    "GEO_LEVELS",
    "LIKELIHOODS",
    "NAMING_CONVENTION",
    "NARRATIVE_MAX",
    "PERIOD_TYPES",
    "PROGRESS_STATUSES",
    "REPORT_STATES",
    "ROLES",
    "SESSION_END_REASONS",
    "SOURCE_KINDS",
    "STOCKTAKE_STATUSES",
    "SUBMISSION_STATUSES",
    "action",
    "app_user",
    "assessment",
    "audit_event",
    "catalog_state",
    "decision",
    "district",
    "division",
    "indicator",
    "institution",
    "kpi",
    "kpi_value",
    "metadata",
    "observation",
    "plan_activity",
    "plan_report",
    "plan_report_evidence",
    "plan_report_milestone",
    "problem",
    "release",
    "release_kpi_value",
    "release_plan_status",
    "release_submission",
    "stocktake",
    "submission",
    "user_district",
    "user_institution",
    "user_session",
]
