"""The shared MetaData (with its naming convention), value lists and column helpers."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sqlalchemy import (
    CHAR,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    true,
)

NAMING_CONVENTION: Mapping[str, str] = MappingProxyType(
    {
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

metadata = MetaData(naming_convention=dict(NAMING_CONVENTION))

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


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """CHECK (column IN (...)), named ``ck_<table>_<name>`` by the naming convention."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


def id_column() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def active_column() -> Column[bool]:
    return Column("active", Boolean, nullable=False, server_default=true())


def name_columns() -> tuple[Column[str], Column[str]]:
    return Column("name_en", NAME, nullable=False), Column("name_ur", NAME, nullable=False)


def user_fk(name: str) -> Column[int]:
    return Column(name, ForeignKey("app_user.id"), nullable=True)
