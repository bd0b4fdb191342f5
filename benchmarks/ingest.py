"""Ingest benchmarks: the real pipeline beside a naive baseline and the floor, in one run.

Cases (data from the demo generator, the default catalog; every row valid):

- ``template``: one filled monthly template (QUETTA, PROSECUTION, 2025), end to end;
- ``longbook``: a 20,000-row long-format workbook (``Data`` sheet: district, institution,
  indicator, period, value);
- ``csv``: a 1,000,000-row long CSV (37 districts x 60 indicators x 2000-01..2038-11, so
  about 13,000 submissions: one per district x institution x year). Its months run to 2038,
  so every ingest here is told that today is 2040-01-01.

Variants, each in a fresh process on a fresh copy of a migrated warehouse:

- ``pipeline``: ``dbmis.ingest.service.ingest()``: safety checks, read, validate (GE), load;
- ``naive-core`` / ``naive-orm`` (workbooks): ``pandas.read_excel(engine="openpyxl")``, then
  one INSERT per row into a plain table: a Core ``insert().values()`` per row, or an ORM
  object added and flushed per row; one transaction;
- ``floor``: the read alone (python-calamine for workbooks; ``pandas.read_csv`` for the CSV)
  and a bare bulk insert of the same rows into an unconstrained table (sqlite3
  ``executemany``; PostgreSQL ``COPY``), one transaction.

Targets (from the issue): the pipeline at least 10x faster than the naive baseline on the
20,000-row workbook; within 3x of the floor on the 1,000,000-row CSV; the CSV's peak memory
under 1.5 GB. Wall time is the best of N runs (N = 1 for the big cases); peak memory is the
worker process's ``ru_maxrss``. ``python -m benchmarks.ingest [--quick]`` runs this module
alone.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from benchmarks.common import (
    Measurement,
    Options,
    Report,
    TargetCheck,
    Warehouses,
    fresh_copy,
    loadavg,
    peak_rss_mb,
    postgres_reachable,
    run_worker,
)


class _Base(DeclarativeBase):
    pass


class NaiveObservation(_Base):
    """The naive baseline's table: the five long columns and an id, nothing else."""

    __tablename__ = "bench_naive_observation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district: Mapped[str] = mapped_column(String(40))
    institution: Mapped[str] = mapped_column(String(40))
    indicator: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)


TODAY = date(2040, 1, 1)
HEADER = ("district", "institution", "indicator", "period", "value")
CSV_MONTHS = (200001, 203812)  # at most: enough for 1,000,000 rows
RECENT_MONTHS = (202201, 202512)  # the template and the long workbook
TEMPLATE_KEY = ("QUETTA", "PROSECUTION", 2025)
WORKBOOK_VARIANTS = ("pipeline", "naive-core", "naive-orm", "floor")
CSV_VARIANTS = ("pipeline", "floor")
MEMORY_LIMIT_MB = 1.5 * 1024


@dataclass(frozen=True)
class Sizes:
    longbook_rows: int
    csv_rows: int
    repeats: dict[str, int]  # timed runs per case (naive variants: at most 3, 1 when big)


FULL = Sizes(20_000, 1_000_000, {"template": 5, "longbook": 3, "csv": 1})
QUICK = Sizes(20_000, 100_000, {"template": 3, "longbook": 2, "csv": 1})


# --- data -----------------------------------------------------------------------------------


