"""Build the demo warehouse: every demo file goes through ``ingest_many()``, as uploads do,
stamped with the time the demo's calendar gives it (:mod:`dbmis.demo.timeline`).

The files are uploaded in time order; the Delivery Unit's routine (:mod:`dbmis.demo.routine`)
runs between them at its own dates, so each release holds what was uploaded and approved by
then. Files are checked in batches (one validation run per batch) and each accepted file is
loaded in its own transaction. Broken files must be rejected and clean files accepted; anything
else is reported as a mismatch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from dbmis.demo.content import DemoContent, desk_name, template_name
from dbmis.demo.files import broken_filename, broken_workbook
from dbmis.demo.routine import LOADER, DemoRoutine, RoutineReport
from dbmis.demo.synth import default_months, generate
from dbmis.demo.timeline import PlannedUpload, demo_now, instalments, upload_plan
from dbmis.errors import ConflictError
from dbmis.ingest.result import IngestResult
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
    submissions: int = 0
    """revisions made (a data desk file makes one per year file it holds)"""
    mismatches: list[str] = field(default_factory=list)
    seconds: float = 0.0
    months: tuple[int, int] = (0, 0)
    already_loaded: bool = False
    routine: RoutineReport | None = None
    """what the DU's routine did with the files (reviews, releases, stocktakes)"""


def _uploader(p: PlannedUpload) -> Uploader:
    """Broken files of the 'wrong district' kind come from the focal point of the district."""
    if p.fault is not None and p.fault.kind == "wrong_district":
        return Uploader(
            username=f"demo-focal-{p.fault.district.lower()}",
            role="focal_point",
            districts=frozenset({p.fault.district}),
            institutions=frozenset({p.fault.institution}),
        )
    return Uploader(username=LOADER, role="analyst")


class _Uploads:
    """Feeds the planned uploads to ingest, in time order, in batches."""

    def __init__(self, env: IngestEnv, content: DemoContent, plan: list[PlannedUpload],
                 today: date, report: DemoReport,
                 progress: Callable[[DemoReport], None] | None) -> None:  # fmt: skip
        self.env, self.content, self.plan, self.today = env, content, plan, today
        self.report, self.progress = report, progress
        self.next = 0

    def _file(self, p: PlannedUpload) -> Upload:
        if p.kind == "broken":
            assert p.fault is not None
            data = broken_workbook(self.env.catalog, self.content.data, p.fault)
            return Upload(data, broken_filename(p.fault), p.at)
        if p.kind == "desk":
            return Upload(self.content.desk_csv(p.instalments), desk_name(p.at), p.at)
        (s,) = p.instalments
        return Upload(self.content.template(s.key, s.months, p.at), template_name(s.key), p.at)

    def until(self, moment: datetime) -> None:
        """Upload every planned file due before ``moment``."""
        while self.next < len(self.plan) and self.plan[self.next].at < moment:
            end = self.next
            while end < len(self.plan) and end - self.next < BATCH and self.plan[end].at < moment:
                end += 1
            self._batch(self.plan[self.next : end])
            self.next = end

    def _batch(self, batch: list[PlannedUpload]) -> None:
        groups: dict[Uploader, list[PlannedUpload]] = {}
        for p in batch:  # a key's revisions stay in time order: one uploader for clean files
            groups.setdefault(_uploader(p), []).append(p)
        for user, planned in groups.items():
            uploads = [self._file(p) for p in planned]
            results = ingest_many(uploads, user, self.env, today=self.today)
            for p, upload, result in zip(planned, uploads, results, strict=True):
                self._record(p, upload, result)
        if self.progress is not None:
            self.progress(self.report)

    def _record(self, p: PlannedUpload, upload: Upload, result: IngestResult) -> None:
        report = self.report
        report.files += 1
        report.accepted += result.ok
        report.rejected += not result.ok
        if result.ok:
            report.values += result.counts.get("values", 0)
            report.submissions += 0 if result.duplicate else len(result.submission_ids or [])
        expect_ok = p.kind != "broken"
        if result.ok != expect_ok:
            codes = sorted({i.code for i in result.errors})
            report.mismatches.append(
                f"{upload.filename}: expected {'accept' if expect_ok else 'reject'}, "
                f"got {codes or 'accepted'}"
            )


def load_demo(
    env: IngestEnv,
    *,
    today: date | None = None,
    seed: int = 2022,
    progress: Callable[[DemoReport], None] | None = None,
    routine: bool = True,
) -> DemoReport:
    """Generate the demo returns and upload them as the demo's calendar says, with (``routine``)
    the DU's reviews, releases and stocktakes in between (:mod:`dbmis.demo.routine`; its
    corrected re-uploads count among the files). Refuses a warehouse with real data."""
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
    deadline = env.catalog.roadmap.reporting_deadline_days
    items = instalments(data, day, deadline)
    content = DemoContent(env.catalog, data, items)
    report = DemoReport(months=(first, last))
    uploads = _Uploads(env, content, upload_plan(data, items, day), day, report, progress)
    if routine:
        du = DemoRoutine(
            env.db, env.catalog, today=day, is_demo=True, env=env, data=data, content=content
        )
        for event in du.events():
            uploads.until(event.at)
            event.run()
        uploads.until(demo_now(day))
        du.finish()
        done = du.report
        report.routine = done
        report.files += done.reuploads
        report.accepted += done.reuploads
        report.submissions += done.reuploads
        report.values += done.reupload_values
    else:
        uploads.until(demo_now(day))
    report.seconds = time.perf_counter() - started
    return report
