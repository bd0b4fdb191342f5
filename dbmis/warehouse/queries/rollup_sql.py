"""The KPI roll-up as one SELECT: approved observations -> ``kpi_value`` rows for every KPI x
place x period.

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
   when D = 0 or nothing was received; the text codes and labels are joined on last (on
   PostgreSQL from the KPI x place x period skeleton in primary-key order, so the rows are
   stored in key order: see ``key_skeleton``).

Every join and GROUP BY is on integers; the small tables (KPI members, districts, periods,
labels) are literal VALUES lists whose first row is CAST, which types them on PostgreSQL and
gives them an affinity on SQLite (so SQLite's automatic indexes serve the joins).

``planned`` and ``status`` are left NULL here; :func:`set_planned_status` fills the rows that
have a trajectory.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select

from dbmis.warehouse.queries.rollup_spec import (
    INT,
    REAL,
    TEXT,
    RollupSpec,
    _id_list,
    _int,
    _km_rows,
    _num,
    _str,
    _stream_ids,
    _values,
    period_end_sql,
)
from dbmis.warehouse.schema import submission


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


# --- the roll-up ---------------------------------------------------------------------------


PERIOD_TYPE_NO = {"month": 1, "quarter": 2, "year": 3, "fiscal_year": 4}


def rollup_select_sql(
    spec: RollupSpec,
    dialect_name: str,
    *,
    extra_column: str = "",
    in_key_order: bool = False,
    key_skeleton: bool = False,
) -> str:
    """The roll-up as one SELECT, columns in the order of :data:`INSERT_COLUMNS`, then
    ``extra_column`` if given (an SQL expression, e.g. a bound parameter).

    Every join and GROUP BY runs on integers (period types, levels and places are numbered);
    the text codes and labels are joined on at the very end (PostgreSQL sorts strings under a
    libc collation several times slower than integers).

    ``in_key_order`` sorts the result by the primary key (ORDER BY on the text columns).
    ``key_skeleton`` instead drives the last join from the KPI x place x period skeleton,
    enumerated in primary-key order (three small sorted lists in nested loops: 12 + 191 +
    181 rows sorted, not 415k), with the computed values hashed: a hash join keeps its outer
    side's order, so the rows usually come out in key order without a sort, and PostgreSQL
    then builds the primary key over presorted rows (its sort notices, on the national
    benchmark about half the index build's CPU). The order is a speed-up only, never relied
    on: whatever plan is chosen, the rows are the same.
    """
    if not spec.kpis or not spec.districts or not spec.periods:
        raise ValueError("nothing to roll up: no KPIs, districts or periods")
    if key_skeleton and (in_key_order or dialect_name != "postgresql"):
        raise ValueError("key_skeleton is for PostgreSQL, without in_key_order")
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
    source, label = (_SKELETON_SOURCE, "g") if key_skeleton else (_PLAIN_SOURCE, "l")
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
SELECT a.kpi_id, g.geo_level, g.geo_code, {label}.period_type, {label}.label AS period,
  a.period_end,
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
{source}{order}
"""


_PLAIN_SOURCE = """FROM allgeo a
CROSS JOIN kp CROSS JOIN places g CROSS JOIN labels l
WHERE kp.kpi_id = a.kpi_id AND g.level_no = a.level_no AND g.geo_no = a.geo_no
  AND l.ptype = a.ptype AND l.period_end = a.period_end"""

# OFFSET 0 keeps the skeleton one subquery (nested loops in the written order); its row
# estimate is exact (the product of the lists), the computed side's is far too low, so the
# planner hashes the computed side and probes with the skeleton.
_SKELETON_SOURCE = """FROM (
  SELECT k.kpi_id AS k_id, p.level_no AS k_level, p.geo_no AS k_geo, p.geo_level, p.geo_code,
    b.ptype AS k_ptype, b.period_end AS k_end, b.period_type, b.label
  FROM (SELECT kpi_id FROM kp ORDER BY kpi_id) k
  CROSS JOIN (SELECT * FROM places ORDER BY geo_level, geo_code) p
  CROSS JOIN (SELECT * FROM labels ORDER BY period_type, label) b
  OFFSET 0
) g
JOIN allgeo a ON a.kpi_id = g.k_id AND a.level_no = g.k_level AND a.geo_no = g.k_geo
  AND a.ptype = g.k_ptype AND a.period_end = g.k_end
JOIN kp ON kp.kpi_id = a.kpi_id"""


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
