"""dbmis.kpis.public: the public site's read-only facade reads the latest release only.
SQLite and PostgreSQL."""

from __future__ import annotations

import math

import pytest

from dbmis.catalog import Catalog
from dbmis.errors import NotFoundError
from dbmis.kpis import public
from dbmis.kpis.status import Status
from dbmis.warehouse import Database
from tests.app.conftest import (
    PROVINCE,
    UNPUBLISHED_VALUES,
    PublishRelease,
    add_unpublished,
    release_rows,
)

# --- the cache (pure) ------------------------------------------------------------------------


def test_cache_is_an_lru_per_release() -> None:
    cache = public.ReleaseCache(maxsize=2)
    calls: list[str] = []

    def make(name: str):
        def compute() -> str:
            calls.append(name)
            return name.upper()

        return compute

    assert cache.get(1, "a", make("a")) == "A"
    assert cache.get(1, "a", make("a")) == "A"
    assert calls == ["a"] and cache.hits == 1
    cache.get(1, "b", make("b"))
    cache.get(1, "c", make("c"))  # evicts "a", the least recently used
    assert len(cache) == 2
    cache.get(1, "a", make("a"))
    assert calls == ["a", "b", "c", "a"]
    cache.get(2, "a", make("a2"))  # a newer release: older entries go
    assert len(cache) == 1
    cache.get(1, "b", make("b-old"))  # an older release is computed, never stored
    assert len(cache) == 1
    with pytest.raises(ValueError):
        public.ReleaseCache(maxsize=0)


def test_judged_period_type(mini_catalog: Catalog) -> None:
    kpi = mini_catalog.kpi_by_code["CONVICTION_RATE"]
    assert public.judged_period_type(mini_catalog, kpi) == "quarter"


# --- on a warehouse ---------------------------------------------------------------------------


def test_before_the_first_release_there_is_nothing(synced: Database, mini_catalog: Catalog):
    add_unpublished(synced)  # approved figures, but no release
    with synced.read() as conn:
        assert public.latest(conn) is None
        assert public.headline_cards(conn, mini_catalog, "en") == []
        assert public.kpi_series(conn, mini_catalog, "CONVICTION_RATE") is None
        assert public.district_comparison(conn, mini_catalog, "CONVICTION_RATE") is None
        assert public.district_profile(conn, mini_catalog, "ALPHA") is None
        values = public.all_values(conn)
        assert values.release is None and values.frame.empty
        assert public.list_releases(conn) == []


def test_latest_release_and_headline_cards(published: Database, mini_catalog: Catalog):
    cache = public.ReleaseCache()
    with published.read() as conn:
        info = public.latest(conn, cache)
        assert info is not None and (info.number, info.through_month) == (1, 202603)
        assert info.values == 11 and info.note == "First release" and not info.is_demo
        cards = public.headline_cards(conn, mini_catalog, "ur", cache=cache)
    assert [c.kpi for c in cards] == ["CONVICTION_RATE"]
    card = cards[0]
    assert card.name == "سزا کی شرح"
    assert card.latest is not None and card.latest.period == "2026Q1"
    assert card.latest.value == 12.5  # the release's, not kpi_value's 77.7
    assert card.status is Status.at_risk and card.status_label == "خطرے میں"
    assert [p.period for p in card.series] == ["2025Q4", "2026Q1"]
    assert card.target is not None and card.target.target.value == 20


