"""``dbmis publish``, ``dbmis releases`` and ``dbmis kpis recompute``.

Public figures change only when a release is published: ``publish`` recomputes the KPI values
from the approved data and copies them, through the month given, into a new numbered release
that never changes afterwards.
"""

from __future__ import annotations

from typing import Annotated

import typer

from dbmis.cli.context import state
from dbmis.cli.review_cmd import AsUser, acting, parse_month, reported_errors, warehouse

kpis_app = typer.Typer(
    help="KPI values: recompute them from the approved data.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

Through = Annotated[
    str | None, typer.Option("--through", help="Last month, e.g. 2026-09 (default: latest data).")
]


@kpis_app.command("recompute")
def recompute_cmd(ctx: typer.Context, through: Through = None) -> None:
    """Recompute every KPI value (the steering view's figures; the public ones change only
    when a release is published)."""
    from dbmis.kpis.rollup import recompute
    from dbmis.periods import month_label

    cli = state(ctx)
    with reported_errors(), warehouse(cli) as db:
        through_month = parse_month(through) if through else None
        report = recompute(db, cli.catalog(), through_month=through_month)
    if report.through_month is None or report.first_month is None:
        typer.echo("no approved data yet: no KPI values")
        return
    typer.echo(
        f"{report.rows} KPI values from {month_label(report.first_month)} to "
        f"{month_label(report.through_month)} ({report.with_plan} with a plan), "
        f"{report.seconds:.1f} s"
    )


def register(app: typer.Typer) -> None:
    @app.command("publish")
    def publish_cmd(
        ctx: typer.Context,
        through: Annotated[
            str, typer.Option("--through", help="Publish data through this month, e.g. 2026-09.")
        ],
        note: Annotated[
            str | None, typer.Option("--note", help="A note shown with the release.")
        ] = None,
        as_user: AsUser = None,
    ) -> None:
        """Publish a new release: recompute the KPI values and freeze them for the public.

        The month must be over, and not before the latest release's month. A release never
        changes; publishing again makes a new one.
        """
        from dbmis.kpis.releases import publish
        from dbmis.periods import month_label
        from dbmis.settings import Mode

        cli = state(ctx)
        with reported_errors(), warehouse(cli) as db:
            through_month = parse_month(through)
            who = acting(db, as_user)
            info = publish(
                db,
                cli.catalog(),
                through_month=through_month,
                note=note,
                published_by=who.username,
                published_by_id=who.user_id,
                is_demo=cli.settings.mode is Mode.demo,
            )
        c = info.changes
        v, s = c["values"], c["submissions"]
        since = f" since release {c['previous']}" if c["previous"] else ""
        typer.secho(
            f"published release {info.number} through {month_label(info.through_month)}: "
            f"{info.values} KPI values",
            fg=typer.colors.GREEN,
        )
        typer.echo(
            f"  values{since}: {v['added']} added, {v['revised']} revised, "
            f"{v['unchanged']} unchanged, {v['removed']} removed"
        )
        typer.echo(
            f"  built from {info.submissions} approved submission(s); changed{since}: "
            f"{s['new']} new, {s['revised']} revised, {s['reverted']} reverted, "
            f"{s['withdrawn']} withdrawn"
        )
        for r in c["revised"][:10]:
            typer.echo(
                f"  revised {r['kpi']} {r['geo_level']} {r['geo_code']} {r['period']}: "
                f"{_num(r['old'])} -> {_num(r['new'])}"
            )
        if v["revised"] > 10:
            typer.echo(f"  ... and {v['revised'] - 10} more revised value(s)")

    @app.command("releases")
    def releases_cmd(ctx: typer.Context) -> None:
        """List the published releases, newest first."""
        from dbmis.periods import month_label
        from dbmis.warehouse.queries.releases import list_releases

        cli = state(ctx)
        with reported_errors(), warehouse(cli) as db, db.read() as conn:
            releases = list_releases(conn)
        if not releases:
            typer.echo("no release published yet")
            return
        typer.echo(
            f"{'no':>4}  {'published (UTC)':<18}{'through':<9}{'values':>8}{'added':>8}"
            f"{'revised':>9}  {'by':<16}note"
        )
        for r in releases:
            v = (r.changes or {}).get("values", {})
            by = r.publisher or "-"
            typer.echo(
                f"{r.number:>4}  {r.published_at:%Y-%m-%d %H:%M}  {month_label(r.through_month):<9}"
                f"{r.values:>8}{v.get('added', 0):>8}{v.get('revised', 0):>9}  {by:<16}"
                f"{(r.note or '')[:60]}{' [demo]' if r.is_demo else ''}"
            )


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"
