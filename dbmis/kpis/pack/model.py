"""What the stocktake pack shows, as plain frozen dataclasses.

:func:`dbmis.kpis.pack.build.build_pack_data` fills a :class:`PackData` from the warehouse and
the KPI rules; the renderers (:mod:`~dbmis.kpis.pack.html`, :mod:`~dbmis.kpis.pack.pdf`,
:mod:`~dbmis.kpis.pack.xlsx`) take a :class:`PackData` only, so they can be tested on a
hand-made one and never touch the database.

Conventions: months are ``YYYYMM`` integers, periods are labels as in the catalog (``2026-07``,
``2026Q3``, ``2026``, ``FY2026-27``), values are in the KPI's own unit (42.5 for 42.5%), and
``None`` means "no value" (never NaN). Statuses are the values of
:class:`dbmis.kpis.status.Status`; likelihoods are ``green``, ``amber_green``, ``amber_red``
and ``red``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

LIKELIHOODS: tuple[str, ...] = ("green", "amber_green", "amber_red", "red")
"""The DU's 4-point scale of likelihood of delivery, best first."""

LIKELIHOOD_LABELS: dict[str, str] = {
    "green": "Green",
    "amber_green": "Amber-green",
    "amber_red": "Amber-red",
    "red": "Red",
}

LIKELIHOOD_MEANINGS: dict[str, str] = {
    "green": "Delivery highly likely: on track, no major issues.",
    "amber_green": "Delivery probable: issues need attention but can be resolved.",
    "amber_red": "Delivery in doubt: major issues; urgent action needed.",
    "red": "Delivery unlikely without a change of course: problems need escalation.",
}

CHANGES: tuple[str, ...] = ("improved", "same", "worsened", "new")
"""How a judgement moved since the previous stocktake (as :func:`dbmis.kpis.stocktake.arrow`);
``new`` when the KPI was never judged before."""

CHANGE_LABELS: dict[str, tuple[str, str]] = {
    "improved": ("▲", "Improved"),
    "same": ("▶", "Unchanged"),
    "worsened": ("▼", "Worse"),
    "new": ("●", "First judgement"),
}
"""change -> (arrow, word)."""

RATING_LABELS: dict[str, str] = {"strong": "Strong", "adequate": "Adequate", "weak": "Weak"}
"""How each of the four criteria is rated."""

ACTION_STATUS_LABELS: dict[str, str] = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}


@dataclass(frozen=True)
class SeriesPoint:
    """One period of the KPI's province series, as charted and listed.

    ``period_end`` is the period's last month (YYYYMM); ``partial`` marks a period whose last
    month is after the last month with data (a year to date).
    """

    period: str
    period_end: int
    actual: float | None
    planned: float | None = None
    completeness: float | None = None
    flagged: bool = False
    partial: bool = False
    numerator: float | None = None
    denominator: float | None = None
    status: str | None = None


@dataclass(frozen=True)
class LeagueRow:
    """One district in a league table; ``rank`` 1 is the best performer."""

    rank: int
    district: str
    district_name: str
    division_name: str
    value: float | None
    completeness: float
    flagged: bool
    """below the completeness threshold: too few of the expected returns behind the value"""
    status: str | None = None
    """against the district's own trajectory, where the district has a target"""
    numerator: float | None = None
    denominator: float | None = None
    planned: float | None = None
    """the district's own planned value for the period, where it has a target"""

    @property
    def share_of_plan(self) -> float | None:
        if self.value is None or not self.planned:
            return None
        return self.value / self.planned


@dataclass(frozen=True)
class League:
    """Best and worst districts for one period.

    When there are few ranked districts (10 or fewer) every ranked district is in ``best`` (in
    rank order) and ``worst`` is empty. ``unranked`` lists districts without a value.

    ``basis`` is what districts are ranked on: ``value`` (a rate, comparable across districts of
    any size) or ``plan`` (a count such as personnel trained, ranked on the value as a share of
    the district's own plan, since raw counts only rank districts by size).
    """

    period: str
    basis: str = "value"
    best: tuple[LeagueRow, ...] = ()
    worst: tuple[LeagueRow, ...] = ()
    ranked: int = 0
    unranked: tuple[str, ...] = ()
    flagged_count: int = 0

    @property
    def shows_all(self) -> bool:
        return not self.worst


