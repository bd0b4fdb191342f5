"""The demo's calendar (no database): when each return arrives and is uploaded, and the DU's
routine dates. Every month of a year file first reaches DBMIS with an upload on the right side
of its deadline; revisions of a file come in time order, each holding the months so far."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from dbmis.catalog import Catalog
from dbmis.demo import DemoData
from dbmis.demo.timeline import (
    arrivals,
    demo_now,
    instalments,
    review_time,
    routine_dates,
    routine_quarters,
    upload_plan,
)
from dbmis.kpis.quality import due_date
from tests.demo.conftest import LAST

TODAY = date(2026, 11, 22)
DEADLINE = 15


def test_returns_that_have_not_arrived_are_in_no_file(demo: DemoData) -> None:
    assert LAST == 202610
    frame = arrivals(demo, TODAY)
    assert (frame["arrived"] < TODAY).all()
    sent = len(demo.late)
    assert 0 < sent - len(frame) < sent * 0.02  # only the last weeks' returns are still to come
    items = instalments(demo, TODAY, DEADLINE)
    held = {(s.key[0], s.key[1], m) for s in items for m in s.months}
    arrived = set(zip(frame["district"], frame["institution"], frame["month"], strict=True))
    assert held == arrived


def test_each_month_first_arrives_on_the_right_side_of_its_deadline(demo: DemoData) -> None:
    items = instalments(demo, TODAY, DEADLINE)
    first: dict[tuple[str, str, int], datetime] = {}
    for s in items:
        for m in s.months:
            key = (s.key[0], s.key[1], m)
            first[key] = min(first.get(key, s.at), s.at)
    frame = arrivals(demo, TODAY)
    on_time = 0
    for d, i, m, came in frame.itertuples(index=False):
        uploaded = first[(d, i, m)].date()
        assert uploaded >= came  # never before the return arrived
        due = due_date(int(m), DEADLINE)
        assert (uploaded <= due) == (came <= due), (d, i, m, came, uploaded)
        on_time += came <= due
    assert 0.8 < on_time / len(frame) < 0.99  # most on time, some late


def test_revisions_come_in_order_and_hold_the_months_so_far(demo: DemoData) -> None:
    items = instalments(demo, TODAY, DEADLINE)
    by_key: dict[tuple[str, str, int], list] = {}
    for s in items:
        by_key.setdefault(s.key, []).append(s)
    assert len(items) > 10 * len(by_key)  # about one upload a month
    for key, revisions in by_key.items():
        times = [s.at for s in revisions]
        assert times == sorted(times) and len(set(times)) == len(times)
        for a, b in itertools.pairwise(revisions):
            assert set(a.months) < set(b.months), key
        *earlier, final = revisions
        assert final.final and not any(s.final for s in earlier)
        assert all(s.at.time() == datetime(2000, 1, 1, 11, 30).time() for s in earlier)
        assert 3 <= final.at.hour < 12  # office hours in Pakistan (UTC+5)
        assert final.at < demo_now(TODAY)


def test_the_upload_plan_is_in_time_order(catalog: Catalog, demo: DemoData) -> None:
    items = instalments(demo, TODAY, DEADLINE)
    plan = upload_plan(demo, items, TODAY)
    assert [p.at for p in plan] == sorted(p.at for p in plan)
    kinds = pd.Series([p.kind for p in plan]).value_counts().to_dict()
    assert kinds["broken"] == len(demo.broken_files)
    assert kinds["template"] == sum(1 for s in items if s.final)
    assert 200 < kinds["desk"] < 20 * 12 * 5  # a few bulk files a month, not one a day
    desk_days = {p.at.day for p in plan if p.kind == "desk"}
    assert desk_days <= {5, 10, 15, 20, 25, 28, 29, 30, 31}
    assert upload_plan(demo, instalments(demo, TODAY, DEADLINE), TODAY) == plan  # deterministic


def test_the_routine_calendar() -> None:
    q = routine_dates("2026Q3")
    assert q.release == datetime(2026, 10, 20, 5, tzinfo=UTC)
    assert q.release < q.opened < q.judged < q.meeting_at and q.meeting == date(2026, 10, 25)
    now = demo_now(date(2025, 3, 10))
    assert now == datetime(2025, 3, 10, 6, tzinfo=UTC)
    assert routine_quarters(202401, now, 4) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    # the routine of 2026Q3 is over on 26 October, not on 24 October
    assert routine_quarters(202201, datetime(2026, 10, 26, tzinfo=UTC), 2) == ["2026Q2", "2026Q3"]
    assert routine_quarters(202201, datetime(2026, 10, 24, tzinfo=UTC), 2) == ["2026Q1", "2026Q2"]
    uploaded = datetime(2026, 4, 3, 7, tzinfo=UTC)
    reviewed = review_time(uploaded, q.release, "ALPHA")
    assert uploaded + timedelta(hours=2) <= reviewed <= uploaded + timedelta(days=6)
    late = review_time(datetime(2026, 10, 19, 4, tzinfo=UTC), q.release, "ALPHA")
    assert late < q.release
