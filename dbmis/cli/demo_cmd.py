"""``dbmis demo``: build a warehouse of synthetic, clearly labelled demo data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dbmis.cli.context import fail, state
from dbmis.errors import DbmisError
from dbmis.periods import month_label
from dbmis.settings import Mode

if TYPE_CHECKING:
    from dbmis.demo.accounts import DemoAccount
    from dbmis.demo.load import DemoReport


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        ctx: typer.Context,
        seed: Annotated[int, typer.Option(help="Random seed of the synthetic data.")] = 2022,
    ) -> None:
        """Fill the warehouse with synthetic demo returns for every district and institution.

        Every file goes through the same checks as a real upload; a few deliberately broken
        files are rejected. Then the Delivery Unit's routine runs on them: reviews (a few
        corrected revisions, one return), a release each quarter, and the last two quarters'
        stocktakes. Runs only on an empty or demo warehouse; the data is marked demo.
        In demo mode (DBMIS_MODE=demo) it also makes one account per role, with the
        passwords listed in the README (demo only).
        """
        from dbmis.app.auth.demo_accounts import create_demo_accounts
        from dbmis.demo.load import load_demo
        from dbmis.ingest.evidence import EvidenceStore
        from dbmis.ingest.service import IngestEnv
        from dbmis.warehouse import Database, sync_catalog, upgrade

        cli = state(ctx)

        def show(report: DemoReport) -> None:
            typer.echo(
                f"  {report.files} files checked: {report.accepted} accepted, "
                f"{report.rejected} rejected",
                err=True,
            )

        try:
            catalog = cli.catalog()
            db = Database(cli.settings)
            try:
                upgrade(db)
                sync_catalog(db, catalog)
                env = IngestEnv(
                    db=db,
                    catalog=catalog,
                    is_demo=True,
                    evidence=EvidenceStore(cli.settings.resolved_evidence_dir),
                )
                report = load_demo(env, seed=seed, progress=show)
                accounts = create_demo_accounts(db, catalog, cli.settings.mode)
            finally:
                db.dispose()
        except DbmisError as exc:
            raise fail(exc) from exc
        _show_accounts(accounts, cli.settings.mode)
        first, last = report.months
        if report.already_loaded:
            typer.echo("demo data is already loaded (delete the instance folder to rebuild it)")
            return
        typer.echo(
            f"demo data {month_label(first)} to {month_label(last)} (synthetic, seed {seed}): "
            f"{report.files} files, {report.accepted} accepted, {report.rejected} rejected "
            f"on purpose, {report.values} values, {report.seconds:.0f} s"
        )
        _show_routine(report)
        if report.mismatches:
            for line in report.mismatches:
                typer.secho(f"  unexpected: {line}", err=True, fg=typer.colors.RED)
            raise typer.Exit(code=1)


def _show_accounts(made: list[DemoAccount], mode: Mode) -> None:
    """The demo accounts just made, with their (published, demo-only) passwords."""
    if mode is not Mode.demo:
        typer.echo("no demo accounts: they are made in demo mode only (DBMIS_MODE=demo)")
        return
    for account in made:
        typer.echo(
            f"demo account {account.username} ({account.role}), password "
            f"'{account.password}' (demo only)"
        )


def _show_routine(report: DemoReport) -> None:
    """What the DU's routine did with the demo files (see dbmis.demo.routine)."""
    r = report.routine
    if r is None:
        return
    typer.echo(
        f"  review: {r.approved} approved, {r.returned} returned with a reason, {r.waiting} "
        f"waiting for review ({r.reuploads} re-uploads of corrected or mistyped files)"
    )
    if r.releases:
        first = r.first_release or 1
        last = first + len(r.releases) - 1
        typer.echo(
            f"  releases {first}-{last}, one a quarter through "
            f"{', '.join(month_label(m) for m in r.releases)}: {r.revised_values} published "
            "values revised by later releases"
        )
    if r.stocktakes:
        typer.echo(
            f"  stocktakes {' and '.join(r.stocktakes)}: {r.judgements} judgements, "
            f"{r.problems} problems, {r.actions} actions ({r.overdue_actions} overdue), "
            f"{r.decisions} decisions"
        )
    for note in r.notes:
        typer.echo(f"  note: {note}")
