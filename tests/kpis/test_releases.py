"""Releases: publish copies KPI values into a numbered, immutable release and records what
changed since the previous one. SQLite and PostgreSQL."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete, insert, text, update
from sqlalchemy.exc import DBAPIError

from dbmis.catalog import Catalog
from dbmis.errors import ConflictError, NotFoundError
from dbmis.ingest import workflow
from dbmis.kpis import releases
from dbmis.warehouse import Database
from dbmis.warehouse.queries import releases as rq
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.dimensions import indicator_ids, kpi_ids
from dbmis.warehouse.queries.observations import insert_observations
from dbmis.warehouse.queries.users import create_user
from dbmis.warehouse.schema import kpi_value, release, release_kpi_value, release_submission
from tests.warehouse.conftest import make_submission, mini_catalog, synced_db  # noqa: F401

APRIL = datetime(2026, 4, 15, 8, 0, tzinfo=UTC)
JULY = datetime(2026, 7, 15, 8, 0, tzinfo=UTC)


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def no_recompute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Publish what the test put into kpi_value (the roll-up has its own tests)."""
    monkeypatch.setattr(releases, "recompute_kpis", lambda conn, catalog, through_month: None)


def value_row(conn: Any, kpi: str, month: str, value: float | None, **extra: Any) -> dict:
    """A province KPI value for a month (``extra`` overrides any column)."""
    year, mon = (int(p) for p in month.split("-"))
    row = {
        "kpi_id": kpi_ids(conn)[kpi],
        "geo_level": "province",
        "geo_code": "MINI",
        "period_type": "month",
        "period": month,
        "period_end": year * 100 + mon,
        "numerator": 1.0 if value is None else value,
        "denominator": 100.0,
        "value": value,
        "received": 4,
        "expected": 4,
        "completeness": 1.0,
        "flagged": False,
        "planned": None,
        "status": None,
        "computed_at": APRIL,
    }
    return {**row, **extra}


def put_values(db: Database, values: dict[tuple[str, str], float | None]) -> None:
    """Replace kpi_value with (kpi, month) -> value at province level."""
    with db.write() as conn:
        conn.execute(delete(kpi_value))
        rows = [value_row(conn, k, p, v) for (k, p), v in values.items()]
        if rows:
            conn.execute(insert(kpi_value), rows)


def upload(db: Database, make, sha: str, convictions: dict[int, float], **key: Any) -> int:
    """A prosecution return for 2026 with 10 cases decided a month and these convictions."""
    with db.write() as conn:
        sub = make(conn, sha256=sha * 64, **key)
        ind = indicator_ids(conn)
        rows = []
        for month, conv in convictions.items():
            for code, value in (("PRO_CASES_DECIDED", 10.0), ("PRO_CONVICTIONS", conv)):
                rows.append(
                    {
                        "submission_id": sub.id,
                        "indicator_id": ind[code],
                        "district_id": sub.district_id,
                        "institution_id": sub.institution_id,
                        "month": month,
                        "value": value,
                        "cell": None,
                    }
                )
        insert_observations(conn, rows)
    return sub.id


def approve(db: Database, *ids: int) -> None:
    workflow.approve(db, ids, reviewer="ana", reviewer_id=None)


def publish(db: Database, catalog: Catalog, through: int, now: datetime = APRIL, **kw: Any):
    return releases.publish(
        db,
        catalog,
        through_month=through,
        note=kw.pop("note", None),
        published_by=kw.pop("published_by", "cli:tester"),
        now=now,
        **kw,
    )


def province_month(db: Database, release_id: int, kpi: str = "CONVICTION_RATE") -> dict:
    with db.read() as conn:
        frame = rq.release_values(
            conn, release_id, kpi=kpi, geo_level="province", period_type="month"
        )
    return {
        p: None if math.isnan(v) else v
        for p, v in zip(frame["period"], frame["value"], strict=True)
    }


# --- publishing --------------------------------------------------------------------------------