def make_files(workdir: Path, sizes: Sizes) -> dict[str, Any]:
    """Write the benchmark files into ``workdir``; returns their paths and row counts."""
    from dbmis.catalog import load_catalog
    from dbmis.demo import filled_workbook, generate
    from dbmis.demo.files import long_frame

    workdir.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog()
    recent = generate(catalog, first_month=RECENT_MONTHS[0], last_month=RECENT_MONTHS[1])
    template = filled_workbook(catalog, recent, *TEMPLATE_KEY)
    long_recent = _sorted(long_frame(recent))
    if len(long_recent) < sizes.longbook_rows:
        raise ValueError(f"the demo data has only {len(long_recent)} rows")
    first, last = _csv_months(sizes)
    bulk = _sorted(long_frame(generate(catalog, first_month=first, last_month=last)))
    if len(bulk) < sizes.csv_rows:
        raise ValueError(f"the demo data has only {len(bulk)} rows for the CSV")
    files = {
        "template": workdir / "template.xlsx",
        "longbook": workdir / "longbook.xlsx",
        "csv": workdir / "bulk.csv",
        "warm-longbook": workdir / "warm-longbook.xlsx",
        "warm-csv": workdir / "warm.csv",
    }
    files["template"].write_bytes(template)
    files["longbook"].write_bytes(long_workbook(long_recent.head(sizes.longbook_rows)))
    files["warm-longbook"].write_bytes(long_workbook(long_recent.tail(50)))
    _write_csv(bulk.head(sizes.csv_rows), files["csv"])
    _write_csv(long_recent.tail(50), files["warm-csv"])
    return {
        "paths": {k: str(v) for k, v in files.items()},
        "rows": {
            "template": int(sum(1 for _ in _template_rows_calamine(template))),
            "longbook": sizes.longbook_rows,
            "csv": sizes.csv_rows,
        },
    }


