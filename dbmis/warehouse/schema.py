"""The warehouse schema: every table, on one :class:`MetaData` with a naming convention.

Dimensions (division, district, institution, indicator, kpi) have integer surrogate keys and
unique codes; they are never deleted, only marked ``active = false`` when they leave the
catalog, because observations and KPI values refer to them. Months are integers ``YYYYMM``.
Timestamps are timezone-aware UTC (:class:`UtcDateTime`). ``audit_event`` is append-only: the
migration adds triggers that refuse UPDATE and DELETE on SQLite and PostgreSQL.

Keep ``migrations/versions`` in step with this file: a test compares them.
"""

from __future__ import annotations

from sqlalchemy import (
    CHAR,
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)

from dbmis.warehouse.types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ROLES = ("focal_point", "analyst", "steering", "admin")
SUBMISSION_STATUSES = ("submitted", "approved", "returned", "superseded", "rejected")
SOURCE_KINDS = ("xlsx", "csv")
GEO_LEVELS = ("district", "division", "province")
PERIOD_TYPES = ("month", "quarter", "year", "fiscal_year")
LIKELIHOODS = ("green", "amber_green", "amber_red", "red")
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
DECISION_KINDS = ("asked", "taken")
STOCKTAKE_STATUSES = ("draft", "final")

CODE = String(40)
NAME = String(300)
USERNAME = String(64)
SHA256 = CHAR(64)
# observation ids can pass 2**31; SQLite needs INTEGER PRIMARY KEY to autoincrement (rowid).
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """CHECK (column IN (...)), named ``ck_<table>_<name>`` by the naming convention."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _active() -> Column[bool]:
    return Column("active", Boolean, nullable=False, server_default=true())


def _names() -> tuple[Column[str], Column[str]]:
    return Column("name_en", NAME, nullable=False), Column("name_ur", NAME, nullable=False)


def _user_fk(name: str) -> Column[int]:
    return Column(name, ForeignKey("app_user.id"), nullable=True)


# --- dimensions (synced from the catalog) ----------------------------------------------------

division = Table(
    "division",
    metadata,
    _id(),
    Column("code", CODE, nullable=False, unique=True),
    *_names(),
    _active(),
)

district = Table(
    "district",
    metadata,
    _id(),
    Column("code", CODE, nullable=False, unique=True),
    Column("division_id", ForeignKey("division.id"), nullable=False),
    *_names(),
    Column("lat", Double, nullable=False),
    Column("lon", Double, nullable=False),
    Column("has_outline", Boolean, nullable=False),
    _active(),
)

institution = Table(
    "institution",
    metadata,
    _id(),
    Column("code", CODE, nullable=False, unique=True),
    *_names(),
    _active(),
)

indicator = Table(
    "indicator",
    metadata,
    _id(),
    Column("code", CODE, nullable=False, unique=True),
    Column("institution_id", ForeignKey("institution.id"), nullable=False),
    *_names(),
    Column("unit", String(16), nullable=False),
    Column("temporal", String(16), nullable=False),
    _active(),
)

kpi = Table(
    "kpi",
    metadata,
    _id(),
    Column("code", CODE, nullable=False, unique=True),
    *_names(),
    Column("unit", String(16), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("headline", Boolean, nullable=False),
    _active(),
)

catalog_state = Table(
    "catalog_state",
    metadata,
    _id(),
    Column("fingerprint", String(64), nullable=False),
    Column("synced_at", UtcDateTime, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

# --- users -----------------------------------------------------------------------------------

app_user = Table(
    "app_user",
    metadata,
    _id(),
    Column("username", USERNAME, nullable=False, unique=True),
    Column("display_name", NAME, nullable=False),
    Column("email", String(320), nullable=True),
    Column("password_hash", String(255), nullable=True),
    Column("role", String(16), nullable=False),
    _active(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_login_at", UtcDateTime, nullable=True),
    _one_of("role", ROLES, "role"),
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
    _id(),
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
    _user_fk("uploaded_by"),
    Column("uploaded_at", UtcDateTime, nullable=False),
    _user_fk("reviewed_by"),
    Column("reviewed_at", UtcDateTime, nullable=True),
    Column("review_reason", Text, nullable=True),
    Column("approved_at", UtcDateTime, nullable=True),
    Column("report", JSON, nullable=True),
    Column("counts", JSON, nullable=True),
    Column("is_demo", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("district_id", "institution_id", "year", "revision"),
    _one_of("status", SUBMISSION_STATUSES, "status"),
    _one_of("source_kind", SOURCE_KINDS, "source_kind"),
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

# --- releases and KPI values -------------------------------------------------------------------

release = Table(
    "release",
    metadata,
    _id(),
    Column("number", Integer, nullable=False, unique=True),
    Column("published_at", UtcDateTime, nullable=False),
    Column("through_month", Integer, nullable=False),
    Column("note", Text, nullable=True),
    _user_fk("published_by"),
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
        _one_of("geo_level", GEO_LEVELS, "geo_level"),
        _one_of("period_type", PERIOD_TYPES, "period_type"),
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

# --- stocktakes ------------------------------------------------------------------------------


def _stocktake_fk() -> Column[int]:
    return Column("stocktake_id", ForeignKey("stocktake.id"), nullable=False)


stocktake = Table(
    "stocktake",
    metadata,
    _id(),
    Column("quarter", String(6), nullable=False, unique=True),  # 2026Q3
    Column("title", NAME, nullable=False),
    Column("meeting_date", Date, nullable=True),
    Column("status", String(8), nullable=False),
    _user_fk("created_by"),
    Column("created_at", UtcDateTime, nullable=False),
    _one_of("status", STOCKTAKE_STATUSES, "status"),
)

assessment = Table(
    "assessment",
    metadata,
    _id(),
    _stocktake_fk(),
    Column("kpi_id", ForeignKey("kpi.id"), nullable=False),
    Column("likelihood", String(12), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("criteria", JSON, nullable=True),
    _user_fk("assessed_by"),
    Column("assessed_at", UtcDateTime, nullable=False),
    UniqueConstraint("stocktake_id", "kpi_id"),
    _one_of("likelihood", LIKELIHOODS, "likelihood"),
)

problem = Table(
    "problem",
    metadata,
    _id(),
    _stocktake_fk(),
    Column("kpi_id", ForeignKey("kpi.id"), nullable=True),
    Column("description", Text, nullable=False),
    _user_fk("raised_by"),
    Column("created_at", UtcDateTime, nullable=False),
)

action = Table(
    "action",
    metadata,
    _id(),
    _stocktake_fk(),
    Column("kpi_id", ForeignKey("kpi.id"), nullable=True),
    Column("description", Text, nullable=False),
    Column("owner", NAME, nullable=False),  # a person or office, not necessarily a user
    Column("due_date", Date, nullable=True),
    Column("status", String(12), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    _one_of("status", ACTION_STATUSES, "status"),
)

decision = Table(
    "decision",
    metadata,
    _id(),
    _stocktake_fk(),
    Column("kpi_id", ForeignKey("kpi.id"), nullable=True),
    Column("kind", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("decided_at", Date, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    _one_of("kind", DECISION_KINDS, "kind"),
)
