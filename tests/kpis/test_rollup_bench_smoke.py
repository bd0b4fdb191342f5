"""The KPI roll-up benchmark's code at a tiny size (no timing assertions) and its docs writer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks import kpis as bench


def test_benchmark_runs_at_a_tiny_size_and_the_paths_agree():
    warehouse = bench.national_warehouse(districts=4, divisions=2, years=1)
    assert {d.code for d in warehouse.catalog.districts} >= {"QUETTA", "PISHIN"}
    results = bench.run_cases([warehouse], backends=["sqlite"], repeats=1, progress=None)
    (result,) = results
    assert result["agree"], result["problems"]
    assert result["database"] == "sqlite"
    assert result["observations"] > 0 and result["kpi_values"] > 0
    for key in ("floor_s", "sql_s", "pandas_s", "pandas_over_sql", "sql_over_floor"):
        assert result[key] > 0
    table = bench.table(results)
    assert table.count("\n") == 2 and ("PASS" in table or "MISS" in table)
    # the stages of the best runs: every stage of both paths timed, in a table of their own
    assert set(bench.SQL_STAGES) <= set(result["sql_stages"])
    assert set(bench.PANDAS_STAGES) == set(result["pandas_stages"])
    stages = bench.stage_table(results)
    assert stages.count("\n") == 2 and " - " not in stages.splitlines()[-1]


def test_synthetic_catalog_grows_the_geography():
    catalog = bench.synthetic_catalog(districts=50, divisions=12)
    assert len(catalog.districts) == 50
    assert len(catalog.divisions) == 12
    assert {d.division for d in catalog.districts} == {d.code for d in catalog.divisions}
    assert len(catalog.indicators) == 60 and len(catalog.kpis) == 12


def test_docs_section_is_added_then_replaced_leaving_other_sections(tmp_path: Path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n## Ingest\n\ningest figures\n", encoding="utf-8")
    bench.write_docs("## KPI roll-ups\n\nfirst\n", docs)
    bench.write_docs("## KPI roll-ups\n\nsecond\n", docs)
    text = docs.read_text(encoding="utf-8")
    assert text.count("## KPI roll-ups") == 1 and "second" in text and "first" not in text
    assert "## Ingest\n\ningest figures" in text
    # a section after ours survives as well
    docs.write_text(text + "\n## Later\n\nkeep\n", encoding="utf-8")
    bench.write_docs("## KPI roll-ups\n\nthird\n", docs)
    text = docs.read_text(encoding="utf-8")
    assert "third" in text and "## Later\n\nkeep" in text and "second" not in text
    bench.write_docs("## KPI roll-ups\n\nnew file\n", tmp_path / "new.md")
    assert (tmp_path / "new.md").read_text(encoding="utf-8").startswith("# Benchmarks")


def test_main_parses_its_options(monkeypatch: pytest.MonkeyPatch):
    calls: list[dict[str, Any]] = []

    def fake_run(quick: bool = False, **kw: Any) -> dict[str, Any]:
        calls.append({"quick": quick, **kw})
        return {"passed": quick}

    monkeypatch.setattr(bench, "run", fake_run)
    assert bench.main(["--quick", "--backend", "sqlite"]) == 0
    assert bench.main(["--no-docs"]) == 1
    assert calls[0] == {"quick": True, "backends": ["sqlite"], "docs": None}
    assert calls[1]["docs"] is False and calls[1]["backends"] == ("sqlite", "postgres")
