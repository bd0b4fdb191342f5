"""The action plan: activities, quarterly progress reports and the plan status of releases.

- ``plan_activity``: the catalog's activities (a dimension, synced by code).
- ``plan_report`` (+ ``plan_report_milestone``, ``plan_report_evidence``): progress reports in
  numbered revisions, at most one current per activity x quarter.
- ``release_plan_status``: the approved status of every activity when a release was published;
  immutable like the other release tables (triggers refusing UPDATE and DELETE; on PostgreSQL
  the ``release_immutable()`` function of migration 0003).

Frozen: it must not import the schema module.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODE = sa.String(40)
NAME = sa.String(300)
USERNAME = sa.String(64)
TS = sa.DateTime(timezone=True)

PROGRESS = ("not_started", "on_schedule", "delayed", "completed", "dropped")
STATES = ("submitted", "approved", "returned", "superseded")
KINDS = ("pdf", "png", "jpeg", "xlsx", "csv")
NARRATIVE_MAX = 2000
IMMUTABLE = "release_plan_status"
PG_FUNCTION = "release_immutable"  # created by 0003


def _fk(table: str, col: str, ref: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([col], [f"{ref}.id"], name=op.f(f"fk_{table}_{col}_{ref}"))


def _ck(table: str, col: str, values: Sequence[str]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{col} IN ({quoted})", name=op.f(f"ck_{table}_{col}"))


def upgrade() -> None:
    op.create_table(
        "plan_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", CODE, nullable=False),
        sa.Column("lead_institution_id", sa.Integer(), nullable=False),
        sa.Column("name_en", NAME, nullable=False),
        sa.Column("name_ur", NAME, nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        _fk("plan_activity", "lead_institution_id", "institution"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activity")),
        sa.UniqueConstraint("code", name=op.f("uq_plan_activity_code")),
    )
    op.create_table(
        "plan_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(6), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("progress", sa.String(12), nullable=False),
        sa.Column("spend_pkr", sa.BigInteger(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("reported_by", sa.Integer(), nullable=True),
        sa.Column("reporter", USERNAME, nullable=False),
        sa.Column("reported_at", TS, nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewer", USERNAME, nullable=True),
        sa.Column("reviewed_at", TS, nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("approved_at", TS, nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        _ck("plan_report", "progress", PROGRESS),
        _ck("plan_report", "state", STATES),
        sa.CheckConstraint("spend_pkr >= 0", name=op.f("ck_plan_report_spend")),
        sa.CheckConstraint(
            f"length(narrative) <= {NARRATIVE_MAX}", name=op.f("ck_plan_report_narrative_length")
        ),
        _fk("plan_report", "activity_id", "plan_activity"),
        _fk("plan_report", "reported_by", "app_user"),
        _fk("plan_report", "reviewed_by", "app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_report")),
        sa.UniqueConstraint(
            "activity_id",
            "quarter",
            "revision",
            name=op.f("uq_plan_report_activity_id_quarter_revision"),
        ),
    )
    op.create_index(
        "ix_plan_report_one_current",
        "plan_report",
        ["activity_id", "quarter"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )
    op.create_table(
        "plan_report_milestone",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("milestone", CODE, nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        _fk("plan_report_milestone", "report_id", "plan_report"),
        sa.PrimaryKeyConstraint("report_id", "milestone", name=op.f("pk_plan_report_milestone")),
    )
    op.create_table(
        "plan_report_evidence",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.CHAR(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        _ck("plan_report_evidence", "kind", KINDS),
        _fk("plan_report_evidence", "report_id", "plan_report"),
        sa.PrimaryKeyConstraint("report_id", "sha256", name=op.f("pk_plan_report_evidence")),
    )
    op.create_table(
        IMMUTABLE,
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("activity", CODE, nullable=False),
        sa.Column("lead", CODE, nullable=False),
        sa.Column("kpis", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("quarter", sa.String(6), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("spend_pkr", sa.BigInteger(), nullable=True),
        sa.Column("allocated_pkr", sa.BigInteger(), nullable=False),
        sa.Column("budget_pkr", sa.BigInteger(), nullable=False),
        sa.Column("milestones_total", sa.Integer(), nullable=False),
        sa.Column("milestones_done", sa.JSON(), nullable=False),
        sa.Column("overdue", sa.JSON(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        _fk(IMMUTABLE, "release_id", "release"),
        _fk(IMMUTABLE, "report_id", "plan_report"),
        sa.PrimaryKeyConstraint("release_id", "activity", name=op.f(f"pk_{IMMUTABLE}")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f'CREATE TRIGGER {IMMUTABLE}_no_change BEFORE UPDATE OR DELETE ON "{IMMUTABLE}" '
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
        )
        op.execute(
            f'CREATE TRIGGER {IMMUTABLE}_no_truncate BEFORE TRUNCATE ON "{IMMUTABLE}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f'CREATE TRIGGER {IMMUTABLE}_no_{verb.lower()} BEFORE {verb} ON "{IMMUTABLE}" '
                f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE} is immutable: a published release "
                "never changes'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f'DROP TRIGGER IF EXISTS {IMMUTABLE}_no_change ON "{IMMUTABLE}"')
        op.execute(f'DROP TRIGGER IF EXISTS {IMMUTABLE}_no_truncate ON "{IMMUTABLE}"')
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {IMMUTABLE}_no_{verb}")
    op.drop_table(IMMUTABLE)
    op.drop_table("plan_report_evidence")
    op.drop_table("plan_report_milestone")
    op.drop_index("ix_plan_report_one_current", table_name="plan_report")
    op.drop_table("plan_report")
    op.drop_table("plan_activity")
