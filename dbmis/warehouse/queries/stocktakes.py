"""Quarterly stocktakes: the DU's likelihood judgements, problems, actions and decisions.

A stocktake is a draft until it is finalised; a final stocktake's judgements, problems and
decisions no longer change (ConflictError). Actions keep moving after the meeting, so their
status can always be updated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, insert, select, update

from dbmis.errors import ConflictError, NotFoundError
from dbmis.periods import PeriodType, parse_period
from dbmis.warehouse.schema import (
    ACTION_STATUSES,
    action,
    assessment,
    decision,
    problem,
    stocktake,
)
from dbmis.warehouse.types import utcnow


@dataclass(frozen=True)
class Stocktake:
    id: int
    quarter: str
    title: str
    meeting_date: date | None
    status: str
    created_by: int | None
    created_at: datetime


def create_stocktake(
    conn: Connection,
    quarter: str,
    title: str,
    *,
    created_by: int | None = None,
    meeting_date: date | None = None,
    now: datetime | None = None,
) -> Stocktake:
    """Open a draft stocktake for a quarter (``2026Q3``); ConflictError if one exists."""
    if parse_period(quarter).type is not PeriodType.quarter:
        raise ValueError(f"{quarter!r} is not a quarter such as 2026Q3")
    if conn.execute(select(stocktake.c.id).where(stocktake.c.quarter == quarter)).first():
        raise ConflictError(f"a stocktake for {quarter} already exists")
    values = {
        "quarter": quarter,
        "title": title,
        "meeting_date": meeting_date,
        "status": "draft",
        "created_by": created_by,
        "created_at": now or utcnow(),
    }
    conn.execute(insert(stocktake).values(values))
    return get_stocktake(conn, quarter)


def get_stocktake(conn: Connection, quarter: str) -> Stocktake:
    """The stocktake of a quarter; NotFoundError if there is none."""
    row = conn.execute(select(stocktake).where(stocktake.c.quarter == quarter)).first()
    if row is None:
        raise NotFoundError(f"no stocktake for {quarter}")
    return Stocktake(**row._mapping)


def list_stocktakes(conn: Connection) -> list[Stocktake]:
    """All stocktakes, latest quarter first."""
    rows = conn.execute(select(stocktake).order_by(stocktake.c.quarter.desc()))
    return [Stocktake(**row._mapping) for row in rows]


def finalise_stocktake(conn: Connection, stocktake_id: int) -> None:
    """Freeze a stocktake's judgements, problems and decisions."""
    _require_draft(conn, stocktake_id)
    conn.execute(update(stocktake).where(stocktake.c.id == stocktake_id).values(status="final"))


def _require_draft(conn: Connection, stocktake_id: int) -> None:
    status = conn.execute(
        select(stocktake.c.status).where(stocktake.c.id == stocktake_id)
    ).scalar_one_or_none()
    if status is None:
        raise NotFoundError(f"no stocktake with id {stocktake_id}")
    if status != "draft":
        raise ConflictError(f"stocktake {stocktake_id} is final and can no longer change")


def upsert_assessment(
    conn: Connection,
    stocktake_id: int,
    kpi_id: int,
    likelihood: str,
    rationale: str,
    *,
    criteria: dict[str, Any] | None = None,
    assessed_by: int | None = None,
    now: datetime | None = None,
) -> int:
    """Set (or replace) the likelihood of delivery of one KPI at one stocktake; returns its id."""
    _require_draft(conn, stocktake_id)
    values = {
        "likelihood": likelihood,
        "rationale": rationale,
        "criteria": criteria,
        "assessed_by": assessed_by,
        "assessed_at": now or utcnow(),
    }
    key = (assessment.c.stocktake_id == stocktake_id) & (assessment.c.kpi_id == kpi_id)
    found = conn.execute(select(assessment.c.id).where(key)).scalar_one_or_none()
    if found is not None:
        conn.execute(update(assessment).where(assessment.c.id == found).values(values))
        return found
    query = insert(assessment).values(stocktake_id=stocktake_id, kpi_id=kpi_id, **values)
    return conn.execute(query.returning(assessment.c.id)).scalar_one()


def _add(conn: Connection, table: Table, stocktake_id: int, values: dict[str, Any]) -> int:
    _require_draft(conn, stocktake_id)
    query = insert(table).values(stocktake_id=stocktake_id, **values).returning(table.c.id)
    return conn.execute(query).scalar_one()


