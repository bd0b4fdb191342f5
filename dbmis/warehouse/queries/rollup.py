"""KPI roll-ups in SQL: approved observations -> ``kpi_value`` for every KPI x geography x period.

The caller (:mod:`dbmis.kpis.rollup`) turns the catalog into a :class:`RollupSpec` (ids,
roles, periods); this module only speaks SQL. One ``INSERT ... SELECT`` does the whole
roll-up inside the database, the same text on SQLite and PostgreSQL:

1. ``eo``: the observations of the effective approved revisions
   (:func:`effective_ids`, the set of ``approved.effective_submission_ids``), only the indicators
   the KPIs use, only the catalog's districts, months ``first_month..through_month``.
2. ``stream``: one row per (indicator, district, month) with what it adds to a numerator
   (``nv``) and to a denominator (``dv``), and whether it counts in a quarter, year and fiscal
   year (``lq``, ``ly``, ``lf``):

   - flows (``sum``): the value, counted in every period;
   - stocks (``last``): the value, counted in a period only if it is the district's last
     reported month of that period. One window, ``LEAD(month)`` per (indicator, district),
     answers it for the three period types at once: the row is the last of its period when the
     next reported month is past the period's end (cheaper than a ROW_NUMBER per period type);
   - averages: paired with their weight in the same district-month (a GROUP BY rather than a
     self-join, which planners misjudge): ``nv = value x weight``,
     ``dv = weight``; a district-month without both contributes nothing.
3. ``ks`` / ``dm``: (KPI, district, month): ``SUM(cn x nv)`` and ``SUM(cd x dv)`` for months,
   quarters, years and fiscal years, where ``km`` gives each KPI member its coefficients
   (numerator 1/0, denominator 0/1, an average in the numerator 1/1, its weight 0/0), and
   ``r = 1`` when every member was reported. A zero row for every KPI x district x month is
   added before grouping, so a district that reported nothing is there too (``r = 0``).
4. ``dq``, ``dy``, ``df``: district quarters from months, years and fiscal years from quarters
   (fiscal years from months when they do not start with a quarter); months map to their
   period's last month arithmetically (``YYYYMM`` -> month index -> period end), and
   ``expected`` counts the months in range (up to ``through_month``).
5. ``dv`` and the province: divisions add their districts' N, D, received and expected, and
   the province adds the divisions'.
6. ``value = factor x N / D`` (a ratio of sums; ``factor x N`` without a denominator), NULL
   when D = 0 or nothing was received; the text codes and labels are joined on last.

Every join and GROUP BY is on integers; the small tables (KPI members, districts, periods,
labels) are literal VALUES lists whose first row is CAST, which types them on PostgreSQL and
gives them an affinity on SQLite (so SQLite's automatic indexes serve the joins).

``planned`` and ``status`` are left NULL here; :func:`set_planned_status` fills the rows that
have a trajectory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import pandas as pd
from sqlalchemy import (
    Connection,
    Select,
    bindparam,
    exists,
    func,
    select,
    text,
    tuple_,
)
from sqlalchemy.schema import AddConstraint, DropConstraint

from dbmis.warehouse.queries.releases import FRAME_COLUMNS
from dbmis.warehouse.schema import kpi as kpi_table
from dbmis.warehouse.schema import kpi_value, observation, submission
from dbmis.warehouse.types import UtcDateTime

Side = Literal["numerator", "denominator"]
Temporal = Literal["sum", "last", "average"]

_SAFE_TEXT = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def effective_ids() -> Select[tuple[int]]:
    """The ids of the effective approved revisions: the same set as
    :func:`~dbmis.warehouse.queries.approved.effective_submission_ids` (a key's newest revision
    with ``approved_at`` set), phrased as an anti-join ("no newer approved revision") because
    PostgreSQL estimates that well, and a hash join over all observations follows; the
    join-to-MAX form is estimated at one row and draws a nested loop of index scans, five times
    slower on the national benchmark. A test proves the two sets equal.
    """
    s = submission.alias("s")
    newer = submission.alias("newer")
    return select(s.c.id).where(
        s.c.approved_at.is_not(None),
        ~exists().where(
            newer.c.district_id == s.c.district_id,
            newer.c.institution_id == s.c.institution_id,
            newer.c.year == s.c.year,
            newer.c.approved_at.is_not(None),
            newer.c.revision > s.c.revision,
        ),
    )


@dataclass(frozen=True)
class Member:
    """One indicator of a KPI side; ``weight_id`` for an average indicator."""

    indicator_id: int
    side: Side
    temporal: Temporal
    weight_id: int | None = None


@dataclass(frozen=True)
class KpiSpec:
    kpi_id: int
    factor: float
    members: tuple[Member, ...]

    @property
    def averaged(self) -> bool:
        return any(m.temporal == "average" for m in self.members)

    @property
    def has_denominator(self) -> bool:
        """A ratio, or a weighted average (its denominator is the sum of weights)."""
        return self.averaged or any(m.side == "denominator" for m in self.members)


@dataclass(frozen=True)
class DistrictSpec:
    district_id: int
    code: str
    division_code: str


@dataclass(frozen=True)
class PeriodSpec:
    """A period to compute: its type, last month, label and expected months (in range)."""

    period_type: str
    period_end: int
    label: str
    months: int


@dataclass(frozen=True)
class RollupSpec:
    kpis: tuple[KpiSpec, ...]
    districts: tuple[DistrictSpec, ...]
    periods: tuple[PeriodSpec, ...]
    province_code: str
    first_month: int
    through_month: int
    fiscal_start_month: int
    threshold: float


# --- month arithmetic in SQL ---------------------------------------------------------------


def _index(month: str) -> str:
    """YYYYMM -> months since year 0 (integer division on both dialects)."""
    return f"(({month}) / 100 * 12 + ({month}) % 100 - 1)"


def period_end_sql(month: str, period_type: str, fiscal_start_month: int = 7) -> str:
    """SQL for the last month (YYYYMM) of the period of ``period_type`` holding ``month``."""
    if period_type == "month":
        return f"({month})"
    size, offset = {
        "quarter": (3, 0),
        "year": (12, 0),
        "fiscal_year": (12, int(fiscal_start_month) - 1),
    }[period_type]
    i = _index(month)
    end = f"({i} - (({i} - {offset}) % {size}) + {size - 1})"
    return f"({end} / 12 * 100 + {end} % 12 + 1)"


# --- literal tables --------------------------------------------------------------------------


def _int(value: int) -> str:
    return str(int(value))


def _num(value: float) -> str:
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {value!r}")
    return repr(number)


def _str(value: str) -> str:
    if not _SAFE_TEXT.match(value):
        raise ValueError(f"unexpected characters in {value!r}")
    return f"'{value}'"


def _values(rows: Iterable[Sequence[str]], types: Sequence[str]) -> str:
    """A VALUES list; the first row's items are CAST to ``types``, which types the columns
    for PostgreSQL and gives them an affinity on SQLite (so that an automatic index on them
    can serve a join with a typed column)."""
    out = []
    for n, row in enumerate(rows):
        if n == 0:
            row = [f"CAST({item} AS {t})" for item, t in zip(row, types, strict=True)]
        out.append(f"({', '.join(row)})")
    return ", ".join(out)


INT, TEXT, REAL = "INTEGER", "VARCHAR(40)", "DOUBLE PRECISION"


def _id_list(ids: Iterable[int]) -> str:
    out = sorted({int(i) for i in ids})
    return ", ".join(map(str, out)) if out else "NULL"


def _km_rows(spec: RollupSpec) -> list[tuple[str, ...]]:
    """(kpi_id, indicator_id, cn, cd, n_ind): what each member adds to N and D."""
    rows: list[tuple[str, ...]] = []
    for k in spec.kpis:
        members: list[tuple[int, int, int]] = []
        for m in k.members:
            if m.temporal == "average":
                if m.side != "numerator" or m.weight_id is None:
                    raise ValueError(
                        f"kpi {k.kpi_id}: an average indicator must be in the numerator, "
                        "with a weight"
                    )
                members += [(m.indicator_id, 1, 1), (m.weight_id, 0, 0)]
            elif m.side == "numerator":
                members.append((m.indicator_id, 1, 0))
            else:
                members.append((m.indicator_id, 0, 1))
        if k.averaged and any(m.side == "denominator" for m in k.members):
            raise ValueError(f"kpi {k.kpi_id}: a weighted average cannot have a denominator")
        rows += [
            (_int(k.kpi_id), _int(i), _int(cn), _int(cd), _int(len(members)))
            for i, cn, cd in members
        ]
    return rows


def _stream_ids(spec: RollupSpec) -> tuple[set[int], set[int], set[tuple[int, int]]]:
    """Flow ids, stock ids and (average, weight) pairs the KPIs read.

    A weight that no KPI uses as a stock is read as a flow: as a weight it only has to be
    present (its own row adds nothing, ``cn = cd = 0``), so how it rolls up does not matter.
    """
    temporal_of: dict[int, str] = {}
    averages: set[tuple[int, int]] = set()
    for k in spec.kpis:
        for m in k.members:
            if m.temporal == "average" and m.weight_id is not None:
                averages.add((m.indicator_id, m.weight_id))
                temporal_of.setdefault(m.weight_id, "sum")
    for k in spec.kpis:
        for m in k.members:
            temporal_of[m.indicator_id] = m.temporal
    flows = {i for i, t in temporal_of.items() if t == "sum"}
    stocks = {i for i, t in temporal_of.items() if t == "last"}
    return flows, stocks, averages


# --- the roll-up ---------------------------------------------------------------------------


PERIOD_TYPE_NO = {"month": 1, "quarter": 2, "year": 3, "fiscal_year": 4}


def rollup_select_sql(
    spec: RollupSpec, dialect_name: str, *, extra_column: str = "", in_key_order: bool = False
) -> str:
    """The roll-up as one SELECT, columns in the order of :data:`INSERT_COLUMNS`, then
    ``extra_column`` if given (an SQL expression, e.g. a bound parameter).

    Every join and GROUP BY runs on integers (period types, levels and places are numbered);
    the text codes and labels are joined on at the very end (PostgreSQL sorts strings under a
    libc collation several times slower than integers).
    """
    if not spec.kpis or not spec.districts or not spec.periods:
        raise ValueError("nothing to roll up: no KPIs, districts or periods")
    fs = spec.fiscal_start_month
    qe, fe = (period_end_sql("month", t, fs) for t in ("quarter", "fiscal_year"))
    sqe, sye, sfe = (period_end_sql("s.month", t, fs) for t in ("quarter", "year", "fiscal_year"))
    flows, stocks, averages = _stream_ids(spec)
    used = flows | stocks | {a for a, _ in averages}
    effective = str(
        effective_ids().compile(
            dialect=_dialect(dialect_name), compile_kwargs={"literal_binds": True}
        )
    )
    km = _values(_km_rows(spec), (INT,) * 5)
    avgw = _values(((_int(a), _int(w)) for a, w in sorted(averages)), (INT, INT)) or (
        "(CAST(NULL AS INTEGER), CAST(NULL AS INTEGER))"
    )
    divisions = sorted({d.division_code for d in spec.districts})
    division_no = {code: n for n, code in enumerate(divisions, start=1)}
    geo = _values(
        ((_int(d.district_id), _int(division_no[d.division_code])) for d in spec.districts),
        (INT, INT),
    )
    places = _values(
        [
            *((_int(1), _int(d.district_id), "'district'", _str(d.code)) for d in spec.districts),
            *((_int(2), _int(n), "'division'", _str(code)) for code, n in division_no.items()),
            (_int(3), _int(0), "'province'", _str(spec.province_code)),
        ],
        (INT, INT, TEXT, TEXT),
    )
    per = _values(
        (
            (_int(PERIOD_TYPE_NO[p.period_type]), _int(p.period_end), _int(p.months))
            for p in spec.periods
        ),
        (INT, INT, INT),
    )
    labels = _values(
        (
            (
                _int(PERIOD_TYPE_NO[p.period_type]),
                _int(p.period_end),
                _str(p.period_type),
                _str(p.label),
            )
            for p in spec.periods
        ),
        (INT, INT, TEXT, TEXT),
    )
    kp = _values(
        ((_int(k.kpi_id), _num(k.factor), _int(1 if k.has_denominator else 0)) for k in spec.kpis),
        (INT, REAL, INT),
    )
    district_ids = _id_list(d.district_id for d in spec.districts)
    qye = period_end_sql("qend", "year")
    if (fs - 1) % 3 == 0:  # fiscal years are whole quarters: add up the quarters
        qfe = period_end_sql("qend", "fiscal_year", fs)
        fiscal = (
            f"SELECT kpi_id, district_id, division_no, {qfe} AS period_end, SUM(n_f) AS n,\n"
            f"    SUM(d_f) AS d, SUM(r) AS r, SUM(e) AS e\n"
            f"  FROM dq GROUP BY kpi_id, district_id, division_no, {qfe}"
        )
    else:
        fiscal = (
            f"SELECT kpi_id, district_id, division_no, {fe} AS period_end, SUM(n_f) AS n,\n"
            f"    SUM(d_f) AS d, SUM(r) AS r, COUNT(*) AS e\n"
            f"  FROM dm GROUP BY kpi_id, district_id, division_no, {fe}"
        )
    extra = f",\n  {extra_column}" if extra_column else ""
    order = (
        "\nORDER BY a.kpi_id, g.geo_level, g.geo_code, l.period_type, l.label"
        if in_key_order
        else ""
    )
    last = "CASE WHEN s.nxt IS NULL OR s.nxt > {end} THEN 1 ELSE 0 END"
    return f"""
