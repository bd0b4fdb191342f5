"""The Steering Committee's view of a stocktake, in plain functions (no web code).

- :func:`stocktakes` and :func:`choose`: the stocktakes, latest first, and the one to show;
- :func:`view`: the stocktake pack (:func:`dbmis.kpis.pack.build_pack_data`) plus, for each
  KPI's figure, whether the public already has it (:class:`Publication`): ``published`` in the
  latest release (the same value for the same KPI, place and period), or ``unpublished``
  (approved data no release holds yet, or a revised value), or ``none`` (no figure);
- :func:`drill_down`: one KPI for one period by division, by district (stored KPI values, as
  last recomputed from the approved data) and by institution (the approved values of the KPI's
  indicators, added up as each indicator adds up over time), each row marked the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dbmis.catalog import Catalog
from dbmis.catalog.models import Temporal
from dbmis.errors import NotFoundError
from dbmis.kpis.pack import PackData, build_pack_data
from dbmis.periods import parse_period
from dbmis.warehouse import Database
from dbmis.warehouse.queries import releases as rq
from dbmis.warehouse.queries import steering as sq
from dbmis.warehouse.queries.rollup import kpi_values
from dbmis.warehouse.queries.stocktakes import Stocktake, list_stocktakes

PUBLISHED = "published"
UNPUBLISHED = "unpublished"
NO_FIGURE = "none"


@dataclass(frozen=True)
class Publication:
    """Whether the public has a figure: ``state`` is :data:`PUBLISHED` (in release
    ``release``), :data:`UNPUBLISHED` or :data:`NO_FIGURE`."""

    state: str
    release: int | None = None


@dataclass(frozen=True)
class SteeringView:
    stocktake: Stocktake
    pack: PackData
    marks: dict[str, Publication]
    """KPI code -> whether the pack's figure of the KPI is published"""
    release: int | None
    """the latest release's number (None before the first)"""

    @property
    def unpublished(self) -> list[str]:
        return [code for code, m in self.marks.items() if m.state == UNPUBLISHED]


@dataclass(frozen=True)
class PlaceRow:
    level: str
    """``division`` or ``district``"""
    code: str
    division: str | None
    """the division of a district"""
    value: float | None
    completeness: float | None
    flagged: bool
    status: str | None
    publication: Publication


@dataclass(frozen=True)
class InstitutionRow:
    institution: str
    indicator: str
    side: str
    """``numerator`` or ``denominator``"""
    temporal: str
    total: float | None
    districts: int
    """districts with an approved value"""
    months: int
    """months with an approved value"""
    publication: Publication


