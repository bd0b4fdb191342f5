"""Data for the stocktake, release, steering and audit page tests (SQLite and PostgreSQL).

On top of the ``published`` warehouse of ``tests/app/conftest.py`` (release 1 through March
2026 by hand; unpublished ``kpi_value`` rows: CONVICTION_RATE province 2026Q1 = 77.7 and 2026Q2
= 99.9, DELTA 2026Q1 = 77.7; an approved DELTA x PROSECUTION submission for April 2026 that no
release holds), :func:`seed` adds:

- ``kpi_value`` UNDERTRIAL_SHARE province 2026Q1 = 70.0, the value release 1 holds (so it is
  "published in release 1"), and division NORTH CONVICTION_RATE 2026Q1 = 11.0 (as released);
- the draft stocktake of 2026Q1 with a judgement of CONVICTION_RATE (amber_red), a problem, an
  action and a decision asked of the Steering Committee.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert

from dbmis.kpis import stocktake as st
from dbmis.warehouse import Database
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.schema import kpi_value
from tests.app.conftest import PROVINCE, _value

QUARTER = "2026Q1"
JUDGED_AT = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)
TODAY = date(2026, 5, 1)
RATIONALE = "Convictions lag the plan in the south; prosecutors are short-staffed."


def add_values(db: Database, rows: list[dict[str, Any]]) -> None:
    with db.write() as conn:
        conn.execute(insert(kpi_value), [{**r, "computed_at": JUDGED_AT} for r in rows])


def seed(db: Database) -> int:
    """See the module doc; returns the stocktake's id."""
    with db.read() as conn:
        ids = dimensions.kpi_ids(conn)
    add_values(
        db,
        [
            _value(ids["UNDERTRIAL_SHARE"], "province", PROVINCE, "quarter", QUARTER, 202603, 70.0,
                   planned=71.0, status="on_track"),
            _value(ids["CONVICTION_RATE"], "division", "NORTH", "quarter", QUARTER, 202603, 11.0),
        ],
    )  # fmt: skip
    take = st.create(db, QUARTER, "Stocktake Q1 2026", "ana", meeting_date=date(2026, 4, 28))
    st.judge(
        db,
        QUARTER,
        "CONVICTION_RATE",
        "amber_red",
        RATIONALE,
        {"planning": "adequate", "capacity": "weak", "stage": None, "progress": "weak"},
        "ana",
        now=JUDGED_AT,
    )
    st.add_problem(db, QUARTER, "Too few prosecutors in Gamma", kpi="CONVICTION_RATE",
                   raised_by="ana")  # fmt: skip
    st.add_action(db, QUARTER, "Recruit ten prosecutors", "Prosecutor General",
                  kpi="CONVICTION_RATE", due_date=date(2026, 4, 1), created_by="ana")  # fmt: skip
    st.add_decision(db, QUARTER, "asked", "Approve the recruitment budget",
                    kpi="CONVICTION_RATE", recorded_by="ana")  # fmt: skip
    return take.id
