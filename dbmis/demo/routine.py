"""The Delivery Unit's routine on the demo data: review, publish quarter by quarter, stocktake.

Run by :func:`dbmis.demo.load.load_demo` as the demo's calendar unfolds (the events of
:meth:`DemoRoutine.events` between the uploads, then :meth:`DemoRoutine.finish`), so each
release holds exactly the returns uploaded and approved by its date. Everything goes through
the same functions as the real thing (:mod:`dbmis.ingest.workflow`, :mod:`dbmis.kpis.releases`,
:mod:`dbmis.kpis.stocktake`, re-uploads through :func:`~dbmis.ingest.service.ingest_many`),
dated by the demo's calendar (:mod:`dbmis.demo.timeline`), so everything is audited with the
simulated time. Everything is synthetic and says so.

The story, for the last ``quarters`` quarters whose routine is over by ``today`` (default 4):

1. On the 20th of the month after each quarter, the DU publishes a release through the
   quarter's last month. Before it, the DU approves each year file as it stands then (its
   current revision, if uploaded by the day before), each approval recorded one to five days
   after the upload; before the first release, that covers every year so far. Before each
   later release, a few focal points also send corrected revisions: they fix data-entry slips
   (a figure typed ten times too large or too small, :attr:`DemoData.outliers`) in months
   already published, so each later release lists revised values and the revisions behind
   them (with the returns that arrived late).
2. Before each release, the action plan's lead institutions report on the quarter and the DU
   approves the reports, so each release publishes the plan's status (:mod:`dbmis.demo.plan`).
3. The stocktakes of the last two quarters, after their releases (see
   :mod:`dbmis.demo.stocktakes`).
4. At the end, a few days before ``today``: a few more corrected revisions wait for review,
   and one re-upload with a figure typed ten times too high is returned with a reason
   ("Figures for March look ten times too high; please check and re-upload"); the returns
   that arrived since the last release wait too. One corrected progress report waits for
   review and one is returned with a reason.

Without an ingest environment and the demo data (``env``/``data``), the routine does without
uploads: no revisions, and the returned submission is one of the latest returns.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from dbmis.catalog import Catalog
from dbmis.catalog.models import Severity
from dbmis.demo.content import DemoContent, Edits, template_name
from dbmis.demo.plan import DemoPlan, PlanStory
from dbmis.demo.stocktakes import DemoStocktakes
from dbmis.demo.timeline import (
    Key,
    demo_now,
    review_time,
    routine_dates,
    routine_quarters,
    upload_time,
)
from dbmis.ingest import workflow
from dbmis.kpis import releases
from dbmis.kpis import stocktake as st
from dbmis.periods import PeriodType, add_months, parse_period, period_of
from dbmis.warehouse import Database
from dbmis.warehouse.queries.dimensions import district_ids, institution_ids
from dbmis.warehouse.queries.submissions import Submission, list_submissions

if TYPE_CHECKING:
    from dbmis.demo.synth import DemoData
    from dbmis.ingest.service import IngestEnv

REVIEWER = "demo-du-analyst"
"""The demo's DU analyst (not an account): the actor of every review and stocktake entry."""
LOADER = "demo-loader"
"""The uploader of the demo's files (an analyst: any district)."""

RETURN_REASON = "Figures for {month} look ten times too high; please check and re-upload"
CORRECTIONS_PER_RELEASE = 2
WAITING_CORRECTIONS = 3


@dataclass
class RoutineReport:
    approved: int = 0
    returned: int = 0
    waiting: int = 0
    """revisions left waiting for review"""
    reuploads: int = 0
    """corrected (or mistyped) revisions uploaded through ingest"""
    reupload_values: int = 0
    releases: list[int] = field(default_factory=list)
    """through month of each release published, in order"""
    first_release: int | None = None
    revised_values: int = 0
    """values revised by later releases, summed over releases"""
    stocktakes: list[str] = field(default_factory=list)
    judgements: int = 0
    problems: int = 0
    actions: int = 0
    overdue_actions: int = 0
    decisions: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    """anything the routine could not do as planned (not errors)"""
    plan: PlanStory | None = None
    """the action plan's progress reports (see :mod:`dbmis.demo.plan`)"""


@dataclass(frozen=True)
class RoutineEvent:
    """One step of the routine, due ``at`` (every upload before it comes first)."""

    at: datetime
    name: str
    run: Callable[[], None]


# --- dates and quarters --------------------------------------------------------------------------


