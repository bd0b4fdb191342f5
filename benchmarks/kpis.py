"""KPI roll-ups: a full recompute of ``kpi_value`` against pandas and against the floor.

For each warehouse (the demo warehouse, and a national-scale synthetic one: 160 districts in
30 divisions, the default catalog's 60 indicators and 12 KPIs, 10 years monthly, about 1.15M
observations) and each database (SQLite, PostgreSQL), in one run, best of ``repeats``:

- **sql**: :func:`dbmis.kpis.rollup.recompute`: the roll-up in the database (one
  ``INSERT ... SELECT``), then plan and status for the values that have a trajectory;
- **pandas**: the same roll-up done the straightforward way: fetch the approved observations
  once, ``groupby`` in pandas, write the rows back (COPY on PostgreSQL, executemany on SQLite),
  then the same plan and status step. It is also the independent oracle of the tests: both
  must give the same numbers, and every run checks that they do;
- **floor**: one bare ``SELECT indicator_id, district_id, month, SUM(value) ... GROUP BY``
  over every observation, all rows fetched: touching the data once costs at least this.

Targets: sql at least 3x faster than pandas, and within 5x of the floor, on both databases.
The figures go to ``docs/benchmarks.md`` under "KPI roll-ups" (that section only). Other
processes on the machine slow all three alike only on average: the runs are interleaved and
the best of five is kept, and the load average is recorded beside the figures.

    python -m benchmarks.kpis            # full run, writes docs/benchmarks.md
    python -m benchmarks.kpis --quick    # small smoke run, prints only
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import re
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dbmis.catalog import Catalog, load_catalog
from dbmis.catalog.models import District, Division, LatLon, Temporal, Text
from dbmis.kpis.rollup import (
    PERIOD_TYPES,
    build_spec,
    month_range_of,
    plan_and_status,
    recompute,
)
from dbmis.periods import month_range, period_of
from dbmis.warehouse import Database, sync_catalog, upgrade
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries import rollup as q
from dbmis.warehouse.queries.observations import insert_observations
from dbmis.warehouse.queries.submissions import NewSubmission, insert_submission, set_status
from dbmis.warehouse.schema import submission
from dbmis.warehouse.types import utcnow

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "KPI roll-ups"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PANDAS_TARGET = 3.0  # sql at least this many times faster than pandas
FLOOR_TARGET = 5.0  # sql at most this many times the floor

VALUE_FIELDS = ("numerator", "denominator", "value", "completeness")
COUNT_FIELDS = ("received", "expected", "flagged", "period_end")
KEY = ["kpi", "geo_level", "geo_code", "period_type", "period"]


# --- the pandas roll-up (benchmark competitor and test oracle) -------------------------------


def _members(catalog: Catalog) -> pd.DataFrame:
    """kpi, indicator, cn, cd: what each indicator adds to the KPI's N and D (weights 0/0)."""
    rows = []
    for k in catalog.kpis:
        for code in k.numerator:
            ind = catalog.indicator_by_code[code]
            if ind.temporal is Temporal.average:
                rows += [(k.code, code, 1, 1), (k.code, ind.weight, 0, 0)]
            else:
                rows.append((k.code, code, 1, 0))
        rows += [(k.code, code, 0, 1) for code in k.denominator]
    return pd.DataFrame(rows, columns=["kpi", "indicator", "cn", "cd"])


