"""dbmis plan: the action plan from the shell.

\b
  dbmis plan check [FOLDER]                     check the plan and print what it holds
  dbmis plan show [--kpi K | --institution I]   approved status, overdue milestones, money
  dbmis plan report ACTIVITY --quarter 2026Q3 --status on_schedule --spend 1200000
       [--milestone CODE=2026-08-15 ...] [--narrative TEXT] [--evidence FILE ...] [--as USER]
  dbmis plan reports [--state submitted]        progress reports, newest first
  dbmis plan approve ID... [--all-pending]      approve reports waiting for review
  dbmis plan return ID --reason TEXT            send a report back with a reason

The acting person is ``--as USER`` (an account: a focal point reports only on activities their
institution leads; only analysts review) or, without it, ``cli:<login>``, a Delivery Unit
operator at the shell, who acts as an analyst. Every act is audited under that name.
"""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dbmis.cli.context import fail, state
from dbmis.cli.review_cmd import reported_errors, warehouse
from dbmis.errors import DbmisError

if TYPE_CHECKING:
    from dbmis.catalog import Catalog
    from dbmis.ingest.progress import PlanActor
    from dbmis.warehouse import Database
    from dbmis.warehouse.queries.plan import PlanReport

app = typer.Typer(help=__doc__, no_args_is_help=True, rich_markup_mode=None)

AsUser = Annotated[
    str | None,
    typer.Option("--as", help="Act as this DBMIS user; default cli:<your login> (an analyst)."),
]


def _actor(db: Database, as_user: str | None) -> PlanActor:
    from dbmis.ingest.progress import PlanActor, actor_for

    if as_user:
        with db.read() as conn:
            return actor_for(conn, as_user)
    return PlanActor.operator(f"cli:{getpass.getuser()}")


def _pkr(amount: int | None) -> str:
    return "-" if amount is None else f"{amount:,}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


@app.command("check")
def check_cmd(
    ctx: typer.Context,
    folder: Annotated[
        Path | None, typer.Argument(help="Catalog folder (default: settings).")
    ] = None,
) -> None:
    """Check the catalog's action plan and print what it holds."""
    cli = state(ctx)
    try:
        catalog = cli.catalog(folder)
    except DbmisError as exc:
        raise fail(exc) from exc
    plan = catalog.plan
    if plan.is_empty:
        typer.echo(f"catalog {catalog.folder} has no action plan (action_plan.yaml)")
        return
    title = plan.title.en if plan.title else "Action plan"
    typer.echo(f"{title}: {len(plan.activities)} activities, OK")
    total = sum(a.budget_total for a in plan.activities)
    typer.echo(f"  milestones: {sum(len(a.milestones) for a in plan.activities)}")
    typer.echo(f"  budget: PKR {total:,}")
    by_year: dict[str, int] = {}
    for a in plan.activities:
        for line in a.budget:
            by_year[line.fiscal_year] = by_year.get(line.fiscal_year, 0) + line.amount_pkr
    for year in sorted(by_year):
        typer.echo(f"    {year}: PKR {by_year[year]:,}")
    illustrative = sum(1 for a in plan.activities if a.illustrative)
    typer.echo(f"  illustrative: {illustrative} of {len(plan.activities)} activities")
    for kpi in catalog.kpis:
        codes = [a.code for a in catalog.activities_of_kpi(kpi.code)]
        typer.echo(f"  {kpi.code}: {len(codes)} activit{'y' if len(codes) == 1 else 'ies'}")


