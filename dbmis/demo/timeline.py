"""The demo's calendar: when each monthly return arrives, when it is uploaded, and when the
Delivery Unit reviews, publishes and holds its stocktakes.

Returns. A focal point keeps one file per district, institution and year and uploads it again
each month with the new month filled in, so each month of a year file first reaches DBMIS with
the revision uploaded after it arrived: that upload time is what the data-quality page and the
stocktake pack measure timeliness by (:mod:`dbmis.kpis.quality`). The demo data says when each
monthly return arrived (``DemoData.late``: most within the deadline, chronically late districts
later, returns never sent missing); a return that would arrive on or after ``today`` has not
arrived yet and is in no file.

Uploads (:func:`upload_plan`). Loading ~18,000 monthly revisions one file each would take
about ten minutes, so the demo takes a shortcut that keeps every arrival on the right side of
its deadline:

- the latest revision of each year file is the focal point's filled template, uploaded on the
  day its latest month arrived (between 08:00 and 17:00 Pakistan time);
- the earlier revisions (the file as it stood after each earlier month arrived, months so far
  included) are uploaded by the DU's data desk in one bulk file (the long CSV format) on fixed
  days: the 5th, 10th, 15th, 20th and 25th, the last day of each month and each due date, the
  arrival rounded up to the next such day. A return that arrived by its due date is therefore
  still uploaded by it, and a late one still after it;
- each broken file (ingest must reject it) comes two hours before the template it spoils.

The DU's routine (:func:`routine_dates`): returns for a month are due ``deadline`` days after it
ends (the 15th by default); the release of a quarter is published on the 20th of the month
after it, 10:00 Pakistan time, after the reviews; the quarter's stocktake is opened on the
21st, its judgements are recorded on the 23rd and the Steering Committee meets on the 25th.

All times are UTC (Pakistan is UTC+5); everything is deterministic.
"""

from __future__ import annotations

import bisect
import calendar
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

import numpy as np
import pandas as pd

from dbmis.demo.synth import BrokenFile, DemoData
from dbmis.periods import PeriodType, add_months, parse_period, period_of

DESK_DAYS = (5, 10, 15, 20, 25)
"""Days of the month the DU's data desk uploads (with the month's last day and due dates)."""
DESK_TIME = time(11, 30)
"""When the data desk uploads (16:30 in Pakistan)."""
FIRST_UPLOAD_HOUR, LAST_UPLOAD_HOUR = 3, 12
"""Focal points upload between 08:00 and 17:00 in Pakistan (03:00-12:00 UTC)."""
REVIEW_TIME = time(5, 0)
"""When the DU's reviews are recorded (10:00 in Pakistan)."""
NOW_TIME = time(6, 0)
"""The demo's "now" on ``today`` (11:00 in Pakistan)."""

Key = tuple[str, str, int]
"""(district, institution, year): one year file."""


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=UTC)


def crc(*parts: object) -> int:
    """A stable number from ``parts`` (the demo's deterministic choices)."""
    return zlib.crc32("|".join(map(str, parts)).encode("utf-8"))


def demo_now(today: date) -> datetime:
    """The demo's "now": 11:00 Pakistan time on ``today``, or the real time if that is
    earlier (``dbmis demo`` run early in the morning). Every demo event is before it."""
    return min(_at(today, NOW_TIME), datetime.now(UTC))


def upload_time(day: date, *parts: object) -> datetime:
    """A focal point's upload on ``day``: office hours, minute chosen from ``parts``."""
    minutes = crc(day, *parts) % ((LAST_UPLOAD_HOUR - FIRST_UPLOAD_HOUR) * 60)
    return _at(day, time(FIRST_UPLOAD_HOUR)) + timedelta(minutes=minutes)


def review_time(uploaded_at: datetime, before: datetime, *parts: object) -> datetime:
    """When the DU reviews an upload: one to five days later at 10:00 Pakistan time, before
    ``before`` (a release), and always after the upload."""
    day = uploaded_at.date() + timedelta(days=1 + crc("review", *parts) % 5)
    at = min(_at(day, REVIEW_TIME), before - timedelta(hours=3))
    return max(at, uploaded_at + timedelta(hours=2))


# --- the DU's routine ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoutineDates:
    """The dates of one quarter's routine (see the module doc)."""

    quarter: str
    release: datetime
    opened: datetime
    judged: datetime
    meeting: date
    meeting_at: datetime


def routine_dates(label: str) -> RoutineDates:
    after = add_months(parse_period(label).last, 1)
    year, month = divmod(after, 100)
    meeting = date(year, month, 25)
    return RoutineDates(
        quarter=label,
        release=_at(date(year, month, 20), time(5, 0)),
        opened=_at(date(year, month, 21), time(6, 0)),
        judged=_at(date(year, month, 23), time(7, 0)),
        meeting=meeting,
        meeting_at=_at(meeting, time(9, 0)),
    )


def routine_quarters(first_month: int, now: datetime, count: int) -> list[str]:
    """The last ``count`` calendar quarters from ``first_month`` on whose whole routine
    (release to stocktake meeting) is over by ``now``, oldest first."""
    out: list[str] = []
    quarter = period_of(add_months(now.year * 100 + now.month, -1), PeriodType.quarter)
    while len(out) < count and quarter.first >= first_month:
        if routine_dates(quarter.label).meeting_at < now:
            out.append(quarter.label)
        quarter = period_of(add_months(quarter.first, -1), PeriodType.quarter)
    return out[::-1]


