"""A disk cache of rendered stocktake packs: typesetting the PDF takes seconds, so the second
download of an unchanged pack is read from disk.

A rendered pack is keyed on the stocktake, the format and a fingerprint of everything it is
built from (:func:`pack_fingerprint`): the stored KPI values and their recompute time, the
releases, the year's submissions and their statuses, every stocktake entry, the action plan's
progress reports (:func:`dbmis.warehouse.queries.pack_sources.pack_sources`), the catalog's
fingerprint, the pack's date (``today``: what is due, overdue, not yet due) and the DBMIS
version. Any change to one of them gives a new key, so a fresh pack; the old file is removed.

Files live in one folder (``<instance>/cache/packs`` in the app), named
``<stocktake id>-<format>-<key>.<format>``. Each is written to a temporary file in the same
folder and renamed into place, so a reader never sees half a file and concurrent writers of
the same pack (several app processes) simply replace each other's identical bytes. The folder
keeps the newest :data:`KEEP` files; older ones are removed. A cache folder that cannot be
read or written is logged and skipped: the pack is rendered and served all the same.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dbmis
from dbmis.catalog import Catalog
from dbmis.kpis.pack import Format, PackData, build_pack_data, render
from dbmis.kpis.stocktake import check_quarter
from dbmis.periods import parse_period
from dbmis.warehouse import Database
from dbmis.warehouse.queries.pack_sources import PackSources, pack_sources

log = logging.getLogger(__name__)

KEEP = 48
"""Rendered packs kept on disk (three formats of a few stocktakes, a few days each)."""
CACHE_VERSION = 1
"""Bump when a change to the pack's code must retire every cached file."""


def pack_fingerprint(sources: PackSources, catalog: Catalog, quarter: str, today: date) -> str:
    """A digest of what a pack is built from (see the module doc)."""
    digest = hashlib.sha256()
    for part in (
        CACHE_VERSION,
        dbmis.__version__,
        catalog.fingerprint,
        quarter,
        today.isoformat(),
        sources,
    ):
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:40]


@dataclass(frozen=True)
class PackCache:
    """Rendered packs on disk (see the module doc)."""

    root: Path
    keep: int = KEEP

    def path(self, stocktake_id: int, fmt: str, key: str) -> Path:
        if fmt not in ("pdf", "xlsx", "html") or not key.isalnum():
            raise ValueError(f"bad cache key {fmt!r} {key!r}")
        return self.root / f"{int(stocktake_id)}-{fmt}-{key}.{fmt}"

    def get(self, stocktake_id: int, fmt: str, key: str) -> bytes | None:
        """The cached pack, or None."""
        try:
            return self.path(stocktake_id, fmt, key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, stocktake_id: int, fmt: str, key: str, body: bytes) -> None:
        """Store a pack atomically, drop the same pack's older files, keep the newest files."""
        target = self.path(stocktake_id, fmt, key)
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-", suffix=f".{fmt}")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
            Path(tmp).replace(target)
        finally:
            Path(tmp).unlink(missing_ok=True)
        for old in self.root.glob(f"{int(stocktake_id)}-{fmt}-*.{fmt}"):
            if old != target:
                old.unlink(missing_ok=True)
        self.prune()

    def prune(self) -> None:
        """Remove all but the newest :attr:`keep` files."""
        files = []
        for f in self.root.glob("*-*-*.*"):
            try:
                files.append((f.stat().st_mtime_ns, f.name, f))
            except FileNotFoundError:  # removed by another process meanwhile
                continue
        for _, _, f in sorted(files, reverse=True)[self.keep :]:
            f.unlink(missing_ok=True)


def cached_pack(
    db: Database,
    catalog: Catalog,
    stocktake_id: int,
    quarter: str,
    fmt: Format,
    *,
    today: date,
    cache: PackCache | None,
    renderer: Callable[[PackData, Format], bytes] | None = None,
) -> bytes:
    """The pack of a stocktake in ``fmt``: from the cache when nothing it is built from has
    changed, else built (:func:`~dbmis.kpis.pack.build_pack_data`), rendered (``renderer``,
    by default :func:`~dbmis.kpis.pack.render`) and stored. Without a cache, built and
    rendered every time."""
    quarter = check_quarter(quarter)
    renderer = renderer or render
    if cache is None:
        return renderer(build_pack_data(db, catalog, quarter, today=today), fmt)
    with db.read() as conn:
        sources = pack_sources(conn, year=parse_period(quarter).last // 100)
    key = pack_fingerprint(sources, catalog, quarter, today)
    try:
        body = cache.get(stocktake_id, fmt, key)
    except OSError as exc:  # an unreadable cache is no cache: render the pack all the same
        log.warning("stocktake pack cache: cannot read %s: %s", cache.root, exc)
        body = None
    if body is None:
        body = renderer(build_pack_data(db, catalog, quarter, today=today), fmt)
        try:
            cache.put(stocktake_id, fmt, key, body)
        except OSError as exc:
            log.warning("stocktake pack cache: cannot write %s: %s", cache.root, exc)
    return body


__all__ = ["CACHE_VERSION", "KEEP", "PackCache", "cached_pack", "pack_fingerprint"]
