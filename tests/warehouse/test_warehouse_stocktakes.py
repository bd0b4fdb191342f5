"""Stocktakes: assessments, problems, actions and decisions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from dbmis.errors import ConflictError, NotFoundError
from dbmis.warehouse import Database
from dbmis.warehouse.queries import dimensions
from dbmis.warehouse.queries import stocktakes as st


def test_a_stocktake_round_trip(synced_db: Database):
    with synced_db.write() as conn:
        kpis = dimensions.kpi_ids(conn)
        take = st.create_stocktake(conn, "2026Q3", "Q3 stocktake", meeting_date=date(2026, 10, 9))
        first = st.upsert_assessment(conn, take.id, kpis["CONVICTION_RATE"], "amber_red", "slow")
        again = st.upsert_assessment(
            conn, take.id, kpis["CONVICTION_RATE"], "amber_green", "better",
            criteria={"planning": "green", "progress": "amber"},
        )  # fmt: skip
        st.upsert_assessment(conn, take.id, kpis["UNDERTRIAL_SHARE"], "red", "rising")
        st.add_problem(conn, take.id, "Forensic backlog", kpi_id=kpis["CONVICTION_RATE"])
        act = st.add_action(
            conn, take.id, "Hire analysts", "Forensics DG", due_date=date(2026, 12, 31)
        )
        st.set_action_status(conn, act, "in_progress")
        st.add_decision(conn, take.id, "asked", "Approve 20 posts")
    assert again == first
    with synced_db.read() as conn:
        assessments = st.list_assessments(conn, take.id)
        actions = st.list_actions(conn, take.id)
        assert [s.quarter for s in st.list_stocktakes(conn)] == ["2026Q3"]
        assert len(st.list_problems(conn, take.id)) == len(st.list_decisions(conn, take.id)) == 1
    assert [a["likelihood"] for a in assessments] == ["amber_green", "red"]
    assert assessments[0]["criteria"] == {"planning": "green", "progress": "amber"}
    assert actions[0]["status"] == "in_progress" and actions[0]["due_date"] == date(2026, 12, 31)
    assert take.status == "draft" and take.meeting_date == date(2026, 10, 9)


def test_stocktake_rules(synced_db: Database):
    with synced_db.write() as conn:
        kpi = dimensions.kpi_ids(conn)["CONVICTION_RATE"]
        take = st.create_stocktake(conn, "2026Q4", "Q4")
        act = st.add_action(conn, take.id, "Do it", "DU")
        with pytest.raises(ConflictError):
            st.create_stocktake(conn, "2026Q4", "again")
        with pytest.raises(ValueError):
            st.create_stocktake(conn, "2026-07", "not a quarter")
        with pytest.raises(NotFoundError):
            st.get_stocktake(conn, "2030Q1")
        st.finalise_stocktake(conn, take.id)
        with pytest.raises(ConflictError):
            st.add_problem(conn, take.id, "too late")
        st.set_action_status(conn, act, "done")  # actions move on after the meeting
    with pytest.raises(IntegrityError), synced_db.write() as conn:  # CHECK on likelihood
        other = st.create_stocktake(conn, "2027Q1", "Q1")
        st.upsert_assessment(conn, other.id, kpi, "purple", "?")