def rollup_pandas(
    catalog: Catalog, obs: pd.DataFrame, *, first_month: int, through_month: int
) -> pd.DataFrame:
    """Every KPI x place x period from approved observations (district, indicator, month,
    value; codes), written plainly with pandas. Same rules as :mod:`dbmis.kpis.rollup`."""
    fs = catalog.roadmap.fiscal_year_start_month
    roadmap = catalog.roadmap
    months = month_range(first_month, through_month)
    districts = [d.code for d in catalog.districts]
    division_of = {d.code: d.division for d in catalog.districts}
    temporal = {i.code: str(i.temporal) for i in catalog.indicators}
    members = _members(catalog)
    n_ind = members.groupby("kpi").size().rename("n_ind")
    obs = obs[obs["month"].between(first_month, through_month) & obs["district"].isin(districts)]
    obs = obs[obs["indicator"].isin(set(members["indicator"]))]

    # what each observation adds: the value; an average adds value x weight and the weight
    parts = [obs.assign(nv=obs["value"], dv=obs["value"])]
    averages = {c for c in members["indicator"] if temporal[c] == "average"}
    parts[0] = parts[0][~parts[0]["indicator"].isin(averages)]
    for code in sorted(averages):
        weight = catalog.indicator_by_code[code].weight
        a = obs[obs["indicator"] == code]
        w = obs[obs["indicator"] == weight][["district", "month", "value"]]
        both = a.merge(w, on=["district", "month"], suffixes=("", "_w"))
        parts.append(
            both.assign(nv=both["value"] * both["value_w"], dv=both["value_w"])[
                ["district", "indicator", "month", "value", "nv", "dv"]
            ]
        )
    contrib = pd.concat(parts, ignore_index=True)
    contrib["temporal"] = contrib["indicator"].map(temporal)

    # received: district-months in which every member of the KPI was reported
    present = obs[["indicator", "district", "month"]].merge(members, on="indicator")
    counts = present.groupby(["kpi", "district", "month"]).size().rename("count").reset_index()
    counts = counts.join(n_ind, on="kpi")
    counts["r"] = (counts["count"] == counts["n_ind"]).astype(int)

    out = []
    for period_type in PERIOD_TYPES:
        periods = {m: period_of(m, period_type, fs) for m in months}
        label = {m: p.label for m, p in periods.items()}
        expected = pd.Series([p.label for p in periods.values()]).value_counts()
        ends = {p.label: p.last for p in periods.values()}
        c = contrib.assign(period=contrib["month"].map(label))
        stocks = (
            c[c["temporal"] == "last"]
            .sort_values("month")
            .groupby(["indicator", "district", "period"], as_index=False)[["nv", "dv"]]
            .last()
        )
        flows = (
            c[c["temporal"] != "last"]
            .groupby(["indicator", "district", "period"], as_index=False)[["nv", "dv"]]
            .sum()
        )
        agg = pd.concat([stocks, flows], ignore_index=True).merge(members, on="indicator")
        agg["n"] = agg["cn"] * agg["nv"]
        agg["d"] = agg["cd"] * agg["dv"]
        nd = agg.groupby(["kpi", "district", "period"])[["n", "d"]].sum()
        r = (
            counts.assign(period=counts["month"].map(label))
            .groupby(["kpi", "district", "period"])["r"]
            .sum()
        )
        grid = pd.MultiIndex.from_product(
            [[k.code for k in catalog.kpis], districts, list(ends)],
            names=["kpi", "district", "period"],
        )
        dist = nd.reindex(grid, fill_value=0.0).join(r.reindex(grid, fill_value=0)).reset_index()
        dist["e"] = dist["period"].map(expected)
        dist["division"] = dist["district"].map(division_of)
        sums = ["n", "d", "r", "e"]
        levels = [
            dist.rename(columns={"district": "geo_code"}).assign(geo_level="district"),
            dist.groupby(["kpi", "division", "period"], as_index=False)[sums]
            .sum()
            .rename(columns={"division": "geo_code"})
            .assign(geo_level="division"),
            dist.groupby(["kpi", "period"], as_index=False)[sums]
            .sum()
            .assign(geo_level="province", geo_code=roadmap.province_code),
        ]
        frame = pd.concat([lv[["kpi", "geo_level", "geo_code", "period", *sums]] for lv in levels])
        frame["period_type"] = str(period_type)
        frame["period_end"] = frame["period"].map(ends)
        out.append(frame)
    frame = pd.concat(out, ignore_index=True)

    kpis = catalog.kpi_by_code
    has_den = frame["kpi"].map(
        {
            k.code: bool(k.denominator)
            or any(catalog.indicator_by_code[c].temporal is Temporal.average for c in k.numerator)
            for k in catalog.kpis
        }
    )
    factor = frame["kpi"].map({c: k.factor for c, k in kpis.items()})
    ratio = (factor * frame["n"]) / frame["d"].where(frame["d"] != 0)
    value = ratio.where(has_den, factor * frame["n"]).where(frame["r"] > 0)
    completeness = frame["r"] / frame["e"]
    return pd.DataFrame(
        {
            "kpi": frame["kpi"],
            "geo_level": frame["geo_level"],
            "geo_code": frame["geo_code"],
            "period_type": frame["period_type"],
            "period": frame["period"],
            "period_end": frame["period_end"].astype("int64"),
            "numerator": frame["n"].astype(float),
            "denominator": frame["d"].astype(float).where(has_den),
            "value": value.astype(float),
            "received": frame["r"].astype("int64"),
            "expected": frame["e"].astype("int64"),
            "completeness": completeness.astype(float),
            "flagged": completeness < roadmap.completeness_threshold,
        }
    ).reset_index(drop=True)


