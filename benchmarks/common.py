"""What the benchmark modules share: options, results, the machine, fresh warehouses, workers.

Every measured variant runs in a fresh Python process (:func:`run_worker`), so its peak memory
(:func:`peak_rss_mb`) is its own and nothing warmed up by another variant helps it.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgres")
PACKAGES = (
    "pandas",
    "numpy",
    "SQLAlchemy",
    "psycopg",
    "openpyxl",
    "python-calamine",
    "great_expectations",
)


@dataclass(frozen=True)
class Options:
    quick: bool = False
    backends: tuple[str, ...] = BACKENDS
    workdir: Path = Path("/tmp")
    postgres_url: str = DEFAULT_POSTGRES_URL


@dataclass
class Measurement:
    """One variant of one case on one backend: best wall time of ``runs`` and peak memory."""

    case: str
    backend: str
    variant: str
    rows: int
    seconds: list[float]
    peak_rss_mb: float
    note: str = ""
    #: this process's CPU time of each run (for PostgreSQL the server's work is not in it)
    cpu_seconds: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def best_cpu(self) -> float | None:
        """The CPU time of the fastest run."""
        if len(self.cpu_seconds) != len(self.seconds):
            return None
        return self.cpu_seconds[self.seconds.index(self.best)]

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.best if self.best > 0 else 0.0


@dataclass
class TargetCheck:
    """A target from the issue, judged on figures of the same run."""

    name: str
    backend: str
    value: float
    limit: float
    unit: str  # 'x' for a ratio, 'MB'
    higher_is_better: bool

    @property
    def passed(self) -> bool:
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit

    def line(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        shown = f"{self.value:,.1f}{self.unit}" if self.unit == "x" else f"{self.value:,.0f} MB"
        limit = f"{self.limit:g}{self.unit}" if self.unit == "x" else f"{self.limit:,.0f} MB"
        status = "PASS" if self.passed else "MISS"
        return f"{status}  {self.name} [{self.backend}]: {shown} (target {sign} {limit})"


@dataclass
class Report:
    module: str
    measurements: list[Measurement] = field(default_factory=list)
    targets: list[TargetCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """nproc, memory (``free -h``), CPU model, Python, package versions, date."""
    info: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {},
    }
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False)
        info["free_h"] = free.stdout.strip()
    except OSError:
        info["free_h"] = "?"
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        names = [ln.split(":", 1)[1].strip() for ln in cpu.splitlines() if "model name" in ln]
        info["cpu"] = names[0] if names else "?"
    except OSError:
        info["cpu"] = "?"
    info["loadavg"] = loadavg()
    for name in PACKAGES:
        try:
            info["packages"][name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info["packages"][name] = "-"
    return info


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews wall times."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --- printing and saving --------------------------------------------------------------------


def table(report: Report, baseline: str = "pipeline") -> str:
    """The measurements, each with its time relative to the same case's ``baseline`` variant."""
    head = (
        f"{'case':<12} {'backend':<9} {'variant':<11} {'rows':>10} {'best s':>9} "
        f"{'cpu s':>8} {'runs':>4} {'rows/s':>11} {'peak MB':>8} {'vs ' + baseline:>12}"
    )
    lines = [head, "-" * len(head)]
    for m in report.measurements:
        ref = next(
            (
                x
                for x in report.measurements
                if (x.case, x.backend, x.variant) == (m.case, m.backend, baseline)
            ),
            None,
        )
        ratio = f"{m.best / ref.best:,.2f}x" if ref is not None and ref.best > 0 else "-"
        cpu = f"{m.best_cpu:.3f}" if m.best_cpu is not None else "-"
        lines.append(
            f"{m.case:<12} {m.backend:<9} {m.variant:<11} {m.rows:>10,} {m.best:>9.3f} "
            f"{cpu:>8} {len(m.seconds):>4} {m.rows_per_s:>11,.0f} {m.peak_rss_mb:>8.0f} "
            f"{ratio:>12}"
        )
    return "\n".join(lines)


