"""``dbmis stocktake ...``: the quarterly stocktake's judgements, problems, actions, decisions.

``app`` is the ``stocktake`` sub-command group; other modules may attach commands to it (the
stocktake pack does: ``dbmis stocktake pack``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from dbmis.cli.context import state
from dbmis.cli.review_cmd import AsUser, acting, reported_errors, warehouse
from dbmis.errors import DbmisError

if TYPE_CHECKING:
    from dbmis.kpis.stocktake import ActionItem, DecisionItem, ProblemItem, StocktakeSummary

app = typer.Typer(
    help="Quarterly stocktakes: likelihood judgements, problems, actions and decisions.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
problem_app = typer.Typer(help="Problems raised at a stocktake.", no_args_is_help=True)
action_app = typer.Typer(help="Actions agreed at a stocktake.", no_args_is_help=True)
decision_app = typer.Typer(help="Decisions asked of or taken by the SC.", no_args_is_help=True)
app.add_typer(problem_app, name="problem")
app.add_typer(action_app, name="action")
app.add_typer(decision_app, name="decision")

Quarter = Annotated[str, typer.Option("--quarter", help="The quarter, e.g. 2026Q3.")]
KpiOpt = Annotated[str | None, typer.Option("--kpi", help="The KPI code it concerns.")]
Rating = Annotated[str | None, typer.Option(help="strong, adequate or weak.")]


def _date(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{what} {text!r} is not a date: write it as 2026-12-31") from exc


@app.command("create")
def create_cmd(
    ctx: typer.Context,
    quarter: Quarter,
    title: Annotated[str | None, typer.Option(help="Default: 'Stocktake <quarter>'.")] = None,
    meeting_date: Annotated[
        str | None, typer.Option("--meeting-date", help="The meeting's date, e.g. 2026-10-09.")
    ] = None,
    as_user: AsUser = None,
) -> None:
    """Open the draft stocktake of a quarter."""
    from dbmis.kpis import stocktake

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        who = acting(db, as_user)
        take = stocktake.create(
            db,
            quarter,
            title,
            who.username,
            created_by_id=who.user_id,
            meeting_date=_date(meeting_date, "the meeting date"),
        )
    typer.echo(f"stocktake {take.quarter} opened: {take.title}")


@app.command("judge")
def judge_cmd(
    ctx: typer.Context,
    quarter: Quarter,
    kpi: Annotated[str, typer.Option("--kpi", help="The KPI code.")],
    likelihood: Annotated[
        str, typer.Option("--likelihood", help="green, amber_green, amber_red or red.")
    ],
    rationale: Annotated[str, typer.Option("--rationale", help="Why, in a sentence or two.")],
    planning: Rating = None,
    capacity: Rating = None,
    stage: Rating = None,
    progress: Rating = None,
    as_user: AsUser = None,
) -> None:
    """Record (or revise) a KPI's likelihood of delivery, with the four criteria: quality of
    planning and implementation, capacity to drive progress, stage of delivery, progress
    against trajectory."""
    from dbmis.kpis import stocktake

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        who = acting(db, as_user)
        criteria = {
            "planning": planning,
            "capacity": capacity,
            "stage": stage,
            "progress": progress,
        }
        judgement = stocktake.judge(
            db,
            quarter,
            kpi,
            likelihood,
            rationale,
            criteria,
            who.username,
            assessed_by_id=who.user_id,
        )
        with db.read() as conn:
            previous = stocktake.previous_judgement(conn, quarter, kpi)
    move = stocktake.arrow(previous.likelihood if previous else None, judgement.likelihood)
    since = f" since {previous.quarter} ({previous.label})" if previous else ""
    typer.echo(f"{judgement.quarter} {kpi}: {judgement.label}, {move}{since}")


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="Default: the latest stocktake.")
    ] = None,
    today: Annotated[
        str | None, typer.Option(help="Count actions overdue at this date (default: today).")
    ] = None,
) -> None:
    """Print a stocktake: each KPI's judgement and direction of travel, problems, actions
    (overdue ones marked) and decisions."""
    from dbmis.errors import NotFoundError
    from dbmis.kpis import stocktake
    from dbmis.warehouse.queries.stocktakes import list_stocktakes

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        if quarter is None:
            with db.read() as conn:
                takes = list_stocktakes(conn)
            if not takes:
                raise NotFoundError("no stocktake yet: dbmis stocktake create --quarter 2026Q3")
            quarter = takes[0].quarter
        day = _date(today, "--today") or date.today()
        try:
            order: list[str] | None = [k.code for k in cli.catalog().kpis]
        except DbmisError:  # no catalog at hand: the warehouse's order will do
            order = None
        summary = stocktake.summary(db, quarter, day, kpis=order)
    _print_summary(summary)


def _print_summary(s: StocktakeSummary) -> None:
    from dbmis.kpis.stocktake import ARROW_SYMBOLS, LIKELIHOOD_LABELS

    head = f"{s.title} ({s.quarter}, {s.status})"
    if s.meeting_date:
        head += f", meeting {s.meeting_date:%Y-%m-%d}"
    typer.echo(head)
    for k in s.kpis:
        if k.judgement is None:
            typer.echo(f"\n{k.kpi}: not judged yet")
        else:
            j = k.judgement
            move = k.arrow or ""
            was = k.previous
            prev = f" (was {LIKELIHOOD_LABELS[was.likelihood]} in {was.quarter})" if was else ""
            typer.echo(f"\n{k.kpi}: {j.label} {ARROW_SYMBOLS.get(move, '')} {move}{prev}")
            typer.echo(f"  rationale: {j.rationale}")
            rated = ", ".join(f"{label}: {r}" for label, r in j.criteria_labelled() if r)
            if rated:
                typer.echo(f"  criteria: {rated}")
        _print_items(k.problems, k.actions, k.decisions)
    if s.problems or s.actions or s.decisions:
        typer.echo("\nGeneral")
        _print_items(s.problems, s.actions, s.decisions)
    typer.echo(
        f"\n{len(s.all_actions)} action(s), {len(s.overdue_actions)} overdue at {s.today:%Y-%m-%d}"
    )


def _print_items(
    problems: Sequence[ProblemItem],
    actions: Sequence[ActionItem],
    decisions: Sequence[DecisionItem],
) -> None:
    for p in problems:
        typer.echo(f"  problem #{p.id}: {p.description}")
    for a in actions:
        due = f", due {a.due_date:%Y-%m-%d}" if a.due_date else ""
        flags = " OVERDUE" if a.overdue else ""
        carried = f" (from {a.quarter})" if a.carried else ""
        typer.echo(
            f"  action #{a.id} [{a.status}{flags}]{carried}: {a.description} ({a.owner}{due})"
        )
    for d in decisions:
        when = f" on {d.decided_at:%Y-%m-%d}" if d.decided_at else ""
        typer.echo(f"  decision {d.kind}{when} #{d.id}: {d.text}")


@problem_app.command("add")
def problem_add_cmd(
    ctx: typer.Context,
    description: Annotated[str, typer.Argument(help="The problem, in a sentence.")],
    quarter: Quarter,
    kpi: KpiOpt = None,
    as_user: AsUser = None,
) -> None:
    """Record a problem raised at a stocktake."""
    from dbmis.kpis import stocktake

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        who = acting(db, as_user)
        new_id = stocktake.add_problem(
            db, quarter, description, kpi=kpi, raised_by=who.username, raised_by_id=who.user_id
        )
    typer.echo(f"problem #{new_id} recorded at {quarter.upper()}")


@action_app.command("add")
def action_add_cmd(
    ctx: typer.Context,
    description: Annotated[str, typer.Argument(help="What is to be done.")],
    quarter: Quarter,
    owner: Annotated[str, typer.Option("--owner", help="The person or office responsible.")],
    due: Annotated[str | None, typer.Option("--due", help="Due date, e.g. 2026-12-31.")] = None,
    kpi: KpiOpt = None,
    as_user: AsUser = None,
) -> None:
    """Record an action agreed at a stocktake (it starts open)."""
    from dbmis.kpis import stocktake

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        who = acting(db, as_user)
        new_id = stocktake.add_action(
            db,
            quarter,
            description,
            owner,
            kpi=kpi,
            due_date=_date(due, "the due date"),
            created_by=who.username,
        )
    typer.echo(f"action #{new_id} recorded at {quarter.upper()}")


@action_app.command("status")
def action_status_cmd(
    ctx: typer.Context,
    action_id: Annotated[int, typer.Argument(help="The action's number.")],
    status: Annotated[str, typer.Argument(help="open, in_progress, done or dropped.")],
    as_user: AsUser = None,
) -> None:
    """Move an action to open, in_progress, done or dropped."""
    from dbmis.kpis import stocktake

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        who = acting(db, as_user)
        before = stocktake.set_action_status(db, action_id, status, changed_by=who.username)
    typer.echo(f"action #{action_id}: {before} -> {status}")


@decision_app.command("add")
def decision_add_cmd(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The decision.")],
    quarter: Quarter,
    kind: Annotated[str, typer.Option("--kind", help="asked (of the SC) or taken (by the SC).")],
    decided_on: Annotated[
        str | None, typer.Option("--decided-on", help="When it was taken, e.g. 2026-10-09.")
    ] = None,
    kpi: KpiOpt = None,
    as_user: AsUser = None,
) -> None:
    """Record a decision asked of the Steering Committee or taken by it."""
    from dbmis.kpis import stocktake

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        who = acting(db, as_user)
        new_id = stocktake.add_decision(
            db,
            quarter,
            kind,
            text,
            kpi=kpi,
            decided_at=_date(decided_on, "the decision date"),
            recorded_by=who.username,
        )
    typer.echo(f"decision #{new_id} ({kind}) recorded at {quarter.upper()}")
