"""What the public sees: the figures of the **latest published release**, and nothing else.

The public website, the public JSON API and the downloads read data only through this module,
and this module reads only the release tables (``release``, ``release_kpi_value``) through
:mod:`dbmis.warehouse.queries.releases`: never the current ``kpi_value`` table, never
observations, never approved-but-unpublished figures. Public figures therefore change only
when a release is published.

A release never changes, so results are cached per (release number, function, arguments) in a
:class:`ReleaseCache`: a small LRU that the web app creates per app (never a module global)
and passes in. When a newer release appears, the cache forgets the older one's entries.
:class:`PublicSite` bundles a database, a catalog and a cache for the web app, plus a second
cache for what the app draws from a release alone (its public pages, :meth:`PublicSite.page`).

Only the demo marker looks beyond the release tables: :func:`holds_demo_data` is true when
the latest release is marked demo or any submission in the warehouse is (the site must say so
from the data, not from a setting).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Connection

from dbmis.catalog import Catalog
from dbmis.catalog.models import Kpi, Target
from dbmis.errors import NotFoundError
from dbmis.kpis.status import Status, status_label
from dbmis.kpis.trajectory import Trajectory
from dbmis.periods import PeriodType, parse_period
from dbmis.warehouse import Database
from dbmis.warehouse.queries import pack as pack_queries
from dbmis.warehouse.queries import published
from dbmis.warehouse.queries import releases as q

T = TypeVar("T")

GEO_LEVELS: tuple[str, ...] = ("province", "division", "district")
PERIOD_TYPES: tuple[str, ...] = tuple(p.value for p in PeriodType)
VALUE_COLUMNS: tuple[str, ...] = q.FRAME_COLUMNS
"""Columns of every values frame returned here (``kpi`` is the KPI code)."""

HEADLINE_POINTS = 12
"""How many periods a headline card's trend line shows at most."""

DEMO_MARKER_TTL = 10.0
"""Seconds a :class:`PublicSite` trusts its last look for demo submissions. Without demo
data that look scans every submission (no index on ``submission.is_demo``): 4-14 ms for
18,000 submissions on SQLite, more than the rest of a kept page's answer; the demo marker then
shows or goes at most this much later after demo submissions are loaded or removed. A release
marked demo shows the marker at once, and the latest release is read every time."""

PAGE_CACHE_SIZE = 128
"""How many drawn pages a :class:`PublicSite` keeps (:meth:`PublicSite.page`). The web app keeps
a page as the JSON-ready tree the browser receives: 0.3-1 MB each for the demo warehouse."""


# --- releases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseInfo:
    """A published release as the public sees it (the public site's own view of
    :class:`dbmis.warehouse.queries.releases.Release`: no user names)."""

    id: int
    number: int
    published_at: datetime
    through_month: int
    note: str | None
    is_demo: bool
    values: int
    changes: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def _count(self, group: str, name: str) -> int:
        part = self.changes.get(group) or {}
        return int(part.get(name, 0) or 0)

    @property
    def added(self) -> int:
        return self._count("values", "added")

    @property
    def revised(self) -> int:
        return self._count("values", "revised")

    @property
    def removed(self) -> int:
        return self._count("values", "removed")

    @property
    def previous(self) -> int | None:
        value = self.changes.get("previous")
        return None if value is None else int(value)

    @property
    def submissions_new(self) -> int:
        return self._count("submissions", "new")

    @property
    def submissions_revised(self) -> int:
        return self._count("submissions", "revised") + self._count("submissions", "reverted")

    @property
    def submissions_withdrawn(self) -> int:
        return self._count("submissions", "withdrawn")

    def revised_values(self, geo_level: str | None = "province") -> list[dict[str, Any]]:
        """The revised values listed in ``changes`` (at one geographic level by default)."""
        listed = list(self.changes.get("revised") or [])
        if geo_level is None:
            return listed
        return [r for r in listed if r.get("geo_level") == geo_level]

    def summary(self) -> dict[str, Any]:
        """What changed since the previous release, in numbers (for the API)."""
        return {
            "previous": self.previous,
            "values": {
                "total": self.values,
                "added": self.added,
                "revised": self.revised,
                "removed": self.removed,
            },
            "submissions": {
                "new": self.submissions_new,
                "revised": self.submissions_revised,
                "withdrawn": self.submissions_withdrawn,
            },
        }