def complete_quarters(first_month: int, last_month: int, count: int) -> list[str]:
    """The last ``count`` calendar quarters that end by ``last_month`` and start by
    ``first_month`` or later, oldest first."""
    out: list[str] = []
    quarter = period_of(last_month, PeriodType.quarter)
    if quarter.last > last_month:
        quarter = period_of(add_months(quarter.first, -1), PeriodType.quarter)
    while len(out) < count and quarter.first >= first_month:
        out.append(quarter.label)
        quarter = period_of(add_months(quarter.first, -1), PeriodType.quarter)
    return out[::-1]


def _month_name(month: int) -> str:
    return date(month // 100, month % 100, 1).strftime("%B")


# --- the routine ---------------------------------------------------------------------------------


def run_demo_routine(
    db: Database,
    catalog: Catalog,
    *,
    today: date,
    is_demo: bool = True,
    env: IngestEnv | None = None,
    data: DemoData | None = None,
    quarters: int = 4,
) -> RoutineReport:
    """Review, publish and stocktake the loaded demo data at once (see the module doc); the
    demo loader runs the same events between its uploads instead."""
    started = time.perf_counter()
    routine = DemoRoutine(db, catalog, today=today, is_demo=is_demo, env=env, data=data,
                          quarters=quarters)  # fmt: skip
    for event in routine.events():
        event.run()
    routine.finish()
    routine.report.seconds = time.perf_counter() - started
    return routine.report


class DemoRoutine:
    """The DU's routine (see the module doc): :meth:`events` in time order, then :meth:`finish`."""

    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        *,
        today: date,
        is_demo: bool = True,
        env: IngestEnv | None = None,
        data: DemoData | None = None,
        content: DemoContent | None = None,
        quarters: int = 4,
    ) -> None:
        self.db, self.catalog, self.today, self.is_demo = db, catalog, today, is_demo
        self.env, self.data = env, data
        self.content = content or (DemoContent(catalog, data) if data is not None else None)
        self.report = RoutineReport()
        self.now = demo_now(today)
        self.last_month = add_months(today.year * 100 + today.month, -1)
        self.first_month = catalog.roadmap.first_reporting_year * 100 + 1
        self.quarters = routine_quarters(self.first_month, self.now, quarters)
        with db.read() as conn:
            self.district_code = {v: k for k, v in district_ids(conn).items()}
            self.institution_code = {v: k for k, v in institution_ids(conn).items()}
        self.touched: set[Key] = set()  # year files given a corrected revision
        self.plan = DemoPlan(
            db,
            catalog,
            self.quarters,
            reviewer=REVIEWER,
            today=today,
            now=self.now,
            evidence=env.evidence if env is not None else None,
            is_demo=is_demo,
        )
        self.stocktakes = DemoStocktakes(db, catalog, REVIEWER, self.report)
        self.previous_through: int | None = None
        self.saved = [k for k, _ in self.slips(self.last_month)[:WAITING_CORRECTIONS]]
        """the year files whose slips are corrected at the end (left alone before)"""
        if not self.quarters:
            self.report.notes.append("no quarter's routine is over yet: nothing published")

    # -- helpers ----------------------------------------------------------------------------

    def key(self, sub: Submission) -> Key:
        return (
            self.district_code[sub.district_id],
            self.institution_code[sub.institution_id],
            sub.year,
        )

    def current(self) -> list[Submission]:
        with self.db.read() as conn:
            subs = list_submissions(conn, current_only=True, limit=10_000_000)
        return sorted(subs, key=lambda s: s.id)  # upload order

    def approve(self, subs: list[Submission], before: datetime) -> None:
        """Approve these revisions, each one to five days after its upload (before ``before``)."""
        by_time: dict[datetime, list[int]] = {}
        for s in subs:
            at = review_time(s.uploaded_at, before, *self.key(s), s.revision)
            by_time.setdefault(at, []).append(s.id)
        for at in sorted(by_time):
            workflow.approve(self.db, by_time[at], reviewer=REVIEWER, reviewer_id=None, now=at)
        self.report.approved += len(subs)

    # -- the story --------------------------------------------------------------------------

    def events(self) -> list[RoutineEvent]:
        """The releases and stocktakes, in time order."""
        out = [
            RoutineEvent(routine_dates(q).release, f"release {q}", self._release_step(q))
            for q in self.quarters
        ]
        last_two = self.quarters[-2:]
        for n, label in enumerate(last_two):
            later = routine_dates(last_two[n + 1]).opened if n + 1 < len(last_two) else None
            out.append(
                RoutineEvent(
                    routine_dates(label).opened,
                    f"stocktake {label}",
                    self._stocktake_step(label, later),
                )
            )
        return sorted(out, key=lambda e: e.at)

    def _release_step(self, label: str) -> Callable[[], None]:
        return lambda: self.release(label)

    def _stocktake_step(self, label: str, moved_on: datetime | None) -> Callable[[], None]:
        return lambda: self.stocktakes.stocktake(label, moved_on=moved_on)

    def release(self, label: str) -> None:
        """Corrections, reviews and the plan's reports, then the release of ``label``."""
        at = routine_dates(label).release
        through = parse_period(label).last
        year = through // 100
        if self.previous_through is not None:  # corrections of published months
            self.correct_slips(
                CORRECTIONS_PER_RELEASE,
                max_month=self.previous_through,
                start=at - timedelta(days=6),
                before=at - timedelta(days=1),
                skip=self.saved,
            )
        cutoff = at - timedelta(days=1)
        waiting = [
            s
            for s in self.current()
            if s.status == "submitted" and s.year <= year and s.uploaded_at <= cutoff
        ]
        self.approve(waiting, at)
        self.plan.report_quarter(label)  # the action plan's progress reports, approved
        info = releases.publish(
            self.db,
            self.catalog,
            through_month=through,
            note=f"Demo release: synthetic data through {_month_name(through)} {year}.",
            published_by=REVIEWER,
            now=at,
            is_demo=self.is_demo,
        )
        self.report.releases.append(through)
        self.report.first_release = self.report.first_release or info.number
        self.report.revised_values += info.revised
        self.previous_through = through

    def finish(self) -> None:
        """After the last release: corrections waiting, one re-upload returned, the plan's
        last reports; then count what waits and what is overdue."""
        self.correct_slips(
            WAITING_CORRECTIONS,
            max_month=self.last_month,
            start=self.now - timedelta(days=6),
            before=self.now - timedelta(hours=4),
        )
        self.return_one()
        self.plan.after_releases()
        self.report.plan = self.plan.story
        self.report.notes += self.plan.story.notes
        self.report.waiting = sum(1 for s in self.current() if s.status == "submitted")
        if self.report.stocktakes:
            summary = st.summary(self.db, self.report.stocktakes[-1], self.today)
            self.report.overdue_actions = len(summary.overdue_actions)

    # -- re-uploads ---------------------------------------------------------------------------

    def _ingest(self, files: list[tuple[bytes, str, datetime]], dry_run: bool = False) -> list[Any]:
        from dbmis.ingest.service import Upload, ingest_many
        from dbmis.ingest.uploader import Uploader

        assert self.env is not None
        return ingest_many(
            [Upload(data, name, at) for data, name, at in files],
            Uploader(username=LOADER, role="analyst"),
            self.env,
            today=self.today,
            dry_run=dry_run,
        )

    def _upload_time(self, sub: Submission, start: datetime, before: datetime) -> datetime | None:
        """When a focal point re-uploads ``sub``'s year file: on a day from ``start`` on,
        after ``sub`` was uploaded, before ``before``; None if there is no such time."""
        day = max(start, sub.uploaded_at + timedelta(hours=20)).date()
        at = max(upload_time(day, *self.key(sub), "again"), sub.uploaded_at + timedelta(hours=1))
        return at if at < before else None

    def correct_slips(
        self,
        count: int,
        *,
        max_month: int,
        start: datetime,
        before: datetime,
        skip: Collection[Key] = (),
    ) -> None:
        """Focal points re-upload ``count`` files with a data-entry slip (in a month up to
        ``max_month``) corrected, between ``start`` and ``before`` (before a release, the DU
        approves them with the other returns); year files in ``skip`` are left alone."""
        if self.env is None or self.content is None or count <= 0:
            return
        by_key = {self.key(s): s for s in self.current() if s.status in ("submitted", "approved")}
        files: list[tuple[bytes, str, datetime]] = []
        fixes: list[tuple[Key, Edits]] = []
        for k, group in self.slips(max_month):
            sub = by_key.get(k)
            if sub is None or k in self.touched or k in skip:
                continue
            at = self._upload_time(sub, start, before)
            months = self.content.months_at(k, at) if at is not None else ()
            edits = {
                (str(r.indicator), int(r.month)): float(r.true_value)
                for r in group.itertuples(index=False)
                if int(r.month) in months
            }
            if at is None or not edits:
                continue
            self.touched.add(k)
            data = self.content.template(k, months, at, edits)
            files.append((data, template_name(k, "-corrected"), at))
            fixes.append((k, edits))
            if len(files) == count:
                break
        if not files:
            return
        results = self._ingest(files)
        self._count(results)
        for (k, fixed), result in zip(fixes, results, strict=True):
            if result.ok:
                self.content.correct(k, fixed)  # later uploads of the file keep the fix

    def slips(self, max_month: int) -> list[tuple[Key, pd.DataFrame]]:
        """The data-entry slips in months up to ``max_month`` by year file: figures typed ten
        times too large first, then the most recent."""
        if self.data is None:
            return []
        used = {c for k in self.catalog.kpis for c in (*k.numerator, *k.denominator)}
        slips = self.data.outliers
        slips = slips[
            (slips["month"] <= max_month)
            & (slips["month"] >= self.first_month)
            & slips["indicator"].isin(used)  # a slip no KPI uses changes no published figure
        ]
        groups = sorted(
            slips.groupby(["district", "institution", slips["month"] // 100]),
            key=lambda kg: (-kg[1]["factor"].max(), -kg[1]["month"].max(), kg[0]),
        )
        return [((str(d), str(i), int(y)), group) for (d, i, y), group in groups]

    def _count(self, results: list[Any]) -> None:
        for r in results:
            if r.ok:
                self.report.reuploads += 1
                self.report.reupload_values += int(r.counts.get("values", 0))
            else:
                codes = sorted({i.code for i in r.errors})
                self.report.notes.append(f"a demo re-upload was rejected: {codes}")

    def return_one(self) -> None:
        """A focal point re-uploads a file with one figure typed ten times too high: returned."""
        latest = max((s.year for s in self.current()), default=None)
        if latest is None:
            return
        month = min(latest * 100 + 3, self.last_month)
        if month // 100 != latest:
            month = latest * 100 + 1
        reason = RETURN_REASON.format(month=_month_name(month))
        candidates = [
            s for s in self.current() if s.year == latest and self.key(s) not in self.touched
        ]
        if self.content is not None and self.env is not None:
            for sub in candidates[:10]:
                k = self.key(sub)
                at = self._upload_time(
                    sub, self.now - timedelta(days=4), self.now - timedelta(hours=6)
                )
                months = self.content.months_at(k, at) if at is not None else ()
                if at is None or month not in months:
                    continue
                for code in self._mistype_order(sub):
                    value = self.content.value(k, code, month)
                    if not value:
                        continue
                    data = self.content.template(k, months, at, {(code, month): value * 10})
                    name = template_name(k, "-v2")
                    if not self._ingest([(data, name, at)], dry_run=True)[0].ok:
                        continue
                    results = self._ingest([(data, name, at)])
                    self._count(results)
                    if results[0].ok and results[0].submission_id:
                        self.touched.add(k)
                        self._return(results[0].submission_id, reason, at)
                        return
        # no re-upload possible: return one of the latest returns still waiting
        waiting = [s for s in candidates if s.status == "submitted"]
        if waiting:
            self._return(waiting[-1].id, reason, waiting[-1].uploaded_at)
        else:
            self.report.notes.append("no submission could be returned")

    def _return(self, submission_id: int, reason: str, uploaded_at: datetime) -> None:
        at = review_time(uploaded_at, self.now, submission_id)
        workflow.return_submission(
            self.db, submission_id, reason=reason, reviewer=REVIEWER, reviewer_id=None, now=at
        )
        self.report.returned += 1

    def _mistype_order(self, sub: Submission) -> list[str]:
        """The institution's indicators, those least likely to break an error rule when ten
        times too large first (a denominator or total rather than a part of it)."""
        institution = self.key(sub)[1]
        codes = [i.code for i in self.catalog.indicators_of(institution)]
        errors = [r for r in self.catalog.rules if r.severity is Severity.error]
        on_left = {c for r in errors for c in r.left}
        on_right = {c for r in errors for c in r.right}
        bounded = {i.code for i in self.catalog.indicators if i.max is not None}
        return sorted(
            codes,
            key=lambda c: (c in on_left or c in bounded, c not in on_right, codes.index(c)),
        )


__all__ = [
    "CORRECTIONS_PER_RELEASE",
    "LOADER",
    "RETURN_REASON",
    "REVIEWER",
    "WAITING_CORRECTIONS",
    "DemoRoutine",
    "RoutineEvent",
    "RoutineReport",
    "complete_quarters",
    "run_demo_routine",
]