def save(
    reports: Sequence[Report | dict[str, Any]], options: Options, info: dict[str, Any]
) -> Path:
    """Write the run as JSON into ``benchmarks/results/``; returns the file."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"bench-{stamp}{'-quick' if options.quick else ''}.json"
    payload = {
        "machine": info,
        "options": {**asdict(options), "workdir": str(options.workdir)},
        "reports": [_as_json(r) for r in reports],
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def _as_json(report: Report | dict[str, Any]) -> dict[str, Any]:
    if isinstance(report, dict):  # a module with its own result shape
        return report
    return {
        "module": report.module,
        "measurements": [
            {**asdict(m), "best": m.best, "best_cpu": m.best_cpu} for m in report.measurements
        ],
        "targets": [{**asdict(t), "passed": t.passed} for t in report.targets],
        "notes": report.notes,
    }


# --- workers --------------------------------------------------------------------------------


def run_worker(module: str, spec: dict[str, Any], *, timeout: float = 1800) -> dict[str, Any]:
    """Run ``python -m <module> --worker <spec>`` in a fresh process; return its JSON answer
    (the last line it prints)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "GX_ANALYTICS_ENABLED": "false"}
    done = subprocess.run(
        [sys.executable, "-m", module, "--worker", json.dumps(spec)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=timeout,
        check=False,
    )
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"worker {spec.get('case')}/{spec.get('variant')} failed:\n{tail}")
    return json.loads(lines[-1])


def peak_rss_mb() -> float:
    """This process's peak resident memory in MiB: ``VmHWM`` of ``/proc/self/status``.

    Not ``getrusage(...).ru_maxrss``: Linux carries the high-water mark across ``exec``, so a
    worker forked from a parent holding 700 MB would report at least 700 MB
    (``RUSAGE_CHILDREN`` in the parent has the same flaw, and is the largest child so far).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- fresh warehouses -----------------------------------------------------------------------


def libpq_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


class Warehouses:
    """A migrated warehouse holding the default catalog, copied fresh for every timed run.

    SQLite: a template file, copied. PostgreSQL: a database ``dbmis_bench_<random>`` created
    for the run and used as the template of per-run copies; :meth:`drop_all` drops it and
    every copy.
    """

    def __init__(self, backend: str, workdir: Path, postgres_url: str) -> None:
        self.backend = backend
        self.workdir = workdir
        self.postgres_url = postgres_url
        self.token = secrets.token_hex(4)
        self.template = (
            str(workdir / f"template-{self.token}.sqlite")
            if backend == "sqlite"
            else f"dbmis_bench_{self.token}"
        )

    def spec(self) -> dict[str, str]:
        """What a worker needs to make its own copies (JSON-friendly)."""
        return {
            "backend": self.backend,
            "template": self.template,
            "workdir": str(self.workdir),
            "postgres_url": self.postgres_url,
        }

    def create(self) -> None:
        from dbmis.catalog import load_catalog
        from dbmis.warehouse import Database, sync_catalog, upgrade

        url = self.template if self.backend == "sqlite" else None
        if self.backend == "sqlite":
            db = Database(f"sqlite:///{url}")
        else:
            _admin(self.postgres_url, f'CREATE DATABASE "{self.template}"')
            db = Database(_database_url(self.postgres_url, self.template))
        try:
            upgrade(db)
            sync_catalog(db, load_catalog())
        finally:
            db.dispose()  # a PostgreSQL template must have no connections

    def drop_all(self) -> None:
        if self.backend == "sqlite":
            for path in self.workdir.glob(f"*{self.token}*.sqlite*"):
                path.unlink(missing_ok=True)
            return
        import psycopg

        with psycopg.connect(libpq_url(self.postgres_url), autocommit=True) as conn:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s",
                    (f"dbmis_bench_{self.token}%",),
                )
            ]
            for name in sorted(names, reverse=True):  # copies first, then the template
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_copy(spec: dict[str, str], label: str) -> tuple[str, Any]:
    """A new warehouse copied from the run's template: ``(url, drop)``."""
    token = secrets.token_hex(3)
    if spec["backend"] == "sqlite":
        path = Path(spec["workdir"]) / f"{Path(spec['template']).stem}-{label}-{token}.sqlite"
        shutil.copyfile(spec["template"], path)

        def drop_sqlite() -> None:
            for extra in ("", "-wal", "-shm"):
                Path(f"{path}{extra}").unlink(missing_ok=True)

        return f"sqlite:///{path}", drop_sqlite
    name = f"{spec['template']}_{label}_{token}"[:63]
    _admin(spec["postgres_url"], f'CREATE DATABASE "{name}" TEMPLATE "{spec["template"]}"')

    def drop_postgres() -> None:
        _admin(spec["postgres_url"], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return _database_url(spec["postgres_url"], name), drop_postgres


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]  # names are generated, not input


def _database_url(admin_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)
