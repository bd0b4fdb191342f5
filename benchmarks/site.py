"""The public website under load: the app under gunicorn on loopback, loaded by locust.

For each database (SQLite, PostgreSQL): build the demo warehouse (``load_demo``: the synthetic
returns through the real ingest, reviewed and published as releases), serve
``benchmarks.site_app:create_wsgi()`` (the production app plus one trivial callback) with
gunicorn on 127.0.0.1 (a free port, sync workers = cores, ``--preload``), and load it with
locust (:mod:`benchmarks.site_load`, in its own process, no think time) at 10 and 50
concurrent clients, each scenario for a bounded time after a short warm-up:

- **home**: the home page's document (``GET /`` and ``/?lang=ur``);
- **home-page**: the routing callback that draws the home page;
- **kpi**: the KPI pages' callbacks: the routing callback (the only callback a KPI page fires)
  for 12 KPI pages (every KPI, with a place, a period type and a language), POSTed as
  Dash's renderer does (the body captured from Chromium, ``?endId=`` from the page's config,
  the CSRF header from the ``_csrf_token`` cookie);
- **kpi-cold**: the same callback for a different KPI page on every request (every KPI x place
  x period type x language, shuffled): what a page costs when no worker has drawn it yet;
- **api**: ``/api/v1/values?kpi=...&geo_level=district&period_type=quarter`` for every KPI;
- **floor**: a callback of the same app that only echoes its input (``benchmarks/site_app.py``):
  the framework's floor.

Each prints requests, throughput, p50/p95/p99 (exact, from every response time recorded), the
p95 against the floor's at the same load, the floor's throughput over the scenario's (what
a request costs the server against a trivial callback: steadier than a tail latency when other
work shares the machine), and the bytes of the scenario's first answer on the wire without and
with ``Accept-Encoding: gzip`` (locust, like a browser, asks for gzip). Target (issue 5): the KPI pages' callbacks within
3x of the floor's p95 at 50 clients. The load generator shares the machine's cores with the
server: every scenario pays for it alike. Figures go to docs/benchmarks.md ("Site") by hand.

    python -m benchmarks --only site [--quick] [--backend sqlite|postgres]
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import (
    REPO,
    Options,
    TargetCheck,
    _admin,
    _database_url,
    loadavg,
    postgres_reachable,
)
from benchmarks.site_app import floor_body

TARGET = 3.0
"""The KPI pages' callbacks: p95 at most this many times the floor's, at 50 clients."""
TARGET_USERS = 50
SCENARIOS = ("home", "home-page", "kpi", "kpi-cold", "api", "floor")
DEMO_TODAY = date(2026, 11, 1)
"""The demo's 'today' (its last month is the one before): the same data every run."""
ROUTING_OUTPUT = "..page-root.children...page-root.lang...page-root.dir.."
PERIOD_TYPES = ("quarter", "month", "year", "fiscal_year")
COLD_PAGES = 3000


@dataclass(frozen=True)
class Sizes:
    seconds: float = 20.0
    """measured seconds per scenario and load"""
    warmup: float = 3.0
    """seconds of load before the measurement starts (users spawned, caches filled)"""
    users: tuple[int, ...] = (10, TARGET_USERS)
    workers: int = os.cpu_count() or 2


FULL = Sizes()
QUICK = Sizes(seconds=5.0, warmup=2.0)


# --- what the clients send ---------------------------------------------------------------------


def routing_body(pathname: str, search: str) -> dict[str, Any]:
    """The routing callback's body for a page, as Dash's renderer (Dash 4) POSTs it on page
    load (captured from Chromium; ``tests/browser/test_site_benchmark.py`` checks it still is)."""
    changed = ["url.pathname", "url.search"]
    return {
        "output": ROUTING_OUTPUT,
        "outputs": [
            {"id": "page-root", "property": "children"},
            {"id": "page-root", "property": "lang"},
            {"id": "page-root", "property": "dir"},
        ],
        "inputs": [
            {"id": "url", "property": "pathname", "value": pathname},
            {"id": "url", "property": "search", "value": search},
        ],
        "changedPropIds": changed,
        "parsedChangedPropsIds": changed,
    }


