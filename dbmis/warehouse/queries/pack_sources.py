"""What a stocktake pack is built from, read so that it changes whenever the pack would:
the cache of rendered packs (:mod:`dbmis.kpis.pack.cache`) keys each pack on it.

:func:`pack_sources` reads, for the year of the stocktake's quarter:

- the stored KPI values: how many, and when they were last recomputed (a recompute replaces
  them all, stamped with one time);
- the latest release and how many there are (releases never change);
- every submission of the year: id, status, whether current, demo (the data-quality annex:
  what arrived, what is approved or waiting); observations never change once loaded;
- every row of the stocktake tables (stocktakes, judgements, problems, actions, decisions:
  a pack shows earlier quarters' judgements and carried actions too);
- every progress report of the action plan: id, state, whether current.

These are small tables, or one year of submissions: a few thousand rows at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, exists, func, select

from dbmis.warehouse.schema import (
    action,
    assessment,
    decision,
    kpi_value,
    plan_report,
    problem,
    release,
    stocktake,
    submission,
)

STOCKTAKE_TABLES: tuple[Table, ...] = (stocktake, assessment, problem, action, decision)


@dataclass(frozen=True)
class PackSources:
    """See the module doc; every field is plain data (numbers, text, times)."""

    kpi_values: tuple[Any, ...]
    releases: tuple[Any, ...]
    submissions: tuple[tuple[Any, ...], ...]
    holds_demo: bool
    stocktakes: tuple[tuple[Any, ...], ...]
    plan_reports: tuple[tuple[Any, ...], ...]


def _rows(conn: Connection, table: Table) -> list[tuple[Any, ...]]:
    return [(table.name, *row) for row in conn.execute(select(table).order_by(table.c.id))]


def pack_sources(conn: Connection, *, year: int) -> PackSources:
    """The sources of the packs of ``year``'s quarters (see the module doc)."""
    values = conn.execute(
        select(func.count(), func.min(kpi_value.c.computed_at), func.max(kpi_value.c.computed_at))
    ).one()
    releases = conn.execute(select(func.count(), func.max(release.c.number))).one()
    subs = conn.execute(
        select(submission.c.id, submission.c.status, submission.c.is_current)
        .where(submission.c.year == year)
        .order_by(submission.c.id)
    ).all()
    demo = bool(conn.execute(select(exists().where(submission.c.is_demo))).scalar())
    takes = [row for table in STOCKTAKE_TABLES for row in _rows(conn, table)]
    reports = conn.execute(
        select(plan_report.c.id, plan_report.c.state, plan_report.c.is_current).order_by(
            plan_report.c.id
        )
    ).all()
    return PackSources(
        kpi_values=tuple(values),
        releases=tuple(releases),
        submissions=tuple(tuple(r) for r in subs),
        holds_demo=demo,
        stocktakes=tuple(takes),
        plan_reports=tuple(tuple(r) for r in reports),
    )


__all__ = ["STOCKTAKE_TABLES", "PackSources", "pack_sources"]
