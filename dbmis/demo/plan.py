"""The action plan in the demo: quarterly progress reports by the lead institutions, reviewed
by the Delivery Unit before each release, so every demo release publishes the plan's status.

Everything goes through :func:`dbmis.ingest.progress.report_progress` and the review functions,
so it is checked and audited like the real thing. Everything is synthetic and says so.

The story (deterministic, for any catalog's plan), over the demo's quarters:

- most activities report ``on_schedule``, with each milestone done a few days before it is due;
- about one in four is ``delayed`` from the second quarter on: milestones due from then slip by
  four months, and the narrative says why;
- with six activities or more, the one with the smallest budget among those under way from
  the first quarter is ``dropped`` in the next-to-last quarter;
- the activity with the latest end among those whose every milestone falls due by the last
  quarter is ``completed`` in the quarter of its last milestone (a demo PDF as evidence);
- an activity that began less than six weeks before a quarter ended reports ``not_started``;
- spend to date follows the budget allocated to date (more for activities on schedule).

After the last release, one corrected report waits for review and one is returned with a
reason, so the DU's inbox is not empty.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from dbmis.catalog import Catalog
from dbmis.catalog.plan import Activity
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.progress import (
    EvidenceUpload,
    PlanActor,
    approve_reports,
    report_progress,
    return_report,
)
from dbmis.ingest.progress.checks import QUARTERS_AFTER_END, parse_quarter, quarter_dates
from dbmis.kpis.plan import allocated_to_date
from dbmis.periods import Period, PeriodType, add_months, period_of
from dbmis.warehouse import Database

RETURN_REASON = (
    "The spend to date does not match the ADP release statement for the quarter; please check "
    "it and report again (demo)."
)


@dataclass
class PlanStory:
    """What the demo did with the action plan."""

    reports: int = 0
    approved: int = 0
    returned: int = 0
    waiting: int = 0
    fates: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def choose_fates(catalog: Catalog, quarters: list[str]) -> dict[str, str]:
    """Activity code -> ``on_schedule``, ``delayed``, ``dropped`` or ``completed``."""
    if not quarters:
        return {}
    last_end = quarter_dates(_quarter(quarters[-1]))[1]
    first_start = quarter_dates(_quarter(quarters[0]))[0]
    acts = list(catalog.activities)
    fates = dict.fromkeys((a.code for a in acts), "on_schedule")
    done_by_end = [a for a in acts if a.milestones and max(m.due for m in a.milestones) <= last_end]
    if done_by_end:
        completed = max(done_by_end, key=lambda a: (a.end, a.code))
        fates[completed.code] = "completed"
        for a in done_by_end:  # due to finish too, but running late
            if a.code != completed.code:
                fates[a.code] = "delayed"
    rest = sorted((a for a in acts if fates[a.code] == "on_schedule"), key=lambda a: _crc(a.code))
    if len(acts) >= 6 and len(quarters) >= 3:
        early = sorted(
            (a for a in rest if a.start <= first_start), key=lambda a: (a.budget_total, a.code)
        )
        if early:  # the smallest activity under way from the start
            fates[early[0].code] = "dropped"
            rest = [a for a in rest if a.code != early[0].code]
    quota = max(1, len(acts) // 4) - sum(1 for f in fates.values() if f == "delayed")
    delayed = [a for a in rest if _crc(a.code) % 4 == 1] + [
        a for a in rest if _crc(a.code) % 4 != 1
    ]
    for a in delayed[: max(0, quota)]:
        fates[a.code] = "delayed"
    return fates


def _quarter(label: str) -> Period:
    period = parse_quarter(label)
    if period is None:  # pragma: no cover - the routine passes quarter labels
        raise ValueError(f"{label!r} is not a quarter")
    return period


def _reportable(a: Activity, label: str) -> bool:
    last = quarter_dates(_quarter(label))[1]
    end_quarter = period_of(a.end.year * 100 + a.end.month, PeriodType.quarter)
    latest = period_of(add_months(end_quarter.first, 3 * QUARTERS_AFTER_END), PeriodType.quarter)
    return last >= a.start and _quarter(label).first <= latest.first


def _at(day: date, hour: int, now: datetime) -> datetime:
    return min(datetime.combine(day, time(hour), tzinfo=UTC), now)


def demo_pdf(text: str) -> bytes:
    """A one-page PDF saying ``text`` (ASCII), small and free of scripts or actions."""
    safe = text.encode("ascii", "replace").replace(b"\\", b"").replace(b"(", b"").replace(b")", b"")
    content = b"BT /F1 14 Tf 60 780 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R"
        b" >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


class DemoPlan:
    """Files the demo's progress reports, quarter by quarter (see the module doc)."""

    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        quarters: list[str],
        *,
        reviewer: str,
        today: date,
        now: datetime | None = None,
        evidence: EvidenceStore | None = None,
        is_demo: bool = True,
    ) -> None:
        self.db, self.catalog, self.quarters = db, catalog, quarters
        self.reviewer = PlanActor.operator(reviewer)
        self.today, self.evidence, self.is_demo = today, evidence, is_demo
        self.now = now or datetime.now(UTC)
        """the demo's "now": the last reports are dated a few days before it"""
        self.story = PlanStory(fates=choose_fates(catalog, quarters))
        self.finished: set[str] = set()  # completed or dropped
        self.spent: dict[str, int] = {}
        self.last_ids: dict[str, int] = {}  # activity -> report id in the latest quarter

    def _milestones(self, a: Activity, label: str, fate: str) -> dict[str, date]:
        end = quarter_dates(_quarter(label))[1]
        slip_from = quarter_dates(_quarter(self.quarters[min(1, len(self.quarters) - 1)]))[0]
        done = {}
        for m in a.milestones:
            day = max(a.start, m.due - timedelta(days=5 + _crc(m.code) % 10))
            if fate == "delayed" and m.due >= slip_from:
                day = m.due + timedelta(days=120)
            if day <= end and day <= self.today:
                done[m.code] = day
        return done

    def _status(self, a: Activity, label: str, done: dict[str, date]) -> str:
        fate = self.story.fates.get(a.code, "on_schedule")
        end = quarter_dates(_quarter(label))[1]
        if fate == "completed" and len(done) == len(a.milestones):
            return "completed"
        if fate == "dropped" and label == self.quarters[-2]:
            return "dropped"
        if fate == "delayed" and label >= self.quarters[min(1, len(self.quarters) - 1)]:
            return "delayed"
        if (end - a.start).days < 45 and not done:
            return "not_started"
        return "on_schedule"

    def _spend(self, a: Activity, label: str, status: str) -> int:
        end = quarter_dates(_quarter(label))[1]
        allocated = allocated_to_date(a, end, self.catalog.roadmap.fiscal_year_start_month)
        share = {
            "on_schedule": 0.55 + (_crc(a.code + label) % 25) / 100,
            "delayed": 0.30 + (_crc(a.code + label) % 15) / 100,
            "completed": 0.92,
            "dropped": 0.0,
            "not_started": 0.0,
        }[status]
        amount = int(round(allocated * share, -3))
        return max(amount, self.spent.get(a.code, 0))

    def _narrative(self, a: Activity, status: str, done: dict[str, date]) -> str:
        if status == "delayed":
            late = [m for m in a.milestones if m.code not in done and m.due <= self.today]
            what = late[0].title.en if late else "the next milestone"
            return (
                f"Behind schedule: '{what}' slipped because procurement and postings took longer "
                "than planned; a recovery plan was agreed with the partner institutions (demo)."
            )
        if status == "dropped":
            return (
                "Dropped at the Steering Committee's request: its funds were moved to activities "
                "further along for the same KPIs (demo)."
            )
        if status == "completed":
            return "All milestones done; the work is handed over to routine operations (demo)."
        if status == "not_started":
            return "Preparations under way: staff named and work plan agreed (demo)."
        return f"On schedule: {len(done)} of {len(a.milestones)} milestones done (demo)."

    def report_quarter(self, label: str) -> None:
        """Every reportable activity reports on ``label``; the DU approves them all."""
        end = quarter_dates(_quarter(label))[1]
        ids = []
        self.last_ids = {}
        for a in self.catalog.activities:
            if a.code in self.finished or not _reportable(a, label):
                continue
            fate = self.story.fates.get(a.code, "on_schedule")
            done = self._milestones(a, label, fate)
            status = self._status(a, label, done)
            evidence = []
            if status == "completed" and self.evidence is not None:
                pdf = demo_pdf(f"Completion certificate: {a.title.en} (synthetic demo evidence)")
                evidence.append(EvidenceUpload(pdf, f"{a.code.lower()}-completion.pdf"))
            result = report_progress(
                self.db,
                self.catalog,
                PlanActor(f"demo-focal-{a.lead.lower()}", "focal_point", None, frozenset({a.lead})),
                a.code,
                label,
                status=status,
                spend_pkr=self._spend(a, label, status),
                milestones=done,
                narrative=self._narrative(a, status, done),
                evidence=evidence,
                evidence_store=self.evidence,
                today=self.today,
                now=_at(end + timedelta(days=10), 9, self.now),
                is_demo=self.is_demo,
            )
            if not result.ok or result.report_id is None:
                codes = sorted({i.code for i in result.errors})
                self.story.notes.append(f"a demo progress report was refused: {a.code} {codes}")
                continue
            self.story.reports += 1
            self.spent[a.code] = self._spend(a, label, status)
            ids.append(result.report_id)
            self.last_ids[a.code] = result.report_id
            if status in ("completed", "dropped"):
                self.finished.add(a.code)
        if ids:
            approve_reports(
                self.db, ids, self.reviewer, now=_at(end + timedelta(days=18), 11, self.now)
            )
            self.story.approved += len(ids)

    def after_releases(self) -> None:
        """A corrected report waiting for review, and one returned with a reason."""
        if not self.quarters or not self.last_ids:
            return
        label = self.quarters[-1]
        reported = self.now - timedelta(days=3)
        delayed = [c for c in self.last_ids if self.story.fates.get(c) == "delayed"]
        on_time = [c for c in self.last_ids if self.story.fates.get(c) == "on_schedule"]
        waiting_code = delayed[0] if delayed else None
        returned_code = next((c for c in on_time if c != waiting_code), None)
        for code, returned in ((waiting_code, False), (returned_code, True)):
            if code is None:
                continue
            a = self.catalog.activity_by_code[code]
            fate = self.story.fates.get(code, "on_schedule")
            done = self._milestones(a, label, fate)
            status = self._status(a, label, done)
            spend = self.spent.get(code, 0)
            if returned:  # a figure that does not match the release statement
                spend = int(round(spend * 1.1, -3))
            narrative = self._narrative(a, status, done)
            if not returned:
                narrative = narrative.replace("(demo)", "and approved by the department (demo).")
            result = report_progress(
                self.db,
                self.catalog,
                PlanActor(f"demo-focal-{a.lead.lower()}", "focal_point", None, frozenset({a.lead})),
                code,
                label,
                status=status,
                spend_pkr=spend,
                milestones=done,
                narrative=narrative,
                today=self.today,
                now=reported,
                is_demo=self.is_demo,
            )
            if not result.ok or result.report_id is None:
                codes = sorted({i.code for i in result.errors})
                self.story.notes.append(f"a demo progress report was refused: {code} {codes}")
                continue
            self.story.reports += 1
            if returned:
                return_report(
                    self.db,
                    result.report_id,
                    self.reviewer,
                    reason=RETURN_REASON,
                    now=reported + timedelta(days=1, hours=2),
                )
                self.story.returned += 1
            else:
                self.story.waiting += 1


__all__ = ["RETURN_REASON", "DemoPlan", "PlanStory", "choose_fates", "demo_pdf"]