def add_problem(
    conn: Connection,
    stocktake_id: int,
    description: str,
    *,
    kpi_id: int | None = None,
    raised_by: int | None = None,
    now: datetime | None = None,
) -> int:
    """Record a problem raised at a stocktake; returns its id."""
    values = {"kpi_id": kpi_id, "description": description, "raised_by": raised_by}
    return _add(conn, problem, stocktake_id, {**values, "created_at": now or utcnow()})


def add_action(
    conn: Connection,
    stocktake_id: int,
    description: str,
    owner: str,
    *,
    kpi_id: int | None = None,
    due_date: date | None = None,
    now: datetime | None = None,
) -> int:
    """Record an open action with its owner and due date; returns its id."""
    at = now or utcnow()
    values = {"kpi_id": kpi_id, "description": description, "owner": owner, "due_date": due_date}
    return _add(
        conn, action, stocktake_id, {**values, "status": "open", "created_at": at, "updated_at": at}
    )


def set_action_status(
    conn: Connection, action_id: int, status: str, *, now: datetime | None = None
) -> None:
    """Move an action to open, in_progress, done or dropped."""
    if status not in ACTION_STATUSES:
        raise ValueError(f"status must be one of {', '.join(ACTION_STATUSES)}, not {status!r}")
    result = conn.execute(
        update(action)
        .where(action.c.id == action_id)
        .values(status=status, updated_at=now or utcnow())
    )
    if result.rowcount == 0:
        raise NotFoundError(f"no action with id {action_id}")


def add_decision(
    conn: Connection,
    stocktake_id: int,
    kind: str,
    text: str,
    *,
    kpi_id: int | None = None,
    decided_at: date | None = None,
    now: datetime | None = None,
) -> int:
    """Record a decision asked of the Steering Committee or taken by it; returns its id."""
    values = {"kpi_id": kpi_id, "kind": kind, "text": text, "decided_at": decided_at}
    return _add(conn, decision, stocktake_id, {**values, "created_at": now or utcnow()})


def _items(conn: Connection, table: Table, stocktake_id: int) -> list[RowMapping]:
    query = select(table).where(table.c.stocktake_id == stocktake_id).order_by(table.c.id)
    return list(conn.execute(query).mappings())


def list_assessments(conn: Connection, stocktake_id: int) -> list[RowMapping]:
    """A stocktake's assessments, in the order they were first made."""
    return _items(conn, assessment, stocktake_id)


def list_problems(conn: Connection, stocktake_id: int) -> list[RowMapping]:
    """A stocktake's problems, in the order they were raised."""
    return _items(conn, problem, stocktake_id)


def list_actions(conn: Connection, stocktake_id: int) -> list[RowMapping]:
    """A stocktake's actions, in the order they were agreed."""
    return _items(conn, action, stocktake_id)


def list_decisions(conn: Connection, stocktake_id: int) -> list[RowMapping]:
    """A stocktake's decisions, in the order they were recorded."""
    return _items(conn, decision, stocktake_id)


# --- history: earlier judgements and actions still open ------------------------------------


def get_action(conn: Connection, action_id: int) -> RowMapping:
    """One action, with the quarter of its stocktake; NotFoundError if there is none."""
    query = (
        select(action, stocktake.c.quarter)
        .join(stocktake, stocktake.c.id == action.c.stocktake_id)
        .where(action.c.id == action_id)
    )
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFoundError(f"no action with id {action_id}")
    return row


def previous_assessment(conn: Connection, quarter: str, kpi_id: int) -> RowMapping | None:
    """The latest assessment of a KPI at a stocktake before ``quarter`` (with its quarter)."""
    query = (
        select(assessment, stocktake.c.quarter)
        .join(stocktake, stocktake.c.id == assessment.c.stocktake_id)
        .where(assessment.c.kpi_id == kpi_id, stocktake.c.quarter < quarter)
        .order_by(stocktake.c.quarter.desc())
        .limit(1)
    )
    return conn.execute(query).mappings().first()


def unfinished_actions_before(conn: Connection, quarter: str) -> list[RowMapping]:
    """Actions agreed at stocktakes before ``quarter`` that are neither done nor dropped."""
    query = (
        select(action, stocktake.c.quarter)
        .join(stocktake, stocktake.c.id == action.c.stocktake_id)
        .where(stocktake.c.quarter < quarter, action.c.status.in_(("open", "in_progress")))
        .order_by(stocktake.c.quarter, action.c.id)
    )
    return list(conn.execute(query).mappings())