def _info(release: q.Release) -> ReleaseInfo:
    return ReleaseInfo(
        id=release.id,
        number=release.number,
        published_at=release.published_at,
        through_month=release.through_month,
        note=release.note,
        is_demo=release.is_demo,
        values=release.values,
        changes=dict(release.changes or {}),
    )


def latest(conn: Connection, cache: ReleaseCache | None = None) -> ReleaseInfo | None:
    """The latest published release, or None before the first one (one cheap query; the
    description of a release is cached per release number)."""
    number = published.latest_release_number(conn)
    if number is None:
        return None
    if cache is None:
        return _info(q.get_release(conn, number))
    return cache.get(number, ("release",), lambda: _info(q.get_release(conn, number)))


def list_releases(conn: Connection) -> list[ReleaseInfo]:
    """Every published release, newest first."""
    return [_info(r) for r in q.list_releases(conn)]


def get_release(conn: Connection, number: int) -> ReleaseInfo:
    """The published release with this number; NotFoundError if there is none."""
    return _info(q.get_release(conn, number))


def holds_demo_data(conn: Connection, release: ReleaseInfo | None) -> bool:
    """Whether the site shows demo data: the release is marked demo, or the warehouse holds
    demo submissions."""
    if release is not None and release.is_demo:
        return True
    return pack_queries.holds_demo_data(conn)


# --- the per-app cache ----------------------------------------------------------------------


class ReleaseCache:
    """A small, thread-safe LRU of results keyed by (release number, what, arguments).

    A release never changes, so an entry never goes stale; entries of older releases are
    dropped as soon as a newer release number is seen. Cached values are shared: callers
    must not modify them (frames are copied before they are handed out).
    """

    def __init__(self, maxsize: int = 256) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._release: int | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, release: int, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value of ``key`` for ``release``, computing it once if needed."""
        full = (release, key)
        with self._lock:
            if self._release is None or release > self._release:
                self._items.clear()
                self._release = release
            if full in self._items:
                self._items.move_to_end(full)
                self.hits += 1
                return self._items[full]  # type: ignore[no-any-return]
            self.misses += 1
        value = compute()
        with self._lock:
            if release >= (self._release or 0):
                self._items[full] = value
                self._items.move_to_end(full)
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._release = None


def _cached(
    cache: ReleaseCache | None, release: ReleaseInfo, key: Hashable, compute: Callable[[], T]
) -> T:
    return compute() if cache is None else cache.get(release.number, key, compute)


# --- values -----------------------------------------------------------------------------------


def _release_frame(
    conn: Connection, release: ReleaseInfo, cache: ReleaseCache | None
) -> pd.DataFrame:
    """Every value of the release (shared when cached: never modify it)."""
    return _cached(cache, release, ("frame",), lambda: q.release_values(conn, release.id))


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def _select(
    frame: pd.DataFrame,
    *,
    kpi: str | None = None,
    geo_level: str | None = None,
    geo_code: str | None = None,
    period_type: str | None = None,
    period: str | None = None,
) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for column, value in (
        ("kpi", kpi),
        ("geo_level", geo_level),
        ("geo_code", geo_code),
        ("period_type", period_type),
        ("period", period),
    ):
        if value is not None:
            mask &= frame[column] == value
    return frame[mask]


@dataclass(frozen=True)
class PublishedValues:
    """Values of the latest release (``release`` is None before the first release)."""

    release: ReleaseInfo | None
    frame: pd.DataFrame


def all_values(
    conn: Connection,
    *,
    kpi: str | None = None,
    geo_level: str | None = None,
    geo_code: str | None = None,
    period_type: str | None = None,
    period: str | None = None,
    cache: ReleaseCache | None = None,
) -> PublishedValues:
    """The values of the latest release, optionally filtered (exact matches), in the order
    KPI, geographic level, place, period type, period end. ValueError for a geographic level or
    a period type that does not exist. The frame is the caller's own copy."""
    _check_choice("geo_level", geo_level, GEO_LEVELS)
    _check_choice("period_type", period_type, PERIOD_TYPES)
    release = latest(conn, cache)
    if release is None:
        return PublishedValues(None, pd.DataFrame(columns=list(VALUE_COLUMNS)))
    args = (kpi, geo_level, geo_code, period_type, period)

    def compute() -> pd.DataFrame:
        frame = _release_frame(conn, release, cache)
        selected = _select(
            frame,
            kpi=kpi,
            geo_level=geo_level,
            geo_code=geo_code,
            period_type=period_type,
            period=period,
        )
        return selected.reset_index(drop=True)

    frame = compute() if not any(args) else _cached(cache, release, ("values", args), compute)
    return PublishedValues(release, frame.copy())


