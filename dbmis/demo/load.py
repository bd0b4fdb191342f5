"""Build the demo warehouse: every demo file goes through ``ingest_many()``, as uploads do.

Files are checked in batches (one validation run per batch) and each accepted file is loaded
in its own transaction. Broken files must be rejected and clean files accepted; anything else
is reported as a mismatch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from sqlalchemy import func, select

from dbmis.demo.files import DemoFile, iter_demo_files
from dbmis.demo.routine import RoutineReport, run_demo_routine
from dbmis.demo.synth import default_months, generate
from dbmis.errors import ConflictError
from dbmis.ingest.service import IngestEnv, Upload, ingest_many
from dbmis.ingest.uploader import Uploader
from dbmis.warehouse.schema import submission

BATCH = 150


@dataclass
class DemoReport:
    files: int = 0
    accepted: int = 0
    rejected: int = 0
    values: int = 0
    mismatches: list[str] = field(default_factory=list)
    seconds: float = 0.0
    months: tuple[int, int] = (0, 0)
    already_loaded: bool = False
    routine: RoutineReport | None = None
    """what the DU's routine did with the files (reviews, releases, stocktakes)"""


def _batches(items: Iterable[DemoFile], size: int) -> Iterator[list[DemoFile]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _uploader(f: DemoFile) -> Uploader:
    """Broken files of the 'wrong district' kind come from the focal point of the district."""
    if f.fault is not None and f.fault.kind == "wrong_district":
        return Uploader(
            username=f"demo-focal-{f.district.lower()}",
            role="focal_point",
            districts=frozenset({f.district}),
            institutions=frozenset({f.institution}),
        )
    return Uploader(username="demo-loader", role="analyst")


def load_demo(
    env: IngestEnv,
    *,
    today: date | None = None,
    seed: int = 2022,
    progress: Callable[[DemoReport], None] | None = None,
    routine: bool = True,
) -> DemoReport:
    """Generate the demo returns and ingest them all, then (``routine``) review, publish and
    stocktake them as the DU would (:mod:`dbmis.demo.routine`; its corrected re-uploads count
    among the files). Refuses a warehouse with real data."""
    started = time.perf_counter()
    with env.db.read() as conn:
        counts: dict[bool, int] = dict(
            conn.execute(
                select(submission.c.is_demo, func.count()).group_by(submission.c.is_demo)
            ).all()
        )
    real, demo = counts.get(False, 0), counts.get(True, 0)
    if real:
        raise ConflictError(
            f"the warehouse holds {real} real submissions: the demo only loads into an empty "
            "or demo warehouse"
        )
    day = today or date.today()
    first, last = default_months(env.catalog, day)
    if demo:
        return DemoReport(months=(first, last), already_loaded=True)
    data = generate(env.catalog, first_month=first, last_month=last, seed=seed)
    report = DemoReport(months=(first, last))
    for batch in _batches(iter_demo_files(env.catalog, data), BATCH):
        groups: dict[Uploader, list[DemoFile]] = {}
        for f in batch:
            groups.setdefault(_uploader(f), []).append(f)
        for user, files in groups.items():
            results = ingest_many([Upload(f.data, f.filename) for f in files], user, env, today=day)
            for f, result in zip(files, results, strict=True):
                report.files += 1
                report.accepted += result.ok
                report.rejected += not result.ok
                report.values += result.counts.get("values", 0) if result.ok else 0
                if result.ok != f.expect_ok:
                    codes = sorted({i.code for i in result.errors})
                    report.mismatches.append(
                        f"{f.filename}: expected "
                        f"{'accept' if f.expect_ok else 'reject'}, got {codes or 'accepted'}"
                    )
        if progress is not None:
            progress(report)
    if routine:
        done = run_demo_routine(env.db, env.catalog, today=day, is_demo=True, env=env, data=data)
        report.routine = done
        report.files += done.reuploads
        report.accepted += done.reuploads
        report.values += done.reupload_values
    report.seconds = time.perf_counter() - started
    return report
