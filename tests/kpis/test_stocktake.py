"""Stocktake rules: quarters, judgements and their direction of travel, overdue actions, the
summary the pack reads, and the audit trail of every write."""

# ruff: noqa: F811 - the warehouse fixtures are imported, then used as arguments

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dbmis.errors import ConflictError, NotFoundError
from dbmis.kpis import stocktake as st
from dbmis.warehouse import Database
from dbmis.warehouse.queries.audit import list_events
from dbmis.warehouse.queries.stocktakes import get_stocktake
from tests.warehouse.conftest import mini_catalog, synced_db  # noqa: F401

CRIT = {"planning": "strong", "capacity": "adequate", "stage": "weak", "progress": "adequate"}
NOW = datetime(2026, 10, 9, 10, 0, tzinfo=UTC)

# --- pure rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "quarter"),
    [(date(2026, 1, 1), "2026Q1"), (date(2026, 3, 31), "2026Q1"), (date(2026, 8, 14), "2026Q3"),
     (date(2026, 12, 31), "2026Q4")],
)  # fmt: skip
def test_quarter_of(day: date, quarter: str):
    assert st.quarter_of(day) == quarter


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (None, "red", "new"),
        ("red", "amber_red", "improved"),
        ("amber_red", "green", "improved"),
        ("amber_green", "amber_green", "same"),
        ("green", "amber_green", "worsened"),
        ("amber_green", "red", "worsened"),
    ],
)
def test_arrow(previous: str | None, current: str, expected: str):
    assert st.arrow(previous, current) == expected


def test_likelihood_criteria_and_quarter_are_checked():
    assert st.normalise_likelihood("Amber-Green") == "amber_green"
    assert st.normalise_likelihood(" amber red ") == "amber_red"
    with pytest.raises(ValueError, match="green, amber_green, amber_red or red"):
        st.normalise_likelihood("amber")
    assert st.check_criteria({"progress": "Weak", "planning": "strong", "stage": None}) == {
        "planning": "strong",
        "progress": "weak",
    }
    with pytest.raises(ValueError, match="unknown criterion 'budget'"):
        st.check_criteria({"budget": "strong"})
    with pytest.raises(ValueError, match="rate it strong, adequate, weak"):
        st.check_criteria({"stage": "early"})
    assert st.check_quarter("2026q3") == "2026Q3"
    for bad in ("2026-07", "2026Q5", "Q3"):
        with pytest.raises(ValueError, match="not a quarter"):
            st.check_quarter(bad)


@pytest.mark.parametrize(
    ("due", "status", "overdue"),
    [
        (None, "open", False),
        (date(2026, 10, 1), "open", True),
        (date(2026, 10, 1), "in_progress", True),
        (date(2026, 10, 1), "done", False),
        (date(2026, 10, 1), "dropped", False),
        (date(2026, 10, 9), "open", False),  # due today: not yet overdue
        (date(2026, 12, 1), "open", False),
    ],
)
def test_is_overdue(due: date | None, status: str, overdue: bool):
    today = date(2026, 10, 9)
    assert st.is_overdue({"due_date": due, "status": status}, today) is overdue
    item = st.ActionItem(1, "2026Q3", None, "x", "DU", due, status, overdue=False)
    assert st.is_overdue(item, today) is overdue


# --- with the warehouse --------------------------------------------------------------------------


def _judge(db: Database, quarter: str, kpi: str, likelihood: str) -> st.Judgement:
    return st.judge(db, quarter, kpi, likelihood, f"{kpi} in {quarter}", CRIT, "ana")


