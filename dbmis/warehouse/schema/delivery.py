"""Tables of delivery: KPI values (current and per release), releases and stocktakes."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Double,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from dbmis.warehouse.schema.base import (
    ACTION_STATUSES,
    CODE,
    DECISION_KINDS,
    GEO_LEVELS,
    LIKELIHOODS,
    NAME,
    PERIOD_TYPES,
    STOCKTAKE_STATUSES,
    id_column,
    metadata,
    one_of,
    user_fk,
)
from dbmis.warehouse.types import UtcDateTime

# --- releases and KPI values -------------------------------------------------------------------

release = Table(
    "release",
    metadata,
    id_column(),
    Column("number", Integer, nullable=False, unique=True),
    Column("published_at", UtcDateTime, nullable=False),
    Column("through_month", Integer, nullable=False),
    Column("note", Text, nullable=True),
    user_fk("published_by"),
    Column("changes", JSON, nullable=True),
    Column("is_demo", Boolean, nullable=False, server_default=false()),
)

_VALUE_KEY = ("kpi_id", "geo_level", "geo_code", "period_type", "period")


def _kpi_value_columns() -> list[Column[object] | CheckConstraint]:
    """Columns shared by ``kpi_value`` (current) and ``release_kpi_value`` (published)."""
    return [
        Column("kpi_id", ForeignKey("kpi.id"), nullable=False),
        Column("geo_level", String(10), nullable=False),
        Column("geo_code", CODE, nullable=False),
        Column("period_type", String(12), nullable=False),
        Column("period", String(10), nullable=False),  # 2026-07, 2026Q3, 2026, FY2026-27
        Column("period_end", Integer, nullable=False),  # last month, YYYYMM
        Column("numerator", Double, nullable=False),
        Column("denominator", Double, nullable=True),  # null for a KPI without one
        Column("value", Double, nullable=True),  # null when not computable (no data, 0/0)
        Column("received", Integer, nullable=False),
        Column("expected", Integer, nullable=False),
        Column("completeness", Double, nullable=False),
        Column("flagged", Boolean, nullable=False),
        Column("planned", Double, nullable=True),
        Column("status", String(16), nullable=True),
        one_of("geo_level", GEO_LEVELS, "geo_level"),
        one_of("period_type", PERIOD_TYPES, "period_type"),
    ]


kpi_value = Table(
    "kpi_value",
    metadata,
    *_kpi_value_columns(),
    Column("computed_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint(*_VALUE_KEY),
)

release_kpi_value = Table(
    "release_kpi_value",
    metadata,
    Column("release_id", ForeignKey("release.id"), nullable=False),
    *_kpi_value_columns(),
    PrimaryKeyConstraint("release_id", *_VALUE_KEY),
)

# The approved submission revisions a release was built from (its provenance). Like ``release``
# and ``release_kpi_value``, immutable: migration 0003 adds triggers refusing UPDATE and DELETE.
release_submission = Table(
    "release_submission",
    metadata,
    Column("release_id", ForeignKey("release.id"), nullable=False),
    Column("submission_id", ForeignKey("submission.id"), nullable=False),
    PrimaryKeyConstraint("release_id", "submission_id"),
)

# --- stocktakes ------------------------------------------------------------------------------


def _stocktake_fk() -> Column[int]:
    return Column("stocktake_id", ForeignKey("stocktake.id"), nullable=False)


stocktake = Table(
    "stocktake",
    metadata,
    id_column(),
    Column("quarter", String(6), nullable=False, unique=True),  # 2026Q3
    Column("title", NAME, nullable=False),
    Column("meeting_date", Date, nullable=True),
    Column("status", String(8), nullable=False),
    user_fk("created_by"),
    Column("created_at", UtcDateTime, nullable=False),
    one_of("status", STOCKTAKE_STATUSES, "status"),
)

assessment = Table(
    "assessment",
    metadata,
    id_column(),
    _stocktake_fk(),
    Column("kpi_id", ForeignKey("kpi.id"), nullable=False),
    Column("likelihood", String(12), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("criteria", JSON, nullable=True),
    user_fk("assessed_by"),
    Column("assessed_at", UtcDateTime, nullable=False),
    UniqueConstraint("stocktake_id", "kpi_id"),
    one_of("likelihood", LIKELIHOODS, "likelihood"),
)

problem = Table(
    "problem",
    metadata,
    id_column(),
    _stocktake_fk(),
    Column("kpi_id", ForeignKey("kpi.id"), nullable=True),
    Column("description", Text, nullable=False),
    user_fk("raised_by"),
    Column("created_at", UtcDateTime, nullable=False),
)

action = Table(
    "action",
    metadata,
    id_column(),
    _stocktake_fk(),
    Column("kpi_id", ForeignKey("kpi.id"), nullable=True),
    Column("description", Text, nullable=False),
    Column("owner", NAME, nullable=False),  # a person or office, not necessarily a user
    Column("due_date", Date, nullable=True),
    Column("status", String(12), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    one_of("status", ACTION_STATUSES, "status"),
)

decision = Table(
    "decision",
    metadata,
    id_column(),
    _stocktake_fk(),
    Column("kpi_id", ForeignKey("kpi.id"), nullable=True),
    Column("kind", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("decided_at", Date, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    one_of("kind", DECISION_KINDS, "kind"),
)
