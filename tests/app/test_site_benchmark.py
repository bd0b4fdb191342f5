"""The site benchmark's code works: gunicorn on loopback, every scenario loaded by locust for
a second, on the mini catalog's release (SQLite and PostgreSQL).

No timing is asserted (the benchmark compares scenarios within one run and prints PASS/MISS;
see docs/benchmarks.md). ``python -m benchmarks --only site --quick`` is the real smoke run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import site
from benchmarks.common import Options
from dbmis.catalog import Catalog
from dbmis.warehouse import Database
from tests.app.conftest import MINI

pytestmark = pytest.mark.slow

TINY = site.Sizes(seconds=1.0, warmup=0.5, users=(2,), workers=1)


def test_every_scenario_is_measured_without_failures(published: Database, tmp_path: Path) -> None:
    backend = published.url.get_backend_name()
    rows = site.run_on(
        published.url.render_as_string(hide_password=False),
        backend=backend,
        options=Options(quick=True, backends=(backend,), workdir=tmp_path),
        sizes=TINY,
        catalog_path=MINI,
        progress=None,
    )
    assert [r["scenario"] for r in rows] == list(site.SCENARIOS)
    for row in rows:
        assert row["users"] == 2 and row["spawned"] == 2, row
        assert row["requests"] > 0 and row["failures"] == 0, row
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], row
        assert row["rps"] > 0 and row["p95_vs_floor"] is not None
    floor = next(r for r in rows if r["scenario"] == "floor")
    assert floor["p95_vs_floor"] == 1.0
    checks = site.targets(rows, users=2)
    assert [c.backend for c in checks] == [backend]
    assert checks[0].line().startswith(("PASS", "MISS"))
    text = site.table(rows)
    assert text.count("\n") == len(rows) + 1 and "| kpi-cold |" in text


def test_the_requests_follow_the_catalog(mini_catalog: Catalog) -> None:
    pages = site.kpi_pages(mini_catalog)
    assert [p for p, _ in pages] == [f"/kpi/{k.code}" for k in mini_catalog.kpis]
    cold = site.cold_pages(mini_catalog)
    assert len(cold) == len(set(cold)) > len(pages)
    places = 1 + len(mini_catalog.divisions) + len(mini_catalog.districts)
    assert len(cold) == min(site.COLD_PAGES, len(mini_catalog.kpis) * places * 4 * 2)
    requests, distinct = site.scenario_requests("kpi-cold", mini_catalog)
    assert distinct and len(requests) == len(cold)
    body = requests[0]["body"]
    assert body["output"] == site.ROUTING_OUTPUT
    assert [i["property"] for i in body["inputs"]] == ["pathname", "search"]
    with pytest.raises(ValueError, match="no scenario"):
        site.scenario_requests("nope", mini_catalog)


def test_summary_of_response_times() -> None:
    raw = {
        "times_ms": [float(x) for x in range(1, 101)],
        "seconds": 2.0,
        "failures": {"HTTP 403": 3},
        "users": 10,
        "spawned": 10,
    }
    figures = site.summarise(raw)
    assert figures["requests"] == 100 and figures["failures"] == 3
    assert figures["rps"] == 50.0
    assert figures["p50_ms"] == pytest.approx(50.5) and figures["p99_ms"] == pytest.approx(99.01)
