"""What a new release would contain, the checks before publishing one, and a refresh of the
KPI values: the Delivery Unit's release page (:mod:`dbmis.app.pages.publish`) in plain functions.

- :func:`preview`: through which month, the approved revisions the latest release was not
  built from, and the KPI values that would be added, revised or removed against the latest
  release (:func:`dbmis.kpis.releases.compare_values` of the latest release's values and the
  stored values as last recomputed from the approved data);
- :func:`problems`: why a release through a month would be refused, as codes with values
  (the page words them in the reader's language): the month is not over
  (``RELEASE_MONTH_NOT_OVER``), is before the latest release's month
  (``RELEASE_MONTH_BEFORE_LATEST``), nothing is approved (``RELEASE_NOTHING_APPROVED``), or
  nothing is new since the latest release (``RELEASE_NOTHING_NEW``);
- :func:`publish_checked`: those checks plus a required note, then
  :func:`dbmis.kpis.releases.publish` (which recomputes, copies and audits in one transaction);
- :func:`recompute_audited`: recompute the stored KPI values from the approved data (what the
  steering view and the pack show) and audit it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dbmis.catalog import Catalog
from dbmis.errors import ConflictError
from dbmis.kpis import releases
from dbmis.periods import PeriodType, month_label, parse_period
from dbmis.warehouse import Database
from dbmis.warehouse.queries import releases as rq
from dbmis.warehouse.queries import steering as sq
from dbmis.warehouse.queries.audit import append_event
from dbmis.warehouse.queries.pack import last_approved_month
from dbmis.warehouse.types import utcnow

if TYPE_CHECKING:
    from dbmis.kpis.rollup import RecomputeReport


@dataclass(frozen=True)
class Problem:
    """Why a release would be refused: a stable ``code`` and the values its message names."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        """The problem in English (the CLI's and the logs' wording)."""
        v = self.values
        texts = {
            "RELEASE_MONTH_INVALID": "{text!r} is not a month: write it as 2026-09",
            "RELEASE_MONTH_NOT_OVER": "cannot publish through {month}: the month is not over "
            "yet (the last full month is {last})",
            "RELEASE_MONTH_BEFORE_LATEST": "cannot publish through {month}: release {number} "
            "already goes through {latest}, and releases never go back in time",
            "RELEASE_NOTHING_APPROVED": "nothing is approved yet: approve submissions first",
            "RELEASE_NOTHING_NEW": "nothing is new since release {number}: no submission was "
            "approved or un-approved since, and it already goes through {latest}",
            "RELEASE_NOTE_REQUIRED": "write a note saying what the release holds",
        }
        shown = {k: month_label(x) if k in ("month", "last", "latest") else x for k, x in v.items()}
        return texts[self.code].format(**shown)


@dataclass(frozen=True)
class ReleasePreview:
    through_month: int
    latest: rq.Release | None
    next_number: int
    submissions: list[dict[str, Any]]
    """approved revisions the latest release was not built from, of years the release covers"""
    later_submissions: list[dict[str, Any]]
    """approved revisions of years after the through month (not in this release)"""
    changes: dict[str, Any]
    """:func:`dbmis.kpis.releases.compare_values` of the latest release and the stored values"""
    computed_at: datetime | None
    """when the stored KPI values were last recomputed"""
    last_approval: datetime | None
    problems: list[Problem]
    recomputed_for_preview: bool = False
    """the values were recomputed for this preview (and not kept): the comparison is exact"""

    @property
    def stale(self) -> bool:
        """Data was approved after the KPI values were last recomputed and the preview did not
        recompute them: the value comparison misses it (publishing recomputes first, so the
        release itself will not)."""
        if self.recomputed_for_preview:
            return False
        return _is_stale(self.computed_at, self.last_approval)

    @property
    def ok(self) -> bool:
        return not self.problems


def _is_stale(computed_at: datetime | None, last_approval: datetime | None) -> bool:
    if last_approval is None:
        return False
    return computed_at is None or last_approval > computed_at


def parse_month(text: str | None) -> int:
    """``2026-09`` -> 202609; ValueError naming the text otherwise."""
    value = (text or "").strip()
    try:
        period = parse_period(value)
    except ValueError:
        period = None
    if period is None or period.type is not PeriodType.month:
        raise ValueError(Problem("RELEASE_MONTH_INVALID", {"text": value}).message())
    return period.first


def default_through_month(db: Database, now: datetime) -> int:
    """The last full month, or the latest approved month if that is earlier, but never before
    the latest release's month."""
    last = releases.last_full_month(now)
    with db.read() as conn:
        approved = last_approved_month(conn)
        latest = rq.latest_release(conn)
    month = min(last, approved) if approved is not None else last
    if latest is not None:
        month = max(month, latest.through_month)
    return month