def _known(catalog: Catalog, kpi: str | None, institution: str | None) -> None:
    from dbmis.errors import NotFoundError

    if kpi is not None and kpi not in catalog.kpi_by_code:
        raise NotFoundError(f"no KPI {kpi!r}")
    if institution is not None and institution not in catalog.institution_by_code:
        raise NotFoundError(f"no institution {institution!r}")


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    kpi: Annotated[str | None, typer.Option(help="Only the activities behind this KPI.")] = None,
    institution: Annotated[
        str | None, typer.Option(help="Only the activities this institution leads.")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD); default today.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every activity's approved status, overdue milestones and budget use, and a roll-up."""
    from dbmis.kpis.plan import rollup
    from dbmis.kpis.plan_data import plan_status

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        catalog = cli.catalog()
        _known(catalog, kpi, institution)
        day = date.fromisoformat(as_of) if as_of else date.today()
        statuses = [
            s
            for s in plan_status(db, catalog, as_of=day)
            if (kpi is None or kpi in s.kpis) and (institution is None or s.lead == institution)
        ]
    total = rollup(kpi or institution or "plan", statuses)
    if as_json:
        out = {
            "as_of": day.isoformat(),
            "activities": [
                {
                    "code": s.code,
                    "lead": s.lead,
                    "kpis": list(s.kpis),
                    "status": s.status,
                    "quarter": s.quarter,
                    "overdue": list(s.overdue),
                    "spend_pkr": s.spend_pkr,
                    "allocated_pkr": s.allocated_pkr,
                    "budget_pkr": s.budget_pkr,
                    "budget_use": s.budget_use,
                }
                for s in statuses
            ],
            "counts": dict(total.counts),
            "overdue_milestones": total.overdue_milestones,
            "budget_use": total.budget_use,
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    typer.echo(f"action plan as of {day} (approved progress reports)")
    typer.echo(
        f"{'activity':<30}{'lead':<13}{'status':<14}{'quarter':<9}{'overdue':>8}"
        f"{'spent (PKR)':>16}{'allocated':>16}{'use':>6}"
    )
    for s in statuses:
        typer.echo(
            f"{s.code:<30}{s.lead:<13}{s.status:<14}{s.quarter or '-':<9}{len(s.overdue):>8}"
            f"{_pkr(s.spend_pkr):>16}{_pkr(s.allocated_pkr):>16}{_share(s.budget_use):>6}"
        )
        for code in s.overdue:
            milestone = catalog.activity_by_code[s.code].milestone(code)
            if milestone is not None:
                typer.echo(f"{'':<4}overdue: {code} (due {milestone.due}) {milestone.title.en}")
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in total.counts.items() if n)
    typer.echo(
        f"{total.total} activities: {counts or 'none'}; {total.overdue_milestones} overdue "
        f"milestone(s); spent PKR {total.spent_pkr:,} of {total.allocated_pkr:,} allocated to "
        f"date ({_share(total.budget_use)})"
    )