def test_direction_of_travel_against_the_latest_earlier_judgement(synced_db: Database):
    for quarter in ("2026Q1", "2026Q2", "2026Q3"):
        st.create(synced_db, quarter, None, "ana")
    _judge(synced_db, "2026Q1", "CONVICTION_RATE", "red")
    _judge(synced_db, "2026Q1", "UNDERTRIAL_SHARE", "green")
    _judge(synced_db, "2026Q2", "CONVICTION_RATE", "amber_red")
    # UNDERTRIAL_SHARE is not judged in Q2: Q3 compares with Q1
    _judge(synced_db, "2026Q3", "CONVICTION_RATE", "amber_red")
    _judge(synced_db, "2026Q3", "UNDERTRIAL_SHARE", "amber_green")
    q1 = st.summary(synced_db, "2026Q1", date(2026, 4, 1))
    q2 = st.summary(synced_db, "2026Q2", date(2026, 7, 1))
    q3 = st.summary(synced_db, "2026Q3", date(2026, 10, 9))
    assert [k.arrow for k in q1.kpis] == ["new", "new"]
    assert [k.arrow for k in q2.kpis] == ["improved", None]  # not judged yet in Q2
    assert q3.kpi("CONVICTION_RATE").arrow == "same"
    under = q3.kpi("UNDERTRIAL_SHARE")
    assert under.arrow == "worsened"
    assert under.previous is not None and under.previous.quarter == "2026Q1"
    assert q3.previous_quarter == "2026Q2" and q1.previous_quarter is None
    with synced_db.read() as conn:
        prev = st.previous_judgement(conn, "2026Q3", "CONVICTION_RATE")
        assert st.previous_judgement(conn, "2026Q1", "CONVICTION_RATE") is None
    assert prev is not None and (prev.quarter, prev.likelihood) == ("2026Q2", "amber_red")


def test_judging_again_revises_and_is_audited(synced_db: Database):
    take = st.create(synced_db, "2026Q3", "Third quarter", "ana", now=NOW)
    assert (take.title, take.status) == ("Third quarter", "draft")
    first = st.judge(
        synced_db, "2026Q3", "CONVICTION_RATE", "amber-red", "Slow courts", {"stage": "weak"},
        "ana", now=NOW,
    )  # fmt: skip
    assert first.criteria == {"stage": "weak"} and first.label == "Amber-red"
    st.judge(synced_db, "2026Q3", "CONVICTION_RATE", "amber_green", "Better", CRIT, "bob")
    summary = st.summary(synced_db, "2026Q3", date(2026, 10, 9))
    judgement = summary.kpi("CONVICTION_RATE").judgement
    assert judgement is not None
    assert (judgement.likelihood, judgement.rationale, judgement.criteria) == (
        "amber_green", "Better", CRIT
    )  # fmt: skip
    assert [label for label, _ in judgement.criteria_labelled()] == list(st.CRITERIA.values())
    with synced_db.read() as conn:
        events = list_events(conn, action="stocktake.judged")
        created = list_events(conn, action="stocktake.created")
    details = [e.detail or {} for e in events]
    assert [(e.actor, d["before"], d["after"]) for e, d in zip(events, details, strict=True)] == [
        ("bob", "amber_red", "amber_green"),
        ("ana", None, "amber_red"),
    ]
    assert events[1].at == NOW and details[0]["criteria"] == CRIT
    assert created[0].entity_id == "2026Q3" and created[0].actor == "ana"


def test_judgement_input_is_checked(synced_db: Database):
    st.create(synced_db, "2026Q3", None, "ana")
    with pytest.raises(NotFoundError, match="NO_SUCH_KPI"):
        st.judge(synced_db, "2026Q3", "NO_SUCH_KPI", "red", "x", None, "ana")
    with pytest.raises(ValueError, match="rationale"):
        st.judge(synced_db, "2026Q3", "CONVICTION_RATE", "red", "  ", None, "ana")
    with pytest.raises(NotFoundError, match="no stocktake for 2026Q4"):
        st.judge(synced_db, "2026Q4", "CONVICTION_RATE", "red", "x", None, "ana")
    with pytest.raises(ConflictError, match="already exists"):
        st.create(synced_db, "2026Q3", None, "ana")
    st.finalise(synced_db, "2026Q3", "ana")
    with pytest.raises(ConflictError, match="final"):
        st.judge(synced_db, "2026Q3", "CONVICTION_RATE", "red", "x", None, "ana")
    with synced_db.read() as conn:
        assert get_stocktake(conn, "2026Q3").status == "final"


