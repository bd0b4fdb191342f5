"""What a new release would contain and why one would be refused
(:mod:`dbmis.kpis.release_preview`), as plain functions. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dbmis.catalog import Catalog
from dbmis.errors import ConflictError
from dbmis.kpis import release_preview as rp
from dbmis.warehouse import Database
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.releases import list_releases

JUNE = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


def codes(problems: list[rp.Problem]) -> list[str]:
    return [p.code for p in problems]


def test_parse_month() -> None:
    assert rp.parse_month(" 2026-09 ") == 202609
    for bad in ("", "2026", "2026Q3", "Sept", None):
        with pytest.raises(ValueError, match="is not a month"):
            rp.parse_month(bad)


def test_default_month_and_what_the_release_would_hold(published: Database) -> None:
    assert rp.default_through_month(published, JUNE) == 202604  # latest approved month
    p = rp.preview(published, 202604, now=JUNE)
    assert p.ok and p.next_number == 2 and p.latest is not None and p.latest.number == 1
    assert [(s["district"], s["institution"], s["year"]) for s in p.submissions] == [
        ("DELTA", "PROSECUTION", 2026)
    ]
    assert p.later_submissions == []
    # the stored values (as last recomputed) against release 1
    assert p.changes["values"]["revised"] == 1  # CONVICTION_RATE 2026Q1: 12.5 -> 77.7
    assert p.changes["revised"][0]["new"] == 77.7
    assert p.stale  # approved after the values were computed
    # a year after the data: nothing of 2026 can go in
    later = rp.preview(published, 202512, now=JUNE)
    assert later.submissions == [] and len(later.later_submissions) == 1


def test_refusals_name_the_problem(published: Database) -> None:
    assert codes(rp.preview(published, 202607, now=JUNE).problems) == ["RELEASE_MONTH_NOT_OVER"]
    assert codes(rp.preview(published, 202602, now=JUNE).problems) == [
        "RELEASE_MONTH_BEFORE_LATEST"
    ]
    message = rp.preview(published, 202602, now=JUNE).problems[0].message()
    assert "release 1 already goes through 2026-03" in message


def test_nothing_approved(synced: Database) -> None:
    assert codes(rp.problems(synced, 202604, now=JUNE)) == ["RELEASE_NOTHING_APPROVED"]
    assert rp.preview(synced, 202604, now=JUNE).submissions == []


def test_publish_checked(published: Database, mini_catalog: Catalog) -> None:
    with pytest.raises(ConflictError) as refused:
        rp.publish_checked(
            published, mini_catalog, through_month=202604, note="  ", published_by="ana", now=JUNE
        )
    assert refused.value.code == "RELEASE_NOTE_REQUIRED"
    with pytest.raises(ConflictError) as future:
        rp.publish_checked(
            published, mini_catalog, through_month=202606, note="x", published_by="ana", now=JUNE
        )
    assert future.value.code == "RELEASE_MONTH_NOT_OVER"
    with published.read() as conn:
        assert [r.number for r in list_releases(conn)] == [1]  # nothing written

    info = rp.publish_checked(
        published,
        mini_catalog,
        through_month=202604,
        note="April returns",
        published_by="ana",
        now=JUNE,
    )
    assert info.number == 2 and info.note == "April returns" and info.submissions == 1
    with published.read() as conn:
        events = list_events(conn, action="release.published")
    assert [(e.actor, e.entity_id) for e in events] == [("ana", "2")]
    # the same month again, nothing new approved since
    assert codes(rp.problems(published, 202604, now=JUNE)) == ["RELEASE_NOTHING_NEW"]
    assert rp.problems(published, 202605, now=JUNE) == []  # a later month is new


def test_recompute_is_audited_and_refreshes_the_preview(
    published: Database, mini_catalog: Catalog
) -> None:
    assert rp.preview(published, 202604, now=JUNE).stale
    report = rp.recompute_audited(published, mini_catalog, by="ana")
    assert report.rows > 0
    with published.read() as conn:
        events = list_events(conn, action="kpis.recomputed")
    assert [e.actor for e in events] == ["ana"]
    assert events[0].detail is not None and events[0].detail["rows"] == report.rows
    assert not rp.preview(published, 202604, now=JUNE).stale


def test_a_stale_preview_recomputes_without_keeping_anything(
    published: Database, mini_catalog: Catalog
) -> None:
    from sqlalchemy import func, select

    from dbmis.warehouse.schema import kpi_value

    with published.read() as conn:
        before = conn.execute(select(func.count(), func.sum(kpi_value.c.value))).one()
    exact = rp.preview(published, 202604, now=JUNE, catalog=mini_catalog)
    assert exact.recomputed_for_preview and not exact.stale
    with published.read() as conn:  # the stored values are as they were
        assert conn.execute(select(func.count(), func.sum(kpi_value.c.value))).one() == before
    # the comparison is what publishing gives: publish, then nothing differs from the preview
    info = rp.publish_checked(
        published, mini_catalog, through_month=202604, note="x", published_by="ana", now=JUNE
    )
    assert (info.added, info.revised) == (
        exact.changes["values"]["added"],
        exact.changes["values"]["revised"],
    )