# --- arrivals and uploads ------------------------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    """One revision of a year file: uploaded ``at``, holding ``months`` (YYYYMM)."""

    key: Key
    at: datetime
    months: tuple[int, ...]
    final: bool
    """the latest revision: the focal point's template; else the data desk's bulk file"""


@dataclass(frozen=True)
class PlannedUpload:
    """A file the demo uploads at ``at``: a template (one instalment), the data desk's bulk
    file (many), or a broken file (``fault``)."""

    at: datetime
    kind: Literal["template", "desk", "broken"]
    instalments: tuple[Instalment, ...] = ()
    fault: BrokenFile | None = None


def arrivals(data: DemoData, today: date) -> pd.DataFrame:
    """district, institution, month, arrived (a date) of every return sent before ``today``."""
    late = data.late
    arrived = pd.to_datetime(late["submitted_on"]).dt.date
    keep = (arrived < today).to_numpy()
    return pd.DataFrame(
        {
            "district": late["district"].to_numpy()[keep],
            "institution": late["institution"].to_numpy()[keep],
            "month": late["month"].to_numpy(dtype=np.int64)[keep],
            "arrived": arrived.to_numpy()[keep],
        }
    )


def desk_days(first: date, last: date, deadline_days: int) -> list[date]:
    """Every day from ``first`` to ``last`` (and a month beyond) the data desk uploads."""
    days: set[date] = set()
    month = first.year * 100 + first.month
    end = last.year * 100 + last.month
    while month <= add_months(end, 1):
        year, m = divmod(month, 100)
        final = calendar.monthrange(year, m)[1]
        days |= {date(year, m, d) for d in DESK_DAYS} | {date(year, m, final)}
        days.add(date(year, m, final) + timedelta(days=deadline_days))  # this month's due date
        month = add_months(month, 1)
    return sorted(days)


def instalments(data: DemoData, today: date, deadline_days: int) -> list[Instalment]:
    """Every revision of every year file, by key, then time (see the module doc)."""
    frame = arrivals(data, today)
    if frame.empty:
        return []
    days = desk_days(min(frame["arrived"]), max(frame["arrived"]), deadline_days)
    out: list[Instalment] = []
    frame = frame.assign(year=frame["month"] // 100).sort_values(
        ["district", "institution", "year", "arrived", "month"], kind="mergesort"
    )
    for (d, i, y), group in frame.groupby(["district", "institution", "year"], sort=False):
        key: Key = (str(d), str(i), int(y))
        months = [int(m) for m in group["month"]]
        came = list(group["arrived"])
        final_day = max(came)
        uploads: list[date] = []
        for day in sorted(set(came)):
            desk = days[bisect.bisect_left(days, day)]
            if desk < final_day and (not uploads or desk > uploads[-1]):
                uploads.append(desk)
        for desk in uploads:
            held = tuple(sorted(m for m, a in zip(months, came, strict=True) if a <= desk))
            out.append(Instalment(key, _at(desk, DESK_TIME), held, final=False))
        out.append(Instalment(key, upload_time(final_day, *key), tuple(sorted(months)), True))
    return out


def _broken_time(fault: BrokenFile, finals: dict[Key, datetime], today: date) -> datetime:
    final = finals.get((fault.district, fault.institution, fault.year))
    if final is not None:
        return final - timedelta(hours=2)
    month = min(fault.month or fault.year * 100 + 12, fault.year * 100 + 12)
    year, m = divmod(add_months(month, 1), 100)
    day = min(date(year, m, 12), today - timedelta(days=1))
    return upload_time(day, fault.district, fault.institution, fault.kind)


def upload_plan(data: DemoData, made: list[Instalment], today: date) -> list[PlannedUpload]:
    """Every file the demo uploads, in time order (see the module doc): the templates and the
    data desk's files of ``made`` (from :func:`instalments`), and the broken files."""
    plan = [PlannedUpload(s.at, "template", (s,)) for s in made if s.final]
    desk: dict[datetime, list[Instalment]] = {}
    for s in made:
        if not s.final:
            desk.setdefault(s.at, []).append(s)
    plan += [PlannedUpload(at, "desk", tuple(items)) for at, items in desk.items()]
    finals = {s.key: s.at for s in made if s.final}
    plan += [
        PlannedUpload(_broken_time(f, finals, today), "broken", fault=f) for f in data.broken_files
    ]
    order = {"broken": 0, "desk": 1, "template": 2}
    return sorted(plan, key=lambda p: (p.at, order[p.kind], _first_key(p.instalments)))


def _first_key(items: Iterable[Instalment]) -> Key:
    return next((s.key for s in items), ("", "", 0))


__all__ = [
    "DESK_DAYS",
    "Instalment",
    "PlannedUpload",
    "RoutineDates",
    "arrivals",
    "crc",
    "demo_now",
    "desk_days",
    "instalments",
    "review_time",
    "routine_dates",
    "routine_quarters",
    "upload_plan",
    "upload_time",
]
