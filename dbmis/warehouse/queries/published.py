"""Cheap look-ups for the public site, which asks "which release is the latest?" on every
request: one indexed row, no counting (the full description is
:func:`dbmis.warehouse.queries.releases.get_release`, which the site caches per release)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from dbmis.warehouse.schema import release


def latest_release_number(conn: Connection) -> int | None:
    """The number of the newest release, or None before the first one."""
    query = select(release.c.number).order_by(release.c.number.desc()).limit(1)
    number = conn.execute(query).scalar_one_or_none()
    return None if number is None else int(number)


__all__ = ["latest_release_number"]