@dataclass(frozen=True)
class Criterion:
    """One of the four criteria of a likelihood judgement."""

    name: str
    rating: str | None = None
    """``strong``, ``adequate`` or ``weak``; None when not rated"""
    comment: str | None = None


DEFAULT_CRITERIA: tuple[str, ...] = (
    "Quality of planning and implementation",
    "Capacity to drive progress",
    "Stage of delivery",
    "Progress against trajectory",
)


@dataclass(frozen=True)
class Judgement:
    """The DU's likelihood of delivery for one KPI at this stocktake."""

    likelihood: str
    rationale: str
    criteria: tuple[Criterion, ...] = ()
    previous: str | None = None
    previous_quarter: str | None = None
    change: str | None = None
    assessed_on: date | None = None


@dataclass(frozen=True)
class ActionItem:
    description: str
    owner: str
    due: date | None
    status: str
    overdue: bool = False
    kpi: str | None = None
    carried_from: str | None = None
    """the quarter of an earlier stocktake that agreed it, when it is carried over unfinished"""


@dataclass(frozen=True)
class DecisionItem:
    kind: str
    """``asked`` of the Steering Committee, or ``taken`` by it"""
    text: str
    decided_on: date | None = None
    kpi: str | None = None


@dataclass(frozen=True)
class ForecastLine:
    """A straight trend line from ``start_month`` (value ``start_value``) to the target month."""

    start_month: int
    start_value: float
    end_month: int
    end_value: float
    meets_target: bool | None
    points_used: int
    method: str = "theil-sen"


PLAN_STATUS_LABELS: dict[str, str] = {
    "on_schedule": "On schedule",
    "delayed": "Delayed",
    "completed": "Completed",
    "dropped": "Dropped",
    "not_started": "Not started",
    "not_reported": "Not reported",
}
"""Status of an action plan activity (see :mod:`dbmis.kpis.plan`)."""


@dataclass(frozen=True)
class OverdueMilestone:
    code: str
    title: str
    due: date


@dataclass(frozen=True)
class PlanActivityLine:
    """An action plan activity behind a KPI, from its latest approved progress report."""

    code: str
    title: str
    lead: str
    lead_name: str
    status: str
    """a key of :data:`PLAN_STATUS_LABELS`"""
    quarter: str | None = None
    """the quarter of the approved report behind the status; None without one"""
    milestones_done: int = 0
    milestones_total: int = 0
    overdue: tuple[OverdueMilestone, ...] = ()
    spent_pkr: int | None = None
    allocated_pkr: int = 0
    budget_pkr: int = 0
    illustrative: bool = False

    @property
    def budget_use(self) -> float | None:
        """Spent as a share of the budget allocated to date (None when nothing is)."""
        if self.allocated_pkr <= 0:
            return None
        return (self.spent_pkr or 0) / self.allocated_pkr