@dataclass(frozen=True)
class Drill:
    kpi: str
    period_type: str
    period: str
    divisions: tuple[PlaceRow, ...]
    districts: tuple[PlaceRow, ...]
    institutions: tuple[InstitutionRow, ...]


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _num(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def publication(
    value: float | None, published: float | bool | None, release: int | None
) -> Publication:
    """The mark of a figure ``value`` given the latest release's value for the same KPI, place
    and period (``False``: the release has no such value; None: it has one without a value)."""
    if value is None:
        return Publication(NO_FIGURE)
    if release is None or published is False:
        return Publication(UNPUBLISHED)
    if isinstance(published, bool) or not _same(value, published):
        return Publication(UNPUBLISHED)
    return Publication(PUBLISHED, release)


def stocktakes(db: Database) -> list[Stocktake]:
    """Every stocktake, latest quarter first."""
    with db.read() as conn:
        return list_stocktakes(conn)


def choose(db: Database, quarter: str | None = None) -> Stocktake | None:
    """The stocktake of ``quarter``, else the latest one (None when there is none yet)."""
    takes = stocktakes(db)
    if quarter:
        for take in takes:
            if take.quarter == quarter.strip().upper():
                return take
    return takes[0] if takes else None


def by_id(db: Database, stocktake_id: int) -> Stocktake:
    """The stocktake with this id; NotFoundError if there is none."""
    with db.read() as conn:
        return sq.get_stocktake_by_id(conn, stocktake_id)


def _release_lookup(frame: pd.DataFrame) -> dict[tuple[str, str, str, str, str], float | None]:
    out: dict[tuple[str, str, str, str, str], float | None] = {}
    for row in frame.itertuples(index=False):
        key = (str(row.kpi), str(row.geo_level), str(row.geo_code), str(row.period_type))
        out[(*key, str(row.period))] = _num(row.value)
    return out


def view(db: Database, catalog: Catalog, take: Stocktake, *, today: date) -> SteeringView:
    """The pack of ``take`` and the publication mark of each KPI's figure."""
    pack = build_pack_data(db, catalog, take.quarter, today=today)
    with db.read() as conn:
        latest = rq.latest_release(conn)
        published = (
            _release_lookup(rq.release_values(conn, latest.id, geo_level="province"))
            if latest
            else {}
        )
    province = catalog.roadmap.province_code
    marks = {}
    for k in pack.kpis:
        key = (k.code, "province", province, k.period_type, k.period or "")
        marks[k.code] = publication(
            k.value, published.get(key, False), latest.number if latest else None
        )
    return SteeringView(
        stocktake=take, pack=pack, marks=marks, release=latest.number if latest else None
    )


def _place_rows(
    frame: pd.DataFrame,
    level: str,
    catalog: Catalog,
    published: dict[tuple[str, str, str, str, str], float | None],
    release: int | None,
) -> tuple[PlaceRow, ...]:
    rows = []
    for r in frame.itertuples(index=False):
        code = str(r.geo_code)
        key = (str(r.kpi), level, code, str(r.period_type), str(r.period))
        value = _num(r.value)
        division = catalog.district_by_code[code].division if level == "district" else None
        rows.append(
            PlaceRow(
                level=level,
                code=code,
                division=division,
                value=value,
                completeness=_num(r.completeness),
                flagged=bool(r.flagged),
                status=None if r.status is None or r.status != r.status else str(r.status),
                publication=publication(value, published.get(key, False), release),
            )
        )
    if level == "division":
        order = {d.code: i for i, d in enumerate(catalog.divisions)}
        return tuple(sorted(rows, key=lambda p: order.get(p.code, len(order))))
    order = {d.code: i for i, d in enumerate(catalog.districts)}
    div = {d.code: i for i, d in enumerate(catalog.divisions)}
    return tuple(
        sorted(rows, key=lambda p: (div.get(p.division or "", 99), order.get(p.code, 9999)))
    )


def _total(values: pd.DataFrame, temporal: Temporal) -> float | None:
    if values.empty:
        return None
    if temporal is Temporal.last:
        last = values.sort_values("month").groupby("district")["value"].last()
        return float(last.sum())
    if temporal is Temporal.average:
        return float(values["value"].mean())
    return float(values["value"].sum())


def _institution_rows(
    catalog: Catalog,
    code: str,
    frame: pd.DataFrame,
    released: set[int],
    release: int | None,
) -> tuple[InstitutionRow, ...]:
    kpi = catalog.kpi_by_code[code]
    sides: Iterable[tuple[str, list[str]]] = (
        ("numerator", list(kpi.numerator)),
        ("denominator", list(kpi.denominator or [])),
    )
    rows = []
    for side, codes in sides:
        for ind_code in codes:
            ind = catalog.indicator_by_code[ind_code]
            own = frame[(frame["indicator"] == ind_code) & frame["value"].notna()]
            total = _total(own, ind.temporal)
            used = set(own["submission_id"].astype(int))
            if total is None:
                mark = Publication(NO_FIGURE)
            elif release is not None and used <= released:
                mark = Publication(PUBLISHED, release)
            else:
                mark = Publication(UNPUBLISHED)
            rows.append(
                InstitutionRow(
                    institution=ind.institution,
                    indicator=ind_code,
                    side=side,
                    temporal=str(ind.temporal.value),
                    total=total,
                    districts=int(own["district"].nunique()),
                    months=int(own["month"].nunique()),
                    publication=mark,
                )
            )
    order = {i.code: n for n, i in enumerate(catalog.institutions)}
    return tuple(sorted(rows, key=lambda r: (order.get(r.institution, 99), r.side != "numerator")))


def drill_down(db: Database, catalog: Catalog, kpi: str, *, period_type: str, period: str) -> Drill:
    """One KPI for one period (e.g. ``quarter``, ``2026Q1``) by division, district and
    institution. NotFoundError for an unknown KPI."""
    if kpi not in catalog.kpi_by_code:
        raise NotFoundError(f"no KPI {kpi!r}")
    k = catalog.kpi_by_code[kpi]
    span = parse_period(period, catalog.roadmap.fiscal_year_start_month)
    indicators = [*k.numerator, *(k.denominator or [])]
    with db.read() as conn:
        values = kpi_values(
            conn, kpi=kpi, geo_level=["division", "district"], period_type=period_type
        )
        values = values[values["period"] == period]
        latest = rq.latest_release(conn)
        published: dict[tuple[str, str, str, str, str], float | None] = {}
        released: set[int] = set()
        if latest is not None:
            frame = rq.release_values(conn, latest.id, kpi=kpi, period_type=period_type)
            published = _release_lookup(frame[frame["period"] == period])
            released = rq.release_submission_ids(conn, latest.id)
        observed = sq.approved_observations(
            conn, indicators=indicators, first_month=span.first, last_month=span.last
        )
    number = latest.number if latest else None
    values = values.assign(kpi=kpi)
    return Drill(
        kpi=kpi,
        period_type=period_type,
        period=period,
        divisions=_place_rows(
            values[values["geo_level"] == "division"], "division", catalog, published, number
        ),
        districts=_place_rows(
            values[values["geo_level"] == "district"], "district", catalog, published, number
        ),
        institutions=_institution_rows(catalog, kpi, observed, released, number),
    )