def _problems(
    through_month: int,
    now: datetime,
    latest: rq.Release | None,
    approved: set[int],
    new: list[dict[str, Any]],
    withdrawn: bool,
) -> list[Problem]:
    out: list[Problem] = []
    last = releases.last_full_month(now)
    if through_month > last:
        out.append(Problem("RELEASE_MONTH_NOT_OVER", {"month": through_month, "last": last}))
    if latest is not None and through_month < latest.through_month:
        out.append(
            Problem(
                "RELEASE_MONTH_BEFORE_LATEST",
                {"month": through_month, "number": latest.number, "latest": latest.through_month},
            )
        )
    if not approved:
        out.append(Problem("RELEASE_NOTHING_APPROVED"))
    elif latest is not None and not new and not withdrawn and through_month == latest.through_month:
        out.append(
            Problem(
                "RELEASE_NOTHING_NEW", {"number": latest.number, "latest": latest.through_month}
            )
        )
    return out


def preview(
    db: Database,
    through_month: int,
    *,
    now: datetime | None = None,
    catalog: Catalog | None = None,
) -> ReleasePreview:
    """What a release through ``through_month`` would hold, and what would refuse it.

    With ``catalog``, when data was approved after the KPI values were last recomputed, the
    values are recomputed through ``through_month`` in a transaction that is rolled back, so the
    comparison shows exactly what publishing would add and revise (the stored values are left
    as they were)."""
    at = now or utcnow()
    with db.read() as conn:
        stale = _is_stale(sq.last_computed(conn), sq.last_approval(conn))
    fresh = catalog is not None and stale
    context = db.scratch() if fresh else db.read()
    with context as conn:
        if fresh and catalog is not None:
            releases.recompute_kpis(conn, catalog, through_month)
        latest = rq.latest_release(conn)
        approved = sq.effective_ids(conn)
        pending = sq.unreleased_submissions(conn, latest.id if latest else None)
        released = rq.release_submission_ids(conn, latest.id) if latest else set()
        old = (
            rq.release_values(conn, latest.id)
            if latest
            else rq.unpublished_values(conn, through_month).iloc[0:0]
        )
        new = rq.unpublished_values(conn, through_month)
        computed_at = sq.last_computed(conn)
        approval = sq.last_approval(conn)
        number = rq.next_release_number(conn)
    last_year = through_month // 100
    included = [s for s in pending if s["year"] <= last_year]
    later = [s for s in pending if s["year"] > last_year]
    withdrawn = bool(released - approved)
    return ReleasePreview(
        through_month=through_month,
        latest=latest,
        next_number=number,
        submissions=included,
        later_submissions=later,
        changes=releases.compare_values(old, new),
        computed_at=computed_at,
        last_approval=approval,
        problems=_problems(through_month, at, latest, approved, included, withdrawn),
        recomputed_for_preview=fresh,
    )


def problems(db: Database, through_month: int, *, now: datetime | None = None) -> list[Problem]:
    """Why a release through ``through_month`` would be refused (empty: it would not)."""
    at = now or utcnow()
    with db.read() as conn:
        latest = rq.latest_release(conn)
        approved = sq.effective_ids(conn)
        pending = sq.unreleased_submissions(conn, latest.id if latest else None)
        released = rq.release_submission_ids(conn, latest.id) if latest else set()
    included = [s for s in pending if s["year"] <= through_month // 100]
    return _problems(through_month, at, latest, approved, included, bool(released - approved))


def publish_checked(
    db: Database,
    catalog: Catalog,
    *,
    through_month: int,
    note: str | None,
    published_by: str,
    published_by_id: int | None = None,
    now: datetime | None = None,
    is_demo: bool = False,
) -> releases.ReleaseInfo:
    """Publish a release after the page's checks: a note is required, and :func:`problems`
    must find none (ConflictError with the first problem's code otherwise; nothing written)."""
    at = now or utcnow()
    text = (note or "").strip()
    found = [] if text else [Problem("RELEASE_NOTE_REQUIRED")]
    found += problems(db, through_month, now=at)
    if found:
        raise ConflictError(found[0].message(), code=found[0].code)
    return releases.publish(
        db,
        catalog,
        through_month=through_month,
        note=text,
        published_by=published_by,
        published_by_id=published_by_id,
        now=at,
        is_demo=is_demo,
    )


def recompute_audited(
    db: Database, catalog: Catalog, *, by: str, now: datetime | None = None
) -> RecomputeReport:
    """Recompute every stored KPI value from the approved data, in one write transaction that
    also records who asked for it (``kpis.recomputed``)."""
    from dbmis.kpis.rollup import recompute_on  # heavy: loaded when asked

    at = now or utcnow()
    with db.write() as conn:
        report = recompute_on(conn, catalog, now=at)
        append_event(
            conn,
            actor=by,
            action="kpis.recomputed",
            entity="kpi_value",
            detail={
                "rows": report.rows,
                "first_month": report.first_month,
                "through_month": report.through_month,
            },
            at=at,
        )
    return report
