"""``python -m benchmarks [--quick] [--backend sqlite|postgres|all] [--only MODULE]``.

Runs every benchmark module of this package, prints one table per module and the targets
(PASS/MISS), and writes the results as JSON into ``benchmarks/results/``. A module exposes
``run(options) -> Report`` (:mod:`benchmarks.common`), or ``run(options) -> dict`` or
``run(quick, *, backends) -> dict`` and prints its own figures. A missed target is information,
not a failure: the exit status is 1 only when a module could not run at all.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import benchmarks
from benchmarks.common import (
    BACKENDS,
    DEFAULT_POSTGRES_URL,
    Options,
    Report,
    machine,
    save,
    table,
)

NOT_BENCHMARKS = {"common", "site_app", "site_load"}  # helpers of the site benchmark


def modules() -> list[str]:
    """The benchmark modules: every module of the package but the shared and private ones."""
    return [
        m.name
        for m in pkgutil.iter_modules(benchmarks.__path__)
        if not m.name.startswith("_") and m.name not in NOT_BENCHMARKS
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a smoke run")
    parser.add_argument("--backend", choices=[*BACKENDS, "all"], default="all")
    parser.add_argument("--only", action="append", choices=modules(), help="module to run")
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="a server where databases dbmis_bench_<random> may be created and dropped",
    )
    parser.add_argument("--workdir", type=Path, help="where to write data (default: a temp dir)")
    args = parser.parse_args(argv)
    info = machine()
    print(
        f"DBMIS benchmarks, {info['date']}: {info['nproc']} CPUs ({info['cpu']}), "
        f"load average {info['loadavg']}, Python {info['python']}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="dbmis-bench-") as tmp:
        options = Options(
            quick=args.quick,
            backends=BACKENDS if args.backend == "all" else (args.backend,),
            workdir=args.workdir or Path(tmp),
            postgres_url=args.postgres_url,
        )
        reports: list[Report | dict[str, Any]] = []
        failed = []
        for name in args.only or modules():
            started = time.perf_counter()
            print(f"\n== {name} ==", flush=True)
            try:
                reports.append(run_module(name, options))
            except Exception:  # noqa: BLE001 - reported, and the other modules still run
                traceback.print_exc()
                failed.append(name)
                reports.append({"module": name, "error": traceback.format_exc(limit=3)})
            print(f"({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    path = save(reports, options, info)
    print(f"\nresults: {path}")
    if failed:
        print(f"modules that could not run: {', '.join(failed)}")
    return 1 if failed else 0


def run_module(name: str, options: Options) -> Report | dict[str, Any]:
    """Run one module and print what it found."""
    module = importlib.import_module(f"benchmarks.{name}")
    parameters = list(inspect.signature(module.run).parameters)
    if parameters[:1] != ["options"]:  # run(quick, *, backends): prints its own figures
        outcome = module.run(options.quick, backends=options.backends)
        return {"module": name, **outcome} if isinstance(outcome, dict) else {"module": name}
    report = module.run(options)
    if isinstance(report, dict):  # run(options) -> dict: it printed its own figures
        return {"module": name, **report}
    print(f"\n{table(report)}\n")
    for check in report.targets:
        print(check.line())
    for note in report.notes:
        print(f"note: {note}")
    return report


if __name__ == "__main__":
    sys.exit(main())
