"""Dimensions: code -> id maps and listings of districts and institutions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Table, select

from dbmis.warehouse.schema import district, division, indicator, institution, kpi


@dataclass(frozen=True)
class DistrictRow:
    id: int
    code: str
    division_code: str
    name_en: str
    name_ur: str
    lat: float
    lon: float
    has_outline: bool
    active: bool


@dataclass(frozen=True)
class InstitutionRow:
    id: int
    code: str
    name_en: str
    name_ur: str
    active: bool


def _code_ids(conn: Connection, table: Table, active_only: bool) -> dict[str, int]:
    query = select(table.c.code, table.c.id)
    if active_only:
        query = query.where(table.c.active)
    return {code: id_ for code, id_ in conn.execute(query)}


def division_ids(conn: Connection, *, active_only: bool = False) -> dict[str, int]:
    """Division code -> id."""
    return _code_ids(conn, division, active_only)


def district_ids(conn: Connection, *, active_only: bool = False) -> dict[str, int]:
    """District code -> id."""
    return _code_ids(conn, district, active_only)


def institution_ids(conn: Connection, *, active_only: bool = False) -> dict[str, int]:
    """Institution code -> id."""
    return _code_ids(conn, institution, active_only)


def indicator_ids(conn: Connection, *, active_only: bool = False) -> dict[str, int]:
    """Indicator code -> id."""
    return _code_ids(conn, indicator, active_only)


def kpi_ids(conn: Connection, *, active_only: bool = False) -> dict[str, int]:
    """KPI code -> id."""
    return _code_ids(conn, kpi, active_only)


def list_districts(conn: Connection, *, active_only: bool = True) -> list[DistrictRow]:
    """Districts with their division's code, ordered by code."""
    query = (
        select(
            district.c.id,
            district.c.code,
            division.c.code.label("division_code"),
            district.c.name_en,
            district.c.name_ur,
            district.c.lat,
            district.c.lon,
            district.c.has_outline,
            district.c.active,
        )
        .join(division, division.c.id == district.c.division_id)
        .order_by(district.c.code)
    )
    if active_only:
        query = query.where(district.c.active)
    return [DistrictRow(**row._mapping) for row in conn.execute(query)]


def list_institutions(conn: Connection, *, active_only: bool = True) -> list[InstitutionRow]:
    """Institutions ordered by code."""
    query = select(
        institution.c.id,
        institution.c.code,
        institution.c.name_en,
        institution.c.name_ur,
        institution.c.active,
    ).order_by(institution.c.code)
    if active_only:
        query = query.where(institution.c.active)
    return [InstitutionRow(**row._mapping) for row in conn.execute(query)]
