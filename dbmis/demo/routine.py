"""The Delivery Unit's routine on the demo data: review, publish quarter by quarter, stocktake.

Called by :func:`dbmis.demo.load.load_demo` once every demo file is loaded, so the demo shows
the whole cycle, not just uploads. Everything goes through the same functions as the real
thing (:mod:`dbmis.ingest.workflow`, :mod:`dbmis.kpis.releases`, :mod:`dbmis.kpis.stocktake`,
re-uploads through :func:`~dbmis.ingest.service.ingest_many`), so everything is audited.
Everything is synthetic and says so.

The story, for the last ``quarters`` complete quarters before ``today`` (default 4):

1. Before the first release, the DU approves every return of the years it covers, in upload
   order; before each later release, the returns of a new year, if any, and a few corrected
   revisions: focal points fix data-entry slips (a figure typed ten times too large or too
   small, :attr:`DemoData.outliers`) in months already published, so each later release lists
   revised values and the revisions behind them.
2. A release at the end of each quarter, through its last month, with a short demo note.
3. After the last release: a few more corrected revisions wait for review, and one re-upload
   with a figure typed ten times too high is returned with a reason ("Figures for March look
   ten times too high; please check and re-upload"). Returns of a year no release covers yet
   (January, early in the year) also wait.
4. Stocktakes for the last two quarters: a judgement for every KPI, derived from its status
   against trajectory in the release (with a rationale and the four criteria), a few problems
   naming the lagging districts, actions (some done, some overdue), and decisions asked of
   and taken by the Steering Committee.

Without an ingest environment and the demo data (``env``/``data``), steps 1 and 3 do without
re-uploads: no revisions, and the returned submission is one of the latest returns.
"""

from __future__ import annotations

import io
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import load_workbook

from dbmis.catalog import Catalog
from dbmis.catalog.models import Kpi, Severity, Unit
from dbmis.ingest import layout as L
from dbmis.ingest import workflow
from dbmis.kpis import releases
from dbmis.kpis import stocktake as st
from dbmis.periods import PeriodType, add_months, parse_period, period_of
from dbmis.warehouse import Database
from dbmis.warehouse.queries.dimensions import district_ids, institution_ids
from dbmis.warehouse.queries.releases import release_values
from dbmis.warehouse.queries.submissions import Submission, list_submissions

if TYPE_CHECKING:
    from dbmis.demo.synth import DemoData
    from dbmis.ingest.service import IngestEnv

REVIEWER = "demo-du-analyst"
"""The demo's DU analyst (not an account): the actor of every review and stocktake entry."""

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


