"""The ingest benchmark's code works: every case and variant on tiny sizes, on SQLite.

No timing is asserted (benchmarks compare within one run and print PASS/MISS; see
docs/benchmarks.md). ``python -m benchmarks --quick`` is the real smoke run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import ingest
from benchmarks.common import Measurement, Options, Report, TargetCheck, table

pytestmark = pytest.mark.slow

TINY = ingest.Sizes(
    longbook_rows=120, csv_rows=2_500, repeats={"template": 1, "longbook": 1, "csv": 1}
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    workdir = tmp_path_factory.mktemp("bench")
    options = Options(quick=True, backends=("sqlite",), workdir=workdir)
    return ingest.run(options, in_process=True, sizes=TINY)


def test_every_case_and_variant_ran_on_the_same_rows(report: Report) -> None:
    got = {(m.case, m.variant) for m in report.measurements}
    assert got == {(case, variant) for case, variant, _n in ingest.plan(TINY)}
    by_case: dict[str, set[int]] = {}
    for m in report.measurements:
        assert m.backend == "sqlite" and m.seconds and m.best >= 0 and m.peak_rss_mb > 0
        by_case.setdefault(m.case, set()).add(m.rows)
    # the pipeline loaded exactly the rows the naive baseline and the floor inserted
    assert by_case["longbook"] == {120}
    assert by_case["csv"] == {2_500}
    assert len(by_case["template"]) == 1 and by_case["template"].pop() > 0
    pipeline = [m for m in report.measurements if m.variant == "pipeline"]
    assert all(m.note.startswith("read ") for m in pipeline)  # the stage breakdown


def test_targets_are_judged_and_printed(report: Report) -> None:
    names = [t.name for t in report.targets]
    assert names == [
        "120-row workbook: naive-core / pipeline",
        "120-row workbook: naive-orm / pipeline",
        "2,500-row CSV: pipeline / floor",
        "2,500-row CSV: pipeline peak memory",
    ]
    for check in report.targets:
        assert check.line().startswith(("PASS", "MISS"))
    text = table(report)
    assert "vs pipeline" in text and "1.00x" in text


def test_target_lines() -> None:
    fast = TargetCheck("w", "sqlite", 12.0, 10, "x", higher_is_better=True)
    slow = TargetCheck("c", "postgres", 3.4, 3, "x", higher_is_better=False)
    memory = TargetCheck("m", "sqlite", 700, 1536, "MB", higher_is_better=False)
    assert fast.line() == "PASS  w [sqlite]: 12.0x (target >= 10x)"
    assert slow.line() == "MISS  c [postgres]: 3.4x (target <= 3x)"
    assert memory.passed and "700 MB" in memory.line()


def test_a_worker_runs_in_its_own_process(tmp_path: Path) -> None:
    from benchmarks.common import Warehouses, run_worker

    files = ingest.make_files(tmp_path, TINY)
    warehouses = Warehouses("sqlite", tmp_path, "")
    warehouses.create()
    try:
        spec = {
            "case": "csv",
            "variant": "floor",
            "repeats": 1,
            "files": files,
            "warehouse": warehouses.spec(),
        }
        answer = run_worker("benchmarks.ingest", spec, timeout=300)
    finally:
        warehouses.drop_all()
    assert answer["rows"] == 2_500 and len(answer["seconds"]) == 1
    assert answer["peak_rss_mb"] > 0
    assert json.dumps(answer)  # plain JSON
    assert not list(tmp_path.glob("template-*.sqlite*"))  # the copies are gone too


def test_measurement_ratio_in_the_table() -> None:
    report = Report(
        "x",
        [
            Measurement("csv", "sqlite", "pipeline", 10, [2.0, 1.0], 100.0),
            Measurement("csv", "sqlite", "floor", 10, [0.5], 90.0),
        ],
    )
    lines = table(report).splitlines()
    assert lines[2].rstrip().endswith("1.00x") and lines[3].rstrip().endswith("0.50x")