def _csv_months(sizes: Sizes) -> tuple[int, int]:
    """Months enough for ``csv_rows`` (37 districts x 60 indicators x ~96 % reported is about
    2,130 rows a month); the file is then cut to the exact number of rows."""
    from dbmis.periods import add_months

    first, last = CSV_MONTHS
    return first, min(last, add_months(first, sizes.csv_rows // 2_000 + 12))


def _sorted(frame: Any) -> Any:
    """Rows as a bulk export lists them: by district, institution, period, indicator."""
    out = frame.sort_values(["district", "institution", "period", "indicator"], kind="stable")
    return out.reset_index(drop=True)


def _write_csv(frame: Any, path: Path) -> None:
    frame.to_csv(path, index=False, float_format="%.12g", lineterminator="\n")


def long_workbook(frame: Any) -> bytes:
    """A long-format workbook: a ``Data`` sheet with the header row and one figure per row."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(list(HEADER))
    for d, i, ind, p, v in frame[list(HEADER)].itertuples(index=False, name=None):
        ws.append([d, i, ind, p, float(v)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- the variants (run inside a worker process) ----------------------------------------------


def _pipeline(spec: dict[str, Any]) -> dict[str, Any]:
    from sqlalchemy import text

    import dbmis.ingest.service as service
    from dbmis.catalog import load_catalog
    from dbmis.ingest.evidence import EvidenceStore
    from dbmis.ingest.uploader import Uploader
    from dbmis.ingest.validate.ge_adapter import warm_up
    from dbmis.warehouse import Database

    case, paths = spec["case"], spec["files"]["paths"]
    data = Path(paths[case]).read_bytes()
    filename = "bulk.csv" if case == "csv" else f"{case}.xlsx"
    warm_name = {"template": "template", "longbook": "warm-longbook", "csv": "warm-csv"}[case]
    warm = Path(paths[warm_name]).read_bytes()
    catalog = load_catalog()
    phases = _phase_timers(service)
    warm_up()  # a server imports Great Expectations once, at start-up
    seconds: list[float] = []
    cpu: list[float] = []
    breakdown: dict[str, float] = {}
    counts: dict[str, int] = {}
    values = 0
    for n in range(spec["repeats"]):
        url, drop = fresh_copy(spec["warehouse"], f"{case[:4]}p{n}")
        db = Database(url)
        try:
            evidence = EvidenceStore(Path(spec["warehouse"]["workdir"]) / f"evidence-{n}")
            env = service.IngestEnv(db=db, catalog=catalog, evidence=evidence)
            with db.read() as conn:  # a server's pool is connected already
                conn.execute(text("SELECT 1"))
            if n == 0:  # warm every code path once, writing nothing
                service.ingest(
                    warm, Uploader.system(), env, filename=filename, today=TODAY, dry_run=True
                )
            phases.clear()
            start = time.perf_counter()
            cpu_start = time.process_time()
            result = service.ingest(data, Uploader.system(), env, filename=filename, today=TODAY)
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
            if not result.ok:
                codes = sorted({i.code for i in result.errors})
                raise RuntimeError(f"the pipeline rejected the {case} file: {codes}")
            values = int(result.counts["values"])
            if seconds[-1] == min(seconds):
                breakdown = dict(phases)
                counts = result.counts
        finally:
            db.dispose()
            drop()
    note = ", ".join(f"{k} {v:.2f}s" for k, v in breakdown.items())
    note += (
        f"; {counts.get('submissions', 0):,} submissions, {counts.get('warnings', 0):,} warnings"
    )
    return {"seconds": seconds, "cpu": cpu, "rows": values, "note": note}


def _phase_timers(service: Any) -> dict[str, float]:
    """Time the pipeline's stages (safety+read, validate, load) by wrapping them in place."""
    phases: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    service._prepare = timed("read", service._prepare)
    service.validate_many = timed("validate", service.validate_many)
    service._load = timed("load", service._load)
    return phases


def _naive(spec: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd
    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from dbmis.warehouse import Database

    case, paths, orm = spec["case"], spec["files"]["paths"], spec["variant"] == "naive-orm"
    data = Path(paths[case]).read_bytes()
    model = NaiveObservation
    table = NaiveObservation.__table__
    _naive_rows(pd, Path(paths["template" if case == "template" else "warm-longbook"]), case)
    url, drop = fresh_copy(spec["warehouse"], f"{case[:4]}n")
    db = Database(url)
    seconds: list[float] = []
    cpu: list[float] = []
    rows = 0
    try:
        table.create(db.engine)
        for _ in range(spec["repeats"]):
            with db.write() as conn:
                conn.execute(table.delete())
            start = time.perf_counter()
            cpu_start = time.process_time()
            records = _naive_rows(pd, io.BytesIO(data), case)
            if orm:
                with Session(db.engine) as session, session.begin():
                    for record in records:
                        session.add(model(**record))
                        session.flush()  # one INSERT per row
            else:
                with db.write() as conn:
                    for record in records:
                        conn.execute(insert(table).values(**record))
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
            rows = len(records)
    finally:
        db.dispose()
        drop()
    return {"seconds": seconds, "cpu": cpu, "rows": rows}


def _naive_rows(pd: Any, source: Any, case: str) -> list[dict[str, Any]]:
    """What a first version reads: ``pandas.read_excel(engine="openpyxl")`` and iterrows."""
    from dbmis.ingest import layout as L

    if case == "longbook":
        frame = pd.read_excel(source, engine="openpyxl", dtype={"period": str})
        return [
            {k: (float(v) if k == "value" else str(v)) for k, v in row.items()}
            for _, row in frame.iterrows()
        ]
    sheets = pd.read_excel(source, sheet_name=None, header=None, engine="openpyxl")
    grid, meta = sheets[L.SHEET_DATA], sheets[L.SHEET_META]
    institution = str(meta[meta[0] == "institution"].iloc[0, 1])
    district, year = str(grid.iat[1, 2]), int(grid.iat[2, 2])
    records = []
    for _, row in grid.iloc[L.FIRST_DATA_ROW - 1 :].iterrows():
        for m in range(1, L.MONTHS + 1):
            value = row.iloc[L.month_column(m) - 1]
            if pd.notna(value) and pd.notna(row.iloc[0]):
                records.append(
                    {
                        "district": district,
                        "institution": institution,
                        "indicator": str(row.iloc[0]),
                        "period": f"{year}-{m:02d}",
                        "value": float(value),
                    }
                )
    return records


def _floor(spec: dict[str, Any]) -> dict[str, Any]:
    from dbmis.warehouse import Database

    case, paths = spec["case"], spec["files"]["paths"]
    data = Path(paths[case]).read_bytes()
    read = {"template": _template_rows_calamine, "longbook": _long_rows_calamine}.get(
        case, _csv_rows
    )
    read(Path(paths[{"csv": "warm-csv", "longbook": "warm-longbook"}.get(case, case)]).read_bytes())
    url, drop = fresh_copy(spec["warehouse"], f"{case[:4]}f")
    db = Database(url)
    seconds: list[float] = []
    cpu: list[float] = []
    rows = 0
    try:
        with db.write() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE bench_floor (district TEXT, institution TEXT, indicator TEXT, "
                "period TEXT, value DOUBLE PRECISION)"
            )
        for _ in range(spec["repeats"]):
            with db.write() as conn:
                conn.exec_driver_sql("DELETE FROM bench_floor")
            start = time.perf_counter()
            cpu_start = time.process_time()
            tuples = list(read(data))
            with db.write() as conn:
                _bulk_insert(conn, tuples)
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
            rows = len(tuples)
    finally:
        db.dispose()
        drop()
    return {"seconds": seconds, "cpu": cpu, "rows": rows}


def _bulk_insert(conn: Any, rows: list[tuple[Any, ...]]) -> None:
    """The bare bulk insert: sqlite3 executemany, or COPY, on the transaction's connection."""
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        columns = ", ".join(HEADER)
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY bench_floor ({columns}) FROM STDIN") as cp,
        ):
            for row in rows:
                cp.write_row(row)
        return
    cursor = driver.cursor()
    cursor.executemany("INSERT INTO bench_floor VALUES (?, ?, ?, ?, ?)", rows)
    cursor.close()


def _calamine_sheets(data: bytes, names: tuple[str, ...] | None) -> list[list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        wanted = names or (book.sheet_names[0],)
        return [book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wanted]
    finally:
        book.close()


def _long_rows_calamine(data: bytes) -> list[tuple[Any, ...]]:
    (rows,) = _calamine_sheets(data, None)
    return [tuple(r[:5]) for r in rows[1:]]


def _template_rows_calamine(data: bytes) -> list[tuple[Any, ...]]:
    from dbmis.ingest import layout as L

    grid, meta = _calamine_sheets(data, (L.SHEET_DATA, L.SHEET_META))
    institution = next(str(r[1]) for r in meta if r and r[0] == "institution")
    district, year = str(grid[1][2]), int(grid[2][2])
    out = []
    for row in grid[L.FIRST_DATA_ROW - 1 :]:
        if not row or row[0] == "":
            continue
        for m in range(1, L.MONTHS + 1):
            value = row[L.month_column(m) - 1]
            if value != "":
                out.append((district, institution, row[0], f"{year}-{m:02d}", value))
    return out


def _csv_rows(data: bytes) -> list[tuple[Any, ...]]:
    """The fastest plain read at hand: pyarrow when installed, else pandas' C parser."""
    import pandas as pd

    try:
        import pyarrow  # noqa: F401

        engine = "pyarrow"
    except ImportError:
        engine = "c"
    frame = pd.read_csv(io.BytesIO(data), engine=engine, dtype={"period": str})
    return list(zip(*(frame[c].tolist() for c in HEADER), strict=True))


VARIANT_FUNCTIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "pipeline": _pipeline,
    "naive-core": _naive,
    "naive-orm": _naive,
    "floor": _floor,
}


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one variant of one case (``spec``: case, variant, repeats, files, warehouse)."""
    answer = VARIANT_FUNCTIONS[spec["variant"]](spec)
    answer["peak_rss_mb"] = peak_rss_mb()
    return answer


# --- the run --------------------------------------------------------------------------------


def plan(sizes: Sizes) -> list[tuple[str, str, int]]:
    """(case, variant, repeats) in the order they run."""
    out = []
    for case in ("template", "longbook", "csv"):
        variants = CSV_VARIANTS if case == "csv" else WORKBOOK_VARIANTS
        for variant in variants:
            repeats = sizes.repeats[case]
            if variant.startswith("naive"):
                repeats = 1 if case == "longbook" else min(repeats, 3)
            out.append((case, variant, repeats))
    return out


def run(options: Options, *, in_process: bool = False, sizes: Sizes | None = None) -> Report:
    """Every case and variant on every reachable backend; targets judged on this run."""
    sizes = sizes or (QUICK if options.quick else FULL)
    report = Report("ingest")
    load = loadavg()
    workdir = options.workdir / "ingest"
    started = time.perf_counter()
    if in_process:
        files = make_files(workdir, sizes)
    else:  # in a worker too: the parent stays small (a forked worker starts as big as it)
        files = run_worker(
            "benchmarks.ingest", {"make_files": str(workdir), "sizes": asdict(sizes)}
        )
    report.notes.append(
        f"data: demo generator, default catalog; files written in "
        f"{time.perf_counter() - started:.1f} s; today = {TODAY.isoformat()} for every ingest"
    )
    for backend in options.backends:
        if backend == "postgres" and (why := postgres_reachable(options.postgres_url)):
            report.notes.append(f"postgres skipped: {why}")
            continue
        warehouses = Warehouses(backend, workdir, options.postgres_url)
        try:
            warehouses.create()
            for case, variant, repeats in plan(sizes):
                spec = {
                    "case": case,
                    "variant": variant,
                    "repeats": repeats,
                    "files": files,
                    "warehouse": warehouses.spec(),
                }
                answer = measure(spec) if in_process else run_worker("benchmarks.ingest", spec)
                m = Measurement(
                    case=case,
                    backend=backend,
                    variant=variant,
                    rows=int(answer["rows"]),
                    seconds=[float(s) for s in answer["seconds"]],
                    cpu_seconds=[float(s) for s in answer.get("cpu", [])],
                    peak_rss_mb=float(answer["peak_rss_mb"]),
                    note=answer.get("note", ""),
                )
                report.measurements.append(m)
                print(
                    f"  {backend:<8} {case:<9} {variant:<10} best {m.best:8.3f} s  "
                    f"{m.rows:>9,} rows  peak {m.peak_rss_mb:6.0f} MB  {m.note}",
                    flush=True,
                )
        finally:
            warehouses.drop_all()
    report.targets = targets(report, sizes)
    report.notes += cpu_ratios(report)
    report.notes.append(
        f"load average (1, 5, 15 min) at the start: {load}; at the end: {loadavg()}"
    )
    return report


def targets(report: Report, sizes: Sizes) -> list[TargetCheck]:
    def best(case: str, backend: str, variant: str) -> Measurement | None:
        for m in report.measurements:
            if (m.case, m.backend, m.variant) == (case, backend, variant):
                return m
        return None

    checks = []
    for backend in dict.fromkeys(m.backend for m in report.measurements):
        pipe = best("longbook", backend, "pipeline")
        for naive in ("naive-core", "naive-orm"):
            other = best("longbook", backend, naive)
            if pipe and other:
                checks.append(
                    TargetCheck(
                        f"{sizes.longbook_rows:,}-row workbook: {naive} / pipeline",
                        backend,
                        other.best / pipe.best,
                        10,
                        "x",
                        higher_is_better=True,
                    )
                )
        pipe, floor = best("csv", backend, "pipeline"), best("csv", backend, "floor")
        if pipe and floor:
            checks.append(
                TargetCheck(
                    f"{sizes.csv_rows:,}-row CSV: pipeline / floor",
                    backend,
                    pipe.best / floor.best,
                    3,
                    "x",
                    higher_is_better=False,
                )
            )
            checks.append(
                TargetCheck(
                    f"{sizes.csv_rows:,}-row CSV: pipeline peak memory",
                    backend,
                    pipe.peak_rss_mb,
                    MEMORY_LIMIT_MB,
                    "MB",
                    higher_is_better=False,
                )
            )
    return checks


def cpu_ratios(report: Report) -> list[str]:
    """The targets' ratios on CPU time, for SQLite (all its work is in the worker process):
    less sensitive than wall time to other work on a shared machine."""
    cpu = {
        (m.case, m.variant): m.best_cpu
        for m in report.measurements
        if m.backend == "sqlite" and m.best_cpu
    }
    notes = []
    for naive in ("naive-core", "naive-orm"):
        if (a := cpu.get(("longbook", naive))) and (b := cpu.get(("longbook", "pipeline"))):
            notes.append(f"sqlite, on CPU time: workbook {naive} / pipeline = {a / b:.1f}x")
    if (a := cpu.get(("csv", "pipeline"))) and (b := cpu.get(("csv", "floor"))):
        notes.append(f"sqlite, on CPU time: CSV pipeline / floor = {a / b:.1f}x")
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.worker:
        spec = json.loads(args.worker)
        if "make_files" in spec:
            answer = make_files(Path(spec["make_files"]), Sizes(**spec["sizes"]))
        else:
            answer = measure(spec)
        print(json.dumps(answer), flush=True)
        return 0
    from benchmarks.__main__ import main as run_all

    return run_all(["--only", "ingest", *rest])


if __name__ == "__main__":
    sys.exit(main())