@dataclass(frozen=True)
class KpiSection:
    """Everything the pack shows for one KPI (the summary row and its own pages)."""

    code: str
    name: str
    short_name: str
    priority: str
    definition: str
    source: str
    unit: str
    decimals: int
    direction: str
    headline: bool = False
    # the figure the KPI is judged on at this stocktake
    period: str | None = None
    period_type: str = "quarter"
    period_partial: bool = False
    period_through: int | None = None
    """for a partial period, the last month it covers"""
    value: float | None = None
    planned: float | None = None
    status: str = "no_data"
    completeness: float | None = None
    flagged: bool = False
    # the province plan
    baseline_value: float | None = None
    baseline_period: str | None = None
    baseline_month: int | None = None
    target_value: float | None = None
    target_period: str | None = None
    target_month: int | None = None
    tolerance: float | None = None
    shape: str | None = None
    target_note: str | None = None
    denominator_name: str | None = None
    """what the denominator counts (its indicators' names), for the league table's base column"""
    # the chart
    series_type: str = "month"
    series: tuple[SeriesPoint, ...] = ()
    trajectory: tuple[tuple[int, float], ...] = ()
    forecast: ForecastLine | None = None
    # districts
    league: League | None = None
    # the DU's assessment
    judgement: Judgement | None = None
    problems: tuple[str, ...] = ()
    actions: tuple[ActionItem, ...] = ()
    decisions: tuple[DecisionItem, ...] = ()
    # the action plan: activities meant to move this KPI
    activities: tuple[PlanActivityLine, ...] = ()

    @property
    def decisions_asked(self) -> tuple[DecisionItem, ...]:
        return tuple(d for d in self.decisions if d.kind == "asked")

    @property
    def decisions_taken(self) -> tuple[DecisionItem, ...]:
        return tuple(d for d in self.decisions if d.kind == "taken")

    @property
    def anchor(self) -> str:
        return f"kpi-{self.code.lower()}"


@dataclass(frozen=True)
class InstitutionReporting:
    """Monthly returns of one institution for the quarter's months that are due.

    Each district owes one return a month; ``expected`` counts the district-months due by the
    pack's date. A return is ``on_time`` or ``late`` (first received after the deadline) once
    approved, ``pending`` while it awaits approval, else ``missing``.
    """

    institution: str
    name: str
    expected: int
    on_time: int
    late: int
    pending: int
    missing: int
    late_districts: tuple[tuple[str, int], ...] = ()
    """(district name, months late), most months first"""
    missing_districts: tuple[tuple[str, int], ...] = ()
    """(district name, months missing), most months first"""
    pending_districts: tuple[tuple[str, int], ...] = ()

    @property
    def received(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        """Approved returns as a share of the expected ones (0-1)."""
        return self.received / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


@dataclass(frozen=True)
class DataQuality:
    quarter: str
    months: tuple[int, ...]
    """the quarter's months whose returns were due by the pack's date"""
    deadline_days: int
    institutions: tuple[InstitutionReporting, ...] = ()
    not_due_months: tuple[int, ...] = ()


@dataclass(frozen=True)
class PackData:
    """The whole stocktake pack."""

    title: str
    province: str
    quarter: str
    quarter_label: str
    generated_on: date
    data_through: int | None
    """the last month with approved data"""
    is_demo: bool = False
    release_number: int | None = None
    release_published_on: date | None = None
    release_through: int | None = None
    stocktake_title: str | None = None
    stocktake_status: str | None = None
    """``draft``, ``final``, or None when no stocktake was recorded for the quarter"""
    meeting_date: date | None = None
    previous_quarter: str | None = None
    completeness_threshold: float = 0.8
    kpis: tuple[KpiSection, ...] = ()
    data_quality: DataQuality | None = None
    problems: tuple[str, ...] = ()
    """problems not tied to one KPI"""
    actions: tuple[ActionItem, ...] = ()
    """actions not tied to one KPI"""
    decisions: tuple[DecisionItem, ...] = ()
    """decisions not tied to one KPI"""
    notes: tuple[str, ...] = field(default=())
    """extra footnotes for the whole pack"""
    computed_at: datetime | None = None
    """when the KPI values were last recomputed from the approved data"""
    plan_as_of: date | None = None
    """the date the action plan's status is given at; None when the catalog has no plan"""

    @property
    def all_actions(self) -> tuple[ActionItem, ...]:
        return self.actions + tuple(a for k in self.kpis for a in k.actions)

    @property
    def overdue_actions(self) -> tuple[ActionItem, ...]:
        return tuple(a for a in self.all_actions if a.overdue)

    @property
    def all_decisions_asked(self) -> tuple[DecisionItem, ...]:
        own = tuple(d for d in self.decisions if d.kind == "asked")
        return own + tuple(d for k in self.kpis for d in k.decisions_asked)
