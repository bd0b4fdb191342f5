"""Quarterly stocktakes: the Delivery Unit's judgements, problems, actions and decisions.

The business rules on top of :mod:`dbmis.warehouse.queries.stocktakes`:

- a stocktake per calendar quarter (``2026Q3``, :func:`quarter_of`);
- a **judgement** per KPI: the likelihood of delivery on the 4-point scale (green,
  amber_green, amber_red, red), a rationale, and the four criteria of the Deliverology
  assessment framework (:data:`CRITERIA`), each rated ``strong``, ``adequate`` or ``weak``;
- the **direction of travel** (:func:`arrow`): ``improved``, ``same`` or ``worsened`` against
  the KPI's previous judgement (its latest at an earlier stocktake, on the order red <
  amber_red < amber_green < green), ``new`` when it was never judged before;
- problems; actions with an owner, a due date and a status (:func:`is_overdue`: the due date
  has passed and the action is neither done nor dropped); decisions asked of the Steering
  Committee and decisions it took;
- :func:`summary`: everything about one stocktake, per KPI, for the pack and the web pages.
  Unfinished actions of earlier stocktakes are carried into it (``carried=True``).

Every write runs in its own transaction and is audited (who, when, what, before and after).
A final stocktake's judgements, problems and decisions no longer change; actions always can.
Each write is stamped now, or at ``now`` (keyword-only, timezone-aware) when the caller records
something that happened earlier: the demo's simulated calendar; the record and its audit event
carry the same time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping

from dbmis.errors import NotFoundError
from dbmis.periods import PeriodType, parse_period
from dbmis.warehouse import Database
from dbmis.warehouse.queries import stocktakes as st
from dbmis.warehouse.queries.audit import append_event
from dbmis.warehouse.queries.dimensions import kpi_ids
from dbmis.warehouse.schema import ACTION_STATUSES, DECISION_KINDS
from dbmis.warehouse.types import utcnow

LIKELIHOOD_ORDER: tuple[str, ...] = ("red", "amber_red", "amber_green", "green")
"""The likelihood of delivery, worst first."""

LIKELIHOOD_LABELS: Mapping[str, str] = {
    "green": "Green",
    "amber_green": "Amber-green",
    "amber_red": "Amber-red",
    "red": "Red",
}

CRITERIA: Mapping[str, str] = {
    "planning": "Quality of planning and implementation",
    "capacity": "Capacity to drive progress",
    "stage": "Stage of delivery",
    "progress": "Progress against trajectory",
}
"""The four criteria of a likelihood judgement: key -> label (DESIGN.md section 2)."""

RATINGS: tuple[str, ...] = ("strong", "adequate", "weak")
"""How each criterion is rated, best first."""

ARROWS: tuple[str, ...] = ("improved", "same", "worsened", "new")
"""Direction of travel of a judgement since the previous one."""

ARROW_SYMBOLS: Mapping[str, str] = {"improved": "▲", "same": "▶", "worsened": "▼", "new": "●"}

DONE_STATUSES = frozenset({"done", "dropped"})


# --- pure rules ----------------------------------------------------------------------------------


def quarter_of(day: date) -> str:
    """The calendar quarter of a date: 2026-08-14 -> ``2026Q3``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def check_quarter(quarter: str) -> str:
    """The quarter label, stripped; ValueError unless it is a quarter such as 2026Q3."""
    label = quarter.strip().upper()
    try:
        ok = parse_period(label).type is PeriodType.quarter
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{quarter!r} is not a quarter: write it as 2026Q3")
    return label


def normalise_likelihood(value: str) -> str:
    """``amber-green``, ``Amber Green`` -> ``amber_green``; ValueError when not on the scale."""
    key = "_".join(value.strip().lower().replace("-", " ").split())
    if key not in LIKELIHOOD_ORDER:
        raise ValueError(
            f"{value!r} is not a likelihood of delivery: use green, amber_green, amber_red or red"
        )
    return key