WITH
eff AS ({effective}),
km (kpi_id, indicator_id, cn, cd, n_ind) AS (VALUES {km}),
avgw (avg_id, weight_id) AS (VALUES {avgw}),
geo (district_id, division_no) AS (VALUES {geo}),
per (ptype, period_end, months) AS (VALUES {per}),
kp (kpi_id, factor, has_den) AS (VALUES {kp}),
eo AS (
  SELECT o.indicator_id, o.district_id, o.month, o.value
  FROM observation o
  WHERE o.submission_id IN (SELECT id FROM eff)
    AND o.indicator_id IN ({_id_list(used)})
    AND o.district_id IN ({district_ids})
    AND o.month BETWEEN {_int(spec.first_month)} AND {_int(spec.through_month)}
),
stream AS (
  SELECT indicator_id, district_id, month, value AS nv, value AS dv, 1 AS lq, 1 AS ly, 1 AS lf
  FROM eo WHERE indicator_id IN ({_id_list(flows)})
  UNION ALL
  SELECT s.indicator_id, s.district_id, s.month, s.value, s.value,
    {last.format(end=sqe)}, {last.format(end=sye)}, {last.format(end=sfe)}
  FROM (
    SELECT indicator_id, district_id, month, value,
      LEAD(month) OVER (PARTITION BY indicator_id, district_id ORDER BY month) AS nxt
    FROM eo WHERE indicator_id IN ({_id_list(stocks)})
  ) s
  UNION ALL
  SELECT avg_id, district_id, month, a * w, w, 1, 1, 1
  FROM (
    SELECT p.avg_id, e.district_id, e.month,
      MAX(CASE WHEN e.indicator_id = p.avg_id THEN e.value END) AS a,
      MAX(CASE WHEN e.indicator_id = p.weight_id THEN e.value END) AS w
    FROM eo e JOIN avgw p ON e.indicator_id = p.avg_id OR e.indicator_id = p.weight_id
    GROUP BY p.avg_id, e.district_id, e.month
  ) aw
  WHERE a IS NOT NULL AND w IS NOT NULL
),
ks AS (
  SELECT km.kpi_id, s.district_id, CAST(NULL AS INTEGER) AS division_no, s.month,
    km.cn * s.nv AS n, km.cd * s.dv AS d, s.lq, s.ly, s.lf, 1 AS got, km.n_ind
  FROM stream s JOIN km ON km.indicator_id = s.indicator_id
  UNION ALL
  SELECT kp.kpi_id, geo.district_id, geo.division_no, per.period_end, 0, 0, 0, 0, 0, 0,
    CAST(NULL AS INTEGER)
  FROM kp CROSS JOIN geo CROSS JOIN per
  WHERE per.ptype = 1
),
dm AS (
  SELECT kpi_id, district_id, MAX(division_no) AS division_no, month,
    SUM(n) AS n_m, SUM(d) AS d_m, SUM(n * lq) AS n_q, SUM(d * lq) AS d_q,
    SUM(n * ly) AS n_y, SUM(d * ly) AS d_y, SUM(n * lf) AS n_f, SUM(d * lf) AS d_f,
    CASE WHEN SUM(got) = MAX(n_ind) THEN 1 ELSE 0 END AS r
  FROM ks GROUP BY kpi_id, district_id, month
),
dq AS (
  SELECT kpi_id, district_id, division_no, {qe} AS qend,
    SUM(n_q) AS n_q, SUM(d_q) AS d_q, SUM(n_y) AS n_y, SUM(d_y) AS d_y,
    SUM(n_f) AS n_f, SUM(d_f) AS d_f, SUM(r) AS r, COUNT(*) AS e
  FROM dm GROUP BY kpi_id, district_id, division_no, {qe}
),
dy AS (
  SELECT kpi_id, district_id, division_no, {qye} AS period_end,
    SUM(n_y) AS n, SUM(d_y) AS d, SUM(r) AS r, SUM(e) AS e
  FROM dq GROUP BY kpi_id, district_id, division_no, {qye}
),
df AS (
  {fiscal}
),
dp AS (
  SELECT kpi_id, district_id, division_no, 1 AS ptype, month AS period_end,
    n_m AS n, d_m AS d, r, 1 AS e
  FROM dm
  UNION ALL
  SELECT kpi_id, district_id, division_no, 2, qend, n_q, d_q, r, e FROM dq
  UNION ALL
  SELECT kpi_id, district_id, division_no, 3, period_end, n, d, r, e FROM dy
  UNION ALL
  SELECT kpi_id, district_id, division_no, 4, period_end, n, d, r, e FROM df
),
dv AS (
  SELECT kpi_id, division_no, 1 AS ptype, month AS period_end, SUM(n_m) AS n, SUM(d_m) AS d,
    SUM(r) AS r, COUNT(*) AS e
  FROM dm GROUP BY kpi_id, division_no, month
  UNION ALL
  SELECT kpi_id, division_no, 2, qend, SUM(n_q), SUM(d_q), SUM(r), SUM(e)
  FROM dq GROUP BY kpi_id, division_no, qend
  UNION ALL
  SELECT kpi_id, division_no, 3, period_end, SUM(n), SUM(d), SUM(r), SUM(e)
  FROM dy GROUP BY kpi_id, division_no, period_end
  UNION ALL
  SELECT kpi_id, division_no, 4, period_end, SUM(n), SUM(d), SUM(r), SUM(e)
  FROM df GROUP BY kpi_id, division_no, period_end
),
allgeo AS (
  SELECT kpi_id, 1 AS level_no, district_id AS geo_no, ptype, period_end, n, d, r, e FROM dp
  UNION ALL
  SELECT kpi_id, 2, division_no, ptype, period_end, n, d, r, e FROM dv
  UNION ALL
  SELECT kpi_id, 3, 0, ptype, period_end, SUM(n), SUM(d), SUM(r), SUM(e)
  FROM dv GROUP BY kpi_id, ptype, period_end
),
places (level_no, geo_no, geo_level, geo_code) AS (VALUES {places}),
labels (ptype, period_end, period_type, label) AS (VALUES {labels})
SELECT a.kpi_id, g.geo_level, g.geo_code, l.period_type, l.label AS period, a.period_end,
  a.n AS numerator,
  CASE WHEN kp.has_den = 1 THEN a.d END AS denominator,
  CASE
    WHEN a.r = 0 THEN NULL
    WHEN kp.has_den = 0 THEN kp.factor * a.n
    WHEN a.d = 0 THEN NULL
    ELSE kp.factor * a.n / a.d
  END AS value,
  a.r AS received, a.e AS expected,
  CAST(a.r AS DOUBLE PRECISION) / a.e AS completeness,
  CAST(a.r AS DOUBLE PRECISION) / a.e < {_num(spec.threshold)} AS flagged{extra}