def test_first_release_copies_values_through_the_month(
    synced_db: Database, mini_catalog: Catalog, no_recompute: None, make_submission
):
    sub = upload(synced_db, make_submission, "1", {202601: 2})
    approve(synced_db, sub)
    put_values(
        synced_db,
        {
            ("CONVICTION_RATE", "2026-01"): 20.0,
            ("CONVICTION_RATE", "2026-02"): None,
            ("CONVICTION_RATE", "2026-03"): 30.0,
            ("UNDERTRIAL_SHARE", "2026-03"): 70.0,
            ("CONVICTION_RATE", "2026-04"): 99.0,  # after the release's month: not published
        },
    )
    with synced_db.write() as conn:
        user = create_user(conn, "ana", "Ana", "analyst")
    info = publish(
        synced_db, mini_catalog, 202603, note="  First  ", published_by="ana",
        published_by_id=user.id,
    )  # fmt: skip
    assert (info.number, info.through_month, info.values, info.note) == (1, 202603, 4, "First")
    assert info.submissions == 1 and info.added == 4 and info.revised == 0
    assert info.changes["values"] == {
        "total": 4, "added": 4, "revised": 0, "unchanged": 0, "removed": 0
    }  # fmt: skip
    assert info.changes["submissions"] == {"new": 1, "revised": 0, "reverted": 0, "withdrawn": 0}
    assert info.changes["submissions_listed"] == [
        {"id": sub, "district": "ALPHA", "institution": "PROSECUTION", "year": 2026,
         "revision": 1, "change": "new", "previous_revision": None}
    ]  # fmt: skip
    assert info.changes["previous"] is None
    got = province_month(synced_db, info.id)
    assert got.keys() == {"2026-01", "2026-02", "2026-03"}
    assert got["2026-01"] == 20.0 and got["2026-03"] == 30.0
    with synced_db.read() as conn:
        latest = rq.latest_release(conn)
        assert latest == rq.get_release(conn, 1) == rq.list_releases(conn)[0]
        assert rq.release_submission_ids(conn, info.id) == {sub}
        frame = rq.release_values(conn, info.id)
        events = list_events(conn, action="release.published")
    assert latest is not None and latest.publisher == "ana" and latest.values == 4
    assert list(frame.columns) == list(rq.FRAME_COLUMNS)
    assert set(frame["kpi"]) == {"CONVICTION_RATE", "UNDERTRIAL_SHARE"}
    assert frame["value"].isna().sum() == 1
    (event,) = events
    assert (event.actor, event.entity, event.entity_id, event.at) == ("ana", "release", "1", APRIL)
    detail = event.detail or {}
    assert detail["values"]["added"] == 4 and detail["through_month"] == 202603


def test_release_values_filters(synced_db: Database, mini_catalog: Catalog, no_recompute: None):
    with synced_db.write() as conn:
        conn.execute(
            insert(kpi_value),
            [
                value_row(conn, "CONVICTION_RATE", "2026-01", 10.0),
                value_row(conn, "CONVICTION_RATE", "2026-01", 12.0, geo_level="district",
                          geo_code="ALPHA"),
                value_row(conn, "CONVICTION_RATE", "2026-03", 11.0, period_type="quarter",
                          period="2026Q1"),
            ],
        )  # fmt: skip
    info = publish(synced_db, mini_catalog, 202603)
    with synced_db.read() as conn:
        alpha = rq.release_values(conn, info.id, geo_code="ALPHA")
        quarters = rq.release_values(conn, info.id, period_type="quarter")
        districts = rq.release_values(conn, info.id, kpi=["CONVICTION_RATE"], geo_level="district")
        none = rq.release_values(conn, info.id, kpi="UNDERTRIAL_SHARE")
    assert list(alpha["value"]) == [12.0] and list(districts["geo_code"]) == ["ALPHA"]
    assert list(quarters["period"]) == ["2026Q1"] and quarters["period_end"].tolist() == [202603]
    assert none.empty and list(none.columns) == list(rq.FRAME_COLUMNS)