def fetch_observations(conn: Any, catalog: Catalog, first: int, through: int) -> pd.DataFrame:
    """Approved observations of the KPIs' indicators, with codes (the pandas path's fetch)."""
    indicator_ids = dimensions.indicator_ids(conn)
    codes = set(_members(catalog)["indicator"])
    raw = q.effective_observations(
        conn,
        indicator_ids=[indicator_ids[c] for c in codes],
        first_month=first,
        through_month=through,
    )
    indicator_code = {v: k for k, v in indicator_ids.items()}
    district_code = {v: k for k, v in dimensions.district_ids(conn).items()}
    return pd.DataFrame(
        {
            "district": raw["district_id"].map(district_code),
            "indicator": raw["indicator_id"].map(indicator_code),
            "month": raw["month"].astype("int64"),
            "value": raw["value"].astype(float),
        }
    )


def recompute_pandas(
    db: Database, catalog: Catalog, *, timings: dict[str, float] | None = None
) -> int:
    """The full recompute through pandas: fetch, roll up, write, plan and status.

    ``timings``, if given, receives the seconds of each stage (``fetch``, ``rollup``,
    ``store``, ``status``); taking them adds a clock read between stages, nothing else."""
    stages = timings if timings is not None else {}
    with db.write() as conn:
        mark = time.perf_counter()
        span = month_range_of(conn, catalog)
        if span is None:
            return 0
        obs = fetch_observations(conn, catalog, *span)
        stages["fetch"], mark = time.perf_counter() - mark, time.perf_counter()
        frame = rollup_pandas(catalog, obs, first_month=span[0], through_month=span[1])
        frame["kpi_id"] = frame["kpi"].map(dimensions.kpi_ids(conn))
        stages["rollup"], mark = time.perf_counter() - mark, time.perf_counter()
        rows = q.write_kpi_values(conn, frame, computed_at=utcnow())
        stages["store"], mark = time.perf_counter() - mark, time.perf_counter()
        spec = build_spec(conn, catalog, first_month=span[0], through_month=span[1])
        q.set_planned_status(conn, plan_and_status(conn, catalog, spec))
        stages["status"] = time.perf_counter() - mark
        return rows


def compare(stored: pd.DataFrame, oracle: pd.DataFrame, *, rtol: float = 1e-9) -> list[str]:
    """Differences between stored values and the oracle's (empty when they agree)."""
    a = stored.set_index(KEY).sort_index()
    b = oracle.set_index(KEY).sort_index()
    problems = []
    if not a.index.equals(b.index):
        missing, extra = b.index.difference(a.index), a.index.difference(b.index)
        problems.append(f"keys differ: {len(missing)} missing {list(missing[:3])}, ")
        problems.append(f"{len(extra)} extra {list(extra[:3])}")
        return problems
    for column in COUNT_FIELDS:
        bad = a[column].to_numpy() != b[column].to_numpy()
        if bad.any():
            problems.append(f"{column}: {int(bad.sum())} rows differ, e.g. {a.index[bad][0]}")
    for column in VALUE_FIELDS:
        x, y = a[column].to_numpy(float), b[column].to_numpy(float)
        same = np.isclose(x, y, rtol=rtol, atol=1e-12) | (np.isnan(x) & np.isnan(y))
        if not same.all():
            i = int(np.flatnonzero(~same)[0])
            problems.append(
                f"{column}: {int((~same).sum())} rows differ, e.g. {a.index[i]}: {x[i]} != {y[i]}"
            )
    return problems


