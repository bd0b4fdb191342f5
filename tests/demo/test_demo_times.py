"""The demo warehouse as of 10 March 2025 (mini catalog, SQLite and PostgreSQL): every upload,
review, release and stocktake carries the demo calendar's time, not the time the demo was
built, so the data-quality figures are plausible; and ``ingest`` stores an explicit time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from dbmis.catalog import Catalog, load_catalog
from dbmis.demo import filled_workbook, generate
from dbmis.demo.load import load_demo
from dbmis.demo.timeline import demo_now
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.service import IngestEnv, Upload, ingest, ingest_many
from dbmis.ingest.uploader import Uploader
from dbmis.kpis import stocktake as st
from dbmis.kpis.pack import build_pack_data
from dbmis.kpis.quality import year_grid
from dbmis.warehouse import Database, sync_catalog
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.releases import list_releases
from dbmis.warehouse.queries.submissions import get_submission, list_submissions
from dbmis.warehouse.schema import audit_event, submission
from tests.conftest import BACKENDS, DatabaseFactory
from tests.warehouse.conftest import CATALOG_MINI

TODAY = date(2025, 3, 10)
NOW = demo_now(TODAY)


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return load_catalog(CATALOG_MINI)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_db(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    _db_templates: Any,
    mini: Catalog,
) -> Iterator[Database]:
    """The mini catalog's demo, loaded as of TODAY, once per backend (the tests only read)."""
    folder = tmp_path_factory.mktemp("demo-times")
    factory = DatabaseFactory(request, folder, _db_templates)
    try:
        db = factory(request.param)
        sync_catalog(db, mini)
        env = IngestEnv(db=db, catalog=mini, evidence=EvidenceStore(folder / "ev"), is_demo=True)
        report = load_demo(env, today=TODAY)
        assert report.mismatches == []
        yield db
    finally:
        factory.close()


def test_quality_figures_are_plausible(demo_db: Database, mini: Catalog) -> None:
    with demo_db.read() as conn:
        grid = year_grid(conn, mini, year=2024, institution=None, as_of=TODAY)
        this_year = year_grid(conn, mini, year=2025, institution=None, as_of=TODAY)
    total = grid.total
    assert total.expected == 4 * 2 * 12 and total.not_due == 0
    assert total.timeliness is not None and 0.5 < total.timeliness < 0.99
    assert total.completeness is not None and total.timeliness < total.completeness < 1
    assert total.late > 0 and total.missing > 0
    # as of 10 March: January is due; February (due on 15 March) has mostly arrived
    now = this_year.total
    assert now.expected + now.not_due == 4 * 2 * 12 and now.not_due >= 4 * 2 * 10
    assert now.expected > 4 * 2 and now.on_time > now.missing


def test_the_pack_annex_is_plausible(demo_db: Database, mini: Catalog) -> None:
    pack = build_pack_data(demo_db, mini, "2024Q4", today=TODAY)
    dq = pack.data_quality
    assert dq is not None and dq.months == (202410, 202411, 202412)
    on_time = sum(i.on_time for i in dq.institutions)
    expected = sum(i.expected for i in dq.institutions)
    assert expected == 4 * 2 * 3
    assert 0.5 < on_time / expected < 1


def test_every_time_is_the_demo_calendars(demo_db: Database) -> None:
    with demo_db.read() as conn:
        subs = list_submissions(conn, limit=100_000)
        releases = list_releases(conn)[::-1]
        events = list_events(conn, limit=100_000)
    first = datetime(2024, 1, 1, tzinfo=UTC)
    assert all(first < s.uploaded_at < NOW for s in subs)
    created = {e.entity_id: e.at for e in events if e.action == "submission.created"}
    assert created == {str(s.id): s.uploaded_at for s in subs}  # the audit trail's times too
    reviewed = [s for s in subs if s.reviewed_at is not None]
    assert reviewed and all(
        timedelta(hours=2) <= s.reviewed_at - s.uploaded_at <= timedelta(days=6)  # type: ignore[operator]
        for s in reviewed
    )
    assert [(r.published_at.month, r.published_at.day) for r in releases] == [
        (4, 20), (7, 20), (10, 20), (1, 20)
    ]  # fmt: skip
    assert all(first < e.at < NOW for e in events if e.actor.startswith("demo"))
    by_action: dict[str, datetime] = {}
    for e in events:  # newest first: keep the newest of each
        by_action.setdefault(e.action, e.at)
    assert by_action["release.published"] == releases[-1].published_at
    assert by_action["stocktake.created"] == datetime(2025, 1, 21, 6, tzinfo=UTC)
    # months arrive one upload after another: a year file has about one revision a month
    per_key: dict[tuple[int, int, int], int] = {}
    for s in subs:
        key = (s.district_id, s.institution_id, s.year)
        per_key[key] = max(per_key.get(key, 0), s.revision)
    assert max(per_key.values()) >= 10


def test_stocktakes_are_dated_at_their_meeting(demo_db: Database) -> None:
    summary = st.summary(demo_db, "2024Q4", TODAY)
    assert summary.meeting_date == date(2025, 1, 25)
    assert {j.assessed_at.date() for k in summary.kpis if (j := k.judgement)} == {date(2025, 1, 23)}


# --- ingest with an explicit time ----------------------------------------------------------------


@pytest.fixture
def env(db: Database, mini: Catalog, tmp_path: Path) -> IngestEnv:
    sync_catalog(db, mini)
    return IngestEnv(db=db, catalog=mini, evidence=EvidenceStore(tmp_path / "ev"))


def _file(mini: Catalog) -> bytes:
    data = generate(mini, first_month=202401, last_month=202412, seed=7)
    return filled_workbook(mini, data, "ALPHA", "PROSECUTION", 2024)


def test_ingest_stores_an_explicit_time(env: IngestEnv, mini: Catalog) -> None:
    when = datetime(2025, 1, 9, 8, 30, tzinfo=UTC)
    user = Uploader(username="backfill", role="analyst")
    result = ingest(_file(mini), user, env, today=TODAY, submitted_at=when)
    assert result.ok and result.submission_id is not None
    with env.db.read() as conn:
        assert get_submission(conn, result.submission_id).uploaded_at == when
        (event,) = list_events(conn, entity="submission", entity_id=result.submission_id)
    assert (event.action, event.at) == ("submission.created", when)
    # a rejected file's audit event too; and without a time, now
    broken = Upload(b"not a workbook", "broken.xlsx", when - timedelta(days=1))
    now = Upload(b"not a workbook either", "x.xlsx")
    assert [r.ok for r in ingest_many([broken, now], user, env, today=TODAY)] == [False, False]
    with env.db.read() as conn:
        rejected = list_events(conn, action="upload.rejected")
    assert sorted(e.at for e in rejected)[0] == when - timedelta(days=1)
    assert sorted(e.at for e in rejected)[1] > datetime.now(UTC) - timedelta(minutes=5)


def _count(db: Database) -> tuple[int, int]:
    with db.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(submission)).scalar_one(),
            conn.execute(select(func.count()).select_from(audit_event)).scalar_one(),
        )


def test_a_time_without_a_zone_is_refused(env: IngestEnv, mini: Catalog) -> None:
    user = Uploader(username="backfill", role="analyst")
    before = _count(env.db)
    with pytest.raises(ValueError, match="timezone-aware"):
        ingest(_file(mini), user, env, today=TODAY, submitted_at=datetime(2025, 1, 9, 8, 30))
    assert _count(env.db) == before  # nothing written
