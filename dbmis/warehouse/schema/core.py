"""Tables of the data flow: dimensions, users, submissions, observations and the audit trail."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from dbmis.warehouse.schema.base import (
    BIG_ID,
    CODE,
    NAME,
    ROLES,
    SHA256,
    SOURCE_KINDS,
    SUBMISSION_STATUSES,
    USERNAME,
    active_column,
    id_column,
    metadata,
    name_columns,
    one_of,
    user_fk,
)
from dbmis.warehouse.types import UtcDateTime

# --- dimensions (synced from the catalog) ----------------------------------------------------

division = Table(
    "division",
    metadata,
    id_column(),
    Column("code", CODE, nullable=False, unique=True),
    *name_columns(),
    active_column(),
)

district = Table(
    "district",
    metadata,
    id_column(),
    Column("code", CODE, nullable=False, unique=True),
    Column("division_id", ForeignKey("division.id"), nullable=False),
    *name_columns(),
    Column("lat", Double, nullable=False),
    Column("lon", Double, nullable=False),
    Column("has_outline", Boolean, nullable=False),
    active_column(),
)

institution = Table(
    "institution",
    metadata,
    id_column(),
    Column("code", CODE, nullable=False, unique=True),
    *name_columns(),
    active_column(),
)

indicator = Table(
    "indicator",
    metadata,
    id_column(),
    Column("code", CODE, nullable=False, unique=True),
    Column("institution_id", ForeignKey("institution.id"), nullable=False),
    *name_columns(),
    Column("unit", String(16), nullable=False),
    Column("temporal", String(16), nullable=False),
    active_column(),
)

kpi = Table(
    "kpi",
    metadata,
    id_column(),
    Column("code", CODE, nullable=False, unique=True),
    *name_columns(),
    Column("unit", String(16), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("headline", Boolean, nullable=False),
    active_column(),
)

catalog_state = Table(
    "catalog_state",
    metadata,
    id_column(),
    Column("fingerprint", String(64), nullable=False),
    Column("synced_at", UtcDateTime, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

# --- users -----------------------------------------------------------------------------------

app_user = Table(
    "app_user",
    metadata,
    id_column(),
    Column("username", USERNAME, nullable=False, unique=True),
    Column("display_name", NAME, nullable=False),
    Column("email", String(320), nullable=True),
    Column("password_hash", String(255), nullable=True),
    Column("role", String(16), nullable=False),
    active_column(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_login_at", UtcDateTime, nullable=True),
    one_of("role", ROLES, "role"),
)

user_district = Table(
    "user_district",
    metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("district_id", ForeignKey("district.id"), primary_key=True),
)

user_institution = Table(
    "user_institution",
    metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("institution_id", ForeignKey("institution.id"), primary_key=True),
)

# --- submissions and observations -----------------------------------------------------------

submission = Table(
    "submission",
    metadata,
    id_column(),
    Column("district_id", ForeignKey("district.id"), nullable=False),
    Column("institution_id", ForeignKey("institution.id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("sha256", SHA256, nullable=False, index=True),
    Column("source_kind", String(8), nullable=False),
    Column("filename", String(255), nullable=False),  # as uploaded; for display only
    Column("size_bytes", BigInteger, nullable=False),
    user_fk("uploaded_by"),
    Column("uploaded_at", UtcDateTime, nullable=False),
    user_fk("reviewed_by"),
    Column("reviewed_at", UtcDateTime, nullable=True),
    Column("review_reason", Text, nullable=True),
    Column("approved_at", UtcDateTime, nullable=True),
    Column("report", JSON, nullable=True),
    Column("counts", JSON, nullable=True),
    Column("is_demo", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("district_id", "institution_id", "year", "revision"),
    one_of("status", SUBMISSION_STATUSES, "status"),
    one_of("source_kind", SOURCE_KINDS, "source_kind"),
)
# At most one current revision per district x institution x year.
Index(
    "ix_submission_one_current",
    submission.c.district_id,
    submission.c.institution_id,
    submission.c.year,
    unique=True,
    sqlite_where=submission.c.is_current,
    postgresql_where=submission.c.is_current,
)

observation = Table(
    "observation",
    metadata,
    Column("id", BIG_ID, primary_key=True),
    Column("submission_id", ForeignKey("submission.id"), nullable=False),
    Column("indicator_id", ForeignKey("indicator.id"), nullable=False),
    Column("district_id", ForeignKey("district.id"), nullable=False),
    Column("institution_id", ForeignKey("institution.id"), nullable=False),
    Column("month", Integer, nullable=False),
    Column("value", Double, nullable=False),
    Column("cell", String(16), nullable=True),  # e.g. Data!F12; where the value came from
    UniqueConstraint("submission_id", "indicator_id", "month"),
    Index(None, "indicator_id", "district_id", "month"),
)

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", BIG_ID, primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", USERNAME, nullable=False),  # a username, or 'system'
    Column("action", String(64), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(64), nullable=True),
    Column("sha256", SHA256, nullable=True),
    Column("detail", JSON, nullable=True),
    Index(None, "entity", "entity_id"),
)