def _milestones(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        code, sep, day = item.partition("=")
        if not sep or not code.strip() or not day.strip():
            raise ValueError(f"--milestone {item!r}: write CODE=YYYY-MM-DD")
        out[code.strip().upper()] = day.strip()
    return out


@app.command("report")
def report_cmd(
    ctx: typer.Context,
    activity: Annotated[str, typer.Argument(help="Activity code (see dbmis plan show).")],
    quarter: Annotated[str, typer.Option(help="The quarter reported on, e.g. 2026Q3.")],
    status: Annotated[
        str, typer.Option(help="not_started, on_schedule, delayed, completed or dropped.")
    ],
    spend: Annotated[int, typer.Option(help="Spend to date in whole PKR (cumulative).")],
    milestone: Annotated[
        list[str] | None,
        typer.Option(help="A milestone done since the last approved report: CODE=YYYY-MM-DD."),
    ] = None,
    narrative: Annotated[str, typer.Option(help="What happened; why, if delayed.")] = "",
    evidence: Annotated[
        list[Path] | None, typer.Option(help="An evidence file (PDF, PNG, JPEG, xlsx, csv).")
    ] = None,
    as_user: AsUser = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; record nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Report an activity's progress for a quarter (it then waits for the DU's review)."""
    from dbmis.ingest.evidence import EvidenceStore
    from dbmis.ingest.progress import EvidenceUpload, report_progress
    from dbmis.ingest.safety import Limits

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        uploads = [EvidenceUpload(path.read_bytes(), path.name) for path in evidence or []]
        result = report_progress(
            db,
            cli.catalog(),
            _actor(db, as_user),
            activity.upper(),
            quarter.upper(),
            status=status,
            spend_pkr=spend,
            milestones=_milestones(milestone or []),
            narrative=narrative,
            evidence=uploads,
            evidence_store=EvidenceStore(cli.settings.resolved_evidence_dir),
            limits=Limits(max_file_bytes=cli.settings.max_upload_bytes),
            dry_run=dry_run,
        )
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        for i in result.issues:
            colour = typer.colors.RED if i.severity == "error" else typer.colors.YELLOW
            typer.secho(f"{i.severity.upper():<8}{i.code:<32}{i.field}: {i.message}", fg=colour)
        if result.ok and result.report_id is not None:
            extra = f", supersedes report {result.superseded_id}" if result.superseded_id else ""
            typer.secho(
                f"report {result.report_id} recorded ({activity.upper()} {quarter.upper()}, "
                f"revision {result.revision}{extra}): waiting for review",
                fg=typer.colors.GREEN,
            )
        elif result.ok:
            typer.echo("checked: no errors (nothing recorded: --dry-run)")
    if not result.ok:
        raise typer.Exit(code=1)


def _line(r: PlanReport) -> str:
    mark = "*" if r.is_current else " "
    return (
        f"{r.id:>6}  {r.activity:<30}{r.quarter:<8}{r.revision:>3}{mark} {r.state:<11}"
        f"{r.progress:<13}{r.spend_pkr:>15,}  {r.reporter:<20}{(r.review_reason or '')[:40]}"
    )


_HEADER = (
    f"{'id':>6}  {'activity':<30}{'quarter':<8}{'rev':>3}  {'state':<11}{'status':<13}"
    f"{'spent (PKR)':>15}  {'reported by':<20}note"
)


@app.command("reports")
def reports_cmd(
    ctx: typer.Context,
    state_: Annotated[
        str | None,
        typer.Option("--state", help="submitted, approved, returned or superseded."),
    ] = None,
    activity: Annotated[str | None, typer.Option(help="Activity code.")] = None,
    institution: Annotated[str | None, typer.Option(help="Lead institution code.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 200,
) -> None:
    """List progress reports, newest first; * marks the current revision."""
    from dbmis.kpis.plan_data import plan_reports
    from dbmis.warehouse.schema import REPORT_STATES

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        if state_ is not None and state_ not in REPORT_STATES:
            raise ValueError(f"state must be one of {', '.join(REPORT_STATES)}")
        found = plan_reports(
            db,
            activities=[activity.upper()] if activity else None,
            leads=[institution.upper()] if institution else None,
            states=[state_] if state_ else None,
            limit=limit,
        )
    if not found:
        typer.echo("no progress reports match")
        return
    typer.echo(_HEADER)
    for r in found:
        typer.echo(_line(r))
    typer.echo(f"{len(found)} report(s)")


@app.command("approve")
def approve_cmd(
    ctx: typer.Context,
    ids: Annotated[list[int] | None, typer.Argument(help="Report ids (see plan reports).")] = None,
    all_pending: Annotated[
        bool, typer.Option("--all-pending", help="Approve every report waiting for review.")
    ] = False,
    as_user: AsUser = None,
) -> None:
    """Approve progress reports, all or none (a refused one refuses the lot)."""
    from dbmis.ingest.progress import approve_reports, pending_reports

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        wanted = list(ids or [])
        if all_pending:
            wanted += [r.id for r in pending_reports(db)]
        if not wanted:
            typer.echo("nothing to approve: name report ids or use --all-pending")
            return
        who = _actor(db, as_user)
        done = approve_reports(db, wanted, who)
    for r in done:
        typer.secho(f"APPROVED  {_line(r)}", fg=typer.colors.GREEN)
    typer.echo(f"{len(done)} approved by {who.username}")


@app.command("return")
def return_cmd(
    ctx: typer.Context,
    report_id: Annotated[int, typer.Argument(help="The report id.")],
    reason: Annotated[str, typer.Option(help="What the lead institution must check or correct.")],
    as_user: AsUser = None,
) -> None:
    """Return a progress report waiting for review, with a reason."""
    from dbmis.ingest.progress import return_report

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        done = return_report(db, report_id, _actor(db, as_user), reason=reason)
    typer.secho(f"RETURNED  {_line(done)}", fg=typer.colors.YELLOW)
    typer.echo(f"          reason: {done.review_reason}")