# --- warehouses ------------------------------------------------------------------------------


def synthetic_catalog(districts: int = 160, divisions: int = 30) -> Catalog:
    """The default catalog with its geography grown to ``districts`` in ``divisions``.

    Keeps the default districts (so their targets stay meaningful) when there are enough;
    the added districts and divisions are labelled synthetic.
    """
    base = load_catalog()
    own = list(base.districts)[:districts]
    own_divisions = [d for d in base.divisions if any(x.division == d.code for x in own)]
    extra_divisions = [
        Division(code=f"SYN_DIV_{i:02d}", name=Text(en=f"Synthetic division {i}", ur=f"{i}"))
        for i in range(max(divisions - len(own_divisions), 0 if districts <= len(own) else 1))
    ]
    extra = [
        District(
            code=f"SYN_D{i:03d}",
            division=extra_divisions[i % len(extra_divisions)].code,
            name=Text(en=f"Synthetic district {i}", ur=f"{i}"),
            centroid=LatLon(lat=25 + (i % 10) * 0.5, lon=62 + (i // 10) * 0.5),
            outline=None,
            outline_note=None,
        )
        for i in range(districts - len(own))
    ]
    geography = base.geography.model_copy(
        update={"divisions": own_divisions + extra_divisions, "districts": own + extra}
    )
    targets = tuple(
        t for t in base.targets if t.is_province or set(t.scope) <= {d.code for d in own}
    )
    return dataclasses.replace(base, geography=geography, targets=targets)


def _values(catalog: Catalog, months: list[int], seed: int, missing: float) -> pd.DataFrame:
    """Random but plausible values for every district x indicator x month, with returns
    (district x institution x month) missing at the rate ``missing``."""
    rng = np.random.default_rng(seed)
    districts = [d.code for d in catalog.districts]
    institutions = [i.code for i in catalog.institutions]
    D, T = len(districts), len(months)
    size = rng.lognormal(0, 0.6, size=D)[:, None]
    frames = []
    sent = rng.random((D, len(institutions), T)) >= missing
    for ind in catalog.indicators:
        if ind.temporal is Temporal.average:
            base = rng.uniform(max(ind.min, 0), 60 if ind.max is None else min(ind.max, 60), (D, T))
        elif ind.temporal is Temporal.last:
            base = np.round(size * rng.uniform(200, 400) * rng.uniform(0.9, 1.1, (D, T)))
        else:
            base = rng.poisson(size * rng.uniform(5, 50), (D, T)).astype(float)
        keep = sent[:, institutions.index(ind.institution), :]
        dd, tt = np.nonzero(keep)
        frames.append(
            pd.DataFrame(
                {
                    "district": np.asarray(districts)[dd],
                    "institution": ind.institution,
                    "indicator": ind.code,
                    "month": np.asarray(months)[tt],
                    "value": base[dd, tt],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def load_values(db: Database, catalog: Catalog, values: pd.DataFrame, *, bulk: bool) -> int:
    """Approved submissions (one per district x institution x year) and their observations.

    ``bulk=False`` goes through ``insert_submission`` + ``set_status`` per file (the demo);
    ``bulk=True`` inserts the approved submission rows in one executemany (national scale),
    and adds, for 1% of the keys, a newer revision still waiting for review whose values
    (doubled) must not count.
    """
    sync_catalog(db, catalog)
    values = values.assign(year=values["month"] // 100)
    keys = values[["district", "institution", "year"]].drop_duplicates().to_numpy().tolist()
    now = utcnow()
    with db.write() as conn:
        district_ids = dimensions.district_ids(conn)
        institution_ids = dimensions.institution_ids(conn)
        indicator_ids = dimensions.indicator_ids(conn)
        rows: list[dict[str, Any]] = [
            {
                "district_id": district_ids[d],
                "institution_id": institution_ids[i],
                "year": int(y),
                "sha256": f"{n:064x}",
                "source_kind": "csv",
                "filename": f"{d}-{i}-{y}.csv",
                "size_bytes": 1,
            }
            for n, (d, i, y) in enumerate(keys)
        ]
        sub_ids: list[int] = []
        pending: list[tuple[int, int]] = []  # (index of key, id of the unapproved revision)
        if bulk:
            full = [
                {
                    **r,
                    "revision": 1,
                    "status": "approved",
                    "is_current": True,
                    "uploaded_at": now,
                    "approved_at": now,
                    "reviewed_at": now,
                    "is_demo": True,
                }
                for r in rows
            ]
            result = conn.execute(
                submission.insert().returning(submission.c.id, sort_by_parameter_order=True), full
            )
            sub_ids = [row[0] for row in result]
            for n in range(0, len(keys), 100):
                key = rows[n]
                newer = insert_submission(
                    conn, NewSubmission(**{**key, "sha256": f"{n + 1:064x}"}, is_demo=True)
                )
                pending.append((n, newer.id))
        else:
            for r in rows:
                s = insert_submission(conn, NewSubmission(**r, is_demo=True), now=now)
                set_status(conn, s.id, "approved", reviewer_id=None, now=now)
                sub_ids.append(s.id)
        key_index = {tuple(k): n for n, k in enumerate(keys)}
        idx = [
            key_index[k]
            for k in zip(values["district"], values["institution"], values["year"], strict=True)
        ]
        frame = pd.DataFrame(
            {
                "submission_id": np.asarray(sub_ids)[idx],
                "indicator_id": values["indicator"].map(indicator_ids).to_numpy(),
                "district_id": values["district"].map(district_ids).to_numpy(),
                "institution_id": values["institution"].map(institution_ids).to_numpy(),
                "month": values["month"].to_numpy(),
                "value": values["value"].to_numpy(float),
            }
        )
        total = insert_observations(conn, _records(frame))
        for n, pending_id in pending:
            sub = frame[np.asarray(idx) == n].assign(
                submission_id=pending_id, value=lambda f: f["value"] * 2
            )
            total += insert_observations(conn, _records(sub))
    return total


def _records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    names = list(frame.columns)
    columns = [frame[c].tolist() for c in names]
    for row in zip(*columns, strict=True):
        yield dict(zip(names, row, strict=True))


@dataclasses.dataclass
class Warehouse:
    """A benchmark warehouse: its catalog and how to fill a migrated database."""

    name: str
    catalog: Catalog
    values: pd.DataFrame
    bulk: bool

    def load(self, db: Database) -> int:
        return load_values(db, self.catalog, self.values, bulk=self.bulk)


def demo_warehouse(first: int = 202201, last: int = 202610) -> Warehouse:
    """The demo dataset of the default catalog (synthetic, labelled demo)."""
    from dbmis.demo import generate

    catalog = load_catalog()
    data = generate(catalog, first_month=first, last_month=last, seed=2022)
    values = data.reported()[["district", "institution", "indicator", "month", "value"]]
    return Warehouse("demo", catalog, values, bulk=False)


def national_warehouse(
    districts: int = 160, divisions: int = 30, years: int = 10, *, missing: float = 0.02
) -> Warehouse:
    """A national-scale synthetic warehouse (160 districts x 60 indicators x 120 months)."""
    catalog = synthetic_catalog(districts, divisions)
    months = month_range(202701 - 100 * years, 202612)
    # reporting starts with the data (no empty years before it)
    roadmap = catalog.roadmap.model_copy(update={"first_reporting_year": months[0] // 100})
    catalog = dataclasses.replace(catalog, roadmap=roadmap)
    values = _values(catalog, months, seed=7, missing=missing)
    name = f"national ({districts} districts, {years} years)"
    return Warehouse(name, catalog, values, bulk=True)


# --- databases -------------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory(prefix="dbmis-bench-") as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        try:
            upgrade(db)
            yield db
        finally:
            db.dispose()


@contextmanager
def postgres_database(admin_url: str | None = None) -> Iterator[Database]:
    """A fresh ``dbmis_bench_<random>`` database, dropped afterwards."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    admin = admin_url or os.environ.get("DBMIS_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = f"dbmis_bench_{secrets.token_hex(4)}"

    def run(statement: sql.Composed) -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(statement)

    run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    db = Database(make_url(admin).set(drivername="postgresql+psycopg", database=name))
    try:
        upgrade(db)
        yield db
    finally:
        db.dispose()
        run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


BACKENDS: dict[str, Callable[[], Any]] = {"sqlite": sqlite_database, "postgres": postgres_database}


# --- measuring -------------------------------------------------------------------------------


def _load_average() -> float | None:
    with suppress(OSError, AttributeError):
        return round(os.getloadavg()[0], 1)
    return None


def _analyse(db: Database) -> None:
    """Fresh statistics after the bulk load, as a DBA would have (autovacuum, PRAGMA optimize)."""
    with db.write() as conn:
        conn.exec_driver_sql("ANALYZE")


def measure(db: Database, warehouse: Warehouse, *, repeats: int) -> dict[str, Any]:
    """Load a warehouse into ``db`` and time floor, sql and pandas; check they agree."""
    started = time.perf_counter()
    observations = warehouse.load(db)
    _analyse(db)
    load_seconds = time.perf_counter() - started
    catalog = warehouse.catalog

    def floor() -> dict[str, float]:
        with db.read() as conn:
            q.month_sums(conn)
        return {}

    def via_sql() -> dict[str, float]:
        return recompute(db, catalog).timings

    def via_pandas() -> dict[str, float]:
        stages: dict[str, float] = {}
        recompute_pandas(db, catalog, timings=stages)
        return stages

    # interleaved (floor, sql, pandas, floor, ...), best of each: the machine's other load
    # hits all three alike; the stage times are those of the best run
    best = {"floor": float("inf"), "sql": float("inf"), "pandas": float("inf")}
    stages: dict[str, dict[str, float]] = {}
    contenders: dict[str, Callable[[], dict[str, float]]] = {
        "floor": floor,
        "sql": via_sql,
        "pandas": via_pandas,
    }
    load_before = _load_average()
    stored = pd.DataFrame()
    for _ in range(repeats):
        for name, fn in contenders.items():
            started = time.perf_counter()
            timings = fn()
            seconds = time.perf_counter() - started
            if seconds < best[name]:
                best[name], stages[name] = seconds, dict(timings)
            if name == "sql":
                with db.read() as conn:
                    stored = q.kpi_values(conn)
    load_after = _load_average()
    floor_s, sql_s, pandas_s = best["floor"], best["sql"], best["pandas"]
    with db.read() as conn:
        pandas_stored = q.kpi_values(conn)
        span = month_range_of(conn, catalog)
        assert span is not None
        oracle = rollup_pandas(
            catalog,
            fetch_observations(conn, catalog, *span),
            first_month=span[0],
            through_month=span[1],
        )
    problems = compare(stored, oracle) + compare(pandas_stored, oracle)
    same_plan = stored[["planned", "status"]].equals(pandas_stored[["planned", "status"]])
    if not same_plan:
        problems.append("planned/status differ between the sql and pandas paths")
    return {
        "warehouse": warehouse.name,
        "database": db.dialect_name,
        "observations": observations,
        "kpi_values": len(stored),
        "load_s": load_seconds,
        "floor_s": floor_s,
        "sql_s": sql_s,
        "pandas_s": pandas_s,
        "pandas_over_sql": pandas_s / sql_s,
        "sql_over_floor": sql_s / floor_s,
        "pass": pandas_s / sql_s >= PANDAS_TARGET and sql_s / floor_s <= FLOOR_TARGET,
        "agree": not problems,
        "problems": problems,
        "load_average": (load_before, load_after),
        "sql_stages": stages.get("sql", {}),
        "pandas_stages": stages.get("pandas", {}),
    }


def run_cases(
    warehouses: Sequence[Warehouse],
    *,
    backends: Sequence[str] = ("sqlite", "postgres"),
    repeats: int = 3,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    results = []
    for warehouse in warehouses:
        for backend in backends:
            if progress:
                progress(f"{warehouse.name} on {backend} ...")
            with BACKENDS[backend]() as db:
                results.append(measure(db, warehouse, repeats=repeats))
            if progress:
                r = results[-1]
                progress(
                    f"  sql {r['sql_s']:.3f}s  pandas {r['pandas_s']:.3f}s  "
                    f"floor {r['floor_s']:.3f}s  agree={r['agree']}"
                )
    return results


def _verdict(r: dict[str, Any]) -> str:
    missed = []
    if r["pandas_over_sql"] < PANDAS_TARGET:
        missed.append("vs pandas")
    if r["sql_over_floor"] > FLOOR_TARGET:
        missed.append("vs floor")
    return "PASS" if not missed else f"MISS ({', '.join(missed)})"


def table(results: Sequence[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| warehouse | database | observations | kpi_value rows | floor (s) | sql (s) | "
        "pandas (s) | pandas / sql (>= 3) | sql / floor (<= 5) | result | same numbers | "
        "load avg |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for r in results:
        before, after = r.get("load_average", (None, None))
        lines.append(
            f"| {r['warehouse']} | {r['database']} | {r['observations']:,} | "
            f"{r['kpi_values']:,} | {r['floor_s']:.3f} | {r['sql_s']:.3f} | "
            f"{r['pandas_s']:.3f} | {r['pandas_over_sql']:.1f}x | {r['sql_over_floor']:.2f}x | "
            f"{_verdict(r)} | {'yes' if r['agree'] else 'NO'} | {before} / {after} |"
        )
    return "\n".join(lines)


SQL_STAGES = ("range", "compute_insert", "keys", "status")
PANDAS_STAGES = ("fetch", "rollup", "store", "status")


def stage_table(results: Sequence[dict[str, Any]]) -> str:
    """Seconds by stage of the best sql and the best pandas run, as a Markdown table."""
    lines = [
        "| warehouse | database | sql: range | sql: compute + insert | sql: keys | "
        "sql: plan + status | pandas: fetch | pandas: groupby | pandas: store | "
        "pandas: plan + status |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        sql = r.get("sql_stages", {})
        pandas = r.get("pandas_stages", {})
        cells = [f"{sql[k]:.3f}" if k in sql else "-" for k in SQL_STAGES]
        cells += [f"{pandas[k]:.3f}" if k in pandas else "-" for k in PANDAS_STAGES]
        lines.append(f"| {r['warehouse']} | {r['database']} | {' | '.join(cells)} |")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with suppress(OSError):
        text = Path("/proc/cpuinfo").read_text()
        if m := re.search(r"^model name\s*:\s*(.+)$", text, re.M):
            cpu = m.group(1).strip()
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pandas {pd.__version__}, SQLite {sqlite3.sqlite_version}"
    )


def postgres_version() -> str:
    with suppress(Exception):
        import psycopg

        admin = os.environ.get("DBMIS_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        with psycopg.connect(admin) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return f"PostgreSQL {row[0]}" if row else "PostgreSQL"
    return "PostgreSQL (unknown version)"


def section(results: Sequence[dict[str, Any]], *, repeats: int) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    return f"""## {SECTION}

`python -m benchmarks.kpis` ({when}; {machine()}, {postgres_version()}, best of {repeats}).
A full recompute of `kpi_value` (every KPI x district/division/province x month/quarter/year/
fiscal year, plan and status included) by `dbmis.kpis.rollup.recompute` (**sql**: one
`INSERT ... SELECT` in the database), against the same roll-up written with pandas
(**pandas**: fetch the approved observations, `groupby`, write back with COPY/executemany,
same plan and status step) and against the **floor** (one bare
`SELECT indicator_id, district_id, month, SUM(value) ... GROUP BY` over every observation,
rows fetched). Targets: sql >= 3x faster than pandas, sql <= 5x the floor. "Same numbers":
stored values equal the pandas oracle's (counts exactly, values to 1e-9). Runs are
interleaved (floor, sql, pandas, floor, ...) and the best of each kept; "load avg" is the
machine's 1-minute load average before and after the case (2 cores: above 2, other work
competed for the CPU, and the wall times carry that noise).

{table(results)}

The previous run (same day, load average 4-16) had pandas / sql 3.1x (demo, SQLite), 1.6x
(demo, PostgreSQL), 2.5x (national, SQLite), 1.7x (national, PostgreSQL) and sql / floor
1.5-3.8x.

Where the time goes, in seconds, of the best sql and the best pandas run of each case
(`RecomputeReport.timings`; the pandas path timed the same way between its stages). sql:
**range** finds the months, **compute + insert** is the `INSERT ... SELECT`, **keys** empties
`kpi_value` and restores its keys (PostgreSQL: TRUNCATE, drop the primary and foreign key,
add them back after the load; SQLite: re-create the table), **plan + status** is the Python
`status_for_period` for the values with a trajectory and one `UPDATE ... FROM (VALUES ...)`.
pandas: **fetch** the approved observations into a DataFrame, **groupby** the roll-up,
**store** the rows (COPY on PostgreSQL, executemany on SQLite, keys included), the same
**plan + status**.

{stage_table(results)}

Profile of the sql path on PostgreSQL (national warehouse, `EXPLAIN (ANALYZE, BUFFERS)` and the
backend's CPU time from `/proc`, because wall times on this machine moved by 2x between
identical runs): of about 4-5 s of backend CPU, the roll-up query itself is about 2.5-3.5 s
(the district-month aggregate, 682k rows into 230k groups with nine sums, is the largest
node, about a fifth of the plan; then the quarter/year/fiscal-year and division/province
aggregates over it, each read once from the materialised district-month CTE), writing the
415k rows about 0.8 s (also when inserted from a ready temporary table, so not the query's
doing), and the primary-key build 0.6-0.7 s. The observations are read once (one bitmap
scan, about 0.3-0.6 s), the small tables are literal VALUES, plan and status are 0.2-0.5 s.
Changed in this round: on PostgreSQL the last join is driven by the KPI x place x period
skeleton enumerated in primary-key order (three sorted lists of 12, 191 and 181 rows in
nested loops) and probes the hashed results, so the rows are stored in key order without
sorting 415k rows, and the primary key is built over presorted rows: its CPU time fell from
0.6-0.7 s to 0.3-0.4 s in four paired runs (the insert unchanged within the noise). Tried
and dropped (no difference beyond the noise in paired runs of backend CPU): sorting the
result by integer ranks of the places and periods (the sort cost more than the index build
saved); the district-month zero grid as a LEFT JOIN instead of rows added before grouping;
fewer aggregates in the district-month step (division and member count joined afterwards);
one scan of `observation` per role (flows, stocks, averages) instead of one CTE read three
times; earlier: DuckDB over the fetched rows, a temporary table with ANALYZE, `COLLATE "C"`
key columns. What bounds the ratio on PostgreSQL is that the store (insert and key build,
1.5 CPU-s) is paid by both paths and the roll-up query already runs at PostgreSQL's
executor speed (about a microsecond per row per plan node); pandas spends its extra time
fetching 414k rows into Python, grouping and sending 415k rows back.
"""


def write_docs(text: str, path: Path = DOCS) -> None:
    """Put ``text`` (a "## KPI roll-ups" section) into ``path``, replacing only that section."""
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^## {re.escape(SECTION)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(existing):
        updated = pattern.sub(lambda _: text.rstrip() + "\n\n", existing)
    else:
        updated = existing.rstrip() + "\n\n" + text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated.rstrip() + "\n", encoding="utf-8")


# --- entry points ----------------------------------------------------------------------------


def run(
    quick: bool = False,
    *,
    backends: Sequence[str] = ("sqlite", "postgres"),
    docs: bool | None = None,
    progress: Callable[[str], None] | None = print,
) -> dict[str, Any]:
    """Run the KPI benchmark; ``quick`` is a small smoke run that does not touch the docs."""
    if quick:
        warehouses = [national_warehouse(districts=20, divisions=4, years=2)]
        repeats = 1
    else:
        warehouses = [demo_warehouse(), national_warehouse()]
        repeats = 5
    results = run_cases(warehouses, backends=backends, repeats=repeats, progress=progress)
    text = table(results)
    if progress:
        progress(text)
    if docs if docs is not None else not quick:
        write_docs(section(results, repeats=repeats))
    return {
        "name": "kpis",
        "results": results,
        "table": text,
        "passed": all(r["pass"] and r["agree"] for r in results),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.kpis", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small smoke run (no docs)")
    parser.add_argument(
        "--backend",
        action="append",
        choices=sorted(BACKENDS),
        help="database(s) to run on (default: both)",
    )
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args(argv)
    outcome = run(
        args.quick,
        backends=args.backend or ("sqlite", "postgres"),
        docs=False if args.no_docs else None,
    )
    return 0 if outcome["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
