"""The answer cache (``dbmis.app.answers``): bounded in entries and bytes, per release, with
each answer's gzip made once; and the demo marker's look for demo submissions, trusted for a
few seconds (``PublicSite``)."""

from __future__ import annotations

import gzip

import pytest

from dbmis.app.answers import MIN_GZIP_BYTES, AnswerCache, Encoded, gzip_bytes
from dbmis.catalog import Catalog
from dbmis.kpis.public import DEMO_MARKER_TTL, PublicSite
from dbmis.warehouse import Database

JSON = "application/json"


def answer(n: int, size: int = 2000) -> Encoded:
    return Encoded.of((f'{{"n":{n},"pad":"' + "x" * size + '"}').encode(), JSON)


def test_an_answer_keeps_its_gzip() -> None:
    big = answer(1)
    assert big.gzipped is not None and gzip.decompress(big.gzipped) == big.body
    assert big.size == len(big.body) + len(big.gzipped)
    assert gzip_bytes(big.body) == big.gzipped  # no timestamp: the same bytes every time
    small = Encoded.of(b'{"ok":true}', JSON)
    assert len(small.body) < MIN_GZIP_BYTES and small.gzipped is None
    random_like = Encoded.of(bytes(range(256)) * 5, "application/octet-stream")
    assert random_like.gzipped is None or len(random_like.gzipped) < len(random_like.body)


def test_kept_once_per_release_and_key() -> None:
    cache = AnswerCache()
    calls: list[int] = []

    def make(n: int) -> Encoded:
        calls.append(n)
        return answer(n)

    first = cache.get(1, "a", lambda: make(1))
    assert cache.get(1, "a", lambda: make(2)) is first
    assert cache.get(1, "b", lambda: make(3)).body != first.body
    assert calls == [1, 3] and (cache.hits, cache.misses) == (1, 2)


def test_a_newer_release_drops_the_older_ones_but_not_the_catalogs() -> None:
    cache = AnswerCache()
    cache.get(1, "a", lambda: answer(1))
    cache.get(None, "kpis", lambda: answer(0))
    cache.get(2, "a", lambda: answer(2))
    assert len(cache) == 2 and cache.size == answer(0).size + answer(2).size
    # a request that still saw release 1 is answered, but its answer is not kept
    assert cache.get(1, "b", lambda: answer(3)).body == answer(3).body
    assert len(cache) == 2
    assert cache.get(None, "kpis", lambda: answer(9)).body == answer(0).body


def test_bounded_in_entries_and_bytes() -> None:
    by_count = AnswerCache(max_items=3)
    for n in range(5):
        by_count.get(1, n, lambda n=n: answer(n))  # type: ignore[misc]
    assert len(by_count) == 3
    by_count.get(1, 2, lambda: answer(99))  # the most recently used stays
    by_count.get(1, 5, lambda: answer(5))
    assert by_count.get(1, 2, lambda: answer(98)).body == answer(2).body
    one = answer(0).size
    by_bytes = AnswerCache(max_items=100, max_bytes=one * 16 * 3)
    for n in range(80):
        by_bytes.get(1, n, lambda n=n: answer(n))  # type: ignore[misc]
    assert by_bytes.max_bytes - one < by_bytes.size <= by_bytes.max_bytes and len(by_bytes) < 80
    huge = AnswerCache(max_items=100, max_bytes=one * 8)  # an entry may use 1/16 at most
    huge.get(1, "big", lambda: answer(1))
    assert len(huge) == 0 and huge.size == 0
    with pytest.raises(ValueError):
        AnswerCache(max_items=0)


def test_the_demo_marker_is_looked_for_every_few_seconds(
    published: Database, mini_catalog: Catalog
) -> None:
    now = [1000.0]
    site = PublicSite(published, mini_catalog, clock=lambda: now[0])
    assert site.latest_and_demo()[1] is False
    with published.write() as conn:
        conn.exec_driver_sql("UPDATE submission SET is_demo = TRUE")
    now[0] += DEMO_MARKER_TTL / 2
    assert site.latest_and_demo()[1] is False and site.demo() is False  # trusted for now
    now[0] += DEMO_MARKER_TTL / 2
    assert site.latest_and_demo()[1] is True and site.demo() is True
    with published.write() as conn:
        conn.exec_driver_sql("UPDATE submission SET is_demo = FALSE")
    now[0] -= 3 * DEMO_MARKER_TTL  # a clock that goes back is not trusted
    assert site.demo() is False


def test_a_release_marked_demo_shows_the_marker_at_once(
    synced: Database, mini_catalog: Catalog, publish_release: object
) -> None:
    now = [0.0]
    site = PublicSite(synced, mini_catalog, clock=lambda: now[0])
    assert site.latest_and_demo() == (None, False)
    publish_release(synced, is_demo=True)  # type: ignore[operator]
    release, demo = site.latest_and_demo()
    assert release is not None and release.number == 1 and demo is True


def test_the_latest_release_is_read_again_once_the_last_read_is_old_enough(
    published: Database, mini_catalog: Catalog, publish_release: object
) -> None:
    now = [50.0]
    site = PublicSite(published, mini_catalog, clock=lambda: now[0])
    release, _ = site.latest_and_demo_recent(0.1)
    assert release is not None and release.number == 1
    publish_release(published, number=2, note="Second release")  # type: ignore[operator]
    now[0] += 0.05
    assert site.latest_and_demo_recent(0.1)[0] == release  # read 0.05 s ago
    assert site.latest_and_demo()[0].number == 2  # type: ignore[union-attr]
    now[0] = 50.25
    newer, _ = site.latest_and_demo_recent(0.1)
    assert newer is not None and newer.number == 2
    assert site.latest_and_demo_recent(0.0)[0] == newer
