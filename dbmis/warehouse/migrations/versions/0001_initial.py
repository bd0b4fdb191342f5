"""Initial warehouse schema, with append-only triggers on audit_event.

Written by hand to match dbmis/warehouse/schema.py exactly (a test compares them). Frozen:
it must not import the schema module, whose later versions will differ.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODE = sa.String(40)
NAME = sa.String(300)
USERNAME = sa.String(64)
TS = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

APPEND_ONLY = "audit_event is append-only"


def _pk(table: str, *cols: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*(cols or ("id",)), name=op.f(f"pk_{table}"))


def _uq(table: str, *cols: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*cols, name=op.f(f"uq_{table}_{'_'.join(cols)}"))


def _fk(table: str, col: str, ref: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [col], [f"{ref}.id"], name=op.f(f"fk_{table}_{col}_{ref}"), ondelete=ondelete
    )


def _ck(table: str, name: str, col: str, values: Sequence[str]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{col} IN ({quoted})", name=op.f(f"ck_{table}_{name}"))


def _ix(table: str, *cols: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(cols)}"), table, list(cols))


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _active() -> sa.Column:
    return sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)


def _names() -> list[sa.Column]:
    return [sa.Column("name_en", NAME, nullable=False), sa.Column("name_ur", NAME, nullable=False)]


def _dimensions() -> None:
    for table in ("division", "institution"):
        op.create_table(
            table,
            _id(),
            sa.Column("code", CODE, nullable=False),
            *_names(),
            _active(),
            _pk(table),
            _uq(table, "code"),
        )
    op.create_table(
        "district",
        _id(),
        sa.Column("code", CODE, nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=False),
        *_names(),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("has_outline", sa.Boolean(), nullable=False),
        _active(),
        _pk("district"),
        _uq("district", "code"),
        _fk("district", "division_id", "division"),
    )
    op.create_table(
        "indicator",
        _id(),
        sa.Column("code", CODE, nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        *_names(),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("temporal", sa.String(16), nullable=False),
        _active(),
        _pk("indicator"),
        _uq("indicator", "code"),
        _fk("indicator", "institution_id", "institution"),
    )
    op.create_table(
        "kpi",
        _id(),
        sa.Column("code", CODE, nullable=False),
        *_names(),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("headline", sa.Boolean(), nullable=False),
        _active(),
        _pk("kpi"),
        _uq("kpi", "code"),
    )
    op.create_table(
        "catalog_state",
        _id(),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("synced_at", TS, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_catalog_state_single_row")),
        _pk("catalog_state"),
    )


def _users() -> None:
    op.create_table(
        "app_user",
        _id(),
        sa.Column("username", USERNAME, nullable=False),
        sa.Column("display_name", NAME, nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        _active(),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_login_at", TS, nullable=True),
        _ck("app_user", "role", "role", ("focal_point", "analyst", "steering", "admin")),
        _pk("app_user"),
        _uq("app_user", "username"),
    )
    for table, col, ref in (
        ("user_district", "district_id", "district"),
        ("user_institution", "institution_id", "institution"),
    ):
        op.create_table(
            table,
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column(col, sa.Integer(), nullable=False),
            _fk(table, "user_id", "app_user", ondelete="CASCADE"),
            _fk(table, col, ref),
            _pk(table, "user_id", col),
        )


def _submissions() -> None:
    statuses = ("submitted", "approved", "returned", "superseded", "rejected")
    op.create_table(
        "submission",
        _id(),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("sha256", sa.CHAR(64), nullable=False),
        sa.Column("source_kind", sa.String(8), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", TS, nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", TS, nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("approved_at", TS, nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        _ck("submission", "status", "status", statuses),
        _ck("submission", "source_kind", "source_kind", ("xlsx", "csv")),
        _fk("submission", "district_id", "district"),
        _fk("submission", "institution_id", "institution"),
        _fk("submission", "uploaded_by", "app_user"),
        _fk("submission", "reviewed_by", "app_user"),
        _pk("submission"),
        _uq("submission", "district_id", "institution_id", "year", "revision"),
    )
    _ix("submission", "sha256")
    op.create_index(
        "ix_submission_one_current",
        "submission",
        ["district_id", "institution_id", "year"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )
    op.create_table(
        "observation",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("cell", sa.String(16), nullable=True),
        _fk("observation", "submission_id", "submission"),
        _fk("observation", "indicator_id", "indicator"),
        _fk("observation", "district_id", "district"),
        _fk("observation", "institution_id", "institution"),
        _pk("observation"),
        _uq("observation", "submission_id", "indicator_id", "month"),
    )
    _ix("observation", "indicator_id", "district_id", "month")


def _audit() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", USERNAME, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=True),
        sa.Column("sha256", sa.CHAR(64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        _pk("audit_event"),
    )
    _ix("audit_event", "entity", "entity_id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def _kpi_values() -> None:
    op.create_table(
        "release",
        _id(),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("published_at", TS, nullable=False),
        sa.Column("through_month", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        _fk("release", "published_by", "app_user"),
        _pk("release"),
        _uq("release", "number"),
    )
    key = ("kpi_id", "geo_level", "geo_code", "period_type", "period")
    for table in ("kpi_value", "release_kpi_value"):
        first = [sa.Column("release_id", sa.Integer(), nullable=False)] if table[0] == "r" else []
        last = [sa.Column("computed_at", TS, nullable=False)] if table[0] == "k" else []
        op.create_table(
            table,
            *first,
            sa.Column("kpi_id", sa.Integer(), nullable=False),
            sa.Column("geo_level", sa.String(10), nullable=False),
            sa.Column("geo_code", CODE, nullable=False),
            sa.Column("period_type", sa.String(12), nullable=False),
            sa.Column("period", sa.String(10), nullable=False),
            sa.Column("period_end", sa.Integer(), nullable=False),
            sa.Column("numerator", sa.Double(), nullable=False),
            sa.Column("denominator", sa.Double(), nullable=True),
            sa.Column("value", sa.Double(), nullable=True),
            sa.Column("received", sa.Integer(), nullable=False),
            sa.Column("expected", sa.Integer(), nullable=False),
            sa.Column("completeness", sa.Double(), nullable=False),
            sa.Column("flagged", sa.Boolean(), nullable=False),
            sa.Column("planned", sa.Double(), nullable=True),
            sa.Column("status", sa.String(16), nullable=True),
            *last,
            _ck(table, "geo_level", "geo_level", ("district", "division", "province")),
            _ck(table, "period_type", "period_type", ("month", "quarter", "year", "fiscal_year")),
            _fk(table, "kpi_id", "kpi"),
            *([_fk(table, "release_id", "release")] if first else []),
            _pk(table, *(["release_id"] if first else []), *key),
        )


def _stocktakes() -> None:
    st_fk = ("stocktake_id", sa.Integer())
    op.create_table(
        "stocktake",
        _id(),
        sa.Column("quarter", sa.String(6), nullable=False),
        sa.Column("title", NAME, nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _ck("stocktake", "status", "status", ("draft", "final")),
        _fk("stocktake", "created_by", "app_user"),
        _pk("stocktake"),
        _uq("stocktake", "quarter"),
    )
    op.create_table(
        "assessment",
        _id(),
        sa.Column(*st_fk, nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("likelihood", sa.String(12), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=True),
        sa.Column("assessed_by", sa.Integer(), nullable=True),
        sa.Column("assessed_at", TS, nullable=False),
        _ck("assessment", "likelihood", "likelihood", ("green", "amber_green", "amber_red", "red")),
        _fk("assessment", "stocktake_id", "stocktake"),
        _fk("assessment", "kpi_id", "kpi"),
        _fk("assessment", "assessed_by", "app_user"),
        _pk("assessment"),
        _uq("assessment", "stocktake_id", "kpi_id"),
    )
    op.create_table(
        "problem",
        _id(),
        sa.Column(*st_fk, nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _fk("problem", "stocktake_id", "stocktake"),
        _fk("problem", "kpi_id", "kpi"),
        _fk("problem", "raised_by", "app_user"),
        _pk("problem"),
    )
    op.create_table(
        "action",
        _id(),
        sa.Column(*st_fk, nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", NAME, nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _ck("action", "status", "status", ("open", "in_progress", "done", "dropped")),
        _fk("action", "stocktake_id", "stocktake"),
        _fk("action", "kpi_id", "kpi"),
        _pk("action"),
    )
    op.create_table(
        "decision",
        _id(),
        sa.Column(*st_fk, nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.Date(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _ck("decision", "kind", "kind", ("asked", "taken")),
        _fk("decision", "stocktake_id", "stocktake"),
        _fk("decision", "kpi_id", "kpi"),
        _pk("decision"),
    )


def upgrade() -> None:
    _dimensions()
    _users()
    _submissions()
    _audit()
    _kpi_values()
    _stocktakes()


TABLES_IN_DROP_ORDER = (
    "decision", "action", "problem", "assessment", "stocktake", "release_kpi_value",
    "kpi_value", "release", "audit_event", "observation", "submission", "user_institution",
    "user_district", "app_user", "catalog_state", "kpi", "indicator", "district", "institution",
    "division",
)  # fmt: skip


def downgrade() -> None:
    for table in TABLES_IN_DROP_ORDER:
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