def test_summary_problems_actions_decisions(synced_db: Database):
    st.create(synced_db, "2026Q2", None, "ana")
    st.create(synced_db, "2026Q3", "Q3 stocktake", "ana", meeting_date=date(2026, 10, 9))
    old_open = st.add_action(
        synced_db, "2026Q2", "Post forensic staff", "Forensics DG", kpi="CONVICTION_RATE",
        due_date=date(2026, 8, 31), created_by="ana",
    )  # fmt: skip
    old_done = st.add_action(
        synced_db, "2026Q2", "Circulate guidance", "DU", due_date=date(2026, 8, 1),
        created_by="ana",
    )  # fmt: skip
    assert st.set_action_status(synced_db, old_done, "done", changed_by="ana") == "open"
    st.add_problem(
        synced_db, "2026Q3", "Backlog of challans", kpi="CONVICTION_RATE", raised_by="ana"
    )
    st.add_problem(synced_db, "2026Q3", "Late returns from two districts", raised_by="ana")
    new_action = st.add_action(
        synced_db, "2026Q3", "Weekly case review", "DPP office", kpi="CONVICTION_RATE",
        due_date=date(2026, 12, 31), created_by="ana",
    )  # fmt: skip
    st.add_decision(
        synced_db, "2026Q3", "asked", "Approve 20 prosecutor posts", kpi="CONVICTION_RATE",
        recorded_by="ana",
    )  # fmt: skip
    st.add_decision(
        synced_db, "2026Q3", "taken", "Data-sharing order issued", decided_at=date(2026, 10, 9),
        recorded_by="ana",
    )  # fmt: skip
    with pytest.raises(ValueError, match="asked or taken"):
        st.add_decision(synced_db, "2026Q3", "noted", "x", recorded_by="ana")
    with pytest.raises(ValueError, match="status must be one of"):
        st.set_action_status(synced_db, new_action, "finished", changed_by="ana")
    with pytest.raises(NotFoundError):
        st.set_action_status(synced_db, 999, "done", changed_by="ana")

    s = st.summary(synced_db, "2026Q3", date(2026, 10, 9), kpis=["CONVICTION_RATE"])
    assert (s.title, s.meeting_date, s.status) == ("Q3 stocktake", date(2026, 10, 9), "draft")
    conv = s.kpi("CONVICTION_RATE")
    assert conv.judgement is None and conv.arrow is None
    assert [p.description for p in conv.problems] == ["Backlog of challans"]
    assert [(a.id, a.carried, a.overdue, a.quarter) for a in conv.actions] == [
        (new_action, False, False, "2026Q3"),
        (old_open, True, True, "2026Q2"),
    ]
    assert [d.kind for d in conv.decisions] == ["asked"]
    assert [p.description for p in s.problems] == ["Late returns from two districts"]
    assert [d.text for d in s.decisions] == ["Data-sharing order issued"]
    assert s.actions == ()  # the done Q2 action is not carried
    assert [a.id for a in s.overdue_actions] == [old_open]
    assert len(s.all_actions) == 2 and len(s.all_decisions) == 2
    with pytest.raises(NotFoundError):
        st.summary(synced_db, "2025Q4", date(2026, 10, 9))
    with synced_db.read() as conn:
        actions = {e.action for e in list_events(conn, limit=50)}
        status_event = list_events(conn, action="stocktake.action_status")[0]
    assert {
        "stocktake.created",
        "stocktake.problem_added",
        "stocktake.action_added",
        "stocktake.action_status",
        "stocktake.decision_added",
    } <= actions
    assert status_event.detail == {"quarter": "2026Q2", "before": "open", "after": "done"}
    # actions still move after the stocktake is final
    st.finalise(synced_db, "2026Q2", "ana")
    st.set_action_status(synced_db, old_open, "in_progress", changed_by="ana")
