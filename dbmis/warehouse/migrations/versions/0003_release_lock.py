"""Releases never change: a provenance table and triggers refusing UPDATE and DELETE.

- ``release_submission`` (release_id, submission_id): the approved submission revisions each
  release was built from.
- ``release``, ``release_kpi_value`` and ``release_submission`` become immutable in the
  database itself, as ``audit_event`` is: on SQLite ``BEFORE UPDATE`` / ``BEFORE DELETE``
  triggers that ``RAISE(ABORT)``; on PostgreSQL one plpgsql function raising an exception, fired
  before UPDATE or DELETE of any row and before TRUNCATE. Publishing only ever inserts.

Frozen: it must not import the schema module.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE_TABLES = ("release", "release_kpi_value", "release_submission")
PG_FUNCTION = "release_immutable"


def upgrade() -> None:
    op.create_table(
        "release_submission",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"], ["release.id"], name=op.f("fk_release_submission_release_id_release")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_release_submission_submission_id_submission"),
        ),
        sa.PrimaryKeyConstraint("release_id", "submission_id", name=op.f("pk_release_submission")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is immutable: a published release never changes', "
            "TG_TABLE_NAME; END $$"
        )
        for table in IMMUTABLE_TABLES:
            op.execute(
                f'CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
            )
            op.execute(
                f'CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
            )
    else:
        for table in IMMUTABLE_TABLES:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f'CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON "{table}" '
                    f"BEGIN SELECT RAISE(ABORT, '{table} is immutable: a published release "
                    "never changes'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in IMMUTABLE_TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_change ON "{table}"')
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_truncate ON "{table}"')
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    else:
        for table in IMMUTABLE_TABLES:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    op.drop_table("release_submission")