def test_publishing_twice_through_the_same_month_changes_nothing(
    synced_db: Database, mini_catalog: Catalog, no_recompute: None
):
    put_values(
        synced_db, {("CONVICTION_RATE", "2026-01"): 20.0, ("CONVICTION_RATE", "2026-02"): 21.0}
    )
    first = publish(synced_db, mini_catalog, 202602)
    again = publish(synced_db, mini_catalog, 202602)
    assert (first.number, again.number) == (1, 2)
    assert again.changes["values"] == {
        "total": 2, "added": 0, "revised": 0, "unchanged": 2, "removed": 0
    }  # fmt: skip
    assert again.changes["revised"] == [] and again.changes["previous"] == 1
    assert again.changes["submissions"] == {"new": 0, "revised": 0, "reverted": 0, "withdrawn": 0}
    assert province_month(synced_db, first.id) == province_month(synced_db, again.id)


def test_changes_list_revised_values_provinces_first(
    synced_db: Database, mini_catalog: Catalog, no_recompute: None
):
    with synced_db.write() as conn:
        conn.execute(
            insert(kpi_value),
            [
                value_row(conn, "CONVICTION_RATE", "2026-01", 10.0, geo_level="district",
                          geo_code="ALPHA"),
                value_row(conn, "CONVICTION_RATE", "2026-01", 20.0),
                value_row(conn, "CONVICTION_RATE", "2026-02", 30.0),
            ],
        )  # fmt: skip
    publish(synced_db, mini_catalog, 202602)
    with synced_db.write() as conn:
        conn.execute(delete(kpi_value))
        conn.execute(
            insert(kpi_value),
            [
                value_row(conn, "CONVICTION_RATE", "2026-01", 11.0, geo_level="district",
                          geo_code="ALPHA"),
                value_row(conn, "CONVICTION_RATE", "2026-01", None),
                value_row(conn, "CONVICTION_RATE", "2026-03", 40.0),
            ],
        )  # fmt: skip
    second = publish(synced_db, mini_catalog, 202603)
    assert second.changes["values"] == {
        "total": 3, "added": 1, "revised": 2, "unchanged": 0, "removed": 1
    }  # fmt: skip
    assert [(r["geo_code"], r["old"], r["new"]) for r in second.changes["revised"]] == [
        ("MINI", 20.0, None),
        ("ALPHA", 10.0, 11.0),
    ]
    assert second.changes["revised_listed"] == 2


def test_a_revision_approved_after_release_1_appears_only_in_release_2(
    synced_db: Database, mini_catalog: Catalog, make_submission
):
    """The real roll-up: approved observations -> kpi_value -> release."""
    first = upload(synced_db, make_submission, "1", {202601: 1, 202602: 2, 202603: 3})
    approve(synced_db, first)
    r1 = publish(synced_db, mini_catalog, 202603, now=APRIL)
    assert province_month(synced_db, r1.id)["2026-02"] == pytest.approx(20.0)

    second = upload(synced_db, make_submission, "2", {202601: 1, 202602: 5, 202603: 3})
    # waiting for review: a re-publish does not pick it up
    waiting = publish(synced_db, mini_catalog, 202603, now=APRIL)
    assert waiting.revised == 0 and waiting.changes["submissions"]["revised"] == 0
    approve(synced_db, second)
    r3 = publish(synced_db, mini_catalog, 202606, now=JULY, note="Q2")

    assert province_month(synced_db, r1.id)["2026-02"] == pytest.approx(20.0)  # never changes
    assert province_month(synced_db, r3.id)["2026-02"] == pytest.approx(50.0)
    revised = [
        r for r in r3.changes["revised"]
        if (r["kpi"], r["geo_level"], r["period_type"], r["period"])
        == ("CONVICTION_RATE", "province", "month", "2026-02")
    ]  # fmt: skip
    assert len(revised) == 1
    assert revised[0]["old"] == pytest.approx(20.0) and revised[0]["new"] == pytest.approx(50.0)
    assert r3.changes["submissions_listed"] == [
        {"id": second, "district": "ALPHA", "institution": "PROSECUTION", "year": 2026,
         "revision": 2, "change": "revised", "previous_revision": 1}
    ]  # fmt: skip
    with synced_db.read() as conn:
        assert rq.release_submission_ids(conn, r1.id) == {first}
        assert rq.release_submission_ids(conn, r3.id) == {second}
    # April to June are new values, not revisions
    assert r3.added > 0 and r3.changes["values"]["removed"] == 0