def _month_date(month: int, day: int) -> date:
    return date(month // 100, month % 100, day)


def _month_name(month: int) -> str:
    return _month_date(month, 1).strftime("%B")


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
    """Review, publish and stocktake the loaded demo data (see the module doc)."""
    started = time.perf_counter()
    report = RoutineReport()
    routine = _Routine(db, catalog, today, is_demo, env, data, report)
    routine.run(quarters)
    report.seconds = time.perf_counter() - started
    return report


class _Routine:
    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        today: date,
        is_demo: bool,
        env: IngestEnv | None,
        data: DemoData | None,
        report: RoutineReport,
    ) -> None:
        self.db, self.catalog, self.today, self.is_demo = db, catalog, today, is_demo
        self.env, self.data, self.report = env, data, report
        self.now = datetime.now(UTC)
        self.last_month = add_months(today.year * 100 + today.month, -1)
        self.first_month = catalog.roadmap.first_reporting_year * 100 + 1
        with db.read() as conn:
            self.district_code = {v: k for k, v in district_ids(conn).items()}
            self.institution_code = {v: k for k, v in institution_ids(conn).items()}
        self.touched: set[tuple[str, str, int]] = set()  # keys given a new revision

    # -- helpers ----------------------------------------------------------------------------

    def key(self, sub: Submission) -> tuple[str, str, int]:
        return (
            self.district_code[sub.district_id],
            self.institution_code[sub.institution_id],
            sub.year,
        )

    def current(self) -> list[Submission]:
        with self.db.read() as conn:
            subs = list_submissions(conn, current_only=True, limit=10_000_000)
        return sorted(subs, key=lambda s: s.id)  # upload order

    def approve(self, ids: list[int]) -> None:
        if ids:
            workflow.approve(self.db, sorted(ids), reviewer=REVIEWER, reviewer_id=None)
            self.report.approved += len(ids)

    # -- the story --------------------------------------------------------------------------

    def run(self, count: int) -> None:
        quarters = complete_quarters(self.first_month, self.last_month, count)
        if not quarters:
            self.report.notes.append("no complete quarter of data yet: nothing published")
        previous_through: int | None = None
        for label in quarters:
            through = parse_period(label).last
            year = through // 100
            if previous_through is not None:  # corrections of published months, approved
                self.correct_slips(
                    CORRECTIONS_PER_RELEASE, max_month=previous_through, approve=True
                )
            waiting = [s for s in self.current() if s.status == "submitted" and s.year <= year]
            self.approve([s.id for s in waiting])
            info = releases.publish(
                self.db,
                self.catalog,
                through_month=through,
                note=f"Demo release: synthetic data through {_month_name(through)} {year}.",
                published_by=REVIEWER,
                now=None,
                is_demo=self.is_demo,
            )
            self.report.releases.append(through)
            self.report.first_release = self.report.first_release or info.number
            self.report.revised_values += info.revised
            previous_through = through
        # after the last release: corrections waiting, one mistyped re-upload returned
        self.correct_slips(WAITING_CORRECTIONS, max_month=self.last_month, approve=False)
        self.return_one()
        self.report.waiting = sum(1 for s in self.current() if s.status == "submitted")
        last_two = quarters[-2:]
        for label in last_two:
            self.stocktake(label, earlier=label != last_two[-1])
        if last_two:
            summary = st.summary(self.db, last_two[-1], self.today)
            self.report.overdue_actions = len(summary.overdue_actions)

    # -- re-uploads ---------------------------------------------------------------------------

    def _file(self, sub: Submission) -> bytes | None:
        if self.env is None or not self.env.evidence.has(sub.sha256):
            return None
        return self.env.evidence.get(sub.sha256)

    def _edited(self, sub: Submission, edits: dict[tuple[str, int], float]) -> bytes | None:
        """The submission's file with cells (indicator, month) set to new values."""
        original = self._file(sub)
        if original is None or sub.source_kind != "xlsx":
            return None
        wb = load_workbook(io.BytesIO(original))
        ws = wb[L.SHEET_DATA]
        rows = {
            ws.cell(r, L.CODE_COL).value: r
            for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)
            if ws.cell(r, L.CODE_COL).value
        }
        for (code, month), value in edits.items():
            if code not in rows:
                return None
            cell = ws.cell(rows[code], L.month_column(month % 100))
            cell.value = int(value) if float(value).is_integer() else float(value)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    def _ingest(self, files: list[tuple[bytes, str]], dry_run: bool = False) -> list[Any]:
        from dbmis.ingest.service import Upload, ingest_many
        from dbmis.ingest.uploader import Uploader

        assert self.env is not None
        return ingest_many(
            [Upload(data, name) for data, name in files],
            Uploader(username="demo-loader", role="analyst"),
            self.env,
            today=self.today,
            dry_run=dry_run,
        )

    def correct_slips(self, count: int, *, max_month: int, approve: bool) -> None:
        """Focal points re-upload ``count`` files with a data-entry slip (in a month up to
        ``max_month``) corrected; the DU approves them at once when ``approve``."""
        if self.env is None or self.data is None or count <= 0:
            return
        used = {c for k in self.catalog.kpis for c in (*k.numerator, *k.denominator)}
        slips = self.data.outliers
        slips = slips[
            (slips["month"] <= max_month)
            & (slips["month"] >= self.first_month)
            & slips["indicator"].isin(used)  # a slip no KPI uses changes no published figure
        ]
        by_key = {self.key(s): s for s in self.current() if s.status == "approved"}
        chosen: list[tuple[Submission, pd.DataFrame]] = []
        # figures typed ten times too large first, then the most recent
        for key, group in sorted(
            slips.groupby(["district", "institution", slips["month"] // 100]),
            key=lambda kg: (-kg[1]["factor"].max(), -kg[1]["month"].max(), kg[0]),
        ):
            k = (str(key[0]), str(key[1]), int(key[2]))
            if k in by_key and k not in self.touched:
                chosen.append((by_key[k], group))
            if len(chosen) == count:
                break
        files = []
        for sub, group in chosen:
            edits = {
                (str(r.indicator), int(r.month)): float(r.true_value)
                for r in group.itertuples(index=False)
            }
            data = self._edited(sub, edits)
            if data is not None:
                self.touched.add(self.key(sub))
                files.append((data, f"{sub.filename.removesuffix('.xlsx')}-corrected.xlsx"))
        if not files:
            return
        results = self._ingest(files)
        self._count(results)
        new_ids = [r.submission_id for r in results if r.ok and r.submission_id]
        if approve:
            self.approve(new_ids)

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
        if self.env is not None:
            for sub in candidates[:10]:
                for code in self._mistype_order(sub):
                    value = self._value(sub, code, month)
                    if not value:
                        continue
                    data = self._edited(sub, {(code, month): value * 10})
                    if data is None:
                        break
                    name = f"{sub.filename.removesuffix('.xlsx')}-v2.xlsx"
                    if not self._ingest([(data, name)], dry_run=True)[0].ok:
                        continue
                    results = self._ingest([(data, name)])
                    self._count(results)
                    if results[0].ok and results[0].submission_id:
                        self.touched.add(self.key(sub))
                        self._return(results[0].submission_id, reason)
                        return
        # no re-upload possible: return one of the latest returns still waiting, or approved
        waiting = [s for s in candidates if s.status == "submitted"]
        if waiting:
            self._return(waiting[-1].id, reason)
        else:
            self.report.notes.append("no submission could be returned")

    def _return(self, submission_id: int, reason: str) -> None:
        workflow.return_submission(
            self.db, submission_id, reason=reason, reviewer=REVIEWER, reviewer_id=None
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

    def _value(self, sub: Submission, code: str, month: int) -> float | None:
        if self.data is not None:
            values = self.data.values
            d = self.key(sub)[0]
            hit = values[
                (values["district"] == d)
                & (values["indicator"] == code)
                & (values["month"] == month)
            ]["value"]
            return float(hit.iloc[0]) if len(hit) and pd.notna(hit.iloc[0]) else None
        return 10.0

    # -- stocktakes ---------------------------------------------------------------------------

    def stocktake(self, label: str, *, earlier: bool) -> None:
        quarter = parse_period(label)
        meeting = min(_month_date(add_months(quarter.last, 1), 20), self.today)
        st.create(
            self.db,
            label,
            f"Stocktake {label} (demo data)",
            REVIEWER,
            meeting_date=meeting,
        )
        self.report.stocktakes.append(label)
        values = self._release_values(label)
        ranked: list[tuple[int, Kpi]] = []
        for kpi in self.catalog.kpis:
            level = self._judge(label, kpi, values)
            ranked.append((st.LIKELIHOOD_ORDER.index(level), kpi))
        ranked.sort(key=lambda pair: (pair[0], pair[1].code))  # worst first
        self._problems_and_actions(label, [k for _, k in ranked[:3]], values, meeting, earlier)

    def _release_values(self, label: str) -> pd.DataFrame:
        from dbmis.warehouse.queries.releases import list_releases

        through = parse_period(label).last
        with self.db.read() as conn:
            found = [r for r in list_releases(conn) if r.through_month >= through]
            if not found:
                return pd.DataFrame(columns=["kpi", "geo_level", "geo_code", "period"])
            release = min(found, key=lambda r: r.number)
            return release_values(conn, release.id, period_type="quarter")

    def _judge(self, label: str, kpi: Kpi, values: pd.DataFrame) -> str:
        row = values[
            (values["kpi"] == kpi.code)
            & (values["geo_level"] == "province")
            & (values["period"] == label)
        ]
        value = float(row["value"].iloc[0]) if len(row) and pd.notna(row["value"].iloc[0]) else None
        planned = (
            float(row["planned"].iloc[0]) if len(row) and pd.notna(row["planned"].iloc[0]) else None
        )
        status = (
            str(row["status"].iloc[0]) if len(row) and pd.notna(row["status"].iloc[0]) else None
        )
        ahead = (
            value is not None
            and planned is not None
            and ((value >= planned) if kpi.direction.value == "up" else (value <= planned))
        )
        level, progress = {
            "target_met": ("green", "strong"),
            "on_track": ("green" if ahead else "amber_green", "strong" if ahead else "adequate"),
            "at_risk": ("amber_red", "adequate"),
            "off_track": ("red", "weak"),
        }.get(status or "", ("amber_red" if value is None else "amber_green", "weak"))
        seed = zlib.crc32(f"{kpi.code}{label}".encode())
        better = {"green": 0, "amber_green": 0, "amber_red": 1, "red": 2}[level]
        criteria = {
            "planning": st.RATINGS[min(2, (seed % 2) + better // 2)],
            "capacity": st.RATINGS[min(2, ((seed >> 3) % 2) + better // 2)],
            "stage": st.RATINGS[min(2, ((seed >> 5) % 2) + (1 if better else 0))],
            "progress": progress,
        }
        st.judge(
            self.db,
            label,
            kpi.code,
            level,
            self._rationale(kpi, label, value, planned, status, level),
            criteria,
            REVIEWER,
        )
        self.report.judgements += 1
        return level

    def _fmt(self, kpi: Kpi, value: float) -> str:
        text = f"{value:,.{kpi.decimals}f}"
        return f"{text}%" if kpi.unit is Unit.percent else text

    def _rationale(
        self,
        kpi: Kpi,
        label: str,
        value: float | None,
        planned: float | None,
        status: str | None,
        level: str,
    ) -> str:
        name = kpi.name.en
        if value is None:
            fact = f"{name} cannot be computed for {label}: too few approved returns."
        elif planned is None:
            fact = f"{name} was {self._fmt(kpi, value)} in {label}; no trajectory is agreed yet."
        else:
            words = (status or "no status").replace("_", " ")
            fact = (
                f"{name} was {self._fmt(kpi, value)} in {label} against a planned "
                f"{self._fmt(kpi, planned)} ({words})."
            )
        outlook = {
            "green": "The delivery chain is working; keep the routines going.",
            "amber_green": "Delivery is probable if the open actions are completed on time.",
            "amber_red": "Delivery is in doubt: the districts that lag need support this quarter.",
            "red": "Delivery is unlikely without a change of course; escalated to the SC.",
        }[level]
        return f"Demo judgement (synthetic data). {fact} {outlook}"

    def _lagging(self, kpi: Kpi, values: pd.DataFrame, label: str) -> list[str]:
        rows = values[
            (values["kpi"] == kpi.code)
            & (values["geo_level"] == "district")
            & (values["period"] == label)
            & values["value"].notna()
        ]
        ordered = rows.sort_values("value", ascending=kpi.direction.value == "up")
        names = self.catalog.district_by_code
        return [names[c].name.en for c in ordered["geo_code"].head(2) if c in names]

    def _owner(self, kpi: Kpi) -> str:
        codes = [*kpi.numerator, *kpi.denominator]
        institution = self.catalog.indicator_by_code[codes[0]].institution
        return f"{self.catalog.institution_by_code[institution].short.en} headquarters (demo)"

    def _problems_and_actions(
        self,
        label: str,
        worst: list[Kpi],
        values: pd.DataFrame,
        meeting: date,
        earlier: bool,
    ) -> None:
        for n, kpi in enumerate(worst):
            lagging = self._lagging(kpi, values, label)
            where = " and ".join(lagging) if lagging else "several districts"
            st.add_problem(
                self.db,
                label,
                f"{where} lag furthest behind on {kpi.short_name.en.lower()} this quarter (demo).",
                kpi=kpi.code,
                raised_by=REVIEWER,
            )
            self.report.problems += 1
            due = meeting + timedelta(days=30 + 30 * n)
            action_id = st.add_action(
                self.db,
                label,
                f"Hold a delivery review of {kpi.short_name.en.lower()} with the heads of "
                f"{where}, and agree a recovery plan (demo).",
                self._owner(kpi),
                kpi=kpi.code,
                due_date=due,
                created_by=REVIEWER,
            )
            self.report.actions += 1
            status = ("done", "in_progress", "open")[n % 3] if earlier else "open"
            if status != "open":  # the earlier stocktake's actions have moved on since
                st.set_action_status(self.db, action_id, status, changed_by=REVIEWER)
        st.add_problem(
            self.db,
            label,
            "Monthly returns from several district offices arrive after the deadline, which "
            "delays review and publication (demo).",
            raised_by=REVIEWER,
        )
        self.report.problems += 1
        if worst:
            st.add_decision(
                self.db,
                label,
                "asked",
                f"The SC is asked to direct the {self._owner(worst[0]).removesuffix(' (demo)')} "
                f"to assign a named lead for {worst[0].short_name.en.lower()} in each lagging "
                "district (demo).",
                kpi=worst[0].code,
                recorded_by=REVIEWER,
            )
            self.report.decisions += 1
        st.add_decision(
            self.db,
            label,
            "taken",
            "The SC directed all institutions to submit monthly returns by the 10th of the "
            "following month (demo).",
            decided_at=meeting,
            recorded_by=REVIEWER,
        )
        self.report.decisions += 1