def test_series_comparison_and_profile(published: Database, mini_catalog: Catalog):
    cache = public.ReleaseCache()
    with published.read() as conn:
        series = public.kpi_series(conn, mini_catalog, "CONVICTION_RATE", cache=cache)
        monthly = public.kpi_series(
            conn, mini_catalog, "CONVICTION_RATE", "province", None, "month", cache=cache
        )
        north = public.kpi_series(
            conn, mini_catalog, "CONVICTION_RATE", "division", "NORTH", cache=cache
        )
        comparison = public.district_comparison(conn, mini_catalog, "CONVICTION_RATE", cache=cache)
        profile = public.district_profile(conn, mini_catalog, "ALPHA", cache=cache)
        with pytest.raises(NotFoundError):
            public.kpi_series(conn, mini_catalog, "NOPE")
        with pytest.raises(NotFoundError):
            public.kpi_series(conn, mini_catalog, "CONVICTION_RATE", "district", "NOPE")
        with pytest.raises(ValueError):
            public.kpi_series(conn, mini_catalog, "CONVICTION_RATE", "planet", "X")
        with pytest.raises(NotFoundError):
            public.district_profile(conn, mini_catalog, "NOPE")
    assert series is not None and series.geo_code == PROVINCE and series.period_type == "quarter"
    assert [(p.period, p.value) for p in series.points] == [("2025Q4", 10.0), ("2026Q1", 12.5)]
    assert monthly is not None and [p.period for p in monthly.points] == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    assert north is not None and north.latest is not None and north.latest.status is None
    assert comparison is not None and comparison.period == "2026Q1"
    assert comparison.province is not None and comparison.province.value == 12.5
    order = [(r.district, r.rank) for r in comparison.rows]
    assert order == [("ALPHA", 1), ("BETA", 2), ("DELTA", None), ("GAMMA", None)]
    beta = comparison.rows[1].point
    assert beta is not None and beta.flagged
    assert profile is not None and profile.division == "NORTH"
    first = profile.rows[0]
    assert first.kpi == "CONVICTION_RATE" and first.district is not None
    assert first.district.value == 20.0 and first.province is not None
    assert first.province.value == 12.5
    assert profile.rows[1].district is None  # no UNDERTRIAL_SHARE value for ALPHA


def test_all_values_filters_and_copies(published: Database):
    cache = public.ReleaseCache()
    with published.read() as conn:
        everything = public.all_values(conn, cache=cache)
        quarters = public.all_values(conn, period_type="quarter", geo_level="district", cache=cache)
        one = public.all_values(conn, kpi="CONVICTION_RATE", period="2026-02", cache=cache)
        with pytest.raises(ValueError):
            public.all_values(conn, geo_level="planet")
        with pytest.raises(ValueError):
            public.all_values(conn, period_type="week")
        everything.frame.loc[0, "value"] = -1.0  # the caller's own copy
        again = public.all_values(conn, cache=cache)
    assert list(everything.frame.columns) == list(public.VALUE_COLUMNS)
    assert len(again.frame) == 11 and again.frame.loc[0, "value"] != -1.0
    assert set(quarters.frame["geo_code"]) == {"ALPHA", "BETA", "GAMMA"}
    assert one.frame["value"].tolist() == [12.5]
    values = [v for v in again.frame["value"].tolist() if not math.isnan(v)]
    assert not set(values) & set(UNPUBLISHED_VALUES)


def test_a_newer_release_replaces_the_cached_one(
    published: Database, mini_catalog: Catalog, publish_release: PublishRelease
):
    site = public.PublicSite(published, mini_catalog)
    assert site.headline_cards("en")[0].latest.value == 12.5  # type: ignore[union-attr]
    with published.read() as conn:
        rows = [
            {**r, "value": 15.0} if r["period"] == "2026Q1" and r["geo_level"] == "province" else r
            for r in release_rows(conn)
        ]
    publish_release(published, number=2, rows=rows, is_demo=True)
    assert site.latest().number == 2  # type: ignore[union-attr]
    assert site.headline_cards("en")[0].latest.value == 15.0  # type: ignore[union-attr]
    assert [r.number for r in site.releases()] == [2, 1]
    assert site.release(1).number == 1
    assert site.demo()  # release 2 is marked demo
    with pytest.raises(NotFoundError):
        site.release(9)


def test_demo_comes_from_the_data(published: Database, mini_catalog: Catalog):
    now = [1000.0]
    site = public.PublicSite(published, mini_catalog, clock=lambda: now[0])
    assert not site.demo()
    with published.write() as conn:
        conn.exec_driver_sql("UPDATE submission SET is_demo = TRUE")
    # the look for demo submissions is trusted for DEMO_MARKER_TTL seconds, then done again
    now[0] += public.DEMO_MARKER_TTL / 2
    assert not site.demo()
    now[0] += public.DEMO_MARKER_TTL
    assert site.demo()