def test_unapproving_is_listed_as_withdrawn(
    synced_db: Database, mini_catalog: Catalog, make_submission
):
    sub = upload(synced_db, make_submission, "1", {202601: 1})
    approve(synced_db, sub)
    publish(synced_db, mini_catalog, 202603)
    workflow.unapprove(synced_db, sub, reason="wrong district", reviewer="ana", reviewer_id=None)
    after = publish(synced_db, mini_catalog, 202603)
    assert after.changes["submissions"]["withdrawn"] == 1
    assert after.changes["submissions_listed"][0]["change"] == "withdrawn"
    assert province_month(synced_db, 1)["2026-01"] == pytest.approx(10.0)
    assert province_month(synced_db, after.id)["2026-01"] is None


@pytest.mark.parametrize(
    ("through", "message"),
    [(202604, "the last full month is 2026-03"), (202513, "not a month")],
)
def test_publishing_a_month_not_yet_over_is_refused(
    synced_db: Database, mini_catalog: Catalog, no_recompute: None, through: int, message: str
):
    error = ConflictError if through == 202604 else ValueError
    with pytest.raises(error, match=message):
        publish(synced_db, mini_catalog, through, now=APRIL)
    with synced_db.read() as conn:
        assert rq.latest_release(conn) is None


def test_publishing_before_the_previous_release_is_refused(
    synced_db: Database, mini_catalog: Catalog, no_recompute: None
):
    publish(synced_db, mini_catalog, 202603)
    with pytest.raises(ConflictError, match="release 1 already goes through 2026-03") as caught:
        publish(synced_db, mini_catalog, 202602)
    assert caught.value.code == "RELEASE_REFUSED"
    with synced_db.read() as conn:
        assert [r.number for r in rq.list_releases(conn)] == [1]
        with pytest.raises(NotFoundError):
            rq.get_release(conn, 2)


# --- a release never changes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        update(release).values(note="edited"),
        delete(release),
        update(release_kpi_value).values(value=0),
        delete(release_kpi_value),
        update(release_submission).values(submission_id=0),
        delete(release_submission),
    ],
    ids=lambda s: f"{type(s).__name__.lower()}-{s.table.name}",
)
def test_a_release_is_immutable(
    synced_db: Database, mini_catalog: Catalog, make_submission, no_recompute: None, statement
):
    sub = upload(synced_db, make_submission, "1", {202601: 1})
    approve(synced_db, sub)
    put_values(synced_db, {("CONVICTION_RATE", "2026-01"): 10.0})
    info = publish(synced_db, mini_catalog, 202603, note="as published")
    with pytest.raises(DBAPIError, match="immutable"), synced_db.write() as conn:
        conn.execute(statement)
    with synced_db.read() as conn:
        kept = rq.get_release(conn, 1)
        assert rq.release_submission_ids(conn, info.id) == {sub}
    assert (kept.note, kept.values) == ("as published", 1)
    assert province_month(synced_db, info.id) == {"2026-01": 10.0}


@pytest.mark.postgres
def test_release_tables_cannot_be_truncated_on_postgresql(new_database, mini_catalog: Catalog):
    from dbmis.warehouse import sync_catalog

    db = new_database("postgres")
    sync_catalog(db, mini_catalog)
    releases.publish(db, mini_catalog, through_month=202603, note=None, published_by="t", now=APRIL)
    for table in ("release_submission", "release_kpi_value", "release"):
        with pytest.raises(DBAPIError, match="immutable"), db.write() as conn:
            conn.execute(text(f'TRUNCATE "{table}" CASCADE'))


def test_district_and_institution_codes_are_described(synced_db: Database, make_submission):
    a = upload(synced_db, make_submission, "1", {202601: 1}, district="BETA")
    with synced_db.read() as conn:
        assert rq.describe_submissions(conn, [a]) == [
            {"id": a, "district": "BETA", "institution": "PROSECUTION", "year": 2026,
             "revision": 1}
        ]  # fmt: skip
        assert rq.describe_submissions(conn, []) == []
