"""``dbmis init``: create or upgrade the warehouse and sync the catalog into it."""

from __future__ import annotations

import typer

from dbmis.cli.context import fail, state
from dbmis.errors import DbmisError


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(ctx: typer.Context) -> None:
        """Create or upgrade the warehouse schema and load the catalog's dimensions.

        Safe to run again: migrations already applied are skipped and an unchanged catalog
        changes nothing.
        """
        from dbmis.warehouse import Database, current_revision, sync_catalog, upgrade

        cli = state(ctx)
        try:
            catalog = cli.catalog()
            db = Database(cli.settings)
            try:
                upgrade(db)
                revision = current_revision(db)
                report = sync_catalog(db, catalog)
            finally:
                db.dispose()
        except DbmisError as exc:
            raise fail(exc) from exc
        typer.echo(f"warehouse {db.url.render_as_string(hide_password=True)}: schema at {revision}")
        typer.echo(f"catalog {catalog.roadmap.province.en} (fingerprint {catalog.fingerprint}):")
        if not report.changed:
            typer.echo("  already in sync: nothing changed")
        for kind in ("inserted", "updated", "deactivated"):
            counts = {k: v for k, v in getattr(report, kind).items() if v}
            if counts:
                typer.echo(f"  {kind}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