# --- series and cards -----------------------------------------------------------------------


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _status(value: Any) -> Status | None:
    """The stored status; None where none was judged (a place without a trajectory of its own:
    divisions, districts without their own target)."""
    if value is None or value != value:
        return None
    try:
        return Status(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class Point:
    """One published value of a KPI for a place and a period."""

    period: str
    period_end: int
    value: float | None
    planned: float | None
    status: Status | None
    """None: not judged (the place has no trajectory of its own)"""
    numerator: float | None
    denominator: float | None
    completeness: float | None
    flagged: bool
    received: float | None = None
    """district returns received for the period (None where not known)"""
    expected: float | None = None
    """district returns expected for the period"""


def _point(r: Any) -> Point:
    """A point from a row of a values frame (a named tuple of ``itertuples``)."""
    return Point(
        period=str(r.period),
        period_end=int(r.period_end),
        value=_num(r.value),
        planned=_num(r.planned),
        status=_status(r.status),
        numerator=_num(r.numerator),
        denominator=_num(r.denominator),
        completeness=_num(r.completeness),
        flagged=bool(r.flagged),
        received=_num(getattr(r, "received", None)),
        expected=_num(getattr(r, "expected", None)),
    )


def _points(rows: pd.DataFrame) -> tuple[Point, ...]:
    return tuple(_point(r) for r in rows.sort_values("period_end").itertuples(index=False))


def _trimmed(points: tuple[Point, ...]) -> tuple[Point, ...]:
    """From the first to the last point with a value (nothing if none has one)."""
    with_value = [i for i, p in enumerate(points) if p.value is not None]
    if not with_value:
        return ()
    return points[with_value[0] : with_value[-1] + 1]


def province_target(catalog: Catalog, kpi: str) -> Target | None:
    return next((t for t in catalog.targets_of(kpi) if t.is_province), None)


def place_trajectory(
    catalog: Catalog,
    kpi: str,
    geo_level: str,
    geo_code: str | None,
    plans: Mapping[tuple[str, str], Trajectory] | None = None,
) -> Trajectory | None:
    """The trajectory a place is judged against: the province's, or a district's own (from
    its own target); None for a division or a district without a target of its own.
    ``plans``: :func:`dbmis.kpis.trajectory.trajectories` of the catalog, if already built."""
    from dbmis.kpis.trajectory import PROVINCE, trajectories

    plans = trajectories(catalog) if plans is None else plans
    if geo_level == "province":
        return plans.get((kpi, PROVINCE))
    if geo_level == "district" and geo_code is not None:
        return plans.get((kpi, geo_code))
    return None


def judged_period_type(catalog: Catalog, kpi: Kpi) -> str:
    """The period type a KPI's headline figure is shown for: the quarter, unless its province
    target is set for a (fiscal) year, or the KPI is only assessed by (fiscal) year."""
    target = province_target(catalog, kpi.code)
    fy = catalog.roadmap.fiscal_year_start_month
    if target is not None:
        kind = parse_period(target.target.period, fy).type
        if kind in (PeriodType.year, PeriodType.fiscal_year):
            return kind.value
    if "quarter" in kpi.assessed_on:
        return "quarter"
    return kpi.assessed_on[0]


@dataclass(frozen=True)
class HeadlineCard:
    """A headline KPI on the front page: the latest value of the province and its status."""

    kpi: str
    priority: str
    name: str
    short_name: str
    definition: str
    unit: str
    decimals: int
    direction: str
    period_type: str
    latest: Point | None
    status: Status
    status_label: str
    target: Target | None
    series: tuple[Point, ...]


def headline_cards(
    conn: Connection, catalog: Catalog, lang: str, *, cache: ReleaseCache | None = None
) -> list[HeadlineCard]:
    """One card per headline KPI (in catalog order), from the latest release; empty before
    the first release."""
    return kpi_cards(conn, catalog, lang, headline_only=True, cache=cache)


def kpi_cards(
    conn: Connection,
    catalog: Catalog,
    lang: str,
    *,
    headline_only: bool = False,
    cache: ReleaseCache | None = None,
) -> list[HeadlineCard]:
    """A card (the province's latest value, status and trend) per KPI, in catalog order: every
    KPI, or the headline ones only. Empty before the first release."""
    release = latest(conn, cache)
    if release is None:
        return []

    def compute() -> list[HeadlineCard]:
        frame = _release_frame(conn, release, cache)
        province = _select(frame, geo_level="province", geo_code=catalog.roadmap.province_code)
        cards = []
        for kpi in catalog.headline_kpis if headline_only else catalog.kpis:
            kind = judged_period_type(catalog, kpi)
            points = _trimmed(_points(_select(province, kpi=kpi.code, period_type=kind)))
            last = next((p for p in reversed(points) if p.value is not None), None)
            status = (last.status if last is not None else None) or Status.no_data
            cards.append(
                HeadlineCard(
                    kpi=kpi.code,
                    priority=kpi.priority,
                    name=kpi.name.get(lang),
                    short_name=kpi.short_name.get(lang),
                    definition=kpi.definition.get(lang),
                    unit=kpi.unit.value,
                    decimals=kpi.decimals,
                    direction=kpi.direction.value,
                    period_type=kind,
                    latest=last,
                    status=status,
                    status_label=status_label(status, lang),
                    target=province_target(catalog, kpi.code),
                    series=points[-HEADLINE_POINTS:],
                )
            )
        return cards

    return _cached(cache, release, ("cards", lang, headline_only), compute)


@dataclass(frozen=True)
class KpiSeries:
    """A KPI's published values for one place and one period type, oldest first."""

    release: ReleaseInfo
    kpi: str
    geo_level: str
    geo_code: str
    period_type: str
    points: tuple[Point, ...]

    @property
    def latest(self) -> Point | None:
        return next((p for p in reversed(self.points) if p.value is not None), None)


def _geo_check(catalog: Catalog, geo_level: str, geo_code: str) -> None:
    _check_choice("geo_level", geo_level, GEO_LEVELS)
    known = {
        "province": {catalog.roadmap.province_code},
        "division": set(catalog.division_by_code),
        "district": set(catalog.district_by_code),
    }[geo_level]
    if geo_code not in known:
        raise NotFoundError(f"no {geo_level} {geo_code!r}")


def kpi_series(
    conn: Connection,
    catalog: Catalog,
    kpi: str,
    geo_level: str = "province",
    geo_code: str | None = None,
    period_type: str | None = None,
    *,
    cache: ReleaseCache | None = None,
) -> KpiSeries | None:
    """The published series of a KPI for a place (the province by default) and a period type
    (the one its headline figure uses by default), from its first to its last value. None before
    the first release; NotFoundError for an unknown KPI or place, ValueError for a bad level or
    period type."""
    if kpi not in catalog.kpi_by_code:
        raise NotFoundError(f"no KPI {kpi!r}")
    code = geo_code or catalog.roadmap.province_code
    _geo_check(catalog, geo_level, code)
    _check_choice("period_type", period_type, PERIOD_TYPES)
    kind = period_type or judged_period_type(catalog, catalog.kpi_by_code[kpi])
    release = latest(conn, cache)
    if release is None:
        return None

    def compute() -> KpiSeries:
        frame = _release_frame(conn, release, cache)
        rows = _select(frame, kpi=kpi, geo_level=geo_level, geo_code=code, period_type=kind)
        return KpiSeries(release, kpi, geo_level, code, kind, _trimmed(_points(rows)))

    return _cached(cache, release, ("series", kpi, geo_level, code, kind), compute)


@dataclass(frozen=True)
class DistrictValue:
    district: str
    division: str
    point: Point | None
    rank: int | None
    """1 = best among the districts with a value (by the KPI's direction), None without one"""


@dataclass(frozen=True)
class DistrictComparison:
    release: ReleaseInfo
    kpi: str
    period_type: str
    period: str | None
    province: Point | None
    rows: tuple[DistrictValue, ...]
    """every district of the catalog: best first, districts without a value last (by code)"""


def district_comparison(
    conn: Connection,
    catalog: Catalog,
    kpi: str,
    period_type: str | None = None,
    period: str | None = None,
    *,
    cache: ReleaseCache | None = None,
) -> DistrictComparison | None:
    """Every district's value of a KPI for one period (by default the latest period of the
    type with any district value), ranked best first. None before the first release."""
    if kpi not in catalog.kpi_by_code:
        raise NotFoundError(f"no KPI {kpi!r}")
    _check_choice("period_type", period_type, PERIOD_TYPES)
    spec = catalog.kpi_by_code[kpi]
    kind = period_type or judged_period_type(catalog, spec)
    release = latest(conn, cache)
    if release is None:
        return None

    def compute() -> DistrictComparison:
        frame = _release_frame(conn, release, cache)
        rows = _select(frame, kpi=kpi, geo_level="district", period_type=kind)
        chosen = period
        if chosen is None:
            with_value = rows[rows["value"].notna()]
            if not with_value.empty:
                chosen = str(with_value.sort_values("period_end")["period"].iloc[-1])
        at = rows[rows["period"] == chosen] if chosen is not None else rows.iloc[0:0]
        by_code = {str(r.geo_code): _point(r) for r in at.itertuples(index=False)}
        province_rows = _select(
            frame,
            kpi=kpi,
            geo_level="province",
            geo_code=catalog.roadmap.province_code,
            period_type=kind,
            period=chosen,
        )
        province = _points(province_rows)[0] if chosen is not None and len(province_rows) else None
        up = spec.direction.value == "up"
        valued = sorted(
            (c for c, p in by_code.items() if p.value is not None),
            key=lambda c: (-(by_code[c].value or 0.0) if up else (by_code[c].value or 0.0), c),
        )
        ranks = {c: i + 1 for i, c in enumerate(valued)}
        others = sorted(d.code for d in catalog.districts if d.code not in ranks)
        ordered = [*valued, *others]
        return DistrictComparison(
            release=release,
            kpi=kpi,
            period_type=kind,
            period=chosen,
            province=province,
            rows=tuple(
                DistrictValue(
                    district=c,
                    division=catalog.district_by_code[c].division,
                    point=by_code.get(c),
                    rank=ranks.get(c),
                )
                for c in ordered
                if c in catalog.district_by_code
            ),
        )

    return _cached(cache, release, ("districts", kpi, kind, period), compute)


@dataclass(frozen=True)
class ProfileRow:
    """One KPI in a district profile: the district's latest value and the province's value
    for the same period."""

    kpi: str
    period_type: str
    district: Point | None
    province: Point | None


@dataclass(frozen=True)
class DistrictProfile:
    release: ReleaseInfo
    district: str
    division: str
    rows: tuple[ProfileRow, ...]


def district_profile(
    conn: Connection, catalog: Catalog, district: str, *, cache: ReleaseCache | None = None
) -> DistrictProfile | None:
    """Every KPI of a district (catalog order): its latest published value and the province's
    value for the same period. None before the first release; NotFoundError for an unknown
    district."""
    if district not in catalog.district_by_code:
        raise NotFoundError(f"no district {district!r}")
    release = latest(conn, cache)
    if release is None:
        return None

    def compute() -> DistrictProfile:
        frame = _release_frame(conn, release, cache)
        mine = _select(frame, geo_level="district", geo_code=district)
        province = _select(frame, geo_level="province", geo_code=catalog.roadmap.province_code)
        rows = []
        for kpi in catalog.kpis:
            kind = judged_period_type(catalog, kpi)
            points = _points(_select(mine, kpi=kpi.code, period_type=kind))
            last = next((p for p in reversed(points) if p.value is not None), None)
            prov = None
            if last is not None:
                same = _points(
                    _select(province, kpi=kpi.code, period_type=kind, period=last.period)
                )
                prov = same[0] if same else None
            rows.append(ProfileRow(kpi.code, kind, last, prov))
        return DistrictProfile(
            release=release,
            district=district,
            division=catalog.district_by_code[district].division,
            rows=tuple(rows),
        )

    return _cached(cache, release, ("district", district), compute)


# --- the web app's handle ---------------------------------------------------------------------


class PublicSite:
    """The public data of one web app: a database, a catalog and the app's own caches (data,
    and drawn pages: :meth:`page`). Each method opens one read transaction."""

    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        cache: ReleaseCache | None = None,
        pages: ReleaseCache | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.cache = cache if cache is not None else ReleaseCache()
        self.pages = pages if pages is not None else ReleaseCache(PAGE_CACHE_SIZE)
        self._plans: dict[tuple[str, str], Trajectory] | None = None
        self._plans_lock = threading.Lock()
        self._clock = clock
        self._demo_seen: tuple[float, bool] | None = None
        self._latest_seen: tuple[float, ReleaseInfo | None, bool] | None = None

    def _holds_demo(self, conn: Connection, release: ReleaseInfo | None) -> bool:
        """:func:`holds_demo_data`, with the look for demo submissions (a scan of the
        submissions when there are none) trusted for :data:`DEMO_MARKER_TTL` seconds."""
        if release is not None and release.is_demo:
            return True
        now = self._clock()
        seen = self._demo_seen
        if seen is not None and 0 <= now - seen[0] < DEMO_MARKER_TTL:
            return seen[1]
        found = holds_demo_data(conn, None)
        self._demo_seen = (now, found)
        return found

    def page(self, release: ReleaseInfo, key: Hashable, draw: Callable[[], T]) -> T:
        """Something drawn from ``release`` alone (with the catalog), such as a public page,
        drawn once per ``key`` and kept until a newer release (a separate LRU, so pages never
        push the data out). ``key`` must hold everything else the drawing depends on. What is
        returned is shared: never modify it."""
        return self.pages.get(release.number, key, draw)

    def latest(self) -> ReleaseInfo | None:
        with self.db.read() as conn:
            return latest(conn, self.cache)

    def releases(self) -> list[ReleaseInfo]:
        with self.db.read() as conn:
            return list_releases(conn)

    def release(self, number: int) -> ReleaseInfo:
        with self.db.read() as conn:
            return get_release(conn, number)

    def demo(self) -> bool:
        """Whether the site shows demo data (:func:`holds_demo_data`; the look for demo
        submissions is trusted for :data:`DEMO_MARKER_TTL` seconds)."""
        with self.db.read() as conn:
            return self._holds_demo(conn, latest(conn, self.cache))

    def latest_and_demo(self) -> tuple[ReleaseInfo | None, bool]:
        """:meth:`latest` and :meth:`demo` in one read transaction (the latest release is
        read every time: a new release shows at once)."""
        with self.db.read() as conn:
            release = latest(conn, self.cache)
            return release, self._holds_demo(conn, release)

    def latest_and_demo_recent(self, max_age: float) -> tuple[ReleaseInfo | None, bool]:
        """:meth:`latest_and_demo` as this site read it at most ``max_age`` seconds ago (read
        again when older): a newer release shows at most ``max_age`` seconds after it is
        published. Only published releases are ever read, so nothing unpublished can show."""
        now = self._clock()
        seen = self._latest_seen
        if seen is not None and 0 <= now - seen[0] < max_age:
            return seen[1], seen[2]
        release, demo = self.latest_and_demo()
        self._latest_seen = (now, release, demo)
        return release, demo

    def headline_cards(self, lang: str) -> list[HeadlineCard]:
        with self.db.read() as conn:
            return headline_cards(conn, self.catalog, lang, cache=self.cache)

    def kpi_cards(self, lang: str, *, headline_only: bool = False) -> list[HeadlineCard]:
        with self.db.read() as conn:
            return kpi_cards(
                conn, self.catalog, lang, headline_only=headline_only, cache=self.cache
            )

    def kpi_series(
        self,
        kpi: str,
        geo_level: str = "province",
        geo_code: str | None = None,
        period_type: str | None = None,
    ) -> KpiSeries | None:
        with self.db.read() as conn:
            return kpi_series(
                conn, self.catalog, kpi, geo_level, geo_code, period_type, cache=self.cache
            )

    def district_comparison(
        self, kpi: str, period_type: str | None = None, period: str | None = None
    ) -> DistrictComparison | None:
        with self.db.read() as conn:
            return district_comparison(
                conn, self.catalog, kpi, period_type, period, cache=self.cache
            )

    def trajectory(
        self, kpi: str, geo_level: str = "province", geo_code: str | None = None
    ) -> Trajectory | None:
        """:func:`place_trajectory` (the catalog's trajectories are built once per site: they
        depend on the catalog only, not on a release)."""
        from dbmis.kpis.trajectory import trajectories

        with self._plans_lock:
            if self._plans is None:
                self._plans = trajectories(self.catalog)
            plans = self._plans
        return place_trajectory(self.catalog, kpi, geo_level, geo_code, plans)

    def district_profile(self, district: str) -> DistrictProfile | None:
        with self.db.read() as conn:
            return district_profile(conn, self.catalog, district, cache=self.cache)

    def values(self, **filters: str | None) -> PublishedValues:
        with self.db.read() as conn:
            return all_values(conn, cache=self.cache, **filters)  # type: ignore[arg-type]


__all__ = [
    "GEO_LEVELS",
    "PERIOD_TYPES",
    "VALUE_COLUMNS",
    "DistrictComparison",
    "DistrictProfile",
    "DistrictValue",
    "HeadlineCard",
    "KpiSeries",
    "Point",
    "ProfileRow",
    "PublicSite",
    "PublishedValues",
    "ReleaseCache",
    "ReleaseInfo",
    "all_values",
    "district_comparison",
    "district_profile",
    "get_release",
    "headline_cards",
    "holds_demo_data",
    "judged_period_type",
    "kpi_cards",
    "kpi_series",
    "latest",
    "list_releases",
    "place_trajectory",
    "province_target",
]