def check_criteria(criteria: Mapping[str, str | None] | None) -> dict[str, str]:
    """The criteria rated (keys of :data:`CRITERIA`, ratings of :data:`RATINGS`), normalised;
    ValueError naming any unknown criterion or rating. Unrated criteria are left out."""
    out: dict[str, str] = {}
    for key, rating in (criteria or {}).items():
        if key not in CRITERIA:
            raise ValueError(f"unknown criterion {key!r}: the criteria are {', '.join(CRITERIA)}")
        if rating is None or not str(rating).strip():
            continue
        value = str(rating).strip().lower()
        if value not in RATINGS:
            raise ValueError(f"criterion {key!r} rated {rating!r}: rate it {', '.join(RATINGS)}")
        out[key] = value
    return {key: out[key] for key in CRITERIA if key in out}


def arrow(previous: str | None, current: str) -> str:
    """Direction of travel from the previous likelihood to the current one."""
    if previous is None:
        return "new"
    step = LIKELIHOOD_ORDER.index(current) - LIKELIHOOD_ORDER.index(previous)
    return "improved" if step > 0 else "worsened" if step < 0 else "same"


def _field(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, Mapping) else getattr(item, name)


def is_overdue(action: Any, today: date) -> bool:
    """An action (a mapping or an object with ``due_date`` and ``status``) is overdue when its
    due date has passed and it is neither done nor dropped."""
    due = _field(action, "due_date")
    return due is not None and due < today and _field(action, "status") not in DONE_STATUSES


# --- what a summary holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    kpi: str
    quarter: str
    likelihood: str
    rationale: str
    criteria: dict[str, str]
    """criterion key -> rating, in the order of :data:`CRITERIA`"""
    assessed_by: int | None
    assessed_at: datetime

    @property
    def label(self) -> str:
        return LIKELIHOOD_LABELS[self.likelihood]

    def criteria_labelled(self) -> list[tuple[str, str | None]]:
        """(criterion label, rating or None) for all four criteria."""
        return [(label, self.criteria.get(key)) for key, label in CRITERIA.items()]


@dataclass(frozen=True)
class ProblemItem:
    id: int
    kpi: str | None
    description: str
    created_at: datetime


@dataclass(frozen=True)
class ActionItem:
    id: int
    quarter: str
    """the stocktake that agreed it"""
    kpi: str | None
    description: str
    owner: str
    due_date: date | None
    status: str
    overdue: bool
    carried: bool = False
    """agreed at an earlier stocktake and still open"""


@dataclass(frozen=True)
class DecisionItem:
    id: int
    kpi: str | None
    kind: str
    """``asked`` of the Steering Committee, or ``taken`` by it"""
    text: str
    decided_at: date | None


@dataclass(frozen=True)
class KpiStocktake:
    """One KPI at one stocktake."""

    kpi: str
    judgement: Judgement | None
    previous: Judgement | None
    arrow: str | None
    """None when the KPI is not judged yet at this stocktake"""
    problems: tuple[ProblemItem, ...] = ()
    actions: tuple[ActionItem, ...] = ()
    decisions: tuple[DecisionItem, ...] = ()


@dataclass(frozen=True)
class StocktakeSummary:
    id: int
    quarter: str
    title: str
    status: str
    meeting_date: date | None
    today: date
    kpis: tuple[KpiStocktake, ...]
    problems: tuple[ProblemItem, ...] = ()
    """problems not tied to one KPI (likewise actions and decisions)"""
    actions: tuple[ActionItem, ...] = ()
    decisions: tuple[DecisionItem, ...] = ()
    previous_quarter: str | None = field(default=None)
    """the latest earlier stocktake, if any"""

    @property
    def all_actions(self) -> tuple[ActionItem, ...]:
        return self.actions + tuple(a for k in self.kpis for a in k.actions)

    @property
    def overdue_actions(self) -> tuple[ActionItem, ...]:
        return tuple(a for a in self.all_actions if a.overdue)

    @property
    def all_decisions(self) -> tuple[DecisionItem, ...]:
        return self.decisions + tuple(d for k in self.kpis for d in k.decisions)

    def kpi(self, code: str) -> KpiStocktake:
        for item in self.kpis:
            if item.kpi == code:
                return item
        raise KeyError(code)