FROM allgeo a
CROSS JOIN kp CROSS JOIN places g CROSS JOIN labels l
WHERE kp.kpi_id = a.kpi_id AND g.level_no = a.level_no AND g.geo_no = a.geo_no
  AND l.ptype = a.ptype AND l.period_end = a.period_end{order}
"""


INSERT_COLUMNS = (
    "kpi_id",
    "geo_level",
    "geo_code",
    "period_type",
    "period",
    "period_end",
    "numerator",
    "denominator",
    "value",
    "received",
    "expected",
    "completeness",
    "flagged",
)


def _dialect(name: str) -> Any:
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.dialect()
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect()


_PG_SETTINGS = {
    "work_mem": "256MB",
    "maintenance_work_mem": "256MB",
    "enable_nestloop": "off",
    "enable_mergejoin": "off",
    "enable_sort": "off",
    "jit": "off",
}
"""Planner settings for the roll-up statement only (SET LOCAL, reset after it).

PostgreSQL cannot estimate the rows of the CTEs over literal VALUES tables and guesses a few
dozen where there are hundreds of thousands; it then picks nested loops (one plan looped a
415k-row scan 191 times) and sort-based joins and aggregates. The roll-up is a batch job where
hash joins and hash aggregates are always right, so the other choices are switched off (a
cross join, or a window's ORDER BY, still gets its nested loop or sort). Switched-off plans
carry huge costs, which would trigger JIT compilation (seconds): JIT is off too."""


SQLITE_CACHE_KIB = 262_144
"""SQLite page cache (KiB, an upper bound) while ``kpi_value`` is refilled: with the default
2 MB, inserting the national roll-up into the primary key's index thrashed it (twice as slow)."""


@contextmanager
def _pg_settings(conn: Connection, settings: Mapping[str, str]) -> Iterator[None]:
    """PostgreSQL settings for the block, in the caller's transaction, then back as they were."""
    previous = {
        name: conn.execute(select(func.current_setting(name))).scalar_one() for name in settings
    }
    for name, value in settings.items():
        conn.execute(select(func.set_config(name, value, True)))
    yield
    for name, value in previous.items():
        conn.execute(select(func.set_config(name, value, True)))


@contextmanager
def replacing_kpi_values(conn: Connection) -> Iterator[None]:
    """Empty ``kpi_value``; the block refills it (a bulk load) in the caller's transaction.

    PostgreSQL follows its manual's recipe for populating a table: TRUNCATE, drop the primary
    key and the foreign key, load, add them back (one index build by sort and one anti-join
    check instead of 400k index insertions and 400k trigger queries: on the national benchmark
    2.5 s instead of 6.5 s). A DELETE would also leave every old row and index entry behind
    until vacuumed, and each new row's unique check would visit its dead twin. The price: the
    table is locked until the commit, so a reader of ``kpi_value`` waits for the recompute
    (seconds) instead of reading the old values; published figures live in
    ``release_kpi_value`` and are not touched. The planner settings of :data:`_PG_SETTINGS`
    hold for the block.

    SQLite: drop the table and create it again with the statements it was created with (from
    ``sqlite_master``: the table, and any index or trigger a migration gave it), because a
    DELETE visits every row when foreign keys are on (1-3 s against 0.1 s); with a larger page
    cache for the block. Readers keep reading the old values until the commit (WAL).

    If anything fails, the caller's rollback restores it all.
    """
    if conn.dialect.name == "postgresql":
        with _pg_settings(conn, _PG_SETTINGS):
            conn.execute(text("TRUNCATE kpi_value"))
            foreign_keys = sorted(kpi_value.foreign_key_constraints, key=lambda c: str(c.name))
            for constraint in (*foreign_keys, kpi_value.primary_key):
                conn.execute(DropConstraint(constraint))
            yield
            for constraint in (kpi_value.primary_key, *foreign_keys):
                conn.execute(AddConstraint(constraint))
        return
    # the table exactly as migrated (its indexes and triggers too), not as the metadata says
    ddl = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'kpi_value' AND sql IS NOT NULL "
        "ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END"
    ).all()
    cache = conn.execute(text("PRAGMA cache_size")).scalar_one()
    conn.execute(text(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}"))
    try:
        conn.exec_driver_sql("DROP TABLE kpi_value")
        for (statement,) in ddl:
            conn.exec_driver_sql(statement)
        yield
    finally:
        conn.execute(text(f"PRAGMA cache_size = {int(cache)}"))


def replace_kpi_values(conn: Connection, spec: RollupSpec, *, computed_at: datetime) -> int:
    """Replace every ``kpi_value`` row with the roll-up of ``spec``; returns the rows.

    Runs in the caller's (write) transaction; see :func:`replacing_kpi_values` for what readers
    see meanwhile.
    """
    select_sql = rollup_select_sql(
        spec,
        conn.dialect.name,
        extra_column=":computed_at",
        # SQLite fills the primary key's index faster in key order; PostgreSQL builds it after
        in_key_order=conn.dialect.name == "sqlite",
    )
    statement = text(
        f"INSERT INTO kpi_value ({', '.join(INSERT_COLUMNS)}, computed_at)\n{select_sql}"
    ).bindparams(bindparam("computed_at", type_=UtcDateTime))
    with replacing_kpi_values(conn):
        result = conn.execute(statement, {"computed_at": computed_at})
    return int(result.rowcount)


def rollup_rows(conn: Connection, spec: RollupSpec) -> pd.DataFrame:
    """The roll-up as a DataFrame without storing it (ids, not codes; for tests and checks)."""
    rows = conn.execute(text(rollup_select_sql(spec, conn.dialect.name))).all()
    frame = pd.DataFrame(rows, columns=list(INSERT_COLUMNS))
    frame["flagged"] = frame["flagged"].astype(bool)
    return frame


# --- ranges, planned values and status -------------------------------------------------------


def effective_month_range(conn: Connection, indicator_ids: Iterable[int]) -> tuple[int, int] | None:
    """(January of the earliest year, latest month) of the approved data; None if there is none.

    The first month comes from the effective submissions' years (a year's file covers all its
    months); the latest month is the latest month of these indicators in the latest year's
    files (all files if that year has none of them), so only a fraction of the rows is read.
    """
    ids = sorted({int(i) for i in indicator_ids})
    eff = effective_ids().subquery("eff")
    years = conn.execute(
        select(func.min(submission.c.year), func.max(submission.c.year)).where(
            submission.c.id.in_(select(eff.c.id))
        )
    ).one()
    if years[0] is None or not ids:
        return None
    latest_files = select(submission.c.id).where(
        submission.c.id.in_(select(eff.c.id)), submission.c.year == years[1]
    )
    last = None
    for files in (latest_files, select(eff.c.id)):
        last = conn.execute(
            select(func.max(observation.c.month)).where(
                observation.c.submission_id.in_(files), observation.c.indicator_id.in_(ids)
            )
        ).scalar_one()
        if last is not None:
            break
    if last is None:
        return None
    return int(years[0]) * 100 + 1, int(last)


STATUS_KEY = ("kpi_id", "geo_level", "geo_code", "period_type", "period", "value")


def values_for_status(
    conn: Connection, places: Iterable[tuple[int, str, str]]
) -> list[dict[str, Any]]:
    """Stored rows of these (kpi_id, geo_level, geo_code): the key and the value
    (:data:`STATUS_KEY`). The triples are a prefix of the primary key, so both databases
    read them through its index."""
    wanted = sorted({(int(k), str(level), str(code)) for k, level, code in places})
    if not wanted:
        return []
    key = tuple_(kpi_value.c.kpi_id, kpi_value.c.geo_level, kpi_value.c.geo_code)
    query = select(*(kpi_value.c[c] for c in STATUS_KEY)).where(key.in_(wanted))
    return [dict(zip(STATUS_KEY, row, strict=True)) for row in conn.execute(query)]


def set_planned_status(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Set ``planned`` and ``status`` of stored rows (keys as :func:`values_for_status`).

    One ``UPDATE ... FROM`` a literal VALUES table per 5,000 rows (not one UPDATE per row).
    """
    if conn.dialect.name == "postgresql":
        # a few thousand rows of 400k: look each up by its key, never hash them all
        with _pg_settings(conn, {"enable_hashjoin": "off", "enable_mergejoin": "off"}):
            _update_planned_status(conn, rows)
    else:
        _update_planned_status(conn, rows)
    return len(rows)


def _update_planned_status(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    batch = 5_000
    for start in range(0, len(rows), batch):
        values = _values(
            (
                (
                    _int(r["kpi_id"]),
                    _str(r["geo_level"]),
                    _str(r["geo_code"]),
                    _str(r["period_type"]),
                    _str(r["period"]),
                    _planned_literal(r["planned"]),
                    "NULL" if r["status"] is None else _str(r["status"]),
                )
                for r in rows[start : start + batch]
            ),
            (INT, TEXT, TEXT, TEXT, TEXT, REAL, TEXT),
        )
        # only literals made by _values: no parameters, nothing for SQLAlchemy to parse
        conn.exec_driver_sql(
            "WITH v (kpi_id, geo_level, geo_code, period_type, period, planned, status) "
            f"AS (VALUES {values})\n"
            "UPDATE kpi_value SET planned = v.planned, status = v.status FROM v\n"
            "WHERE kpi_value.kpi_id = v.kpi_id AND kpi_value.geo_level = v.geo_level\n"
            "  AND kpi_value.geo_code = v.geo_code AND kpi_value.period_type = v.period_type\n"
            "  AND kpi_value.period = v.period"
        )


def _planned_literal(value: float | None) -> str:
    return "NULL" if value is None or value != value else _num(value)


# --- reading stored values -------------------------------------------------------------------

VALUE_COLUMNS = (*FRAME_COLUMNS, "computed_at")


def _one_or_many(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def kpi_values(
    conn: Connection,
    *,
    kpi: str | Sequence[str] | None = None,
    geo_level: str | Sequence[str] | None = None,
    geo_code: str | Sequence[str] | None = None,
    period_type: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Stored KPI values (:data:`VALUE_COLUMNS`, KPI by code), filtered by any given field.

    Each filter takes one value or a list. Ordered by KPI, level, place, period type and period.
    """
    query = select(
        kpi_table.c.code.label("kpi"), *(kpi_value.c[c] for c in VALUE_COLUMNS[1:])
    ).join(kpi_table, kpi_table.c.id == kpi_value.c.kpi_id)
    filters = {
        kpi_table.c.code: kpi,
        kpi_value.c.geo_level: geo_level,
        kpi_value.c.geo_code: geo_code,
        kpi_value.c.period_type: period_type,
    }
    for column, wanted in filters.items():
        if wanted is not None:
            query = query.where(column.in_(_one_or_many(wanted)))
    query = query.order_by(
        kpi_table.c.code,
        kpi_value.c.geo_level,
        kpi_value.c.geo_code,
        kpi_value.c.period_type,
        kpi_value.c.period_end,
    )
    rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=list(VALUE_COLUMNS))
    for name in ("numerator", "denominator", "value", "completeness", "planned"):
        frame[name] = frame[name].astype("float64")
    for name in ("period_end", "received", "expected"):
        frame[name] = frame[name].astype("int64")
    frame["flagged"] = frame["flagged"].astype(bool)
    return frame


# --- the floor and the raw rows (benchmarks, the pandas oracle) -------------------------------


def month_sums(conn: Connection) -> int:
    """The floor of any roll-up: ``SUM(value)`` per indicator, district and month over every
    observation (all rows fetched); returns the number of groups."""
    query = select(
        observation.c.indicator_id,
        observation.c.district_id,
        observation.c.month,
        func.sum(observation.c.value),
    ).group_by(observation.c.indicator_id, observation.c.district_id, observation.c.month)
    return len(conn.execute(query).all())


def effective_observations(
    conn: Connection,
    *,
    indicator_ids: Iterable[int],
    first_month: int,
    through_month: int,
) -> pd.DataFrame:
    """Approved (effective) observations: indicator_id, district_id, month, value."""
    query = select(
        observation.c.indicator_id,
        observation.c.district_id,
        observation.c.month,
        observation.c.value,
    ).where(
        observation.c.submission_id.in_(effective_ids()),
        observation.c.indicator_id.in_(sorted({int(i) for i in indicator_ids})),
        observation.c.month.between(int(first_month), int(through_month)),
    )
    rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["indicator_id", "district_id", "month", "value"])