def _search(geo: str | None, period: str | None, lang: str) -> str:
    pairs = [(k, v) for k, v in (("geo", geo), ("period", period)) if v]
    if lang != "en":
        pairs.insert(0, ("lang", lang))
    return "?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs else ""


def _places(catalog: Any) -> list[str | None]:
    return [
        None,
        *(f"division:{d.code}" for d in catalog.divisions),
        *(f"district:{d.code}" for d in catalog.districts),
    ]


def kpi_pages(catalog: Any) -> list[tuple[str, str]]:
    """One page per KPI: the province, a division or a district; each period type; a quarter
    of them in Urdu."""
    divisions = [d.code for d in catalog.divisions]
    districts = [d.code for d in catalog.districts]
    pages = []
    for i, kpi in enumerate(catalog.kpis):
        geo = [
            None,
            f"division:{divisions[i % len(divisions)]}",
            f"district:{districts[i % len(districts)]}",
        ][i % 3]
        period = PERIOD_TYPES[(i // 3) % len(PERIOD_TYPES)]
        lang = "ur" if i % 4 == 3 else "en"
        pages.append((f"/kpi/{kpi.code}", _search(geo, period, lang)))
    return pages


def cold_pages(catalog: Any, limit: int = COLD_PAGES) -> list[tuple[str, str]]:
    """Distinct KPI pages (every KPI x place x period type x language), shuffled."""
    pages = [
        (f"/kpi/{kpi.code}", _search(geo, period, lang))
        for kpi in catalog.kpis
        for geo in _places(catalog)
        for period in PERIOD_TYPES
        for lang in ("en", "ur")
    ]
    random.Random(5).shuffle(pages)
    return pages[:limit]


def scenario_requests(name: str, catalog: Any) -> tuple[list[dict[str, Any]], bool]:
    """The requests of a scenario, and whether every request must be a different one."""
    if name == "home":
        return [
            {"name": name, "path": "/", "expect": "_dash-config"},
            {"name": name, "path": "/?lang=ur", "expect": "_dash-config"},
        ], False
    if name == "home-page":
        return [
            {"name": name, "body": routing_body("/", s), "expect": "page-root"}
            for s in ("", "?lang=ur")
        ], False
    if name in ("kpi", "kpi-cold"):
        pages = kpi_pages(catalog) if name == "kpi" else cold_pages(catalog)
        return [
            {"name": name, "body": routing_body(path, search), "expect": path.rsplit("/", 1)[1]}
            for path, search in pages
        ], name == "kpi-cold"
    if name == "api":
        return [
            {
                "name": name,
                "path": f"/api/v1/values?kpi={k.code}&geo_level=district&period_type=quarter",
                "expect": '"values"',
            }
            for k in catalog.kpis
        ], False
    if name == "floor":
        return [{"name": name, "body": floor_body(), "expect": '"floor"'}], False
    raise ValueError(f"no scenario {name!r}")


# --- the warehouse -----------------------------------------------------------------------------


@contextmanager
def demo_warehouse(backend: str, options: Options, *, today: date = DEMO_TODAY) -> Iterator[str]:
    """A fresh warehouse with the demo data (the default catalog); yields its URL and drops it
    afterwards."""
    from dbmis.catalog import load_catalog
    from dbmis.demo.load import load_demo
    from dbmis.ingest.evidence import EvidenceStore
    from dbmis.ingest.service import IngestEnv
    from dbmis.warehouse import Database, sync_catalog, upgrade

    token = secrets.token_hex(4)
    folder = options.workdir / f"site-{token}"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"dbmis_bench_site_{token}"
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'demo.sqlite'}"
    else:
        _admin(options.postgres_url, f'CREATE DATABASE "{name}"')
        url = _database_url(options.postgres_url, name)
    try:
        db = Database(url)
        try:
            upgrade(db)
            catalog = load_catalog()
            sync_catalog(db, catalog)
            env = IngestEnv(
                db=db, catalog=catalog, evidence=EvidenceStore(folder / "evidence"), is_demo=True
            )
            report = load_demo(env, today=today)
            if report.mismatches:
                raise RuntimeError(f"the demo build went wrong: {report.mismatches[:3]}")
        finally:
            db.dispose()
        yield url
    finally:
        if backend != "sqlite":
            _admin(options.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


# --- the server --------------------------------------------------------------------------------


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def gunicorn(
    database_url: str, workdir: Path, *, workers: int, catalog: Path | None = None
) -> Iterator[Server]:
    """``benchmarks.site_app:create_wsgi()`` under gunicorn on 127.0.0.1 (a free port)."""
    log = workdir / f"gunicorn-{secrets.token_hex(3)}.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DBMIS_MODE": "demo",
        "DBMIS_DATABASE_URL": database_url,
        "DBMIS_SECRET_KEY": secrets.token_urlsafe(32),
        "DBMIS_INSTANCE_DIR": str(workdir / "instance"),
        "DBMIS_CONFIG": str(workdir / "no-config.toml"),
        "GX_ANALYTICS_ENABLED": "false",
    }
    (workdir / "no-config.toml").write_text("", encoding="utf-8")
    if catalog is not None:
        env["DBMIS_CATALOG"] = str(catalog)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--preload",
        "--bind",
        "127.0.0.1:0",
        "--no-control-socket",
        "--timeout",
        "120",
        "benchmarks.site_app:create_wsgi()",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=out)
    try:
        base = _wait_for_port(process, log)
        _wait_healthy(base, process, log)
        yield Server(base, process, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").strip().splitlines()[-15:])


def _wait_for_port(process: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    pattern = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{_tail(log)}")
        found = pattern.search(log.read_text(errors="replace"))
        if found:
            return found.group(1)
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start in {timeout:.0f} s:\n{_tail(log)}")


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{base}/healthz did not answer:\n{_tail(log)}")


def drain(base: str, *, quick_ms: float = 50.0, timeout: float = 300.0) -> None:
    """Wait until the server has worked through what the last load left queued (a sync worker
    still answers the requests of clients that have gone): ``/healthz`` twice in a row within
    ``quick_ms``. Otherwise the next scenario would pay for this one."""
    deadline = time.monotonic() + timeout
    fast = 0
    while fast < 2 and time.monotonic() < deadline:
        started = time.perf_counter()
        with urllib.request.urlopen(base + "/healthz", timeout=timeout) as answer:
            answer.read()
        fast = fast + 1 if (time.perf_counter() - started) * 1000 < quick_ms else 0


# --- one request, checked, as a browser would send it -----------------------------------------


def check_requests(base: str, requests: Sequence[dict[str, Any]]) -> None:
    """Send each request once (page first, cookies kept, CSRF header) and fail with a clear
    message unless it answers 200 with the expected text: a load of refusals measures
    nothing."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/", timeout=60) as answer:
        page = answer.read().decode("utf-8", "replace")
    found = re.search(r'"end_id"\s*:\s*"([^"]+)"', page)
    end = f"?endId={found.group(1)}" if found else ""
    for item in requests:
        headers = {}
        data = None
        if item.get("body") is not None:
            token = next((c.value for c in jar if c.name == "_csrf_token"), None)
            headers = {"Content-Type": "application/json"}
            if token:
                headers["X-CSRFToken"] = token
            data = json.dumps(item["body"]).encode()
            url = base + "/_dash-update-component" + end
        else:
            url = base + item["path"]
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with opener.open(request, timeout=120) as answer:
                text = answer.read().decode("utf-8", "replace")
                status = answer.status
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode("utf-8", "replace")
        expect = item.get("expect")
        if status != 200 or (expect and expect not in text):
            raise RuntimeError(
                f"{item['name']}: {url} answered {status} "
                f"{'without ' + repr(expect) if status == 200 else text[:200]!r}"
            )


def wire_bytes(base: str, item: dict[str, Any]) -> tuple[int, int]:
    """Bytes of ``item``'s answer on the wire (its body, as sent): without and with
    ``Accept-Encoding: gzip`` (what a browser sends)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/", timeout=60) as answer:
        page = answer.read().decode("utf-8", "replace")
    found = re.search(r'"end_id"\s*:\s*"([^"]+)"', page)
    sizes = []
    for encoding in ("identity", "gzip"):
        headers = {"Accept-Encoding": encoding}
        data = None
        url = base + str(item.get("path"))
        if item.get("body") is not None:
            token = next((c.value for c in jar if c.name == "_csrf_token"), "")
            headers.update({"Content-Type": "application/json", "X-CSRFToken": token})
            data = json.dumps(item["body"]).encode()
            url = base + "/_dash-update-component" + (f"?endId={found.group(1)}" if found else "")
        request = urllib.request.Request(url, data=data, headers=headers)
        with opener.open(request, timeout=120) as answer:
            sizes.append(len(answer.read()))  # urllib does not decode: the bytes as sent
    return sizes[0], sizes[1]


def prime(base: str, requests: Sequence[dict[str, Any]], *, workers: int) -> None:
    """Send every request to every worker (as many at once as there are workers, twice: a busy
    sync worker leaves the next one to another), so that the measurement finds the caches of
    every worker as a running site has them."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for item in requests:
            for _ in range(2):
                list(pool.map(lambda one: check_requests(base, [one]), [item] * workers))


# --- measuring --------------------------------------------------------------------------------


def load(
    base: str, requests: list[dict[str, Any]], *, users: int, sizes: Sizes, distinct: bool
) -> dict[str, Any]:
    """One locust run in its own process (:mod:`benchmarks.site_load`); its figures."""
    spec = {
        "base_url": base,
        "users": users,
        "seconds": sizes.seconds,
        "warmup": sizes.warmup,
        "requests": requests,
        "distinct": distinct,
    }
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.site_load"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=sizes.seconds + sizes.warmup + 120,
        check=False,
    )
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"the load generator failed:\n{tail}")
    return summarise(json.loads(lines[-1]))


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    """Count, throughput and exact percentiles of one run's response times (ms)."""
    times = np.asarray(raw["times_ms"], dtype=float)
    seconds = float(raw["seconds"])
    failures = int(sum(raw["failures"].values()))
    p50, p95, p99 = (
        (float(x) for x in np.percentile(times, [50, 95, 99])) if times.size else (0.0,) * 3
    )
    return {
        "requests": int(times.size),
        "failures": failures,
        "failure_kinds": raw["failures"],
        "seconds": seconds,
        "rps": times.size / seconds if seconds > 0 else 0.0,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "users": int(raw["users"]),
        "spawned": int(raw.get("spawned", raw["users"])),
    }


def measure(
    base: str,
    catalog: Any,
    *,
    backend: str,
    sizes: Sizes,
    scenarios: Sequence[str] = SCENARIOS,
    progress: Callable[[str], None] | None = print,
) -> list[dict[str, Any]]:
    """Every scenario at every load on one running server (loads in turn: 10 then 50)."""
    plans = {name: scenario_requests(name, catalog) for name in scenarios}
    wire = {}
    for name, (requests, distinct) in plans.items():
        check_requests(base, requests[:3])
        if not distinct:
            prime(base, requests, workers=sizes.workers)
        wire[name] = wire_bytes(base, requests[0])
    rows = []
    for users in sizes.users:
        for name in scenarios:
            requests, distinct = plans[name]
            before = loadavg()
            figures = load(base, requests, users=users, sizes=sizes, distinct=distinct)
            drain(base)
            row = {"backend": backend, "scenario": name, **figures, "load": before}
            row["bytes"], row["gzip_bytes"] = wire[name]
            rows.append(row)
            if progress:
                progress(
                    f"  {backend} {users:>3} clients {name:<10} {row['requests']:>7,} requests "
                    f"{row['rps']:>8.1f}/s  p50 {row['p50_ms']:>8.1f}  p95 {row['p95_ms']:>8.1f}"
                    f"  p99 {row['p99_ms']:>8.1f} ms  failures {row['failures']}"
                )
    for row in rows:
        floor = next(
            r
            for r in rows
            if (r["backend"], r["users"], r["scenario"]) == (backend, row["users"], "floor")
        )
        row["p95_vs_floor"] = row["p95_ms"] / floor["p95_ms"] if floor["p95_ms"] > 0 else None
        # the server time a request costs against the floor's (steadier than a tail latency)
        row["cost_vs_floor"] = floor["rps"] / row["rps"] if row["rps"] > 0 else None
    return rows


def targets(rows: Sequence[dict[str, Any]], users: int = TARGET_USERS) -> list[TargetCheck]:
    """The target, judged per database on the figures of the same run."""
    out = []
    for row in rows:
        if row["scenario"] == "kpi" and row["users"] == users and row["p95_vs_floor"]:
            out.append(
                TargetCheck(
                    f"KPI pages' callbacks p95 / floor p95 at {users} clients",
                    row["backend"],
                    row["p95_vs_floor"],
                    TARGET,
                    "x",
                    higher_is_better=False,
                )
            )
    return out


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The figures as a Markdown table."""
    head = (
        "| database | clients | scenario | requests | req/s | p50 ms | p95 ms | p99 ms "
        "| failures | p95 / floor | floor req/s / req/s | bytes | gzip bytes |\n"
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    for r in rows:
        ratio = f"{r['p95_vs_floor']:.1f}x" if r.get("p95_vs_floor") else "-"
        cost = f"{r['cost_vs_floor']:.1f}x" if r.get("cost_vs_floor") else "-"
        lines.append(
            f"| {r['backend']} | {r['users']} | {r['scenario']} | {r['requests']:,} "
            f"| {r['rps']:,.1f} | {r['p50_ms']:,.1f} | {r['p95_ms']:,.1f} | {r['p99_ms']:,.1f} "
            f"| {r['failures']} | {ratio} | {cost} | {r.get('bytes', 0):,} "
            f"| {r.get('gzip_bytes', 0):,} |"
        )
    return "\n".join(lines)


# --- entry point --------------------------------------------------------------------------------


def run_on(
    database_url: str,
    *,
    backend: str,
    options: Options,
    sizes: Sizes,
    catalog_path: Path | None = None,
    scenarios: Sequence[str] = SCENARIOS,
    progress: Callable[[str], None] | None = print,
) -> list[dict[str, Any]]:
    """Serve a ready warehouse with gunicorn and measure every scenario on it."""
    from dbmis.catalog import load_catalog

    catalog = load_catalog(catalog_path)
    with gunicorn(
        database_url, options.workdir, workers=sizes.workers, catalog=catalog_path
    ) as server:
        if progress:
            progress(f"  {backend}: gunicorn ({sizes.workers} sync workers) at {server.base_url}")
        return measure(
            server.base_url,
            catalog,
            backend=backend,
            sizes=sizes,
            scenarios=scenarios,
            progress=progress,
        )


def run(options: Options, *, sizes: Sizes | None = None) -> dict[str, Any]:
    """The site benchmark on every backend of ``options``; prints its figures and targets."""
    sizes = sizes or (QUICK if options.quick else FULL)
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for backend in options.backends:
        if backend == "postgres" and (why := postgres_reachable(options.postgres_url)):
            notes.append(f"postgres skipped: {why}")
            continue
        started = time.perf_counter()
        with demo_warehouse(backend, options) as url:
            print(f"  {backend}: demo warehouse built in {time.perf_counter() - started:.0f} s")
            rows += run_on(url, backend=backend, options=options, sizes=sizes)
    checks = targets(rows)
    print(f"\n{table(rows)}\n")
    for check in checks:
        print(check.line())
    for note in notes:
        print(f"note: {note}")
    return {
        "sizes": {"seconds": sizes.seconds, "warmup": sizes.warmup, "users": sizes.users},
        "workers": sizes.workers,
        "rows": rows,
        "targets": [{**vars(c), "passed": c.passed} for c in checks],
        "notes": notes,
    }