# --- writes --------------------------------------------------------------------------------------


def _kpi_id(conn: Connection, code: str | None) -> int | None:
    if code is None:
        return None
    ids = kpi_ids(conn)
    if code not in ids:
        raise NotFoundError(f"no KPI {code!r}")
    return ids[code]


def _text(value: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValueError(f"{what} cannot be empty")
    return text


def create(
    db: Database,
    quarter: str,
    title: str | None,
    created_by: str,
    *,
    created_by_id: int | None = None,
    meeting_date: date | None = None,
    now: datetime | None = None,
) -> st.Stocktake:
    """Open the draft stocktake of a quarter; ConflictError if it exists."""
    quarter = check_quarter(quarter)
    title = (title or "").strip() or f"Stocktake {quarter}"
    at = now or utcnow()
    with db.write() as conn:
        take = st.create_stocktake(
            conn, quarter, title, created_by=created_by_id, meeting_date=meeting_date, now=at
        )
        append_event(
            conn,
            actor=created_by,
            action="stocktake.created",
            entity="stocktake",
            entity_id=quarter,
            detail={"title": title, "meeting_date": meeting_date and meeting_date.isoformat()},
            at=at,
        )
    return take


def judge(
    db: Database,
    quarter: str,
    kpi: str,
    likelihood: str,
    rationale: str,
    criteria: Mapping[str, str | None] | None,
    assessed_by: str,
    *,
    assessed_by_id: int | None = None,
    now: datetime | None = None,
) -> Judgement:
    """Record (or revise) the likelihood of delivery of one KPI at a stocktake."""
    quarter = check_quarter(quarter)
    level = normalise_likelihood(likelihood)
    reason = _text(rationale, "the rationale of a judgement")
    rated = check_criteria(criteria)
    at = now or utcnow()
    with db.write() as conn:
        take = st.get_stocktake(conn, quarter)
        kpi_id = _kpi_id(conn, kpi)
        assert kpi_id is not None
        before = {a["kpi_id"]: a for a in st.list_assessments(conn, take.id)}.get(kpi_id)
        assessment_id = st.upsert_assessment(
            conn,
            take.id,
            kpi_id,
            level,
            reason,
            criteria=rated,
            assessed_by=assessed_by_id,
            now=at,
        )
        append_event(
            conn,
            actor=assessed_by,
            action="stocktake.judged",
            entity="assessment",
            entity_id=assessment_id,
            detail={
                "quarter": quarter,
                "kpi": kpi,
                "before": None if before is None else before["likelihood"],
                "after": level,
                "rationale": reason,
                "criteria": rated,
            },
            at=at,
        )
    return Judgement(kpi, quarter, level, reason, rated, assessed_by_id, at)


def finalise(db: Database, quarter: str, by: str, *, now: datetime | None = None) -> None:
    """Freeze a stocktake's judgements, problems and decisions (actions keep moving)."""
    quarter = check_quarter(quarter)
    at = now or utcnow()
    with db.write() as conn:
        take = st.get_stocktake(conn, quarter)
        st.finalise_stocktake(conn, take.id)
        append_event(
            conn,
            actor=by,
            action="stocktake.finalised",
            entity="stocktake",
            entity_id=quarter,
            detail={"before": take.status, "after": "final"},
            at=at,
        )


def add_problem(
    db: Database,
    quarter: str,
    description: str,
    *,
    kpi: str | None = None,
    raised_by: str,
    raised_by_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Record a problem raised at a stocktake; returns its id."""
    quarter = check_quarter(quarter)
    text = _text(description, "a problem's description")
    at = now or utcnow()
    with db.write() as conn:
        take = st.get_stocktake(conn, quarter)
        new_id = st.add_problem(
            conn, take.id, text, kpi_id=_kpi_id(conn, kpi), raised_by=raised_by_id, now=at
        )
        append_event(
            conn,
            actor=raised_by,
            action="stocktake.problem_added",
            entity="problem",
            entity_id=new_id,
            detail={"quarter": quarter, "kpi": kpi, "description": text},
            at=at,
        )
    return new_id


def add_action(
    db: Database,
    quarter: str,
    description: str,
    owner: str,
    *,
    kpi: str | None = None,
    due_date: date | None = None,
    created_by: str,
    now: datetime | None = None,
) -> int:
    """Record an open action with its owner (a person or an office) and due date."""
    quarter = check_quarter(quarter)
    text = _text(description, "an action's description")
    who = _text(owner, "an action's owner")
    at = now or utcnow()
    with db.write() as conn:
        take = st.get_stocktake(conn, quarter)
        new_id = st.add_action(
            conn, take.id, text, who, kpi_id=_kpi_id(conn, kpi), due_date=due_date, now=at
        )
        append_event(
            conn,
            actor=created_by,
            action="stocktake.action_added",
            entity="action",
            entity_id=new_id,
            detail={
                "quarter": quarter,
                "kpi": kpi,
                "description": text,
                "owner": who,
                "due_date": due_date and due_date.isoformat(),
            },
            at=at,
        )
    return new_id


def set_action_status(
    db: Database, action_id: int, status: str, *, changed_by: str, now: datetime | None = None
) -> str:
    """Move an action to open, in_progress, done or dropped; returns the status before."""
    status = status.strip().lower().replace("-", "_").replace(" ", "_")
    if status not in ACTION_STATUSES:
        raise ValueError(f"status must be one of {', '.join(ACTION_STATUSES)}, not {status!r}")
    at = now or utcnow()
    with db.write() as conn:
        before = st.get_action(conn, action_id)
        st.set_action_status(conn, action_id, status, now=at)
        append_event(
            conn,
            actor=changed_by,
            action="stocktake.action_status",
            entity="action",
            entity_id=action_id,
            detail={"quarter": before["quarter"], "before": before["status"], "after": status},
            at=at,
        )
    return str(before["status"])


def add_decision(
    db: Database,
    quarter: str,
    kind: str,
    text: str,
    *,
    kpi: str | None = None,
    decided_at: date | None = None,
    recorded_by: str,
    now: datetime | None = None,
) -> int:
    """Record a decision asked of the Steering Committee (``asked``) or taken by it (``taken``)."""
    quarter = check_quarter(quarter)
    kind = kind.strip().lower()
    if kind not in DECISION_KINDS:
        raise ValueError(f"a decision is {' or '.join(DECISION_KINDS)}, not {kind!r}")
    body = _text(text, "a decision's text")
    at = now or utcnow()
    with db.write() as conn:
        take = st.get_stocktake(conn, quarter)
        new_id = st.add_decision(
            conn, take.id, kind, body, kpi_id=_kpi_id(conn, kpi), decided_at=decided_at, now=at
        )
        append_event(
            conn,
            actor=recorded_by,
            action="stocktake.decision_added",
            entity="decision",
            entity_id=new_id,
            detail={
                "quarter": quarter,
                "kpi": kpi,
                "kind": kind,
                "text": body,
                "decided_at": decided_at and decided_at.isoformat(),
            },
            at=at,
        )
    return new_id


# --- reads ---------------------------------------------------------------------------------------


def _judgement(row: RowMapping, kpi: str, quarter: str) -> Judgement:
    return Judgement(
        kpi=kpi,
        quarter=quarter,
        likelihood=row["likelihood"],
        rationale=row["rationale"],
        criteria=dict(row["criteria"] or {}),
        assessed_by=row["assessed_by"],
        assessed_at=row["assessed_at"],
    )


def previous_judgement(conn: Connection, quarter: str, kpi: str) -> Judgement | None:
    """The KPI's latest judgement at a stocktake before ``quarter``, or None."""
    kpi_id = _kpi_id(conn, kpi)
    assert kpi_id is not None
    row = st.previous_assessment(conn, check_quarter(quarter), kpi_id)
    return None if row is None else _judgement(row, kpi, row["quarter"])


def _action(
    row: Mapping[Any, Any], codes: Mapping[int, str], today: date, carried: bool
) -> ActionItem:
    return ActionItem(
        id=row["id"],
        quarter=row["quarter"],
        kpi=codes.get(row["kpi_id"]) if row["kpi_id"] is not None else None,
        description=row["description"],
        owner=row["owner"],
        due_date=row["due_date"],
        status=row["status"],
        overdue=is_overdue(row, today),
        carried=carried,
    )


def summary(
    db: Database, quarter: str, today: date, *, kpis: Sequence[str] | None = None
) -> StocktakeSummary:
    """Everything about one stocktake, per KPI (``kpis`` gives the order, e.g. the catalog's;
    default: every active KPI in the warehouse's order), plus the items tied to no KPI (or to
    a KPI not in ``kpis``). NotFoundError when the quarter has no stocktake."""
    quarter = check_quarter(quarter)
    with db.read() as conn:
        take = st.get_stocktake(conn, quarter)
        ids = kpi_ids(conn, active_only=kpis is None)
        codes = {v: k for k, v in kpi_ids(conn).items()}
        order = list(kpis) if kpis is not None else sorted(ids, key=lambda c: ids[c])
        unknown = [c for c in order if c not in ids]
        if unknown:
            raise NotFoundError(f"no KPI {', '.join(map(repr, unknown))}")
        judged = {a["kpi_id"]: a for a in st.list_assessments(conn, take.id)}
        previous = {c: previous_judgement(conn, quarter, c) for c in order}
        problems = [
            ProblemItem(
                p["id"],
                codes.get(p["kpi_id"]) if p["kpi_id"] is not None else None,
                p["description"],
                p["created_at"],
            )
            for p in st.list_problems(conn, take.id)
        ]
        actions = [
            _action({**a, "quarter": quarter}, codes, today, carried=False)
            for a in st.list_actions(conn, take.id)
        ]
        actions += [
            _action(a, codes, today, carried=True)
            for a in st.unfinished_actions_before(conn, quarter)
        ]
        decisions = [
            DecisionItem(
                d["id"],
                codes.get(d["kpi_id"]) if d["kpi_id"] is not None else None,
                d["kind"],
                d["text"],
                d["decided_at"],
            )
            for d in st.list_decisions(conn, take.id)
        ]
        earlier = [s.quarter for s in st.list_stocktakes(conn) if s.quarter < quarter]
    items = []
    for code in order:
        row = judged.get(ids[code])
        judgement = None if row is None else _judgement(row, code, quarter)
        prev = previous[code]
        items.append(
            KpiStocktake(
                kpi=code,
                judgement=judgement,
                previous=prev,
                arrow=None
                if judgement is None
                else arrow(prev.likelihood if prev else None, judgement.likelihood),
                problems=tuple(p for p in problems if p.kpi == code),
                actions=tuple(a for a in actions if a.kpi == code),
                decisions=tuple(d for d in decisions if d.kpi == code),
            )
        )
    listed = set(order)
    return StocktakeSummary(
        id=take.id,
        quarter=quarter,
        title=take.title,
        status=take.status,
        meeting_date=take.meeting_date,
        today=today,
        kpis=tuple(items),
        problems=tuple(p for p in problems if p.kpi not in listed),
        actions=tuple(a for a in actions if a.kpi not in listed),
        decisions=tuple(d for d in decisions if d.kpi not in listed),
        previous_quarter=max(earlier) if earlier else None,
    )