def write_kpi_values(conn: Connection, frame: pd.DataFrame, *, computed_at: datetime) -> int:
    """Replace ``kpi_value`` with ready rows: ``kpi_id``, :data:`INSERT_COLUMNS` and optionally
    ``planned``, ``status``. PostgreSQL COPY, SQLite executemany (the pandas benchmark path)."""
    with replacing_kpi_values(conn):
        return _write_rows(conn, frame, computed_at)


def _write_rows(conn: Connection, frame: pd.DataFrame, computed_at: datetime) -> int:
    columns = [c for c in (*INSERT_COLUMNS, "planned", "status") if c in frame.columns]
    lists = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in columns]
    rows = [(*row, computed_at) for row in zip(*lists, strict=True)]
    names = [*columns, "computed_at"]
    if conn.dialect.name == "postgresql":
        driver_conn = conn.connection.driver_connection
        if driver_conn is None:  # pragma: no cover - an open Connection always has one
            raise RuntimeError("the connection is closed")
        statement = f"COPY kpi_value ({', '.join(names)}) FROM STDIN"
        with driver_conn.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return len(rows)
    batch = 20_000
    for start in range(0, len(rows), batch):
        conn.execute(
            kpi_value.insert(),
            [dict(zip(names, row, strict=True)) for row in rows[start : start + batch]],
        )
    return len(rows)


__all__ = [
    "INSERT_COLUMNS",
    "VALUE_COLUMNS",
    "DistrictSpec",
    "KpiSpec",
    "Member",
    "PeriodSpec",
    "RollupSpec",
    "effective_ids",
    "effective_month_range",
    "effective_observations",
    "kpi_values",
    "month_sums",
    "period_end_sql",
    "replace_kpi_values",
    "replacing_kpi_values",
    "rollup_rows",
    "rollup_select_sql",
    "set_planned_status",
    "values_for_status",
    "write_kpi_values",
]
